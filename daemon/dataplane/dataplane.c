/* The data plane itself: its life cycle, encapsulation (packets read from the TUN in batches,
 * sent towards a mapping's locators with one sendmmsg per socket) and decapsulation (LISP
 * packets read from UDP 4341 into the TUN). What waits for a mapping, an RTR's transit and
 * a node's NAT traversal are in dataplane-pending.c, -transit.c and -control.c
 * (dataplane-private.h). */
#define _GNU_SOURCE  /* recvmmsg */
#include "dataplane-private.h"
#include "log-limiter.h"

#include "flow-hash.h"
#include "icmp-error.h"
#include "lmn-ip.h"
#include "locator-choice.h"
#include "data-socket.h"
#include "lisp-message.h"
#include "path-mtu.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <unistd.h>

/* The UDP 4341 receive buffer is the queue in front of the decapsulation: sized from the
 * RTT of a ping beside a saturating upload (tests/bench/dataplane.py), not from peak
 * throughput: 1 MiB held 2.9 ms there, 512 KiB 1.3 ms at the same throughput. */
#define RCVBUF_BYTES    (512 << 10)
#define ICMP_PER_SECOND 20     /* RFC 1812 / 4443: ICMP errors are rate-limited */
#define PENDING_TOTAL   1024   /* packets waiting for mappings, all destinations together */
#define PEERS_MAX       256    /* remote RLOCs remembered for SMRs */

/* ---- helpers ------------------------------------------------------------------------- */

void
lmn_dataplane_drop (LmnDataplane *dp, LmnDropReason reason, const LmnInnerPacket *ip)
{
  /* A super-packet is dropped as the segments it stands for. */
  dp->counters.drops[reason] += dp->gso != NULL ? dp->gso->n : 1;
  if (G_UNLIKELY (dp->debug))
    {
      char s[LMN_IP_TEXT_MAX] = "?", d[LMN_IP_TEXT_MAX] = "?";

      if (ip != NULL)
        {
          lmn_ip_bytes_to_text (ip->family, ip->src, s);
          lmn_ip_bytes_to_text (ip->family, ip->dst, d);
        }
      lmn_log_limited (G_LOG_LEVEL_DEBUG, lmn_drop_reason_name (reason), "drop %s -> %s: %s", s, d,
                       lmn_drop_reason_name (reason));
    }
}

gboolean
lmn_dataplane_is_our_eid (LmnDataplane *dp, guint8 family, const guint8 *addr)
{
  for (guint i = 0; i < dp->eids->len; i++)
    {
      const LispPrefix *p = &g_array_index (dp->eids, LispPrefix, i);

      if (lisp_prefix_contains (p, p->iid, family, addr))
        return TRUE;
    }
  return FALSE;
}

/* Returns an ICMP error to the local sender of packet, within the rate limit. */
static void
send_icmp (LmnDataplane *dp, const guint8 *packet, gsize len, LmnIcmpKind kind, guint mtu,
           gint64 now)
{
  guint8 out[LMN_ICMP_ERROR_MAX];
  struct iovec iov;
  gsize n;

  if (now >= dp->icmp_refill_at)
    {
      dp->icmp_tokens = ICMP_PER_SECOND;
      dp->icmp_refill_at = now + G_USEC_PER_SEC;
    }
  if (dp->icmp_tokens == 0)
    return;
  n = lmn_icmp_error_build (packet, len, kind, mtu, out);
  if (n == 0)
    return;
  dp->icmp_tokens--;
  iov.iov_base = out;
  iov.iov_len = n;
  if (lmn_tun_writev (dp->tun, &iov, 1, NULL))
    dp->counters.icmp_sent++;
}

/* ---- peers -------------------------------------------------------------------------- */

gint64
lmn_dataplane_peer_last_use (LmnDataplane *dp, guint8 family, const guint8 *addr)
{
  return lmn_peer_table_last_use (dp->peers, family, addr);
}

void
lmn_dataplane_set_locator_down_func (LmnDataplane *dp, LmnLocatorDownFunc func, gpointer user_data)
{
  dp->locator_down = func;
  dp->locator_down_data = user_data;
}

gboolean
lmn_dataplane_probed_down (LmnDataplane *dp, const LispMapLocator *l)
{
  return dp->locator_down != NULL && dp->locator_down (l->family, l->addr, dp->locator_down_data);
}

GArray *
lmn_dataplane_recent_peers (LmnDataplane *dp, gint64 since)
{
  return lmn_peer_table_recent (dp->peers, since);
}

/* ---- outbound: TUN -> encapsulation -------------------------------------------------- */

/* Puts packet (or the segments of the super-packet dp->gso) into the batch, to remote from
 * local; fits_mtu: its datagrams fit the uplink's MTU (whole, they may go as UDP GSO). */
static void
queue_packet (LmnDataplane *dp, const LmnLocalRloc *local, const LispMapLocator *remote,
              const guint8 *packet, const LmnInnerPacket *ip, guint32 hash, gboolean fits_mtu)
{
  LispDataHeader h = { 0 };
  TxPacket *tx;

  h.lsb_enabled = TRUE;
  h.lsb = lmn_local_rlocs_status_bits (dp->rlocs);
  if (dp->iid != 0)
    {
      h.iid_present = TRUE;
      h.iid = dp->iid;
    }
  tx = &dp->tx[dp->n_tx];
  tx->gso_ok = fits_mtu;
  lisp_data_header_encode (&h, tx->header, NULL);
  tx->fd = local->fds[hash % LMN_SOCKETS_PER_RLOC];
  tx->with_source = LMN_LOCAL_RLOC_VIA_RTR (local);
  /* One fixed source port towards the RTR, the one the keepalives hold open. */
  if (tx->with_source)
    {
      tx->fd = dp->sockets[local->family == 4 ? 0 : 1].fd;
      tx->src_family = local->family;
      memcpy (tx->src, local->addr, 16);
      tx->src_ifindex = local->ifindex;
    }
  lmn_ip_bytes_to_sockaddr (remote->family, remote->addr, LISP_DATA_PORT, &tx->to, &tx->to_len);
  if (dp->gso != NULL)
    lmn_dataplane_queue_segments (dp, tx);
  else
    {
      tx->iov[0].iov_base = tx->header;
      tx->iov[0].iov_len = sizeof tx->header;
      tx->iov[1].iov_base = (void *) packet;
      tx->iov[1].iov_len = ip->length;
      tx->n_iov = 2;
      tx->inner_len = ip->length;
      dp->n_tx++;
    }
}

/* Encapsulates packet towards one of locators[0..n-1] (a mapping's or the proxy-ETRs'). */
void
lmn_dataplane_send_to_locators (LmnDataplane *dp, const LispMapLocator *locators, guint n,
                                const guint8 *packet, const LmnInnerPacket *ip, guint32 hash,
                                gint64 now)
{
  LispMapLocator usable[255], rtr_locator = { 0 };
  guint m = 0, any = 0;
  const LispMapLocator *remote;
  const LmnLocalRloc *local;
  LmnInnerPacket segment;
  gsize overhead;
  guint tell_mtu = 0;
  gint chosen;

  /* Only locators we can reach from an uplink that is up count. */
  for (guint i = 0; i < n && m < G_N_ELEMENTS (usable); i++)
    {
      if (!locators[i].reachable || locators[i].priority == 255)
        continue;
      any++;
      if (lmn_local_rlocs_has_family (dp->rlocs, locators[i].family))
        usable[m++] = locators[i];
    }
  if (m == 0)
    {
      lmn_dataplane_drop (dp, any == 0 ? LMN_DROP_NO_REMOTE_RLOC : LMN_DROP_NO_LOCAL_RLOC, ip);
      return;
    }
  chosen = lisp_locator_choose (usable, m, hash, 0);
  remote = &usable[chosen];
  local = lmn_local_rlocs_choose (dp->rlocs, remote->family, hash);
  if (local == NULL)
    {
      lmn_dataplane_drop (dp, LMN_DROP_NO_LOCAL_RLOC, ip);
      return;
    }

  /* RFC 9300 §7: "too big" to who can shrink, outer fragments for who cannot (path-mtu.h). */
  overhead = (remote->family == 4 ? 20 : 40) + 8 + LISP_DATA_HEADER_SIZE;
  /* A super-packet leaves as segments: each of them must fit. */
  segment = *ip;
  if (dp->gso != NULL)
    segment.length = dp->gso->hdr_len + dp->gso->mss;
  if (lmn_path_mtu_check (&segment, overhead, local->link_mtu, &tell_mtu) == LMN_PATH_MTU_TOO_BIG)
    {
      send_icmp (dp, packet, ip->length, LMN_ICMP_TOO_BIG, tell_mtu, now);
      lmn_dataplane_drop (dp, LMN_DROP_TOO_BIG, ip);
      return;
    }

  /* Behind a NAT everything leaving by that uplink goes to its RTR. */
  if (LMN_LOCAL_RLOC_VIA_RTR (local))
    {
      rtr_locator.family = local->nat.rtr.family;
      memcpy (rtr_locator.addr, local->nat.rtr.addr, 16);
      remote = &rtr_locator;
    }

  lmn_peer_table_note (dp->peers, remote->family, remote->addr, now);
  queue_packet (dp, local, remote, packet, ip, hash,
                local->link_mtu == 0 || segment.length + overhead <= local->link_mtu);
  if (G_UNLIKELY (dp->debug))
    {
      char s[LMN_IP_TEXT_MAX], d[LMN_IP_TEXT_MAX], r[LMN_IP_TEXT_MAX];

      g_debug ("encap %s -> %s: to RLOC %s from %s (%s)",
               lmn_ip_bytes_to_text (ip->family, ip->src, s),
               lmn_ip_bytes_to_text (ip->family, ip->dst, d),
               lmn_ip_bytes_to_text (remote->family, remote->addr, r),
               local->interface, remote->family == 4 ? "IPv4" : "IPv6");
    }
}

/* No mapping says where to send it: the proxy-ETRs, or an ICMP unreachable. */
void
lmn_dataplane_send_unmapped (LmnDataplane *dp, const guint8 *packet, const LmnInnerPacket *ip,
                             guint32 hash, gint64 now)
{
  if (dp->petrs->len > 0)
    {
      lmn_dataplane_send_to_locators (dp, (const LispMapLocator *) (void *) dp->petrs->data,
                                      dp->petrs->len, packet, ip, hash, now);
      return;
    }
  send_icmp (dp, packet, ip->length, LMN_ICMP_UNREACHABLE, 0, now);
  lmn_dataplane_drop (dp, LMN_DROP_NO_MAPPING, ip);
}

/* To the RTR of the uplink the flow leaves by (every usable uplink has one). */
static void
send_to_rtr (LmnDataplane *dp, const guint8 *packet, const LmnInnerPacket *ip, guint32 hash,
             gint64 now)
{
  const LmnLocalRloc *local = lmn_local_rlocs_choose (dp->rlocs, ip->family, hash);
  LispMapLocator rtr;

  if (local == NULL)
    local = lmn_local_rlocs_choose (dp->rlocs, ip->family == 4 ? 6 : 4, hash);
  if (local == NULL)
    {
      lmn_dataplane_drop (dp, LMN_DROP_NO_LOCAL_RLOC, ip);
      return;
    }
  lisp_map_locator_init (&rtr, local->nat.rtr.family, local->nat.rtr.addr, local->priority,
                         local->weight, TRUE);
  lmn_dataplane_send_to_locators (dp, &rtr, 1, packet, ip, hash, now);
}

/* Multicast, and IPv6 link-local traffic: meant for the TUN's own link, not for a mapping. */
static gboolean
is_local_scope (const LmnInnerPacket *ip)
{
  if (ip->family == 4)
    return ip->dst[0] >= 224 && ip->dst[0] <= 239;
  return ip->dst[0] == 0xff || (ip->dst[0] == 0xfe && (ip->dst[1] & 0xc0) == 0x80) ||
         (ip->src[0] == 0xfe && (ip->src[1] & 0xc0) == 0x80);
}

void
lmn_dataplane_handle_outbound (LmnDataplane *dp, const guint8 *packet, gsize len, gint64 now)
{
  LmnInnerPacket ip;
  const LispMapEntry *entry;
  guint32 hash;

  if (!lmn_inner_packet_parse (packet, len, &ip))
    {
      lmn_dataplane_drop (dp, LMN_DROP_MALFORMED_INNER, NULL);
      return;
    }
  if (is_local_scope (&ip))
    {
      lmn_dataplane_drop (dp, LMN_DROP_LOCAL_SCOPE, &ip);
      return;
    }
  /* A super-packet takes the fast path (segmented into the batch) only on its way to a
   * mapping's locators; anywhere else its segments go one by one. */
  if (dp->gso != NULL && dp->transit.outbound != NULL)
    {
      lmn_dataplane_outbound_segments (dp, now);
      return;
    }
  if (lmn_dataplane_transit_outbound (dp, packet, &ip))
    return;
  /* A mobile node or xTR sends for its EIDs; a proxy-ITR for anyone to the EIDs it serves. */
  if (dp->mode == LMN_MODE_PROXY ? !lmn_dataplane_is_our_eid (dp, ip.family, ip.dst)
                                 : !lmn_dataplane_is_our_eid (dp, ip.family, ip.src))
    {
      lmn_dataplane_drop (dp,
                          dp->mode == LMN_MODE_PROXY ? LMN_DROP_NOT_OUR_EID : LMN_DROP_NOT_FROM_EID,
                          &ip);
      return;
    }
  hash = lisp_flow_hash (packet, ip.length);
  entry = lisp_map_cache_lookup (dp->cache, dp->iid, ip.family, ip.dst, now);
  /* Behind NATs only, the RTRs resolve for us: everything goes to them. */
  if (dp->mode != LMN_MODE_PROXY && lmn_local_rlocs_all_via_rtr (dp->rlocs))
    {
      send_to_rtr (dp, packet, &ip, hash, now);
      return;
    }
  if (entry == NULL || (entry->n_locators == 0 && entry->action == LISP_ACTION_SEND_MAP_REQUEST))
    {
      if (dp->gso != NULL)
        {
          lmn_dataplane_outbound_segments (dp, now);
          return;
        }
      lmn_dataplane_handle_miss (dp, packet, &ip, hash, now);
      return;
    }
  if (entry->n_locators > 0)
    {
      lmn_dataplane_send_to_locators (dp, entry->locators, entry->n_locators, packet, &ip, hash,
                                      now);
      return;
    }
  switch (entry->action)
    {
    case LISP_ACTION_DROP:
    case LISP_ACTION_DROP_POLICY_DENIED:
    case LISP_ACTION_DROP_AUTH_FAILURE:
      lmn_dataplane_drop (dp, LMN_DROP_NEGATIVE_MAPPING, &ip);
      break;
    default:
      /* natively-forward, no-action: a host outside LISP; the proxy-ETR is the way there
       * for an EID source. */
      lmn_dataplane_send_unmapped (dp, packet, &ip, hash, now);
      break;
    }
}

static gboolean
on_tun_readable (gint fd, GIOCondition condition, gpointer user_data)
{
  LmnDataplane *dp = user_data;

  lmn_dataplane_read_tun (dp, g_get_monotonic_time ());
  return G_SOURCE_CONTINUE;
}

/* ---- inbound: UDP 4341 -> decapsulation ------------------------------------------------ */

/* RFC 9300 §10: the Locator-Status-Bits of a packet from a peer say which of the locators
 * of the peer's mapping (bit n: the n-th locator) are up, so that traffic back to it
 * leaves the locators it lost at once. The ordinals are those of the mapping the peer
 * registered, so only mappings learnt from the mapping system are updated: a static
 * mapping lists the locators in the administrator's order. As the bits can be forged, only
 * a packet that comes from one of the mapping's own locators may change them. */
static void
apply_status_bits (LmnDataplane *dp, const LmnInnerPacket *ip, guint8 family, const guint8 *from,
                   guint32 lsb, guint n_bits, gint64 now)
{
  const LispMapEntry *entry = lisp_map_cache_lookup (dp->cache, dp->iid, ip->family, ip->src, now);
  gboolean from_locator = FALSE;

  if (entry == NULL || entry->n_locators == 0 || entry->origin == LISP_MAP_ORIGIN_STATIC)
    return;
  for (guint i = 0; i < entry->n_locators && !from_locator; i++)
    from_locator = lisp_map_locator_is (&entry->locators[i], family, from);
  if (!from_locator)
    return;
  for (guint i = 0; i < entry->n_locators && i < n_bits; i++)
    {
      const LispMapLocator *l = &entry->locators[i];
      gboolean up = (lsb >> i) & 1;

      if ((l->reachable != 0) == up)
        continue;
      /* The peer may think it up; we found we cannot reach it. */
      if (up && lmn_dataplane_probed_down (dp, l))
        continue;
      {
        char a[LMN_IP_TEXT_MAX];
        g_autofree gchar *prefix = lisp_prefix_to_string (&entry->prefix);
        guint8 addr[16];

        memcpy (addr, l->addr, 16);
        g_info ("mapping %s: locator %s %s (locator-status-bits)", prefix,
                lmn_ip_bytes_to_text (l->family, addr, a), up ? "up" : "down");
        lisp_map_cache_set_reachable (dp->cache, &entry->prefix, l->family, addr, up);
      }
    }
}

void
lmn_dataplane_handle_inbound (LmnDataplane *dp, guint8 family, const guint8 *from, const guint8 *to,
                              const guint8 *data, gsize len, gint64 now)
{
  LispDataHeader h;
  LmnInnerPacket ip;

  if (!lmn_local_rlocs_is_ours (dp->rlocs, family, to))
    {
      lmn_dataplane_drop (dp, LMN_DROP_NOT_OUR_RLOC, NULL);
      return;
    }
  if (!lisp_data_header_decode (data, len, &h, NULL))
    {
      lmn_dataplane_drop (dp, LMN_DROP_MALFORMED_OUTER, NULL);
      return;
    }
  /* The control-message instance ID (NAT traversal) is handled by the control plane. */
  if (h.iid_present && h.iid == LISP_DATA_IID_CONTROL && dp->control_func != NULL)
    {
      lmn_dataplane_hand_off_control (dp, family, from, to, data, len);
      return;
    }
  if ((h.iid_present ? h.iid : 0) != (dp->iid & 0xffffff))
    {
      lmn_dataplane_drop (dp, LMN_DROP_INSTANCE_ID, NULL);
      return;
    }
  if (!lmn_inner_packet_parse (data + LISP_DATA_HEADER_SIZE, len - LISP_DATA_HEADER_SIZE, &ip))
    {
      lmn_dataplane_drop (dp, LMN_DROP_MALFORMED_INNER, NULL);
      return;
    }
  if (!lmn_dataplane_source_ok (dp, family, from, &ip, now))
    return;
  if (dp->transit.inbound != NULL &&
      lmn_dataplane_transit_inbound (dp, family, from, data, &ip, now))
    return;
  /* A mobile node or xTR takes packets for its EIDs; a proxy-ETR forwards natively what
   * the EIDs it serves send anywhere (and nothing else: it is no open relay). */
  if (dp->mode == LMN_MODE_PROXY ? !lmn_dataplane_is_our_eid (dp, ip.family, ip.src)
                                 : !lmn_dataplane_is_our_eid (dp, ip.family, ip.dst))
    {
      lmn_dataplane_drop (dp,
                          dp->mode == LMN_MODE_PROXY ? LMN_DROP_NOT_FROM_EID : LMN_DROP_NOT_OUR_EID,
                          &ip);
      return;
    }
  if (h.lsb_enabled)
    apply_status_bits (dp, &ip, family, from, h.lsb, h.iid_present ? 8 : 32, now);
  lmn_peer_table_note (dp->peers, family, from, now);
  lmn_dataplane_deliver (dp, data + LISP_DATA_HEADER_SIZE, &ip);
  if (G_UNLIKELY (dp->debug))
    {
      char s[LMN_IP_TEXT_MAX], d[LMN_IP_TEXT_MAX];

      g_debug ("decap %s -> %s", lmn_ip_bytes_to_text (ip.family, ip.src, s),
               lmn_ip_bytes_to_text (ip.family, ip.dst, d));
    }
}

static gboolean
open_data_socket (DataSocket *sock, guint8 family, GError **error)
{
  sock->fd = lmn_data_socket_open (family, RCVBUF_BYTES, error);
  sock->family = family;
  return sock->fd >= 0;
}

/* ---- life cycle ---------------------------------------------------------------------- */

LmnDataplane *
lmn_dataplane_new (const LmnConfig *config, LmnTun *tun, LispMapCache *cache,
                   LmnLocalRlocs *rlocs, GError **error)
{
  g_autoptr(LmnDataplane) dp = g_new0 (LmnDataplane, 1);
  GError *gro_error = NULL;

  dp->tun = tun;
  dp->mode = config->mode;
  dp->cache = cache;
  dp->rlocs = rlocs;
  dp->iid = config->instance_id;
  dp->eids = g_array_ref (config->eids);
  dp->petrs = g_array_ref (config->proxy_etrs);
  dp->pitrs = g_array_ref (config->proxy_itrs);
  dp->strict_source_check = config->strict_source_check;
  dp->sockets[0].fd = dp->sockets[1].fd = -1;
  dp->udp_bufs = g_malloc ((gsize) UDP_BATCH * PACKET_MAX);
  dp->tun_arena = g_malloc (TUN_ARENA);
  dp->tx = g_new (TxPacket, TX_MAX);
  dp->udp_gso = lmn_tun_has_offload (tun);
  if (lmn_tun_has_offload (tun))
    dp->gro = lmn_gro_new ();
  dp->pending = lmn_pending_queue_new (config->queue_length, PENDING_TOTAL);
  dp->peers = lmn_peer_table_new (PEERS_MAX);
  for (guint i = 0; i < 2; i++)
    {
      DataSocket *sock = &dp->sockets[i];

      sock->dp = dp;
      if (!open_data_socket (sock, i == 0 ? 4 : 6, error))
        return NULL;
      if (dp->gro != NULL && !lmn_data_socket_enable_gro (sock->fd, &gro_error))
        g_message ("IPv%u %s: receiving one datagram per packet", sock->family, gro_error->message);
      g_clear_error (&gro_error);
      sock->watch = g_unix_fd_add (sock->fd, G_IO_IN, lmn_dataplane_on_udp_readable, sock);
    }
  dp->tun_watch = g_unix_fd_add (lmn_tun_fd (tun), G_IO_IN, on_tun_readable, dp);
  return g_steal_pointer (&dp);
}

void
lmn_dataplane_free (LmnDataplane *dp)
{
  if (dp == NULL)
    return;
  g_clear_handle_id (&dp->tun_watch, g_source_remove);
  g_clear_handle_id (&dp->pending_timer, g_source_remove);
  g_clear_pointer (&dp->pending, lmn_pending_queue_free);
  g_clear_pointer (&dp->peers, lmn_peer_table_free);
  for (guint i = 0; i < 2; i++)
    {
      g_clear_handle_id (&dp->sockets[i].watch, g_source_remove);
      if (dp->sockets[i].fd >= 0)
        close (dp->sockets[i].fd);
    }
  g_clear_pointer (&dp->eids, g_array_unref);
  g_clear_pointer (&dp->petrs, g_array_unref);
  g_clear_pointer (&dp->pitrs, g_array_unref);
  g_free (dp->udp_bufs);
  g_free (dp->tun_arena);
  g_free (dp->tx);
  g_clear_pointer (&dp->tx_scratch, lmn_tx_scratch_free);
  g_clear_pointer (&dp->gro, lmn_gro_free);
  g_free (dp);
}

void
lmn_dataplane_set_debug (LmnDataplane *dp, gboolean debug)
{
  dp->debug = debug;
}

const LmnCounters *
lmn_dataplane_get_counters (const LmnDataplane *dp)
{
  return &dp->counters;
}
