/* Packets from a TUN with offloads come with a virtio-net header the segmenter must not
 * trust: any header against any bytes. An input starting with an IP version gets a TCP GSO
 * header made up from the packet (so the captures' packets reach the segmenter); any other
 * input is a header (10 bytes) and a packet. What the check accepts must segment into
 * well-formed packets whose payloads lie inside the input and add up to its payload, and a
 * partial checksum must be completed within the packet. */
#include "inner-packet.h"
#include "tcp-segmenter.h"
#include "vnet-header.h"
#include "fuzz-round-trip.h"
#include "fuzz-target.h"

#include <string.h>

static void
made_up_header (const guint8 *data, size_t size, LmnVnetHdr *h)
{
  gboolean v4 = (data[0] >> 4) == 4;

  *h = (LmnVnetHdr) { .flags = LMN_VNET_F_NEEDS_CSUM,
                      .gso_type = v4 ? LMN_VNET_GSO_TCPV4 : LMN_VNET_GSO_TCPV6,
                      .gso_size = (guint16) (1 + data[size - 1] * 8),
                      .csum_start = (guint16) (v4 ? (data[0] & 0x0f) * 4 : 40),
                      .csum_offset = 16 };
}

static void
segment_all (const LmnVnetHdr *h, const guint8 *packet, gsize len)
{
  LmnTcpSegmenter s;
  const char *why = NULL;
  gsize total = 0;

  if (!lmn_tcp_segmenter_init (&s, h, packet, len, &why))
    {
      FUZZ_CHECK (why != NULL);
      return;
    }
  FUZZ_CHECK (s.n >= 1 && s.n <= LMN_SEGMENTS_MAX && s.hdr_len <= LMN_SEGMENT_HEADER_MAX);
  for (guint i = 0; i < s.n; i++)
    {
      guint8 seg[LMN_SEGMENT_HEADER_MAX + 65536];
      const guint8 *payload;
      gsize plen, hl = lmn_tcp_segmenter_segment (&s, i, seg, &payload, &plen);
      LmnInnerPacket ip;

      FUZZ_CHECK (hl == s.hdr_len && plen >= 1 && plen <= s.mss);
      FUZZ_CHECK (payload >= packet + hl && payload + plen <= packet + len);
      memcpy (seg + hl, payload, plen);
      FUZZ_CHECK (lmn_inner_packet_parse (seg, hl + plen, &ip));
      FUZZ_CHECK (ip.length == hl + plen);
      total += plen;
    }
  FUZZ_CHECK (total == len - s.hdr_len);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  LmnVnetHdr h;
  const guint8 *packet = data;
  gsize len = size;
  const char *why = NULL;

  if (size == 0)
    return 0;
  if ((data[0] >> 4) == 4 || (data[0] >> 4) == 6)
    made_up_header (data, size, &h);
  else if (size >= LMN_VNET_HDR_SIZE)
    {
      lmn_vnet_hdr_decode (data, &h);
      packet += LMN_VNET_HDR_SIZE;
      len -= LMN_VNET_HDR_SIZE;
    }
  else
    return 0;
  if (!lmn_vnet_hdr_check (&h, packet, len, &why))
    {
      FUZZ_CHECK (why != NULL);
      return 0;
    }
  if (h.gso_type != LMN_VNET_GSO_NONE)
    segment_all (&h, packet, len);
  else if (h.flags & LMN_VNET_F_NEEDS_CSUM)
    {
      guint8 *copy = g_memdup2 (packet, len);

      lmn_vnet_complete_checksum (&h, copy, len);
      FUZZ_CHECK (memcmp (copy, packet, h.csum_start + h.csum_offset) == 0);
      g_free (copy);
    }
  return 0;
}
