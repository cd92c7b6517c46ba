/* ICMP errors returned to local applications: right type, code, MTU, addresses reversed,
 * the original quoted, valid checksums; and never an error about an error. */
#include "icmp-error.h"
#include "inet-checksum.h"
#include "inner-packet.h"
#include "wire-buffer.h"

#include <string.h>

static const guint8 EID[4] = { 192, 0, 2, 10 }, PEER[4] = { 192, 0, 2, 200 };
static const guint8 EID6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x0e, 0x1d, [15] = 0x10 };
static const guint8 PEER6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x0e, 0x1d, 0, 2, [15] = 0x02 };

/* An IPv4 UDP packet of total length len from EID to PEER (DF set). */
static gsize
ipv4_udp (guint8 *p, gsize len)
{
  memset (p, 0xab, len);
  p[0] = 0x45;
  p[1] = 0;
  lisp_store_u16 (p + 2, (guint16) len);
  lisp_store_u16 (p + 6, 0x4000);
  p[8] = 64;
  p[9] = 17;
  memcpy (p + 12, EID, 4);
  memcpy (p + 16, PEER, 4);
  return len;
}

static gsize
ipv6_udp (guint8 *p, gsize len)
{
  memset (p, 0xcd, len);
  p[0] = 0x60;
  p[1] = p[2] = p[3] = 0;
  lisp_store_u16 (p + 4, (guint16) (len - 40));
  p[6] = 17;
  p[7] = 64;
  memcpy (p + 8, EID6, 16);
  memcpy (p + 24, PEER6, 16);
  return len;
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

static void
test_no_error_about_errors (void)
{
  guint8 pkt[200], out[LMN_ICMP_ERROR_MAX];

  /* An ICMP destination-unreachable is not answered; an echo request is. */
  ipv4_udp (pkt, 100);
  pkt[9] = 1;
  pkt[20] = 3;
  g_assert_cmpuint (lmn_icmp_error_build (pkt, 100, LMN_ICMP_UNREACHABLE, 0, out), ==, 0);
  pkt[20] = 8;
  g_assert_cmpuint (lmn_icmp_error_build (pkt, 100, LMN_ICMP_UNREACHABLE, 0, out), >, 0);
  /* A non-first fragment, a multicast destination */
  ipv4_udp (pkt, 100);
  lisp_store_u16 (pkt + 6, 0x0010);
  g_assert_cmpuint (lmn_icmp_error_build (pkt, 100, LMN_ICMP_UNREACHABLE, 0, out), ==, 0);
  ipv4_udp (pkt, 100);
  pkt[16] = 239;
  g_assert_cmpuint (lmn_icmp_error_build (pkt, 100, LMN_ICMP_UNREACHABLE, 0, out), ==, 0);
  /* ICMPv6 error, multicast IPv6 destination */
  ipv6_udp (pkt, 100);
  pkt[6] = 58;
  pkt[40] = 1;
  g_assert_cmpuint (lmn_icmp_error_build (pkt, 100, LMN_ICMP_UNREACHABLE, 0, out), ==, 0);
  pkt[40] = 128;
  g_assert_cmpuint (lmn_icmp_error_build (pkt, 100, LMN_ICMP_UNREACHABLE, 0, out), >, 0);
  ipv6_udp (pkt, 100);
  pkt[24] = 0xff;
  g_assert_cmpuint (lmn_icmp_error_build (pkt, 100, LMN_ICMP_UNREACHABLE, 0, out), ==, 0);
}

static void
test_inner_packet_bounds (void)
{
  guint8 pkt[100];
  LmnInnerPacket ip;

  /* Every truncation of a valid packet is refused; the full one and padding are accepted. */
  ipv4_udp (pkt, 60);
  for (gsize len = 0; len < 60; len++)
    {
      g_autofree guint8 *copy = g_memdup2 (pkt, len);

      g_assert_false (lmn_inner_packet_parse (copy, len, &ip));
    }
  g_assert_true (lmn_inner_packet_parse (pkt, 60, &ip));
  g_assert_true (lmn_inner_packet_parse (pkt, 100, &ip));
  g_assert_cmpuint (ip.length, ==, 60);
  g_assert_true (ip.dont_fragment);
  ipv6_udp (pkt, 90);
  for (gsize len = 0; len < 90; len++)
    {
      g_autofree guint8 *copy = g_memdup2 (pkt, len);

      g_assert_false (lmn_inner_packet_parse (copy, len, &ip));
    }
  g_assert_true (lmn_inner_packet_parse (pkt, 90, &ip));
  /* IHL below 5, total length below the header, version 5 */
  ipv4_udp (pkt, 60);
  pkt[0] = 0x44;
  g_assert_false (lmn_inner_packet_parse (pkt, 60, &ip));
  ipv4_udp (pkt, 60);
  lisp_store_u16 (pkt + 2, 10);
  g_assert_false (lmn_inner_packet_parse (pkt, 60, &ip));
  pkt[0] = 0x55;
  g_assert_false (lmn_inner_packet_parse (pkt, 60, &ip));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/icmp/ipv4", test_ipv4_unreachable_and_too_big);
  g_test_add_func ("/icmp/ipv6", test_ipv6_unreachable_and_too_big);
  g_test_add_func ("/icmp/no-error-about-errors", test_no_error_about_errors);
  g_test_add_func ("/inner-packet/bounds", test_inner_packet_bounds);
  return g_test_run ();
}
