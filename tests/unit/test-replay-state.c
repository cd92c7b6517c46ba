/* lispmn-server's state across a restart (daemon/server/replay-state.c, map-resolver.c): the
 * last Map-Register nonces written as text and read back into a new server, which then refuses
 * the old messages; the file (missing, broken, written where no directory was); and the
 * negative-reply TTL for prefixes registered before a restart. */
#include "map-server.h"
#include "replay-state.h"
#include "lisp-auth.h"
#include "test-table.h"

#include <glib/gstdio.h>
#include <string.h>

#define KEY "home-secret"
#define T0  1000
#define R0  G_GINT64_CONSTANT (1800000000) /* seconds since the epoch at T0 */

static const LmnEndpoint XTR = { LISP_FAMILY_IPV4, { 198, 51, 100, 2 }, 61000 };
static const LmnEndpoint ITR = { LISP_FAMILY_IPV4, { 203, 0, 113, 50 }, 4342 };

/* "home": 192.0.2.0/24, more-specifics, key ID 1; "my site": 2001:db8::/32, key ID 3. */
static LmnMapServer *
make_server (void)
{
  GPtrArray *sites = g_ptr_array_new ();
  LmnSite *home = lmn_site_new ("home"), *other = lmn_site_new ("my site");
  LispPrefix p;

  g_assert_true (lisp_prefix_parse ("192.0.2.0/24", &p, NULL));
  g_array_append_val (home->prefixes, p);
  home->accept_more_specifics = TRUE;
  lmn_site_add_key (home, 1, LISP_AUTH_HMAC_SHA256_128, KEY);
  g_assert_true (lisp_prefix_parse ("2001:db8::/32", &p, NULL));
  g_array_append_val (other->prefixes, p);
  other->accept_more_specifics = TRUE;
  lmn_site_add_key (other, 3, LISP_AUTH_HMAC_SHA256_128, KEY);
  g_ptr_array_add (sites, home);
  g_ptr_array_add (sites, other);
  return lmn_map_server_new (sites);
}

/* A Map-Register of eid (a host) at locator from the xTR-ID all bytes xtr, signed. */
static GBytes *
encode_register (const char *eid, const char *locator, guint8 key_id, guint8 xtr, guint64 nonce)
{
  g_autoptr(LispMapRegister) m = lisp_map_register_new (LISP_TYPE_MAP_REGISTER);
  g_autoptr(GError) error = NULL;
  LispAddress *a = lisp_address_parse (eid, NULL);
  LispRecord *rec = lisp_record_new (a, lisp_address_ip (a, (guint8[16]) { 0 }) == 4 ? 32 : 128,
                                     10);
  LispLocator *l = lisp_locator_new (lisp_address_parse (locator, NULL), 1, 100);
  GBytes *b;

  l->reachable = TRUE;
  g_ptr_array_add (rec->locators, l);
  g_ptr_array_add (m->records, rec);
  m->nonce = nonce;
  m->key_id = key_id;
  m->alg_id = LISP_AUTH_HMAC_SHA256_128;
  m->has_xtr_id = TRUE;
  memset (m->xtr_id, xtr, 16);
  b = lisp_map_register_encode (m, (const guint8 *) KEY, strlen (KEY), &error);
  g_assert_no_error (error);
  return b;
}

static gboolean
handle (LmnMapServer *ms, GBytes *msg, gint64 now)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_datagram_free);

  return lmn_map_server_handle (ms, g_bytes_get_data (msg, NULL), g_bytes_get_size (msg), &XTR, now,
                                out);
}

/* The first locator registered for the only registration. */
static gchar *
registered_locator (LmnMapServer *ms)
{
  const LmnSiteRegistration *reg;

  g_assert_cmpuint (lmn_map_server_registrations (ms)->len, ==, 1);
  reg = lmn_map_server_registrations (ms)->pdata[0];
  return lisp_address_to_string (((LispLocator *) reg->record->locators->pdata[0])->address);
}

/* Two xTRs count up (a lispmnd, in two sites), one repeats its nonce: written, read into a
 * new server (a restart), the old messages are refused there, newer ones taken. */
static void
test_round_trip (void)
{
  g_autoptr(LmnMapServer) before = make_server ();
  g_autoptr(LmnMapServer) after = make_server ();
  g_autoptr(GBytes) old = encode_register ("192.0.2.10", "198.51.100.2", 1, 0xaa, 100);
  g_autoptr(GBytes) moved = encode_register ("192.0.2.10", "203.0.113.9", 1, 0xaa, 101);
  g_autoptr(GBytes) newer = encode_register ("192.0.2.10", "203.0.113.9", 1, 0xaa, 102);
  g_autoptr(GBytes) v6a = encode_register ("2001:db8::1", "198.51.100.2", 3, 0xbb, 7);
  g_autoptr(GBytes) v6b = encode_register ("2001:db8::1", "198.51.100.2", 3, 0xbb, 8);
  g_autoptr(GBytes) same = encode_register ("192.0.2.20", "198.51.100.3", 1, 0xcc, 5);
  g_autoptr(GError) error = NULL;
  g_autofree gchar *text = NULL, *again = NULL, *locator = NULL;

  g_assert_false (lmn_replay_state_dirty (before));
  g_assert_true (handle (before, old, T0) && handle (before, moved, T0 + 1));
  g_assert_true (handle (before, v6a, T0 + 2) && handle (before, v6b, T0 + 3));
  g_assert_true (handle (before, same, T0 + 4) && handle (before, same, T0 + 5));
  g_assert_true (lmn_replay_state_dirty (before));
  /* Written at T0 + 5: each registration lapses 180 s after its last refresh. */
  text = lmn_replay_state_to_text (before, T0 + 5, R0 + 5);
  g_assert_cmpstr (text, ==,
                   "lispmn-server replay state 1\n"
                   "1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 0000000000000065 1 home\n"
                   "3 bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 0000000000000008 1 my site\n"
                   "1 cccccccccccccccccccccccccccccccc 0000000000000005 0 home\n"
                   "eid 192.0.2.10/32 1800000181 home\n"
                   "eid 2001:db8::1/128 1800000183 my site\n"
                   "eid 192.0.2.20/32 1800000185 home\n");

  /* The restart, 5 s later: a new server on another monotonic clock, the state read back.
   * The prefixes are expected back, as long as their registrations would have lasted. */
  g_assert_cmpint (lmn_replay_state_from_text (after, text, "f", 50, R0 + 10, &error), ==, 6);
  g_assert_no_error (error);
  again = lmn_replay_state_to_text (after, 50, R0 + 10);
  g_assert_cmpstr (again, ==, text);
  g_assert_false (handle (after, old, 60));
  g_assert_false (handle (after, moved, 61));
  g_assert_false (handle (after, v6a, 62));
  g_assert_cmpuint (lmn_map_server_counter (after, LMN_MS_DROP_REPLAYED_REGISTER), ==, 3);
  g_assert_cmpuint (lmn_map_server_registrations (after)->len, ==, 0);
  /* An xTR that repeats its nonce was never held to growing ones: still taken. */
  g_assert_true (handle (after, same, 63));
  g_ptr_array_set_size ((GPtrArray *) lmn_map_server_registrations (after), 0);
  g_assert_true (handle (after, newer, 64));
  locator = registered_locator (after);
  g_assert_cmpstr (locator, ==, "203.0.113.9");
}

typedef struct {
  const char *path;
  const char *text;
  const char *error; /* NULL: read, with `loaded` entries */
  gint loaded;
} TextCase;

#define XTR_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const TextCase text_cases[] = {
  { "/text/empty-state", "lispmn-server replay state 1\n", NULL, 0 },
  { "/text/eid", "lispmn-server replay state 1\neid 192.0.2.10/32 1800000100 home\n", NULL, 1 },
  { "/text/eid-of-another-site",
    "lispmn-server replay state 1\neid 192.0.2.10/32 1800000100 my site\n", NULL, 0 },
  { "/text/eid-lapsed", "lispmn-server replay state 1\neid 192.0.2.10/32 1700000000 home\n", NULL,
    0 },
  { "/text/eid-bad-prefix", "lispmn-server replay state 1\neid 192.0.2.300/32 1800000100 home\n",
    "f:2: not eid PREFIX EXPIRES SITE" },
  { "/text/eid-bad-time", "lispmn-server replay state 1\neid 192.0.2.10/32 -5 home\n",
    "f:2: not eid PREFIX EXPIRES SITE" },
  { "/text/eid-no-site", "lispmn-server replay state 1\neid 192.0.2.10/32 1800000100\n",
    "f:2: not eid PREFIX EXPIRES SITE" },
  { "/text/site-gone", "lispmn-server replay state 1\n1 " XTR_A " 0000000000000001 1 gone\n", NULL,
    0 },
  { "/text/key-gone", "lispmn-server replay state 1\n9 " XTR_A " 0000000000000001 1 home\n", NULL,
    0 },
  { "/text/one", "lispmn-server replay state 1\n1 " XTR_A " 00000000000000ff 1 home\n", NULL, 1 },
  { "/text/no-header", "1 " XTR_A " 0000000000000001 1 home\n",
    "f: not a replay state (its first line is not \"lispmn-server replay state 1\")" },
  { "/text/other-version", "lispmn-server replay state 2\n",
    "f: not a replay state (its first line is not \"lispmn-server replay state 1\")" },
  { "/text/short-xtr-id", "lispmn-server replay state 1\n1 aaaa 0000000000000001 1 home\n",
    "f:2: not KEY-ID XTR-ID NONCE COUNTING SITE" },
  { "/text/bad-hex", "lispmn-server replay state 1\n1 " XTR_A " 00000000000000zz 1 home\n",
    "f:2: not KEY-ID XTR-ID NONCE COUNTING SITE" },
  { "/text/bad-flag", "lispmn-server replay state 1\n1 " XTR_A " 0000000000000001 2 home\n",
    "f:2: not KEY-ID XTR-ID NONCE COUNTING SITE" },
  { "/text/key-id-256", "lispmn-server replay state 1\n256 " XTR_A " 0000000000000001 1 home\n",
    "f:2: not KEY-ID XTR-ID NONCE COUNTING SITE" },
  { "/text/no-site", "lispmn-server replay state 1\n1 " XTR_A " 0000000000000001 1\n",
    "f:2: not KEY-ID XTR-ID NONCE COUNTING SITE" },
};

static void
test_text (gconstpointer data)
{
  const TextCase *c = data;
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GError) error = NULL;
  gint n = lmn_replay_state_from_text (ms, c->text, "f", T0, R0, &error);

  if (c->error != NULL)
    {
      g_assert_cmpint (n, ==, -1);
      g_assert_cmpstr (error->message, ==, c->error);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, c->loaded);
}

/* A broken file changes nothing: the entries of its good lines are not half taken. */
static void
test_broken_changes_nothing (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GBytes) reg = encode_register ("192.0.2.10", "198.51.100.2", 1, 0xaa, 100);
  static const char text[] = "lispmn-server replay state 1\n"
                             "1 " XTR_A " 00000000000000ff 1 home\n"
                             "1 " XTR_A " 00000000000000ff x home\n";

  g_assert_cmpint (lmn_replay_state_from_text (ms, text, "f", T0, R0, NULL), ==, -1);
  g_assert_true (handle (ms, reg, T0));
}

static void
test_file (void)
{
  g_autofree gchar *dir = g_dir_make_tmp ("lmn-replay-XXXXXX", NULL);
  g_autofree gchar *sub = g_build_filename (dir, "lib", NULL);
  g_autofree gchar *path = g_build_filename (sub, "lispmn-server.replay", NULL);
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(LmnMapServer) restarted = make_server ();
  g_autoptr(GBytes) reg = encode_register ("192.0.2.10", "198.51.100.2", 1, 0xaa, 100);
  g_autoptr(GBytes) reg2 = encode_register ("192.0.2.10", "198.51.100.2", 1, 0xaa, 101);
  g_autoptr(GError) error = NULL;
  GStatBuf st;
  guint n = 99;

  /* No file yet: an empty state. */
  g_assert_true (lmn_replay_state_load (ms, path, T0, R0, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 0);
  g_assert_true (handle (ms, reg, T0) && handle (ms, reg2, T0 + 1));
  g_assert_true (lmn_replay_state_dirty (ms));
  /* Its directory is made, private. */
  g_assert_true (lmn_replay_state_save (ms, path, T0 + 1, R0 + 1, &error));
  g_assert_no_error (error);
  g_assert_false (lmn_replay_state_dirty (ms));
  g_assert_cmpint (g_stat (sub, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0700);

  g_assert_true (lmn_replay_state_load (restarted, path, 5, R0 + 3, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2); /* the nonce and the prefix */
  g_assert_false (lmn_replay_state_dirty (restarted));
  g_assert_false (handle (restarted, reg2, 6));

  /* A broken file is an error naming it. */
  g_assert_true (g_file_set_contents (path, "{}", -1, NULL));
  g_assert_false (lmn_replay_state_load (restarted, path, 5, R0 + 3, &n, &error));
  g_assert_true (g_str_has_prefix (error->message, path));

  g_unlink (path);
  g_rmdir (sub);
  g_rmdir (dir);
}

/* ---- the negative-reply TTL after a restart ---- */

/* A server restarted at T0 that had 192.0.2.10/32 and 2001:db8::/48 registered, until
 * T0 + 100 (they lapse then unless their xTRs refresh them). */
static LmnMapServer *
restarted_server (void)
{
  LmnMapServer *ms = make_server ();
  LispPrefix p;

  g_assert_true (lisp_prefix_parse ("192.0.2.10/32", &p, NULL));
  lmn_map_server_expect (ms, &p, T0 + 100);
  g_assert_true (lisp_prefix_parse ("2001:db8::/48", &p, NULL));
  lmn_map_server_expect (ms, &p, T0 + 100);
  return ms;
}

typedef struct {
  const char *path;
  const char *eid;
  gint64 since_start;
  guint32 ttl;
} TtlCase;

static const TtlCase ttl_cases[] = {
  { "/ttl/expected/at-start", "192.0.2.10/32", 0, 0 },
  { "/ttl/expected/after-1-minute", "192.0.2.10/32", 60, 0 },
  /* The last second its registration would have lasted: its xTR may still come back. */
  { "/ttl/expected/last-second", "192.0.2.10/32", 99, 0 },
  { "/ttl/expected/lapsed", "192.0.2.10/32", 100, LMN_MS_TTL_UNREGISTERED },
  { "/ttl/expected/inside-a-prefix", "2001:db8::99/128", 1, 0 },
  /* Never registered before the restart: nothing is about to come back. */
  { "/ttl/other-host-of-the-site", "192.0.2.11/32", 1, LMN_MS_TTL_UNREGISTERED },
  { "/ttl/other-prefix-of-the-site", "2001:db8:1::1/128", 1, LMN_MS_TTL_UNREGISTERED },
};

static void
test_ttl (gconstpointer data)
{
  const TtlCase *c = data;
  g_autoptr(LmnMapServer) ms = restarted_server ();
  LispPrefix q;
  guint32 ttl;

  g_assert_true (lisp_prefix_parse (c->eid, &q, NULL));
  ttl = lmn_ms_unregistered_ttl (ms, &q, T0 + c->since_start);
  g_assert_cmpuint (ttl, ==, c->ttl);
  /* Never longer than the time left until an expected registration must have refreshed. */
  if (c->ttl != LMN_MS_TTL_UNREGISTERED)
    g_assert_cmpint ((gint64) ttl * 60, <=, 100 - c->since_start);
}

/* The TTL of a negative Map-Reply for an EID of a site, sent at now. */
static guint32
negative_ttl (LmnMapServer *ms, const char *eid, gint64 now)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_datagram_free);
  g_autoptr(LispMapRequest) req = lisp_map_request_new ();
  g_autoptr(LispEcm) ecm = lisp_ecm_new ();
  g_autoptr(LispMapReply) reply = NULL;
  g_autoptr(GBytes) msg = NULL;
  g_autoptr(GError) error = NULL;
  const LmnDatagram *d;

  req->nonce = 77;
  g_ptr_array_add (req->itr_rlocs, lisp_address_parse ("203.0.113.50", NULL));
  lisp_map_request_add_record (req, lisp_address_parse (eid, NULL), 32);
  ecm->inner = lisp_map_request_encode (req, &error);
  ecm->ip_version = 4;
  memcpy (ecm->src, ITR.addr, 4);
  g_assert_true (lisp_address_ip (((LispRequestRecord *) req->records->pdata[0])->eid, ecm->dst));
  ecm->ttl = 64;
  ecm->sport = 4342;
  ecm->dport = 4342;
  msg = lisp_ecm_encode (ecm, &error);
  g_assert_no_error (error);
  lmn_map_server_handle (ms, g_bytes_get_data (msg, NULL), g_bytes_get_size (msg), &ITR, now, out);
  g_assert_cmpuint (out->len, ==, 1);
  d = out->pdata[0];
  g_assert_true (lisp_map_reply_decode (g_bytes_get_data (d->data, NULL),
                                        g_bytes_get_size (d->data), &reply, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (((LispRecord *) reply->records->pdata[0])->locators->len, ==, 0);
  return ((LispRecord *) reply->records->pdata[0])->ttl;
}

static void
test_negative_reply_after_restart (void)
{
  g_autoptr(LmnMapServer) ms = restarted_server ();
  g_autoptr(LmnMapServer) fresh = make_server ();
  g_autoptr(GBytes) reg = encode_register ("192.0.2.10", "198.51.100.2", 1, 0xaa, 100);
  g_autofree gchar *text = NULL;

  g_assert_cmpuint (negative_ttl (ms, "192.0.2.10", T0 + 1), ==, 0);
  g_assert_cmpuint (negative_ttl (ms, "192.0.2.10", T0 + 99), ==, 0);
  g_assert_cmpuint (negative_ttl (ms, "192.0.2.11", T0 + 1), ==, LMN_MS_TTL_UNREGISTERED);
  /* Outside every site nothing can come back: the usual 15 minutes at once. */
  g_assert_cmpuint (negative_ttl (ms, "198.51.100.99", T0 + 1), ==, LMN_MS_TTL_NON_EID);
  /* A server with nothing to expect (as the other tests drive it): the usual minute. */
  g_assert_cmpuint (negative_ttl (fresh, "192.0.2.10", T0), ==, LMN_MS_TTL_UNREGISTERED);
  /* Registered again: written as registered, no longer as expected. */
  g_assert_true (handle (ms, reg, T0 + 2));
  text = lmn_replay_state_to_text (ms, T0 + 2, R0 + 2);
  g_assert_true (g_str_has_suffix (text, "eid 192.0.2.10/32 1800000182 home\n"
                                         "eid 2001:db8::/48 1800000100 my site\n"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/replay-state/round-trip", test_round_trip);
  TEST_ADD_TABLE (text_cases, test_text);
  g_test_add_func ("/replay-state/broken-changes-nothing", test_broken_changes_nothing);
  g_test_add_func ("/replay-state/file", test_file);
  TEST_ADD_TABLE (ttl_cases, test_ttl);
  g_test_add_func ("/negative-reply/after-restart", test_negative_reply_after_restart);
  return g_test_run ();
}
