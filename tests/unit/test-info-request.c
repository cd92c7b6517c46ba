/* NAT discovery at the map-server: authenticated Info-Requests answered with what the server
 * saw and its RTRs, every kind of refusal dropped and counted under its own name, and the
 * per-source rate limit (rate-limit.c) on its own and in front of the handler. */
#include "map-server.h"
#include "info-request.h"
#include "rate-limit.h"
#include "lisp-auth.h"
#include "test-table.h"

#include <string.h>

#define ANA_KEY     "ana-secret"
#define ANA_OLD_KEY "ana-old-secret"
#define T0          1000

/* A node behind a NAT, seen at its translated address and port. */
static const LmnEndpoint NATED = { LISP_FAMILY_IPV4, { 198, 51, 100, 7 }, 40123 };
static const LmnEndpoint MS = { LISP_FAMILY_IPV4, { 203, 0, 113, 1 }, 4342 };
static const LmnEndpoint RTR4 = { LISP_FAMILY_IPV4, { 203, 0, 113, 2 } };
static const LmnEndpoint RTR6 = { LISP_FAMILY_IPV6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };

static LmnMapServer *
make_server (gboolean with_rtrs)
{
  GPtrArray *sites = g_ptr_array_new ();
  LmnSite *ana = lmn_site_new ("ana");
  g_autoptr(GArray) rtrs = g_array_new (FALSE, TRUE, sizeof (LmnEndpoint));
  LmnMapServer *ms;
  LispPrefix p;

  g_assert_true (lisp_prefix_parse ("192.0.2.0/24", &p, NULL));
  g_array_append_val (ana->prefixes, p);
  lmn_site_add_key (ana, 1, LISP_AUTH_HMAC_SHA256_128, ANA_KEY);
  lmn_site_add_key (ana, 2, LISP_AUTH_HMAC_SHA1_96, ANA_OLD_KEY);
  g_ptr_array_add (sites, ana);
  ms = lmn_map_server_new (sites);
  if (with_rtrs)
    {
      g_array_append_val (rtrs, RTR4);
      g_array_append_val (rtrs, RTR6);
      lmn_map_server_set_rtrs (ms, rtrs);
    }
  return ms;
}

typedef struct {
  const char *eid; /* the EID-prefix field, "192.0.2.10" */
  guint8 mask_len;
  guint8 key_id;
  guint8 alg; /* LISP_AUTH_NONE: no MAC */
  const char *secret;
  gboolean reply; /* an Info-Reply instead */
} Req;

static GBytes *
encode_request (const Req *r, guint64 nonce)
{
  g_autoptr(LispInfo) m = lisp_info_new (r->reply);
  g_autoptr(GError) error = NULL;
  GBytes *b;

  m->nonce = nonce;
  m->key_id = r->key_id;
  m->alg_id = r->alg;
  m->mask_len = r->mask_len;
  lisp_address_free (m->eid);
  m->eid = lisp_address_parse (r->eid, NULL);
  g_assert_nonnull (m->eid);
  b = lisp_info_encode (m, (const guint8 *) r->secret, r->secret != NULL ? strlen (r->secret) : 0,
                        &error);
  g_assert_no_error (error);
  return b;
}

static GPtrArray *
outputs (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_datagram_free);
}

static void
send_request (LmnMapServer *ms, GBytes *msg, const LmnEndpoint *from, gint64 now, GPtrArray *out)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (msg, &len);

  g_assert_false (lmn_map_server_handle_at (ms, data, len, from, &MS, now, out));
}

static void
assert_ip (const LispAddress *a, const LmnEndpoint *e)
{
  guint8 bytes[16] = { 0 };

  g_assert_cmpint (lisp_address_ip (a, bytes), ==, e->family);
  g_assert_cmpmem (bytes, e->family == 4 ? 4 : 16, e->addr, e->family == 4 ? 4 : 16);
}

/* The reply: to the request's source, from where it arrived, same nonce and key, MAC'd
 * with the site key; the NAT LCAF says what the server saw and lists the RTRs in order. */
static void
test_answered (gconstpointer data)
{
  gboolean sha1 = GPOINTER_TO_UINT (data);
  g_autoptr(LmnMapServer) ms = make_server (TRUE);
  g_autoptr(GPtrArray) out = outputs ();
  Req r = { "192.0.2.10", 32, sha1 ? 2 : 1,
            sha1 ? LISP_AUTH_HMAC_SHA1_96 : LISP_AUTH_HMAC_SHA256_128,
            sha1 ? ANA_OLD_KEY : ANA_KEY };
  g_autoptr(GBytes) req = encode_request (&r, 0x1122334455667788);
  g_autoptr(LispInfo) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *eid = NULL;
  const LmnDatagram *d;
  const LispAddress *nat;
  const guint8 *bytes;
  gsize len;

  send_request (ms, req, &NATED, T0, out);
  g_assert_cmpuint (out->len, ==, 1);
  d = g_ptr_array_index (out, 0);
  g_assert_true (lmn_endpoint_same_host (&d->to, &NATED));
  g_assert_cmpuint (d->to.port, ==, NATED.port);
  g_assert_true (lmn_endpoint_same_host (&d->local, &MS));
  bytes = g_bytes_get_data (d->data, &len);
  g_assert_true (lisp_info_decode (bytes, len, &reply, &error));
  g_assert_no_error (error);
  g_assert_true (reply->reply);
  g_assert_cmpuint (reply->nonce, ==, 0x1122334455667788);
  g_assert_cmpuint (reply->key_id, ==, r.key_id);
  g_assert_cmpuint (reply->alg_id, ==, r.alg);
  g_assert_true (lisp_auth_verify (reply->alg_id, (const guint8 *) r.secret, strlen (r.secret),
                                   bytes, len, reply->auth_offset,
                                   g_bytes_get_size (reply->auth_data), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (reply->ttl, ==, LMN_MS_INFO_REPLY_TTL);
  g_assert_cmpuint (reply->mask_len, ==, 32);
  eid = lisp_address_to_string (reply->eid);
  g_assert_cmpstr (eid, ==, "192.0.2.10");
  nat = reply->address;
  g_assert_cmpint (nat->kind, ==, LISP_ADDRESS_NAT);
  g_assert_cmpuint (nat->ms_port, ==, 4342);
  g_assert_cmpuint (nat->etr_port, ==, NATED.port);
  assert_ip (nat->global_etr, &NATED);
  assert_ip (nat->ms_rloc, &MS);
  g_assert_cmpint (nat->private_etr->kind, ==, LISP_ADDRESS_NONE);
  g_assert_cmpuint (nat->items->len, ==, 2);
  assert_ip (g_ptr_array_index (nat->items, 0), &RTR4);
  assert_ip (g_ptr_array_index (nat->items, 1), &RTR6);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_RX_INFO), ==, 1);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_TX_INFO_REPLY), ==, 1);
}

/* Without rtrs= the reply still tells the node what the server saw, with no RTR. */
static void
test_no_rtrs (void)
{
  g_autoptr(LmnMapServer) ms = make_server (FALSE);
  g_autoptr(GPtrArray) out = outputs ();
  Req r = { "192.0.2.0", 24, 1, LISP_AUTH_HMAC_SHA256_128, ANA_KEY };
  g_autoptr(GBytes) req = encode_request (&r, 5);
  g_autoptr(LispInfo) reply = NULL;
  const LmnDatagram *d;

  send_request (ms, req, &NATED, T0, out);
  g_assert_cmpuint (out->len, ==, 1);
  d = g_ptr_array_index (out, 0);
  g_assert_true (
    lisp_info_decode (g_bytes_get_data (d->data, NULL), g_bytes_get_size (d->data), &reply, NULL));
  g_assert_cmpuint (reply->mask_len, ==, 24);
  g_assert_cmpuint (reply->address->items->len, ==, 0);
}

typedef struct {
  const char *path;
  Req req;
  LmnMsCounter counter;
} Refusal;

static const Refusal refusals[] = {
  { "/info-request/refused/no-mac",
    { "192.0.2.10", 32, 1, LISP_AUTH_NONE, NULL },
    LMN_MS_DROP_UNAUTHENTICATED_INFO },
  { "/info-request/refused/eid-outside-sites",
    { "198.51.100.10", 32, 1, LISP_AUTH_HMAC_SHA256_128, ANA_KEY },
    LMN_MS_DROP_EID_NOT_ALLOWED },
  { "/info-request/refused/eid-wider-than-site",
    { "192.0.0.0", 16, 1, LISP_AUTH_HMAC_SHA256_128, ANA_KEY },
    LMN_MS_DROP_EID_NOT_ALLOWED },
  { "/info-request/refused/mask-too-long",
    { "192.0.2.10", 33, 1, LISP_AUTH_HMAC_SHA256_128, ANA_KEY },
    LMN_MS_DROP_EID_NOT_ALLOWED },
  { "/info-request/refused/unknown-key-id",
    { "192.0.2.10", 32, 9, LISP_AUTH_HMAC_SHA256_128, ANA_KEY },
    LMN_MS_DROP_UNKNOWN_KEY_ID },
  { "/info-request/refused/wrong-key",
    { "192.0.2.10", 32, 1, LISP_AUTH_HMAC_SHA256_128, "guess" },
    LMN_MS_DROP_BAD_MAC },
  { "/info-request/refused/wrong-algorithm",
    { "192.0.2.10", 32, 1, LISP_AUTH_HMAC_SHA1_96, ANA_KEY },
    LMN_MS_DROP_BAD_MAC },
  { "/info-request/refused/reply-to-server",
    { "192.0.2.10", 32, 1, LISP_AUTH_HMAC_SHA256_128, ANA_KEY, .reply = TRUE },
    LMN_MS_DROP_UNSUPPORTED },
};

static GBytes *
encode_refused (const Req *r)
{
  g_autoptr(LispInfo) m = NULL;

  if (!r->reply)
    return encode_request (r, 7);
  /* An Info-Reply needs its NAT LCAF to be encoded at all. */
  m = lisp_info_new (TRUE);
  m->key_id = r->key_id;
  m->alg_id = r->alg;
  m->mask_len = r->mask_len;
  lisp_address_free (m->eid);
  m->eid = lisp_address_parse (r->eid, NULL);
  return lisp_info_encode (m, (const guint8 *) r->secret, strlen (r->secret), NULL);
}

static void
test_refused (gconstpointer data)
{
  const Refusal *c = data;
  g_autoptr(LmnMapServer) ms = make_server (TRUE);
  g_autoptr(GPtrArray) out = outputs ();
  g_autoptr(GBytes) req = encode_refused (&c->req);

  g_assert_nonnull (req);
  send_request (ms, req, &NATED, T0, out);
  g_assert_cmpuint (out->len, ==, 0);
  g_assert_cmpuint (lmn_map_server_counter (ms, c->counter), ==, 1);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_TX_INFO_REPLY), ==, 0);
}

/* Every truncation of a valid request is dropped as malformed, never answered. */
static void
test_truncated (void)
{
  g_autoptr(LmnMapServer) ms = make_server (TRUE);
  Req r = { "192.0.2.10", 32, 1, LISP_AUTH_HMAC_SHA256_128, ANA_KEY };
  g_autoptr(GBytes) req = encode_request (&r, 9);
  gsize len;
  const guint8 *data = g_bytes_get_data (req, &len);

  for (gsize n = 1; n < len; n++)
    {
      g_autoptr(GPtrArray) out = outputs ();
      g_autofree guint8 *copy = g_memdup2 (data, n);
      /* a new source each time: the rate limit is not what is tested */
      LmnEndpoint from = NATED;

      from.addr[3] = (guint8) n;
      lmn_map_server_handle_at (ms, copy, n, &from, &MS, T0, out);
      g_assert_cmpuint (out->len, ==, 0);
    }
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_TX_INFO_REPLY), ==, 0);
}

/* A burst per source, then the rate: another source is not held back, and time refills. */
static void
test_rate_limited (void)
{
  g_autoptr(LmnMapServer) ms = make_server (TRUE);
  g_autoptr(GPtrArray) out = outputs ();
  Req r = { "192.0.2.10", 32, 1, LISP_AUTH_HMAC_SHA256_128, ANA_KEY };
  g_autoptr(GBytes) req = encode_request (&r, 9);
  LmnEndpoint other = NATED;

  for (guint i = 0; i < LMN_MS_INFO_BURST + 10; i++)
    send_request (ms, req, &NATED, T0, out);
  g_assert_cmpuint (out->len, ==, LMN_MS_INFO_BURST);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_DROP_RATE_LIMITED), ==, 10);
  other.addr[3]++;
  send_request (ms, req, &other, T0, out);
  g_assert_cmpuint (out->len, ==, LMN_MS_INFO_BURST + 1);
  for (guint i = 0; i < LMN_MS_INFO_RATE + 1; i++)
    send_request (ms, req, &NATED, T0 + 1, out);
  g_assert_cmpuint (out->len, ==, LMN_MS_INFO_BURST + 1 + LMN_MS_INFO_RATE);
}

/* The limiter alone: the port does not matter, the table stays bounded and forgets the
 * source heard from least recently. */
static void
test_rate_limit_bounded (void)
{
  g_autoptr(LmnRateLimit) rl = lmn_rate_limit_new (1, 2, 3);
  LmnEndpoint a = NATED, b = NATED, c = NATED, d = NATED;

  b.addr[3] = 8;
  c.addr[3] = 9;
  d.addr[3] = 10;
  g_assert_true (lmn_rate_limit_allow (rl, &a, T0));
  a.port++;
  g_assert_true (lmn_rate_limit_allow (rl, &a, T0));
  g_assert_false (lmn_rate_limit_allow (rl, &a, T0));
  g_assert_true (lmn_rate_limit_allow (rl, &b, T0));
  g_assert_true (lmn_rate_limit_allow (rl, &c, T0));
  g_assert_false (lmn_rate_limit_allow (rl, &a, T0)); /* a is now the most recent */
  g_assert_true (lmn_rate_limit_allow (rl, &d, T0));  /* forgets b, the stalest */
  g_assert_cmpuint (lmn_rate_limit_size (rl), ==, 3);
  g_assert_false (lmn_rate_limit_allow (rl, &a, T0)); /* a was kept, still empty */
  g_assert_true (lmn_rate_limit_allow (rl, &a, T0 + 1));
  g_assert_false (lmn_rate_limit_allow (rl, &a, T0 + 1));
  for (guint i = 0; i < 10000; i++)
    {
      LmnEndpoint e = { LISP_FAMILY_IPV6, { 0x20, 0x01, 0x0d, 0xb8 } };

      memcpy (e.addr + 12, &i, sizeof i);
      lmn_rate_limit_allow (rl, &e, T0);
    }
  g_assert_cmpuint (lmn_rate_limit_size (rl), ==, 3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/info-request/answered/sha-256", GUINT_TO_POINTER (0), test_answered);
  g_test_add_data_func ("/info-request/answered/sha-1", GUINT_TO_POINTER (1), test_answered);
  g_test_add_func ("/info-request/no-rtrs", test_no_rtrs);
  TEST_ADD_TABLE (refusals, test_refused);
  g_test_add_func ("/info-request/truncated", test_truncated);
  g_test_add_func ("/info-request/rate-limited", test_rate_limited);
  g_test_add_func ("/rate-limit/bounded", test_rate_limit_bounded);
  return g_test_run ();
}
