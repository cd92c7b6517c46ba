/* The node's state as data (GVariant), built in one place for the two places that show it:
 * the D-Bus API (properties and GetMapCache, see data/org.lispmn.MobileNode1.xml) and the
 * state file (state-file.h, which writes lmn_node_state_snapshot() as JSON). Each piece
 * (an RLOC, a map-cache entry and its locators, a map-server, the counters) is produced here
 * once; where the two readers want it differently, LmnStateView says for which it is. The
 * members of every dictionary come in a fixed order: the state file's order. */
#pragma once

#include <glib.h>
#include "node.h"

G_BEGIN_DECLS

typedef enum {
  /* Times relative to now, null when unknown; the map-cache's entries up to a bound (the
   * positive and configured ones first), with how many were left out. */
  LMN_STATE_VIEW_FILE,
  /* Wall-clock times, 0 or "" when unknown; an RLOC's connection; only the map-cache entries
   * still alive, with their ttl-left. */
  LMN_STATE_VIEW_DBUS,
} LmnStateView;

/* The pieces below take a NULL node (a stopped one) as one with nothing in it. */

/* aa{sv}: the RLOCs that have had an address (interface, address, priority, weight, state
 * "up" or "down"; for D-Bus also connection, when known). */
GVariant   *lmn_node_state_rlocs       (LmnNode *node, LmnStateView view);
/* a{sv}: one locator (address, priority, weight, reachable), the same in the map-cache's
 * entries and in D-Bus Lookup's answer. */
GVariant   *lmn_node_state_locator     (const char *address, guint8 priority, guint8 weight,
                                        gboolean reachable);
/* aa{sv}: the map-cache (prefix, origin, action, [ttl-left,] locators). */
GVariant   *lmn_node_state_map_cache   (LmnNode *node, LmnStateView view);
/* The state file lists at most this many map-cache entries, and how many it left out: a
 * stranger can fill the map-cache with tens of thousands of negative entries, and a dump of
 * every one took megabytes of file and tens of megabytes of memory to write. */
#define LMN_STATE_FILE_MAP_CACHE_MAX 1000
/* The same of a map-cache (NULL: an empty one); the file's view lists at most max entries,
 * the positive and configured ones first, and says in *omitted (if not NULL) how many it
 * left out. */
GVariant *lmn_node_state_map_cache_of (LispMapCache *cache, LmnStateView view, guint max,
                                       guint *omitted);
/* aa{sv}: each map-server and how our registration with it goes (address, state,
 * last-map-notify, last-error); the key is never shown. */
GVariant   *lmn_node_state_map_servers (LmnNode *node, LmnStateView view);
/* D-Bus's a{st}: the data plane's counters, "drops.REASON" and "control.COUNTER". */
GVariant   *lmn_node_state_counters    (const LmnCounters *counters,
                                        const LmnControlCounters *control);
/* One word for the whole: stopped, no-uplink, idle, connecting, degraded or registered. */
const char *lmn_node_state_name        (LmnNode *node);
/* The configuration's EIDs, map-resolvers and proxy-ETRs as text (NULL-terminated). */
GStrv       lmn_node_state_eids          (const LmnConfig *config);
GStrv       lmn_node_state_map_resolvers (const LmnConfig *config);
GStrv       lmn_node_state_proxy_etrs    (const LmnConfig *config);
/* a{sv}: everything the state file holds, in its order (see state-file.h). */
GVariant   *lmn_node_state_snapshot    (LmnNode *node);

G_END_DECLS
