/* lispmn-server.conf: a valid file read fully, the shipped example loads, and each mistake
 * gives "FILE:LINE: [GROUP] KEY: reason" without ever printing a secret. */
#include "server-config.h"
#include "lisp-auth.h"

#include <glib/gstdio.h>
#include <string.h>

static void
test_valid (void)
{
  const char *text =
    "# comment\n"
    "[lispmn-server]\n"
    "listen=192.0.2.1;2001:db8::1\n"
    "port=14342\n"
    "notify-retransmit-interval=1\n"
    "\n"
    "[site ana]\n"
    "eid-prefixes=192.0.2.0/24; [1000]2001:db8:e1d::/48\n"
    "key=s3cret\n"
    "key-id=3\n"
    "algorithm=hmac-sha-1\n"
    "key2=n3w\n"
    "key2-id=4\n"
    "accept-more-specifics=true\n"
    "proxy-reply=always\n"
    "increasing-nonces=false\n"
    "[site bob]\n"
    "eid-prefixes=198.51.100.0/24\n"
    "key=bob\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnServerConfig) c = lmn_server_config_load_data (text, strlen (text), "t.conf", &error);
  const LmnSite *ana, *bob;
  const LmnSiteKey *k;

  g_assert_no_error (error);
  g_assert_cmpuint (c->listen->len, ==, 2);
  g_assert_cmpuint (c->port, ==, 14342);
  g_assert_cmpuint (c->notify_retry, ==, 1);
  g_assert_cmpuint (c->sites->len, ==, 2);
  ana = c->sites->pdata[0];
  bob = c->sites->pdata[1];
  g_assert_cmpstr (ana->name, ==, "ana");
  g_assert_cmpuint (ana->prefixes->len, ==, 2);
  g_assert_cmpuint (g_array_index (ana->prefixes, LispPrefix, 1).iid, ==, 1000);
  g_assert_true (ana->accept_more_specifics);
  g_assert_cmpint (ana->proxy_reply, ==, LMN_PROXY_ALWAYS);
  g_assert_cmpuint (ana->keys->len, ==, 2);
  k = ana->keys->pdata[0];
  g_assert_cmpuint (k->key_id, ==, 3);
  g_assert_cmpuint (k->algorithm, ==, LISP_AUTH_HMAC_SHA1_96);
  g_assert_cmpstr (k->secret, ==, "s3cret");
  k = ana->keys->pdata[1];
  g_assert_cmpuint (k->key_id, ==, 4);
  g_assert_cmpuint (k->algorithm, ==, LISP_AUTH_HMAC_SHA256_128);
  g_assert_false (bob->accept_more_specifics);
  g_assert_cmpint (bob->proxy_reply, ==, LMN_PROXY_FOLLOW);
  g_assert_cmpint (ana->increasing_nonces, ==, LMN_NONCES_NEVER);
  g_assert_cmpint (bob->increasing_nonces, ==, LMN_NONCES_AUTO);
  g_assert_cmpuint (((LmnSiteKey *) bob->keys->pdata[0])->key_id, ==, 0);
}

static void
test_defaults (void)
{
  const char *text = "[site a]\neid-prefixes=192.0.2.10/32\nkey=x\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnServerConfig) c = lmn_server_config_load_data (text, strlen (text), "t.conf", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (c->port, ==, 4342);
  g_assert_cmpuint (c->notify_retry, ==, LMN_MS_NOTIFY_RETRY);
  g_assert_cmpuint (c->listen->len, ==, 2);
  g_assert_cmpuint (g_array_index (c->listen, LmnEndpoint, 0).family, ==, LISP_FAMILY_IPV4);
  g_assert_cmpuint (g_array_index (c->listen, LmnEndpoint, 1).family, ==, LISP_FAMILY_IPV6);
}

#define SITE_A "[site a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\n"
#define PROXY  "[proxy]\neids=192.0.2.0/24\nuplinks=eth0\nmap-resolver=203.0.113.1\n"
#define RTR    "[rtr]\naddress=203.0.113.1\nmap-servers=203.0.113.1\n"

static const struct {
  const char *text;
  const char *message;
} errors[] = {
  { "[site a]\neid-prefixes=192.0.2.0/24\n", "t.conf:1: [site a]: no key=" },
  { "[site a]\nkey=TOPSECRET\n", "t.conf:1: [site a]: no eid-prefixes=" },
  { "[site a]\neid-prefixes=192.0.2.0/33\nkey=TOPSECRET\n",
    "t.conf:2: [site a] eid-prefixes: '192.0.2.0/33'" },
  { "[site a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\nkey-id=256\n",
    "t.conf:4: [site a] key-id: '256' is not a number from 0 to 255" },
  { "[site a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\nalgorithm=md5\n",
    "t.conf:4: [site a] algorithm: 'md5' is not hmac-sha-256 or hmac-sha-1" },
  { "[site a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\nkey2=TOPSECRET2\n",
    "t.conf:4: [site a] key2: key ID 0 is already used" },
  { "[site a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\nkey2-id=1\n",
    "t.conf:4: [site a] key2-id: set without key2=" },
  { "[site a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\nproxy=yes\n",
    "t.conf:4: [site a] proxy: unknown key" },
  { "[site a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\naccept-more-specifics=maybe\n",
    "t.conf:4: [site a] accept-more-specifics: 'maybe' is not true or false" },
  { "[lispmn-server]\nnotify-retransmit-interval=0\n",
    "t.conf:2: [lispmn-server] notify-retransmit-interval: 0 seconds (1-60)" },
  { "[lispmn-server]\nanswers-per-requester=0\n",
    "t.conf:2: [lispmn-server] answers-per-requester: 0 answers a second (1-1000000)" },
  { "[lispmn-server]\nanswers-total=1000001\n",
    "t.conf:2: [lispmn-server] answers-total: '1000001' is not a number from 0 to 1000000" },
  { "[site a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\nincreasing-nonces=maybe\n",
    "t.conf:4: [site a] increasing-nonces: 'maybe' is not auto, true or false" },
  { "[site a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\nproxy-reply=sometimes\n",
    "t.conf:4: [site a] proxy-reply: 'sometimes' is not follow, always or never" },
  { "[site a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\n[site "
    "b]\neid-prefixes=192.0.2.128/25\nkey=TOPSECRET\n",
    "t.conf:5: [site b] eid-prefixes: '192.0.2.128/25' overlaps 192.0.2.0/24 of [site a]" },
  { "[site a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\n[site a]\n",
    "t.conf:4: [site a]: group already defined on line 1" },
  { "[site a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\nkey=TOPSECRET\n",
    "t.conf:4: [site a] key: set twice" },
  { "[site a]\neid-prefixes=192.0.2.0/24\nTOPSECRET\n", "t.conf:3: not a [group]" },
  { "[site]\n", "t.conf:1: [site]: a site needs a name" },
  { "[sites a]\n", "t.conf:1: [sites a]: unknown group" },
  { "[lispmn-server]\nlisten=192.0.2.300\n",
    "t.conf:2: [lispmn-server] listen: '192.0.2.300' is not an IPv4 or IPv6 address" },
  { "[lispmn-server]\nport=0\n", "t.conf:2: [lispmn-server] port: port 0" },
  { "[lispmn-server]\n", "t.conf: no [site NAME] group" },
  { "key=TOPSECRET\n", "t.conf:1: a key before the first [group]" },
  { "[site a]\neid-prefixes=192.0.2.0/24\nkey=\n", "t.conf:3: [site a] key: empty value" },
  /* the proxy-ETR/ITR */
  { "[site a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\n[proxy]\nuplinks=eth0\n",
    "t.conf:4: [proxy] eids: required" },
  { "[site a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\n[proxy]\neids=192.0.2.0/24\n",
    "t.conf:4: [proxy] uplinks: required" },
  { "[site a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\n[proxy]\neids=;\nuplinks=eth0\n",
    "t.conf:5: [proxy] eids: empty list" },
  { "[site "
    "a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\n[proxy]\neids=192.0.2.0/40\nuplinks=eth0\n",
    "t.conf:5: [proxy] eids: '192.0.2.0/40' is not an IPv4 or IPv6 prefix" },
  { "[site "
    "a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\n[proxy]\neids=[7]192.0.2.0/24\nuplinks=eth0\n",
    "t.conf:5: [proxy] eids: '[7]192.0.2.0/24' is not" },
  { "[site "
    "a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\n[proxy]\neids=192.0.2.0/24\nuplinks=eth0;a/b\n",
    "t.conf:6: [proxy] uplinks: 'a/b' is not an interface name" },
  { "[site "
    "a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\n[proxy]\neids=192.0.2.0/"
    "24\nuplinks=eth0\ntun=a-name-much-too-long\n",
    "t.conf:7: [proxy] tun: 'a-name-much-too-long' is not an interface name" },
  { "[site "
    "a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\n[proxy]\neids=192.0.2.0/"
    "24\nuplinks=eth0\nmap-resolver=mr.example\n",
    "t.conf:7: [proxy] map-resolver: 'mr.example' is not an IPv4 or IPv6 address" },
  { "[site "
    "a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\n[proxy]\neids=192.0.2.0/"
    "24\nuplinks=eth0\nrtr=yes\n",
    "t.conf:7: [proxy] rtr: unknown key" },
  { "[site "
    "a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\n[proxy]\neids=192.0.2.0/24\nuplinks=eth0\n",
    "t.conf: [proxy] map-resolver: required when [lispmn-server] listen= has no address of its "
    "own" },
  /* NAT traversal: the map-server's RTRs and the RTR */
  { SITE_A "[map-server]\nrtrs=203.0.113.300\n",
    "t.conf:5: [map-server] rtrs: '203.0.113.300' is not an IPv4 or IPv6 address" },
  { SITE_A "[map-server]\nrtrs=0.0.0.0\n",
    "t.conf:5: [map-server] rtrs: '0.0.0.0' is no address to send to" },
  { SITE_A "[map-server]\nrtrs=203.0.113.2;203.0.113.2\n",
    "t.conf:5: [map-server] rtrs: '203.0.113.2' is listed twice" },
  { SITE_A "[map-server]\nrtr-key=TOPSECRET\n",
    "t.conf:5: [map-server] rtr-key: set without rtrs=" },
  { SITE_A "[map-server]\nrtrs=203.0.113.2\nrtr-key=\n",
    "t.conf:6: [map-server] rtr-key: empty value" },
  { SITE_A "[map-server]\nrtr=203.0.113.2\n", "t.conf:5: [map-server] rtr: unknown key" },
  { SITE_A PROXY "[rtr]\nmap-servers=203.0.113.1\n", "t.conf:8: [rtr] address: required" },
  { SITE_A PROXY "[rtr]\naddress=203.0.113.1\n", "t.conf:8: [rtr] map-servers: required" },
  { SITE_A PROXY RTR "max-unverified=0\n", "t.conf:11: [rtr] max-unverified: 0 (1-1000000)" },
  { SITE_A PROXY RTR "max-unverified=lots\n",
    "t.conf:11: [rtr] max-unverified: 'lots' is not a number" },
  { SITE_A PROXY RTR "ms-key=\n", "t.conf:11: [rtr] ms-key: empty value" },
  { SITE_A PROXY "map-cache-limit=lots\n",
    "t.conf:8: [proxy] map-cache-limit: 'lots' is not a number from 0 to 4294967295" },
  { SITE_A RTR, "t.conf: [rtr] needs a [proxy] group" },
  { "[proxy]\neids=192.0.2.0/24\nuplinks=eth0\n" RTR,
    "t.conf: [proxy] map-resolver: required for an RTR without [site NAME] groups" },
};

/* A [proxy] group: its values, and the map-resolver defaulting to this server. */
/* increasing-nonces=: auto, or a boolean as every other boolean key. */
static void
test_nonce_check (void)
{
  static const struct {
    const char *value;
    LmnNonceCheck check;
  } rows[] = {
    { "auto", LMN_NONCES_AUTO },   { "true", LMN_NONCES_ALWAYS }, { "yes", LMN_NONCES_ALWAYS },
    { "false", LMN_NONCES_NEVER }, { "no", LMN_NONCES_NEVER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree gchar *text =
        g_strdup_printf ("[site a]\neid-prefixes=192.0.2.0/24\nkey=k\nincreasing-nonces=%s\n",
                         rows[i].value);
      g_autoptr(GError) error = NULL;
      g_autoptr(LmnServerConfig) c = lmn_server_config_load_data (text, strlen (text), "t.conf",
                                                                  &error);

      g_assert_no_error (error);
      g_assert_cmpint (((LmnSite *) c->sites->pdata[0])->increasing_nonces, ==, rows[i].check);
    }
}

static void
test_proxy (void)
{
  static const char text[] =
    "[lispmn-server]\nlisten=0.0.0.0;2001:db8:ffff::2;203.0.113.2\n"
    "[site a]\neid-prefixes=192.0.2.0/24\nkey=TOPSECRET\n"
    "[proxy]\neids=192.0.2.0/28;2001:db8:e1d::/48\nuplinks=eth0;wwan0\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnServerConfig) c = lmn_server_config_load_data (text, strlen (text), "t.conf", &error);
  static const guint8 v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [15] = 2 };

  g_assert_no_error (error);
  g_assert_nonnull (c->proxy);
  g_assert_cmpuint (c->proxy->eids->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (c->proxy->eids, 1), ==, "2001:db8:e1d::/48");
  g_assert_cmpuint (c->proxy->uplinks->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (c->proxy->uplinks, 1), ==, "wwan0");
  g_assert_cmpstr (c->proxy->tun, ==, "lispmn-px0");
  /* the first listen= address that is not the wildcard */
  g_assert_cmpuint (c->proxy->map_resolver.family, ==, 6);
  g_assert_cmpmem (c->proxy->map_resolver.addr, 16, v6, 16);
  g_assert_false (c->proxy->has_map_cache_limit);
}

static void
test_proxy_map_cache_limit (void)
{
  static const char text[] = SITE_A PROXY "map-cache-limit=2000\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnServerConfig) c = lmn_server_config_load_data (text, strlen (text), "t.conf",
                                                              &error);

  g_assert_no_error (error);
  g_assert_true (c->proxy->has_map_cache_limit);
  g_assert_cmpuint (c->proxy->map_cache_limit, ==, 2000);
}

/* [map-server] and [rtr]: NAT traversal. */
static void
test_nat (void)
{
  static const char text[] =
    "[site a]\neid-prefixes=192.0.2.0/24\nkey=x\n"
    "[map-server]\nrtrs=203.0.113.2; 2001:db8::2\nrtr-key=ms-rtr\n"
    "[proxy]\neids=192.0.2.0/24\nuplinks=eth0\nmap-resolver=203.0.113.1\n"
    "[rtr]\naddress=203.0.113.2\nmap-servers=203.0.113.1\nms-key=ms-rtr\nmax-unverified=50\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnServerConfig) c = NULL;
  g_autoptr(LmnServerConfig) plain = NULL;
  static const char plain_text[] = "[site a]\neid-prefixes=192.0.2.0/24\nkey=x\n";

  c = lmn_server_config_load_data (text, strlen (text), "t.conf", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (c->rtrs->len, ==, 2);
  g_assert_cmpuint (g_array_index (c->rtrs, LmnEndpoint, 0).family, ==, LISP_FAMILY_IPV4);
  g_assert_cmpuint (g_array_index (c->rtrs, LmnEndpoint, 0).addr[3], ==, 2);
  g_assert_cmpuint (g_array_index (c->rtrs, LmnEndpoint, 1).family, ==, LISP_FAMILY_IPV6);
  g_assert_cmpstr (c->rtr_key, ==, "ms-rtr");
  g_assert_nonnull (c->rtr);
  g_assert_cmpuint (c->rtr->addresses->len, ==, 1);
  g_assert_cmpuint (c->rtr->map_servers->len, ==, 1);
  g_assert_cmpstr (c->rtr->ms_key, ==, "ms-rtr");
  g_assert_cmpuint (c->rtr->max_unverified, ==, 50);

  plain = lmn_server_config_load_data (plain_text, strlen (plain_text), "t.conf", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plain->rtrs->len, ==, 0);
  g_assert_null (plain->rtr_key);
  g_assert_null (plain->rtr);
}

/* An RTR alone, on a host of its own: no site, the map-resolver named. */
static void
test_rtr_alone (void)
{
  static const char text[] = PROXY RTR;
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnServerConfig) c = lmn_server_config_load_data (text, strlen (text), "t.conf",
                                                              &error);

  g_assert_no_error (error);
  g_assert_cmpuint (c->sites->len, ==, 0);
  g_assert_nonnull (c->rtr);
}

static void
test_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LmnServerConfig) c =
        lmn_server_config_load_data (errors[i].text, strlen (errors[i].text), "t.conf", &error);

      g_test_message ("case %u: %s", i, error != NULL ? error->message : "(accepted)");
      g_assert_null (c);
      g_assert_nonnull (error);
      g_assert_true (error->domain == LMN_SERVER_CONFIG_ERROR);
      if (!g_str_has_prefix (error->message, errors[i].message))
        g_error ("case %u: got \"%s\", expected it to start with \"%s\"", i, error->message,
                 errors[i].message);
      g_assert_null (strstr (error->message, "TOPSECRET"));
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
  const char *path = g_getenv ("LISPMN_SERVER_EXAMPLE_CONFIG");
  const char *man = g_getenv ("LISPMN_SERVER_MAN");
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnServerConfig) c = NULL;
  g_autofree gchar *page = NULL;
  static const char *const keys[] = {
    "listen",
    "port",
    "eid-prefixes",
    "key",
    "key-id",
    "algorithm",
    "key2",
    "key2-id",
    "key2-algorithm",
    "accept-more-specifics",
    "proxy-reply",
    "notify-retransmit-interval",
    "answers-per-requester",
    "answers-total",
    "increasing-nonces",
    "eids",
    "uplinks",
    "tun",
    "map-resolver",
  };
  /* NAT traversal */
  static const char *const nat_keys[] = { "rtrs",        "rtr-key", "address",
                                          "map-servers", "ms-key",  "max-unverified" };

  g_assert_nonnull (path);
  /* As installed (lispmn-server.conf.example): a copy with the mode the daemons ask for. */
  private_path = private_copy (path, &private_dir);
  c = lmn_server_config_load (private_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (c->sites->len, >=, 1);
  g_assert_nonnull (man);
  g_assert_true (g_file_get_contents (man, &page, NULL, &error));
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree gchar *needle = g_strdup_printf ("\\fB%s\\fR", keys[i]);

      if (strstr (page, needle) == NULL)
        g_error ("the man page does not document %s", keys[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (nat_keys); i++)
    {
      g_autofree gchar *needle = g_strdup_printf ("\\fB%s\\fR", nat_keys[i]);

      if (strstr (page, needle) == NULL)
        g_error ("the man page does not document %s", nat_keys[i]);
    }
  g_unlink (private_path);
  g_rmdir (private_dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server-config/valid", test_valid);
  g_test_add_func ("/server-config/defaults", test_defaults);
  g_test_add_func ("/server-config/errors", test_errors);
  g_test_add_func ("/server-config/proxy", test_proxy);
  g_test_add_func ("/server-config/proxy-map-cache-limit", test_proxy_map_cache_limit);
  g_test_add_func ("/server-config/nonce-check", test_nonce_check);
  g_test_add_func ("/server-config/nat", test_nat);
  g_test_add_func ("/server-config/rtr-alone", test_rtr_alone);
  g_test_add_func ("/server-config/example", test_example);
  return g_test_run ();
}
