/* node-watcher.h: follows lispmnd on the system bus for the applet.
 *
 * Watches the bus name org.lispmn.MobileNode1: while the daemon is there it holds a proxy
 * whose cached properties follow PropertiesChanged; when the daemon goes away (or restarts)
 * it says so and picks the new instance up by itself. It also keeps the last few handovers
 * (the daemon's Handover signal) for the details window.
 *
 * Signals:
 *   "changed" ()                          running state or any property but Counters changed
 *   "counters-changed" ()                 only the Counters changed (every second under traffic)
 *   "handover" (GStrv came, GStrv went, double reregistration_seconds)
 *   "registration-failed" (char *map_server, char *error)
 *                                         a map-server went into "auth-failed"
 */
#pragma once

#include <gio/gio.h>

#include "lmn-dbus-generated.h"

G_BEGIN_DECLS

#define LMN_TYPE_NODE_WATCHER (lmn_node_watcher_get_type ())
G_DECLARE_FINAL_TYPE (LmnNodeWatcher, lmn_node_watcher, LMN, NODE_WATCHER, GObject)

/* How many handovers the history keeps. */
#define LMN_NODE_WATCHER_HISTORY 20

typedef struct
{
  GDateTime *when;
  char **came;
  char **went;
  double reregistration_seconds;   /* -1 when not known */
} LmnHandoverRecord;

/* Starts watching on the system bus (DBUS_SYSTEM_BUS_ADDRESS is honoured by GDBus). */
LmnNodeWatcher *lmn_node_watcher_new (void);

/* Whether lispmnd is on the bus and its properties are known. */
gboolean lmn_node_watcher_is_running (LmnNodeWatcher *self);

/* Why the daemon cannot be seen when the system bus itself is unreachable, else NULL. */
const char *lmn_node_watcher_get_bus_error (LmnNodeWatcher *self);

/* The proxy while running, else NULL (borrowed). */
LmnDbusMobileNode1 *lmn_node_watcher_peek_proxy (LmnNodeWatcher *self);

/* A cached property as received (for example "Rlocs", aa{sv}), or NULL when not running or
 * not known. */
GVariant *lmn_node_watcher_dup_property (LmnNodeWatcher *self, const char *name);

/* The State property, or NULL. */
char *lmn_node_watcher_dup_state (LmnNodeWatcher *self);

/* The handovers seen since the applet started, oldest first (LmnHandoverRecord *). */
GPtrArray *lmn_node_watcher_get_history (LmnNodeWatcher *self);

G_END_DECLS
