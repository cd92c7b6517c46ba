/* lispmnd --state-file PATH: the daemon's state as JSON, rewritten atomically whenever the
 * local RLOC set changes and on SIGUSR1. It is how tests and scripts see the daemon until
 * the D-Bus API exists, and stays as a debugging aid:
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
 *                   "icmp-sent": 0, "queued": 0,
 *                   "drops": { "malformed-outer": 0, ... every LmnDropReason name ... } }
 *   } */
#pragma once

#include <glib.h>
#include "config.h"
#include "dataplane.h"
#include "local-rlocs.h"
#include "map-cache.h"

G_BEGIN_DECLS

/* Writes the state to path atomically (a reader never sees half a file). */
gboolean lmn_state_file_write (const char *path, const LmnConfig *config, const char *tun_name,
                               guint mtu, const LmnLocalRlocs *rlocs, LispMapCache *cache,
                               const LmnCounters *counters, GError **error);

G_END_DECLS
