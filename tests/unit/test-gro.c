/* The coalescer of decapsulated TCP segments (gro-coalescer.h): a super-packet cut into
 * segments by the segmenter comes back whole (its headers, its payload, a partial checksum
 * that completes to the right one, and segments again into the same packets), IPv4 and
 * IPv6; interleaved flows each coalesce; out-of-order, PSH, short, differently acknowledged
 * and corrupted segments, other protocols and a full batch end a super-packet or pass as
 * they came, never reordering a flow. */
#include "gro-coalescer.h"
#include "inet-checksum.h"
#include "tcp-segmenter.h"
#include "vnet-header.h"

#include <string.h>

#define MSS 1000

typedef struct {
  guint8 bytes[LMN_SEGMENT_HEADER_MAX + 2000];
  gsize len;
} Packet;

/* The TCP checksum of a whole packet: 0 when it verifies (filled in when fill). */
static guint16
tcp_checksum (guint8 family, guint8 *p, gsize len, gboolean fill)
{
  gsize l4 = family == 4 ? 20 : 40;
  guint8 tail[4] = { 0, 0, 0, 6 };
  guint32 sum = lisp_checksum_add (0, family == 4 ? p + 12 : p + 8, family == 4 ? 8 : 32);
  guint16 c;

  if (fill)
    p[l4 + 16] = p[l4 + 17] = 0;
  sum = lisp_checksum_add (sum + (guint32) (len - l4), tail, 4);
  c = lisp_checksum_finish (lisp_checksum_add (sum, p + l4, len - l4));
  if (fill)
    p[l4 + 16] = (guint8) (c >> 8), p[l4 + 17] = (guint8) c;
  return c;
}

/* A super-packet from src port `port` (flags ACK|PSH), payload bytes, cut into segments. */
static guint
segments (guint8 family, guint16 port, gsize payload, Packet *out, guint8 *super, gsize *super_len)
{
  gsize l4 = family == 4 ? 20 : 40, hl = l4 + 32, len = hl + payload;
  guint8 *tcp = super + l4;
  LmnVnetHdr h = { LMN_VNET_F_NEEDS_CSUM, family == 4 ? LMN_VNET_GSO_TCPV4 : LMN_VNET_GSO_TCPV6,
                   (guint16) hl,          MSS,
                   (guint16) l4,          16 };
  LmnTcpSegmenter s;
  const char *why;

  memset (super, 0, hl);
  if (family == 4)
    {
      guint16 c;

      memcpy (super, (guint8[]) { 0x45,
                                  0,
                                  (guint8) (len >> 8),
                                  (guint8) len,
                                  0x77,
                                  0,
                                  0x40,
                                  0,
                                  63,
                                  6,
                                  0,
                                  0,
                                  192,
                                  0,
                                  2,
                                  1,
                                  198,
                                  51,
                                  100,
                                  2 },
              20);
      c = lisp_checksum_finish (lisp_checksum_add (0, super, 20));
      super[10] = (guint8) (c >> 8), super[11] = (guint8) c;
    }
  else
    {
      super[0] = 0x60, super[4] = (guint8) ((len - 40) >> 8), super[5] = (guint8) (len - 40);
      super[6] = 6, super[7] = 63, super[8] = 0x20, super[9] = 0x01, super[23] = 1;
      super[24] = 0x20, super[25] = 0x01, super[39] = 2;
    }
  tcp[0] = (guint8) (port >> 8), tcp[1] = (guint8) port, tcp[3] = 80;
  tcp[4] = 0x10, tcp[8] = 0x20, tcp[12] = 8 << 4, tcp[13] = 0x18, tcp[14] = 0x02;
  memcpy (tcp + 20, (guint8[]) { 1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 7 }, 12);
  for (gsize i = 0; i < payload; i++)
    super[hl + i] = (guint8) (i * 13 + port);
  *super_len = len;
  g_assert_true (lmn_vnet_hdr_check (&h, super, len, &why));
  g_assert_true (lmn_tcp_segmenter_init (&s, &h, super, len, &why));
  for (guint i = 0; i < s.n; i++)
    {
      const guint8 *data;
      gsize plen, n = lmn_tcp_segmenter_segment (&s, i, out[i].bytes, &data, &plen);

      memcpy (out[i].bytes + n, data, plen);
      out[i].len = n + plen;
    }
  return s.n;
}

/* Output i as one contiguous packet; its virtio-net header in *vnet. */
static gsize
output_bytes (LmnGro *gro, guint i, LmnVnetHdr *vnet, guint8 *out, guint *n_packets)
{
  struct iovec iov[LMN_GRO_IOV_MAX];
  guint8 hdr[LMN_GRO_HEADER_MAX];
  gsize bytes, at = 0;
  guint n = lmn_gro_output (gro, i, vnet, hdr, iov, n_packets, &bytes);

  g_assert_cmpuint (n, <=, LMN_GRO_IOV_MAX);
  for (guint k = 0; k < n; k++)
    {
      memcpy (out + at, iov[k].iov_base, iov[k].iov_len);
      at += iov[k].iov_len;
    }
  return at;
}

static void
check_round_trip (guint8 family, gsize payload)
{
  static Packet segs[LMN_SEGMENTS_MAX];
  static guint8 super[70000], out[70000];
  g_autoptr(LmnGro) gro = lmn_gro_new ();
  LmnVnetHdr vnet;
  LmnTcpSegmenter s;
  const char *why = NULL;
  gsize super_len, len, l4 = family == 4 ? 20 : 40;
  guint n = segments (family, 5000, payload, segs, super, &super_len), n_packets;

  for (guint i = 0; i < n; i++)
    g_assert_true (lmn_gro_add (gro, segs[i].bytes, segs[i].len));
  g_assert_cmpuint (lmn_gro_n_outputs (gro), ==, 1);
  len = output_bytes (gro, 0, &vnet, out, &n_packets);
  g_assert_cmpuint (n_packets, ==, n);
  g_assert_cmpuint (len, ==, super_len);
  g_assert_cmpuint (vnet.gso_size, ==, MSS);
  g_assert_cmpuint (vnet.gso_type, ==, family == 4 ? LMN_VNET_GSO_TCPV4 : LMN_VNET_GSO_TCPV6);
  g_assert_true (lmn_vnet_hdr_check (&vnet, out, len, &why));
  /* The same bytes as the super-packet but for its checksum, which completes to them. */
  g_assert_cmpmem (out, l4 + 16, super, l4 + 16);
  g_assert_cmpmem (out + l4 + 18, len - l4 - 18, super + l4 + 18, len - l4 - 18);
  /* Segmented again: the packets that went in. */
  g_assert_true (lmn_tcp_segmenter_init (&s, &vnet, out, len, &why));
  g_assert_cmpuint (s.n, ==, n);
  for (guint i = 0; i < n; i++)
    {
      guint8 seg[LMN_SEGMENT_HEADER_MAX + 2000];
      const guint8 *data;
      gsize plen, hl = lmn_tcp_segmenter_segment (&s, i, seg, &data, &plen);

      memcpy (seg + hl, data, plen);
      g_assert_cmpmem (seg, hl + plen, segs[i].bytes, segs[i].len);
    }
  /* Completing the partial sum gives a checksum that verifies. */
  lmn_vnet_complete_checksum (&vnet, out, len);
  g_assert_cmpuint (tcp_checksum (family, out, len, FALSE), ==, 0);
}

static void
test_round_trip (void)
{
  check_round_trip (4, 5 * MSS);
  check_round_trip (4, 5 * MSS + 123);
  check_round_trip (6, 30 * MSS + 1);
  check_round_trip (6, 2 * MSS);
}

/* The outputs as (first byte of payload's source port, packets) pairs. */
static void
assert_outputs (LmnGro *gro, const guint *expect_packets, guint n)
{
  g_assert_cmpuint (lmn_gro_n_outputs (gro), ==, n);
  for (guint i = 0; i < n; i++)
    {
      static guint8 out[70000];
      LmnVnetHdr vnet;
      guint n_packets;

      output_bytes (gro, i, &vnet, out, &n_packets);
      g_assert_cmpuint (n_packets, ==, expect_packets[i]);
      g_assert_cmpuint (vnet.gso_type != 0, ==, n_packets > 1);
    }
}

static void
test_interleaved (void)
{
  static Packet a[8], b[8];
  static guint8 super[20000];
  g_autoptr(LmnGro) gro = lmn_gro_new ();
  gsize len;
  guint na = segments (4, 1, 3 * MSS, a, super, &len),
        nb = segments (4, 2, 3 * MSS, b, super, &len);

  g_assert_cmpuint (na, ==, 3);
  for (guint i = 0; i < na; i++)
    {
      g_assert_true (lmn_gro_add (gro, a[i].bytes, a[i].len));
      g_assert_true (lmn_gro_add (gro, b[i].bytes, b[i].len));
    }
  assert_outputs (gro, (guint[]) { 3, 3 }, 2);
  g_assert_cmpuint (nb, ==, 3);
}

static void
test_out_of_order (void)
{
  static Packet a[8];
  static guint8 super[20000];
  g_autoptr(LmnGro) gro = lmn_gro_new ();
  gsize len;

  segments (6, 1, 4 * MSS, a, super, &len);
  g_assert_true (lmn_gro_add (gro, a[0].bytes, a[0].len));
  g_assert_true (lmn_gro_add (gro, a[2].bytes, a[2].len));
  g_assert_true (lmn_gro_add (gro, a[1].bytes, a[1].len));
  g_assert_true (lmn_gro_add (gro, a[3].bytes, a[3].len)); /* follows a[1]? no: a[2] */
  assert_outputs (gro, (guint[]) { 1, 1, 1, 1 }, 4);
  lmn_gro_reset (gro);
  /* A retransmission of what is open ends it too. */
  g_assert_true (lmn_gro_add (gro, a[0].bytes, a[0].len));
  g_assert_true (lmn_gro_add (gro, a[1].bytes, a[1].len));
  g_assert_true (lmn_gro_add (gro, a[1].bytes, a[1].len));
  assert_outputs (gro, (guint[]) { 2, 1 }, 2);
}

/* What ends a super-packet: PSH, a short segment, another ack, a bad checksum (and that
 * segment then passes alone, after what was open), another protocol between the hosts. */
static void
test_enders (void)
{
  static Packet a[8];
  static guint8 super[20000], copy[2000];
  g_autoptr(LmnGro) gro = lmn_gro_new ();
  static const guint8 udp[28] = { 0x45, 0, 0,   28, 0,   0, 0, 0,  64, 17, 0, 0, 192, 0,
                                  2,    1, 198, 51, 100, 2, 0, 53, 0,  53, 0, 8, 0,   0 };
  gsize len;

  segments (4, 1, 6 * MSS - 10, a, super, &len); /* the last is short, with PSH */
  for (guint i = 0; i < 6; i++)
    g_assert_true (lmn_gro_add (gro, a[i].bytes, a[i].len));
  assert_outputs (gro, (guint[]) { 6 }, 1);
  lmn_gro_reset (gro);

  memcpy (copy, a[2].bytes, a[2].len);
  copy[a[2].len - 1] ^= 1; /* payload corrupted */
  g_assert_true (lmn_gro_add (gro, a[0].bytes, a[0].len));
  g_assert_true (lmn_gro_add (gro, a[1].bytes, a[1].len));
  g_assert_true (lmn_gro_add (gro, copy, a[2].len));
  g_assert_true (lmn_gro_add (gro, a[3].bytes, a[3].len));
  g_assert_true (lmn_gro_add (gro, udp, sizeof udp));
  g_assert_true (lmn_gro_add (gro, a[4].bytes, a[4].len));
  assert_outputs (gro, (guint[]) { 2, 1, 1, 1, 1 }, 5);
  lmn_gro_reset (gro);

  memcpy (copy, a[1].bytes, a[1].len);
  copy[20 + 8] ^= 1; /* another acknowledgement number, with its checksum */
  tcp_checksum (4, copy, a[1].len, TRUE);
  g_assert_true (lmn_gro_add (gro, a[0].bytes, a[0].len));
  g_assert_true (lmn_gro_add (gro, copy, a[1].len));
  g_assert_true (lmn_gro_add (gro, a[2].bytes, a[2].len));
  assert_outputs (gro, (guint[]) { 1, 1, 1 }, 3);
}

static void
test_limits (void)
{
  static Packet a[LMN_SEGMENTS_MAX];
  static guint8 super[70000];
  g_autoptr(LmnGro) gro = lmn_gro_new ();
  gsize len;
  guint n = segments (6, 1, 65 * MSS, a, super, &len), added = 0;

  /* At most LMN_GRO_SEGMENTS segments in one. */
  for (guint i = 0; i < n; i++)
    g_assert_true (lmn_gro_add (gro, a[i].bytes, a[i].len));
  assert_outputs (gro, (guint[]) { LMN_GRO_SEGMENTS, 65 - LMN_GRO_SEGMENTS }, 2);
  lmn_gro_reset (gro);
  /* A full batch says so. */
  while (lmn_gro_add (gro, a[0].bytes, a[0].len))
    added++;
  g_assert_cmpuint (added, ==, LMN_GRO_PACKETS);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gro/round-trip", test_round_trip);
  g_test_add_func ("/gro/interleaved", test_interleaved);
  g_test_add_func ("/gro/out-of-order", test_out_of_order);
  g_test_add_func ("/gro/enders", test_enders);
  g_test_add_func ("/gro/limits", test_limits);
  return g_test_run ();
}
