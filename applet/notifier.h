/* notifier.h: desktop notifications (GNotification) on handovers and on registration
 * failures, each of which the user can turn off in GSettings (org.lispmn.Applet keys
 * notify-handover and notify-registration-failure).
 */
#pragma once

#include <gio/gio.h>

#include "node-watcher.h"

G_BEGIN_DECLS

typedef struct _LmnNotifier LmnNotifier;

LmnNotifier *lmn_notifier_new (GApplication *app, LmnNodeWatcher *watcher);
void lmn_notifier_free (LmnNotifier *self);

/* Tells the user that Connect/Disconnect failed, with NetworkManager's @message. Always
 * shown: it answers something the user just did. */
void lmn_notifier_vpn_failed (LmnNotifier *self, const char *message);

/* The body of the handover notification, e.g. "Now using 198.51.100.9. No longer using
 * 198.51.100.1. The map-servers confirmed it in 0.3 s." (exposed for the tests). */
char *lmn_notifier_handover_text (const char *const *came, const char *const *went,
                                  double reregistration_seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnNotifier, lmn_notifier_free)

G_END_DECLS
