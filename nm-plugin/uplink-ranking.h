/* Which active connections become RLOCs, with which priority and weight: a pure function of
 * what libnm tells (rloc-feeder.c gathers it) and the VPN profile's vpn.data.
 *
 * Priority: rloc-priority.<interface>, else rloc-priority.<connection id or UUID> in vpn.data,
 * else
 * the uplink profile's user data lisp.priority, else the rank of the uplink's route metric
 * (1 for the lowest metric, 2 for the next ...: NetworkManager's own order, Ethernet before
 * Wi-Fi before mobile broadband). Weight likewise (rloc-weight..., lisp.weight), else 100.
 * A connection without a default route (a container bridge, a LAN-only link) is no uplink
 * unless a priority is given for it explicitly. An uplink without carrier is left out; one behind a captive portal or with limited
 * connectivity (rloc-feeder.c: and full connectivity in neither family) is demoted
 * (LMN_RANK_DEMOTION added to its priority, at most 254). */
#pragma once

#include <glib.h>
#include "vpn-data.h"

G_BEGIN_DECLS

#define LMN_RANK_DEFAULT_WEIGHT 100
#define LMN_RANK_DEMOTION       100

typedef struct {
  const char *interface;
  const char *connection_id;
  const char *connection_uuid;
  gint64      metric;         /* of the uplink's default route; -1 unknown */
  gboolean    default_route;  /* it has one (IPv4 or IPv6) */
  gint        user_priority;  /* lisp.priority; -1 unset */
  gint        user_weight;    /* lisp.weight; -1 unset */
  gboolean    carrier;
  gboolean    degraded;       /* connectivity "portal" or "limited" */
} LmnUplinkCandidate;

typedef struct {
  gchar  *interface;
  gchar  *connection;   /* the connection's id, for people (NULL when unknown) */
  guint8  priority;
  guint8  weight;
} LmnRankedUplink;

/* LmnRankedUplink*, in the candidates' order, each interface once. */
GPtrArray *lmn_rank_uplinks (const LmnUplinkCandidate *candidates, guint n, const LmnVpnData *data);

/* "lisp.priority" / "lisp.weight" user data: -1 when absent or not 0-255. */
gint       lmn_rank_parse_user_value (const char *text);

G_END_DECLS
