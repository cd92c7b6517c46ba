/* The TUN's super-packets (dataplane-private.h). With offloads the kernel hands lispmnd TCP
 * super-packets of up to 64 KiB and packets whose transport checksum is only partial, each
 * behind a virtio-net header. A partial checksum is completed in place; a super-packet is
 * looked up once, as the packet it starts with, and on its way to a mapping's locators its
 * segments go into the batch as rebuilt headers plus pointers into its payload (no copy);
 * anywhere else (waiting for a mapping, through an RTR's hooks) each segment is made a
 * whole packet and handled on its own. A header that does not fit its packet is dropped
 * and counted as malformed-inner. */
#include "dataplane-private.h"

#include <string.h>

#define ALIGN8(n) (((gsize) (n) + 7) & ~(gsize) 7)

void
lmn_dataplane_queue_segments (LmnDataplane *dp, TxPacket *first)
{
  const LmnTcpSegmenter *s = dp->gso;

  for (guint i = 0; i < s->n; i++)
    {
      TxPacket *tx = &dp->tx[dp->n_tx + i];
      const guint8 *payload;
      gsize hl, plen;

      if (i > 0)
        *tx = *first;
      hl = lmn_tcp_segmenter_segment (s, i, tx->inner_header, &payload, &plen);
      tx->iov[0].iov_base = tx->header;
      tx->iov[0].iov_len = sizeof tx->header;
      tx->iov[1].iov_base = tx->inner_header;
      tx->iov[1].iov_len = hl;
      tx->iov[2].iov_base = (void *) payload;
      tx->iov[2].iov_len = plen;
      tx->n_iov = 3;
      tx->inner_len = hl + plen;
    }
  dp->n_tx += s->n;
}

void
lmn_dataplane_outbound_segments (LmnDataplane *dp, gint64 now)
{
  const LmnTcpSegmenter *s = dp->gso;

  /* lmn_dataplane_make_room left the arena room for the copies. */
  dp->gso = NULL;
  for (guint i = 0; i < s->n; i++)
    {
      guint8 *buf = dp->tun_arena + dp->arena_used;
      const guint8 *payload;
      gsize hl, plen;

      hl = lmn_tcp_segmenter_segment (s, i, buf, &payload, &plen);
      memcpy (buf + hl, payload, plen);
      dp->arena_used += ALIGN8 (hl + plen);
      lmn_dataplane_handle_outbound (dp, buf, hl + plen, now);
    }
  dp->gso = s;
}

static void
handle_tun_packet (LmnDataplane *dp, const LmnVnetHdr *vnet, guint8 *packet, gsize len, gint64 now)
{
  LmnTcpSegmenter seg;
  const char *why = NULL;

  if (!lmn_vnet_hdr_check (vnet, packet, len, &why) ||
      (vnet->gso_type != LMN_VNET_GSO_NONE &&
       !lmn_tcp_segmenter_init (&seg, vnet, packet, len, &why)))
    {
      if (G_UNLIKELY (dp->debug))
        g_debug ("drop a packet from %s: virtio-net header: %s", lmn_tun_name (dp->tun), why);
      lmn_dataplane_drop (dp, LMN_DROP_MALFORMED_INNER, NULL);
      return;
    }
  if (vnet->gso_type == LMN_VNET_GSO_NONE)
    {
      if (vnet->flags & LMN_VNET_F_NEEDS_CSUM)
        lmn_vnet_complete_checksum (vnet, packet, len);
      lmn_dataplane_handle_outbound (dp, packet, len, now);
      return;
    }
  dp->gso = &seg;
  lmn_dataplane_handle_outbound (dp, packet, len, now);
  dp->gso = NULL;
}

void
lmn_dataplane_read_tun (LmnDataplane *dp, gint64 now)
{
  for (guint i = 0; i < TUN_BATCH; i++)
    {
      g_autoptr(GError) error = NULL;
      LmnVnetHdr vnet;
      guint8 *buf;
      gssize n;

      /* Packets stay in the arena until the batch is sent: make room first. */
      lmn_dataplane_make_room (dp);
      buf = dp->tun_arena + dp->arena_used;
      n = lmn_tun_read_vnet (dp->tun, &vnet, buf, PACKET_MAX, &error);
      if (n < 0)
        {
          g_warning ("%s", error->message);
          break;
        }
      if (n == 0)
        break;
      dp->arena_used += ALIGN8 (n);
      handle_tun_packet (dp, &vnet, buf, (gsize) n, now);
    }
  lmn_dataplane_flush_tx (dp);
}
