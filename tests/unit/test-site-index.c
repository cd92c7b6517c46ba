/* The map-server's lookup structures (prefix-table.c, site-index.c, the registrations in
 * ms-context.c) and the configuration's overlap check (site-claims.c) against the plain
 * scans they replaced: random sites and prefixes, every
 * answer compared with the scan's. */
#include "map-server.h"
#include "ms-context.h"
#include "prefix-table.h"
#include "site-claims.h"
#include "site-index.h"

#include "addr-bits.h"

#include <string.h>

static guint64
next_random (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* A prefix in a small space, so that prefixes nest and collide: IPv4 in 192.0.2.0/24 with
 * instance 0 or 7, or IPv6 in 2001:db8::/120. */
static LispPrefix
random_prefix (guint64 *seed, guint8 min_len)
{
  guint64 r = next_random (seed);
  guint8 addr[16] = { 0 };
  gboolean v4 = r & 1;
  guint8 max = v4 ? 32 : 128;
  guint8 len = (guint8) (min_len + (r >> 8) % (max - min_len + 1));
  LispPrefix p;

  if (v4)
    memcpy (addr, (guint8[]) { 192, 0, 2, (guint8) (r >> 24) }, 4);
  else
    {
      memcpy (addr, (guint8[]) { 0x20, 0x01, 0x0d, 0xb8 }, 4);
      addr[15] = (guint8) (r >> 24);
    }
  lisp_prefix_init (&p, (r >> 40) & 1 ? 7 : 0, v4 ? LISP_FAMILY_IPV4 : LISP_FAMILY_IPV6, addr, len);
  return p;
}

static void
test_prefix_table (void)
{
  g_autoptr(LmnPrefixTable) t = lmn_prefix_table_new ();
  LispPrefix p8, p24, host, other_iid, v6;
  static const guint8 a[16] = { 192, 0, 2, 77 };
  static const guint8 b[16] = { 0x20, 0x01, 0x0d, 0xb8 };

  lisp_prefix_init (&p8, 0, LISP_FAMILY_IPV4, a, 8);
  lisp_prefix_init (&p24, 0, LISP_FAMILY_IPV4, a, 24);
  lisp_prefix_init (&host, 0, LISP_FAMILY_IPV4, a, 32);
  lisp_prefix_init (&other_iid, 5, LISP_FAMILY_IPV4, a, 32);
  lisp_prefix_init (&v6, 0, LISP_FAMILY_IPV6, b, 32);
  lmn_prefix_table_insert (t, &p8, "8");
  lmn_prefix_table_insert (t, &p24, "24");
  lmn_prefix_table_insert (t, &v6, "v6");
  g_assert_cmpuint (lmn_prefix_table_size (t), ==, 3);
  g_assert_cmpstr (lmn_prefix_table_find (t, &p24), ==, "24");
  g_assert_null (lmn_prefix_table_find (t, &host));
  g_assert_cmpstr (lmn_prefix_table_covering (t, &host, NULL, NULL), ==, "24");
  g_assert_cmpstr (lmn_prefix_table_covering (t, &p24, NULL, NULL), ==, "24");
  g_assert_null (lmn_prefix_table_covering (t, &other_iid, NULL, NULL));
  lmn_prefix_table_insert (t, &p24, "24 again");
  g_assert_cmpuint (lmn_prefix_table_size (t), ==, 3);
  g_assert_cmpstr (lmn_prefix_table_covering (t, &host, NULL, NULL), ==, "24 again");
  g_assert_true (lmn_prefix_table_remove (t, &p24));
  g_assert_false (lmn_prefix_table_remove (t, &p24));
  g_assert_cmpstr (lmn_prefix_table_covering (t, &host, NULL, NULL), ==, "8");
  g_assert_true (lmn_prefix_table_remove (t, &p8));
  g_assert_null (lmn_prefix_table_covering (t, &host, NULL, NULL));
  g_assert_cmpstr (lmn_prefix_table_find (t, &v6), ==, "v6");
}

/* Random sites, overlapping as the configuration file would not let them. */
static GPtrArray *
random_sites (guint64 *seed, guint n)
{
  GPtrArray *sites = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_site_free);

  for (guint i = 0; i < n; i++)
    {
      g_autofree gchar *name = g_strdup_printf ("s%u", i);
      LmnSite *site = lmn_site_new (name);
      guint np = 1 + next_random (seed) % 3;

      site->accept_more_specifics = next_random (seed) % 2;
      for (guint j = 0; j < np; j++)
        {
          LispPrefix p = random_prefix (seed, 20);

          g_array_append_val (site->prefixes, p);
        }
      lmn_site_add_key (site, (guint8) (next_random (seed) % 4), 2, "k");
      g_ptr_array_add (sites, site);
    }
  return sites;
}

/* The non-EID length as lispmn-server found it before the index: the shortest length at
 * which no site prefix overlaps. */
static guint
scan_non_eid_len (const GPtrArray *sites, const LispPrefix *host)
{
  guint max = host->family == LISP_FAMILY_IPV4 ? 32 : 128;

  for (guint len = 0; len <= max; len++)
    {
      gboolean overlaps = FALSE;

      for (guint i = 0; i < sites->len && !overlaps; i++)
        {
          const LmnSite *site = g_ptr_array_index (sites, i);

          for (guint j = 0; j < site->prefixes->len && !overlaps; j++)
            {
              const LispPrefix *s = &g_array_index (site->prefixes, LispPrefix, j);

              overlaps = s->iid == host->iid && s->family == host->family &&
                         lisp_addr_match (s->addr, host->addr, MIN (s->len, len));
            }
        }
      if (!overlaps)
        return len;
    }
  return max;
}

static void
check_query (const GPtrArray *sites, const LmnSiteIndex *idx, const LispPrefix *q)
{
  g_autoptr(GPtrArray) allowing = g_ptr_array_new ();
  const LmnSite *holding = NULL;
  guint n_allowing = 0;

  for (guint i = 0; i < sites->len; i++)
    {
      const LmnSite *site = g_ptr_array_index (sites, i);

      if (holding == NULL && lmn_site_holds (site, q))
        holding = site;
      if (lmn_site_allows (site, q))
        n_allowing++;
    }
  g_assert_true (lmn_site_index_holding (idx, q) == holding);
  /* The same sites, in the same order. */
  lmn_site_index_allowing (idx, q, allowing);
  g_assert_cmpuint (allowing->len, ==, n_allowing);
  for (guint i = 0, k = 0; i < sites->len; i++)
    if (lmn_site_allows (g_ptr_array_index (sites, i), q))
      g_assert_true (g_ptr_array_index (allowing, k++) == g_ptr_array_index (sites, i));
  if (q->len == (q->family == LISP_FAMILY_IPV4 ? 32 : 128) && holding == NULL)
    g_assert_cmpuint (lmn_site_index_non_eid_len (idx, q->iid, q->family, q->addr), ==,
                      scan_non_eid_len (sites, q));
}

static void
test_site_index_random (void)
{
  guint64 seed = 1;

  for (guint round = 0; round < 40; round++)
    {
      g_autoptr(GPtrArray) sites = random_sites (&seed, 1 + round % 12);
      g_autoptr(LmnSiteIndex) idx = lmn_site_index_new (sites);
      gboolean key_ids[4] = { FALSE };

      for (guint i = 0; i < sites->len; i++)
        {
          const LmnSite *site = g_ptr_array_index (sites, i);

          key_ids[((const LmnSiteKey *) g_ptr_array_index (site->keys, 0))->key_id] = TRUE;
        }
      for (guint k = 0; k < 4; k++)
        g_assert_cmpint (lmn_site_index_has_key_id (idx, (guint8) k), ==, key_ids[k]);
      for (guint i = 0; i < 300; i++)
        {
          LispPrefix q = random_prefix (&seed, i % 2 ? 0 : 32);

          check_query (sites, idx, &q);
        }
    }
}

/* The configuration's overlap check: random prefixes, each claimed when it overlaps none
 * claimed before, the answer compared with a comparison against every claimed prefix. */
static void
test_site_claims (void)
{
  g_autoptr(GPtrArray) sites = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_site_free);
  g_autoptr(LmnSiteClaims) claims = lmn_site_claims_new ();
  guint64 seed = 3;
  guint refused = 0;

  for (guint i = 0; i < 3000; i++)
    {
      LispPrefix p = random_prefix (&seed, i % 3 == 0 ? 0 : 24);
      const LmnSite *by = NULL, *scan_by = NULL;
      const LispPrefix *hit = lmn_site_claims_overlap (claims, &p, &by);
      LmnSite *site;

      for (guint s = 0; s < sites->len && scan_by == NULL; s++)
        {
          const LmnSite *other = g_ptr_array_index (sites, s);
          const LispPrefix *o = &g_array_index (other->prefixes, LispPrefix, 0);

          if (o->iid == p.iid && o->family == p.family &&
              lisp_addr_match (o->addr, p.addr, MIN (o->len, p.len)))
            scan_by = other;
        }
      g_assert_cmpint (hit != NULL, ==, scan_by != NULL);
      if (hit != NULL)
        {
          /* The one it names does overlap (there may be several). */
          g_assert_true (lisp_addr_match (hit->addr, p.addr, MIN (hit->len, p.len)));
          g_assert_true (lisp_prefix_equal (hit, &g_array_index (by->prefixes, LispPrefix, 0)));
          refused++;
          continue;
        }
      site = lmn_site_new ("s");
      g_array_append_val (site->prefixes, p);
      g_ptr_array_add (sites, site);
      lmn_site_claims_add (claims, site);
    }
  g_assert_cmpuint (refused, >, 100);
  g_assert_cmpuint (sites->len, >, 40);
}

static LmnSiteRegistration *
registration (const LmnSite *site, guint i, gint64 now, guint32 ttl)
{
  guint8 addr[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0 };
  LmnSiteRegistration *reg;
  LispPrefix p;
  guint32 be = g_htonl (i);

  memcpy (addr + 12, &be, 4);
  lisp_prefix_init (&p, 0, LISP_FAMILY_IPV6, addr, 128);
  reg = lmn_site_registration_new (&p, now);
  reg->record = lisp_record_new (lisp_address_new_ipv6 (addr), 128, ttl);
  reg->use_ttl = TRUE;
  reg->last_refresh = now;
  reg->site = site;
  return reg;
}

/* Adding, removing and expiring keep the table and the array in step. */
static void
test_registrations (void)
{
  GPtrArray *sites = g_ptr_array_new ();
  g_autoptr(LmnMapServer) ms = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  const LmnSite *site;
  guint64 seed = 7;

  g_ptr_array_add (sites, lmn_site_new ("s"));
  site = sites->pdata[0];
  ms = lmn_map_server_new (sites);

  /* Registration i lives (i % 5 + 1) minutes. */
  for (guint i = 0; i < 500; i++)
    lmn_ms_add_registration (ms, registration (site, i, 0, i % 5 + 1));
  for (guint i = 0; i < 100; i++)
    {
      const GPtrArray *regs = lmn_map_server_registrations (ms);

      lmn_ms_remove_registration (ms, regs->pdata[next_random (&seed) % regs->len]);
    }
  g_assert_cmpuint (lmn_map_server_registrations (ms)->len, ==, 400);
  g_assert_cmpuint (lmn_map_server_expire (ms, 59), ==, 0);
  g_assert_cmpuint (lmn_map_server_expire (ms, 120), >, 0); /* the 1- and 2-minute ones */
  for (guint i = 0; i < lmn_map_server_registrations (ms)->len; i++)
    {
      LmnSiteRegistration *reg = lmn_map_server_registrations (ms)->pdata[i];

      g_assert_cmpuint (reg->slot, ==, i);
      g_assert_cmpuint (reg->record->ttl, >=, 3);
      g_assert_true (lmn_ms_find_registration (ms, &reg->prefix) == reg);
      g_assert_true (lmn_ms_lookup_registration (ms, &reg->prefix) == reg);
    }
  for (guint i = 0; i < 500; i++)
    {
      LmnSiteRegistration *probe = registration (site, i, 0, 1);
      LmnSiteRegistration *reg = lmn_ms_find_registration (ms, &probe->prefix);

      lmn_site_registration_free (probe);
      if (reg != NULL)
        g_ptr_array_add (kept, reg);
    }
  g_assert_cmpuint (kept->len, ==, lmn_map_server_registrations (ms)->len);
  g_assert_cmpuint (lmn_map_server_expire (ms, 300), ==, kept->len);
  g_assert_cmpuint (lmn_map_server_registrations (ms)->len, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/site-index/prefix-table", test_prefix_table);
  g_test_add_func ("/site-index/random-against-scans", test_site_index_random);
  g_test_add_func ("/site-index/registrations", test_registrations);
  g_test_add_func ("/site-index/claims", test_site_claims);
  return g_test_run ();
}
