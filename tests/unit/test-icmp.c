/* ICMP errors returned to local applications: right type, code, MTU, addresses reversed,
 * the original quoted, valid checksums; and never an error about an error. */
#include "icmp-error.h"
#include "inet-checksum.h"
#include "inner-packet.h"
#include "wire-buffer.h"
#include "test-table.h"

#include <string.h>

static const guint8 EID[4] = { 192, 0, 2, 10 }, PEER[4] = { 192, 0, 2, 200 };
static const guint8 EID6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x0e, 0x1d, [15] = 0x10 };
static const guint8 PEER6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x0e, 0x1d, 0, 2, [15] = 0x02 };

/* The fixed part of the test packets' headers: UDP, hop limit 64, IPv4 with DF set (and its
 * ID and checksum left as filler); udp_packet() adds the lengths and addresses. */
static const guint8 V4_HEADER[12] = { 0x45, 0, 0, 0, 0xab, 0xab, 0x40, 0, 64, 17, 0xab, 0xab };
static const guint8 V6_HEADER[8] = { 0x60, 0, 0, 0, 0, 0, 17, 64 };

/* A UDP packet of total length len from EID to PEER (family 4 or 6), the rest filled with
 * 0xab (IPv4) or 0xcd (IPv6). */
static gsize
udp_packet (guint8 *p, guint family, gsize len)
{
  if (family == 4)
    {
      memset (p, 0xab, len);
      memcpy (p, V4_HEADER, sizeof V4_HEADER);
      lisp_store_u16 (p + 2, (guint16) len);
      memcpy (p + 12, EID, 4);
      memcpy (p + 16, PEER, 4);
    }
  else
    {
      memset (p, 0xcd, len);
      memcpy (p, V6_HEADER, sizeof V6_HEADER);
      lisp_store_u16 (p + 4, (guint16) (len - 40));
      memcpy (p + 8, EID6, 16);
      memcpy (p + 24, PEER6, 16);
    }
  return len;
}

static gsize
ipv4_udp (guint8 *p, gsize len)
{
  return udp_packet (p, 4, len);
}

static gsize
ipv6_udp (guint8 *p, gsize len)
{
  return udp_packet (p, 6, len);
}

static void
test_ipv4_unreachable_and_too_big (void)
{
  guint8 pkt[1400], out[LMN_ICMP_ERROR_MAX];
  gsize len = ipv4_udp (pkt, sizeof pkt), n;
  LmnInnerPacket ip;

  n = lmn_icmp_error_build (pkt, len, LMN_ICMP_UNREACHABLE, 0, out);
  g_assert_cmpuint (n, ==, 576);   /* RFC 1812: at most 576 bytes */
  g_assert_true (lmn_inner_packet_parse (out, n, &ip));
  g_assert_cmpmem (ip.src, 4, PEER, 4);
  g_assert_cmpmem (ip.dst, 4, EID, 4);
  g_assert_cmpuint (out[9], ==, 1);
  g_assert_cmpuint (lisp_checksum_finish (lisp_checksum_add (0, out, 20)), ==, 0);
  g_assert_cmpuint (out[20], ==, 3);
  g_assert_cmpuint (out[21], ==, 1);
  g_assert_cmpuint (lisp_checksum_finish (lisp_checksum_add (0, out + 20, n - 20)), ==, 0);
  g_assert_cmpmem (out + 28, 20, pkt, 20);   /* the original header is quoted */

  n = lmn_icmp_error_build (pkt, len, LMN_ICMP_TOO_BIG, 1444, out);
  g_assert_cmpuint (out[20], ==, 3);
  g_assert_cmpuint (out[21], ==, 4);
  g_assert_cmpuint (lisp_load_u16 (out + 26), ==, 1444);
  g_assert_cmpuint (lisp_checksum_finish (lisp_checksum_add (0, out + 20, n - 20)), ==, 0);
}

static void
test_ipv6_unreachable_and_too_big (void)
{
  guint8 pkt[1500], out[LMN_ICMP_ERROR_MAX];
  gsize len = ipv6_udp (pkt, sizeof pkt), n;
  guint8 pseudo[8] = { 0 };
  guint32 sum;

  n = lmn_icmp_error_build (pkt, len, LMN_ICMP_TOO_BIG, 1400, out);
  g_assert_cmpuint (n, ==, LMN_ICMP_ERROR_MAX);  /* RFC 4443: fill up to the minimum MTU */
  g_assert_cmpmem (out + 8, 16, PEER6, 16);
  g_assert_cmpmem (out + 24, 16, EID6, 16);
  g_assert_cmpuint (out[6], ==, 58);
  g_assert_cmpuint (out[40], ==, 2);
  g_assert_cmpuint (lisp_load_u32 (out + 44), ==, 1400);
  lisp_store_u32 (pseudo, (guint32) (n - 40));
  pseudo[7] = 58;
  sum = lisp_checksum_add (lisp_checksum_add (0, out + 8, 32), pseudo, 8);
  g_assert_cmpuint (lisp_checksum_finish (lisp_checksum_add (sum, out + 40, n - 40)), ==, 0);

  ipv6_udp (pkt, 200);
  n = lmn_icmp_error_build (pkt, 200, LMN_ICMP_UNREACHABLE, 0, out);
  g_assert_cmpuint (n, ==, 48 + 200);
  g_assert_cmpuint (out[40], ==, 1);
  g_assert_cmpuint (out[41], ==, 3);
  /* Too big never advertises less than the IPv6 minimum MTU. */
  ipv6_udp (pkt, 1500);
  lmn_icmp_error_build (pkt, 1500, LMN_ICMP_TOO_BIG, 1000, out);
  g_assert_cmpuint (lisp_load_u32 (out + 44), ==, 1280);
}

/* A 100-byte packet that udp_packet() builds and a row changes: answered with an ICMP error
 * or not. */
typedef struct {
  const char *path;
  guint family;
  struct {
    gsize at;
    guint8 value;
  } set[2];
  guint n_set;
  gboolean answered;
} ErrorCase;

static const ErrorCase error_cases[] = {
  /* An ICMP destination-unreachable is not answered; an echo request is. */
  { "/icmp/no-error-about-errors/icmp-unreachable", 4, { { 9, 1 }, { 20, 3 } }, 2, FALSE },
  { "/icmp/no-error-about-errors/icmp-echo", 4, { { 9, 1 }, { 20, 8 } }, 2, TRUE },
  /* A non-first fragment (offset 0x0010, DF cleared), a multicast destination */
  { "/icmp/no-error-about-errors/fragment", 4, { { 6, 0x00 }, { 7, 0x10 } }, 2, FALSE },
  { "/icmp/no-error-about-errors/multicast", 4, { { 16, 239 } }, 1, FALSE },
  /* ICMPv6 error and echo request, multicast IPv6 destination */
  { "/icmp/no-error-about-errors/icmpv6-error", 6, { { 6, 58 }, { 40, 1 } }, 2, FALSE },
  { "/icmp/no-error-about-errors/icmpv6-echo", 6, { { 6, 58 }, { 40, 128 } }, 2, TRUE },
  { "/icmp/no-error-about-errors/multicast6", 6, { { 24, 0xff } }, 1, FALSE },
};

static void
test_error_case (gconstpointer data)
{
  const ErrorCase *row = data;
  guint8 pkt[200], out[LMN_ICMP_ERROR_MAX];
  gsize n;

  udp_packet (pkt, row->family, 100);
  for (guint i = 0; i < row->n_set; i++)
    pkt[row->set[i].at] = row->set[i].value;
  n = lmn_icmp_error_build (pkt, 100, LMN_ICMP_UNREACHABLE, 0, out);
  if (row->answered)
    g_assert_cmpuint (n, >, 0);
  else
    g_assert_cmpuint (n, ==, 0);
}

/* Every truncation of a valid packet is refused; the full one and padding are accepted. */
static void
test_inner_packet_truncations (gconstpointer data)
{
  guint family = GPOINTER_TO_UINT (data);
  gsize full = family == 4 ? 60 : 90;
  guint8 pkt[100] = { 0 };
  LmnInnerPacket ip;

  udp_packet (pkt, family, full);
  for (gsize len = 0; len < full; len++)
    {
      g_autofree guint8 *copy = g_memdup2 (pkt, len);

      g_assert_false (lmn_inner_packet_parse (copy, len, &ip));
    }
  g_assert_true (lmn_inner_packet_parse (pkt, full, &ip));
  g_assert_true (lmn_inner_packet_parse (pkt, sizeof pkt, &ip));
  g_assert_cmpuint (ip.length, ==, full);
  if (family == 4)
    g_assert_true (ip.dont_fragment);
}

/* A 60-byte IPv4 packet with one header field wrong: refused. */
typedef struct {
  const char *path;
  gsize at;
  guint8 value;
} BadHeader;

static const BadHeader bad_headers[] = {
  { "/inner-packet/bounds/ihl-below-5", 0, 0x44 },
  { "/inner-packet/bounds/length-below-header", 3, 10 },
  { "/inner-packet/bounds/version-5", 0, 0x55 },
};

static void
test_bad_header (gconstpointer data)
{
  const BadHeader *row = data;
  guint8 pkt[60];
  LmnInnerPacket ip;

  ipv4_udp (pkt, sizeof pkt);
  pkt[row->at] = row->value;
  g_assert_false (lmn_inner_packet_parse (pkt, sizeof pkt, &ip));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/icmp/ipv4", test_ipv4_unreachable_and_too_big);
  g_test_add_func ("/icmp/ipv6", test_ipv6_unreachable_and_too_big);
  TEST_ADD_TABLE (error_cases, test_error_case);
  g_test_add_data_func ("/inner-packet/bounds/ipv4", GUINT_TO_POINTER (4),
                        test_inner_packet_truncations);
  g_test_add_data_func ("/inner-packet/bounds/ipv6", GUINT_TO_POINTER (6),
                        test_inner_packet_truncations);
  TEST_ADD_TABLE (bad_headers, test_bad_header);
  return g_test_run ();
}
