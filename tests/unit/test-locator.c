/* Flow hashing of inner packets and the choice of a locator for a flow. */
#include "flow-hash.h"
#include "locator-choice.h"
#include "lisp-prefix.h"

#include <string.h>

static LispMapLocator
loc4 (guint8 last, guint8 priority, guint8 weight, gboolean reachable)
{
  const guint8 addr[4] = { 198, 51, 100, last };
  LispMapLocator l;

  g_assert_true (lisp_map_locator_init (&l, LISP_FAMILY_IPV4, addr, priority, weight,
                                        reachable));
  return l;
}

static LispMapLocator
loc6 (guint8 last, guint8 priority, guint8 weight, gboolean reachable)
{
  const guint8 addr[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = last };
  LispMapLocator l;

  g_assert_true (lisp_map_locator_init (&l, LISP_FAMILY_IPV6, addr, priority, weight,
                                        reachable));
  return l;
}

/* An IPv4 packet: 20-byte header, then a transport header and payload. */
static GByteArray *
ipv4_packet (guint32 src, guint32 dst, guint8 proto, guint16 sport, guint16 dport,
             guint16 frag, gsize payload)
{
  GByteArray *b = g_byte_array_new ();
  guint8 h[20] = { 0x45, 0, 0, 0, 0x12, 0x34, 0, 0, 64, proto };
  guint8 ports[4];
  gsize i;

  h[2] = (20 + 8 + payload) >> 8;
  h[3] = (20 + 8 + payload) & 0xff;
  h[6] = frag >> 8;
  h[7] = frag & 0xff;
  for (i = 0; i < 4; i++)
    {
      h[12 + i] = src >> (24 - 8 * i);
      h[16 + i] = dst >> (24 - 8 * i);
    }
  g_byte_array_append (b, h, sizeof h);
  ports[0] = sport >> 8; ports[1] = sport & 0xff;
  ports[2] = dport >> 8; ports[3] = dport & 0xff;
  g_byte_array_append (b, ports, 4);
  for (i = 0; i < 4 + payload; i++)
    g_byte_array_append (b, (const guint8 *) "\xaa", 1);
  return b;
}

/* An IPv6 UDP packet with a Hop-by-Hop and a Destination Options header on the way. */
static GByteArray *
ipv6_packet (guint8 src_last, guint16 sport, gboolean fragment, guint16 frag_offset)
{
  GByteArray *b = g_byte_array_new ();
  guint8 h[40] = { 0x60, 0, 0, 0, 0, 0, 0 /* next: HBH */, 64,
                   0x20, 0x01, 0x0d, 0xb8, [23] = src_last,
                   0x20, 0x01, 0x0d, 0xb8, 0xff, [39] = 1 };
  const guint8 hbh[8] = { 60 /* next: DestOpts */, 0, 1, 4, 0, 0, 0, 0 };
  guint8 dst_opts[16] = { fragment ? 44 : 17, 1 /* 16 bytes */, 1, 12 };
  guint8 frag[8] = { 17, 0, frag_offset >> 5, (frag_offset << 3) | 1, 0xde, 0xad, 0xbe, 0xef };
  guint8 udp[8] = { sport >> 8, sport & 0xff, 0x10, 0xf5, 0, 8, 0, 0 };

  g_byte_array_append (b, h, sizeof h);
  g_byte_array_append (b, hbh, sizeof hbh);
  g_byte_array_append (b, dst_opts, sizeof dst_opts);
  if (fragment)
    g_byte_array_append (b, frag, sizeof frag);
  if (!fragment || frag_offset == 0)
    g_byte_array_append (b, udp, sizeof udp);
  g_byte_array_append (b, (const guint8 *) "payload-payload-", 16);
  return b;
}

/* Hashes a copy in a buffer of exactly len bytes, so AddressSanitizer sees any overread. */
static guint32
hash_exact (const guint8 *data, gsize len)
{
  g_autofree guint8 *copy = g_malloc (MAX (len, 1));
  guint32 h;

  if (len > 0)
    memcpy (copy, data, len);
  h = lisp_flow_hash (len > 0 ? copy : NULL, len);
  /* Same answer whether the buffer pointer is NULL or not when it is empty. */
  if (len == 0)
    g_assert_cmpuint (lisp_flow_hash (copy, 0), ==, h);
  return h;
}

static void
test_hash_truncated (void)
{
  g_autoptr(GByteArray) v4 = ipv4_packet (0xc0000201, 0xcb007101, 6, 40000, 443, 0, 100);
  g_autoptr(GByteArray) v6 = ipv6_packet (1, 40000, FALSE, 0);
  g_autoptr(GByteArray) v6f = ipv6_packet (1, 40000, TRUE, 0);
  GByteArray *packets[] = { v4, v6, v6f };
  guint p;

  for (p = 0; p < G_N_ELEMENTS (packets); p++)
    {
      gsize len;

      for (len = 0; len <= packets[p]->len; len++)
        hash_exact (packets[p]->data, len);
    }

  /* The IPv4 hash needs the 20-byte header and the 4 port bytes; the rest is payload. */
  g_assert_cmpuint (hash_exact (v4->data, 19), ==, 0);
  g_assert_cmpuint (hash_exact (v4->data, 24), ==, hash_exact (v4->data, v4->len));
  g_assert_cmpuint (hash_exact (v4->data, 23), !=, hash_exact (v4->data, 24));
  /* 40 + 8 + 16 bytes of extension headers, then UDP ports. */
  g_assert_cmpuint (hash_exact (v6->data, 39), ==, 0);
  g_assert_cmpuint (hash_exact (v6->data, 68), ==, hash_exact (v6->data, v6->len));
  g_assert_cmpuint (hash_exact (v6->data, 67), !=, hash_exact (v6->data, 68));
}

static void
test_hash_garbage (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint8 buf[128];
  guint i;

  for (i = 0; i < 20000; i++)
    {
      gsize len = g_rand_int_range (rand, 0, sizeof buf + 1);
      gsize j;

      for (j = 0; j < len; j++)
        buf[j] = g_rand_int_range (rand, 0, 256);
      /* Half the time look like IPv4/IPv6 so the header parsers get exercised. */
      if (len > 0 && i % 2 == 0)
        buf[0] = (buf[0] & 0x0f) | (g_rand_boolean (rand) ? 0x40 : 0x60);
      if (len > 6 && i % 4 == 0)
        buf[6] = (guint8[]) { 0, 43, 44, 51, 60, 6, 17 }[g_rand_int_range (rand, 0, 7)];
      hash_exact (buf, len);
    }

  /* A header length pointing past the end, and a version that is not IP. */
  {
    g_autoptr(GByteArray) v4 = ipv4_packet (1, 2, 17, 3, 4, 0, 0);

    v4->data[0] = 0x4f;
    g_assert_cmpuint (hash_exact (v4->data, v4->len), ==, 0);
    v4->data[0] = 0x44;
    g_assert_cmpuint (hash_exact (v4->data, v4->len), ==, 0);
    v4->data[0] = 0x55;
    g_assert_cmpuint (hash_exact (v4->data, v4->len), ==, 0);
  }
}

static void
test_hash_equal_tuples (void)
{
  g_autoptr(GByteArray) a = ipv4_packet (0xc0000201, 0xcb007101, 6, 40000, 443, 0, 10);
  g_autoptr(GByteArray) b = ipv4_packet (0xc0000201, 0xcb007101, 6, 40000, 443, 0, 500);
  g_autoptr(GByteArray) c = ipv4_packet (0xc0000201, 0xcb007101, 6, 40001, 443, 0, 10);
  g_autoptr(GByteArray) d = ipv4_packet (0xc0000201, 0xcb007101, 17, 40000, 443, 0, 10);
  g_autoptr(GByteArray) e = ipv4_packet (0xc0000202, 0xcb007101, 6, 40000, 443, 0, 10);
  g_autoptr(GByteArray) f = ipv4_packet (0xc0000201, 0xcb007101, 6, 40000, 444, 0, 10);
  g_autoptr(GByteArray) icmp1 = ipv4_packet (0xc0000201, 0xcb007101, 1, 1, 2, 0, 10);
  g_autoptr(GByteArray) icmp2 = ipv4_packet (0xc0000201, 0xcb007101, 1, 3, 4, 0, 10);
  guint32 ha = lisp_flow_hash (a->data, a->len);

  /* TTL, ID, checksum and payload are not part of the flow. */
  b->data[8] = 3;
  b->data[4] = 0x77;
  b->data[10] = 0x99;
  g_assert_cmpuint (ha, ==, lisp_flow_hash (b->data, b->len));
  g_assert_cmpuint (ha, !=, 0);
  g_assert_cmpuint (ha, !=, lisp_flow_hash (c->data, c->len));
  g_assert_cmpuint (ha, !=, lisp_flow_hash (d->data, d->len));
  g_assert_cmpuint (ha, !=, lisp_flow_hash (e->data, e->len));
  g_assert_cmpuint (ha, !=, lisp_flow_hash (f->data, f->len));
  /* Without ports (ICMP), the bytes after the header do not count. */
  g_assert_cmpuint (lisp_flow_hash (icmp1->data, icmp1->len), ==,
                    lisp_flow_hash (icmp2->data, icmp2->len));

  /* IPv6: same tuple, different flow label and payload. */
  {
    g_autoptr(GByteArray) x = ipv6_packet (1, 5000, FALSE, 0);
    g_autoptr(GByteArray) y = ipv6_packet (1, 5000, FALSE, 0);
    g_autoptr(GByteArray) z = ipv6_packet (1, 5001, FALSE, 0);
    g_autoptr(GByteArray) w = ipv6_packet (2, 5000, FALSE, 0);

    y->data[3] = 0x42;
    y->data[y->len - 1] = 'X';
    g_assert_cmpuint (lisp_flow_hash (x->data, x->len), ==, lisp_flow_hash (y->data, y->len));
    g_assert_cmpuint (lisp_flow_hash (x->data, x->len), !=, lisp_flow_hash (z->data, z->len));
    g_assert_cmpuint (lisp_flow_hash (x->data, x->len), !=, lisp_flow_hash (w->data, w->len));
  }
}

static void
test_hash_fragments (void)
{
  /* All fragments of one datagram hash alike, so they take one RLOC. */
  g_autoptr(GByteArray) first4 = ipv4_packet (1, 2, 17, 1000, 53, 0x2000, 100);
  g_autoptr(GByteArray) later4 = ipv4_packet (1, 2, 17, 0x6162, 0x6364, 0x00b9, 100);
  g_autoptr(GByteArray) whole4 = ipv4_packet (1, 2, 17, 1000, 53, 0x4000 /* DF */, 100);
  g_autoptr(GByteArray) first6 = ipv6_packet (9, 1000, TRUE, 0);
  g_autoptr(GByteArray) later6 = ipv6_packet (9, 0, TRUE, 185);
  g_autoptr(GByteArray) whole6 = ipv6_packet (9, 1000, FALSE, 0);

  g_assert_cmpuint (lisp_flow_hash (first4->data, first4->len), ==,
                    lisp_flow_hash (later4->data, later4->len));
  g_assert_cmpuint (lisp_flow_hash (first4->data, first4->len), !=,
                    lisp_flow_hash (whole4->data, whole4->len));
  g_assert_cmpuint (lisp_flow_hash (first6->data, first6->len), ==,
                    lisp_flow_hash (later6->data, later6->len));
  g_assert_cmpuint (lisp_flow_hash (first6->data, first6->len), !=,
                    lisp_flow_hash (whole6->data, whole6->len));
}

/* Flows that differ only in the source port (a client opening connections) must still
 * spread: count them per top-4-bit bucket and per low-4-bit bucket. */
static void
test_hash_spread (void)
{
  guint top[16] = { 0 }, low[16] = { 0 };
  const guint flows = 64 * 1024;
  guint i;

  for (i = 0; i < flows; i++)
    {
      g_autoptr(GByteArray) p = ipv4_packet (0xc0000201, 0xcb007101, 6, 1024 + i, 443, 0, 0);
      guint32 h = lisp_flow_hash (p->data, p->len);

      top[h >> 28]++;
      low[h & 15]++;
    }
  for (i = 0; i < 16; i++)
    {
      g_assert_cmpuint (top[i], >, flows / 16 * 95 / 100);
      g_assert_cmpuint (top[i], <, flows / 16 * 105 / 100);
      g_assert_cmpuint (low[i], >, flows / 16 * 95 / 100);
      g_assert_cmpuint (low[i], <, flows / 16 * 105 / 100);
    }
}

static void
test_choose_priority (void)
{
  LispMapLocator l[4] = { loc4 (1, 2, 100, TRUE), loc4 (2, 1, 100, TRUE),
                          loc4 (3, 3, 100, TRUE), loc4 (4, 255, 100, TRUE) };
  guint32 h;

  for (h = 0; h < 1000; h++)
    g_assert_cmpint (lisp_locator_choose (l, 4, h * 4294967u, 0), ==, 1);
  g_assert_cmpint (lisp_locator_choose (l, 4, G_MAXUINT32, 0), ==, 1);

  /* The best one unreachable: fall back to the next priority. */
  l[1].reachable = FALSE;
  g_assert_cmpint (lisp_locator_choose (l, 4, 12345, 0), ==, 0);
  l[0].reachable = FALSE;
  g_assert_cmpint (lisp_locator_choose (l, 4, 12345, 0), ==, 2);
  /* Priority 255 is never used, even as the last one left. */
  l[2].reachable = FALSE;
  for (h = 0; h < 1000; h++)
    g_assert_cmpint (lisp_locator_choose (l, 4, h * 4294967u, 0), ==, -1);
  g_assert_cmpint (lisp_locator_choose (l, 0, 1, 0), ==, -1);
  g_assert_cmpint (lisp_locator_choose (NULL, 0, 1, 0), ==, -1);
}

static void
test_choose_family (void)
{
  LispMapLocator l[3] = { loc6 (1, 1, 50, TRUE), loc4 (2, 2, 50, TRUE), loc6 (3, 3, 50, TRUE) };

  g_assert_cmpint (lisp_locator_choose (l, 3, 99, 0), ==, 0);
  g_assert_cmpint (lisp_locator_choose (l, 3, 99, LISP_FAMILY_IPV6), ==, 0);
  g_assert_cmpint (lisp_locator_choose (l, 3, 99, LISP_FAMILY_IPV4), ==, 1);
  l[1].reachable = FALSE;
  g_assert_cmpint (lisp_locator_choose (l, 3, 99, LISP_FAMILY_IPV4), ==, -1);
  l[0].priority = 255;
  g_assert_cmpint (lisp_locator_choose (l, 3, 99, LISP_FAMILY_IPV6), ==, 2);
}

/* Shares of `samples` real flow hashes (random 5-tuples, fixed seed) per locator. */
static void
measure_shares (const LispMapLocator *l, guint n, guint samples, gdouble *share)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (424242);
  g_autofree guint *count = g_new0 (guint, n);
  guint i;

  for (i = 0; i < samples; i++)
    {
      g_autoptr(GByteArray) p = ipv4_packet (g_rand_int (rand), g_rand_int (rand), 6,
                                             g_rand_int_range (rand, 1024, 65536), 443, 0, 0);
      gint idx = lisp_locator_choose (l, n, lisp_flow_hash (p->data, p->len), 0);

      g_assert_cmpint (idx, >=, 0);
      g_assert_cmpint (idx, <, (gint) n);
      count[idx]++;
    }
  for (i = 0; i < n; i++)
    share[i] = 100.0 * count[i] / samples;
}

static void
test_choose_weights (void)
{
  LispMapLocator l[5] = { loc4 (1, 1, 30, TRUE), loc4 (2, 1, 20, TRUE), loc4 (3, 1, 50, TRUE),
                          loc4 (4, 0, 100, FALSE), loc4 (5, 2, 100, TRUE) };
  gdouble share[5];

  measure_shares (l, 5, 100000, share);
  g_test_message ("shares %.2f %.2f %.2f %.2f %.2f", share[0], share[1], share[2], share[3],
                  share[4]);
  g_assert_cmpfloat_with_epsilon (share[0], 30.0, 2.0);
  g_assert_cmpfloat_with_epsilon (share[1], 20.0, 2.0);
  g_assert_cmpfloat_with_epsilon (share[2], 50.0, 2.0);
  g_assert_cmpfloat (share[3], ==, 0.0);
  g_assert_cmpfloat (share[4], ==, 0.0);

  /* All weights zero: an even split. */
  l[0].weight = l[1].weight = l[2].weight = 0;
  measure_shares (l, 5, 60000, share);
  g_assert_cmpfloat_with_epsilon (share[0], 100.0 / 3, 2.0);
  g_assert_cmpfloat_with_epsilon (share[1], 100.0 / 3, 2.0);
  g_assert_cmpfloat_with_epsilon (share[2], 100.0 / 3, 2.0);

  /* A zero weight beside non-zero ones gets nothing. */
  l[0].weight = 1;
  l[2].weight = 3;
  measure_shares (l, 5, 40000, share);
  g_assert_cmpfloat_with_epsilon (share[0], 25.0, 2.0);
  g_assert_cmpfloat (share[1], ==, 0.0);
  g_assert_cmpfloat_with_epsilon (share[2], 75.0, 2.0);
}

static void
test_choose_stable (void)
{
  LispMapLocator l[3] = { loc4 (1, 1, 30, TRUE), loc4 (2, 1, 20, TRUE), loc4 (3, 1, 50, TRUE) };
  g_autoptr(GRand) rand = g_rand_new_with_seed (99);
  guint i;
  gint seen_changes = 0;

  for (i = 0; i < 10000; i++)
    {
      guint32 h = g_rand_int (rand);
      gint first = lisp_locator_choose (l, 3, h, 0);

      g_assert_cmpint (first, >=, 0);
      g_assert_cmpint (lisp_locator_choose (l, 3, h, 0), ==, first);
      g_assert_cmpint (lisp_locator_choose (l, 3, h, 0), ==, first);
      seen_changes += first != lisp_locator_choose (l, 3, h ^ 0x80000000u, 0);
    }
  /* The extremes of the hash range map to the first and last locator. */
  g_assert_cmpint (lisp_locator_choose (l, 3, 0, 0), ==, 0);
  g_assert_cmpint (lisp_locator_choose (l, 3, G_MAXUINT32, 0), ==, 2);
  /* Different hashes do land on different locators. */
  g_assert_cmpint (seen_changes, >, 1000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/flow-hash/truncated", test_hash_truncated);
  g_test_add_func ("/flow-hash/garbage", test_hash_garbage);
  g_test_add_func ("/flow-hash/equal-tuples", test_hash_equal_tuples);
  g_test_add_func ("/flow-hash/fragments", test_hash_fragments);
  g_test_add_func ("/flow-hash/spread", test_hash_spread);
  g_test_add_func ("/locator/priority", test_choose_priority);
  g_test_add_func ("/locator/family", test_choose_family);
  g_test_add_func ("/locator/weights", test_choose_weights);
  g_test_add_func ("/locator/stable", test_choose_stable);
  return g_test_run ();
}
