/* An RTR's nodes behind NAT (lispmn-server's [rtr], server/rtr-dataplane.c and
 * proxy-router.c): the hooks of lmn_dataplane_set_transit_hooks, through which a proxy's
 * data plane sends packets from and to the RTR's nodes on, as an ITR would. Apart from
 * dataplane.c because only the RTR uses it: a mobile node or xTR never sets the hooks. */
#include "dataplane-private.h"

#include "flow-hash.h"

/* TRUE when the RTR sent the packet itself, to one of its nodes. */
gboolean
lmn_dataplane_transit_outbound (LmnDataplane *dp, const guint8 *packet, const LmnInnerPacket *ip)
{
  if (dp->transit.outbound == NULL ||
      !dp->transit.outbound (packet, ip->length, ip->family, ip->dst, dp->transit.user_data))
    return FALSE;
  dp->counters.tx_packets++;
  dp->counters.tx_bytes += ip->length;
  return TRUE;
}

static void
write_to_tun (LmnDataplane *dp, const guint8 *packet, const LmnInnerPacket *ip)
{
  struct iovec iov = { (void *) packet, ip->length };

  if (!lmn_tun_writev (dp->tun, &iov, 1, NULL))
    {
      lmn_dataplane_drop (dp, LMN_DROP_TUN_WRITE_FAILED, ip);
      return;
    }
  dp->counters.rx_packets++;
  dp->counters.rx_bytes += ip->length;
}

/* Whether a mapping names one of our own RLOCs: a node of the RTR whose binding lapsed
 * while its registration still names us. Encapsulating to ourselves would loop with no
 * TTL to end it. */
static gboolean
names_us (LmnDataplane *dp, const LispMapEntry *entry)
{
  for (guint i = 0; i < entry->n_locators; i++)
    if (lmn_local_rlocs_is_ours (dp->rlocs, entry->locators[i].family, entry->locators[i].addr))
      return TRUE;
  return FALSE;
}

/* A packet from or to one of the RTR's nodes (data: its data header): to the node, on to a
 * LISP destination as an ITR sends it, else natively through the TUN (the kernel routes it,
 * back into the TUN for the proxy's own EIDs). A miss asks the resolver and lets the packet
 * go natively meanwhile: the answer serves the packets that follow. TRUE when the packet
 * was taken. */
gboolean
lmn_dataplane_transit_inbound (LmnDataplane *dp, guint8 family, const guint8 *from,
                               const guint8 *data, const LmnInnerPacket *ip, gint64 now)
{
  const guint8 *packet = data + LISP_DATA_HEADER_SIZE;
  const LispMapEntry *entry;
  LmnTransitVerdict verdict = dp->transit.inbound (packet, ip->length, ip->family, ip->src, ip->dst,
                                                   family, from, dp->transit.user_data);

  if (verdict == LMN_TRANSIT_DEFAULT)
    return FALSE;
  if (verdict == LMN_TRANSIT_DROP)
    {
      lmn_dataplane_drop (dp, LMN_DROP_NOT_FROM_EID, ip);
      return TRUE;
    }
  lmn_peer_table_note (dp->peers, family, from, now);
  if (lmn_dataplane_transit_outbound (dp, packet, ip))
    return TRUE;
  entry = lisp_map_cache_lookup (dp->cache, dp->iid, ip->family, ip->dst, now);
  if (entry != NULL && entry->n_locators > 0 && !names_us (dp, entry))
    {
      lmn_dataplane_send_to_locators (dp, entry->locators, entry->n_locators, packet, ip,
                                      lisp_flow_hash (packet, ip->length), now);
      lmn_dataplane_flush_tx (dp);
      return TRUE;
    }
  /* Natively: the kernel routes it (back into the TUN, where the TTL counts, for our EIDs). */
  if (entry == NULL && dp->resolve != NULL && !lmn_dataplane_is_our_eid (dp, ip->family, ip->dst))
    dp->resolve (dp->iid, ip->family, ip->dst, dp->resolve_data);
  write_to_tun (dp, packet, ip);
  return TRUE;
}

void
lmn_dataplane_set_transit_hooks (LmnDataplane *dp, const LmnTransitHooks *hooks)
{
  static const LmnTransitHooks none;

  dp->transit = hooks != NULL ? *hooks : none;
}
