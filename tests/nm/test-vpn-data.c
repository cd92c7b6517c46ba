/* The NetworkManager plugin's pure parts: vpn.data read and checked (every problem names the
 * key), the Configure settings made from it, and the ranking of uplinks into RLOC priorities
 * and weights (vpn.data overrides, user data, route metrics, carrier, captive portals). */
#include "registration-verdict.h"
#include "uplink-ranking.h"
#include "vpn-data.h"

#include <string.h>

/* "k=v" items, NULL-terminated. */
static LmnVpnData *
parse (GError **error, ...)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  const char *item;
  va_list args;

  va_start (args, error);
  while ((item = va_arg (args, const char *)) != NULL)
    {
      const char *eq = strchr (item, '=');

      g_ptr_array_add (keys, g_strndup (item, eq - item));
      g_ptr_array_add (values, g_strdup (eq + 1));
    }
  va_end (args);
  return lmn_vpn_data_parse ((const char *const *) keys->pdata, (const char *const *) values->pdata,
                             keys->len, error);
}

static void
test_good_profile (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnVpnData) d = parse (&error, "eid=192.0.2.10 2001:db8:e1d::10/128",
                                   "map-server=198.51.100.66", "proxy-etr=198.51.100.74;198.51.100.75",
                                   "map-server-key-id=7", "map-server-algorithm=hmac-sha-1",
                                   "instance-id=1000", "mtu=1400", "rloc-priority.wlan0=3",
                                   "rloc-weight.Home Wi-Fi=20", "map-server-key-flags=1", NULL);
  g_autoptr(GVariant) settings = NULL;
  g_autoptr(GVariant) servers = NULL, server = NULL;
  const char *key = NULL;
  g_autofree const char **eids = NULL;
  guint8 key_id = 0;
  gboolean manage = TRUE;

  g_assert_no_error (error);
  g_assert_true (d->has_eid4 && d->has_eid6);
  g_assert_cmpuint (d->eid4[0], ==, 192);
  g_assert_cmpstr (d->map_server, ==, "198.51.100.66");
  /* No map-resolver given: the map-server answers lookups too. */
  g_assert_cmpuint (d->map_resolvers->len, ==, 1);
  g_assert_cmpstr (d->map_resolvers->pdata[0], ==, "198.51.100.66");
  g_assert_cmpuint (d->proxy_etrs->len, ==, 2);
  g_assert_cmpint (lmn_vpn_data_priority (d, "wlan0"), ==, 3);
  g_assert_cmpint (lmn_vpn_data_priority (d, "wlan1"), ==, -1);
  g_assert_cmpint (lmn_vpn_data_weight (d, "Home Wi-Fi"), ==, 20);

  settings = g_variant_ref_sink (lmn_vpn_data_configure_settings (d, "the-key"));
  g_assert_true (g_variant_lookup (settings, "eids", "^a&s", &eids));
  g_assert_cmpstrv (eids, ((const char *[]) { "192.0.2.10/32", "2001:db8:e1d::10/128", NULL }));
  g_assert_true (g_variant_lookup (settings, "manage-addresses", "b", &manage));
  g_assert_false (manage);
  servers = g_variant_lookup_value (settings, "map-servers", G_VARIANT_TYPE ("aa{sv}"));
  g_assert_cmpuint (g_variant_n_children (servers), ==, 1);
  server = g_variant_get_child_value (servers, 0);
  g_assert_true (g_variant_lookup (server, "key", "&s", &key));
  g_assert_cmpstr (key, ==, "the-key");
  g_assert_true (g_variant_lookup (server, "key-id", "y", &key_id));
  g_assert_cmpuint (key_id, ==, 7);
}

static void
test_bad_values_name_the_key (void)
{
  static const struct {
    const char *items[3];
    const char *message;
  } cases[] = {
    { { "eid=192.0.2.300", "map-server=198.51.100.1" },
      "vpn.data: eid: '192.0.2.300' is not an IPv4 or IPv6 address" },
    { { "eid=192.0.2.0/24", "map-server=198.51.100.1" },
      "vpn.data: eid: '192.0.2.0/24' is not a host address" },
    { { "eid=192.0.2.10 192.0.2.11", "map-server=198.51.100.1" },
      "vpn.data: eid: more than one IPv4 EID" },
    { { "map-server=198.51.100.1" }, "vpn.data: eid: missing" },
    { { "eid=192.0.2.10" }, "vpn.data: map-server: missing" },
    { { "eid=192.0.2.10", "map-server=224.0.0.1" },
      "vpn.data: map-server: '224.0.0.1' is not a unicast address" },
    { { "eid=192.0.2.10", "map-server=ms.example" },
      "vpn.data: map-server: 'ms.example' is not an IPv4 or IPv6 address" },
    { { "eid=192.0.2.10", "map-server-algorithm=md5" },
      "vpn.data: map-server-algorithm: 'md5' is not supported" },
    { { "eid=192.0.2.10", "map-server-key-id=256" },
      "vpn.data: map-server-key-id: '256' is not a key ID (0-255)" },
    { { "eid=192.0.2.10", "instance-id=16777216" },
      "vpn.data: instance-id: '16777216' is not an instance ID" },
    { { "eid=192.0.2.10", "mtu=100" }, "vpn.data: mtu: '100' is not an MTU" },
    { { "eid=2001:db8::10", "mtu=1000", "map-server=198.51.100.1" },
      "vpn.data: mtu: '1000' is too small for an IPv6 EID" },
    { { "eid=192.0.2.10", "rloc-priority.wlan0=300" },
      "vpn.data: rloc-priority.wlan0: '300' is not a priority (0-255)" },
    { { "eid=192.0.2.10", "rloc-priority.=1" },
      "vpn.data: rloc-priority.: the name after the dot" },
    { { "eid=192.0.2.10", "map-resolver=" }, "vpn.data: map-resolver: empty" },
    { { "eid=192.0.2.10", "proxy-etr=198.51.100.1 198.51.100.1" },
      "vpn.data: proxy-etr: '198.51.100.1' is listed twice" },
    { { "eid=192.0.2.10", "map-server-key-flags=8" },
      "vpn.data: map-server-key-flags: '8' is not secret flags (0-7)" },
    { { "eid=192.0.2.10", "colour=red" }, "vpn.data: colour: unknown key (known: eid, map-server" },
    { { "eid=192.0.2.10", "nat-traversal=yes" },
      "vpn.data: nat-traversal: 'yes' is not auto, on or off" },
    { { "eid=192.0.2.10", "nat-traversal=" },
      "vpn.data: nat-traversal: '' is not auto, on or off" },
    { { "eid=192.0.2.10", "nat-keepalive-interval=4" },
      "vpn.data: nat-keepalive-interval: '4' is not a number of seconds (5-3600)" },
    { { "eid=192.0.2.10", "nat-keepalive-interval=3601" },
      "vpn.data: nat-keepalive-interval: '3601' is not a number of seconds (5-3600)" },
    { { "eid=192.0.2.10", "nat-keepalive-interval=20s" },
      "vpn.data: nat-keepalive-interval: '20s' is not a number of seconds" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LmnVpnData) d = parse (&error, cases[i].items[0], cases[i].items[1], cases[i].items[2],
                                       NULL);

      g_assert_null (d);
      g_assert_nonnull (error);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("case %u: '%s' does not say '%s'", i, error->message, cases[i].message);
    }
  /* A long list is refused, not stored. */
  {
    g_autoptr(GString) list = g_string_new ("proxy-etr=");
    g_autoptr(GError) error = NULL;
    g_autoptr(LmnVpnData) d = NULL;

    for (guint i = 1; i <= 20; i++)
      g_string_append_printf (list, "198.51.100.%u ", i);
    d = parse (&error, "eid=192.0.2.10", "map-server=198.51.100.1", list->str, NULL);
    g_assert_null (d);
    g_assert_nonnull (strstr (error->message, "proxy-etr: more than 8 addresses"));
  }
}

/* nat-traversal and nat-keepalive-interval go to Configure as given, and only when given:
 * lispmnd has the same defaults. */
/* One item alone (the editor's check of one field): its own problem with the whole
 * profile's message, and no complaint about the keys it does not hold. */
static void
test_check_item (void)
{
  static const struct {
    const char *key, *value, *message;
  } cases[] = {
    { "eid", "192.0.2.10", NULL },
    { "map-server", "198.51.100.1", NULL },
    { "mtu", "1400", NULL },
    { "rloc-priority.wlan0", "2", NULL },
    { "eid", "192.0.2.300", "vpn.data: eid: '192.0.2.300' is not an IPv4 or IPv6 address" },
    { "eid", "", "vpn.data: eid: empty (one IPv4 and/or one IPv6 address is needed)" },
    { "map-server", "224.0.0.1", "vpn.data: map-server: '224.0.0.1' is not a unicast address" },
    { "mtu", "100", "vpn.data: mtu: '100' is not an MTU (0 or 576-65535)" },
    { "rloc-weight.", "5",
      "vpn.data: rloc-weight.: the name after the dot must be an interface or a connection id" },
    { "colour", "blue", "vpn.data: colour: unknown key (known: eid, map-server, " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = lmn_vpn_data_check_item (cases[i].key, cases[i].value, &error);

      if (cases[i].message == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_nonnull (error);
          if (!g_str_has_prefix (error->message, cases[i].message))
            g_error ("%s=%s: got \"%s\"", cases[i].key, cases[i].value, error->message);
        }
    }
}

static void
test_nat_keys (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnVpnData) plain = parse (&error, "eid=192.0.2.10", "map-server=198.51.100.66", NULL);
  g_autoptr(LmnVpnData) nat = parse (&error, "eid=192.0.2.10", "map-server=198.51.100.66",
                                     "nat-traversal=on", "nat-keepalive-interval=3600", NULL);
  g_autoptr(GVariant) without = NULL, with = NULL;
  const char *mode = NULL;
  guint32 interval = 0;

  g_assert_no_error (error);
  without = g_variant_ref_sink (lmn_vpn_data_configure_settings (plain, "k"));
  g_assert_false (g_variant_lookup (without, "nat-traversal", "&s", &mode));
  g_assert_false (g_variant_lookup (without, "nat-keepalive-interval", "u", &interval));
  with = g_variant_ref_sink (lmn_vpn_data_configure_settings (nat, "k"));
  g_assert_true (g_variant_lookup (with, "nat-traversal", "&s", &mode));
  g_assert_cmpstr (mode, ==, "on");
  g_assert_true (g_variant_lookup (with, "nat-keepalive-interval", "u", &interval));
  g_assert_cmpuint (interval, ==, 3600);
}

/* MapServers as lispmnd publishes it, in GVariant text. */
static void
test_registration_verdict (void)
{
  static const struct {
    const char *map_servers;
    LmnVerdict verdict;
    const char *reason;
  } cases[] = {
    { "@aa{sv} []", LMN_VERDICT_REGISTERED, NULL },
    { "[{'address': <'198.51.100.66'>, 'state': <'registering'>}]", LMN_VERDICT_PENDING, NULL },
    { "[{'address': <'198.51.100.66'>, 'state': <'registered'>}]", LMN_VERDICT_REGISTERED, NULL },
    { "[{'address': <'198.51.100.66'>, 'state': <'auth-failed'>, 'last-error': <'wrong MAC'>}]",
      LMN_VERDICT_WRONG_KEY, "map-server 198.51.100.66 refused the key: wrong key" },
    { "[{'address': <'198.51.100.66'>, 'state': <'unreachable'>}]", LMN_VERDICT_UNREACHABLE,
      "map-server 198.51.100.66 is not answering" },
    /* One map-server accepting is enough; one still trying is waited for. */
    { "[{'address': <'198.51.100.66'>, 'state': <'auth-failed'>}, "
      "{'address': <'198.51.100.67'>, 'state': <'registered'>}]",
      LMN_VERDICT_REGISTERED, NULL },
    { "[{'address': <'198.51.100.66'>, 'state': <'unreachable'>}, "
      "{'address': <'198.51.100.67'>, 'state': <'registering'>}]",
      LMN_VERDICT_PENDING, NULL },
    { "[{'address': <'198.51.100.66'>, 'state': <'unreachable'>}, "
      "{'address': <'198.51.100.67'>, 'state': <'auth-failed'>}]",
      LMN_VERDICT_WRONG_KEY, "map-server 198.51.100.67 refused the key" },
    /* Keys missing (an older or odd daemon): still registering, never a crash. */
    { "[@a{sv} {}]", LMN_VERDICT_PENDING, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GVariant) v = g_variant_ref_sink (
        g_variant_parse (G_VARIANT_TYPE ("aa{sv}"), cases[i].map_servers, NULL, NULL, NULL));
      g_autofree gchar *reason = NULL;

      g_assert_nonnull (v);
      g_assert_cmpint (lmn_registration_verdict (v, &reason), ==, cases[i].verdict);
      if (cases[i].reason == NULL)
        g_assert_null (reason);
      else if (reason == NULL || strstr (reason, cases[i].reason) == NULL)
        g_error ("case %u: '%s' does not say '%s'", i, reason, cases[i].reason);
    }
}

static void
test_key_checks (void)
{
  g_autofree gchar *long_key = g_strnfill (600, 'k');

  g_assert_null (lmn_vpn_data_check_key ("secret"));
  g_assert_nonnull (strstr (lmn_vpn_data_check_key (NULL), "map-server-key: missing"));
  g_assert_nonnull (strstr (lmn_vpn_data_check_key (""), "map-server-key: missing"));
  g_assert_nonnull (strstr (lmn_vpn_data_check_key (long_key), "longer than 512"));
}

static GPtrArray *
rank (const LmnUplinkCandidate *c, guint n, const LmnVpnData *d)
{
  return lmn_rank_uplinks (c, n, d);
}

#define U(i) ((LmnRankedUplink *) ranked->pdata[i])

static void
test_ranking_by_metric (void)
{
  /* Ethernet (100) before Wi-Fi (600) before mobile broadband (700); ties share a rank. */
  const LmnUplinkCandidate c[] = {
    { "wwan0", "Mobile", NULL, 700, TRUE, -1, -1, TRUE, FALSE },
    { "wlan0", "Home Wi-Fi", NULL, 600, TRUE, -1, -1, TRUE, FALSE },
    { "eth0", "Wired", NULL, 100, TRUE, -1, -1, TRUE, FALSE },
    { "eth1", "Dock", NULL, 100, TRUE, -1, -1, TRUE, FALSE },
    { "usb0", "Tether", NULL, 750, TRUE, -1, -1, FALSE, FALSE },   /* no carrier: left out */
    { "docker0", "docker0", NULL, 750, FALSE, -1, -1, TRUE, FALSE }, /* no default route */
  };
  g_autoptr(GPtrArray) ranked = rank (c, G_N_ELEMENTS (c), NULL);

  g_assert_cmpuint (ranked->len, ==, 4);
  g_assert_cmpstr (U (0)->interface, ==, "wwan0");
  g_assert_cmpuint (U (0)->priority, ==, 3);
  g_assert_cmpuint (U (1)->priority, ==, 2);
  g_assert_cmpuint (U (2)->priority, ==, 1);
  g_assert_cmpuint (U (3)->priority, ==, 1);
  g_assert_cmpuint (U (0)->weight, ==, LMN_RANK_DEFAULT_WEIGHT);
}

static void
test_ranking_overrides (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnVpnData) d = parse (&error, "eid=192.0.2.10", "map-server=198.51.100.1",
                                   "rloc-priority.wwan0=1", "rloc-priority.Home Wi-Fi=5",
                                   "rloc-weight.wlan0=30", "rloc-weight.Home Wi-Fi=99",
                                   "rloc-priority.9f6c0c1e-5a43-4e55-a0a8-0d3b7c1f2e11=7", NULL);
  const LmnUplinkCandidate c[] = {
    /* vpn.data beats user data */
    { "wwan0", "Mobile", NULL, 700, TRUE, 9, 9, TRUE, FALSE },
    /* by connection id; weight by interface first */
    { "wlan0", "Home Wi-Fi", NULL, 600, TRUE, -1, -1, TRUE, FALSE },
    /* user data lisp.priority/weight */
    { "eth0", "Wired", NULL, 100, TRUE, 4, 60, TRUE, FALSE },
    /* captive portal: demoted */
    { "eth1", "Hotel", NULL, 100, TRUE, -1, -1, TRUE, TRUE },
    /* by connection UUID, even without a default route: it was asked for */
    { "usb0", "Tether", "9f6c0c1e-5a43-4e55-a0a8-0d3b7c1f2e11", 750, FALSE, -1, -1, TRUE, FALSE },
  };
  g_autoptr(GPtrArray) ranked = NULL;

  g_assert_no_error (error);
  ranked = rank (c, G_N_ELEMENTS (c), d);
  g_assert_cmpuint (ranked->len, ==, 5);
  g_assert_cmpuint (U (0)->priority, ==, 1);
  g_assert_cmpuint (U (0)->weight, ==, 9);
  g_assert_cmpuint (U (1)->priority, ==, 5);
  g_assert_cmpuint (U (1)->weight, ==, 30);
  g_assert_cmpuint (U (2)->priority, ==, 4);
  g_assert_cmpuint (U (2)->weight, ==, 60);
  g_assert_cmpuint (U (3)->priority, ==, 1 + LMN_RANK_DEMOTION);
  g_assert_cmpuint (U (4)->priority, ==, 7);
}

static void
test_user_values (void)
{
  g_assert_cmpint (lmn_rank_parse_user_value ("7"), ==, 7);
  g_assert_cmpint (lmn_rank_parse_user_value (" 255 "), ==, 255);
  g_assert_cmpint (lmn_rank_parse_user_value ("256"), ==, -1);
  g_assert_cmpint (lmn_rank_parse_user_value ("high"), ==, -1);
  g_assert_cmpint (lmn_rank_parse_user_value (NULL), ==, -1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vpn-data/good-profile", test_good_profile);
  g_test_add_func ("/vpn-data/bad-values-name-the-key", test_bad_values_name_the_key);
  g_test_add_func ("/vpn-data/key-checks", test_key_checks);
  g_test_add_func ("/vpn-data/nat-keys", test_nat_keys);
  g_test_add_func ("/vpn-data/check-item", test_check_item);
  g_test_add_func ("/registration-verdict/map-servers", test_registration_verdict);
  g_test_add_func ("/uplink-ranking/by-metric", test_ranking_by_metric);
  g_test_add_func ("/uplink-ranking/overrides", test_ranking_overrides);
  g_test_add_func ("/uplink-ranking/user-values", test_user_values);
  return g_test_run ();
}
