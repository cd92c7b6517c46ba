/* The data plane: packets from the TUN are encapsulated towards the locators of their
 * destination's mapping and leave by one of our uplinks; LISP packets arriving on UDP 4341
 * for one of our RLOCs and EIDs are decapsulated into the TUN. Every packet not forwarded
 * is counted under one LmnDropReason.
 *
 * It runs in the main loop (fd watches on the TUN and the two UDP 4341 sockets), reading
 * in batches so one wake-up serves many packets. Time is read once per batch. */
#pragma once

#include <glib.h>
#include "node-config.h"
#include "drop-reason.h"
#include "local-rlocs.h"
#include "map-cache.h"
#include "tun.h"

G_BEGIN_DECLS

typedef struct {
  guint64 tx_packets;   /* encapsulated and sent */
  guint64 tx_bytes;     /* inner bytes */
  guint64 rx_packets;   /* decapsulated into the TUN */
  guint64 rx_bytes;
  guint64 icmp_sent;    /* ICMP errors returned to local applications */
  guint64 drops[LMN_DROP_N_REASONS];
} LmnCounters;

typedef struct _LmnDataplane LmnDataplane;

/* The data plane uses (does not own) tun, cache and rlocs, which must outlive it. Fails
 * when UDP port 4341 cannot be opened for either address family. */
LmnDataplane      *lmn_dataplane_new      (const LmnConfig *config, LmnTun *tun,
                                           LispMapCache *cache, LmnLocalRlocs *rlocs,
                                           GError **error);
void               lmn_dataplane_free     (LmnDataplane *dp);
/* Logs every packet decision at debug level (costly: for diagnosis only). */
void               lmn_dataplane_set_debug (LmnDataplane *dp, gboolean debug);
const LmnCounters *lmn_dataplane_get_counters (const LmnDataplane *dp);

/* Asked for a destination that missed the map-cache (the control plane sends a
 * Map-Request); its packets wait meanwhile, queue-length of them per destination, for at
 * most LMN_DATAPLANE_MAX_WAIT, then go to the proxy-ETRs or get an ICMP unreachable.
 * Without a resolver a miss goes there at once. */
#define LMN_DATAPLANE_MAX_WAIT (3 * G_USEC_PER_SEC)
typedef void (*LmnResolveFunc) (guint32 iid, guint8 family, const guint8 *dst, gpointer user_data);
void               lmn_dataplane_set_resolver (LmnDataplane *dp, LmnResolveFunc func,
                                               gpointer user_data);
/* The remote RLOCs we sent traffic to or received traffic from since `since` (monotonic
 * µs), as LmnIp: the peers to tell (SMR) when our own mapping changes. */
GArray            *lmn_dataplane_recent_peers (LmnDataplane *dp, gint64 since);
/* A mapping covering prefix was installed: the packets waiting for it leave now. */
void               lmn_dataplane_mapping_added (LmnDataplane *dp, const LispPrefix *prefix);
/* When we last sent traffic to this remote RLOC (monotonic µs), 0 when not lately. */
gint64             lmn_dataplane_peer_last_use (LmnDataplane *dp, guint8 family, const guint8 *addr);

/* An RTR (lispmn-server's [rtr], server/rtr-dataplane.c) serves nodes behind NAT through a
 * proxy's data plane with two hooks, both given the inner packet and its addresses:
 * - inbound, for a decapsulated packet from the outer source `from`: FORWARD when it comes
 *   from a node of the RTR or goes to one (sent on as an ITR would: to the node, to a
 *   mapping's locators, or natively through the TUN while there is no mapping), DROP when
 *   it claims to come from a node and does not (a forged source), DEFAULT for the
 *   proxy-ETR's usual checks;
 * - outbound, for a packet about to be encapsulated (from the TUN, or forwarded): TRUE when
 *   the hook sent it itself (to a node, through its NAT). */
typedef enum {
  LMN_TRANSIT_DEFAULT,
  LMN_TRANSIT_FORWARD,
  LMN_TRANSIT_DROP,
} LmnTransitVerdict;
typedef struct {
  LmnTransitVerdict (*inbound) (const guint8 *packet, gsize len, guint8 family, const guint8 *src,
                                const guint8 *dst, guint8 outer_family, const guint8 *from,
                                gpointer user_data);
  gboolean (*outbound) (const guint8 *packet, gsize len, guint8 family, const guint8 *dst,
                        gpointer user_data);
  gpointer user_data;
} LmnTransitHooks;
/* hooks is copied; NULL removes them. */
void lmn_dataplane_set_transit_hooks (LmnDataplane *dp, const LmnTransitHooks *hooks);
/* RLOC-probing's verdict on a remote locator: TRUE when probes found it unreachable. The
 * data plane then keeps it unreachable whatever the locator-status bits or a new Map-Reply
 * say, until probing finds it again. */
typedef gboolean (*LmnLocatorDownFunc) (guint8 family, const guint8 *addr, gpointer user_data);
void               lmn_dataplane_set_locator_down_func (LmnDataplane *dp, LmnLocatorDownFunc func,
                                                        gpointer user_data);

/* NAT traversal. A packet on UDP 4341 whose data header carries instance ID 0xFFFFFF is a
 * control message (a Data-Map-Notify from an RTR): it goes to func with the whole UDP
 * payload, never to the TUN. */
typedef void (*LmnDataControlFunc) (const guint8 *data, gsize len, const LmnIp *from,
                                    const LmnIp *local, gpointer user_data);
void lmn_dataplane_set_control_func (LmnDataplane *dp, LmnDataControlFunc func, gpointer user_data);
/* Sends data from rloc's address and UDP port 4341, by rloc's uplink: what opens and keeps
 * the NAT binding an RTR sends back through. */
gboolean lmn_dataplane_send_from_data_port (LmnDataplane *dp, const LmnLocalRloc *rloc,
                                            const LmnIp *to, guint16 port, const guint8 *data,
                                            gsize len, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnDataplane, lmn_dataplane_free)

G_END_DECLS
