/* The map-server / map-resolver core, driven with messages built by the library's encoders
 * and with passed-in time: registration and its authentication, Map-Notify, expiry, moves,
 * every kind of resolver answer, and garbage. */
#include "map-server.h"
#include "lisp-auth.h"
#include "map-register.h"
#include "map-resolver.h"
#include "registrar.h"

#include <string.h>

#define ANA_KEY "ana-secret"
#define ANA_OLD_KEY "ana-old-secret"
#define BOB_KEY "bob-secret"
#define T0 1000

static const LmnEndpoint MN1 = { LISP_FAMILY_IPV4, { 198, 51, 100, 2 }, 61000 };
static const LmnEndpoint MN1_MOVED = { LISP_FAMILY_IPV4, { 203, 0, 113, 9 }, 61001 };
static const LmnEndpoint ITR = { LISP_FAMILY_IPV4, { 203, 0, 113, 50 }, 4342 };

/* ana: 192.0.2.0/24 and 2001:db8:e1d::/48, more-specifics accepted, two keys (roll-over);
 * bob: exactly 198.51.100.128/25; carol: [1000]203.0.113.128/25, never proxy-replied. */
static LmnMapServer *
make_server (void)
{
  GPtrArray *sites = g_ptr_array_new ();
  LmnSite *ana = lmn_site_new ("ana"), *bob = lmn_site_new ("bob"), *carol = lmn_site_new ("carol");
  LispPrefix p;

  g_assert_true (lisp_prefix_parse ("192.0.2.0/24", &p, NULL));
  g_array_append_val (ana->prefixes, p);
  g_assert_true (lisp_prefix_parse ("2001:db8:e1d::/48", &p, NULL));
  g_array_append_val (ana->prefixes, p);
  ana->accept_more_specifics = TRUE;
  lmn_site_add_key (ana, 1, LISP_AUTH_HMAC_SHA256_128, ANA_KEY);
  lmn_site_add_key (ana, 2, LISP_AUTH_HMAC_SHA1_96, ANA_OLD_KEY);
  g_assert_true (lisp_prefix_parse ("198.51.100.128/25", &p, NULL));
  g_array_append_val (bob->prefixes, p);
  lmn_site_add_key (bob, 1, LISP_AUTH_HMAC_SHA256_128, BOB_KEY);
  g_assert_true (lisp_prefix_parse ("[1000]203.0.113.128/25", &p, NULL));
  g_array_append_val (carol->prefixes, p);
  carol->accept_more_specifics = TRUE;
  carol->proxy_reply = LMN_PROXY_NEVER;
  lmn_site_add_key (carol, 7, LISP_AUTH_HMAC_SHA256_128, "carol");
  g_ptr_array_add (sites, ana);
  g_ptr_array_add (sites, bob);
  g_ptr_array_add (sites, carol);
  return lmn_map_server_new (sites);
}

typedef struct {
  const char *eid;        /* "192.0.2.10/32" */
  const char *locators[3];
  guint8      key_id;
  guint8      alg;
  const char *secret;
  gboolean    proxy;
  gboolean    want_notify;
  gboolean    use_ttl;
  guint32     ttl;
  guint64     nonce;
  gboolean    xtr_id;
} Reg;

static LispMapRegister *
build_register (const Reg *r)
{
  LispMapRegister *m = lisp_map_register_new (LISP_TYPE_MAP_REGISTER);
  g_auto(GStrv) parts = g_strsplit (r->eid, "/", 2);
  LispRecord *rec = lisp_record_new (lisp_address_parse (parts[0], NULL),
                                     (guint8) atoi (parts[1]), r->ttl ? r->ttl : 10);

  g_assert_nonnull (rec->eid);
  for (guint i = 0; i < G_N_ELEMENTS (r->locators) && r->locators[i] != NULL; i++)
    {
      LispLocator *l = lisp_locator_new (lisp_address_parse (r->locators[i], NULL), 1, 100);

      l->local = TRUE;
      l->reachable = TRUE;
      g_ptr_array_add (rec->locators, l);
    }
  g_ptr_array_add (m->records, rec);
  m->proxy_reply = r->proxy;
  m->want_notify = r->want_notify;
  m->use_ttl = r->use_ttl;
  m->nonce = r->nonce;
  m->key_id = r->key_id;
  m->alg_id = r->alg ? r->alg : LISP_AUTH_HMAC_SHA256_128;
  if (r->xtr_id)
    {
      m->has_xtr_id = TRUE;
      memset (m->xtr_id, 0xab, 16);
      m->site_id = 42;
    }
  return m;
}

static GBytes *
encode_register (const Reg *r)
{
  g_autoptr(LispMapRegister) m = build_register (r);
  g_autoptr(GError) error = NULL;
  GBytes *b = lisp_map_register_encode (m, (const guint8 *) r->secret, strlen (r->secret), &error);

  g_assert_no_error (error);
  return b;
}

/* The same message with its MAC truncated to the length the algorithm's name says. */
static GBytes *
encode_register_truncated (const Reg *r)
{
  g_autoptr(GBytes) full = encode_register (r);
  gsize len, full_mac = lisp_auth_send_length (r->alg), short_mac = r->alg == LISP_AUTH_HMAC_SHA1_96 ? 12 : 16;
  const guint8 *data = g_bytes_get_data (full, &len);
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, data, 16 + short_mac);
  g_byte_array_append (out, data + 16 + full_mac, len - 16 - full_mac);
  out->data[14] = 0;
  out->data[15] = (guint8) short_mac;
  g_assert_true (lisp_auth_sign (r->alg, (const guint8 *) r->secret, strlen (r->secret), out->data,
                                 out->len, 16, short_mac, NULL));
  return g_byte_array_free_to_bytes (out);
}

static GPtrArray *
outputs (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_datagram_free);
}

static gboolean
handle (LmnMapServer *ms, GBytes *msg, const LmnEndpoint *from, gint64 now, GPtrArray *out)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (msg, &len);

  return lmn_map_server_handle (ms, data, len, from, now, out);
}

static LispMapRegister *
check_notify (const LmnDatagram *d, const char *secret, guint64 nonce)
{
  LispMapRegister *n = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (d->data, &len);

  g_assert_true (lisp_map_register_decode (data, len, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n->type, ==, LISP_TYPE_MAP_NOTIFY);
  g_assert_true (lisp_auth_verify (n->alg_id, (const guint8 *) secret, strlen (secret), data, len,
                                   n->auth_offset, g_bytes_get_size (n->auth_data), &error));
  g_assert_no_error (error);
  if (nonce != 0)
    g_assert_cmpuint (n->nonce, ==, nonce);
  return n;
}

static void
assert_endpoint (const LmnEndpoint *e, const LmnEndpoint *expected)
{
  g_assert_cmpuint (e->family, ==, expected->family);
  g_assert_cmpmem (e->addr, expected->family == LISP_FAMILY_IPV4 ? 4 : 16,
                   expected->addr, expected->family == LISP_FAMILY_IPV4 ? 4 : 16);
  g_assert_cmpuint (e->port, ==, expected->port);
}

/* ---- map-server ---- */

static void
test_register (gconstpointer data)
{
  guint variant = GPOINTER_TO_UINT (data);  /* 0 SHA-256, 1 SHA-1, 2 SHA-256 short, 3 SHA-1 short */
  gboolean sha1 = variant & 1, truncated = variant & 2;
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  Reg r = { "192.0.2.10/32", { "198.51.100.2" }, sha1 ? 2 : 1,
            sha1 ? LISP_AUTH_HMAC_SHA1_96 : LISP_AUTH_HMAC_SHA256_128,
            sha1 ? ANA_OLD_KEY : ANA_KEY, .want_notify = TRUE, .nonce = 0x1122334455667788,
            .xtr_id = TRUE };
  g_autoptr(GBytes) msg = truncated ? encode_register_truncated (&r) : encode_register (&r);
  g_autoptr(LispMapRegister) n = NULL;
  const LmnSiteRegistration *reg;
  LispPrefix expected;

  g_assert_true (handle (ms, msg, &MN1, T0, out));
  g_assert_cmpuint (out->len, ==, 1);
  assert_endpoint (&((LmnDatagram *) out->pdata[0])->to, &MN1);
  n = check_notify (out->pdata[0], r.secret, r.nonce);
  g_assert_cmpuint (n->key_id, ==, r.key_id);
  g_assert_cmpuint (n->alg_id, ==, r.alg);
  g_assert_cmpuint (n->records->len, ==, 1);
  g_assert_true (n->has_xtr_id);
  g_assert_cmpuint (n->site_id, ==, 42);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_TX_MAP_NOTIFY), ==, 1);

  g_assert_cmpuint (lmn_map_server_registrations (ms)->len, ==, 1);
  reg = g_ptr_array_index (lmn_map_server_registrations (ms), 0);
  g_assert_true (lisp_prefix_parse ("192.0.2.10/32", &expected, NULL));
  g_assert_true (lisp_prefix_equal (&reg->prefix, &expected));
  g_assert_cmpstr (reg->site->name, ==, "ana");
  g_assert_cmpuint (reg->record->locators->len, ==, 1);
  g_assert_true (reg->has_xtr_id);
  g_assert_cmpuint (reg->site_id, ==, 42);
  assert_endpoint (&reg->registrant, &MN1);
  g_assert_cmpint (lmn_site_registration_expiry (reg), ==, T0 + 180);
}

static void
test_register_without_notify (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  Reg r = { "2001:db8:e1d::10/128", { "198.51.100.2", "2001:db8:1::2" }, 1, 0, ANA_KEY };
  g_autoptr(GBytes) msg = encode_register (&r);

  g_assert_true (handle (ms, msg, &MN1, T0, out));
  g_assert_cmpuint (out->len, ==, 0);
  g_assert_cmpuint (lmn_map_server_registrations (ms)->len, ==, 1);
}

/* Refused registrations: nothing stored, the right counter, and nothing sent except, for a
 * bad MAC, an unauthenticated Map-Notify with the nonce and no records ("wrong key"). */
static void
assert_refused (const Reg *r, LmnMsCounter counter)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  g_autoptr(GBytes) msg = encode_register (r);

  g_assert_false (handle (ms, msg, &MN1, T0, out));
  if (counter == LMN_MS_DROP_BAD_MAC)
    {
      const LmnDatagram *d;
      g_autoptr(LispMapRegister) sent = NULL;
      g_autoptr(LispMapRegister) asked = NULL;

      g_assert_cmpuint (out->len, ==, 1);
      d = g_ptr_array_index (out, 0);
      g_assert_cmpmem (d->to.addr, 4, MN1.addr, 4);
      g_assert_true (lisp_map_register_decode (g_bytes_get_data (d->data, NULL),
                                               g_bytes_get_size (d->data), &sent, NULL));
      g_assert_true (lisp_map_register_decode (g_bytes_get_data (msg, NULL), g_bytes_get_size (msg),
                                               &asked, NULL));
      g_assert_cmpuint (sent->type, ==, LISP_TYPE_MAP_NOTIFY);
      g_assert_cmphex (sent->nonce, ==, asked->nonce);
      g_assert_cmpuint (sent->alg_id, ==, LISP_AUTH_NONE);
      g_assert_cmpuint (sent->records->len, ==, 0);
      g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_TX_AUTH_FAILED_NOTIFY), ==, 1);
    }
  else
    g_assert_cmpuint (out->len, ==, 0);
  g_assert_cmpuint (lmn_map_server_registrations (ms)->len, ==, 0);
  g_assert_cmpuint (lmn_map_server_counter (ms, counter), ==, 1);
}

static void
test_refused (void)
{
  Reg wrong_key = { "192.0.2.10/32", { "198.51.100.2" }, 1, 0, "not-the-key", .want_notify = TRUE };
  Reg other_sites_key = { "192.0.2.10/32", { "198.51.100.2" }, 1, 0, BOB_KEY, .want_notify = TRUE };
  Reg unknown_id = { "192.0.2.10/32", { "198.51.100.2" }, 9, 0, ANA_KEY, .want_notify = TRUE };
  Reg outside = { "203.0.113.10/32", { "198.51.100.2" }, 1, 0, ANA_KEY, .want_notify = TRUE };
  Reg wider = { "192.0.0.0/16", { "198.51.100.2" }, 1, 0, ANA_KEY, .want_notify = TRUE };
  Reg wrong_alg = { "192.0.2.10/32", { "198.51.100.2" }, 1, LISP_AUTH_HMAC_SHA1_96, ANA_KEY,
                    .want_notify = TRUE };
  Reg bob_more_specific = { "198.51.100.130/32", { "198.51.100.2" }, 1, 0, BOB_KEY,
                            .want_notify = TRUE };
  Reg carol_without_iid = { "203.0.113.130/32", { "198.51.100.2" }, 7, 0, "carol" };

  assert_refused (&wrong_key, LMN_MS_DROP_BAD_MAC);
  assert_refused (&other_sites_key, LMN_MS_DROP_BAD_MAC);
  assert_refused (&wrong_alg, LMN_MS_DROP_BAD_MAC);
  assert_refused (&unknown_id, LMN_MS_DROP_UNKNOWN_KEY_ID);
  assert_refused (&outside, LMN_MS_DROP_EID_NOT_ALLOWED);
  assert_refused (&wider, LMN_MS_DROP_EID_NOT_ALLOWED);
  /* bob accepts its exact prefix only */
  assert_refused (&bob_more_specific, LMN_MS_DROP_EID_NOT_ALLOWED);
  /* carol's prefix is in instance 1000 */
  assert_refused (&carol_without_iid, LMN_MS_DROP_EID_NOT_ALLOWED);
}

static void
test_more_specifics (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  Reg bob_exact = { "198.51.100.128/25", { "198.51.100.2" }, 1, 0, BOB_KEY };
  Reg ana_exact = { "192.0.2.0/24", { "198.51.100.2" }, 1, 0, ANA_KEY };
  Reg ana_part = { "192.0.2.64/26", { "198.51.100.2" }, 1, 0, ANA_KEY };
  Reg carol = { "[1000]203.0.113.130/32", { "198.51.100.2" }, 7, 0, "carol" };
  g_autoptr(GBytes) m1 = encode_register (&bob_exact);
  g_autoptr(GBytes) m2 = encode_register (&ana_exact);
  g_autoptr(GBytes) m3 = encode_register (&ana_part);
  g_autoptr(GBytes) m4 = encode_register (&carol);

  g_assert_true (handle (ms, m1, &MN1, T0, out));
  g_assert_true (handle (ms, m2, &MN1, T0, out));
  g_assert_true (handle (ms, m3, &MN1, T0, out));
  g_assert_true (handle (ms, m4, &MN1, T0, out));
  g_assert_cmpuint (lmn_map_server_registrations (ms)->len, ==, 4);
}

static void
test_refresh_and_expiry (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  Reg r = { "192.0.2.10/32", { "198.51.100.2" }, 1, 0, ANA_KEY };
  g_autoptr(GBytes) msg = encode_register (&r);
  const LmnSiteRegistration *reg;

  g_assert_true (handle (ms, msg, &MN1, T0, out));
  g_assert_true (handle (ms, msg, &MN1, T0 + 60, out));
  g_assert_true (handle (ms, msg, &MN1, T0 + 120, out));
  g_assert_cmpuint (lmn_map_server_registrations (ms)->len, ==, 1);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_REGISTRATIONS_REFRESHED), ==, 2);
  reg = g_ptr_array_index (lmn_map_server_registrations (ms), 0);
  g_assert_cmpint (reg->first_registered, ==, T0);
  g_assert_cmpint (reg->last_refresh, ==, T0 + 120);
  g_assert_cmpuint (out->len, ==, 0);

  /* three missed refreshes: 180 s after the last one it is gone */
  g_assert_cmpuint (lmn_map_server_expire (ms, T0 + 120 + 179), ==, 0);
  g_assert_cmpuint (lmn_map_server_expire (ms, T0 + 120 + 180), ==, 1);
  g_assert_cmpuint (lmn_map_server_registrations (ms)->len, ==, 0);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_REGISTRATIONS_EXPIRED), ==, 1);
}

static void
test_use_ttl (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  Reg r = { "192.0.2.10/32", { "198.51.100.2" }, 1, 0, ANA_KEY, .use_ttl = TRUE, .ttl = 10 };
  g_autoptr(GBytes) msg = encode_register (&r);

  g_assert_true (handle (ms, msg, &MN1, T0, out));
  g_assert_cmpuint (lmn_map_server_expire (ms, T0 + 599), ==, 0);
  g_assert_cmpuint (lmn_map_server_expire (ms, T0 + 600), ==, 1);
}

static void
test_move (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  Reg before = { "192.0.2.10/32", { "198.51.100.2" }, 1, 0, ANA_KEY };
  Reg after = { "192.0.2.10/32", { "203.0.113.9" }, 1, 0, ANA_KEY };
  g_autoptr(GBytes) m1 = encode_register (&before);
  g_autoptr(GBytes) m2 = encode_register (&after);
  g_autoptr(LispMapRegister) n = NULL;
  const LispLocator *l;
  LmnEndpoint old_xtr = MN1;
  const guint8 moved[4] = { 203, 0, 113, 9 };

  g_assert_true (handle (ms, m1, &MN1, T0, out));
  g_assert_cmpuint (out->len, ==, 0);
  /* new locators from another address: the old xTR hears of it */
  g_assert_true (handle (ms, m2, &MN1_MOVED, T0 + 10, out));
  g_assert_cmpuint (out->len, ==, 1);
  old_xtr.port = 4342;
  assert_endpoint (&((LmnDatagram *) out->pdata[0])->to, &old_xtr);
  n = check_notify (out->pdata[0], ANA_KEY, 0);
  g_assert_cmpuint (n->records->len, ==, 1);
  l = g_ptr_array_index (((LispRecord *) n->records->pdata[0])->locators, 0);
  g_assert_cmpmem (l->address->bytes, 4, moved, 4);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_TX_UNSOLICITED_NOTIFY), ==, 1);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_REGISTRATIONS_MOVED), ==, 1);
  g_assert_cmpuint (lmn_map_server_registrations (ms)->len, ==, 1);

  /* a refresh with the same locators tells nobody */
  g_ptr_array_set_size (out, 0);
  g_assert_true (handle (ms, m2, &MN1_MOVED, T0 + 70, out));
  g_assert_cmpuint (out->len, ==, 0);
}

/* A record TTL of 0 withdraws the registrant's own registration at once; one from another
 * xTR (another xTR-ID) leaves it. */
static GBytes *
encode_withdrawal (const Reg *r, guint8 xtr_id_first_byte)
{
  g_autoptr(LispMapRegister) m = build_register (r);
  g_autoptr(GError) error = NULL;
  GBytes *b;

  ((LispRecord *) m->records->pdata[0])->ttl = 0;
  m->xtr_id[0] = xtr_id_first_byte;
  m->nonce = r->nonce + 1;   /* later than the registration: not a replay */
  b = lisp_map_register_encode (m, (const guint8 *) r->secret, strlen (r->secret), &error);
  g_assert_no_error (error);
  return b;
}

static void
test_withdraw (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  Reg r = { "192.0.2.10/32", { "198.51.100.2" }, 1, 0, ANA_KEY, .xtr_id = TRUE, .want_notify = TRUE,
            .nonce = 5 };
  g_autoptr(GBytes) reg = encode_register (&r);
  g_autoptr(GBytes) other = encode_withdrawal (&r, 0xcd);
  g_autoptr(GBytes) own = encode_withdrawal (&r, 0xab);
  g_autoptr(LispMapRegister) n = NULL;

  g_assert_true (handle (ms, reg, &MN1, T0, out));
  g_assert_cmpuint (lmn_map_server_registrations (ms)->len, ==, 1);
  g_assert_true (handle (ms, other, &MN1_MOVED, T0 + 1, out));
  g_assert_cmpuint (lmn_map_server_registrations (ms)->len, ==, 1);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_REGISTRATIONS_WITHDRAWN), ==, 0);
  g_ptr_array_set_size (out, 0);
  g_assert_true (handle (ms, own, &MN1, T0 + 2, out));
  g_assert_cmpuint (lmn_map_server_registrations (ms)->len, ==, 0);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_REGISTRATIONS_WITHDRAWN), ==, 1);
  /* acknowledged like any registration the sender asked a Map-Notify for */
  g_assert_cmpuint (out->len, ==, 1);
  n = check_notify (out->pdata[0], ANA_KEY, 6);
  g_assert_cmpuint (((LispRecord *) n->records->pdata[0])->ttl, ==, 0);
}

/* Two records in one Map-Register: both or neither. */
static void
test_two_records (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  Reg r = { "192.0.2.10/32", { "198.51.100.2" }, 1, 0, ANA_KEY, .want_notify = TRUE, .nonce = 7 };
  g_autoptr(LispMapRegister) m = build_register (&r);
  g_autoptr(LispMapRegister) n = NULL;
  g_autoptr(GBytes) good = NULL, bad = NULL;
  LispRecord *second = lisp_record_copy (m->records->pdata[0]);

  lisp_address_free (second->eid);
  second->eid = lisp_address_parse ("2001:db8:e1d::10", NULL);
  second->mask_len = 128;
  g_ptr_array_add (m->records, second);
  good = lisp_map_register_encode (m, (const guint8 *) ANA_KEY, strlen (ANA_KEY), NULL);
  /* the second EID now in bob's site: the whole message is refused */
  lisp_address_free (second->eid);
  second->eid = lisp_address_parse ("198.51.100.130", NULL);
  second->mask_len = 32;
  bad = lisp_map_register_encode (m, (const guint8 *) ANA_KEY, strlen (ANA_KEY), NULL);

  g_assert_false (handle (ms, bad, &MN1, T0, out));
  g_assert_cmpuint (out->len, ==, 0);
  g_assert_cmpuint (lmn_map_server_registrations (ms)->len, ==, 0);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_DROP_EID_NOT_ALLOWED), ==, 1);

  g_assert_true (handle (ms, good, &MN1, T0, out));
  g_assert_cmpuint (lmn_map_server_registrations (ms)->len, ==, 2);
  g_assert_cmpuint (out->len, ==, 1);
  n = check_notify (out->pdata[0], ANA_KEY, 7);
  g_assert_cmpuint (n->records->len, ==, 2);
}

/* New locators registered from the same host: it knows already, no unsolicited notify. */
static void
test_change_from_same_host (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  Reg before = { "192.0.2.10/32", { "198.51.100.2" }, 1, 0, ANA_KEY };
  Reg after = { "192.0.2.10/32", { "198.51.100.2", "203.0.113.9" }, 1, 0, ANA_KEY };
  g_autoptr(GBytes) m1 = encode_register (&before);
  g_autoptr(GBytes) m2 = encode_register (&after);
  LmnEndpoint other_port = MN1;

  other_port.port = 4342;
  g_assert_true (handle (ms, m1, &MN1, T0, out));
  g_assert_true (handle (ms, m2, &other_port, T0 + 1, out));
  g_assert_cmpuint (out->len, ==, 0);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_REGISTRATIONS_MOVED), ==, 1);
  g_assert_cmpuint (((LmnSiteRegistration *) lmn_map_server_registrations (ms)->pdata[0])->record->locators->len,
                    ==, 2);
}


/* The Map-Notify-Ack an xTR answers an unsolicited Map-Notify with: same message, type 5,
 * MAC recomputed with secret. */
static GBytes *
ack_for (const LmnDatagram *notify, const char *secret)
{
  g_autoptr(LispMapRegister) m = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *b;

  g_assert_true (lisp_map_register_decode (g_bytes_get_data (notify->data, NULL),
                                           g_bytes_get_size (notify->data), &m, &error));
  m->type = LISP_TYPE_MAP_NOTIFY_ACK;
  g_clear_pointer (&m->auth_data, g_bytes_unref);
  b = lisp_map_register_encode (m, (const guint8 *) secret, strlen (secret), &error);
  g_assert_no_error (error);
  return b;
}

/* A move seen by the map-server: returns the unsolicited Map-Notify it sends (a copy). */
static LmnDatagram *
move (LmnMapServer *ms, GPtrArray *out)
{
  Reg before = { "192.0.2.10/32", { "198.51.100.2" }, 1, 0, ANA_KEY };
  Reg after = { "192.0.2.10/32", { "203.0.113.9" }, 1, 0, ANA_KEY };
  g_autoptr(GBytes) m1 = encode_register (&before);
  g_autoptr(GBytes) m2 = encode_register (&after);
  LmnEndpoint local = { LISP_FAMILY_IPV4, { 203, 0, 113, 1 }, 0 };
  LmnDatagram *copy = g_new0 (LmnDatagram, 1);
  gsize len;
  const guint8 *data;

  g_assert_true (handle (ms, m1, &MN1, T0, out));
  data = g_bytes_get_data (m2, &len);
  g_assert_true (lmn_map_server_handle_at (ms, data, len, &MN1_MOVED, &local, T0 + 10, out));
  g_assert_cmpuint (out->len, ==, 1);
  *copy = *(LmnDatagram *) out->pdata[0];
  copy->data = g_bytes_ref (copy->data);
  g_ptr_array_set_size (out, 0);
  /* its retransmissions leave from the address the Map-Register came to */
  g_assert_cmpuint (copy->local.family, ==, LISP_FAMILY_IPV4);
  g_assert_cmpmem (copy->local.addr, 4, local.addr, 4);
  g_assert_cmpuint (lmn_map_server_pending_notifies (ms)->len, ==, 1);
  return copy;
}

/* Unanswered: sent again at 3, 6, 12, 24 and 48 s, then given up at 96 s. */
static void
test_notify_retransmitted (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  g_autoptr(LmnDatagram) first = move (ms, out);
  static const gint64 at[] = { 3, 6, 12, 24, 48 };
  g_autofree gchar *json = NULL;
  guint sent = 1;

  for (gint64 t = 1; t <= 100; t++)
    {
      gboolean due = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (at); i++)
        due |= at[i] == t;
      g_ptr_array_set_size (out, 0);
      lmn_map_server_tick (ms, T0 + 10 + t, out);
      g_assert_cmpuint (out->len, ==, due ? 1 : 0);
      if (due)
        {
          const LmnDatagram *d = out->pdata[0];

          sent++;
          /* the very same message, to the same place, from the same address */
          g_assert_true (g_bytes_equal (d->data, first->data));
          assert_endpoint (&d->to, &first->to);
          g_assert_cmpmem (d->local.addr, 4, first->local.addr, 4);
        }
      if (t == 95)
        g_assert_cmpuint (lmn_map_server_pending_notifies (ms)->len, ==, 1);
    }
  g_assert_cmpuint (sent, ==, LMN_MS_NOTIFY_TRIES);
  g_assert_cmpuint (lmn_map_server_pending_notifies (ms)->len, ==, 0);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_TX_UNSOLICITED_NOTIFY_RETRANSMIT), ==, 5);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_NOTIFY_GAVE_UP), ==, 1);
  json = lmn_map_server_to_json (ms, T0 + 200);
  g_assert_nonnull (strstr (json, "\"unsolicited-map-notify-gave-up\" : 1"));
}

/* The Map-Notify-Ack stops the retransmissions; only the right one does. */
static void
test_notify_acked (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  g_autoptr(LmnDatagram) notify = move (ms, out);
  g_autoptr(GBytes) ack = ack_for (notify, ANA_KEY);
  g_autoptr(GBytes) forged = ack_for (notify, "not the key");
  g_autofree gchar *json = NULL;
  LmnEndpoint old_xtr = MN1, stranger = ITR;

  old_xtr.port = 4342;
  /* a wrong MAC, or the right ack from another host, changes nothing */
  g_assert_false (handle (ms, forged, &old_xtr, T0 + 11, out));
  g_assert_false (handle (ms, ack, &stranger, T0 + 11, out));
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_DROP_BAD_MAC), ==, 1);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_DROP_UNEXPECTED_ACK), ==, 1);
  g_assert_cmpuint (lmn_map_server_pending_notifies (ms)->len, ==, 1);
  json = lmn_map_server_to_json (ms, T0 + 11);
  g_assert_nonnull (strstr (json, "\"pending-map-notifys\""));
  g_assert_nonnull (strstr (json, "\"sent\" : 1"));
  /* the real one: no more retransmissions */
  g_assert_true (handle (ms, ack, &old_xtr, T0 + 12, out));
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_NOTIFY_ACKED), ==, 1);
  g_assert_cmpuint (lmn_map_server_pending_notifies (ms)->len, ==, 0);
  for (gint64 t = 13; t < 200; t++)
    lmn_map_server_tick (ms, T0 + t, out);
  g_assert_cmpuint (out->len, ==, 0);
  /* the same ack again is one too many */
  g_assert_false (handle (ms, ack, &old_xtr, T0 + 13, out));
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_DROP_UNEXPECTED_ACK), ==, 2);
  g_assert_cmpuint (out->len, ==, 0);
}

/* RFC 9301 §5.6: an authentic Map-Register sent again (the same nonce, or an older one)
 * does not roll the registration back; the same xTR from a new address is told nothing. */
static void
test_replayed_register (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  Reg old = { "192.0.2.10/32", { "198.51.100.2" }, 1, 0, ANA_KEY, .want_notify = TRUE,
              .nonce = 100, .xtr_id = TRUE };
  Reg now = { "192.0.2.10/32", { "203.0.113.9" }, 1, 0, ANA_KEY, .want_notify = TRUE,
              .nonce = 101, .xtr_id = TRUE };
  Reg later = now;
  g_autoptr(GBytes) m_old = encode_register (&old);
  g_autoptr(GBytes) m_now = NULL;
  g_autoptr(GBytes) m_later = NULL;
  const LmnSiteRegistration *reg;
  const guint8 moved[4] = { 203, 0, 113, 9 };
  LmnSite *ana = g_ptr_array_index (lmn_map_server_sites (ms), 0);

  later.nonce = 102;
  m_now = encode_register (&now);
  m_later = encode_register (&later);
  g_assert_true (handle (ms, m_old, &MN1, T0, out));
  /* the move, from the new address: same xTR-ID, so no unsolicited Map-Notify */
  g_ptr_array_set_size (out, 0);
  g_assert_true (handle (ms, m_now, &MN1_MOVED, T0 + 5, out));
  g_assert_cmpuint (out->len, ==, 1);   /* the solicited Map-Notify only */
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_TX_UNSOLICITED_NOTIFY), ==, 0);
  /* the old Map-Register replayed, and the current one again: dropped, unanswered */
  g_ptr_array_set_size (out, 0);
  g_assert_false (handle (ms, m_old, &MN1, T0 + 6, out));
  g_assert_false (handle (ms, m_now, &MN1_MOVED, T0 + 7, out));
  g_assert_cmpuint (out->len, ==, 0);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_DROP_REPLAYED_REGISTER), ==, 2);
  reg = lmn_map_server_registrations (ms)->pdata[0];
  g_assert_cmpmem (((LispLocator *) reg->record->locators->pdata[0])->address->bytes, 4, moved, 4);
  g_assert_cmpint (reg->last_refresh, ==, T0 + 5);
  /* a newer one is fine */
  g_assert_true (handle (ms, m_later, &MN1_MOVED, T0 + 8, out));
  g_assert_cmpint (((LmnSiteRegistration *) lmn_map_server_registrations (ms)->pdata[0])->last_refresh,
                   ==, T0 + 8);
  /* a site of xTRs that send random nonces can turn the check off */
  ana->increasing_nonces = LMN_NONCES_NEVER;
  g_assert_true (handle (ms, m_old, &MN1, T0 + 9, out));
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_DROP_REPLAYED_REGISTER), ==, 2);
}

/* ---- map-resolver ---- */

static GBytes *
encode_ecm (const char *eid, guint8 mask_len, const char *itr_rloc, guint16 sport, guint64 nonce)
{
  g_autoptr(LispMapRequest) req = lisp_map_request_new ();
  g_autoptr(LispEcm) ecm = lisp_ecm_new ();
  g_autoptr(LispAddress) target = lisp_address_parse (eid, NULL);
  g_autoptr(GError) error = NULL;
  guint8 ip[16];
  GBytes *b;

  req->nonce = nonce;
  g_ptr_array_add (req->itr_rlocs, itr_rloc != NULL ? lisp_address_parse (itr_rloc, NULL)
                                                    : lisp_address_new_name ("no-ip"));
  lisp_map_request_add_record (req, lisp_address_copy (target), mask_len);
  ecm->inner = lisp_map_request_encode (req, &error);
  g_assert_no_error (error);
  ecm->ip_version = (guint8) lisp_address_ip (target, ip);
  if (ecm->ip_version == 4)
    {
      memcpy (ecm->src, ITR.addr, 4);
      memcpy (ecm->dst, ip, 4);
    }
  else
    {
      static const guint8 src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x50 };

      memcpy (ecm->src, src6, 16);
      memcpy (ecm->dst, ip, 16);
    }
  ecm->ttl = 64;
  ecm->sport = sport;
  ecm->dport = 4342;
  b = lisp_ecm_encode (ecm, &error);
  g_assert_no_error (error);
  return b;
}

static LispMapReply *
resolve (LmnMapServer *ms, const char *eid, guint8 mask_len, LmnMsCounter expected)
{
  g_autoptr(GPtrArray) out = outputs ();
  g_autoptr(GBytes) ecm = encode_ecm (eid, mask_len, "203.0.113.50", 54321, 0xfeedfacecafebeef);
  const LmnDatagram *d;
  LispMapReply *reply = NULL;
  LmnEndpoint itr = ITR;
  g_autoptr(GError) error = NULL;
  guint64 before = lmn_map_server_counter (ms, expected);

  g_assert_false (handle (ms, ecm, &ITR, T0 + 5, out));
  g_assert_cmpuint (out->len, ==, 1);
  g_assert_cmpuint (lmn_map_server_counter (ms, expected), ==, before + 1);
  d = out->pdata[0];
  itr.port = 54321;
  assert_endpoint (&d->to, &itr);
  g_assert_true (lisp_map_reply_decode (g_bytes_get_data (d->data, NULL),
                                        g_bytes_get_size (d->data), &reply, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (reply->nonce, ==, 0xfeedfacecafebeef);
  g_assert_cmpuint (reply->records->len, ==, 1);
  return reply;
}

static void
register_ok (LmnMapServer *ms, const Reg *r)
{
  g_autoptr(GPtrArray) out = outputs ();
  g_autoptr(GBytes) msg = encode_register (r);

  g_assert_true (handle (ms, msg, &MN1, T0, out));
}

static void
test_proxy_reply (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  Reg r = { "192.0.2.10/32", { "198.51.100.2", "2001:db8:1::2" }, 1, 0, ANA_KEY, .proxy = TRUE,
            .ttl = 1440 };
  g_autoptr(LispMapReply) reply = NULL;
  const LispRecord *rec;

  register_ok (ms, &r);
  reply = resolve (ms, "192.0.2.10", 32, LMN_MS_TX_MAP_REPLY);
  rec = reply->records->pdata[0];
  g_assert_cmpuint (rec->mask_len, ==, 32);
  g_assert_cmpuint (rec->ttl, ==, 1440);
  g_assert_false (rec->authoritative);
  g_assert_cmpuint (rec->locators->len, ==, 2);
  for (guint i = 0; i < rec->locators->len; i++)
    {
      const LispLocator *l = rec->locators->pdata[i];

      g_assert_false (l->local);
      g_assert_true (l->reachable);
      g_assert_cmpuint (l->priority, ==, 1);
    }
}

static void
test_forward_to_etr (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  Reg r = { "192.0.2.10/32", { "198.51.100.2" }, 1, 0, ANA_KEY, .proxy = FALSE };
  Reg carol = { "[1000]203.0.113.130/32", { "198.51.100.7" }, 7, 0, "carol", .proxy = TRUE };
  g_autoptr(GBytes) ecm = encode_ecm ("192.0.2.10", 32, "203.0.113.50", 54321, 1);
  g_autoptr(GBytes) ecm2 = encode_ecm ("[1000]203.0.113.130", 32, "203.0.113.50", 54321, 2);
  const LmnDatagram *d;
  const LmnEndpoint etr = { LISP_FAMILY_IPV4, { 198, 51, 100, 2 }, 4342 };
  const LmnEndpoint etr2 = { LISP_FAMILY_IPV4, { 198, 51, 100, 7 }, 4342 };

  register_ok (ms, &r);
  register_ok (ms, &carol);
  g_assert_false (handle (ms, ecm, &ITR, T0 + 5, out));
  g_assert_cmpuint (out->len, ==, 1);
  d = out->pdata[0];
  assert_endpoint (&d->to, &etr);
  g_assert_true (g_bytes_equal (d->data, ecm));

  /* carol's site overrides the registrant's P bit */
  g_assert_false (handle (ms, ecm2, &ITR, T0 + 5, out));
  g_assert_cmpuint (out->len, ==, 2);
  assert_endpoint (&((LmnDatagram *) out->pdata[1])->to, &etr2);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_TX_FORWARDED_ECM), ==, 2);
}

static void
assert_negative (LispMapReply *reply, const char *prefix, guint32 ttl)
{
  const LispRecord *rec = reply->records->pdata[0];
  LispPrefix got, expected;

  g_assert_cmpuint (rec->locators->len, ==, 0);
  g_assert_cmpuint (rec->action, ==, LISP_ACTION_NATIVELY_FORWARD);
  g_assert_cmpuint (rec->ttl, ==, ttl);
  g_assert_true (lisp_prefix_from_address (rec->eid, rec->mask_len, &got, NULL));
  g_assert_true (lisp_prefix_parse (prefix, &expected, NULL));
  if (!lisp_prefix_equal (&got, &expected))
    {
      g_autofree gchar *text = lisp_prefix_to_string (&got);

      g_error ("negative reply for %s, expected %s", text, prefix);
    }
}

static void
test_negative (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  struct { const char *eid; const char *prefix; guint32 ttl; } cases[] = {
    /* inside a site, unregistered: the host prefix, 1 minute */
    { "192.0.2.99", "192.0.2.99/32", 1 },
    { "2001:db8:e1d::99", "2001:db8:e1d::99/128", 1 },
    { "[1000]203.0.113.200", "[1000]203.0.113.200/32", 1 },
    /* outside: the largest prefix overlapping no site, 15 minutes. Sites: 192.0.2.0/24,
     * 198.51.100.128/25 (and [1000]203.0.113.128/25, another instance). */
    { "100.1.2.3", "0.0.0.0/1", 15 },
    { "198.51.100.3", "198.51.100.0/25", 15 },
    { "192.0.3.1", "192.0.3.0/24", 15 },
    { "192.0.1.1", "192.0.0.0/23", 15 },
    { "203.0.113.200", "200.0.0.0/5", 15 },
    { "200.1.1.1", "200.0.0.0/5", 15 },
    { "2001:db8:e1e::1", "2001:db8:e1e::/47", 15 },
    /* differs from 2001:db8:e1d::/48 at bit 31: /31 overlaps, /32 does not */
    { "2001:db9::1", "2001:db9::/32", 15 },
    { "[1000]203.0.113.1", "[1000]203.0.113.0/25", 15 },
    { "[5]192.0.2.1", "[5]0.0.0.0/0", 15 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(LispMapReply) reply = NULL;
      g_autoptr(LispAddress) a = lisp_address_parse (cases[i].eid, NULL);
      guint8 ip[16];
      int family = lisp_address_ip (a, ip);

      g_test_message ("%s", cases[i].eid);
      reply = resolve (ms, cases[i].eid, family == 4 ? 32 : 128, LMN_MS_TX_NEGATIVE_REPLY);
      assert_negative (reply, cases[i].prefix, cases[i].ttl);
    }
}

static void
test_non_eid_prefix_overlaps_nothing (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (9301);

  for (guint n = 0; n < 2000; n++)
    {
      guint8 addr[16] = { 0 };
      LispPrefix p;

      for (guint i = 0; i < 4; i++)
        addr[i] = (guint8) g_rand_int_range (rand, 0, 256);
      if (n % 2)
        memcpy (addr, (guint8[]) { 192, 0, 2 }, 3);
      if (!lmn_map_server_non_eid_prefix (ms, 0, LISP_FAMILY_IPV4, addr, &p))
        {
          g_assert_cmpuint (addr[0], ==, 192);  /* inside ana's site */
          continue;
        }
      g_assert_true (lisp_prefix_contains (&p, 0, LISP_FAMILY_IPV4, addr));
      for (guint s = 0; s < lmn_map_server_sites (ms)->len; s++)
        {
          const LmnSite *site = lmn_map_server_sites (ms)->pdata[s];

          for (guint j = 0; j < site->prefixes->len; j++)
            {
              const LispPrefix *sp = &g_array_index (site->prefixes, LispPrefix, j);

              g_assert_false (lisp_prefix_contains (&p, sp->iid, sp->family, sp->addr));
              g_assert_false (lisp_prefix_contains (sp, p.iid, p.family, p.addr));
            }
        }
      /* and it is the largest: its parent overlaps a site */
      if (p.len > 0)
        {
          LispPrefix parent;
          gboolean overlaps = FALSE;

          lisp_prefix_init (&parent, 0, LISP_FAMILY_IPV4, addr, p.len - 1);
          for (guint s = 0; s < lmn_map_server_sites (ms)->len; s++)
            {
              const LmnSite *site = lmn_map_server_sites (ms)->pdata[s];

              for (guint j = 0; j < site->prefixes->len; j++)
                {
                  const LispPrefix *sp = &g_array_index (site->prefixes, LispPrefix, j);

                  overlaps |= lisp_prefix_contains (&parent, sp->iid, sp->family, sp->addr) ||
                              lisp_prefix_contains (sp, parent.iid, parent.family, parent.addr);
                }
            }
          g_assert_true (overlaps);
        }
    }
}

static void
test_resolver_needs_itr_rloc (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  g_autoptr(GBytes) ecm = encode_ecm ("192.0.2.3", 32, NULL, 54321, 1);

  g_assert_false (handle (ms, ecm, &ITR, T0, out));
  g_assert_cmpuint (out->len, ==, 0);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_DROP_NO_ITR_RLOC), ==, 1);
}

/* ---- garbage ---- */

static void
feed_all_truncations (LmnMapServer *ms, GBytes *msg)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (msg, &len);

  for (gsize n = 0; n < len; n++)
    {
      g_autoptr(GPtrArray) out = outputs ();
      g_autofree guint8 *copy = g_memdup2 (data, n);  /* exact size for ASan */

      g_assert_false (lmn_map_server_handle (ms, copy, n, &MN1, T0, out));
      g_assert_cmpuint (out->len, ==, 0);
    }
}

static void
test_garbage (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  Reg r = { "192.0.2.10/32", { "198.51.100.2" }, 1, 0, ANA_KEY, .want_notify = TRUE, .xtr_id = TRUE };
  Reg proxied = { "192.0.2.11/32", { "198.51.100.2" }, 1, 0, ANA_KEY, .proxy = TRUE };
  g_autoptr(GBytes) reg = encode_register (&r);
  g_autoptr(GBytes) ecm = encode_ecm ("192.0.2.11", 32, "203.0.113.50", 54321, 1);
  g_autoptr(GRand) rand = g_rand_new_with_seed (4342);

  feed_all_truncations (ms, reg);
  g_assert_cmpuint (lmn_map_server_registrations (ms)->len, ==, 0);
  register_ok (ms, &proxied);
  feed_all_truncations (ms, ecm);

  for (guint n = 0; n < 5000; n++)
    {
      g_autoptr(GPtrArray) out = outputs ();
      gsize len = (gsize) g_rand_int_range (rand, 0, 200);
      g_autofree guint8 *buf = g_malloc (len + 1);

      for (gsize i = 0; i < len; i++)
        buf[i] = (guint8) g_rand_int_range (rand, 0, 256);
      /* half of them with a plausible type */
      if (len > 0 && n % 2)
        buf[0] = (guint8) ((n % 4 == 1 ? 3 : 8) << 4);
      lmn_map_server_handle (ms, buf, len, &MN1, T0, out);
      g_assert_cmpuint (out->len, ==, 0);
    }
  g_assert_cmpuint (lmn_map_server_registrations (ms)->len, ==, 1);
}

static void
test_json (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  Reg r = { "192.0.2.10/32", { "198.51.100.2" }, 1, 0, ANA_KEY, .xtr_id = TRUE };
  g_autofree gchar *json = NULL;

  register_ok (ms, &r);
  json = lmn_map_server_to_json (ms, T0 + 7);
  g_assert_nonnull (strstr (json, "\"192.0.2.10/32\""));
  g_assert_nonnull (strstr (json, "\"age\" : 7"));
  g_assert_nonnull (strstr (json, "\"198.51.100.2\""));
  g_assert_nonnull (strstr (json, "\"rx-map-register\" : 1"));
  g_assert_null (strstr (json, ANA_KEY));
}

/* ---- floods from strangers (docs/hardening.md) ---- */

/* Map-Requests naming a third host as ITR-RLOC, from one spoofing sender or many: the
 * answers to that host are the burst, then the rate; the rest are counted. */
static void
test_answers_rate_limited (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  g_autoptr(GBytes) ecm = encode_ecm ("198.51.100.200", 32, "203.0.113.77", 4342, 1);
  LmnEndpoint attacker = { LISP_FAMILY_IPV4, { 192, 0, 2, 66 }, 4342 };

  for (guint i = 0; i < 1000; i++)
    {
      attacker.addr[3] = (guint8) i; /* many senders: the limit is the ITR-RLOC's */
      handle (ms, ecm, &attacker, T0, out);
    }
  g_assert_cmpuint (out->len, ==, LMN_MS_ANSWER_BURST);
  g_ptr_array_set_size (out, 0);
  for (guint i = 0; i < 1000; i++)
    handle (ms, ecm, &attacker, T0 + 1, out);
  g_assert_cmpuint (out->len, ==, LMN_MS_ANSWER_RATE);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_DROP_ANSWER_RATE_LIMITED), ==,
                    2000 - LMN_MS_ANSWER_BURST - LMN_MS_ANSWER_RATE);
  /* Another ITR has its own share. */
  g_ptr_array_set_size (out, 0);
  {
    g_autoptr(LispMapReply) reply = resolve (ms, "198.51.100.200", 32, LMN_MS_TX_NEGATIVE_REPLY);
  }
}

/* Each a different ITR-RLOC: the total caps them. */
static void
test_answers_total (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  guint sent = 0;

  for (guint i = 0; i < 3 * LMN_MS_ANSWER_TOTAL_BURST; i++)
    {
      g_autofree gchar *itr = g_strdup_printf ("2001:db8:%x::%x", i >> 16, i & 0xffff);
      g_autoptr(GBytes) ecm = encode_ecm ("198.51.100.200", 32, itr, 4342, i);

      handle (ms, ecm, &ITR, T0, out);
    }
  sent = out->len;
  g_assert_cmpuint (sent, ==, LMN_MS_ANSWER_TOTAL_BURST);
}

/* A proxy answer larger than the request goes only to the request's own source. */
static void
test_no_amplification (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  Reg r = { "192.0.2.10/32",
            { "2001:db8:1::2", "2001:db8:2::2", "2001:db8:3::2" },
            1,
            0,
            ANA_KEY,
            .proxy = TRUE,
            .ttl = 1440 };
  g_autoptr(GBytes) ecm = encode_ecm ("192.0.2.10", 32, "203.0.113.50", 4342, 1);
  const LmnEndpoint stranger = { LISP_FAMILY_IPV4, { 192, 0, 2, 66 }, 4342 };

  register_ok (ms, &r);
  g_ptr_array_set_size (out, 0);
  handle (ms, ecm, &stranger, T0 + 1, out);
  g_assert_cmpuint (out->len, ==, 0);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_DROP_ANSWER_TOO_LARGE), ==, 1);
  /* From the ITR-RLOC itself: answered. */
  handle (ms, ecm, &ITR, T0 + 1, out);
  g_assert_cmpuint (out->len, ==, 1);
  g_assert_cmpuint (g_bytes_get_size (((LmnDatagram *) out->pdata[0])->data), >,
                    g_bytes_get_size (ecm));
}

/* Map-Registers with a bad MAC asking for a Map-Notify: the "wrong key" Map-Notifys are the
 * burst, then the rate, per source; and each is smaller than its Map-Register. */
static void
test_wrong_key_rate_limited (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  Reg bad = { "192.0.2.10/32", { "198.51.100.2" }, 1, 0, "not-the-key", .want_notify = TRUE };
  g_autoptr(GBytes) msg = encode_register (&bad);
  LmnEndpoint other = MN1;

  for (guint i = 0; i < 100; i++)
    handle (ms, msg, &MN1, T0, out);
  g_assert_cmpuint (out->len, ==, LMN_MS_WRONG_KEY_BURST);
  g_assert_cmpuint (g_bytes_get_size (((LmnDatagram *) out->pdata[0])->data), <,
                    g_bytes_get_size (msg));
  for (guint i = 0; i < 100; i++)
    handle (ms, msg, &MN1, T0 + 1, out);
  g_assert_cmpuint (out->len, ==, LMN_MS_WRONG_KEY_BURST + LMN_MS_WRONG_KEY_RATE);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_DROP_BAD_MAC), ==, 200);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_WRONG_KEY_NOTIFY_RATE_LIMITED), ==,
                    200 - LMN_MS_WRONG_KEY_BURST - LMN_MS_WRONG_KEY_RATE);
  /* Many sources: the total caps them. */
  g_ptr_array_set_size (out, 0);
  for (guint i = 0; i < 1000; i++)
    {
      other.addr[2] = (guint8) (i >> 8);
      other.addr[3] = (guint8) i;
      handle (ms, msg, &other, T0 + 100, out);
    }
  g_assert_cmpuint (out->len, ==, LMN_MS_WRONG_KEY_TOTAL_BURST);
}

/* lispmnd's nonces (seconds above, random below; registrar.c) are told from random ones:
 * refreshed a minute apart, an old one replayed is refused. */
static void
test_replay_with_new_nonces (void)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = outputs ();
  Reg r = {
    "192.0.2.10/32", { "198.51.100.2" }, 1, 0, ANA_KEY, .want_notify = TRUE, .xtr_id = TRUE
  };
  g_autoptr(GBytes) first = NULL;
  guint64 nonce = 0;
  const gint64 wall = 1796000000;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(GBytes) msg = NULL;

      nonce = lmn_registrar_nonce_after (nonce, wall + 60 * i, g_random_int ());
      r.nonce = nonce;
      msg = encode_register (&r);
      if (first == NULL)
        first = g_bytes_ref (msg);
      g_assert_true (handle (ms, msg, &MN1, T0 + 60 * i, out));
    }
  g_assert_false (handle (ms, first, &MN1, T0 + 300, out));
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_DROP_REPLAYED_REGISTER), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/map-server/register/sha-256", GUINT_TO_POINTER (0), test_register);
  g_test_add_data_func ("/map-server/register/sha-1", GUINT_TO_POINTER (1), test_register);
  g_test_add_data_func ("/map-server/register/sha-256-truncated", GUINT_TO_POINTER (2), test_register);
  g_test_add_data_func ("/map-server/register/sha-1-truncated", GUINT_TO_POINTER (3), test_register);
  g_test_add_func ("/map-server/register/without-notify", test_register_without_notify);
  g_test_add_func ("/map-server/register/refused", test_refused);
  g_test_add_func ("/map-server/register/more-specifics", test_more_specifics);
  g_test_add_func ("/map-server/refresh-and-expiry", test_refresh_and_expiry);
  g_test_add_func ("/map-server/use-ttl", test_use_ttl);
  g_test_add_func ("/map-server/move", test_move);
  g_test_add_func ("/map-server/two-records", test_two_records);
  g_test_add_func ("/map-server/notify/retransmitted", test_notify_retransmitted);
  g_test_add_func ("/map-server/notify/acked", test_notify_acked);
  g_test_add_func ("/map-server/register/replayed", test_replayed_register);
  g_test_add_func ("/map-server/withdraw", test_withdraw);
  g_test_add_func ("/map-server/change-from-same-host", test_change_from_same_host);
  g_test_add_func ("/map-resolver/proxy-reply", test_proxy_reply);
  g_test_add_func ("/map-resolver/forward-to-etr", test_forward_to_etr);
  g_test_add_func ("/map-resolver/negative", test_negative);
  g_test_add_func ("/map-resolver/non-eid-prefix", test_non_eid_prefix_overlaps_nothing);
  g_test_add_func ("/map-resolver/no-itr-rloc", test_resolver_needs_itr_rloc);
  g_test_add_func ("/map-server/garbage", test_garbage);
  g_test_add_func ("/map-server/json", test_json);
  g_test_add_func ("/map-resolver/flood/answers-rate-limited", test_answers_rate_limited);
  g_test_add_func ("/map-resolver/flood/answers-total", test_answers_total);
  g_test_add_func ("/map-resolver/flood/no-amplification", test_no_amplification);
  g_test_add_func ("/map-server/flood/wrong-key-rate-limited", test_wrong_key_rate_limited);
  g_test_add_func ("/map-server/register/replay-with-new-nonces", test_replay_with_new_nonces);
  return g_test_run ();
}
