/* lispmnd --state-file PATH: the daemon's state as JSON, rewritten atomically whenever the
 * local RLOC set changes and on SIGUSR1: for tests and scripts, and a debugging aid beside
 * the D-Bus API (which shows the same pieces, see node-state.h):
 *
 *   {
 *     "mode": "mobile-node",
 *     "eids": ["192.0.2.10/32", "2001:db8:e1d::10/128"],
 *     "tun": "lispmn0", "mtu": 1444,
 *     "rlocs": [ { "interface": "up1", "address": "198.51.100.1", "priority": 1,
 *                  "weight": 50, "state": "up" } ],            // state: up | down
 *     "map-cache": [ { "prefix": "192.0.2.128/25", "origin": "static", "action": "no-action",
 *                      "locators": [ { "address": "198.51.100.17", "priority": 1,
 *                                      "weight": 100, "reachable": true } ] } ],
 *     "counters": { "tx-packets": 0, "tx-bytes": 0, "rx-packets": 0, "rx-bytes": 0,
 *                   "icmp-sent": 0,
 *                   "drops": { "malformed-outer": 0, ... every LmnDropReason name ... } },
 *     "map-servers": [ { "address": "203.0.113.1", "state": "registered",
 *                        "last-map-notify": 12, "last-error": null } ],
 *                       // state: registering | registered | auth-failed | unreachable;
 *                       // last-map-notify: seconds ago, null when never; keys never appear
 *     "map-resolvers": [ { "address": "203.0.113.1", "requests-sent": 3, "replies": 3 } ],
 *     "control": { "outstanding-requests": 0, "map-request-sent": 3, ... every
 *                  LmnControlCounter name ... },
 *     "rloc-probes": [ { "address": "198.51.100.17", "eid": "192.0.2.128/25",
 *                        "reachable": true, "misses": 0, "rtt-ms": 0.4 } ]
 *                       // the locators probed now; rtt-ms null before the first answer
 *   }
 * map-servers, map-resolvers and rloc-probes are left out when the node has no registrar,
 * resolver or prober. The content comes from node-state.c, which also feeds the D-Bus API. */
#pragma once

#include <glib.h>
#include "node.h"

G_BEGIN_DECLS

/* Writes node's state to path atomically (a reader never sees half a file). */
gboolean lmn_state_file_write (const char *path, LmnNode *node, GError **error);

G_END_DECLS
