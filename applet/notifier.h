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

/* The body of the handover notification, e.g. "Now using up2 (198.51.100.9). No longer
 * using Home Wi-Fi (198.51.100.1). The map-servers confirmed it in 0.3 s.": each address
 * named by its uplink's connection or interface from @rlocs (the Rlocs property, may be
 * NULL); the time only from 0.1 s on (exposed for the tests). */
char *lmn_notifier_handover_text (const char *const *came, const char *const *went,
                                  double reregistration_seconds, GVariant *rlocs);

/* Whether a Handover is a move worth a notification, and not the node starting (the user
 * connected: every RLOC came) or stopping (disconnected), from the State and Rlocs
 * properties after it. */
gboolean lmn_notifier_handover_is_move (const char *const *came, const char *const *went,
                                        const char *state, GVariant *rlocs);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnNotifier, lmn_notifier_free)

G_END_DECLS
