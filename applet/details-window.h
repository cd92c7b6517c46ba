/* details-window.h: the applet's details window (GtkBuilder template details-window.ui):
 * the EIDs, RLOCs and map-servers, the map-cache (refreshable), the counters and the last
 * handovers, following the node watcher while it is open.
 */
#pragma once

#include <gtk/gtk.h>

#include "node-watcher.h"

G_BEGIN_DECLS

#define LMN_TYPE_DETAILS_WINDOW (lmn_details_window_get_type ())
G_DECLARE_FINAL_TYPE (LmnDetailsWindow, lmn_details_window, LMN, DETAILS_WINDOW, GtkApplicationWindow)

LmnDetailsWindow *lmn_details_window_new (GtkApplication *app, LmnNodeWatcher *watcher);

/* Asks the daemon for its map-cache again (the Refresh button). */
void lmn_details_window_refresh_map_cache (LmnDetailsWindow *self);

G_END_DECLS
