/* The coalescer (gro-coalescer.h) is fed decapsulated packets, any bytes the far end sent.
 * The input is read as consecutive IP packets, each added as it is; then, when it starts
 * with one, that packet is also taken as a TCP super-packet (the header made up as in
 * fuzz-segmenter) and its segments are added. Whatever comes in, every packet comes out
 * once, and each super-packet made has a header that checks and segments back into as many
 * packets as it stands for. */
#include "gro-coalescer.h"
#include "inner-packet.h"
#include "tcp-segmenter.h"
#include "vnet-header.h"
#include "fuzz-round-trip.h"
#include "fuzz-target.h"

#include <string.h>

static void
check_outputs (LmnGro *gro, guint added)
{
  guint total = 0, n = lmn_gro_n_outputs (gro);

  for (guint i = 0; i < n; i++)
    {
      static guint8 out[70000];
      struct iovec iov[LMN_GRO_IOV_MAX];
      guint8 hdr[LMN_GRO_HEADER_MAX];
      LmnVnetHdr vnet;
      LmnTcpSegmenter s;
      guint n_packets, n_iov = lmn_gro_output (gro, i, &vnet, hdr, iov, &n_packets, &(gsize) { 0 });
      const char *why = NULL;
      gsize len = 0;

      FUZZ_CHECK (n_iov >= 1 && n_iov <= LMN_GRO_IOV_MAX && n_packets >= 1);
      for (guint k = 0; k < n_iov; k++)
        {
          FUZZ_CHECK (len + iov[k].iov_len <= sizeof out);
          memcpy (out + len, iov[k].iov_base, iov[k].iov_len);
          len += iov[k].iov_len;
        }
      total += n_packets;
      if (vnet.gso_type == LMN_VNET_GSO_NONE)
        {
          FUZZ_CHECK (n_packets == 1);
          continue;
        }
      FUZZ_CHECK (len <= G_MAXUINT16 && lmn_vnet_hdr_check (&vnet, out, len, &why));
      FUZZ_CHECK (lmn_tcp_segmenter_init (&s, &vnet, out, len, &why) && s.n == n_packets);
    }
  FUZZ_CHECK (total == added);
}

/* The segments of data taken as a TCP super-packet, into the coalescer (copies in bufs). */
static guint
add_segments (LmnGro *gro, const guint8 *data, gsize size, guint8 *bufs)
{
  gboolean v4 = (data[0] >> 4) == 4;
  LmnVnetHdr h = { LMN_VNET_F_NEEDS_CSUM,
                   v4 ? LMN_VNET_GSO_TCPV4 : LMN_VNET_GSO_TCPV6,
                   0,
                   (guint16) (1 + data[size - 1] * 8),
                   (guint16) (v4 ? (data[0] & 0x0f) * 4 : 40),
                   16 };
  LmnTcpSegmenter s;
  const char *why;
  guint added = 0;

  if (!lmn_vnet_hdr_check (&h, data, size, &why) ||
      !lmn_tcp_segmenter_init (&s, &h, data, size, &why))
    return 0;
  for (guint i = 0; i < s.n; i++)
    {
      guint8 *buf = bufs + (gsize) i * (LMN_SEGMENT_HEADER_MAX + 2048);
      const guint8 *payload;
      gsize plen, hl = lmn_tcp_segmenter_segment (&s, i, buf, &payload, &plen);

      memcpy (buf + hl, payload, plen);
      added += lmn_gro_add (gro, buf, hl + plen);
    }
  return added;
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr(LmnGro) gro = lmn_gro_new ();
  g_autofree guint8 *bufs = NULL;
  LmnInnerPacket ip;
  guint added = 0;

  for (gsize off = 0; off < size && lmn_inner_packet_parse (data + off, size - off, &ip);
       off += ip.length)
    {
      if (ip.length == 0)
        break;
      added += lmn_gro_add (gro, data + off, ip.length);
    }
  check_outputs (gro, added);
  lmn_gro_reset (gro);
  if (size == 0 || ((data[0] >> 4) != 4 && (data[0] >> 4) != 6))
    return 0;
  bufs = g_malloc ((gsize) LMN_SEGMENTS_MAX * (LMN_SEGMENT_HEADER_MAX + 2048));
  added = add_segments (gro, data, size, bufs);
  check_outputs (gro, added);
  return 0;
}
