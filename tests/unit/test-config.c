/* lispmnd's configuration file: a full example, the defaults, and one broken file per kind
 * of mistake with the exact message a user would read. */
#include "lispmnd-config.h"
#include "lisp-action.h"

#include <arpa/inet.h>
#include <glib/gstdio.h>
#include <string.h>

#define KEY "k3y-that-must-never-show"

static void
assert_prefix (const LispPrefix *p, const char *text, guint32 iid)
{
  LispPrefix expected;

  g_assert_true (lisp_prefix_parse (text, &expected, NULL));
  g_assert_cmpuint (p->iid, ==, iid);
  expected.iid = iid;
  g_assert_true (lisp_prefix_equal (p, &expected));
}

static void
assert_ip (const LmnIp *ip, const char *text)
{
  g_autofree gchar *s = lmn_ip_to_string (ip);

  g_assert_cmpstr (s, ==, text);
}

static void
assert_locator (const LispMapLocator *loc, const char *address, guint priority, guint weight)
{
  LmnIp ip;

  g_assert_true (lmn_ip_parse (address, &ip, NULL));
  g_assert_true (lisp_map_locator_is (loc, ip.family, ip.addr));
  g_assert_cmpuint (loc->priority, ==, priority);
  g_assert_cmpuint (loc->weight, ==, weight);
  g_assert_cmpuint (loc->reachable, ==, 1);
}

static LmnConfig *
load (const char *text, GError **error)
{
  return lmn_config_load_data (text, strlen (text), "t.conf", error);
}

static void check_full (const LmnConfig *c);

static void
test_full (void)
{
  static const char text[] = "# every key, none at its default\n"
                             "[lispmnd]\n"
                             "mode=mobile-node\n"
                             "eids=192.0.2.10/32; 2001:db8:e1d::10/128\n"
                             "instance-id=16777215\n"
                             "tun=lmn-test0\n"
                             "mtu=1400\n"
                             "manage-addresses=false\n"
                             "routes=198.51.100.0/24;2001:db8:1::/48\n"
                             "route-metric=4294967295\n"
                             "queue-length=1024\n"
                             "rloc-probe-interval=0\n"
                             "nat-traversal=on\n"
                             "nat-keepalive-interval=3600\n"
                             "map-cache-limit=10000000\n"
                             "map-resolvers=203.0.113.1;2001:db8:53::1\n"
                             "proxy-etrs=203.0.113.2;2001:db8:2::2 2;203.0.113.3 3 7\n"
                             "strict-source-check=on\n"
                             "proxy-itrs=203.0.113.4;2001:db8:2::4\n"
                             "\n"
                             "[uplink eth0]\n"
                             "priority=0\n"
                             "weight=255\n"
                             "[uplink wlan0]\n"
                             "\n"
                             "[map-server 203.0.113.1]\n"
                             "key=" KEY "\n"
                             "key-id=7\n"
                             "algorithm=hmac-sha-1\n"
                             "[map-server 2001:db8::5]\n"
                             "key=with\\sescapes;and spaces\n"
                             "\n"
                             "[mapping 198.51.100.0/25]\n"
                             "locators=198.51.100.129 1 100;2001:db8:100:3::1 2\n"
                             "[mapping 2001:db8:bad::/48]\n"
                             "action=drop-auth-failure\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnConfig) c = load (text, &error);
  g_autoptr(LmnConfig) copy = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (c);
  check_full (c);
  /* What the supervisor keeps of the file, and D-Bus Configure starts from: all of it. */
  copy = lmn_config_copy (c);
  check_full (copy);
  g_assert_cmpuint (copy->control_port, ==, c->control_port);
}

static void
check_full (const LmnConfig *c)
{
  const LmnUplinkConfig *u;
  const LmnMapServerConfig *ms;
  const LmnMappingConfig *m;

  g_assert_cmpstr (c->path, ==, "t.conf");
  g_assert_cmpint (c->mode, ==, LMN_MODE_MOBILE_NODE);
  g_assert_cmpuint (c->eids->len, ==, 2);
  assert_prefix (&g_array_index (c->eids, LispPrefix, 0), "192.0.2.10/32", 16777215);
  assert_prefix (&g_array_index (c->eids, LispPrefix, 1), "2001:db8:e1d::10/128", 16777215);
  g_assert_cmpuint (c->instance_id, ==, 16777215);
  g_assert_cmpstr (c->tun_name, ==, "lmn-test0");
  g_assert_cmpuint (c->mtu, ==, 1400);
  g_assert_false (c->manage_addresses);
  g_assert_cmpuint (c->routes->len, ==, 2);
  assert_prefix (&g_array_index (c->routes, LispPrefix, 0), "198.51.100.0/24", 0);
  assert_prefix (&g_array_index (c->routes, LispPrefix, 1), "2001:db8:1::/48", 0);
  g_assert_cmpuint (c->route_metric, ==, 4294967295u);
  g_assert_cmpuint (c->queue_length, ==, 1024);
  g_assert_cmpuint (c->rloc_probe_interval, ==, 0);
  g_assert_cmpint (c->nat_traversal, ==, LMN_NAT_TRAVERSAL_ON);
  g_assert_cmpuint (c->nat_keepalive_interval, ==, 3600);
  g_assert_cmpuint (c->map_cache_limit, ==, 10000000);
  g_assert_cmpuint (c->map_resolvers->len, ==, 2);
  assert_ip (&g_array_index (c->map_resolvers, LmnIp, 0), "203.0.113.1");
  assert_ip (&g_array_index (c->map_resolvers, LmnIp, 1), "2001:db8:53::1");
  g_assert_cmpuint (c->proxy_etrs->len, ==, 3);
  assert_locator (&g_array_index (c->proxy_etrs, LispMapLocator, 0), "203.0.113.2", 1, 100);
  assert_locator (&g_array_index (c->proxy_etrs, LispMapLocator, 1), "2001:db8:2::2", 2, 100);
  assert_locator (&g_array_index (c->proxy_etrs, LispMapLocator, 2), "203.0.113.3", 3, 7);
  g_assert_true (c->strict_source_check);
  g_assert_cmpuint (c->proxy_itrs->len, ==, 2);
  g_assert_cmpuint (g_array_index (c->proxy_itrs, LmnIp, 1).family, ==, 6);

  g_assert_cmpuint (c->uplinks->len, ==, 2);
  u = g_ptr_array_index (c->uplinks, 0);
  g_assert_cmpstr (u->interface, ==, "eth0");
  g_assert_cmpuint (u->priority, ==, 0);
  g_assert_cmpuint (u->weight, ==, 255);
  u = g_ptr_array_index (c->uplinks, 1);
  g_assert_cmpstr (u->interface, ==, "wlan0");
  g_assert_cmpuint (u->priority, ==, 1);
  g_assert_cmpuint (u->weight, ==, 100);

  g_assert_cmpuint (c->map_servers->len, ==, 2);
  ms = g_ptr_array_index (c->map_servers, 0);
  assert_ip (&ms->address, "203.0.113.1");
  g_assert_cmpstr (ms->key, ==, KEY);
  g_assert_cmpuint (ms->key_id, ==, 7);
  g_assert_cmpuint (ms->algorithm, ==, LISP_AUTH_HMAC_SHA1_96);
  ms = g_ptr_array_index (c->map_servers, 1);
  assert_ip (&ms->address, "2001:db8::5");
  g_assert_cmpstr (ms->key, ==, "with escapes;and spaces");
  g_assert_cmpuint (ms->key_id, ==, 0);
  g_assert_cmpuint (ms->algorithm, ==, LISP_AUTH_HMAC_SHA256_128);

  g_assert_cmpuint (c->mappings->len, ==, 2);
  m = g_ptr_array_index (c->mappings, 0);
  assert_prefix (&m->prefix, "198.51.100.0/25", 16777215);
  g_assert_cmpuint (m->locators->len, ==, 2);
  assert_locator (&g_array_index (m->locators, LispMapLocator, 0), "198.51.100.129", 1, 100);
  assert_locator (&g_array_index (m->locators, LispMapLocator, 1), "2001:db8:100:3::1", 2, 100);
  g_assert_cmpuint (m->action, ==, LISP_ACTION_NO_ACTION);
  m = g_ptr_array_index (c->mappings, 1);
  assert_prefix (&m->prefix, "2001:db8:bad::/48", 16777215);
  g_assert_cmpuint (m->locators->len, ==, 0);
  g_assert_cmpuint (m->action, ==, LISP_ACTION_DROP_AUTH_FAILURE);
}

static void
test_defaults (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnConfig) c = load ("[lispmnd]\neids=192.0.2.10\n", &error);

  g_assert_no_error (error);
  g_assert_cmpint (c->mode, ==, LMN_MODE_MOBILE_NODE);
  g_assert_cmpuint (c->eids->len, ==, 1);
  assert_prefix (&g_array_index (c->eids, LispPrefix, 0), "192.0.2.10/32", 0);
  g_assert_cmpuint (c->instance_id, ==, 0);
  g_assert_cmpstr (c->tun_name, ==, "lispmn0");
  g_assert_cmpuint (c->mtu, ==, 0);
  g_assert_true (c->manage_addresses);
  g_assert_cmpuint (c->routes->len, ==, 2);
  assert_prefix (&g_array_index (c->routes, LispPrefix, 0), "0.0.0.0/0", 0);
  assert_prefix (&g_array_index (c->routes, LispPrefix, 1), "::/0", 0);
  g_assert_cmpuint (c->route_metric, ==, 50);
  g_assert_cmpuint (c->queue_length, ==, 16);
  g_assert_cmpuint (c->rloc_probe_interval, ==, 60);
  g_assert_cmpint (c->nat_traversal, ==, LMN_NAT_TRAVERSAL_AUTO);
  g_assert_cmpuint (c->nat_keepalive_interval, ==, 20);
  g_assert_cmpuint (c->map_cache_limit, ==, 50000);
  g_assert_cmpuint (c->map_resolvers->len, ==, 0);
  g_assert_cmpuint (c->proxy_etrs->len, ==, 0);
  g_assert_false (c->strict_source_check);
  g_assert_cmpuint (c->proxy_itrs->len, ==, 0);
  g_assert_cmpuint (c->uplinks->len, ==, 0);
  g_assert_cmpuint (c->map_servers->len, ==, 0);
  g_assert_cmpuint (c->mappings->len, ==, 0);
}

static void
test_map_server_defaults (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnConfig) c = load ("[map-server 203.0.113.1]\nkey=" KEY "\n"
                                 "[lispmnd]\neids=192.0.2.10/32\n", &error);
  const LmnMapServerConfig *ms;

  g_assert_no_error (error);
  ms = g_ptr_array_index (c->map_servers, 0);
  g_assert_cmpuint (ms->key_id, ==, 0);
  g_assert_cmpuint (ms->algorithm, ==, LISP_AUTH_HMAC_SHA256_128);
}

static void
test_xtr_routes (void)
{
  static const char text[] =
    "[lispmnd]\n"
    "mode=xtr\n"
    "instance-id=5\n"
    "eids=192.0.2.0/24\n"
    "[mapping 198.51.100.0/24]\n"
    "locators=203.0.113.9\n"
    "[mapping 2001:db8:9::/48]\n"
    "action=send-map-request\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnConfig) c = load (text, &error);
  g_autoptr(LmnConfig) explicit = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (c->mode, ==, LMN_MODE_XTR);
  assert_prefix (&g_array_index (c->eids, LispPrefix, 0), "192.0.2.0/24", 5);
  /* The mappings are the routes; kernel routes carry no instance ID. */
  g_assert_cmpuint (c->routes->len, ==, 2);
  assert_prefix (&g_array_index (c->routes, LispPrefix, 0), "198.51.100.0/24", 0);
  assert_prefix (&g_array_index (c->routes, LispPrefix, 1), "2001:db8:9::/48", 0);

  explicit = load ("[lispmnd]\nmode=xtr\neids=192.0.2.0/24\nroutes=default;198.51.100.0/24\n",
                   &error);
  g_assert_no_error (error);
  g_assert_cmpuint (explicit->routes->len, ==, 3);
  assert_prefix (&g_array_index (explicit->routes, LispPrefix, 0), "0.0.0.0/0", 0);
  assert_prefix (&g_array_index (explicit->routes, LispPrefix, 1), "::/0", 0);
  assert_prefix (&g_array_index (explicit->routes, LispPrefix, 2), "198.51.100.0/24", 0);
}

/* Files that parse but are unusual: CRLF, comments, blank lines, the group at the end. */
static void
test_tolerated (void)
{
  static const char *texts[] = {
    "[lispmnd]\r\neids=192.0.2.10/32\r\n",
    "  # indented comment\n\n[lispmnd]  \n  eids = 192.0.2.10/32  \n",
    "[lispmnd]\neids=192.0.2.10/32;\nroutes=\n",
    "[lispmnd]\neids=192.0.2.10/32\nmanage-addresses=0\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LmnConfig) c = load (texts[i], &error);

      g_test_message ("text %u", i);
      g_assert_no_error (error);
      g_assert_cmpuint (c->eids->len, ==, 1);
    }
}

#define BASE "[lispmnd]\neids=192.0.2.10/32\n"  /* lines 1-2 */

static const struct {
  const char *text;
  LmnConfigError code;
  const char *message;
} broken[] = {
  /* syntax */
  { BASE "[uplink wlan0\n", LMN_CONFIG_ERROR_SYNTAX,
    "t.conf:3: Key file contains line “[uplink wlan0” which is not a key-value pair, group, "
    "or comment" },
  { "eids=192.0.2.10/32\n[lispmnd]\n", LMN_CONFIG_ERROR_SYNTAX,
    "t.conf:1: Key file does not start with a group" },
  { BASE "\n\xff\n", LMN_CONFIG_ERROR_SYNTAX, "t.conf:4: is not UTF-8 text" },
  { BASE "[map-server 203.0.113.1]\n" KEY "\n", LMN_CONFIG_ERROR_SYNTAX,
    "t.conf:4: not a KEY=VALUE line, a [GROUP] header or a comment "
    "(the line is not shown: it may hold a key)" },
  { "", LMN_CONFIG_ERROR_MISSING,
    "t.conf: [lispmnd]: missing (the group with eids= and the other general keys)" },
  /* groups */
  { BASE "[uplnk wlan0]\n", LMN_CONFIG_ERROR_UNKNOWN,
    "t.conf:3: [uplnk wlan0]: unknown group (did you mean [uplink wlan0]?)" },
  { "[lispmd]\neids=192.0.2.10/32\n", LMN_CONFIG_ERROR_UNKNOWN,
    "t.conf:1: [lispmd]: unknown group (did you mean [lispmnd]?)" },
  { BASE "[tunnel]\n", LMN_CONFIG_ERROR_UNKNOWN,
    "t.conf:3: [tunnel]: unknown group (groups: [lispmnd], [uplink IFACE], "
    "[map-server ADDRESS], [mapping PREFIX])" },
  { "[lispmnd main]\neids=192.0.2.10/32\n", LMN_CONFIG_ERROR_UNKNOWN,
    "t.conf:1: [lispmnd main]: unknown group (the group is [lispmnd], with nothing after it)" },
  { BASE "[uplink]\n", LMN_CONFIG_ERROR_MISSING,
    "t.conf:3: [uplink]: missing the IFACE ([uplink IFACE])" },
  { BASE "[uplink wlan0]\npriority=1\n\n[uplink wlan0]\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:6: [uplink wlan0]: given twice (first on line 3)" },
  /* keys */
  { BASE "[uplink wlan0]\npriorty=1\n", LMN_CONFIG_ERROR_UNKNOWN,
    "t.conf:4: [uplink wlan0]: unknown key 'priorty' (did you mean 'priority'?)" },
  { BASE "colour=blue\n", LMN_CONFIG_ERROR_UNKNOWN,
    "t.conf:3: [lispmnd]: unknown key 'colour' (valid keys: mode, eids, instance-id, tun, "
    "mtu, manage-addresses, routes, route-metric, queue-length, map-resolvers, proxy-etrs, "
    "rloc-probe-interval, nat-traversal, "
    "nat-keepalive-interval, strict-source-check, proxy-itrs, map-cache-limit)" },
  { BASE "mtu=1400\nmtu=1500\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:4: [lispmnd] mtu: given twice (first on line 3)" },
  /* [lispmnd] values */
  { "[lispmnd]\nmode=router\neids=192.0.2.10/32\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:2: [lispmnd] mode: 'router' is not a mode (mobile-node, xtr, proxy)" },
  { "[lispmnd]\nmode=xtr # a site\neids=192.0.2.0/24\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:2: [lispmnd] mode: 'xtr # a site' is not a mode (mobile-node, xtr, proxy) "
    "(a '#' starts a comment only at the start of a line)" },
  { "[lispmnd]\nmode=xtr\ntun=lispmn0\n", LMN_CONFIG_ERROR_MISSING,
    "t.conf:1: [lispmnd] eids: missing" },
  { "[lispmnd]\neids=\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:2: [lispmnd] eids: no EID (at least one is needed)" },
  { "[lispmnd]\neids=192.0.2.300/32\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:2: [lispmnd] eids: '192.0.2.300/32' is not an IPv4 or IPv6 prefix" },
  { "[lispmnd]\nmode=xtr\neids=192.0.2.0/33\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] eids: '192.0.2.0/33' is not an IPv4 or IPv6 prefix "
    "(the length is 0-32)" },
  { "[lispmnd]\neids=[7]192.0.2.10/32\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:2: [lispmnd] eids: '[7]192.0.2.10/32' is not an IPv4 or IPv6 prefix "
    "(the instance ID is set by instance-id, not in brackets)" },
  { "[lispmnd]\nmode=xtr\neids=192.0.2.1/24\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] eids: '192.0.2.1/24' has bits set past the prefix length "
    "(did you mean '192.0.2.0/24'?)" },
  { "[lispmnd]\neids=192.0.2.10/32;192.0.2.0/24\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:2: [lispmnd] eids: '192.0.2.0/24' is not a host prefix "
    "(a mobile node's EIDs are /32 or /128)" },
  { "[lispmnd]\neids=192.0.2.10;;2001:db8::1\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:2: [lispmnd] eids: entry 2 is empty (entries are separated by ';')" },
  { "[lispmnd]\neids=2001:db8::1;2001:db8:0::1/128\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:2: [lispmnd] eids: '2001:db8:0::1/128' is listed twice" },
  { BASE "instance-id=16777216\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] instance-id: '16777216' is not an instance ID (0-16777215)" },
  { BASE "tun=lispmn/0\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] tun: 'lispmn/0' is not an interface name "
    "(1-15 characters, no '/', ':' or whitespace)" },
  { BASE "tun=a-name-too-long-0\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] tun: 'a-name-too-long-0' is not an interface name "
    "(1-15 characters, no '/', ':' or whitespace)" },
  { BASE "mtu=575\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] mtu: '575' is not an MTU (0 or 576-65535)" },
  { BASE "mtu=65536\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] mtu: '65536' is not an MTU (0 or 576-65535)" },
  { "[lispmnd]\neids=2001:db8::1\nmtu=1279\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] mtu: '1279' is too small for IPv6 EIDs (0 or 1280-65535)" },
  { BASE "manage-addresses=yes\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] manage-addresses: 'yes' is not a boolean (true, false)" },
  { BASE "routes=default;0.0.0.0/0\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] routes: '0.0.0.0/0' is listed twice" },
  { BASE "routes=everything\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] routes: 'everything' is not an IPv4 or IPv6 prefix or 'default'" },
  { BASE "route-metric=4294967296\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] route-metric: '4294967296' is not a route metric (0-4294967295)" },
  { BASE "route-metric=-1\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] route-metric: '-1' is not a route metric (0-4294967295)" },
  { BASE "rloc-probe-interval=86401\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] rloc-probe-interval: '86401' is not an interval in seconds (0-86400)" },
  { BASE "rloc-probe-interval=1m\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] rloc-probe-interval: '1m' is not an interval in seconds (0-86400)" },
  { BASE "strict-source-check=yes\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] strict-source-check: 'yes' is not on or off" },
  { BASE "proxy-itrs=224.0.0.1\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] proxy-itrs: '224.0.0.1' is not a unicast address" },
  { BASE "proxy-itrs=203.0.113.4;203.0.113.4\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] proxy-itrs: proxy-ITR '203.0.113.4': the address is listed twice" },
  { BASE "nat-traversal=yes\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] nat-traversal: 'yes' is not a NAT traversal mode (auto, on, off)" },
  { BASE "nat-keepalive-interval=4\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] nat-keepalive-interval: '4' is not a keepalive interval in seconds "
    "(5-3600)" },
  { BASE "nat-keepalive-interval=3601\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] nat-keepalive-interval: '3601' is not a keepalive interval in seconds "
    "(5-3600)" },
  { BASE "nat-keepalive-interval=20s\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] nat-keepalive-interval: '20s' is not a keepalive interval in seconds "
    "(5-3600)" },
  { BASE "map-cache-limit=15\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] map-cache-limit: '15' is not a number of map-cache entries "
    "(16-10000000)" },
  { BASE "map-cache-limit=10000001\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] map-cache-limit: '10000001' is not a number of map-cache entries "
    "(16-10000000)" },
  { BASE "map-cache-limit=50k\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] map-cache-limit: '50k' is not a number of map-cache entries "
    "(16-10000000)" },
  { BASE "map-cache-limit=99999999999999999999\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] map-cache-limit: '99999999999999999999' is not a number of "
    "map-cache entries (16-10000000)" },
  { BASE "queue-length=1025\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] queue-length: '1025' is not a queue length (0-1024)" },
  { BASE "map-resolvers=203.0.113.1;map.example.com\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] map-resolvers: 'map.example.com' is not an IPv4 or IPv6 address" },
  { BASE "map-resolvers=0.0.0.0\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] map-resolvers: '0.0.0.0' is not a unicast address" },
  { BASE "proxy-etrs=203.0.113.2 1 100 5\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [lispmnd] proxy-etrs: proxy-ETR '203.0.113.2 1 100 5': too many words "
    "(ADDRESS [PRIORITY [WEIGHT]])" },
  /* [uplink IFACE] */
  { BASE "\n[uplink wlan0]\npriority=300\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:5: [uplink wlan0] priority: '300' is not a priority (0-255)" },
  { BASE "[uplink wlan0]\nweight=heavy\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:4: [uplink wlan0] weight: 'heavy' is not a weight (0-255)" },
  { BASE "[uplink wlan 0]\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [uplink wlan 0]: 'wlan 0' is not an interface name "
    "(1-15 characters, no '/', ':' or whitespace)" },
  { BASE "[uplink lispmn0]\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [uplink lispmn0]: 'lispmn0' is the TUN device, not an uplink" },
  /* [map-server ADDRESS] */
  { BASE "[map-server 203.0.113.1]\nkey-id=1\n", LMN_CONFIG_ERROR_MISSING,
    "t.conf:3: [map-server 203.0.113.1] key: missing" },
  { BASE "[map-server 203.0.113.1]\nkey=\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:4: [map-server 203.0.113.1] key: empty" },
  { BASE "[map-server 203.0.113.1]\nkey=" KEY "\nalgorithm=md5\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:5: [map-server 203.0.113.1] algorithm: 'md5' is not supported "
    "(hmac-sha-1, hmac-sha-256)" },
  { BASE "[map-server 203.0.113.1]\nkey=" KEY "\nkey-id=256\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:5: [map-server 203.0.113.1] key-id: '256' is not a key ID (0-255)" },
  { BASE "[map-server 203.0.113.256]\nkey=" KEY "\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [map-server 203.0.113.256]: '203.0.113.256' is not an IPv4 or IPv6 address" },
  { BASE "[map-server 2001:db8::1]\nkey=" KEY "\n[map-server 2001:db8:0::1]\nkey=" KEY "\n",
    LMN_CONFIG_ERROR_INVALID,
    "t.conf:5: [map-server 2001:db8:0::1]: the same map-server as [map-server 2001:db8::1] "
    "on line 3" },
  /* [mapping PREFIX] */
  { BASE "[mapping 198.51.100.0/24]\nlocators=198.51.100.1\naction=drop\n",
    LMN_CONFIG_ERROR_INVALID,
    "t.conf:5: [mapping 198.51.100.0/24] action: not allowed with locators "
    "(a mapping has locators or an action)" },
  { BASE "[mapping 198.51.100.0/24]\n", LMN_CONFIG_ERROR_MISSING,
    "t.conf:3: [mapping 198.51.100.0/24] locators: missing "
    "(a mapping needs locators or an action)" },
  { BASE "[mapping 198.51.100.0/24]\nlocators=\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:4: [mapping 198.51.100.0/24] locators: no locator "
    "(use action= for a mapping without locators)" },
  { BASE "[mapping 198.51.100.0/24]\nlocators=198.51.100.1;198.51.100.999 1 100\n",
    LMN_CONFIG_ERROR_INVALID,
    "t.conf:4: [mapping 198.51.100.0/24] locators: locator '198.51.100.999 1 100': "
    "'198.51.100.999' is not an IPv4 or IPv6 address" },
  { BASE "[mapping 198.51.100.0/24]\nlocators=198.51.100.1 256 100\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:4: [mapping 198.51.100.0/24] locators: locator '198.51.100.1 256 100': "
    "'256' is not a priority (0-255)" },
  { BASE "[mapping 198.51.100.0/24]\nlocators=198.51.100.1 1 1000\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:4: [mapping 198.51.100.0/24] locators: locator '198.51.100.1 1 1000': "
    "'1000' is not a weight (0-255)" },
  { BASE "[mapping 198.51.100.0/24]\nlocators=198.51.100.1 1 100 up\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:4: [mapping 198.51.100.0/24] locators: locator '198.51.100.1 1 100 up': "
    "too many words (ADDRESS [PRIORITY [WEIGHT]])" },
  { BASE "[mapping 198.51.100.0/24]\nlocators=224.0.0.1\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:4: [mapping 198.51.100.0/24] locators: locator '224.0.0.1': "
    "'224.0.0.1' is not a unicast address" },
  { BASE "[mapping 198.51.100.0/24]\nlocators=198.51.100.1 1;198.51.100.1 2\n",
    LMN_CONFIG_ERROR_INVALID,
    "t.conf:4: [mapping 198.51.100.0/24] locators: locator '198.51.100.1 2': "
    "the address is listed twice" },
  { BASE "[mapping 198.51.100.0/24]\naction=forward\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:4: [mapping 198.51.100.0/24] action: 'forward' is not an action (no-action, "
    "natively-forward, send-map-request, drop, drop-policy-denied, drop-auth-failure)" },
  { BASE "[mapping 198.51.100.0/240]\naction=drop\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:3: [mapping 198.51.100.0/240]: '198.51.100.0/240' is not an IPv4 or IPv6 prefix "
    "(the length is 0-32)" },
  { BASE "[mapping 2001:db8::/32]\naction=drop\n[mapping 2001:db8:0::/32]\naction=drop\n",
    LMN_CONFIG_ERROR_INVALID,
    "t.conf:5: [mapping 2001:db8:0::/32]: the same prefix as [mapping 2001:db8::/32] "
    "on line 3" },
  /* [lispmnd] is read first wherever it is, and its errors come first. */
  { "[uplink wlan0]\npriority=300\n[lispmnd]\nmode=router\n", LMN_CONFIG_ERROR_INVALID,
    "t.conf:4: [lispmnd] mode: 'router' is not a mode (mobile-node, xtr, proxy)" },
};

static void
test_broken (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LmnConfig) c = NULL;

      g_test_message ("row %u: %s", i, broken[i].message);
      c = load (broken[i].text, &error);
      g_assert_null (c);
      g_assert_nonnull (error);
      g_assert_cmpstr (error->message, ==, broken[i].message);
      g_assert_error (error, LMN_CONFIG_ERROR, (gint) broken[i].code);
    }
}

/* However a map-server group goes wrong, the key stays out of the message. */
static void
test_key_never_shown (void)
{
  static const char *texts[] = {
    BASE "[map-server 203.0.113.1]\n" KEY "\n",
    BASE "[map-server 203.0.113.1]\nkey=" KEY " \n",
    BASE "[map-server 203.0.113.1]\nkey=" KEY "\\x\n",
    BASE "[map-server 203.0.113.1]\nkey=" KEY "\nkey=" KEY "\n",
    BASE "[map-server 203.0.113.1]\nkey=" KEY "\xff\n",
    BASE "[map-server 203.0.113.1]\nkey=" KEY "\n[map-server 203.0.113.1]\nkey=" KEY "\n",
    BASE "[map-server 203.0.113.1]\nkey=" KEY "\n[mapping 198.51.100.0/24]\n",
  };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LmnConfig) c = load (texts[i], &error);

      g_test_message ("text %u: %s", i, error != NULL ? error->message : "(parsed)");
      g_assert_null (c);
      g_assert_nonnull (error);
      g_assert_null (strstr (error->message, KEY));
    }
}

/* A copy of the file at path, mode 600, in a fresh directory (*dir). */
static gchar *
private_copy (const char *path, gchar **dir)
{
  g_autofree gchar *text = NULL;
  gsize len;
  g_autofree gchar *name = g_path_get_basename (path);
  gchar *copy;

  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  *dir = g_dir_make_tmp ("lmn-example-XXXXXX", NULL);
  g_assert_nonnull (*dir);
  copy = g_build_filename (*dir, name, NULL);
  g_assert_true (g_file_set_contents_full (copy, text, len, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  return copy;
}

static void
test_example (void)
{
  g_autofree gchar *private_path = NULL, *private_dir = NULL;
  const char *path = g_getenv ("LISPMN_EXAMPLE_CONFIG");
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnConfig) c = NULL;

  g_assert_nonnull (path);
  /* As installed (lispmn-server.conf.example): a copy with the mode the daemons ask for. */
  private_path = private_copy (path, &private_dir);
  c = lmn_config_load (private_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->path, ==, private_path);
  g_assert_cmpuint (c->eids->len, ==, 2);
  g_assert_cmpuint (c->uplinks->len, ==, 3);
  g_assert_cmpuint (c->map_servers->len, ==, 1);
  /* Safe to copy as it is: no static mappings, and no default route into the TUN without a
   * proxy-ETR (which would cut the machine off every non-LISP destination). */
  g_assert_cmpuint (c->mappings->len, ==, 0);
  g_assert_cmpuint (c->proxy_etrs->len, ==, 0);
  g_assert_cmpuint (c->routes->len, ==, 0);
  g_unlink (private_path);
  g_rmdir (private_dir);
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnConfig) c = lmn_config_load ("/nonexistent/lispmn/lispmnd.conf", &error);

  g_assert_null (c);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_cmpstr (error->message, ==,
                   "/nonexistent/lispmn/lispmnd.conf: No such file or directory");
}

/* Under NetworkManager the profile brings the EIDs: a mobile node's file may hold only the
 * local settings, and lispmnd waits for Configure. */
static void
test_mobile_node_without_eids (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnConfig) c = lmn_config_load_data ("[lispmnd]\ntun=lmn7\nmtu=1400\n", -1, "t.conf",
                                                 &error);

  g_assert_no_error (error);
  g_assert_nonnull (c);
  g_assert_cmpuint (c->eids->len, ==, 0);
  g_assert_cmpstr (c->tun_name, ==, "lmn7");
  g_assert_cmpuint (c->mtu, ==, 1400);
}

static void
test_file_errors_name_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) dir_error = NULL;
  g_autofree gchar *dir = g_dir_make_tmp ("lmn-config-XXXXXX", NULL);
  g_autofree gchar *path = g_build_filename (dir, "lispmnd.conf", NULL);
  g_autofree gchar *expected = g_strdup_printf ("%s:2: [lispmnd] mode: 'router' is not a mode "
                                                "(mobile-node, xtr, proxy)", path);
  g_autofree gchar *expected_dir = g_strdup_printf ("%s: Is a directory", dir);
  g_autoptr(LmnConfig) c = NULL;

  g_assert_true (g_file_set_contents (path, "[lispmnd]\nmode=router\n", -1, NULL));
  c = lmn_config_load (path, &error);
  g_assert_null (c);
  g_assert_cmpstr (error->message, ==, expected);

  c = lmn_config_load (dir, &dir_error);
  g_assert_null (c);
  g_assert_cmpstr (dir_error->message, ==, expected_dir);

  g_unlink (path);
  g_rmdir (dir);
}

/* The man page describes every key the parser knows. */
static void
test_man_page_documents_keys (void)
{
  static const char *kinds[] = { "lispmnd", "uplink", "map-server", "mapping" };
  const char *path = g_getenv ("LISPMN_CONFIG_MAN");
  g_autofree gchar *text = NULL;

  g_assert_nonnull (path);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      const char * const *keys = lmn_config_known_keys (kinds[i]);
      g_autofree gchar *group = g_strdup_printf ("\n.SS [%s", kinds[i]);

      g_assert_nonnull (keys);
      g_assert_nonnull (strstr (text, group));
      for (guint k = 0; keys[k] != NULL; k++)
        {
          /* Dashes in the page are \- (a real minus, so copied keys work). */
          g_auto(GStrv) parts = g_strsplit (keys[k], "-", -1);
          g_autofree gchar *escaped = g_strjoinv ("\\-", parts);
          g_autofree gchar *entry = g_strdup_printf ("\n.BI %s= ", escaped);

          g_test_message ("%s %s", kinds[i], keys[k]);
          g_assert_nonnull (strstr (text, entry));
        }
    }
  g_assert_null (lmn_config_known_keys ("tunnel"));
}

static void
test_ip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *v6 = NULL;
  LmnIp ip;

  g_assert_true (lmn_ip_parse ("2001:DB8::0:1", &ip, NULL));
  g_assert_cmpuint (ip.family, ==, 6);
  v6 = lmn_ip_to_string (&ip);
  g_assert_cmpstr (v6, ==, "2001:db8::1");
  g_assert_false (lmn_ip_parse ("192.0.2.1/32", &ip, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "'192.0.2.1/32' is not an IPv4 or IPv6 address");
}

/* The names lispmnd.conf, lispmn-server.conf and Configure share (lisp-auth's table). */
static void
test_auth_names (void)
{
  static const char * const names[] = { "hmac-sha-1", "hmac-sha-256" };
  LispAuthAlg alg;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_true (lisp_auth_alg_from_setting (names[i], &alg));
      g_assert_cmpstr (lisp_auth_alg_setting (alg), ==, names[i]);
    }
  g_assert_false (lisp_auth_alg_from_setting ("md5", &alg));
  g_assert_false (lisp_auth_alg_from_setting ("HMAC-SHA-1", &alg));
  g_assert_null (lisp_auth_alg_setting (LISP_AUTH_NONE));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/config/full", test_full);
  g_test_add_func ("/config/defaults", test_defaults);
  g_test_add_func ("/config/map-server-defaults", test_map_server_defaults);
  g_test_add_func ("/config/xtr-routes", test_xtr_routes);
  g_test_add_func ("/config/tolerated", test_tolerated);
  g_test_add_func ("/config/broken", test_broken);
  g_test_add_func ("/config/key-never-shown", test_key_never_shown);
  g_test_add_func ("/config/example", test_example);
  g_test_add_func ("/config/missing-file", test_missing_file);
  g_test_add_func ("/config/mobile-node-without-eids", test_mobile_node_without_eids);
  g_test_add_func ("/config/file-errors-name-path", test_file_errors_name_path);
  g_test_add_func ("/config/man-page-documents-keys", test_man_page_documents_keys);
  g_test_add_func ("/config/ip", test_ip);
  g_test_add_func ("/config/auth-names", test_auth_names);
  return g_test_run ();
}
