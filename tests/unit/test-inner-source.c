/* Martian inner sources of decapsulated packets (daemon/dataplane/inner-source-check.c):
 * each class under its own drop reason, our own EIDs too, and the ordinary unicast
 * sources of correspondents (next to each class's border) let through. */
#include "inner-source-check.h"
#include "lisp-prefix.h"
#include "lmn-ip.h"
#include "test-table.h"

typedef struct {
  const char *path;
  const char *source;
  LmnDropReason reason; /* LMN_DROP_N_REASONS: accepted */
} SourceCase;

static const SourceCase cases[] = {
  { "/inner-source/ipv4/unspecified", "0.0.0.0", LMN_DROP_MARTIAN_UNSPECIFIED },
  { "/inner-source/ipv4/this-network", "0.1.2.3", LMN_DROP_MARTIAN_UNSPECIFIED },
  { "/inner-source/ipv4/loopback", "127.0.0.1", LMN_DROP_MARTIAN_LOOPBACK },
  { "/inner-source/ipv4/loopback-any", "127.255.0.9", LMN_DROP_MARTIAN_LOOPBACK },
  { "/inner-source/ipv4/link-local", "169.254.7.1", LMN_DROP_MARTIAN_LINK_LOCAL },
  { "/inner-source/ipv4/multicast-first", "224.0.0.1", LMN_DROP_MARTIAN_MULTICAST },
  { "/inner-source/ipv4/multicast-last", "239.255.255.255", LMN_DROP_MARTIAN_MULTICAST },
  { "/inner-source/ipv4/broadcast", "255.255.255.255", LMN_DROP_MARTIAN_MULTICAST },
  { "/inner-source/ipv4/own-eid", "192.0.2.10", LMN_DROP_MARTIAN_OWN_EID },
  { "/inner-source/ipv4/own-site", "198.51.100.77", LMN_DROP_MARTIAN_OWN_EID },
  { "/inner-source/ipv4/correspondent", "192.0.2.130", LMN_DROP_N_REASONS },
  { "/inner-source/ipv4/next-to-link-local", "169.253.255.255", LMN_DROP_N_REASONS },
  { "/inner-source/ipv4/next-to-loopback", "128.0.0.1", LMN_DROP_N_REASONS },
  { "/inner-source/ipv4/below-multicast", "223.255.255.255", LMN_DROP_N_REASONS },
  { "/inner-source/ipv4/next-to-own-eid", "192.0.2.11", LMN_DROP_N_REASONS },
  { "/inner-source/ipv6/unspecified", "::", LMN_DROP_MARTIAN_UNSPECIFIED },
  { "/inner-source/ipv6/loopback", "::1", LMN_DROP_MARTIAN_LOOPBACK },
  { "/inner-source/ipv6/link-local", "fe80::1", LMN_DROP_MARTIAN_LINK_LOCAL },
  { "/inner-source/ipv6/link-local-top", "febf:ffff::1", LMN_DROP_MARTIAN_LINK_LOCAL },
  { "/inner-source/ipv6/multicast", "ff02::1", LMN_DROP_MARTIAN_MULTICAST },
  { "/inner-source/ipv6/v4-mapped", "::ffff:192.0.2.130", LMN_DROP_MARTIAN_V4_MAPPED },
  { "/inner-source/ipv6/own-eid", "2001:db8:e1d::10", LMN_DROP_MARTIAN_OWN_EID },
  { "/inner-source/ipv6/correspondent", "2001:db8:e1d:2::2", LMN_DROP_N_REASONS },
  { "/inner-source/ipv6/site-local-is-unicast", "fec0::1", LMN_DROP_N_REASONS },
  { "/inner-source/ipv6/v4-compatible-2", "::2", LMN_DROP_N_REASONS },
  { "/inner-source/ipv6/nat64", "64:ff9b::c000:282", LMN_DROP_N_REASONS },
};

static GArray *
own_eids (void)
{
  static const char *const texts[] = { "192.0.2.10/32", "2001:db8:e1d::10/128",
                                       "198.51.100.64/26" };
  GArray *eids = g_array_new (FALSE, TRUE, sizeof (LispPrefix));

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      LispPrefix p;

      g_assert_true (lisp_prefix_parse (texts[i], &p, NULL));
      g_array_append_val (eids, p);
    }
  return eids;
}

static void
test_source (gconstpointer data)
{
  const SourceCase *c = data;
  g_autoptr(GArray) eids = own_eids ();
  LmnIp ip;
  LmnDropReason got;

  g_assert_true (lmn_ip_parse (c->source, &ip, NULL));
  got = lmn_inner_source_check (ip.family, ip.addr, eids);
  g_assert_cmpstr (lmn_drop_reason_name (got), ==, lmn_drop_reason_name (c->reason));
  g_assert_cmpint (got, ==, c->reason);
}

/* A proxy-ETR passes no EIDs (its own are the sources it serves): only the classes count. */
static void
test_without_own_eids (void)
{
  LmnIp ip;

  g_assert_true (lmn_ip_parse ("192.0.2.10", &ip, NULL));
  g_assert_cmpint (lmn_inner_source_check (4, ip.addr, NULL), ==, LMN_DROP_N_REASONS);
  g_assert_true (lmn_ip_parse ("fe80::10", &ip, NULL));
  g_assert_cmpint (lmn_inner_source_check (6, ip.addr, NULL), ==, LMN_DROP_MARTIAN_LINK_LOCAL);
}

/* Every reason has its own name, for the counters. */
static void
test_reason_names (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < LMN_DROP_N_REASONS; i++)
    {
      const char *name = lmn_drop_reason_name (i);

      g_assert_nonnull (name);
      g_assert_false (g_hash_table_contains (seen, name));
      g_hash_table_add (seen, (gpointer) name);
    }
  g_assert_cmpstr (lmn_drop_reason_name (LMN_DROP_MARTIAN_V4_MAPPED), ==, "martian-v4-mapped");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  TEST_ADD_TABLE (cases, test_source);
  g_test_add_func ("/inner-source/without-own-eids", test_without_own_eids);
  g_test_add_func ("/inner-source/reason-names", test_reason_names);
  return g_test_run ();
}
