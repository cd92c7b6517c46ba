/* The data plane's insides, shared by the files that make it up: the LmnDataplane structure
 * and the functions one file calls in another. Not for use outside them:
 *   dataplane.c          the data plane's life, encapsulation (TUN -> UDP 4341) and
 *                        decapsulation (UDP 4341 -> TUN);
 *   dataplane-pending.c  packets waiting for a mapping: the resolver and the pending queue;
 *   dataplane-transit.c  an RTR's nodes behind NAT (lmn_dataplane_set_transit_hooks);
 *   dataplane-control.c  NAT traversal for a node: control messages arriving on UDP 4341
 *                        handed to the control plane, and sending from the data port;
 *   dataplane-source.c   who may send us a decapsulated packet (martians, strict check);

 *   dataplane-tx.c       sending the batch: sendmmsg, UDP GSO for runs of equal segments;
 *   dataplane-offload.c  the TUN's super-packets: read, checked, segmented;
 *   dataplane-rx.c       receiving on UDP 4341 (UDP GRO) and writing into the TUN,
 *                        re-coalesced. */
#pragma once

#include "dataplane.h"

#include "gro-coalescer.h"
#include "inner-packet.h"
#include "peer-table.h"
#include "pending-queue.h"
#include "tcp-segmenter.h"
#include "udp-pktinfo.h"
#include "wire-data.h"

#include <sys/socket.h>
#include <sys/uio.h>

G_BEGIN_DECLS

#define PACKET_MAX 65536            /* a TUN read or a UDP datagram, whatever the MTU */
#define TUN_BATCH  64               /* packets read from the TUN per wake-up */
#define TUN_ARENA  (8 * PACKET_MAX) /* packets of one batch stay here until sent */
#define TX_MAX     512              /* segments waiting in the batch */
#define UDP_BATCH  16               /* datagrams per recvmmsg */

/* One encapsulated packet waiting in the batch: its header, the inner packet (in the
 * arena; a segment of a super-packet has its own IP and TCP headers here and its payload
 * in the arena) and where it goes. The batch is sent with one sendmmsg per run of packets
 * that leave from the same socket; equal-sized packets to the same place go as one UDP GSO
 * message (dataplane-tx.c). */
typedef struct {
  int fd;
  guint8 header[LISP_DATA_HEADER_SIZE];
  guint8 inner_header[LMN_SEGMENT_HEADER_MAX];
  struct iovec iov[3];
  guint n_iov;
  gboolean gso_ok; /* fits the uplink's MTU: may go in a UDP GSO message */
  struct sockaddr_storage to;
  socklen_t to_len;
  gsize inner_len;
  gboolean with_source; /* from the 4341 socket, source below */
  guint8 src_family;
  guint8 src[16];
  int src_ifindex;
  LmnPktinfoBuffer control;
} TxPacket;

/* dataplane-tx.c: the messages of one flush. */
typedef struct _LmnTxScratch LmnTxScratch;
void lmn_tx_scratch_free (LmnTxScratch *scratch);

typedef struct {
  LmnDataplane *dp;
  int fd;
  guint watch;
  guint8 family;
} DataSocket;

struct _LmnDataplane {
  LmnTun *tun;
  LmnMode mode;
  LispMapCache *cache;
  LmnLocalRlocs *rlocs;
  guint32 iid;
  GArray *eids;  /* LispPrefix: ours (mobile node) or our site's (xTR) */
  GArray *petrs; /* LispMapLocator */
  GArray *pitrs; /* LmnIp: proxy-itrs= */
  gboolean strict_source_check;
  gboolean debug;
  guint tun_watch;
  DataSocket sockets[2]; /* IPv4, IPv6 */
  LmnCounters counters;

  LmnPeerTable *peers;

  LmnResolveFunc resolve;
  gpointer resolve_data;
  LmnLocatorDownFunc locator_down;
  gpointer locator_down_data;
  LmnDataControlFunc control_func;
  gpointer control_data;
  LmnPendingQueue *pending;
  guint pending_timer;

  /* ICMP token bucket */
  gint64 icmp_refill_at;
  guint icmp_tokens;

  guint8 *tun_arena; /* TUN_ARENA bytes: the inner packets of the batch */
  gsize arena_used;
  /* TX_MAX packets; the messages of a flush (dataplane-tx.c) */
  TxPacket *tx;
  LmnTxScratch *tx_scratch;
  guint n_tx;
  gboolean udp_gso;           /* send runs of equal segments as one UDP GSO message */
  const LmnTcpSegmenter *gso; /* the super-packet being handled, NULL for a packet */
  LmnGro *gro;                /* a TUN with offloads: the receive batch, re-coalesced */
  guint8 *udp_bufs;        /* UDP_BATCH x PACKET_MAX */
  LmnTransitHooks transit; /* an RTR's (zeros: none) */
};

/* dataplane.c */
/* Counts a packet not forwarded under reason (ip: NULL when it could not be parsed). */
void lmn_dataplane_drop (LmnDataplane *dp, LmnDropReason reason, const LmnInnerPacket *ip);
gboolean lmn_dataplane_is_our_eid (LmnDataplane *dp, guint8 family, const guint8 *addr);
/* RLOC-probing found locator l unreachable (lmn_dataplane_set_locator_down_func). */
gboolean lmn_dataplane_probed_down (LmnDataplane *dp, const LispMapLocator *l);
/* Encapsulates packet towards one of locators[0..n-1] into the batch (sent by
 * lmn_dataplane_flush_tx). */
void lmn_dataplane_send_to_locators (LmnDataplane *dp, const LispMapLocator *locators, guint n,
                                     const guint8 *packet, const LmnInnerPacket *ip, guint32 hash,
                                     gint64 now);
/* No mapping says where to send it: the proxy-ETRs, or an ICMP unreachable. */
void lmn_dataplane_send_unmapped (LmnDataplane *dp, const guint8 *packet, const LmnInnerPacket *ip,
                                  guint32 hash, gint64 now);
/* A packet from the TUN (or let out of the pending queue), in the arena: on its way. */
void lmn_dataplane_handle_outbound (LmnDataplane *dp, const guint8 *packet, gsize len, gint64 now);

/* A LISP packet received on UDP 4341 (data: its UDP payload) from `from` to our `to`. */
void lmn_dataplane_handle_inbound (LmnDataplane *dp, guint8 family, const guint8 *from,
                                   const guint8 *to, const guint8 *data, gsize len, gint64 now);

/* dataplane-rx.c */
gboolean lmn_dataplane_on_udp_readable (gint fd, GIOCondition condition, gpointer user_data);
/* A decapsulated packet on its way into the TUN: written, or kept for the batch's
 * coalescing (valid until the batch ends). */
void lmn_dataplane_deliver (LmnDataplane *dp, const guint8 *packet, const LmnInnerPacket *ip);

/* dataplane-tx.c */
/* Sends the batch. */
void lmn_dataplane_flush_tx (LmnDataplane *dp);
/* Sends the batch if it has no room left for one more packet or super-packet. */
void lmn_dataplane_make_room (LmnDataplane *dp);

/* dataplane-offload.c */
/* Reads the TUN until empty (at most TUN_BATCH packets), super-packets included. */
void lmn_dataplane_read_tun (LmnDataplane *dp, gint64 now);
/* A super-packet that cannot take the fast path (it waits for a mapping, goes through the
 * RTR's hooks): its segments as whole packets, each handled on its own. */
void lmn_dataplane_outbound_segments (LmnDataplane *dp, gint64 now);
/* The segments of dp->gso into the batch, each a copy of first (filled in but for its
 * packet) with its own headers and payload. */
void lmn_dataplane_queue_segments (LmnDataplane *dp, TxPacket *first);

/* dataplane-pending.c: a miss waits for the resolver when there is one, else goes to the
 * proxy-ETRs or gets an ICMP unreachable at once. */
void lmn_dataplane_handle_miss (LmnDataplane *dp, const guint8 *packet, const LmnInnerPacket *ip,
                                guint32 hash, gint64 now);

/* dataplane-transit.c: TRUE when the RTR's outbound hook sent the packet itself, to one of
 * its nodes. */
gboolean lmn_dataplane_transit_outbound (LmnDataplane *dp, const guint8 *packet,
                                         const LmnInnerPacket *ip);
/* A decapsulated packet (data: its data header) through the RTR's inbound hook: TRUE when
 * the packet was taken (forwarded or dropped). */
gboolean lmn_dataplane_transit_inbound (LmnDataplane *dp, guint8 family, const guint8 *from,
                                        const guint8 *data, const LmnInnerPacket *ip, gint64 now);

/* dataplane-control.c: a packet on UDP 4341 carrying the control-message instance ID
 * (data: the whole UDP payload, from `from` to our `to`) to the control plane's func. */
void lmn_dataplane_hand_off_control (LmnDataplane *dp, guint8 family, const guint8 *from,
                                     const guint8 *to, const guint8 *data, gsize len);

/* dataplane-source.c: whether a decapsulated packet from outer source `from` may go on;
 * FALSE when it was dropped (and counted): a martian inner source, or with
 * strict-source-check=on one that does not come from its mapping's locators. */
gboolean lmn_dataplane_source_ok (LmnDataplane *dp, guint8 family, const guint8 *from,
                                  const LmnInnerPacket *ip, gint64 now);

G_END_DECLS
