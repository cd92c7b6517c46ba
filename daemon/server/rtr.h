/* lispmn-server as RTR, re-encapsulating tunnel router for nodes behind NAT
 * (draft-ietf-lisp-nat-traversal §4.4-4.6), its control plane (rtr.c): a pure core like the
 * map-server's, datagram in, datagrams out, time passed in.
 *
 * - An ECM with the R bit carrying a Map-Register with an xTR-ID, from a node behind a NAT:
 *   the RTR records an unverified NAT binding (nat-bindings.h) from the ECM's outer source
 *   (the node's translated address and port) and inner source (its private RLOC), and relays
 *   the Map-Register unchanged in an ECM with the N bit to the map-server it is addressed to,
 *   which must be one of [rtr] map-servers=. Rate-limited per source address.
 * - An ECM with the R bit carrying a Map-Notify, from one of those map-servers: when its
 *   MS-RTR authentication verifies with [rtr] ms-key= (or, without a key, when it is
 *   unsigned), and its xTR-ID and nonce match an unverified binding, that binding becomes
 *   the node's verified one, and the Map-Notify goes on to the node as a Data-Map-Notify: a
 *   LISP data header with IID 0xFFFFFF, then IP and UDP headers from the map-server to the
 *   node's private RLOC, then the Map-Notify, sent from our port 4342 to the translated
 *   address and port.
 * The data plane (rtr-dataplane.c) serves the verified bindings' EIDs. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include "map-server-types.h"
#include "nat-bindings.h"
#include "server-config.h"

G_BEGIN_DECLS

/* ECM'd Map-Registers accepted per source address: a burst, then a rate per second (a
 * node sends one per NATed uplink every keepalive interval; many may share a NAT). */
#define LMN_RTR_REGISTER_BURST   20
#define LMN_RTR_REGISTER_RATE    5
#define LMN_RTR_REGISTER_SOURCES 4096

typedef enum {
  LMN_RTR_RX_REGISTER,         /* ECM'd Map-Registers from nodes */
  LMN_RTR_RX_NOTIFY,           /* ECM'd Map-Notifys from map-servers */
  LMN_RTR_TX_RELAYED_REGISTER, /* to the map-server, ECM with the N bit */
  LMN_RTR_TX_DATA_MAP_NOTIFY,
  LMN_RTR_NODES_VERIFIED,     /* bindings verified (new nodes and refreshes) */
  LMN_RTR_UNVERIFIED_EVICTED, /* the oldest unverified made room for a newer one */
  LMN_RTR_UNVERIFIED_EXPIRED,
  LMN_RTR_VERIFIED_EXPIRED,
  LMN_RTR_DROP_MALFORMED,
  LMN_RTR_DROP_RATE_LIMITED,
  LMN_RTR_DROP_NO_XTR_ID,          /* a Map-Register or Map-Notify without xTR-ID */
  LMN_RTR_DROP_MS_NOT_ALLOWED,     /* a Map-Register for a map-server not in map-servers= */
  LMN_RTR_DROP_NOTIFY_NOT_FROM_MS, /* a Map-Notify from a host not in map-servers= */
  LMN_RTR_DROP_BAD_MS_RTR_MAC,     /* signed, but not with our key (or we have none) */
  LMN_RTR_DROP_UNSIGNED_NOTIFY,    /* unsigned, though we have ms-key= */
  LMN_RTR_DROP_UNKNOWN_NONCE,      /* no unverified binding with its xTR-ID and nonce */
  LMN_RTR_DROP_UNSUPPORTED,        /* any other message for the RTR */
  /* the data plane (rtr-dataplane.c) */
  LMN_RTR_RX_DATA_FROM_NODE,    /* decapsulated for a verified node, forwarded */
  LMN_RTR_TX_DATA_TO_NODE,      /* re-encapsulated to a node's translated address */
  LMN_RTR_DROP_DATA_UNVERIFIED, /* from an address with no verified binding of its EID */
  LMN_RTR_N_COUNTERS
} LmnRtrCounter;

const char *lmn_rtr_counter_name (LmnRtrCounter c);

typedef struct _LmnRtr LmnRtr;

/* Copies what it needs of config. */
LmnRtr *lmn_rtr_new (const LmnServerRtrConfig *config);
void lmn_rtr_free (LmnRtr *rtr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnRtr, lmn_rtr_free)

/* An ECM with the R bit from `from`, sent to our address local (may be NULL: then the
 * first [rtr] address= of the family); what to send (LmnDatagram*) is appended to out.
 * TRUE when the verified state changed (unverified bindings come and go with every
 * Map-Register, forged ones included). */
gboolean lmn_rtr_handle (LmnRtr *rtr, const guint8 *msg, gsize len, const LmnEndpoint *from,
                         const LmnEndpoint *local, gint64 now, GPtrArray *out);
/* Expires bindings; call it every second. TRUE when the state changed. */
gboolean lmn_rtr_tick (LmnRtr *rtr, gint64 now);

/* The verified binding of the node that registered (iid, family, addr), or NULL. */
const LmnNatBinding *lmn_rtr_find_node (const LmnRtr *rtr, guint32 iid, guint8 family,
                                        const guint8 *addr);
/* Whether addr is one of [rtr] address=. */
gboolean lmn_rtr_is_own_address (const LmnRtr *rtr, guint8 family, const guint8 *addr);
void lmn_rtr_count (LmnRtr *rtr, LmnRtrCounter c);
guint64 lmn_rtr_counter (const LmnRtr *rtr, LmnRtrCounter c);
const LmnNatBindings *lmn_rtr_bindings (const LmnRtr *rtr);

/* {"addresses", "max-unverified", "unverified", "nodes": [{"xtr-id", "translated",
 * "rtr-address", "private-rloc", "eids", "verified-for", "expires-in"}], "counters"} */
JsonNode *lmn_rtr_to_json (const LmnRtr *rtr, gint64 now);

G_END_DECLS
