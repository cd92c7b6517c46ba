/* tray-menu.h: the panel icon (a StatusNotifierItem through libayatana-appindicator3) and
 * its menu: the state, the EIDs, one line per RLOC, one per map-server, Connect/Disconnect
 * of the NetworkManager profile, Details… and Quit. Follows the node watcher live.
 */
#pragma once

#include <gtk/gtk.h>

#include "node-watcher.h"

G_BEGIN_DECLS

typedef struct _LmnTray LmnTray;

/* @vpn_toggle is an LmnVpnToggle, or NULL when the applet is built without libnm. The menu
 * activates the application's actions "app.details" and "app.quit". */
LmnTray *lmn_tray_new (GApplication *app, LmnNodeWatcher *watcher, GObject *vpn_toggle);
void lmn_tray_free (LmnTray *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnTray, lmn_tray_free)

G_END_DECLS
