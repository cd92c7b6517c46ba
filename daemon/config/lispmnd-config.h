/* lispmnd's configuration file (/etc/lispmn/lispmnd.conf, GKeyFile syntax).
 *
 *   [lispmnd]
 *   mode=mobile-node                  # or xtr: the EIDs are site prefixes routed through us;
 *                                     # or proxy: proxy-ETR/ITR for the EID space in eids=
 *   eids=192.0.2.10/32;2001:db8:e1d::10/128
 *   instance-id=0
 *   tun=lispmn0
 *   mtu=0                             # 0: smallest uplink MTU minus the 56-byte overhead
 *   manage-addresses=true             # assign EIDs and routes to the TUN (no NetworkManager)
 *   routes=default                    # prefixes routed into the TUN; 'default' = 0/0 and ::/0
 *   route-metric=50
 *   queue-length=16                   # packets held per destination awaiting a mapping
 *   map-resolvers=203.0.113.1
 *   proxy-etrs=203.0.113.2 1 100      # ADDRESS [PRIORITY [WEIGHT]]; ...
 *   strict-source-check=off           # on: decapsulate only from the source's locators
 *   proxy-itrs=203.0.113.2            # outer sources the strict check also accepts
 *
 *   [uplink wlan0]                    # one group per uplink interface
 *   priority=1
 *   weight=50
 *
 *   [map-server 203.0.113.1]
 *   key=secret
 *   key-id=0
 *   algorithm=hmac-sha-256            # or hmac-sha-1
 *
 *   [mapping 192.0.2.128/25]          # a static map-cache entry
 *   locators=198.51.100.17 1 100;2001:db8:100:3::1 2 100
 *   action=natively-forward           # for an entry without locators
 *
 * Every mistake is refused with the file, line, group, key and reason:
 *   "lispmnd.conf:7: [uplink wlan0] priority: '300' is not a priority (0-255)".
 * data/lispmnd.conf is a commented example, lispmnd.conf(5) the full description. What the
 * file is read into, LmnConfig, is node-config.h's: lispmnd-config.c holds the schema. */
#pragma once

#include <glib.h>
#include "config-reader.h"
#include "node-config.h"

G_BEGIN_DECLS

LmnConfig *lmn_config_load      (const char *path, GError **error);
/* name stands for the file in error messages. */
LmnConfig *lmn_config_load_data (const char *data, gsize len, const char *name, GError **error);

/* The keys a group of this kind ("lispmnd", "uplink", "map-server", "mapping") may hold,
 * NULL-terminated; NULL for an unknown kind. For tools and tests that check the docs. */
const char * const *lmn_config_known_keys (const char *group_kind);

G_END_DECLS
