/* NAT traversal on the mobile node without a network: the Info-Request we send, the verdict
 * on Info-Replies (public, behind a NAT, which RTR; wrong nonce or MAC dropped), the retry
 * schedule (1, 2, 4 s, then "unknown"), our Map-Register wrapped for the RTR, and the
 * Data-Map-Notify's checks (MAC, nonce, xTR-ID) and codec. */
#include "nat-discovery.h"
#include "rtr-registration.h"

#include "data-map-notify.h"
#include "lisp-auth.h"
#include "lisp-error.h"
#include "own-mapping.h"
#include "wire-data.h"

#include <string.h>

#define KEY "correct horse"

static const guint8 XTR_ID[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

typedef struct {
  LmnMapServerConfig ms;
  LispPrefix eid;
  LmnIp local;
  LmnNatDiscovery d;
} Fixture;

static LispAddress *
address (const char *text)
{
  g_autoptr(GError) error = NULL;
  LispAddress *a = lisp_address_parse (text, &error);

  g_assert_no_error (error);
  return a;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_assert_true (lmn_ip_parse ("203.0.113.1", &f->ms.address, NULL));
  f->ms.key = g_strdup (KEY);
  f->ms.key_id = 1;
  f->ms.algorithm = LISP_AUTH_HMAC_SHA256_128;
  g_assert_null (lmn_config_check_prefix ("192.0.2.10/32", 0, &f->eid));
  g_assert_true (lmn_ip_parse ("203.0.113.202", &f->local, NULL));
  lmn_nat_discovery_start (&f->d, &f->ms, &f->local, LISP_CONTROL_PORT);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_free (f->ms.key);
}

/* The map-server's answer to nonce: it saw us as seen:port and names rtrs (";"-separated). */
static GBytes *
reply (guint64 nonce, const char *key, guint8 key_id, const char *seen, guint16 port,
       const char *rtrs)
{
  g_autoptr(LispInfo) m = lisp_info_new (TRUE);
  g_auto(GStrv) list = g_strsplit (rtrs, ";", -1);
  g_autoptr(GError) error = NULL;
  LispAddress *nat = m->address;
  GBytes *bytes;

  m->nonce = nonce;
  m->key_id = key_id;
  m->alg_id = LISP_AUTH_HMAC_SHA256_128;
  m->ttl = 1440;
  m->mask_len = 32;
  lisp_address_free (m->eid);
  m->eid = address ("192.0.2.10");
  nat->items = g_ptr_array_new_with_free_func ((GDestroyNotify) lisp_address_free);
  nat->ms_port = LISP_CONTROL_PORT;
  nat->etr_port = port;
  nat->global_etr = address (seen);
  nat->ms_rloc = address ("203.0.113.1");
  nat->private_etr = lisp_address_new (LISP_ADDRESS_NONE);
  for (guint i = 0; list[i] != NULL; i++)
    if (*list[i] != '\0')
      g_ptr_array_add (nat->items, address (list[i]));
  bytes = lisp_info_encode (m, (const guint8 *) key, strlen (key), &error);
  g_assert_no_error (error);
  return bytes;
}

static LmnInfoVerdict
feed (Fixture *f, GBytes *b, LmnNatTraversal mode)
{
  return lmn_nat_discovery_reply (&f->d, g_bytes_get_data (b, NULL), g_bytes_get_size (b), mode);
}

static void
send_request (Fixture *f, guint64 nonce)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) request = lmn_nat_discovery_build (&f->d, &f->eid, nonce, &error);

  g_assert_no_error (error);
  g_assert_nonnull (request);
}

static void
test_request (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = lmn_nat_discovery_build (&f->d, &f->eid, 0x1122334455667788ull, &error);
  g_autoptr(LispInfo) m = NULL;
  g_autofree gchar *eid = NULL;
  gsize len;
  const guint8 *wire = g_bytes_get_data (bytes, &len);

  g_assert_no_error (error);
  g_assert_true (lisp_info_decode (wire, len, &m, &error));
  g_assert_false (m->reply);
  g_assert_cmphex (m->nonce, ==, 0x1122334455667788ull);
  g_assert_cmpuint (m->key_id, ==, 1);
  g_assert_cmpuint (m->alg_id, ==, LISP_AUTH_HMAC_SHA256_128);
  g_assert_cmpuint (m->ttl, ==, 0);
  g_assert_cmpuint (m->mask_len, ==, 32);
  eid = lisp_address_to_string (m->eid);
  g_assert_cmpstr (eid, ==, "192.0.2.10");
  g_assert_cmpint (m->address->kind, ==, LISP_ADDRESS_NONE);
  g_assert_true (lisp_auth_verify (m->alg_id, (const guint8 *) KEY, strlen (KEY), wire, len,
                                   m->auth_offset, g_bytes_get_size (m->auth_data), &error));
  g_assert_true (f->d.awaiting);
  g_assert_cmpint (f->d.result.state, ==, LMN_RLOC_NAT_PROBING);
}

static void
test_public (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) b = reply (7, KEY, 1, "203.0.113.202", LISP_CONTROL_PORT, "198.51.100.99");

  send_request (f, 7);
  g_assert_cmpint (feed (f, b, LMN_NAT_TRAVERSAL_AUTO), ==, LMN_INFO_ACCEPTED);
  g_assert_cmpint (f->d.result.state, ==, LMN_RLOC_NAT_PUBLIC);
  g_assert_cmpuint (f->d.result.public_address.family, ==, 0);
  g_assert_cmpuint (f->d.result.public_port, ==, 0);
  /* auto: no RTR without a NAT */
  g_assert_cmpuint (f->d.result.rtr.family, ==, 0);
  g_assert_cmpuint (f->d.ttl, ==, 1440);
  g_assert_false (f->d.awaiting);
}

static void
test_public_but_on (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) b = reply (7, KEY, 1, "203.0.113.202", LISP_CONTROL_PORT, "198.51.100.99");
  LmnIp rtr;

  send_request (f, 7);
  g_assert_cmpint (feed (f, b, LMN_NAT_TRAVERSAL_ON), ==, LMN_INFO_ACCEPTED);
  g_assert_cmpint (f->d.result.state, ==, LMN_RLOC_NAT_PUBLIC);
  g_assert_true (lmn_ip_parse ("198.51.100.99", &rtr, NULL));
  g_assert_true (lmn_ip_equal (&f->d.result.rtr, &rtr));
}

static void
test_behind_nat (Fixture *f, gconstpointer data)
{
  /* The first RTR of our family: the IPv6 one listed first is passed over. */
  g_autoptr(GBytes) b = reply (7, KEY, 1, "198.51.100.7", 61001,
                               "2001:db8::99;198.51.100.98;198.51.100.99");
  LmnIp seen, rtr;

  send_request (f, 7);
  g_assert_cmpint (feed (f, b, LMN_NAT_TRAVERSAL_AUTO), ==, LMN_INFO_ACCEPTED);
  g_assert_cmpint (f->d.result.state, ==, LMN_RLOC_NAT_BEHIND);
  g_assert_true (lmn_ip_parse ("198.51.100.7", &seen, NULL));
  g_assert_true (lmn_ip_equal (&f->d.result.public_address, &seen));
  g_assert_cmpuint (f->d.result.public_port, ==, 61001);
  g_assert_true (lmn_ip_parse ("198.51.100.98", &rtr, NULL));
  g_assert_true (lmn_ip_equal (&f->d.result.rtr, &rtr));
  g_assert_cmpstr (lmn_rloc_nat_state_name (f->d.result.state), ==, "behind-nat");
}

static void
test_port_translated_only (Fixture *f, gconstpointer data)
{
  /* Same address, another port: still a NAT (or another stateful box) in the way. */
  g_autoptr(GBytes) b = reply (7, KEY, 1, "203.0.113.202", 1024, "198.51.100.99");

  send_request (f, 7);
  g_assert_cmpint (feed (f, b, LMN_NAT_TRAVERSAL_AUTO), ==, LMN_INFO_ACCEPTED);
  g_assert_cmpint (f->d.result.state, ==, LMN_RLOC_NAT_BEHIND);
  g_assert_cmpuint (f->d.result.public_port, ==, 1024);
}

static void
test_behind_nat_without_rtr (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) b = reply (7, KEY, 1, "198.51.100.7", 61001, "2001:db8::99");

  send_request (f, 7);
  g_assert_cmpint (feed (f, b, LMN_NAT_TRAVERSAL_AUTO), ==, LMN_INFO_ACCEPTED);
  g_assert_cmpint (f->d.result.state, ==, LMN_RLOC_NAT_BEHIND);
  g_assert_cmpuint (f->d.result.rtr.family, ==, 0);
}

static void
test_forged (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) wrong_nonce = reply (8, KEY, 1, "198.51.100.7", 61001, "198.51.100.99");
  g_autoptr(GBytes) wrong_key = reply (7, "battery staple", 1, "198.51.100.7", 61001,
                                       "198.51.100.99");
  g_autoptr(GBytes) wrong_key_id = reply (7, KEY, 2, "198.51.100.7", 61001, "198.51.100.99");
  g_autoptr(GBytes) good = reply (7, KEY, 1, "198.51.100.7", 61001, "198.51.100.99");
  const guint8 junk[] = { 0x78, 0, 0, 0, 1, 2 };

  /* Before any request, nothing is expected. */
  g_assert_cmpint (feed (f, good, LMN_NAT_TRAVERSAL_AUTO), ==, LMN_INFO_BAD_NONCE);
  send_request (f, 7);
  g_assert_cmpint (feed (f, wrong_nonce, LMN_NAT_TRAVERSAL_AUTO), ==, LMN_INFO_BAD_NONCE);
  g_assert_cmpint (feed (f, wrong_key, LMN_NAT_TRAVERSAL_AUTO), ==, LMN_INFO_BAD_MAC);
  g_assert_cmpint (feed (f, wrong_key_id, LMN_NAT_TRAVERSAL_AUTO), ==, LMN_INFO_BAD_MAC);
  g_assert_cmpint (lmn_nat_discovery_reply (&f->d, junk, sizeof junk, LMN_NAT_TRAVERSAL_AUTO), ==,
                   LMN_INFO_MALFORMED);
  /* None of them changed anything. */
  g_assert_cmpint (f->d.result.state, ==, LMN_RLOC_NAT_PROBING);
  g_assert_true (f->d.awaiting);
  g_assert_cmpint (feed (f, good, LMN_NAT_TRAVERSAL_AUTO), ==, LMN_INFO_ACCEPTED);
  /* The same reply again: nothing is outstanding any more. */
  g_assert_cmpint (feed (f, good, LMN_NAT_TRAVERSAL_AUTO), ==, LMN_INFO_BAD_NONCE);
}

static void
test_wrong_family (Fixture *f, gconstpointer data)
{
  /* An IPv6 Global ETR RLOC for an IPv4 request: no verdict from it. */
  g_autoptr(GBytes) b = reply (7, KEY, 1, "2001:db8::7", 61001, "198.51.100.99");

  send_request (f, 7);
  g_assert_cmpint (feed (f, b, LMN_NAT_TRAVERSAL_AUTO), ==, LMN_INFO_MALFORMED);
  g_assert_true (f->d.awaiting);
}

static void
test_retries (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) late = reply (7, KEY, 1, "198.51.100.7", 61001, "198.51.100.99");

  send_request (f, 7);
  g_assert_cmpuint (lmn_nat_discovery_next_wait (&f->d), ==, 1);
  g_assert_cmpuint (lmn_nat_discovery_missed (&f->d), ==, 2);
  send_request (f, 8); /* a retry keeps the round's nonce */
  g_assert_cmphex (f->d.nonce, ==, 7);
  g_assert_cmpuint (lmn_nat_discovery_next_wait (&f->d), ==, 2);
  g_assert_cmpuint (lmn_nat_discovery_missed (&f->d), ==, 4);
  send_request (f, 9);
  g_assert_cmpuint (lmn_nat_discovery_next_wait (&f->d), ==, 4);
  g_assert_cmpuint (lmn_nat_discovery_missed (&f->d), ==, 0);
  g_assert_cmpint (f->d.result.state, ==, LMN_RLOC_NAT_UNKNOWN);
  g_assert_false (f->d.awaiting);
  g_assert_cmpint (feed (f, late, LMN_NAT_TRAVERSAL_AUTO), ==, LMN_INFO_BAD_NONCE);
  /* The next round starts afresh, with a new nonce; a late answer to its first try counts. */
  send_request (f, 10);
  g_assert_cmpuint (f->d.tries, ==, 1);
  g_assert_cmpuint (lmn_nat_discovery_missed (&f->d), ==, 2);
  send_request (f, 11);
  {
    g_autoptr(GBytes) b = reply (10, KEY, 1, "198.51.100.7", 61001, "198.51.100.99");

    g_assert_cmpint (feed (f, b, LMN_NAT_TRAVERSAL_AUTO), ==, LMN_INFO_ACCEPTED);
  }
  g_assert_cmpint (f->d.result.state, ==, LMN_RLOC_NAT_BEHIND);
}

/* ---- through the RTR ---- */

static GPtrArray *
records (void)
{
  GPtrArray *recs = g_ptr_array_new_with_free_func ((GDestroyNotify) lisp_record_free);
  LispRecord *rec = lisp_record_new (address ("192.0.2.10"), 32, LMN_OWN_RECORD_TTL);
  LispLocator *loc = lisp_locator_new (address ("198.51.100.99"), 1, 100);

  loc->reachable = TRUE;
  g_ptr_array_add (rec->locators, loc);
  g_ptr_array_add (recs, rec);
  return recs;
}

static void
test_wrap (Fixture *f, gconstpointer data)
{
  g_autoptr(LmnRegistration) reg = lmn_registration_new (&f->ms);
  g_autoptr(GPtrArray) recs = records ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) m = lmn_registration_build (reg, recs, XTR_ID, 42, 1, &error);
  g_autoptr(GBytes) ecm_bytes = NULL;
  g_autoptr(LispEcm) ecm = NULL;
  g_autoptr(LispMapRegister) inner = NULL;
  LmnIp v6;

  g_assert_no_error (error);
  ecm_bytes = lmn_rtr_registration_wrap (m, &f->local, &f->ms.address, &error);
  g_assert_no_error (error);
  g_assert_true (lisp_ecm_decode (g_bytes_get_data (ecm_bytes, NULL), g_bytes_get_size (ecm_bytes),
                                  &ecm, &error));
  /* The keepalive's UDP payload for one EID and one locator (lispmnd.conf(5) quotes it). */
  g_test_message ("ECM'd Map-Register: %" G_GSIZE_FORMAT " bytes", g_bytes_get_size (ecm_bytes));
  g_assert_true (ecm->to_etr);
  g_assert_false (ecm->to_ms);
  g_assert_false (ecm->security);
  g_assert_cmpuint (ecm->ip_version, ==, 4);
  g_assert_cmpmem (ecm->src, 4, f->local.addr, 4);
  g_assert_cmpmem (ecm->dst, 4, f->ms.address.addr, 4);
  g_assert_cmpuint (ecm->sport, ==, LISP_CONTROL_PORT);
  g_assert_cmpuint (ecm->dport, ==, LISP_CONTROL_PORT);
  g_assert_true (g_bytes_equal (ecm->inner, m));
  g_assert_true (
    lisp_map_register_decode (g_bytes_get_data (m, NULL), g_bytes_get_size (m), &inner, &error));
  g_assert_true (inner->proxy_reply && inner->want_notify && inner->has_xtr_id);
  g_assert_false (inner->for_rtr);
  g_assert_cmpmem (inner->xtr_id, 16, XTR_ID, 16);
  g_assert_cmpuint (inner->site_id, ==, 0);
  /* An IPv6 RLOC cannot speak for an IPv4 map-server. */
  g_assert_true (lmn_ip_parse ("2001:db8::2", &v6, NULL));
  g_assert_null (lmn_rtr_registration_wrap (m, &v6, &f->ms.address, &error));
  g_assert_nonnull (error);
}

/* The RTR's Data-Map-Notify for our Map-Register reg_bytes: nonce, key and xTR-ID given. */
static GBytes *
data_map_notify (GBytes *reg_bytes, guint64 nonce, const char *key, const guint8 *xtr_id)
{
  g_autoptr(LispMapRegister) m = NULL;
  g_autoptr(LispEcm) packet = lisp_ecm_new ();
  g_autoptr(GError) error = NULL;
  GBytes *out;

  g_assert_true (lisp_map_register_decode (g_bytes_get_data (reg_bytes, NULL),
                                           g_bytes_get_size (reg_bytes), &m, &error));
  m->type = LISP_TYPE_MAP_NOTIFY;
  m->nonce = nonce;
  m->proxy_reply = m->want_notify = FALSE;
  memcpy (m->xtr_id, xtr_id, 16);
  g_clear_pointer (&m->auth_data, g_bytes_unref);
  packet->inner = lisp_map_register_encode (m, (const guint8 *) key, strlen (key), &error);
  g_assert_no_error (error);
  packet->ip_version = 4;
  memcpy (packet->src, (guint8[]) { 203, 0, 113, 1 }, 4);
  memcpy (packet->dst, (guint8[]) { 10, 0, 0, 2 }, 4);
  packet->ttl = 64;
  packet->sport = packet->dport = LISP_CONTROL_PORT;
  out = lisp_data_map_notify_encode (packet, &error);
  g_assert_no_error (error);
  return out;
}

static LmnDataNotifyVerdict
feed_notify (LmnRegistration *reg, GBytes *b)
{
  return lmn_rtr_registration_notify (reg, XTR_ID, g_bytes_get_data (b, NULL), g_bytes_get_size (b),
                                      2);
}

static void
test_data_map_notify (Fixture *f, gconstpointer data)
{
  g_autoptr(LmnRegistration) reg = lmn_registration_new (&f->ms);
  g_autoptr(GPtrArray) recs = records ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) m = lmn_registration_build (reg, recs, XTR_ID, 42, 1, &error);
  static const guint8 other_xtr[16] = { 9 };
  g_autoptr(GBytes) bad_mac = data_map_notify (m, 42, "battery staple", XTR_ID);
  g_autoptr(GBytes) bad_nonce = data_map_notify (m, 41, KEY, XTR_ID);
  g_autoptr(GBytes) bad_xtr = data_map_notify (m, 42, KEY, other_xtr);
  g_autoptr(GBytes) good = data_map_notify (m, 42, KEY, XTR_ID);
  const guint8 junk[] = { 0x08, 0, 0, 0, 0xff, 0xff, 0xff, 0, 0x45 };

  g_assert_cmpint (feed_notify (reg, bad_mac), ==, LMN_DATA_NOTIFY_BAD_MAC);
  g_assert_cmpint (feed_notify (reg, bad_nonce), ==, LMN_DATA_NOTIFY_BAD_NONCE);
  g_assert_cmpint (feed_notify (reg, bad_xtr), ==, LMN_DATA_NOTIFY_BAD_XTR_ID);
  g_assert_cmpint (lmn_rtr_registration_notify (reg, XTR_ID, junk, sizeof junk, 2), ==,
                   LMN_DATA_NOTIFY_MALFORMED);
  g_assert_cmpint (reg->state, ==, LMN_REG_REGISTERING);
  g_assert_cmpint (feed_notify (reg, good), ==, LMN_DATA_NOTIFY_ACCEPTED);
  g_assert_cmpint (reg->state, ==, LMN_REG_REGISTERED);
  g_assert_cmpint (reg->last_notify, ==, 2);
  /* Replayed: it acknowledges nothing outstanding. */
  g_assert_cmpint (feed_notify (reg, good), ==, LMN_DATA_NOTIFY_BAD_NONCE);
}

static void
test_data_map_notify_codec (void)
{
  g_autoptr(LispEcm) packet = lisp_ecm_new ();
  g_autoptr(LispEcm) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wire = NULL;
  g_autofree guint8 *copy = NULL;
  LispDataHeader h;
  gsize len;

  packet->ip_version = 6;
  packet->to_etr = TRUE; /* not carried: a Data-Map-Notify has no ECM flags */
  memset (packet->src, 0x20, 16);
  memset (packet->dst, 0x30, 16);
  packet->ttl = 64;
  packet->sport = packet->dport = LISP_CONTROL_PORT;
  packet->inner = g_bytes_new_static ("\x40\x00\x00\x00", 4);
  wire = lisp_data_map_notify_encode (packet, &error);
  g_assert_no_error (error);
  copy = g_memdup2 (g_bytes_get_data (wire, &len), g_bytes_get_size (wire));
  g_assert_cmpuint (len, ==, 8 + 40 + 8 + 4);
  g_assert_true (lisp_data_header_decode (copy, len, &h, &error));
  g_assert_true (h.iid_present);
  g_assert_cmphex (h.iid, ==, LISP_DATA_IID_CONTROL);
  g_assert_false (h.nonce_present || h.lsb_enabled || h.echo_nonce || h.map_version);
  g_assert_true (lisp_data_map_notify_decode (copy, len, &back, &error));
  g_assert_false (back->to_etr);
  g_assert_cmpuint (back->ip_version, ==, 6);
  g_assert_cmpmem (back->dst, 16, packet->dst, 16);
  g_assert_true (g_bytes_equal (back->inner, packet->inner));
  g_assert_cmpuint (back->udp_checksum, !=, 0);
  g_clear_pointer (&back, lisp_ecm_free);
  /* Instance ID 0: ordinary data, not for the control plane. */
  copy[4] = copy[5] = copy[6] = 0;
  g_assert_false (lisp_data_map_notify_decode (copy, len, &back, &error));
  g_assert_error (error, LISP_ERROR, LISP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "instance ID 0xffffff"));
  g_clear_error (&error);
  /* Every truncation is refused. */
  copy[4] = copy[5] = copy[6] = 0xff;
  for (gsize i = 0; i < len; i++)
    {
      g_assert_false (lisp_data_map_notify_decode (copy, i, &back, &error));
      g_assert_null (back);
      g_assert_nonnull (error);
      g_clear_error (&error);
    }
}

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ADD ("/nat/info-request", test_request);
  ADD ("/nat/public", test_public);
  ADD ("/nat/public-but-nat-traversal-on", test_public_but_on);
  ADD ("/nat/behind-nat", test_behind_nat);
  ADD ("/nat/port-translated-only", test_port_translated_only);
  ADD ("/nat/behind-nat-without-rtr-of-our-family", test_behind_nat_without_rtr);
  ADD ("/nat/forged-info-replies", test_forged);
  ADD ("/nat/global-etr-of-another-family", test_wrong_family);
  ADD ("/nat/retries-then-unknown", test_retries);
  ADD ("/nat/rtr/map-register-in-ecm", test_wrap);
  ADD ("/nat/rtr/data-map-notify-checks", test_data_map_notify);
  g_test_add_func ("/nat/data-map-notify-codec", test_data_map_notify_codec);
  return g_test_run ();
}
