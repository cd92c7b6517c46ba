/* Map-cache: longest-prefix match, separation by IID and family, replace/remove, TTL. */
#include "map-cache.h"
#include "lisp-error.h"
#include "test-table.h"

#include <string.h>

#define SEC G_USEC_PER_SEC
#define MIN_US (60 * G_USEC_PER_SEC)

static LispPrefix
pfx (const char *text)
{
  g_autoptr(GError) error = NULL;
  LispPrefix p;

  if (!lisp_prefix_parse (text, &p, &error))
    g_error ("test prefix %s: %s", text, error->message);
  return p;
}

static LispMapLocator
loc (const char *address, guint8 priority, guint8 weight)
{
  LispPrefix p = pfx (address);
  LispMapLocator l;

  g_assert_true (lisp_map_locator_init (&l, p.family, p.addr, priority, weight, TRUE));
  return l;
}

static void
add (LispMapCache *cache, const char *prefix, guint16 version)
{
  g_autoptr(GError) error = NULL;
  LispPrefix p = pfx (prefix);
  LispMapLocator l = loc ("192.0.2.1", 1, 100);

  g_assert_true (lisp_map_cache_insert (cache, &p, &l, 1, LISP_ACTION_NO_ACTION, 60,
                                        LISP_MAP_ORIGIN_MAP_REPLY, version, 0, &error));
  g_assert_no_error (error);
}

/* The prefix that `address` (with an optional "[iid]") matches at time now, as text. */
static gchar *
match_at (LispMapCache *cache, const char *address, gint64 now)
{
  LispPrefix host = pfx (address);
  const LispMapEntry *e = lisp_map_cache_lookup (cache, host.iid, host.family, host.addr, now);

  return e != NULL ? lisp_prefix_to_string (&e->prefix) : g_strdup ("miss");
}

#define assert_match(cache, address, expected) G_STMT_START {   \
    g_autofree gchar *got_ = match_at (cache, address, 0);        \
    g_assert_cmpstr (got_, ==, expected);                         \
  } G_STMT_END

static void
assert_structure (LispMapCache *cache)
{
  g_autoptr(GError) error = NULL;

  lisp_map_cache_check (cache, &error);
  g_assert_no_error (error);
}

/* A lookup scenario: prefixes added (with Map-Versions 1, 2, ... in order) and lookups, in the
 * order written, then the entry count. A step { "PREFIX" } adds PREFIX; a step { "ADDRESS",
 * "PREFIX" } looks ADDRESS up (with an optional "[iid]") and expects it to match PREFIX, or
 * "miss" for none. */
typedef struct {
  const char *text;
  const char *expected;
} Step;

typedef struct {
  const char *path;
  const Step *steps; /* ends with an empty step */
  guint size;        /* entries at the end; 0: not checked */
  void (*then) (LispMapCache *cache);
} Scenario;

static void
run_scenario (gconstpointer data)
{
  const Scenario *sc = data;
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();
  guint16 version = 0;

  for (const Step *st = sc->steps; st->text != NULL; st++)
    {
      if (st->expected == NULL)
        add (cache, st->text, ++version);
      else
        assert_match (cache, st->text, st->expected);
    }
  if (sc->size != 0)
    g_assert_cmpuint (lisp_map_cache_size (cache), ==, sc->size);
  if (sc->then != NULL)
    sc->then (cache);
}

static const Step lpm_ipv4[] = {
  { "198.1.2.3", "miss" },
  { "198.1.2.3/32" },
  { "198.1.2.0/24" },
  { "198.0.0.0/8" },
  { "198.1.2.3", "198.1.2.3/32" },
  { "198.1.2.4", "198.1.2.0/24" },
  { "198.1.3.4", "198.0.0.0/8" },
  { "11.1.2.3", "miss" },
  { "0.0.0.0/0" },
  { "11.1.2.3", "0.0.0.0/0" },
  { "255.255.255.255", "0.0.0.0/0" },
  { "198.1.2.3", "198.1.2.3/32" },
  /* Siblings that force a branch point between them. */
  { "198.1.2.128/25" },
  { "198.1.2.0/25" },
  { "198.1.2.200", "198.1.2.128/25" },
  { "198.1.2.100", "198.1.2.0/25" },
  { "198.1.2.3", "198.1.2.3/32" },
  { "128.0.0.0/1" },
  { "200.0.0.1", "128.0.0.0/1" },
  { "127.255.255.255", "0.0.0.0/0" },
  /* IPv4 lookups never see IPv6 entries and vice versa. */
  { "::1", "miss" },
  { NULL },
};

/* An IPv4 lookup reads 4 bytes, no more (AddressSanitizer checks the exact buffer). */
static void
lookup_reads_four_bytes (LispMapCache *cache)
{
  g_autofree guint8 *four = g_malloc (4);
  const LispMapEntry *e;

  memcpy (four, (guint8[]) { 198, 1, 2, 3 }, 4);
  e = lisp_map_cache_lookup (cache, 0, LISP_FAMILY_IPV4, four, 0);
  g_assert_nonnull (e);
  g_assert_cmpuint (e->prefix.len, ==, 32);
}

static const Step lpm_ipv6[] = {
  { "2001:db8::1/128" },
  { "2001:db8::/64" },
  { "2001:db8::/32" },
  { "2001::/16" },
  { "2001:db8::1", "2001:db8::1/128" },
  { "2001:db8::2", "2001:db8::/64" },
  { "2001:db8:0:1::1", "2001:db8::/32" },
  { "2001:dead::1", "2001::/16" },
  { "2002::1", "miss" },
  { "::/0" },
  { "2002::1", "::/0" },
  { "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::/0" },
  { "2001:db8::8000:0:0:0/65" },
  { "2001:db8::8000:0:0:1", "2001:db8:0:0:8000::/65" },
  { "2001:db8::1", "2001:db8::1/128" },
  { "2001:db8::ffff/128" },
  { "2001:db8::ffff", "2001:db8::ffff/128" },
  { "2001:db8::fffe", "2001:db8::/64" },
  { "198.0.0.1", "miss" },
  { NULL },
};

static const Step iid_family[] = {
  { "198.0.0.0/8" },
  { "[1]198.1.0.0/16" },
  { "[2]0.0.0.0/0" },
  { "[1]::/0" },
  { "198.1.2.3", "198.0.0.0/8" },
  { "[1]198.1.2.3", "[1]198.1.0.0/16" },
  { "[1]198.2.2.3", "miss" },
  { "[2]198.1.2.3", "[2]0.0.0.0/0" },
  { "[3]198.1.2.3", "miss" },
  { "[1]2001:db8::1", "[1]::/0" },
  { "2001:db8::1", "miss" },
  { "[2]2001:db8::1", "miss" },
  /* An IPv4 address that is all zeros past byte 4 is not an IPv6 address. */
  { "[1]::a01:203", "[1]::/0" },
  { "[1]198.1.2.3", "[1]198.1.0.0/16" },
  { NULL },
};

static const Scenario scenarios[] = {
  { "/map-cache/lpm-ipv4", lpm_ipv4, 7, lookup_reads_four_bytes },
  { "/map-cache/lpm-ipv6", lpm_ipv6, 0, NULL },
  { "/map-cache/iid-family", iid_family, 4, NULL },
};

static void
test_replace (void)
{
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();
  g_autoptr(GError) error = NULL;
  LispPrefix p = pfx ("192.0.2.0/24");
  LispPrefix dirty = pfx ("192.0.2.0/24");
  LispMapLocator two[2] = { loc ("198.51.100.1", 1, 50), loc ("2001:db8::5", 1, 50) };
  const LispMapEntry *e;

  add (cache, "192.0.2.0/24", 1);
  add (cache, "192.0.2.0/25", 2);
  g_assert_true (lisp_map_cache_insert (cache, &p, two, 2, LISP_ACTION_NO_ACTION, 10,
                                        LISP_MAP_ORIGIN_MAP_REPLY, 9, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lisp_map_cache_size (cache), ==, 2);
  e = lisp_map_cache_lookup_exact (cache, &p, 0);
  g_assert_nonnull (e);
  g_assert_cmpuint (e->map_version, ==, 9);
  g_assert_cmpuint (e->n_locators, ==, 2);
  g_assert_cmpuint (e->ttl_minutes, ==, 10);
  g_assert_cmpmem (&e->locators[1], sizeof (LispMapLocator), &two[1], sizeof (LispMapLocator));
  assert_match (cache, "192.0.2.200", "192.0.2.0/24");
  assert_match (cache, "192.0.2.1", "192.0.2.0/25");

  /* Stray host bits in a hand-made prefix must not create a second entry. */
  dirty.addr[3] = 0x55;
  g_assert_true (lisp_map_cache_insert (cache, &dirty, NULL, 0, LISP_ACTION_DROP, 10,
                                        LISP_MAP_ORIGIN_MAP_REPLY, 10, 0, &error));
  g_assert_cmpuint (lisp_map_cache_size (cache), ==, 2);
  e = lisp_map_cache_lookup_exact (cache, &p, 0);
  g_assert_cmpuint (e->map_version, ==, 10);
  g_assert_cmpuint (e->n_locators, ==, 0);
  g_assert_null (e->locators);
}

static void
test_remove (void)
{
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();
  LispPrefix p;

  add (cache, "198.0.0.0/8", 1);
  add (cache, "198.1.0.0/16", 2);
  add (cache, "198.2.0.0/16", 3);
  add (cache, "198.1.1.0/24", 4);

  /* An entry that is a branch point becomes a glue node. */
  p = pfx ("198.0.0.0/8");
  g_assert_true (lisp_map_cache_remove (cache, &p));
  assert_structure (cache);
  g_assert_false (lisp_map_cache_remove (cache, &p));
  assert_match (cache, "198.1.1.1", "198.1.1.0/24");
  assert_match (cache, "198.1.2.1", "198.1.0.0/16");
  assert_match (cache, "198.2.2.1", "198.2.0.0/16");
  assert_match (cache, "198.3.2.1", "miss");
  /* Re-adding at a glue node's exact position turns it back into an entry. */
  add (cache, "198.0.0.0/14", 5);
  g_assert_cmpuint (lisp_map_cache_size (cache), ==, 4);
  assert_match (cache, "198.3.2.1", "198.0.0.0/14");
  assert_match (cache, "198.1.1.1", "198.1.1.0/24");

  /* An entry with one child is spliced out. */
  p = pfx ("198.1.0.0/16");
  g_assert_true (lisp_map_cache_remove (cache, &p));
  assert_structure (cache);
  assert_match (cache, "198.1.1.1", "198.1.1.0/24");
  assert_match (cache, "198.1.2.1", "198.0.0.0/14");
  /* A leaf whose parent was a branch point. */
  p = pfx ("198.2.0.0/16");
  g_assert_true (lisp_map_cache_remove (cache, &p));
  assert_structure (cache);
  assert_match (cache, "198.2.2.1", "198.0.0.0/14");
  p = pfx ("198.1.1.0/24");
  g_assert_true (lisp_map_cache_remove (cache, &p));
  p = pfx ("198.0.0.0/14");
  g_assert_true (lisp_map_cache_remove (cache, &p));
  g_assert_cmpuint (lisp_map_cache_size (cache), ==, 0);
  assert_match (cache, "198.1.1.1", "miss");

  p = pfx ("[7]198.0.0.0/8");
  g_assert_false (lisp_map_cache_remove (cache, &p));
  /* A prefix that only exists as a branch point is not an entry. */
  add (cache, "198.0.0.0/16", 1);
  add (cache, "198.128.0.0/16", 1);
  p = pfx ("198.0.0.0/8");
  g_assert_false (lisp_map_cache_remove (cache, &p));
  g_assert_null (lisp_map_cache_lookup_exact (cache, &p, 0));
  g_assert_cmpuint (lisp_map_cache_size (cache), ==, 2);
  assert_structure (cache);
}

/* Random operations against a brute-force list, with a fixed seed. Addresses have mostly
 * zero bits so that prefixes nest deeply and collide often. */
#define POOL 400
#define OPS 20000

typedef struct {
  LispPrefix prefix;
  gboolean   present;
  guint16    version;
} RefEntry;

static void
random_address (GRand *rand, guint8 family, guint8 addr[16])
{
  guint bits = family == LISP_FAMILY_IPV4 ? 32 : 128;
  guint i;

  memset (addr, 0, 16);
  for (i = 0; i < bits; i++)
    if (g_rand_int_range (rand, 0, 100) < 15)
      addr[i / 8] |= 0x80 >> (i % 8);
}

static void
count_entry (const LispMapEntry *e, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
check_against_reference (LispMapCache *cache, RefEntry *ref, GRand *rand)
{
  guint8 family = g_rand_boolean (rand) ? LISP_FAMILY_IPV4 : LISP_FAMILY_IPV6;
  guint32 iid = g_rand_int_range (rand, 0, 2);
  guint8 addr[16];
  const RefEntry *best = NULL;
  const LispMapEntry *e;
  guint i;

  random_address (rand, family, addr);
  for (i = 0; i < POOL; i++)
    if (ref[i].present && lisp_prefix_contains (&ref[i].prefix, iid, family, addr) &&
        (best == NULL || ref[i].prefix.len > best->prefix.len))
      best = &ref[i];

  e = lisp_map_cache_lookup (cache, iid, family, addr, 0);
  if (best == NULL)
    {
      g_assert_null (e);
      return;
    }
  g_assert_nonnull (e);
  g_assert_true (lisp_prefix_equal (&e->prefix, &best->prefix));
  g_assert_cmpuint (e->map_version, ==, best->version);
}

static void
test_random_against_reference (void)
{
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240611);
  g_autofree RefEntry *ref = g_new0 (RefEntry, POOL);
  guint present = 0;
  guint i, op;

  for (i = 0; i < POOL; i++)
    {
      guint8 family = i % 2 ? LISP_FAMILY_IPV4 : LISP_FAMILY_IPV6;
      guint8 addr[16];
      guint8 len = g_rand_int_range (rand, 0, (family == LISP_FAMILY_IPV4 ? 32 : 128) + 1);

      random_address (rand, family, addr);
      g_assert_true (lisp_prefix_init (&ref[i].prefix, g_rand_int_range (rand, 0, 2), family,
                                       addr, len));
    }
  /* The pool may hold duplicates; give each duplicate's slot a single representative. */
  for (i = 0; i < POOL; i++)
    for (guint j = 0; j < i; j++)
      if (lisp_prefix_equal (&ref[i].prefix, &ref[j].prefix))
        ref[i].prefix.iid = 1000 + i;  /* unique, never looked up */

  for (op = 0; op < OPS; op++)
    {
      RefEntry *r = &ref[g_rand_int_range (rand, 0, POOL)];

      if (g_rand_int_range (rand, 0, 100) < 55)
        {
          LispMapLocator l = loc ("192.0.2.1", 1, 1);

          r->version = op % (LISP_MAP_VERSION_MAX + 1);
          g_assert_true (lisp_map_cache_insert (cache, &r->prefix, &l, 1, LISP_ACTION_NO_ACTION,
                                                5, LISP_MAP_ORIGIN_MAP_REPLY, r->version, 0,
                                                NULL));
          if (!r->present)
            present++;
          r->present = TRUE;
        }
      else
        {
          g_assert_cmpint (lisp_map_cache_remove (cache, &r->prefix), ==, r->present);
          if (r->present)
            present--;
          r->present = FALSE;
        }
      g_assert_cmpuint (lisp_map_cache_size (cache), ==, present);
      if (op % 10 == 0)
        assert_structure (cache);
      for (i = 0; i < 4; i++)
        check_against_reference (cache, ref, rand);

      if (op % 1000 == 0)
        {
          guint counted = 0;

          lisp_map_cache_foreach (cache, count_entry, &counted);
          g_assert_cmpuint (counted, ==, present);
          for (i = 0; i < POOL; i++)
            {
              const LispMapEntry *e = lisp_map_cache_lookup_exact (cache, &ref[i].prefix, 0);

              g_assert_true ((e != NULL) == ref[i].present);
              if (e != NULL)
                g_assert_cmpuint (e->map_version, ==, ref[i].version);
            }
        }
    }
  g_test_message ("%u entries at the end", present);

  for (i = 0; i < POOL; i++)
    if (ref[i].present)
      g_assert_true (lisp_map_cache_remove (cache, &ref[i].prefix));
  g_assert_cmpuint (lisp_map_cache_size (cache), ==, 0);
  for (i = 0; i < 100; i++)
    {
      guint8 addr[16];

      random_address (rand, LISP_FAMILY_IPV6, addr);
      g_assert_null (lisp_map_cache_lookup (cache, 0, LISP_FAMILY_IPV6, addr, 0));
    }
}

static void
test_ttl (void)
{
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();
  g_autoptr(GError) error = NULL;
  LispPrefix p24 = pfx ("192.0.2.0/24");
  LispPrefix p25 = pfx ("192.0.2.0/25");
  LispPrefix p8 = pfx ("192.0.0.0/8");
  LispMapLocator l = loc ("203.0.113.1", 1, 100);
  const gint64 t0 = 1000 * SEC;
  const LispMapEntry *e;
  g_autofree gchar *m1 = NULL, *m2 = NULL, *m3 = NULL, *m4 = NULL;

  g_assert_true (lisp_map_cache_insert (cache, &p24, &l, 1, LISP_ACTION_NO_ACTION, 1,
                                        LISP_MAP_ORIGIN_MAP_REPLY, 0, t0, &error));
  g_assert_true (lisp_map_cache_insert (cache, &p25, &l, 1, LISP_ACTION_NO_ACTION, 2,
                                        LISP_MAP_ORIGIN_MAP_REPLY, 0, t0, &error));
  g_assert_true (lisp_map_cache_insert (cache, &p8, &l, 1, LISP_ACTION_NO_ACTION, 1,
                                        LISP_MAP_ORIGIN_STATIC, 0, t0, &error));
  g_assert_no_error (error);

  e = lisp_map_cache_lookup_exact (cache, &p24, t0);
  g_assert_cmpint (e->expires_at, ==, t0 + 1 * MIN_US);
  e = lisp_map_cache_lookup_exact (cache, &p8, t0);
  g_assert_cmpint (e->expires_at, ==, LISP_MAP_NEVER);

  m1 = match_at (cache, "192.0.2.200", t0 + MIN_US - 1);
  g_assert_cmpstr (m1, ==, "192.0.2.0/24");
  /* Expired entries are invisible at once, before any expire() pass ... */
  m2 = match_at (cache, "192.0.2.200", t0 + MIN_US);
  g_assert_cmpstr (m2, ==, "192.0.0.0/8");
  g_assert_null (lisp_map_cache_lookup_exact (cache, &p24, t0 + MIN_US));
  /* ... while a longer entry below an expired one still matches. */
  m3 = match_at (cache, "192.0.2.1", t0 + MIN_US);
  g_assert_cmpstr (m3, ==, "192.0.2.0/25");
  g_assert_cmpuint (lisp_map_cache_size (cache), ==, 3);

  g_assert_cmpuint (lisp_map_cache_expire (cache, t0 + MIN_US - 1), ==, 0);
  g_assert_cmpuint (lisp_map_cache_expire (cache, t0 + MIN_US), ==, 1);
  g_assert_cmpuint (lisp_map_cache_size (cache), ==, 2);
  g_assert_cmpuint (lisp_map_cache_expire (cache, t0 + 2 * MIN_US), ==, 1);
  /* A static entry survives any clock. */
  g_assert_cmpuint (lisp_map_cache_expire (cache, G_MAXINT64 - 1), ==, 0);
  m4 = match_at (cache, "192.0.2.1", G_MAXINT64 - 1);
  g_assert_cmpstr (m4, ==, "192.0.0.0/8");

  /* TTL 0 deletes an existing entry and installs nothing. */
  g_assert_true (lisp_map_cache_insert (cache, &p24, &l, 1, LISP_ACTION_NO_ACTION, 60,
                                        LISP_MAP_ORIGIN_MAP_REPLY, 0, t0, &error));
  g_assert_nonnull (lisp_map_cache_lookup_exact (cache, &p24, t0));
  g_assert_true (lisp_map_cache_insert (cache, &p24, &l, 1, LISP_ACTION_NO_ACTION, 0,
                                        LISP_MAP_ORIGIN_MAP_REPLY, 0, t0, &error));
  g_assert_null (lisp_map_cache_lookup_exact (cache, &p24, t0));
  g_assert_cmpuint (lisp_map_cache_size (cache), ==, 1);

  /* The largest TTL does not overflow the clock. */
  g_assert_true (lisp_map_cache_insert (cache, &p24, &l, 1, LISP_ACTION_NO_ACTION, G_MAXUINT32,
                                        LISP_MAP_ORIGIN_MAP_REPLY, 0, G_MAXINT64 / 2, &error));
  e = lisp_map_cache_lookup_exact (cache, &p24, G_MAXINT64 / 2);
  g_assert_nonnull (e);
  g_assert_cmpint (e->expires_at, >, G_MAXINT64 / 2);
}

static void
test_negative (void)
{
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();
  g_autoptr(GError) error = NULL;
  LispPrefix p = pfx ("[5]2001:db8::/48");
  const LispMapEntry *e;
  guint8 host[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1 };
  guint a;

  for (a = LISP_ACTION_NO_ACTION; a <= LISP_ACTION_LAST; a++)
    {
      g_assert_true (lisp_map_cache_insert (cache, &p, NULL, 0, a, 15,
                                            LISP_MAP_ORIGIN_MAP_REPLY, 0, 0, &error));
      g_assert_no_error (error);
      e = lisp_map_cache_lookup (cache, 5, LISP_FAMILY_IPV6, host, 0);
      g_assert_nonnull (e);
      g_assert_cmpuint (e->action, ==, a);
      g_assert_cmpuint (e->n_locators, ==, 0);
      g_assert_cmpuint (e->origin, ==, LISP_MAP_ORIGIN_MAP_REPLY);
    }
  g_assert_cmpuint (lisp_map_cache_size (cache), ==, 1);
}

static void
test_reachability (void)
{
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();
  LispPrefix p = pfx ("192.0.2.0/24");
  LispPrefix other = pfx ("192.0.2.0/25");
  LispMapLocator locs[3] = { loc ("198.51.100.1", 1, 50), loc ("2001:db8::1", 1, 50),
                             loc ("198.51.100.2", 2, 100) };
  LispPrefix rloc = pfx ("2001:db8::1");
  LispPrefix absent = pfx ("198.51.100.9");
  const LispMapEntry *e;

  g_assert_true (lisp_map_cache_insert (cache, &p, locs, 3, LISP_ACTION_NO_ACTION, 10,
                                        LISP_MAP_ORIGIN_MAP_REPLY, 0, 0, NULL));
  g_assert_cmpuint (lisp_map_cache_set_reachable (cache, &p, rloc.family, rloc.addr, FALSE),
                    ==, 1);
  e = lisp_map_cache_lookup_exact (cache, &p, 0);
  g_assert_cmpuint (e->locators[0].reachable, ==, 1);
  g_assert_cmpuint (e->locators[1].reachable, ==, 0);
  g_assert_cmpuint (e->locators[2].reachable, ==, 1);
  /* The IPv4 address that shares the IPv6 one's first bytes is a different locator. */
  g_assert_cmpuint (lisp_map_cache_set_reachable (cache, &p, LISP_FAMILY_IPV4, rloc.addr,
                                                  FALSE), ==, 0);
  g_assert_cmpuint (lisp_map_cache_set_reachable (cache, &p, absent.family, absent.addr,
                                                  FALSE), ==, 0);
  g_assert_cmpuint (lisp_map_cache_set_reachable (cache, &other, rloc.family, rloc.addr,
                                                  FALSE), ==, 0);
  g_assert_cmpuint (lisp_map_cache_set_reachable (cache, &p, rloc.family, rloc.addr, TRUE),
                    ==, 1);
  g_assert_cmpuint (e->locators[1].reachable, ==, 1);
}

/* An insert that must fail with an error naming the bad value: 192.0.2.0/24 with one
 * locator, action 0, TTL 1, origin Map-Reply and version 0, except for what a row changes. */
typedef struct {
  const char *path;
  guint8 family; /* of the prefix; 0: IPv4 */
  guint8 len;    /* of the prefix; 0: 24 */
  guint action;
  guint origin; /* 0: LISP_MAP_ORIGIN_MAP_REPLY */
  guint version;
  guint n_locators;  /* 0: 1 */
  guint zero_family; /* this locator (from 1) has family 0; 0: none */
  const char *mention;
} BadInsert;

static const BadInsert bad_inserts[] = {
  { "/map-cache/bad-input/long-v4", .len = 33, .mention = "33" },
  { "/map-cache/bad-input/long-v6", .family = LISP_FAMILY_IPV6, .len = 129, .mention = "129" },
  { "/map-cache/bad-input/family", .family = 5, .len = 8, .mention = "family 5" },
  { "/map-cache/bad-input/action", .action = 6, .mention = "action 6" },
  { "/map-cache/bad-input/origin", .origin = 77, .mention = "origin 77" },
  { "/map-cache/bad-input/version", .version = 0x1000, .mention = "4096" },
  { "/map-cache/bad-input/count", .n_locators = 256, .mention = "256" },
  { "/map-cache/bad-input/locator-family", .n_locators = 4, .zero_family = 4,
    .mention = "locator 3" },
};

static void
test_bad_insert (gconstpointer data)
{
  const BadInsert *row = data;
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();
  g_autoptr(GError) error = NULL;
  LispPrefix p = pfx ("192.0.2.0/24");
  LispMapLocator l = loc ("198.51.100.1", 1, 50);
  guint n = row->n_locators != 0 ? row->n_locators : 1;
  g_autofree LispMapLocator *locators = g_new0 (LispMapLocator, n);

  for (guint i = 0; i < n; i++)
    locators[i] = l;
  if (row->zero_family != 0)
    locators[row->zero_family - 1].family = 0;
  if (row->family != 0)
    p.family = row->family;
  if (row->len != 0)
    p.len = row->len;
  g_assert_false (lisp_map_cache_insert (cache, &p, locators, n, row->action, 1,
                                         row->origin != 0 ? row->origin : LISP_MAP_ORIGIN_MAP_REPLY,
                                         row->version, 0, &error));
  g_assert_error (error, LISP_ERROR, LISP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, row->mention));
  g_assert_cmpuint (lisp_map_cache_size (cache), ==, 0);
}

static void
test_most_locators (void)
{
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();
  g_autoptr(GError) error = NULL;
  LispPrefix p = pfx ("192.0.2.0/24");
  LispMapLocator l = loc ("198.51.100.1", 1, 50);
  g_autofree LispMapLocator *many = g_new0 (LispMapLocator, 255);

  for (guint i = 0; i < 255; i++)
    many[i] = l;
  /* 255 locators is the most a record carries, and fine. */
  g_assert_true (lisp_map_cache_insert (cache, &p, many, 255, 0, 1, LISP_MAP_ORIGIN_MAP_REPLY,
                                        0xfff, 0, &error));
  g_assert_no_error (error);
  /* A lookup of an unknown family is a miss, not a crash. */
  g_assert_null (lisp_map_cache_lookup (cache, 0, 5, p.addr, 0));
}

static void
collect_text (const LispMapEntry *e, gpointer user_data)
{
  GPtrArray *out = user_data;

  g_ptr_array_add (out, lisp_prefix_to_string (&e->prefix));
}

static void
test_foreach_flush (void)
{
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);

  add (cache, "198.1.0.0/16", 1);
  add (cache, "198.0.0.0/8", 1);
  add (cache, "198.128.0.0/9", 1);
  add (cache, "198.1.2.0/24", 1);
  lisp_map_cache_foreach (cache, collect_text, seen);
  g_assert_cmpuint (seen->len, ==, 4);
  /* Within one trie: address order, containing prefixes first. */
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, "198.0.0.0/8");
  g_assert_cmpstr (g_ptr_array_index (seen, 1), ==, "198.1.0.0/16");
  g_assert_cmpstr (g_ptr_array_index (seen, 2), ==, "198.1.2.0/24");
  g_assert_cmpstr (g_ptr_array_index (seen, 3), ==, "198.128.0.0/9");

  add (cache, "[3]2001:db8::/32", 1);
  g_assert_cmpuint (lisp_map_cache_size (cache), ==, 5);
  lisp_map_cache_flush (cache);
  g_assert_cmpuint (lisp_map_cache_size (cache), ==, 0);
  assert_match (cache, "198.1.2.3", "miss");
  assert_match (cache, "[3]2001:db8::1", "miss");
  add (cache, "198.0.0.0/8", 1);
  assert_match (cache, "198.1.2.3", "198.0.0.0/8");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  TEST_ADD_TABLE (scenarios, run_scenario);
  g_test_add_func ("/map-cache/replace", test_replace);
  g_test_add_func ("/map-cache/remove", test_remove);
  g_test_add_func ("/map-cache/random-reference", test_random_against_reference);
  g_test_add_func ("/map-cache/ttl", test_ttl);
  g_test_add_func ("/map-cache/negative", test_negative);
  g_test_add_func ("/map-cache/reachability", test_reachability);
  TEST_ADD_TABLE (bad_inserts, test_bad_insert);
  g_test_add_func ("/map-cache/bad-input/most-locators", test_most_locators);
  g_test_add_func ("/map-cache/foreach-flush", test_foreach_flush);
  return g_test_run ();
}
