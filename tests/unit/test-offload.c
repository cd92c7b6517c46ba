/* The TUN offloads' pure parts: the virtio-net header checked against its packet
 * (truncated or inconsistent headers refused with a reason), partial checksums completed,
 * the fast checksum against the plain one, and TCP super-packets of IPv4 and IPv6 cut into
 * segments whose headers, checksums, sequence numbers and flags are those the kernel would
 * have sent and whose payloads add up to the super-packet's. */
#include "inet-checksum.h"
#include "tcp-segmenter.h"
#include "test-table.h"
#include "vnet-header.h"

#include <string.h>

#define TCP_OPTIONS 12

/* A TCP super-packet of payload bytes (i & 0xff) after an IPv4 or IPv6 header and a TCP
 * header with options; flags as given. Returns its length; *h its virtio-net header. */
static gsize
build_super_packet (guint8 family, gsize payload, guint16 mss, guint8 flags, guint8 *p,
                    LmnVnetHdr *h)
{
  gsize l4 = family == 4 ? 20 : 40, hl = l4 + 20 + TCP_OPTIONS, len = hl + payload;
  guint8 *tcp = p + l4;

  memset (p, 0, hl);
  if (family == 4)
    {
      p[0] = 0x45;
      p[2] = (guint8) (len >> 8);
      p[3] = (guint8) len;
      p[4] = 0x12;
      p[5] = 0x34;
      p[6] = 0x40;
      p[8] = 64;
      p[9] = 6;
      memcpy (p + 12, (guint8[]) { 192, 0, 2, 1, 198, 51, 100, 7 }, 8);
    }
  else
    {
      p[0] = 0x60;
      p[4] = (guint8) ((len - 40) >> 8);
      p[5] = (guint8) (len - 40);
      p[6] = 6;
      p[7] = 64;
      p[8] = 0x20, p[9] = 0x01, p[10] = 0x0d, p[11] = 0xb8, p[23] = 1;
      p[24] = 0x20, p[25] = 0x01, p[26] = 0x0d, p[27] = 0xb8, p[39] = 2;
    }
  tcp[0] = 0x9c, tcp[1] = 0x40, tcp[2] = 0x14, tcp[3] = 0x51;
  memcpy (tcp + 4, (guint8[]) { 0xff, 0xff, 0xf0, 0x00 }, 4); /* wraps around 2^32 */
  tcp[12] = (20 + TCP_OPTIONS) / 4 << 4;
  tcp[13] = flags;
  tcp[14] = 0xff;
  memset (tcp + 20, 1, TCP_OPTIONS);
  for (gsize i = 0; i < payload; i++)
    p[hl + i] = (guint8) (i * 7 + 3);
  *h = (LmnVnetHdr) { .flags = LMN_VNET_F_NEEDS_CSUM,
                      .gso_type = family == 4 ? LMN_VNET_GSO_TCPV4 : LMN_VNET_GSO_TCPV6,
                      .hdr_len = (guint16) hl,
                      .gso_size = mss,
                      .csum_start = (guint16) l4,
                      .csum_offset = 16 };
  return len;
}

/* The transport checksum of a whole packet verifies (the sum with the field is all ones). */
static void
assert_transport_checksum (guint8 family, const guint8 *p, gsize l4, gsize len, guint8 proto)
{
  guint8 tail[4] = { 0, 0, 0, proto };
  guint32 sum = lisp_checksum_add (0, family == 4 ? p + 12 : p + 8, family == 4 ? 8 : 32);

  sum += (guint32) (len - l4);
  sum = lisp_checksum_add (sum, tail, 4);
  sum = lisp_checksum_add (sum, p + l4, len - l4);
  g_assert_cmpuint (lisp_checksum_finish (sum), ==, 0);
}

static void
check_segments (guint8 family, gsize payload, guint16 mss)
{
  static guint8 p[70000], seg[LMN_SEGMENT_HEADER_MAX + 70000], joined[70000];
  LmnVnetHdr h;
  LmnTcpSegmenter s;
  const char *why = NULL;
  gsize len = build_super_packet (family, payload, mss, 0x80 | 0x10 | 0x08 | 0x01, p, &h);
  gsize l4 = h.csum_start, at = 0;

  g_assert_true (lmn_vnet_hdr_check (&h, p, len, &why));
  g_assert_true (lmn_tcp_segmenter_init (&s, &h, p, len, &why));
  g_assert_cmpuint (s.n, ==, (payload + mss - 1) / mss);
  for (guint i = 0; i < s.n; i++)
    {
      const guint8 *data;
      gsize plen, hl = lmn_tcp_segmenter_segment (&s, i, seg, &data, &plen);
      guint32 seq = 0xfffff000u + (guint32) (i * mss);
      guint8 flags = seg[l4 + 13];

      g_assert_cmpuint (hl, ==, h.hdr_len);
      g_assert_cmpuint (plen, ==, i + 1 < s.n ? mss : payload - (gsize) i * mss);
      memcpy (seg + hl, data, plen);
      if (family == 4)
        {
          g_assert_cmpuint (seg[2] << 8 | seg[3], ==, hl + plen);
          g_assert_cmpuint (seg[4] << 8 | seg[5], ==, 0x1234 + i);
          g_assert_cmpuint (lisp_checksum_finish (lisp_checksum_add (0, seg, 20)), ==, 0);
        }
      else
        g_assert_cmpuint (seg[4] << 8 | seg[5], ==, hl + plen - 40);
      g_assert_cmpuint ((guint32) seg[l4 + 4] << 24 | seg[l4 + 5] << 16 | seg[l4 + 6] << 8 |
                          seg[l4 + 7],
                        ==, seq);
      g_assert_cmpuint (flags & 0x10, ==, 0x10);                    /* ACK on all */
      g_assert_cmpuint (flags & 0x80, ==, i == 0 ? 0x80 : 0);       /* CWR on the first */
      g_assert_cmpuint (flags & 0x09, ==, i + 1 == s.n ? 0x09 : 0); /* FIN, PSH on the last */
      g_assert_cmpmem (seg + l4 + 20, TCP_OPTIONS, p + l4 + 20, TCP_OPTIONS);
      assert_transport_checksum (family, seg, l4, hl + plen, 6);
      memcpy (joined + at, data, plen);
      at += plen;
    }
  g_assert_cmpmem (joined, at, p + h.hdr_len, payload);
}

static void
test_segment_ipv4 (void)
{
  check_segments (4, 5000, 1448);
  check_segments (4, 1448 * 44, 1448);
  check_segments (4, 1, 1448);
  check_segments (4, 1449, 1448);
  check_segments (4, 3001, 1447); /* odd segment size: odd payloads, odd offsets */
}

static void
test_segment_ipv6 (void)
{
  check_segments (6, 5000, 1428);
  check_segments (6, 65000, 1428);
  check_segments (6, 777, 100);
}

typedef struct {
  const char *path;
  guint8 family;
  gsize cut;         /* bytes of the packet kept (0: all) */
  LmnVnetHdr change; /* fields that are not zero replace the good header's */
  gboolean clear_needs_csum;
  const char *why;
} BadHeader;

static const BadHeader bad_headers[] = {
  { "/offload/bad-header/csum-outside", 4, 0, { .csum_offset = 4000 }, FALSE, "checksum field" },
  { "/offload/bad-header/csum-odd", 4, 0, { .csum_offset = 17 }, FALSE, "checksum field" },
  { "/offload/bad-header/gso-udp", 4, 0, { .gso_type = 3 }, FALSE, "not TCP" },
  { "/offload/bad-header/gso-unknown", 6, 0, { .gso_type = 0x7f }, FALSE, "not TCP" },
  { "/offload/bad-header/v6-on-v4", 4, 0, { .gso_type = 4 }, FALSE, "does not match" },
  { "/offload/bad-header/v4-on-v6", 6, 0, { .gso_type = 1 }, FALSE, "does not match" },
  { "/offload/bad-header/no-needs-csum", 4, 0, { 0 }, TRUE, "partial TCP checksum" },
  { "/offload/bad-header/csum-udp", 4, 0, { .csum_offset = 6 }, FALSE, "partial TCP" },
  { "/offload/bad-header/csum-start-wrong", 4, 0, { .csum_start = 24 }, FALSE, "csum_start" },
  { "/offload/bad-header/truncated-tcp", 4, 38, { 0 }, FALSE, "cut short" },
  { "/offload/bad-header/truncated-options", 6, 70, { 0 }, FALSE, "TCP header longer" },
  { "/offload/bad-header/no-payload", 4, 52, { 0 }, FALSE, "without payload" },
  { "/offload/bad-header/truncated-csum", 6, 50, { 0 }, FALSE, "checksum field" },
};

static void
test_bad_header (gconstpointer data)
{
  const BadHeader *row = data;
  static guint8 p[8000];
  LmnVnetHdr h;
  const char *why = NULL;
  gsize len = build_super_packet (row->family, 3000, 1000, 0x10, p, &h);

  if (row->cut != 0)
    len = row->cut;
  if (row->change.gso_type != 0)
    h.gso_type = row->change.gso_type;
  if (row->change.csum_offset != 0)
    h.csum_offset = row->change.csum_offset;
  if (row->change.csum_start != 0)
    h.csum_start = row->change.csum_start;
  if (row->clear_needs_csum)
    h.flags = 0;
  g_assert_false (lmn_vnet_hdr_check (&h, p, len, &why));
  g_assert_nonnull (why);
  if (strstr (why, row->why) == NULL)
    g_error ("%s: refused for \"%s\"", row->path, why);
}

static void
test_bad_segment_count (void)
{
  static guint8 p[8000];
  LmnVnetHdr h;
  LmnTcpSegmenter s;
  const char *why = NULL;
  gsize len = build_super_packet (4, 1000, 7, 0x10, p, &h);

  g_assert_true (lmn_vnet_hdr_check (&h, p, len, &why));
  g_assert_false (lmn_tcp_segmenter_init (&s, &h, p, len, &why));
  g_assert_nonnull (strstr (why, "too many segments"));
  h.gso_size = 0;
  g_assert_false (lmn_vnet_hdr_check (&h, p, len, &why));
  g_assert_nonnull (strstr (why, "size 0"));
}

static void
test_header_round_trip (void)
{
  LmnVnetHdr h = { 1, 0x81, 66, 1448, 34, 16 }, back;
  guint8 bytes[LMN_VNET_HDR_SIZE];

  lmn_vnet_hdr_encode (&h, bytes);
  lmn_vnet_hdr_decode (bytes, &back);
  g_assert_cmpmem (&h, sizeof h, &back, sizeof back);
  g_assert_cmpuint (LMN_VNET_GSO_KIND (&back), ==, LMN_VNET_GSO_TCPV4);
}

/* A UDP datagram as the kernel hands it with TUN_F_CSUM: the pseudo-header sum in the
 * checksum field, the rest to do. */
static void
test_complete_udp (void)
{
  for (gsize payload = 0; payload < 40; payload += 3)
    {
      guint8 p[100] = { 0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 9 };
      gsize len = 28 + payload;
      guint8 tail[4] = { 0, 17, (guint8) ((len - 20) >> 8), (guint8) (len - 20) };
      LmnVnetHdr h = { LMN_VNET_F_NEEDS_CSUM, 0, 0, 0, 20, 6 };
      const char *why = NULL;
      guint32 pseudo;

      p[3] = (guint8) len;
      p[21] = 53, p[23] = 99, p[25] = (guint8) (len - 20);
      for (gsize i = 0; i < payload; i++)
        p[28 + i] = (guint8) (0xa0 + i);
      pseudo = lisp_checksum_add (lisp_checksum_add (0, p + 12, 8), tail, 4);
      while (pseudo >> 16)
        pseudo = (pseudo & 0xffff) + (pseudo >> 16);
      p[26] = (guint8) (pseudo >> 8), p[27] = (guint8) pseudo;
      g_assert_true (lmn_vnet_hdr_check (&h, p, len, &why));
      lmn_vnet_complete_checksum (&h, p, len);
      g_assert_cmpuint (lisp_udp_checksum (4, p + 12, p + 16, (guint8[]) { 0 }, 0) != 0, ==, 1);
      assert_transport_checksum (4, p, 20, len, 17);
      g_assert_cmpuint (p[26] << 8 | p[27], !=, 0);
    }
}

static void
test_fast_checksum (void)
{
  guint8 data[3000];

  for (gsize i = 0; i < sizeof data; i++)
    data[i] = (guint8) (g_test_rand_int () & 0xff);
  for (gsize len = 0; len < 300; len++)
    g_assert_cmpuint (lisp_checksum_finish (lmn_checksum_add_fast (0x1234, data, len)), ==,
                      lisp_checksum_finish (lisp_checksum_add (0x1234, data, len)));
  g_assert_cmpuint (lisp_checksum_finish (lmn_checksum_add_fast (0, data, sizeof data)), ==,
                    lisp_checksum_finish (lisp_checksum_add (0, data, sizeof data)));
  memset (data, 0xff, sizeof data);
  g_assert_cmpuint (lisp_checksum_finish (lmn_checksum_add_fast (0xffff, data, sizeof data)), ==,
                    lisp_checksum_finish (lisp_checksum_add (0xffff, data, sizeof data)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/offload/segment/ipv4", test_segment_ipv4);
  g_test_add_func ("/offload/segment/ipv6", test_segment_ipv6);
  g_test_add_func ("/offload/segment/too-many", test_bad_segment_count);
  TEST_ADD_TABLE (bad_headers, test_bad_header);
  g_test_add_func ("/offload/header/round-trip", test_header_round_trip);
  g_test_add_func ("/offload/checksum/complete-udp", test_complete_udp);
  g_test_add_func ("/offload/checksum/fast", test_fast_checksum);
  return g_test_run ();
}
