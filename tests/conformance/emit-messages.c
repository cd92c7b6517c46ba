/* Writes control and data messages produced by the protocol library's encoders into a pcap,
 * with a JSON file of what an independent decoder (tshark) must read in each frame:
 *
 *   emit-messages OUT.pcap OUT.json
 *
 * The JSON holds, per frame, the expected values of tshark fields (every occurrence, in
 * order) and, for authenticated messages, the key, algorithm and position of the MAC so
 * that check-with-tshark.py can recompute it without this library. */
#include "lisp-auth.h"
#include "lisp-message.h"
#include "parse-address.h"
#include "sample-map-request.h"
#include "wire-data.h"
#include "pcap-writer.h"

#include <arpa/inet.h>
#include <json-glib/json-glib.h>
#include <string.h>

static const char KEY[] = "conformance-key";

typedef struct {
  PcapWriter  *pcap;
  JsonBuilder *json;  /* inside the "frames" array */
} Emitter;

static void
parse_ip (const char *text, int *family, guint8 out[16])
{
  memset (out, 0, 16);
  *family = inet_pton (AF_INET, text, out) == 1 ? AF_INET : AF_INET6;
  if (*family == AF_INET6)
    g_assert_cmpint (inet_pton (AF_INET6, text, out), ==, 1);
}

/* Starts a frame: the datagram goes into the pcap, the frame's object opens in the JSON. */
static void
begin_frame (Emitter *e, const char *what, const char *src, const char *dst, guint16 sport,
             guint16 dport, GBytes *payload)
{
  g_autoptr(GError) error = NULL;
  guint8 s[16], d[16];
  int fs, fd;

  parse_ip (src, &fs, s);
  parse_ip (dst, &fd, d);
  g_assert_cmpint (fs, ==, fd);
  g_assert_true (pcap_writer_add_udp (e->pcap, fs, s, d, sport, dport,
                                      g_bytes_get_data (payload, NULL), g_bytes_get_size (payload),
                                      &error));
  g_assert_no_error (error);
  json_builder_begin_object (e->json);
  json_builder_set_member_name (e->json, "what");
  json_builder_add_string_value (e->json, what);
  json_builder_set_member_name (e->json, "fields");
  json_builder_begin_object (e->json);
}

/* One field and all its expected occurrences, in order. */
static void
expect (Emitter *e, const char *field, const char *first, ...)
{
  va_list ap;

  json_builder_set_member_name (e->json, field);
  json_builder_begin_array (e->json);
  va_start (ap, first);
  for (const char *v = first; v != NULL; v = va_arg (ap, const char *))
    json_builder_add_string_value (e->json, v);
  va_end (ap);
  json_builder_end_array (e->json);
}

/* Fields and their expected occurrences, as a table: a row per field, up to the row whose
 * field is NULL. */
typedef struct {
  const char *field;
  const char *values[5]; /* in order, NULL after the last */
} ExpectedField;

static void
expect_fields (Emitter *e, const ExpectedField *rows)
{
  for (; rows->field != NULL; rows++)
    {
      json_builder_set_member_name (e->json, rows->field);
      json_builder_begin_array (e->json);
      for (guint i = 0; i < G_N_ELEMENTS (rows->values) && rows->values[i] != NULL; i++)
        json_builder_add_string_value (e->json, rows->values[i]);
      json_builder_end_array (e->json);
    }
}

static void
expect_uint (Emitter *e, const char *field, guint64 v)
{
  g_autofree gchar *s = g_strdup_printf ("%" G_GUINT64_FORMAT, v);

  expect (e, field, s, NULL);
}

static void
expect_hex (Emitter *e, const char *field, guint64 v, int digits)
{
  g_autofree gchar *s = g_strdup_printf ("0x%0*" G_GINT64_MODIFIER "x", digits, v);

  expect (e, field, s, NULL);
}

static void
end_fields (Emitter *e)
{
  json_builder_end_object (e->json);
}

static void
add_hmac (Emitter *e, guint alg, gsize offset, gsize len)
{
  json_builder_set_member_name (e->json, "hmac");
  json_builder_begin_object (e->json);
  json_builder_set_member_name (e->json, "key");
  json_builder_add_string_value (e->json, KEY);
  json_builder_set_member_name (e->json, "algorithm");
  json_builder_add_string_value (e->json, alg == LISP_AUTH_HMAC_SHA1_96 ? "sha1" : "sha256");
  json_builder_set_member_name (e->json, "offset");
  json_builder_add_int_value (e->json, (gint64) offset);
  json_builder_set_member_name (e->json, "length");
  json_builder_add_int_value (e->json, (gint64) len);
  json_builder_end_object (e->json);
}

static void
end_frame (Emitter *e)
{
  json_builder_end_object (e->json);
}

static LispLocator *
locator (const char *address, guint8 priority, guint8 weight, gboolean local, gboolean probed,
         gboolean reachable)
{
  LispLocator *l = lisp_locator_new (test_address (address), priority, weight);

  l->local = local;
  l->probed = probed;
  l->reachable = reachable;
  return l;
}

/* The mobile node's two EIDs, each with its two RLOCs (Wi-Fi IPv4 and LTE IPv6). */
static GPtrArray *
mobile_node_records (void)
{
  GPtrArray *records = lisp_records_new ();
  const char *eids[] = { "192.0.2.10", "2001:db8:e1d::1" };

  for (guint i = 0; i < G_N_ELEMENTS (eids); i++)
    {
      LispRecord *rec = lisp_record_new (test_address (eids[i]), i == 0 ? 32 : 128, 10);

      rec->authoritative = TRUE;
      g_ptr_array_add (rec->locators, locator ("198.51.100.10", 1, 60, TRUE, FALSE, TRUE));
      g_ptr_array_add (rec->locators, locator ("2001:db8:100::10", 2, 40, TRUE, FALSE, TRUE));
      g_ptr_array_add (records, rec);
    }
  return records;
}

static void
expect_mobile_node_records (Emitter *e)
{
  expect_fields (e, (const ExpectedField[]) {
                      { "lisp.mapping.ttl", { "10", "10" } },
                      { "lisp.mapping.loccnt", { "2", "2" } },
                      { "lisp.mapping.eid.masklen", { "32", "128" } },
                      { "lisp.mapping.auth", { "1", "1" } },
                      { "lisp.mapping.eid.afi", { "1", "2" } },
                      { "lisp.mapping.eid.ipv4", { "192.0.2.10" } },
                      { "lisp.mapping.eid.ipv6", { "2001:db8:e1d::1" } },
                      { "lisp.loc.priority", { "1", "2", "1", "2" } },
                      { "lisp.loc.weight", { "60", "40", "60", "40" } },
                      { "lisp.loc.multicast_priority", { "255", "255", "255", "255" } },
                      { "lisp.loc.flags", { "0x0005", "0x0005", "0x0005", "0x0005" } },
                      { "lisp.loc.afi", { "1", "2", "1", "2" } },
                      { NULL } });
}

static void
emit_map_register (Emitter *e, guint alg)
{
  g_autoptr(LispMapRegister) m = lisp_map_register_new (LISP_TYPE_MAP_REGISTER);
  g_autoptr(GBytes) wire = NULL;
  g_autoptr(GError) error = NULL;

  m->proxy_reply = TRUE;
  m->want_notify = TRUE;
  m->has_xtr_id = TRUE;
  m->nonce = 0x0123456789abcdefull;
  m->alg_id = alg;
  g_ptr_array_unref (m->records);
  m->records = mobile_node_records ();
  memcpy (m->xtr_id, "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 16);
  m->site_id = 42;
  wire = lisp_map_register_encode (m, (const guint8 *) KEY, strlen (KEY), &error);
  g_assert_no_error (error);

  begin_frame (e, alg == LISP_AUTH_HMAC_SHA1_96 ? "Map-Register HMAC-SHA-1" : "Map-Register HMAC-SHA-256",
               "198.51.100.10", "203.0.113.1", 61001, LISP_CONTROL_PORT, wire);
  expect_fields (e, (const ExpectedField[]) { { "lisp.type", { "3" } },
                                              { "lisp.mreg.flags.pmr", { "1" } },
                                              { "lisp.mreg.flags.sec", { "0" } },
                                              { "lisp.mreg.flags.xtrid", { "1" } },
                                              { "lisp.mreg.flags.rtr", { "0" } },
                                              { "lisp.mreg.flags.wmn", { "1" } },
                                              { NULL } });
  expect_uint (e, "lisp.records", 2);
  expect_hex (e, "lisp.nonce", m->nonce, 16);
  expect_hex (e, "lisp.keyid", alg, 4);  /* Key ID 0 + Algorithm ID, one 16-bit field in tshark */
  expect_uint (e, "lisp.authlen", lisp_auth_send_length (alg));
  expect_mobile_node_records (e);
  expect (e, "lisp.xtrid", "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff", NULL);
  expect (e, "lisp.siteid", "00:00:00:00:00:00:00:2a", NULL);
  end_fields (e);
  add_hmac (e, alg, 16, lisp_auth_send_length (alg));
  end_frame (e);
}

static void
emit_map_notify (Emitter *e)
{
  g_autoptr(LispMapRegister) m = lisp_map_register_new (LISP_TYPE_MAP_NOTIFY);
  g_autoptr(GBytes) wire = NULL;
  g_autoptr(GError) error = NULL;

  m->has_xtr_id = TRUE;
  m->nonce = 0x0123456789abcdefull;
  m->alg_id = LISP_AUTH_HMAC_SHA256_128;
  g_ptr_array_unref (m->records);
  m->records = mobile_node_records ();
  memset (m->xtr_id, 0xab, 16);
  wire = lisp_map_register_encode (m, (const guint8 *) KEY, strlen (KEY), &error);
  g_assert_no_error (error);
  begin_frame (e, "Map-Notify", "203.0.113.1", "198.51.100.10", LISP_CONTROL_PORT, 61001, wire);
  expect_fields (e, (const ExpectedField[]) { { "lisp.type", { "4" } },
                                              { "lisp.mnot.flags.xtrid", { "1" } },
                                              { "lisp.mnot.flags.rtr", { "0" } },
                                              { NULL } });
  expect_uint (e, "lisp.records", 2);
  expect_hex (e, "lisp.nonce", m->nonce, 16);
  expect (e, "lisp.keyid", "0x0002", NULL);
  expect (e, "lisp.authlen", "32", NULL);
  expect_mobile_node_records (e);
  end_fields (e);
  add_hmac (e, LISP_AUTH_HMAC_SHA256_128, 16, 32);
  end_frame (e);
}

static void
emit_map_notify_ack (Emitter *e)
{
  g_autoptr(LispMapRegister) m = lisp_map_register_new (LISP_TYPE_MAP_NOTIFY_ACK);
  g_autoptr(GBytes) wire = NULL;

  m->nonce = 0x0123456789abcdefull;
  m->alg_id = LISP_AUTH_HMAC_SHA256_128;
  g_ptr_array_unref (m->records);
  m->records = mobile_node_records ();
  wire = lisp_map_register_encode (m, (const guint8 *) KEY, strlen (KEY), NULL);
  begin_frame (e, "Map-Notify-Ack", "198.51.100.10", "203.0.113.1", 61001, LISP_CONTROL_PORT, wire);
  /* tshark 4.0 does not know type 5: it names the type and stops there. */
  expect (e, "lisp.type", "5", NULL);
  end_fields (e);
  add_hmac (e, LISP_AUTH_HMAC_SHA256_128, 16, 32);
  end_frame (e);
}

static LispMapRequest *
smr_invoked_request (void)
{
  LispMapRequest *m = test_map_request_from_mn (0x1122334455667788ull);

  m->smr_invoked = TRUE;
  return m;
}

static void
expect_smr_invoked_request (Emitter *e)
{
  expect_fields (e, (const ExpectedField[]) { { "lisp.mreq.flags.auth", { "0" } },
                                              { "lisp.mreq.flags.probe", { "0" } },
                                              { "lisp.mreq.flags.smr", { "0" } },
                                              { "lisp.mreq.flags.pitr", { "0" } },
                                              { "lisp.mreq.flags.smri", { "1" } },
                                              { "lisp.irc", { "1" } },
                                              { "lisp.nonce", { "0x1122334455667788" } },
                                              { "lisp.mreq.srceid.afi", { "1" } },
                                              { "lisp.mreq.srceid.ipv4", { "192.0.2.10" } },
                                              { "lisp.mreq.itr_rloc.afi", { "1", "2" } },
                                              { "lisp.mreq.itr_rloc_ipv4", { "198.51.100.10" } },
                                              { "lisp.mreq.itr_rloc_ipv6", { "2001:db8:100::10" } },
                                              { "lisp.mreq.record.prefix.length", { "32" } },
                                              { "lisp.mreq.record.prefix.afi", { "1" } },
                                              { "lisp.mreq.record.prefix.ipv4", { "192.0.2.200" } },
                                              { NULL } });
}

static void
emit_map_requests (Emitter *e)
{
  g_autoptr(LispMapRequest) m = smr_invoked_request ();
  g_autoptr(LispMapRequest) probe = lisp_map_request_new ();
  g_autoptr(LispMapRequest) with_mapping = smr_invoked_request ();
  g_autoptr(GBytes) wire = NULL, wire_probe = NULL, wire_mapping = NULL;
  g_autoptr(GPtrArray) own = mobile_node_records ();

  wire = lisp_map_request_encode (m, NULL);
  begin_frame (e, "Map-Request SMR-invoked", "198.51.100.10", "203.0.113.50", 61002,
               LISP_CONTROL_PORT, wire);
  expect_fields (e, (const ExpectedField[]) { { "lisp.type", { "1" } },
                                              { "lisp.mreq.flags.mrp", { "0" } },
                                              { "lisp.records", { "1" } },
                                              { NULL } });
  expect_smr_invoked_request (e);
  end_fields (e);
  end_frame (e);

  /* An RLOC-probe: P set, no source EID (AFI 0), IPv6 underlay. */
  probe->probe = TRUE;
  probe->nonce = 0xfedcba9876543210ull;
  g_ptr_array_add (probe->itr_rlocs, test_address ("2001:db8:100::10"));
  lisp_map_request_add_record (probe, test_address ("2001:db8:e1d::2"), 128);
  wire_probe = lisp_map_request_encode (probe, NULL);
  begin_frame (e, "Map-Request RLOC-probe", "2001:db8:100::10", "2001:db8:200::50", 61003,
               LISP_CONTROL_PORT, wire_probe);
  expect_fields (e, (const ExpectedField[]) {
                      { "lisp.type", { "1" } },
                      { "lisp.mreq.flags.probe", { "1" } },
                      { "lisp.mreq.flags.smr", { "0" } },
                      { "lisp.irc", { "0" } },
                      { "lisp.nonce", { "0xfedcba9876543210" } },
                      { "lisp.mreq.srceid.afi", { "0" } },
                      { "lisp.mreq.itr_rloc_ipv6", { "2001:db8:100::10" } },
                      { "lisp.mreq.record.prefix.length", { "128" } },
                      { "lisp.mreq.record.prefix.ipv6", { "2001:db8:e1d::2" } },
                      { NULL } });
  end_fields (e);
  end_frame (e);

  /* With the requester's own mapping appended (M bit). */
  with_mapping->map_reply = lisp_record_copy (g_ptr_array_index (own, 0));
  wire_mapping = lisp_map_request_encode (with_mapping, NULL);
  begin_frame (e, "Map-Request with Map-Reply record", "198.51.100.10", "203.0.113.50", 61004,
               LISP_CONTROL_PORT, wire_mapping);
  expect (e, "lisp.mreq.flags.mrp", "1", NULL);
  expect_smr_invoked_request (e);
  expect_fields (e, (const ExpectedField[]) { { "lisp.mapping.ttl", { "10" } },
                                              { "lisp.mapping.eid.ipv4", { "192.0.2.10" } },
                                              { "lisp.loc.priority", { "1", "2" } },
                                              { NULL } });
  end_fields (e);
  end_frame (e);
}

static void
emit_ecm (Emitter *e, guint8 version)
{
  g_autoptr(LispMapRequest) req = smr_invoked_request ();
  g_autoptr(LispEcm) m = lisp_ecm_new ();
  g_autoptr(GBytes) wire = NULL;
  int family;

  m->ip_version = version;
  parse_ip (version == 4 ? "198.51.100.10" : "2001:db8:100::10", &family, m->src);
  parse_ip (version == 4 ? "192.0.2.200" : "2001:db8:e1d::2", &family, m->dst);
  m->sport = 61005;
  m->inner = lisp_map_request_encode (req, NULL);
  wire = lisp_ecm_encode (m, NULL);
  begin_frame (e, version == 4 ? "ECM, inner IPv4" : "ECM, inner IPv6", "198.51.100.10",
               "203.0.113.1", 61005, LISP_CONTROL_PORT, wire);
  expect_fields (e, (const ExpectedField[]) { { "lisp.type", { "8", "1" } },
                                              { "lisp.ecm.flags.sec", { "0" } },
                                              { "lisp.ecm.flags.ddt", { "0" } },
                                              { NULL } });
  if (version == 4)
    {
      expect (e, "ip.src", "198.51.100.10", "198.51.100.10", NULL);
      expect (e, "ip.dst", "203.0.113.1", "192.0.2.200", NULL);
      expect (e, "ip.checksum.status", "2", "2", NULL);  /* unverified: tshark's default */
    }
  else
    {
      expect (e, "ipv6.src", "2001:db8:100::10", NULL);
      expect (e, "ipv6.dst", "2001:db8:e1d::2", NULL);
    }
  expect (e, "udp.srcport", "61005", "61005", NULL);
  expect (e, "udp.dstport", "4342", "4342", NULL);
  expect_smr_invoked_request (e);
  end_fields (e);
  end_frame (e);
}

static void
emit_map_replies (Emitter *e)
{
  g_autoptr(LispMapReply) m = lisp_map_reply_new ();
  g_autoptr(LispMapReply) neg = lisp_map_reply_new ();
  g_autoptr(LispMapReply) lcafs = lisp_map_reply_new ();
  g_autoptr(GBytes) wire = NULL, wire_neg = NULL, wire_lcafs = NULL;
  LispRecord *rec = lisp_record_new (test_address ("192.0.2.200"), 32, 60), *r2;
  LispAddress *elp = lisp_address_new (LISP_ADDRESS_ELP), *list = lisp_address_new (LISP_ADDRESS_AFI_LIST);
  const char *hops[] = { "203.0.113.99", "203.0.113.50" };

  m->probe = TRUE;
  m->nonce = 0xfedcba9876543210ull;
  rec->authoritative = TRUE;
  rec->map_version = 7;
  g_ptr_array_add (rec->locators, locator ("203.0.113.50", 1, 100, TRUE, TRUE, TRUE));
  g_ptr_array_add (rec->locators, locator ("2001:db8:200::50", 2, 100, FALSE, FALSE, FALSE));
  g_ptr_array_add (m->records, rec);
  wire = lisp_map_reply_encode (m, NULL);
  begin_frame (e, "Map-Reply to an RLOC-probe", "203.0.113.50", "198.51.100.10",
               LISP_CONTROL_PORT, 61003, wire);
  expect_fields (e, (const ExpectedField[]) { { "lisp.type", { "2" } },
                                              { "lisp.mrep.flags.probe", { "1" } },
                                              { "lisp.mrep.flags.enlr", { "0" } },
                                              { "lisp.mrep.flags.sec", { "0" } },
                                              { "lisp.nonce", { "0xfedcba9876543210" } },
                                              { "lisp.mapping.ttl", { "60" } },
                                              { "lisp.mapping.loccnt", { "2" } },
                                              { "lisp.mapping.ver", { "7" } },
                                              { "lisp.mapping.auth", { "1" } },
                                              { "lisp.loc.priority", { "1", "2" } },
                                              { "lisp.loc.flags.local", { "1", "0" } },
                                              { "lisp.loc.flags.probe", { "1", "0" } },
                                              { "lisp.loc.flags.reach", { "1", "0" } },
                                              { NULL } });
  end_fields (e);
  end_frame (e);

  neg->nonce = 0x1122334455667788ull;
  r2 = lisp_record_new (test_address ("198.51.100.200"), 32, 15);
  r2->action = LISP_ACTION_NATIVELY_FORWARD;
  g_ptr_array_add (neg->records, r2);
  r2 = lisp_record_new (test_address ("2001:db8:e1d::99"), 128, 1);
  r2->action = LISP_ACTION_DROP_AUTH_FAILURE;
  g_ptr_array_add (neg->records, r2);
  wire_neg = lisp_map_reply_encode (neg, NULL);
  begin_frame (e, "negative Map-Reply", "203.0.113.1", "198.51.100.10", LISP_CONTROL_PORT,
               61002, wire_neg);
  expect_fields (e, (const ExpectedField[]) { { "lisp.type", { "2" } },
                                              { "lisp.records", { "2" } },
                                              { "lisp.mapping.ttl", { "15", "1" } },
                                              { "lisp.mapping.loccnt", { "0", "0" } },
                                              { "lisp.mapping.act", { "1", "5" } },
                                              { "lisp.mapping.auth", { "0", "0" } },
                                              { NULL } });
  end_fields (e);
  end_frame (e);

  /* A locator through an ELP of two hops, and one as an AFI-list with a name. */
  lcafs->nonce = 1;
  rec = lisp_record_new (test_address ("[4660]192.0.2.200"), 32, 60);
  elp->items = g_ptr_array_new_with_free_func ((GDestroyNotify) lisp_elp_hop_free);
  for (guint i = 0; i < G_N_ELEMENTS (hops); i++)
    {
      LispElpHop *hop = g_new0 (LispElpHop, 1);

      hop->flags = i == 0 ? LISP_ELP_LOOKUP : LISP_ELP_STRICT;
      hop->address = test_address (hops[i]);
      g_ptr_array_add (elp->items, hop);
    }
  g_ptr_array_add (rec->locators, lisp_locator_new (elp, 1, 100));
  list->items = g_ptr_array_new_with_free_func ((GDestroyNotify) lisp_address_free);
  g_ptr_array_add (list->items, test_address ("203.0.113.51"));
  g_ptr_array_add (list->items, lisp_address_new_name ("xtr-b"));
  g_ptr_array_add (rec->locators, lisp_locator_new (list, 2, 100));
  g_ptr_array_add (lcafs->records, rec);
  wire_lcafs = lisp_map_reply_encode (lcafs, NULL);
  begin_frame (e, "Map-Reply with LCAFs", "203.0.113.50", "198.51.100.10", LISP_CONTROL_PORT,
               61002, wire_lcafs);
  expect_fields (e, (const ExpectedField[]) {
                      { "lisp.type", { "2" } },
                      { "lisp.mapping.eid.afi", { "16387" } },
                      { "lisp.lcaf.type", { "2", "10", "1" } },
                      { "lisp.lcaf.iid", { "4660" } },
                      { "lisp.lcaf.elp_hop.ipv4", { "203.0.113.99", "203.0.113.50" } },
                      { "lisp.lcaf.elp_hop.flags.local", { "1", "0" } },
                      { "lisp.lcaf_elp_hop.flags.strict", { "0", "1" } },
                      { "lisp.lcaf.afi_list.ipv4", { "203.0.113.51" } },
                      { NULL } });
  end_fields (e);
  end_frame (e);
}

static void
emit_info (Emitter *e)
{
  g_autoptr(LispInfo) req = lisp_info_new (FALSE);
  g_autoptr(LispInfo) rep = lisp_info_new (TRUE);
  g_autoptr(GBytes) wire_req = NULL, wire_rep = NULL;
  LispAddress *nat = rep->address;

  req->nonce = 0x6666666666666666ull;
  req->alg_id = LISP_AUTH_HMAC_SHA1_96;
  lisp_address_free (req->eid);
  req->eid = test_address ("192.0.2.10");
  req->mask_len = 32;
  wire_req = lisp_info_encode (req, (const guint8 *) KEY, strlen (KEY), NULL);
  begin_frame (e, "Info-Request", "192.0.2.2", "203.0.113.1", 43583, LISP_CONTROL_PORT, wire_req);
  expect_fields (e, (const ExpectedField[]) { { "lisp.type", { "7" } },
                                              { "lisp.info.r", { "0" } },
                                              { "lisp.nonce", { "0x6666666666666666" } },
                                              { "lisp.keyid", { "0x0001" } },
                                              { "lisp.authlen", { "20" } },
                                              { "lisp.info.ttl", { "0" } },
                                              { "lisp.info.prefix.masklen", { "32" } },
                                              { "lisp.info.prefix.ipv4", { "192.0.2.10" } },
                                              { "lisp.info.afi", { "0" } },
                                              { NULL } });
  end_fields (e);
  add_hmac (e, LISP_AUTH_HMAC_SHA1_96, 16, 20);
  end_frame (e);

  rep->nonce = req->nonce;
  rep->ttl = 1440;
  lisp_address_free (rep->eid);
  rep->eid = test_address ("192.0.2.10");
  rep->mask_len = 32;
  nat->items = g_ptr_array_new_with_free_func ((GDestroyNotify) lisp_address_free);
  nat->ms_port = 4342;
  nat->etr_port = 30397;
  nat->global_etr = test_address ("198.51.100.1");
  nat->ms_rloc = test_address ("203.0.113.1");
  nat->private_etr = test_address ("192.0.2.2");
  g_ptr_array_add (nat->items, test_address ("203.0.113.99"));
  wire_rep = lisp_info_encode (rep, NULL, 0, NULL);
  begin_frame (e, "Info-Reply", "203.0.113.1", "192.0.2.2", LISP_CONTROL_PORT, 43583, wire_rep);
  expect_fields (e, (const ExpectedField[]) {
                      { "lisp.type", { "7" } },
                      { "lisp.info.r", { "1" } },
                      { "lisp.info.ttl", { "1440" } },
                      { "lisp.info.afi", { "16387" } },
                      { "lisp.lcaf.type", { "7" } },
                      { "lisp.lcaf.natt.msport", { "4342" } },
                      { "lisp.lcaf.natt.etrport", { "30397" } },
                      { "lisp.lcaf.natt.rloc.ipv4",
                        { "198.51.100.1", "203.0.113.1", "192.0.2.2", "203.0.113.99" } },
                      { NULL } });
  end_fields (e);
  end_frame (e);
}

/* NAT traversal through an RTR: the Map-Register the RTR relays to the map-server (ECM with
 * the N bit), the map-server's Map-Notify back (ECM with the R bit and the MS-RTR block) and
 * the Data-Map-Notify the RTR sends the node (data header with IID 0xFFFFFF, then the inner
 * IP and UDP headers and the Map-Notify), from port 4342. tshark 4.0 names no R or N bit
 * (they are in lisp.ecm.res), stops at the S bit's data (it knows LISP-SEC's, not the MS-RTR
 * block), and takes a datagram from port 4342 for a control message: the Data-Map-Notify is
 * "type 0" to it. What is checked of those two is that tshark finds nothing wrong; their
 * insides are checked by test-rtr.c and by test_rtr.py's independent Python decoder. */
static void
emit_nat_relay (Emitter *e)
{
  g_autoptr(LispMapRegister) reg = lisp_map_register_new (LISP_TYPE_MAP_REGISTER);
  g_autoptr(LispMapRegister) notify = NULL;
  g_autoptr(LispEcm) relayed = lisp_ecm_new ();
  g_autoptr(LispEcm) back = lisp_ecm_new ();
  g_autoptr(LispEcm) dmn_ip = lisp_ecm_new ();
  g_autoptr(GBytes) wire_reg = NULL, wire_notify = NULL;
  g_autoptr(GBytes) wire_relayed = NULL, wire_back = NULL, wire_dmn_ip = NULL;
  g_autoptr(GByteArray) dmn = g_byte_array_new ();
  LispDataHeader h = { .iid_present = TRUE, .iid = LISP_DATA_IID_CONTROL };
  LispRecord *rec = lisp_record_new (test_address ("192.0.2.10"), 32, 3);
  guint8 hdr[LISP_DATA_HEADER_SIZE];
  int family;

  g_ptr_array_add (rec->locators, locator ("203.0.113.2", 1, 100, FALSE, FALSE, TRUE));
  g_ptr_array_add (reg->records, rec);
  reg->proxy_reply = reg->want_notify = reg->has_xtr_id = TRUE;
  memset (reg->xtr_id, 0x5a, 16);
  reg->nonce = 0x0102030405060708ull;
  reg->alg_id = LISP_AUTH_HMAC_SHA256_128;
  wire_reg = lisp_map_register_encode (reg, (const guint8 *) KEY, strlen (KEY), NULL);
  relayed->to_ms = TRUE;
  parse_ip ("198.51.100.10", &family, relayed->src);
  parse_ip ("203.0.113.1", &family, relayed->dst);
  relayed->inner = g_bytes_ref (wire_reg);
  wire_relayed = lisp_ecm_encode (relayed, NULL);
  begin_frame (e, "ECM with the N bit (relayed Map-Register)", "203.0.113.2", "203.0.113.1",
               LISP_CONTROL_PORT, LISP_CONTROL_PORT, wire_relayed);
  expect_fields (e, (const ExpectedField[]) { { "lisp.type", { "8", "3" } },
                                              { "lisp.ecm.flags.sec", { "0" } },
                                              { "lisp.mreg.flags.xtrid", { "1" } },
                                              { "lisp.nonce", { "0x0102030405060708" } },
                                              { NULL } });
  expect (e, "ip.src", "203.0.113.2", "198.51.100.10", NULL);
  expect (e, "ip.dst", "203.0.113.1", "203.0.113.1", NULL);
  end_fields (e);
  end_frame (e);

  notify = lisp_map_register_new (LISP_TYPE_MAP_NOTIFY);
  notify->has_xtr_id = TRUE;
  memset (notify->xtr_id, 0x5a, 16);
  notify->nonce = reg->nonce;
  notify->alg_id = LISP_AUTH_HMAC_SHA256_128;
  g_ptr_array_add (notify->records, lisp_record_copy (rec));
  wire_notify = lisp_map_register_encode (notify, (const guint8 *) KEY, strlen (KEY), NULL);
  back->to_etr = TRUE;
  parse_ip ("203.0.113.1", &family, back->src);
  parse_ip ("198.51.100.10", &family, back->dst);
  back->inner = g_bytes_ref (wire_notify);
  g_assert_true (lisp_ecm_ms_rtr_sign (back, (const guint8 *) "ms-rtr", 6, NULL));
  wire_back = lisp_ecm_encode (back, NULL);
  begin_frame (e, "ECM with the R bit and the MS-RTR block (Map-Notify)", "203.0.113.1",
               "203.0.113.2", LISP_CONTROL_PORT, LISP_CONTROL_PORT, wire_back);
  expect_fields (e, (const ExpectedField[]) { { "lisp.type", { "8" } },
                                              { "lisp.ecm.flags.sec", { "1" } },
                                              { "lisp.ecm.res", { "0x02000000" } },
                                              { NULL } });
  end_fields (e);
  end_frame (e);

  dmn_ip->ip_version = 4;
  memcpy (dmn_ip->src, back->src, 16);
  memcpy (dmn_ip->dst, back->dst, 16);
  dmn_ip->inner = g_bytes_ref (wire_notify);
  wire_dmn_ip = lisp_ecm_encode (dmn_ip, NULL);
  g_assert_true (lisp_data_header_encode (&h, hdr, NULL));
  g_byte_array_append (dmn, hdr, sizeof hdr);
  g_byte_array_append (dmn, (const guint8 *) g_bytes_get_data (wire_dmn_ip, NULL) + 4,
                       g_bytes_get_size (wire_dmn_ip) - 4);
  {
    g_autoptr(GBytes) wire = g_byte_array_free_to_bytes (g_steal_pointer (&dmn));

    begin_frame (e, "Data-Map-Notify", "203.0.113.2", "198.51.100.254", LISP_CONTROL_PORT, 31337,
                 wire);
  }
  expect (e, "ip.src", "203.0.113.2", NULL);
  expect (e, "ip.dst", "198.51.100.254", NULL);
  expect (e, "udp.srcport", "4342", NULL);
  expect (e, "lisp.type", "0", NULL);
  end_fields (e);
  end_frame (e);
}

static void
emit_data (Emitter *e, const char *what, const LispDataHeader *h)
{
  /* An inner IPv4 UDP datagram between the EIDs, after the 8-byte LISP header. */
  guint8 s[16], d[16];
  int family;
  g_autoptr(GByteArray) inner = NULL;
  g_autoptr(GByteArray) payload = g_byte_array_new ();
  g_autoptr(GBytes) wire = NULL;
  guint8 hdr[LISP_DATA_HEADER_SIZE];

  g_assert_true (lisp_data_header_encode (h, hdr, NULL));
  parse_ip ("192.0.2.10", &family, s);
  parse_ip ("192.0.2.200", &family, d);
  inner = pcap_build_ip_udp (AF_INET, s, d, 40000, 40001, (const guint8 *) "ping", 4, NULL);
  g_byte_array_append (payload, hdr, sizeof hdr);
  g_byte_array_append (payload, inner->data, inner->len);
  wire = g_byte_array_free_to_bytes (g_steal_pointer (&payload));
  begin_frame (e, what, "198.51.100.10", "203.0.113.50", 49152, LISP_DATA_PORT, wire);
  expect (e, "lisp-data.flags.nonce", h->nonce_present ? "1" : "0", NULL);
  expect (e, "lisp-data.flags.lsb", h->lsb_enabled ? "1" : "0", NULL);
  expect (e, "lisp-data.flags.enr", h->echo_nonce ? "1" : "0", NULL);
  expect (e, "lisp-data.flags.mv", h->map_version ? "1" : "0", NULL);
  expect (e, "lisp-data.flags.iid", h->iid_present ? "1" : "0", NULL);
  if (h->nonce_present)
    expect_uint (e, "lisp-data.nonce", h->nonce);
  if (h->map_version)
    {
      expect_uint (e, "lisp-data.srcmapver", h->source_version);
      expect_uint (e, "lisp-data.dstmapver", h->dest_version);
    }
  if (h->iid_present)
    {
      expect_uint (e, "lisp-data.iid", h->iid);
      expect_hex (e, "lisp-data.lsb8", h->lsb, 2);
    }
  else if (h->lsb_enabled)
    expect_hex (e, "lisp-data.lsb", h->lsb, 8);
  expect (e, "ip.src", "198.51.100.10", "192.0.2.10", NULL);
  expect (e, "ip.dst", "203.0.113.50", "192.0.2.200", NULL);
  end_fields (e);
  end_frame (e);
}

int
main (int argc, char **argv)
{
  g_autoptr(PcapWriter) pcap = pcap_writer_new ();
  g_autoptr(JsonBuilder) json = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  Emitter e = { pcap, json };
  LispDataHeader nl = { .nonce_present = TRUE, .lsb_enabled = TRUE, .echo_nonce = TRUE,
                        .nonce = 0xabcdef, .lsb = 0x3 };
  LispDataHeader il = { .iid_present = TRUE, .lsb_enabled = TRUE, .iid = 703710, .lsb = 1 };
  LispDataHeader v = { .map_version = TRUE, .source_version = 0x123, .dest_version = 0x456 };

  if (argc != 3)
    {
      g_printerr ("usage: %s OUT.pcap OUT.json\n", argv[0]);
      return 2;
    }
  json_builder_begin_object (json);
  json_builder_set_member_name (json, "frames");
  json_builder_begin_array (json);

  emit_map_register (&e, LISP_AUTH_HMAC_SHA256_128);
  emit_map_register (&e, LISP_AUTH_HMAC_SHA1_96);
  emit_map_notify (&e);
  emit_map_notify_ack (&e);
  emit_map_requests (&e);
  emit_ecm (&e, 4);
  emit_ecm (&e, 6);
  emit_map_replies (&e);
  emit_info (&e);
  emit_nat_relay (&e);
  emit_data (&e, "data N+L+E", &nl);
  emit_data (&e, "data I+L", &il);
  emit_data (&e, "data V", &v);

  json_builder_end_array (json);
  json_builder_end_object (json);
  root = json_builder_get_root (json);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  if (!pcap_writer_save (pcap, argv[1], &error) || !json_generator_to_file (gen, argv[2], &error))
    {
      g_printerr ("emit-messages: %s\n", error->message);
      return 1;
    }
  g_print ("emit-messages: %u frames written to %s\n", pcap_writer_n_frames (pcap), argv[1]);
  return 0;
}
