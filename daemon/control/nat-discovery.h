/* NAT discovery for one RLOC, as a state machine without I/O or clock (the driver,
 * nat-traversal.c, sends what it builds and feeds it the answers and its timer): an
 * Info-Request to the map-server from the RLOC's control port; the Info-Reply says how the
 * map-server saw us. The same address and port: "public"; another: "behind-nat" (the NAT's
 * address and port recorded), and the first RTR of the RLOC's family in the reply becomes
 * the one we register and send data through. No valid answer to 3 tries (after 1, 2 and 4
 * s): "unknown" until the next round (10 minutes later, or when the address changes). */
#pragma once

#include <glib.h>
#include "local-rlocs.h"
#include "node-config.h"

G_BEGIN_DECLS

#define LMN_NAT_DISCOVERY_TRIES      3
#define LMN_NAT_DISCOVERY_FIRST_WAIT 1         /* seconds; doubled after each try */
#define LMN_NAT_DISCOVERY_PERIOD     (10 * 60) /* seconds between rounds */

typedef enum {
  LMN_INFO_ACCEPTED,
  LMN_INFO_BAD_NONCE, /* not the nonce of this RLOC's outstanding Info-Request */
  LMN_INFO_BAD_MAC,   /* wrong MAC, key ID or algorithm */
  LMN_INFO_MALFORMED, /* not an Info-Reply we can read, or without the NAT LCAF's fields */
} LmnInfoVerdict;

typedef struct {
  const LmnMapServerConfig *server; /* whom we ask; not owned */
  LmnIp local;                      /* the RLOC asked about */
  guint16 local_port;               /* the port the Info-Requests leave from */
  guint64 nonce;                    /* of this round's Info-Requests */
  gboolean awaiting;
  guint tries;       /* Info-Requests sent this round */
  LmnRlocNat result; /* what we know so far */
  guint32 ttl;       /* minutes the last reply's RTR list is good for */
} LmnNatDiscovery;

/* A first round for local (state probing); nothing is sent yet. */
void lmn_nat_discovery_start (LmnNatDiscovery *d, const LmnMapServerConfig *server,
                              const LmnIp *local, guint16 local_port);
/* The round's next Info-Request (eid: the node's first EID prefix, which the map-server
 * finds our site by), authenticated as our Map-Registers. The first try of a round takes
 * nonce; later tries repeat the round's, so a late answer to any of them counts. */
GBytes *lmn_nat_discovery_build (LmnNatDiscovery *d, const LispPrefix *eid, guint64 nonce,
                                 GError **error);
/* The wait (seconds) before the next try, or 0 when the round is over without an answer
 * (the state is then "unknown", without an RTR). Call when the timer expires. */
guint lmn_nat_discovery_missed (LmnNatDiscovery *d);
/* The wait before the first retry of the round just started. */
guint lmn_nat_discovery_next_wait (const LmnNatDiscovery *d);
/* An Info-Reply that arrived at this RLOC. mode decides whether an RTR is used: auto
 * behind a NAT, on always (when the reply lists one of our family), off never. */
LmnInfoVerdict lmn_nat_discovery_reply (LmnNatDiscovery *d, const guint8 *data, gsize len,
                                        LmnNatTraversal mode);

G_END_DECLS
