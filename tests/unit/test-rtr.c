/* Registration through an RTR, the map-server's and the RTR's cores driven together with
 * messages built by the library's encoders: the ECM'd Map-Register relayed with the N bit,
 * the Map-Notify back in an ECM with the R bit and the MS-RTR block, the Data-Map-Notify to
 * the node's translated address; forged, unsigned and unknown Map-Notifys, relays from
 * strangers, a flood of forged registrations against the bound, expiry and rebinding. */
#include "map-server.h"
#include "rtr.h"
#include "rtr-dataplane.h"
#include "lisp-auth.h"
#include "wire-data.h"

#include <string.h>

#define SITE_KEY   "ana-secret"
#define MS_RTR_KEY "ms-rtr-secret"
#define T0         1000

static const LmnEndpoint MS = { LISP_FAMILY_IPV4, { 203, 0, 113, 1 }, 4342 };
static const LmnEndpoint RTR = { LISP_FAMILY_IPV4, { 203, 0, 113, 2 }, 4342 };
static const LmnEndpoint STRANGER = { LISP_FAMILY_IPV4, { 203, 0, 113, 66 }, 4342 };
/* The node: private RLOC behind the NAT, and the NAT's translation of its port 4341. */
static const guint8 PRIVATE[4] = { 198, 51, 100, 10 };
static const LmnEndpoint NATED = { LISP_FAMILY_IPV4, { 198, 51, 100, 254 }, 31337 };
static const guint8 XTR_ID[16] = { 0x11, 0x22, [15] = 0x99 };

typedef struct {
  LmnMapServer *ms;
  LmnRtr *rtr;
} Pair;

static Pair
make_pair (const char *rtr_key, const char *ms_key, guint max_unverified)
{
  GPtrArray *sites = g_ptr_array_new ();
  LmnSite *ana = lmn_site_new ("ana");
  g_autoptr(GArray) rtrs = g_array_new (FALSE, TRUE, sizeof (LmnEndpoint));
  LmnServerRtrConfig config = { .max_unverified = max_unverified, .ms_key = (gchar *) ms_key };
  Pair p;
  LispPrefix prefix;

  g_assert_true (lisp_prefix_parse ("192.0.2.0/24", &prefix, NULL));
  g_array_append_val (ana->prefixes, prefix);
  ana->accept_more_specifics = TRUE;
  lmn_site_add_key (ana, 1, LISP_AUTH_HMAC_SHA256_128, SITE_KEY);
  g_ptr_array_add (sites, ana);
  p.ms = lmn_map_server_new (sites);
  g_array_append_val (rtrs, RTR);
  lmn_map_server_set_rtrs (p.ms, rtrs);
  lmn_map_server_set_rtr_key (p.ms, rtr_key);
  config.addresses = g_array_new (FALSE, TRUE, sizeof (LmnEndpoint));
  config.map_servers = g_array_new (FALSE, TRUE, sizeof (LmnEndpoint));
  g_array_append_val (config.addresses, RTR);
  g_array_append_val (config.map_servers, MS);
  p.rtr = lmn_rtr_new (&config);
  g_array_unref (config.addresses);
  g_array_unref (config.map_servers);
  return p;
}

static void
pair_clear (Pair *p)
{
  lmn_map_server_free (p->ms);
  lmn_rtr_free (p->rtr);
}

static GPtrArray *
outputs (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_datagram_free);
}

/* The node's Map-Register: its EID with the RTR as locator, P, M and I set. */
static GBytes *
node_register (const guint8 xtr_id[16], guint64 nonce, const char *key)
{
  g_autoptr(LispMapRegister) m = lisp_map_register_new (LISP_TYPE_MAP_REGISTER);
  LispRecord *rec = lisp_record_new (lisp_address_parse ("192.0.2.10", NULL), 32, 3);
  LispLocator *l = lisp_locator_new (lisp_address_parse ("203.0.113.2", NULL), 1, 100);

  l->reachable = TRUE;
  g_ptr_array_add (rec->locators, l);
  g_ptr_array_add (m->records, rec);
  m->proxy_reply = TRUE;
  m->want_notify = TRUE;
  m->has_xtr_id = TRUE;
  memcpy (m->xtr_id, xtr_id, 16);
  m->nonce = nonce;
  m->key_id = 1;
  m->alg_id = LISP_AUTH_HMAC_SHA256_128;
  return lisp_map_register_encode (m, (const guint8 *) key, strlen (key), NULL);
}

/* It in an ECM with the R bit, from the private RLOC to the map-server (ms). */
static GBytes *
node_ecm (GBytes *reg, const LmnEndpoint *ms)
{
  g_autoptr(LispEcm) ecm = lisp_ecm_new ();

  ecm->to_etr = TRUE;
  memcpy (ecm->src, PRIVATE, 4);
  memcpy (ecm->dst, ms->addr, 4);
  ecm->inner = g_bytes_ref (reg);
  return lisp_ecm_encode (ecm, NULL);
}

static gboolean
rtr_handle (LmnRtr *rtr, GBytes *msg, const LmnEndpoint *from, gint64 now, GPtrArray *out)
{
  return lmn_rtr_handle (rtr, g_bytes_get_data (msg, NULL), g_bytes_get_size (msg), from, &RTR, now,
                         out);
}

static const LmnDatagram *
only (GPtrArray *out)
{
  g_assert_cmpuint (out->len, ==, 1);
  return g_ptr_array_index (out, 0);
}

/* The node registers through the RTR: the relayed ECM, the map-server's ECM'd Map-Notify
 * (signed or not), returned for the next step. */
static GBytes *
register_via_rtr (Pair *p, const LmnEndpoint *nated, guint64 nonce, gint64 now)
{
  g_autoptr(GBytes) reg = node_register (XTR_ID, nonce, SITE_KEY);
  g_autoptr(GBytes) ecm = node_ecm (reg, &MS);
  g_autoptr(GPtrArray) out = outputs ();
  g_autoptr(LispEcm) relayed = NULL;
  const LmnDatagram *d;

  g_assert_false (rtr_handle (p->rtr, ecm, nated, now, out));
  d = only (out);
  g_assert_true (lmn_endpoint_same_host (&d->to, &MS));
  g_assert_cmpuint (d->to.port, ==, 4342);
  g_assert_true (lmn_endpoint_same_host (&d->local, &RTR));
  g_assert_true (
    lisp_ecm_decode (g_bytes_get_data (d->data, NULL), g_bytes_get_size (d->data), &relayed, NULL));
  g_assert_true (relayed->to_ms);
  g_assert_false (relayed->to_etr);
  g_assert_cmpmem (relayed->src, 4, PRIVATE, 4);
  g_assert_cmpmem (relayed->dst, 4, MS.addr, 4);
  g_assert_true (g_bytes_equal (relayed->inner, reg));

  /* the map-server */
  {
    g_autoptr(GPtrArray) ms_out = outputs ();
    const LmnDatagram *n;

    g_assert_true (lmn_map_server_handle_at (p->ms, g_bytes_get_data (d->data, NULL),
                                             g_bytes_get_size (d->data), &RTR, &MS, now, ms_out));
    n = only (ms_out);
    g_assert_true (lmn_endpoint_same_host (&n->to, &RTR));
    g_assert_cmpuint (n->to.port, ==, 4342);
    return g_bytes_ref (n->data);
  }
}

/* The Data-Map-Notify: data header with IID 0xFFFFFF, IPv4 from the map-server to the
 * private RLOC, UDP 4342 -> 4342 with a valid checksum, the Map-Notify under the site key. */
static void
check_data_map_notify (const LmnDatagram *d, const LmnEndpoint *nated, guint64 nonce)
{
  gsize len;
  const guint8 *b = g_bytes_get_data (d->data, &len);
  g_autoptr(LispMapRegister) n = NULL;
  g_autoptr(GError) error = NULL;
  LispDataHeader h;
  guint16 udp_len;
  guint32 sum = 0;

  g_assert_true (lmn_endpoint_same_host (&d->to, nated));
  g_assert_cmpuint (d->to.port, ==, nated->port);
  g_assert_true (lmn_endpoint_same_host (&d->local, &RTR));
  g_assert_true (lisp_data_header_decode (b, len, &h, &error));
  g_assert_true (h.iid_present);
  g_assert_cmpuint (h.iid, ==, LISP_DATA_IID_CONTROL);
  g_assert_false (h.nonce_present || h.lsb_enabled || h.echo_nonce || h.map_version);
  g_assert_cmpuint (b[8] >> 4, ==, 4);
  g_assert_cmpuint (b[8 + 9], ==, 17);
  g_assert_cmpmem (b + 8 + 12, 4, MS.addr, 4);
  g_assert_cmpmem (b + 8 + 16, 4, PRIVATE, 4);
  g_assert_cmpuint (lisp_load_u16 (b + 28), ==, 4342);
  g_assert_cmpuint (lisp_load_u16 (b + 30), ==, 4342);
  udp_len = lisp_load_u16 (b + 32);
  g_assert_cmpuint (udp_len, ==, len - 28);
  /* the UDP checksum over the pseudo-header and the datagram sums to 0xffff */
  for (guint i = 0; i < 8; i += 2)
    sum += lisp_load_u16 (b + 8 + 12 + i);
  sum += 17 + udp_len;
  for (gsize i = 0; i < udp_len; i += 2)
    sum += i + 1 < udp_len ? lisp_load_u16 (b + 28 + i) : (guint32) b[28 + i] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  g_assert_cmpuint (sum, ==, 0xffff);
  g_assert_true (lisp_map_register_decode (b + 36, len - 36, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n->type, ==, LISP_TYPE_MAP_NOTIFY);
  g_assert_cmpuint (n->nonce, ==, nonce);
  g_assert_true (n->has_xtr_id);
  g_assert_cmpmem (n->xtr_id, 16, XTR_ID, 16);
  g_assert_true (lisp_auth_verify (n->alg_id, (const guint8 *) SITE_KEY, strlen (SITE_KEY), b + 36,
                                   len - 36, n->auth_offset, g_bytes_get_size (n->auth_data),
                                   NULL));
}

static void
test_register_through_rtr (gconstpointer data)
{
  gboolean signed_ = GPOINTER_TO_UINT (data);
  Pair p = make_pair (signed_ ? MS_RTR_KEY : NULL, signed_ ? MS_RTR_KEY : NULL, 16);
  g_autoptr(GBytes) notify = register_via_rtr (&p, &NATED, 5, T0);
  g_autoptr(GPtrArray) out = outputs ();
  g_autoptr(LispEcm) ecm = NULL;
  const LmnSiteRegistration *reg;
  const LmnNatBinding *b;
  const guint8 eid[4] = { 192, 0, 2, 10 };

  /* the map-server registered the node, its locator the RTR */
  g_assert_cmpuint (lmn_map_server_registrations (p.ms)->len, ==, 1);
  reg = g_ptr_array_index (lmn_map_server_registrations (p.ms), 0);
  g_assert_true (lmn_endpoint_same_host (&reg->registrant, &RTR));
  g_assert_cmpuint (lmn_map_server_counter (p.ms, LMN_MS_RX_RELAYED_REGISTER), ==, 1);
  g_assert_cmpuint (lmn_map_server_counter (p.ms, LMN_MS_TX_RELAYED_NOTIFY), ==, 1);
  /* its Map-Notify: ECM R=1 from the map-server to the private RLOC, S as configured */
  g_assert_true (
    lisp_ecm_decode (g_bytes_get_data (notify, NULL), g_bytes_get_size (notify), &ecm, NULL));
  g_assert_true (ecm->to_etr);
  g_assert_false (ecm->to_ms);
  g_assert_cmpint (ecm->security, ==, signed_);
  g_assert_cmpmem (ecm->src, 4, MS.addr, 4);
  g_assert_cmpmem (ecm->dst, 4, PRIVATE, 4);
  if (signed_)
    g_assert_true (
      lisp_ecm_ms_rtr_verify (ecm, (const guint8 *) MS_RTR_KEY, strlen (MS_RTR_KEY), NULL));

  g_assert_null (lmn_rtr_find_node (p.rtr, 0, LISP_FAMILY_IPV4, eid));
  g_assert_cmpuint (lmn_nat_bindings_unverified (lmn_rtr_bindings (p.rtr)), ==, 1);
  g_assert_true (rtr_handle (p.rtr, notify, &MS, T0, out));
  check_data_map_notify (only (out), &NATED, 5);
  b = lmn_rtr_find_node (p.rtr, 0, LISP_FAMILY_IPV4, eid);
  g_assert_nonnull (b);
  g_assert_true (lmn_endpoint_same_host (&b->translated, &NATED));
  g_assert_cmpuint (b->translated.port, ==, NATED.port);
  g_assert_cmpuint (lmn_nat_bindings_unverified (lmn_rtr_bindings (p.rtr)), ==, 0);
  g_assert_cmpuint (lmn_rtr_counter (p.rtr, LMN_RTR_NODES_VERIFIED), ==, 1);
  g_assert_cmpuint (lmn_rtr_counter (p.rtr, LMN_RTR_TX_DATA_MAP_NOTIFY), ==, 1);
  /* the same Map-Notify again: its binding is no longer waiting */
  g_ptr_array_set_size (out, 0);
  g_assert_false (rtr_handle (p.rtr, notify, &MS, T0, out));
  g_assert_cmpuint (out->len, ==, 0);
  g_assert_cmpuint (lmn_rtr_counter (p.rtr, LMN_RTR_DROP_UNKNOWN_NONCE), ==, 1);
  pair_clear (&p);
}

/* A Map-Notify whose MS-RTR MAC does not verify (forged, or the keys differ), an unsigned
 * one when the RTR has a key, a signed one when it has none: dropped, counted, nothing
 * verified. */
static void
test_notify_refused (void)
{
  static const struct {
    const char *ms_key, *rtr_key;
    gboolean tamper;
    LmnRtrCounter counter;
  } cases[] = {
    { MS_RTR_KEY, MS_RTR_KEY, TRUE, LMN_RTR_DROP_BAD_MS_RTR_MAC },
    { MS_RTR_KEY, "another-key", FALSE, LMN_RTR_DROP_BAD_MS_RTR_MAC },
    { MS_RTR_KEY, NULL, FALSE, LMN_RTR_DROP_BAD_MS_RTR_MAC },
    { NULL, MS_RTR_KEY, FALSE, LMN_RTR_DROP_UNSIGNED_NOTIFY },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Pair p = make_pair (cases[i].ms_key, cases[i].rtr_key, 16);
      g_autoptr(GBytes) notify = register_via_rtr (&p, &NATED, 5, T0);
      g_autoptr(GPtrArray) out = outputs ();
      g_autoptr(GByteArray) bytes = g_byte_array_new ();
      g_autoptr(GBytes) sent = NULL;
      const guint8 eid[4] = { 192, 0, 2, 10 };

      g_byte_array_append (bytes, g_bytes_get_data (notify, NULL), g_bytes_get_size (notify));
      if (cases[i].tamper)
        bytes->data[12] ^= 1; /* a byte of the MAC */
      sent = g_bytes_new (bytes->data, bytes->len);
      g_test_message ("case %u", i);
      g_assert_false (rtr_handle (p.rtr, sent, &MS, T0, out));
      g_assert_cmpuint (out->len, ==, 0);
      g_assert_cmpuint (lmn_rtr_counter (p.rtr, cases[i].counter), ==, 1);
      g_assert_null (lmn_rtr_find_node (p.rtr, 0, LISP_FAMILY_IPV4, eid));
      pair_clear (&p);
    }
}

/* Only listed hosts may relay to the map-server and send Map-Notifys to the RTR; the RTR
 * relays only to its map-servers and only Map-Registers with an xTR-ID. */
static void
test_strangers (void)
{
  Pair p = make_pair (NULL, NULL, 16);
  g_autoptr(GBytes) reg = node_register (XTR_ID, 5, SITE_KEY);
  g_autoptr(GBytes) to_stranger = node_ecm (reg, &STRANGER);
  g_autoptr(GPtrArray) out = outputs ();
  g_autoptr(GBytes) notify = NULL;
  g_autoptr(LispEcm) relayed = lisp_ecm_new ();
  g_autoptr(GBytes) relayed_bytes = NULL;
  g_autoptr(LispMapRegister) anonymous = lisp_map_register_new (LISP_TYPE_MAP_REGISTER);
  g_autoptr(GBytes) anonymous_bytes = NULL;
  g_autoptr(GBytes) anonymous_ecm = NULL;

  /* an ECM with the N bit from a host not in rtrs= */
  relayed->to_ms = TRUE;
  memcpy (relayed->src, PRIVATE, 4);
  memcpy (relayed->dst, MS.addr, 4);
  relayed->inner = g_bytes_ref (reg);
  relayed_bytes = lisp_ecm_encode (relayed, NULL);
  g_assert_false (lmn_map_server_handle_at (p.ms, g_bytes_get_data (relayed_bytes, NULL),
                                            g_bytes_get_size (relayed_bytes), &STRANGER, &MS, T0,
                                            out));
  g_assert_cmpuint (lmn_map_server_counter (p.ms, LMN_MS_DROP_RELAY_NOT_RTR), ==, 1);
  /* a relayed Map-Register with a wrong key: dropped, and no "wrong key" answer */
  {
    g_autoptr(GBytes) bad = node_register (XTR_ID, 6, "guess");

    g_clear_pointer (&relayed->inner, g_bytes_unref);
    relayed->inner = g_bytes_ref (bad);
    g_clear_pointer (&relayed_bytes, g_bytes_unref);
    relayed_bytes = lisp_ecm_encode (relayed, NULL);
    g_assert_false (lmn_map_server_handle_at (p.ms, g_bytes_get_data (relayed_bytes, NULL),
                                              g_bytes_get_size (relayed_bytes), &RTR, &MS, T0,
                                              out));
    g_assert_cmpuint (lmn_map_server_counter (p.ms, LMN_MS_DROP_BAD_MAC), ==, 1);
  }
  g_assert_cmpuint (out->len, ==, 0);

  /* the RTR: a map-server it does not know, a Map-Register without xTR-ID */
  g_assert_false (rtr_handle (p.rtr, to_stranger, &NATED, T0, out));
  g_assert_cmpuint (lmn_rtr_counter (p.rtr, LMN_RTR_DROP_MS_NOT_ALLOWED), ==, 1);
  anonymous->nonce = 1;
  g_ptr_array_add (anonymous->records,
                   lisp_record_new (lisp_address_parse ("192.0.2.10", NULL), 32, 3));
  anonymous_bytes = lisp_map_register_encode (anonymous, NULL, 0, NULL);
  anonymous_ecm = node_ecm (anonymous_bytes, &MS);
  g_assert_false (rtr_handle (p.rtr, anonymous_ecm, &NATED, T0, out));
  g_assert_cmpuint (lmn_rtr_counter (p.rtr, LMN_RTR_DROP_NO_XTR_ID), ==, 1);
  g_assert_cmpuint (out->len, ==, 0);

  /* a Map-Notify from a host not in map-servers= */
  notify = register_via_rtr (&p, &NATED, 7, T0);
  g_assert_false (rtr_handle (p.rtr, notify, &STRANGER, T0, out));
  g_assert_cmpuint (lmn_rtr_counter (p.rtr, LMN_RTR_DROP_NOTIFY_NOT_FROM_MS), ==, 1);
  g_assert_cmpuint (out->len, ==, 0);
  pair_clear (&p);
}

/* A flood of forged registrations with random xTR-IDs from many addresses keeps the
 * unverified bindings at the bound, evicting the oldest, and leaves a verified node (and
 * its refresh) alone; from one address it is rate-limited. */
static void
test_flood (void)
{
  Pair p = make_pair (MS_RTR_KEY, MS_RTR_KEY, 64);
  g_autoptr(GBytes) first = register_via_rtr (&p, &NATED, 5, T0);
  g_autoptr(GPtrArray) out = outputs ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (4341);
  g_autoptr(GBytes) refresh = NULL;
  const guint8 eid[4] = { 192, 0, 2, 10 };
  guint64 limited;

  g_assert_true (rtr_handle (p.rtr, first, &MS, T0, out));
  for (guint i = 0; i < 5000; i++)
    {
      guint8 xtr_id[16];
      LmnEndpoint from = { LISP_FAMILY_IPV4, { 198, 51, (guint8) (i >> 8), (guint8) i }, 40000 };
      g_autoptr(GBytes) reg = NULL;
      g_autoptr(GBytes) ecm = NULL;

      for (guint j = 0; j < 16; j++)
        xtr_id[j] = (guint8) g_rand_int (rand);
      reg = node_register (xtr_id, g_rand_int (rand), "guess");
      ecm = node_ecm (reg, &MS);
      rtr_handle (p.rtr, ecm, &from, T0 + 1, out);
    }
  g_assert_cmpuint (lmn_nat_bindings_unverified (lmn_rtr_bindings (p.rtr)), ==, 64);
  g_assert_cmpuint (lmn_rtr_counter (p.rtr, LMN_RTR_UNVERIFIED_EVICTED), ==, 5000 - 64);
  g_assert_nonnull (lmn_rtr_find_node (p.rtr, 0, LISP_FAMILY_IPV4, eid));

  /* one address: the burst, then nothing in the same second */
  limited = lmn_rtr_counter (p.rtr, LMN_RTR_DROP_RATE_LIMITED);
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(GBytes) reg = node_register (XTR_ID, 1000 + i, "guess");
      g_autoptr(GBytes) ecm = node_ecm (reg, &MS);

      rtr_handle (p.rtr, ecm, &STRANGER, T0 + 1, out);
    }
  g_assert_cmpuint (lmn_rtr_counter (p.rtr, LMN_RTR_DROP_RATE_LIMITED), ==,
                    limited + 100 - LMN_RTR_REGISTER_BURST);

  /* the real node refreshes through all that */
  g_ptr_array_set_size (out, 0);
  refresh = register_via_rtr (&p, &NATED, 6, T0 + 2);
  g_assert_true (rtr_handle (p.rtr, refresh, &MS, T0 + 2, out));
  check_data_map_notify (only (out), &NATED, 6);
  pair_clear (&p);
}

/* Unverified bindings lapse after 10 s, verified ones 180 s after their last verification;
 * a new translated port (the NAT rebound) takes over only once verified. */
static void
test_expiry_and_rebinding (void)
{
  Pair p = make_pair (MS_RTR_KEY, MS_RTR_KEY, 16);
  g_autoptr(GBytes) n1 = register_via_rtr (&p, &NATED, 5, T0);
  g_autoptr(GBytes) n2 = NULL;
  g_autoptr(GBytes) n3 = NULL;
  g_autoptr(GPtrArray) out = outputs ();
  LmnEndpoint rebound = NATED;
  const guint8 eid[4] = { 192, 0, 2, 10 };
  const LmnNatBinding *b;

  g_assert_true (rtr_handle (p.rtr, n1, &MS, T0, out));
  rebound.port = 40404;
  n2 = register_via_rtr (&p, &rebound, 6, T0 + 20);
  b = lmn_rtr_find_node (p.rtr, 0, LISP_FAMILY_IPV4, eid);
  g_assert_cmpuint (b->translated.port, ==, NATED.port); /* not verified yet */
  g_assert_true (rtr_handle (p.rtr, n2, &MS, T0 + 20, out));
  b = lmn_rtr_find_node (p.rtr, 0, LISP_FAMILY_IPV4, eid);
  g_assert_cmpuint (b->translated.port, ==, 40404);
  g_assert_cmpuint (lmn_nat_bindings_verified (lmn_rtr_bindings (p.rtr))->len, ==, 1);

  /* an unverified one lapses after 10 s */
  n3 = register_via_rtr (&p, &NATED, 7, T0 + 30);
  g_assert_cmpuint (lmn_nat_bindings_unverified (lmn_rtr_bindings (p.rtr)), ==, 1);
  lmn_rtr_tick (p.rtr, T0 + 39);
  g_assert_cmpuint (lmn_nat_bindings_unverified (lmn_rtr_bindings (p.rtr)), ==, 1);
  lmn_rtr_tick (p.rtr, T0 + 40);
  g_assert_cmpuint (lmn_nat_bindings_unverified (lmn_rtr_bindings (p.rtr)), ==, 0);
  g_assert_cmpuint (lmn_rtr_counter (p.rtr, LMN_RTR_UNVERIFIED_EXPIRED), ==, 1);
  g_ptr_array_set_size (out, 0);
  g_assert_false (rtr_handle (p.rtr, n3, &MS, T0 + 40, out));
  g_assert_cmpuint (out->len, ==, 0);
  /* the verified one, 180 s after its last verification */
  g_assert_false (lmn_rtr_tick (p.rtr, T0 + 20 + 179));
  g_assert_nonnull (lmn_rtr_find_node (p.rtr, 0, LISP_FAMILY_IPV4, eid));
  g_assert_true (lmn_rtr_tick (p.rtr, T0 + 20 + 180));
  g_assert_null (lmn_rtr_find_node (p.rtr, 0, LISP_FAMILY_IPV4, eid));
  g_assert_cmpuint (lmn_rtr_counter (p.rtr, LMN_RTR_VERIFIED_EXPIRED), ==, 1);
  pair_clear (&p);
}

/* The MS-RTR block on its own: signs the inner message, survives encoding and decoding,
 * and fails with another key, an altered message or another Key ID. */
static void
test_ms_rtr_block (void)
{
  g_autoptr(LispEcm) ecm = lisp_ecm_new ();
  g_autoptr(LispEcm) back = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) altered = g_byte_array_new ();
  const guint8 *block;

  ecm->to_etr = TRUE;
  ecm->inner = g_bytes_new_static ("\x40\0\0\0notify", 10);
  g_assert_true (lisp_ecm_ms_rtr_sign (ecm, (const guint8 *) "k", 1, &error));
  block = g_bytes_get_data (ecm->security_data, NULL);
  g_assert_cmpuint (g_bytes_get_size (ecm->security_data), ==, 40);
  g_assert_cmpuint (block[0], ==, 2);
  g_assert_cmpuint (lisp_load_u16 (block + 4), ==, LISP_ECM_MS_RTR_KEY_ID);
  g_assert_cmpuint (lisp_load_u16 (block + 6), ==, 32);
  bytes = lisp_ecm_encode (ecm, &error);
  g_assert_true (
    lisp_ecm_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &back, &error));
  g_assert_no_error (error);
  g_assert_true (back->security && back->to_etr);
  g_assert_true (lisp_ecm_ms_rtr_verify (back, (const guint8 *) "k", 1, &error));
  g_assert_false (lisp_ecm_ms_rtr_verify (back, (const guint8 *) "K", 1, &error));
  g_assert_nonnull (strstr (error->message, "authentication failed"));
  g_clear_error (&error);
  g_byte_array_append (altered, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  altered->data[altered->len - 1] ^= 1;
  g_clear_pointer (&back, lisp_ecm_free);
  g_assert_true (lisp_ecm_decode (altered->data, altered->len, &back, NULL));
  g_assert_false (lisp_ecm_ms_rtr_verify (back, (const guint8 *) "k", 1, NULL));
  altered->data[altered->len - 1] ^= 1;
  altered->data[9] = 7; /* Key ID 7 */
  g_clear_pointer (&back, lisp_ecm_free);
  g_assert_true (lisp_ecm_decode (altered->data, altered->len, &back, NULL));
  g_assert_false (lisp_ecm_ms_rtr_verify (back, (const guint8 *) "k", 1, &error));
  g_assert_nonnull (strstr (error->message, "Key ID 7"));
  g_clear_error (&error);
  /* and an ECM without the block */
  g_clear_pointer (&ecm->security_data, g_bytes_unref);
  ecm->security = FALSE;
  g_assert_false (lisp_ecm_ms_rtr_verify (ecm, (const guint8 *) "k", 1, &error));
  /* the routing bits */
  g_assert_true (lisp_ecm_to_rtr (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)));
  g_assert_false (
    lisp_ecm_relayed_to_ms (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)));
  g_assert_false (lisp_ecm_to_rtr (g_bytes_get_data (bytes, NULL), 3));
}

typedef struct {
  guint calls;
  LmnEndpoint from, to;
  GByteArray *sent;
} Sent;

static gboolean
record_send (const LmnEndpoint *from, const LmnEndpoint *to, const guint8 *header, gsize header_len,
             const guint8 *packet, gsize len, gpointer user_data)
{
  Sent *s = user_data;

  s->calls++;
  s->from = *from;
  s->to = *to;
  g_byte_array_set_size (s->sent, 0);
  g_byte_array_append (s->sent, header, header_len);
  g_byte_array_append (s->sent, packet, len);
  return TRUE;
}

/* The data plane's questions: whose is a decapsulated packet, and where does a packet for a
 * node's EID go. */
static void
test_dataplane (void)
{
  Pair p = make_pair (MS_RTR_KEY, MS_RTR_KEY, 16);
  g_autoptr(GBytes) notify = register_via_rtr (&p, &NATED, 5, T0);
  g_autoptr(GPtrArray) out = outputs ();
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  const guint8 eid[4] = { 192, 0, 2, 10 }, other[4] = { 192, 0, 2, 11 };
  const guint8 packet[20] = { 0x45, [9] = 1 };
  Sent sent = { .sent = bytes };
  LispDataHeader h;

  /* unverified: nothing is served */
  g_assert_cmpint (lmn_rtr_check_source (p.rtr, 4, eid, other, 4, NATED.addr), ==,
                   LMN_RTR_SOURCE_OTHER);
  g_assert_false (lmn_rtr_send_to_node (p.rtr, packet, sizeof packet, 4, eid, record_send, &sent));
  g_assert_true (rtr_handle (p.rtr, notify, &MS, T0, out));

  /* from the node's translated address, whatever the port; from elsewhere, forged */
  g_assert_cmpint (lmn_rtr_check_source (p.rtr, 4, eid, other, 4, NATED.addr), ==,
                   LMN_RTR_SOURCE_NODE);
  g_assert_cmpint (lmn_rtr_check_source (p.rtr, 4, eid, other, 4, STRANGER.addr), ==,
                   LMN_RTR_SOURCE_FORGED);
  g_assert_cmpint (lmn_rtr_check_source (p.rtr, 4, other, other, 4, STRANGER.addr), ==,
                   LMN_RTR_SOURCE_OTHER);
  /* a correspondent's packet for the node */
  g_assert_cmpint (lmn_rtr_check_source (p.rtr, 4, other, eid, 4, STRANGER.addr), ==,
                   LMN_RTR_SOURCE_TO_NODE);
  g_assert_cmpuint (lmn_rtr_counter (p.rtr, LMN_RTR_RX_DATA_FROM_NODE), ==, 1);
  g_assert_cmpuint (lmn_rtr_counter (p.rtr, LMN_RTR_DROP_DATA_UNVERIFIED), ==, 1);

  /* to the node: translated address and port, from our 4342, a plain header */
  g_assert_false (
    lmn_rtr_send_to_node (p.rtr, packet, sizeof packet, 4, other, record_send, &sent));
  g_assert_true (lmn_rtr_send_to_node (p.rtr, packet, sizeof packet, 4, eid, record_send, &sent));
  g_assert_cmpuint (sent.calls, ==, 1);
  g_assert_true (lmn_endpoint_same_host (&sent.to, &NATED));
  g_assert_cmpuint (sent.to.port, ==, NATED.port);
  g_assert_true (lmn_endpoint_same_host (&sent.from, &RTR));
  g_assert_cmpuint (sent.from.port, ==, 4342);
  g_assert_cmpuint (bytes->len, ==, LISP_DATA_HEADER_SIZE + sizeof packet);
  g_assert_true (lisp_data_header_decode (bytes->data, bytes->len, &h, NULL));
  g_assert_false (h.iid_present || h.nonce_present || h.lsb_enabled);
  g_assert_cmpmem (bytes->data + LISP_DATA_HEADER_SIZE, sizeof packet, packet, sizeof packet);
  g_assert_cmpuint (lmn_rtr_counter (p.rtr, LMN_RTR_TX_DATA_TO_NODE), ==, 1);
  pair_clear (&p);
}

static void
test_json (void)
{
  Pair p = make_pair (MS_RTR_KEY, MS_RTR_KEY, 16);
  g_autoptr(GBytes) notify = register_via_rtr (&p, &NATED, 5, T0);
  g_autoptr(GPtrArray) out = outputs ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree gchar *json = NULL;

  g_assert_true (rtr_handle (p.rtr, notify, &MS, T0, out));
  node = lmn_rtr_to_json (p.rtr, T0 + 4);
  json_generator_set_root (gen, node);
  json = json_generator_to_data (gen, NULL);
  g_assert_nonnull (strstr (json, "\"translated\":\"198.51.100.254:31337\""));
  g_assert_nonnull (strstr (json, "\"eids\":[\"192.0.2.10/32\"]"));
  g_assert_nonnull (strstr (json, "\"verified-ago\":4"));
  g_assert_nonnull (strstr (json, "\"nodes-verified\":1"));
  g_assert_null (strstr (json, MS_RTR_KEY));
  pair_clear (&p);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/rtr/register/signed", GUINT_TO_POINTER (1), test_register_through_rtr);
  g_test_add_data_func ("/rtr/register/unsigned", GUINT_TO_POINTER (0), test_register_through_rtr);
  g_test_add_func ("/rtr/notify-refused", test_notify_refused);
  g_test_add_func ("/rtr/strangers", test_strangers);
  g_test_add_func ("/rtr/flood", test_flood);
  g_test_add_func ("/rtr/expiry-and-rebinding", test_expiry_and_rebinding);
  g_test_add_func ("/rtr/ms-rtr-block", test_ms_rtr_block);
  g_test_add_func ("/rtr/dataplane", test_dataplane);
  g_test_add_func ("/rtr/json", test_json);
  return g_test_run ();
}
