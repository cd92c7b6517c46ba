/* Map-cache: the size limit and the eviction of the least recently used entries (expired,
 * then negative, then positive; configured ones never), and what makes lookups fast
 * staying right across inserts, removals, evictions and expiry: the memo of recent lookups
 * in front of the trie and a big trie's table of its first 16 bits. */
#include "map-cache.h"
#include "lisp-error.h"

#include <string.h>

#define SEC ((gint64) G_USEC_PER_SEC)

static LispPrefix
pfx (const char *text)
{
  g_autoptr(GError) error = NULL;
  LispPrefix p;

  if (!lisp_prefix_parse (text, &p, &error))
    g_error ("test prefix %s: %s", text, error->message);
  return p;
}

/* A positive mapping (one locator) or, with negative, a natively-forward one, learnt at
 * `now` seconds with a TTL of 60 minutes. */
static void
put (LispMapCache *cache, const char *prefix, gboolean negative, gint64 now_s)
{
  g_autoptr(GError) error = NULL;
  LispPrefix p = pfx (prefix);
  LispMapLocator l;
  const guint8 rloc[4] = { 198, 51, 100, 1 };

  g_assert_true (lisp_map_locator_init (&l, LISP_FAMILY_IPV4, rloc, 1, 100, TRUE));
  g_assert_true (
    lisp_map_cache_insert (cache, &p, negative ? NULL : &l, negative ? 0 : 1,
                           negative ? LISP_ACTION_NATIVELY_FORWARD : LISP_ACTION_NO_ACTION, 60,
                           LISP_MAP_ORIGIN_MAP_REPLY, 0, now_s * SEC, &error));
  g_assert_no_error (error);
}

static gboolean
has (LispMapCache *cache, const char *prefix)
{
  LispPrefix p = pfx (prefix);

  return lisp_map_cache_lookup_exact (cache, &p, 0) != NULL;
}

static void
assert_consistent (LispMapCache *cache)
{
  g_autoptr(GError) error = NULL;

  lisp_map_cache_check (cache, &error);
  g_assert_no_error (error);
}

/* The prefix of the longest match of a host address ("" on a miss), at `now` seconds. */
static gchar *
match (LispMapCache *cache, const char *host, gint64 now_s)
{
  LispPrefix h = pfx (host);
  const LispMapEntry *e = lisp_map_cache_lookup (cache, h.iid, h.family, h.addr, now_s * SEC);

  return e != NULL ? lisp_prefix_to_string (&e->prefix) : g_strdup ("");
}

static void
assert_match (LispMapCache *cache, const char *host, gint64 now_s, const char *want)
{
  g_autofree gchar *got = match (cache, host, now_s);

  g_assert_cmpstr (got, ==, want);
}

/* A full cache of 4: a fifth prefix evicts exactly the least recently inserted. */
static void
test_lru_order (void)
{
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();

  g_assert_cmpuint (lisp_map_cache_get_limit (cache), ==, 0);
  lisp_map_cache_set_limit (cache, 4, 0);
  g_assert_cmpuint (lisp_map_cache_get_limit (cache), ==, 4);
  put (cache, "192.0.2.0/28", FALSE, 1);
  put (cache, "198.51.100.0/24", FALSE, 2);
  put (cache, "2001:db8:1::/48", FALSE, 3);
  put (cache, "203.0.113.0/24", FALSE, 4);
  g_assert_cmpuint (lisp_map_cache_evictions (cache), ==, 0);

  put (cache, "2001:db8:2::/48", FALSE, 5);
  g_assert_cmpuint (lisp_map_cache_size (cache), ==, 4);
  g_assert_cmpuint (lisp_map_cache_evictions (cache), ==, 1);
  g_assert_false (has (cache, "192.0.2.0/28"));
  g_assert_true (has (cache, "198.51.100.0/24"));

  /* Replacing a prefix held already evicts nothing, and counts as a use. */
  put (cache, "198.51.100.0/24", FALSE, 6);
  g_assert_cmpuint (lisp_map_cache_evictions (cache), ==, 1);
  put (cache, "192.0.2.64/26", FALSE, 7);
  g_assert_false (has (cache, "2001:db8:1::/48"));
  g_assert_true (has (cache, "198.51.100.0/24"));
  g_assert_cmpuint (lisp_map_cache_evictions (cache), ==, 2);
  assert_consistent (cache);
}

/* A lookup is a use: the entry looked up survives the next eviction, IPv4 and IPv6. */
static void
test_lookup_touches (void)
{
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();

  lisp_map_cache_set_limit (cache, 3, 0);
  put (cache, "2001:db8:a::/48", FALSE, 1);
  put (cache, "192.0.2.0/24", FALSE, 2);
  put (cache, "2001:db8:b::/48", FALSE, 3);
  assert_match (cache, "2001:db8:a::1", 4, "2001:db8:a::/48");
  put (cache, "198.51.100.0/24", FALSE, 5);
  g_assert_true (has (cache, "2001:db8:a::/48"));
  g_assert_false (has (cache, "192.0.2.0/24"));

  /* Looked up again through the memo (no change since): still a use. */
  assert_match (cache, "2001:db8:b::7", 6, "2001:db8:b::/48");
  assert_match (cache, "2001:db8:b::7", 7, "2001:db8:b::/48");
  assert_match (cache, "2001:db8:a::1", 8, "2001:db8:a::/48");
  put (cache, "203.0.113.0/24", FALSE, 9);
  g_assert_false (has (cache, "198.51.100.0/24"));
  g_assert_true (has (cache, "2001:db8:a::/48"));
  g_assert_true (has (cache, "2001:db8:b::/48"));
}

/* Negative entries go before positive ones, even more recently used ones; expired ones
 * before both; configured ones never. */
static void
test_negative_first (void)
{
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();
  g_autoptr(GError) error = NULL;
  LispPrefix p = pfx ("203.0.113.0/24");
  LispMapLocator l;
  const guint8 rloc[4] = { 198, 51, 100, 9 };

  g_assert_true (lisp_map_locator_init (&l, LISP_FAMILY_IPV4, rloc, 1, 100, TRUE));
  lisp_map_cache_set_limit (cache, 4, 0);
  /* Static, and older than everything else. */
  g_assert_true (lisp_map_cache_insert (cache, &p, &l, 1, LISP_ACTION_NO_ACTION, 0,
                                        LISP_MAP_ORIGIN_STATIC, 0, 0, &error));
  put (cache, "192.0.2.0/25", FALSE, 1);
  put (cache, "2001:db8:dead::/48", TRUE, 2);
  put (cache, "2001:db8:beef::/48", TRUE, 3);

  put (cache, "198.51.100.0/24", FALSE, 4);
  g_assert_false (has (cache, "2001:db8:dead::/48"));
  g_assert_true (has (cache, "2001:db8:beef::/48"));
  g_assert_true (has (cache, "192.0.2.0/25"));
  put (cache, "192.0.2.128/25", FALSE, 5);
  g_assert_false (has (cache, "2001:db8:beef::/48"));
  g_assert_true (has (cache, "192.0.2.0/25"));
  /* No negative one left: the least recently used positive one. */
  put (cache, "2001:db8:c::/48", FALSE, 6);
  g_assert_false (has (cache, "192.0.2.0/25"));
  g_assert_true (has (cache, "203.0.113.0/24"));

  /* Expired entries go first, however recently used: at 3605 s, 198.51.100.0/24 (learnt
   * at 4 s, used at 3603 s) and 192.0.2.128/25 (5 s) have expired, 2001:db8:c::/48 (6 s,
   * not used since) has not. */
  assert_match (cache, "198.51.100.1", 3603, "198.51.100.0/24");
  put (cache, "2001:db8:d::/48", FALSE, 3605);
  g_assert_false (has (cache, "192.0.2.128/25"));
  g_assert_true (has (cache, "2001:db8:c::/48"));
  g_assert_true (has (cache, "198.51.100.0/24"));
  g_assert_true (has (cache, "203.0.113.0/24"));
  g_assert_cmpuint (lisp_map_cache_evictions (cache), ==, 4);
}

static void
test_static_only (void)
{
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();
  g_autoptr(GError) error = NULL;
  LispPrefix a = pfx ("192.0.2.0/24"), b = pfx ("198.51.100.0/24"), c = pfx ("203.0.113.0/24");

  lisp_map_cache_set_limit (cache, 2, 0);
  g_assert_true (lisp_map_cache_insert (cache, &a, NULL, 0, LISP_ACTION_DROP, 0,
                                        LISP_MAP_ORIGIN_STATIC, 0, 0, &error));
  g_assert_true (lisp_map_cache_insert (cache, &b, NULL, 0, LISP_ACTION_DROP, 0,
                                        LISP_MAP_ORIGIN_STATIC, 0, 0, &error));
  /* A learnt mapping has no room; a configured one always does. */
  g_assert_false (lisp_map_cache_insert (cache, &c, NULL, 0, LISP_ACTION_DROP, 5,
                                         LISP_MAP_ORIGIN_MAP_REPLY, 0, 0, &error));
  g_assert_error (error, LISP_ERROR, LISP_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "limit 2"));
  g_clear_error (&error);
  g_assert_true (lisp_map_cache_insert (cache, &c, NULL, 0, LISP_ACTION_DROP, 0,
                                        LISP_MAP_ORIGIN_STATIC, 0, 0, &error));
  g_assert_cmpuint (lisp_map_cache_size (cache), ==, 3);
  g_assert_cmpuint (lisp_map_cache_evictions (cache), ==, 0);
}

/* A big limit evicts a 64th of it at once; lowering the limit evicts at once. */
static void
test_batches (void)
{
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();
  guint i;

  lisp_map_cache_set_limit (cache, 6400, 0);
  for (i = 0; i < 6400; i++)
    {
      g_autofree gchar *text = g_strdup_printf ("2001:db8:%x::/48", i);

      put (cache, text, i % 2 == 0, 1 + i / 100);
    }
  g_assert_cmpuint (lisp_map_cache_size (cache), ==, 6400);
  put (cache, "192.0.2.0/24", FALSE, 100);
  g_assert_cmpuint (lisp_map_cache_evictions (cache), ==, 101);
  g_assert_cmpuint (lisp_map_cache_size (cache), ==, 6400 - 101 + 1);
  /* The oldest negative ones went: even numbers from 0 up. */
  g_assert_false (has (cache, "2001:db8::/48"));
  g_assert_false (has (cache, "2001:db8:c8::/48"));
  g_assert_true (has (cache, "2001:db8:1::/48"));
  g_assert_true (has (cache, "2001:db8:12e::/48"));
  assert_consistent (cache);

  lisp_map_cache_set_limit (cache, 100, 101 * SEC);
  g_assert_cmpuint (lisp_map_cache_size (cache), ==, 100);
  g_assert_true (has (cache, "192.0.2.0/24"));
  assert_consistent (cache);
}

/* The memo never answers with what a change made wrong: a more specific prefix inserted,
 * removed, replaced, an entry expiring under a less specific one, a flush. */
static void
test_memo_invalidation (void)
{
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();
  LispPrefix p;

  put (cache, "192.0.2.0/24", FALSE, 0);
  put (cache, "2001:db8::/32", FALSE, 0);
  assert_match (cache, "192.0.2.9", 1, "192.0.2.0/24");
  assert_match (cache, "2001:db8:1::9", 1, "2001:db8::/32");
  assert_match (cache, "198.51.100.1", 1, "");

  put (cache, "192.0.2.8/29", TRUE, 2);
  put (cache, "2001:db8:1::/48", FALSE, 2);
  put (cache, "198.51.100.0/24", FALSE, 2);
  assert_match (cache, "192.0.2.9", 3, "192.0.2.8/29");
  assert_match (cache, "2001:db8:1::9", 3, "2001:db8:1::/48");
  assert_match (cache, "198.51.100.1", 3, "198.51.100.0/24");

  p = pfx ("192.0.2.8/29");
  g_assert_true (lisp_map_cache_remove (cache, &p));
  p = pfx ("2001:db8:1::/48");
  g_assert_true (lisp_map_cache_remove (cache, &p));
  assert_match (cache, "192.0.2.9", 4, "192.0.2.0/24");
  assert_match (cache, "2001:db8:1::9", 4, "2001:db8::/32");

  /* Another instance ID: a different destination. */
  assert_match (cache, "[7]192.0.2.9", 4, "");

  /* A more specific entry learnt later expires first: the lookup falls back to the less
   * specific one, and comes back to the more specific one when time goes back (the memo
   * keeps nothing that depended on an expired entry). */
  put (cache, "192.0.2.8/29", FALSE, 1000);
  assert_match (cache, "192.0.2.9", 1001, "192.0.2.8/29");
  put (cache, "192.0.2.0/24", FALSE, 3000);
  assert_match (cache, "192.0.2.9", 4700, "192.0.2.0/24");
  assert_match (cache, "192.0.2.9", 4700, "192.0.2.0/24");
  assert_match (cache, "192.0.2.9", 1002, "192.0.2.8/29");
  g_assert_cmpuint (lisp_map_cache_expire (cache, 4700 * SEC), ==, 3);
  assert_match (cache, "192.0.2.9", 4701, "192.0.2.0/24");
  assert_match (cache, "192.0.2.9", 1002, "192.0.2.0/24");

  lisp_map_cache_flush (cache);
  assert_match (cache, "192.0.2.9", 4702, "");
}

/* Many destinations (more than the memo's slots) looked up again and again while the cache
 * changes under them, each answer checked against a walk over every entry. */
static void
test_memo_random (void)
{
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GPtrArray) prefixes = g_ptr_array_new_with_free_func (g_free);
  guint8 hosts[6000][16];
  guint i, op;

  for (i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      for (guint b = 0; b < 16; b++)
        hosts[i][b] = (guint8) g_rand_int (rand);
      hosts[i][0] = 0x20; /* keep them within fewer, deeper prefixes */
    }
  lisp_map_cache_set_limit (cache, 300, 0);
  for (op = 0; op < 3000; op++)
    {
      guint8 *h = hosts[g_rand_int_range (rand, 0, G_N_ELEMENTS (hosts))];
      LispPrefix p;
      const LispMapEntry *got, *want = NULL;
      const LispMapLocator l = { .family = LISP_FAMILY_IPV4, .priority = 1, .weight = 1 };

      if (op % 3 == 0)
        {
          g_assert_true (
            lisp_prefix_init (&p, 0, LISP_FAMILY_IPV6, h, g_rand_int_range (rand, 0, 20)));
          g_assert_true (lisp_map_cache_insert (cache, &p, &l, op % 2, LISP_ACTION_NO_ACTION, 1,
                                                LISP_MAP_ORIGIN_MAP_REPLY, 0, op * SEC, NULL));
        }
      for (i = 0; i < 20; i++)
        {
          guint8 *q = hosts[g_rand_int_range (rand, 0, G_N_ELEMENTS (hosts))];
          gint64 now = (op + g_rand_int_range (rand, 0, 120)) * SEC;

          got = lisp_map_cache_lookup (cache, 0, LISP_FAMILY_IPV6, q, now);
          want = NULL;
          for (guint len = 0; len <= 20; len++)
            {
              const LispMapEntry *e;

              g_assert_true (lisp_prefix_init (&p, 0, LISP_FAMILY_IPV6, q, len));
              e = lisp_map_cache_lookup_exact (cache, &p, now);
              if (e != NULL)
                want = e;
            }
          g_assert_true (got == want);
        }
    }
  g_assert_cmpuint (lisp_map_cache_size (cache), <=, 300);
  g_assert_cmpuint (lisp_map_cache_evictions (cache), >, 0);
  assert_consistent (cache);
}

/* The longest match at `now` by asking for every length of the host's prefix (up to 64
 * in IPv6: the test's prefixes are no longer). */
static const LispMapEntry *
reference_match (LispMapCache *cache, guint8 family, const guint8 *addr, gint64 now)
{
  const LispMapEntry *want = NULL;
  guint bits = family == LISP_FAMILY_IPV4 ? 32 : 64;

  for (guint len = 0; len <= bits; len++)
    {
      const LispMapEntry *e;
      LispPrefix p;

      g_assert_true (lisp_prefix_init (&p, 0, family, addr, len));
      e = lisp_map_cache_lookup_exact (cache, &p, now);
      if (e != NULL)
        want = e;
    }
  return want;
}

/* A big trie (its first 16 bits then a table, map-cache-stride.c) grown past 4096 entries,
 * changed at every length (short prefixes cover many slots), shrunk below 1024 and grown
 * again, with entries expiring: every lookup as the reference says, and the table as the
 * trie says (lisp_map_cache_check). */
static void
test_big_trie (void)
{
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GArray) held = g_array_new (FALSE, FALSE, sizeof (LispPrefix));
  const LispMapLocator l = { .family = LISP_FAMILY_IPV4, .priority = 1, .weight = 1 };
  guint op, peak = 0, low = G_MAXUINT;

  for (op = 0; op < 58000; op++)
    {
      /* Grow the IPv4 trie past 4096 entries, shrink it below 1024 (20000..39999), grow it
       * again; the IPv6 one stays smaller. */
      gboolean grow = op < 20000 || op >= 40000 ? g_rand_int_range (rand, 0, 4) != 0
                                                : g_rand_int_range (rand, 0, 4) == 0;
      guint8 family = g_rand_int_range (rand, 0, 5) != 0 ? LISP_FAMILY_IPV4 : LISP_FAMILY_IPV6;
      guint8 addr[16];
      gint64 now = (gint64) g_rand_int_range (rand, 0, 200) * SEC;

      for (guint b = 0; b < 16; b++)
        addr[b] = (guint8) g_rand_int (rand);
      addr[0] &= 0x0f; /* denser near the top, so that short and long prefixes nest */
      if (grow || held->len == 0)
        {
          LispPrefix p;
          guint max = family == LISP_FAMILY_IPV4 ? 32 : 64;

          g_assert_true (
            lisp_prefix_init (&p, 0, family, addr, g_rand_int_range (rand, 0, max + 1)));
          /* TTL 1 or 2 minutes: some are expired at the lookups' times. */
          g_assert_true (lisp_map_cache_insert (cache, &p, &l, op % 3 != 0, LISP_ACTION_NO_ACTION,
                                                1 + op % 2, LISP_MAP_ORIGIN_MAP_REPLY, 0, now,
                                                NULL));
          g_array_append_val (held, p);
        }
      else
        {
          guint i = g_rand_int_range (rand, 0, held->len);

          lisp_map_cache_remove (cache, &g_array_index (held, LispPrefix, i));
          g_array_remove_index_fast (held, i);
        }
      for (guint k = 0; k < 3; k++)
        {
          guint8 q[16];
          guint8 qf = k == 0 ? LISP_FAMILY_IPV6 : LISP_FAMILY_IPV4;

          /* Half near a held prefix, half anywhere. */
          if (held->len > 0 && g_rand_boolean (rand))
            memcpy (q, g_array_index (held, LispPrefix, g_rand_int_range (rand, 0, held->len)).addr,
                    16);
          else
            for (guint b = 0; b < 16; b++)
              q[b] = (guint8) g_rand_int (rand);
          q[15] ^= (guint8) g_rand_int (rand);
          q[3] ^= (guint8) (g_rand_int (rand) & 1);
          g_assert_true (lisp_map_cache_lookup (cache, 0, qf, q, now + 30 * SEC) ==
                         reference_match (cache, qf, q, now + 30 * SEC));
        }
      if (op % 1000 == 0)
        assert_consistent (cache);
      if (op < 20000)
        peak = MAX (peak, lisp_map_cache_size (cache));
      else if (op < 40000)
        low = MIN (low, lisp_map_cache_size (cache));
    }
  g_test_message ("peak %u, low %u, end %u entries", peak, low, lisp_map_cache_size (cache));
  g_assert_cmpuint (peak, >, 4096 * 5 / 4);
  g_assert_cmpuint (low, <, 1024);
  g_assert_cmpuint (lisp_map_cache_size (cache), >, 4096 * 5 / 4);
  assert_consistent (cache);
}

/* IPv4 lookups against the reference (every third one a random address, the others near
 * a held prefix). */
static void
assert_lookups (LispMapCache *cache, GRand *rand, GArray *held, guint count, gint64 now)
{
  for (guint k = 0; k < count; k++)
    {
      guint8 q[16];

      if (k % 3 != 0)
        memcpy (q, g_array_index (held, LispPrefix, g_rand_int_range (rand, 0, held->len)).addr,
                16);
      else
        for (guint b = 0; b < 16; b++)
          q[b] = (guint8) g_rand_int (rand);
      q[3] ^= (guint8) (g_rand_int (rand) & 3);
      g_assert_true (lisp_map_cache_lookup (cache, 0, LISP_FAMILY_IPV4, q, now) ==
                     reference_match (cache, LISP_FAMILY_IPV4, q, now));
    }
}

/* A trie grown past 350,000 entries gets a table wider than 16 bits (17: a bit more
 * wherever it costs at most 6 bytes an entry), kept exact while entries of every length
 * come and go, and a 16-bit one again when shrunk below 174,762 (lisp_map_cache_check
 * fails on a table of the wrong width or a stale slot). */
static void
test_wide_table (void)
{
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(GArray) held = g_array_new (FALSE, FALSE, sizeof (LispPrefix));
  const LispMapLocator l = { .family = LISP_FAMILY_IPV4, .priority = 1, .weight = 1 };
  guint op = 0;

  while (lisp_map_cache_size (cache) < 360000)
    {
      guint8 addr[16] = { 0 };
      guint32 r = g_rand_int (rand);
      LispPrefix p;

      memcpy (addr, &r, 4);
      g_assert_true (lisp_prefix_init (&p, 0, LISP_FAMILY_IPV4, addr,
                                       op % 50 == 0 ? g_rand_int_range (rand, 0, 17)
                                                    : g_rand_int_range (rand, 17, 33)));
      /* TTL 1 or 2 minutes, installed at 0..199 s: some are expired at the lookups. */
      g_assert_true (lisp_map_cache_insert (cache, &p, &l, op % 3 != 0, LISP_ACTION_NO_ACTION,
                                            1 + op % 2, LISP_MAP_ORIGIN_MAP_REPLY, 0,
                                            (gint64) (op % 200) * SEC, NULL));
      g_array_append_val (held, p);
      op++;
    }
  assert_consistent (cache);
  assert_lookups (cache, rand, held, 3000, 100 * SEC);
  while (lisp_map_cache_size (cache) >= 170000)
    {
      guint i = g_rand_int_range (rand, 0, held->len);

      lisp_map_cache_remove (cache, &g_array_index (held, LispPrefix, i));
      g_array_remove_index_fast (held, i);
      if (lisp_map_cache_size (cache) == 260000)
        {
          assert_consistent (cache);
          assert_lookups (cache, rand, held, 500, 100 * SEC);
        }
    }
  assert_consistent (cache);
  assert_lookups (cache, rand, held, 3000, 100 * SEC);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/map-cache-limit/lru-order", test_lru_order);
  g_test_add_func ("/map-cache-limit/lookup-touches", test_lookup_touches);
  g_test_add_func ("/map-cache-limit/negative-first", test_negative_first);
  g_test_add_func ("/map-cache-limit/static-only", test_static_only);
  g_test_add_func ("/map-cache-limit/batches", test_batches);
  g_test_add_func ("/map-cache-limit/memo-invalidation", test_memo_invalidation);
  g_test_add_func ("/map-cache-limit/memo-random", test_memo_random);
  g_test_add_func ("/map-cache-limit/big-trie", test_big_trie);
  g_test_add_func ("/map-cache-limit/wide-table", test_wide_table);
  return g_test_run ();
}
