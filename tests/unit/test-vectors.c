/* Our own test vectors, decoded by the library and checked against what crafted them.
 *
 * ../shared/vectors/lisp_vectors.pcap holds 17 frames built byte by byte from the RFC
 * layouts by craft_vectors.py, which also wrote expected.json: one object per frame with
 * the values that frame carries. Every frame is decoded here with the library's decoders
 * (control messages by lisp_message_type(), data packets by lisp_data_header_decode) and
 * EVERY member of its expected.json object is compared: a member no check consumes fails
 * the test, so a value added to expected.json cannot go unchecked. MACs are verified with
 * the psk of expected.json, and must fail with another key.
 *
 * lisp_malformed.pcap (craft_malformed.py): frames 1-4 are broken and must be refused with
 * an error; frame 5 only has a reserved bit set, which a receiver ignores. */
#include "frame-check.h"
#include "lisp-auth.h"
#include "lisp-message.h"
#include "wire-data.h"

#include <json-glib/json-glib.h>

#define N_VECTOR_FRAMES    17
#define N_MALFORMED_FRAMES 5

static GPtrArray *vector_frames;    /* VFrame* */
static GPtrArray *malformed_frames; /* VFrame* */
static JsonParser *parser;
static JsonArray *expected_frames;
static const char *psk;

/* ---- expected.json, member by member ---------------------------------------------------- */

typedef struct {
  const VFrame *frame;
  const char   *kind;
  JsonObject   *obj;
  GHashTable   *used;  /* names of the members a check has read */
} Expect;

static void
expect_init (Expect *e, const VFrame *f, const char *kind, JsonObject *obj)
{
  e->frame = f;
  e->kind = kind;
  e->obj = obj;
  e->used = g_hash_table_new (g_str_hash, g_str_equal);
}

static JsonNode *
expect_member (Expect *e, const char *name, JsonNodeType type)
{
  JsonNode *n = json_object_get_member (e->obj, name);

  VCHECK (e->frame, e->kind, n != NULL, "expected.json has no member '%s'", name);
  VCHECK (e->frame, e->kind, json_node_get_node_type (n) == type,
          "expected.json member '%s' has the wrong JSON type", name);
  g_hash_table_add (e->used, (gpointer) name);
  return n;
}

static gint64
expect_int (Expect *e, const char *name)
{
  JsonNode *n = expect_member (e, name, JSON_NODE_VALUE);

  VCHECK (e->frame, e->kind, json_node_get_value_type (n) == G_TYPE_INT64,
          "expected.json member '%s' is not an integer", name);
  return json_node_get_int (n);
}

static const char *
expect_string (Expect *e, const char *name)
{
  JsonNode *n = expect_member (e, name, JSON_NODE_VALUE);

  VCHECK (e->frame, e->kind, json_node_get_value_type (n) == G_TYPE_STRING,
          "expected.json member '%s' is not a string", name);
  return json_node_get_string (n);
}

static JsonArray *
expect_array (Expect *e, const char *name, guint expected_len)
{
  JsonArray *a = json_node_get_array (expect_member (e, name, JSON_NODE_ARRAY));

  VCHECK_UINT (e->frame, e->kind, name, expected_len, json_array_get_length (a));
  return a;
}

/* Every member was checked; frees the tracking. */
static void
expect_finish (Expect *e)
{
  g_autoptr(GList) members = json_object_get_members (e->obj);

  for (GList *l = members; l != NULL; l = l->next)
    VCHECK (e->frame, e->kind, g_hash_table_contains (e->used, l->data),
            "expected.json member '%s' is not checked by this test", (const char *) l->data);
  g_hash_table_unref (e->used);
}

/* Integer member == actual. */
static void
expect_uint_eq (Expect *e, const char *name, guint64 actual)
{
  gint64 want = expect_int (e, name);

  VCHECK (e->frame, e->kind, want >= 0 && (guint64) want == actual,
          "%s is %" G_GUINT64_FORMAT ", expected.json says %" G_GINT64_FORMAT, name, actual, want);
}

static void
expect_bool_eq (Expect *e, const char *name, gboolean actual)
{
  gint64 want = expect_int (e, name);

  VCHECK (e->frame, e->kind, (want != 0) == (actual != FALSE),
          "%s is %s, expected.json says %" G_GINT64_FORMAT, name, actual ? "set" : "clear", want);
}

static void
expect_hex_eq (Expect *e, const char *name, const guint8 *data, gsize len)
{
  const char *want = expect_string (e, name);
  g_autofree gchar *got = vhex (data, len);

  VCHECK (e->frame, e->kind, g_ascii_strcasecmp (got, want) == 0,
          "%s is %s, expected.json says %s", name, got, want);
}

static void
expect_addr_eq (Expect *e, const char *name, const LispAddress *a)
{
  VCHECK_ADDR (e->frame, e->kind, name, a, expect_string (e, name));
}

/* The n-th integer of an array member. */
static gint64
array_int (Expect *e, JsonArray *a, const char *name, guint n)
{
  JsonNode *node = json_array_get_element (a, n);

  VCHECK (e->frame, e->kind, JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_INT64,
          "expected.json %s[%u] is not an integer", name, n);
  return json_node_get_int (node);
}

/* ---- shared checks -------------------------------------------------------------------- */

/* The MAC at auth_offset verifies with the psk; another key and a flipped message bit do
 * not. */
static void
check_mac (const VFrame *f, const char *kind, guint alg, gsize auth_offset, gsize auth_len)
{
  static const char wrong_key[] = "lisp-mn-test-psK";
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *tampered = NULL;
  gboolean ok;

  ok = lisp_auth_verify (alg, (const guint8 *) psk, strlen (psk), f->payload, f->payload_len,
                         auth_offset, auth_len, &error);
  VCHECK (f, kind, ok && error == NULL, "MAC does not verify with the psk '%s': %s", psk,
          error != NULL ? error->message : "FALSE without an error");

  ok = lisp_auth_verify (alg, (const guint8 *) wrong_key, strlen (wrong_key), f->payload,
                         f->payload_len, auth_offset, auth_len, &error);
  VCHECK (f, kind, !ok, "MAC verifies with the wrong key '%s'", wrong_key);
  VCHECK (f, kind, g_error_matches (error, LISP_ERROR, LISP_ERROR_AUTH),
          "a wrong key gives no LISP_ERROR_AUTH error");
  g_clear_error (&error);

  tampered = g_memdup2 (f->payload, f->payload_len);
  tampered[f->payload_len - 1] ^= 0x01;
  ok = lisp_auth_verify (alg, (const guint8 *) psk, strlen (psk), tampered, f->payload_len,
                         auth_offset, auth_len, &error);
  VCHECK (f, kind, !ok, "MAC verifies although the last byte of the message was changed");
}

static void
check_type (Expect *e, guint type)
{
  expect_uint_eq (e, "type", type);
  VCHECK_UINT (e->frame, e->kind, "lisp_message_type()",
               lisp_message_type (e->frame->payload, e->frame->payload_len), type);
}

static void
check_control_port (const VFrame *f, const char *kind)
{
  VCHECK (f, kind, f->sport == LISP_CONTROL_PORT || f->dport == LISP_CONTROL_PORT,
          "UDP %u -> %u: a control message uses port 4342", f->sport, f->dport);
}

static LispMapRegister *
decode_register (const VFrame *f, const char *kind, guint type)
{
  LispMapRegister *m = NULL;

  check_control_port (f, kind);
  VDECODE_MESSAGE (f, kind, type, lisp_map_register_decode, f->payload, f->payload_len, &m);
  VCHECK_UINT (f, kind, "decoded type", m->type, type);
  VCHECK_BOOL (f, kind, "trailer_without_flag", m->trailer_without_flag, FALSE);
  return m;
}

static LispMapRequest *
decode_request (const VFrame *f, const char *kind, const guint8 *data, gsize len)
{
  LispMapRequest *m = NULL;

  VDECODE_MESSAGE (f, kind, LISP_TYPE_MAP_REQUEST, lisp_map_request_decode, data, len, &m);
  return m;
}

static LispMapReply *
decode_reply (const VFrame *f, const char *kind)
{
  LispMapReply *m = NULL;

  check_control_port (f, kind);
  VDECODE_MESSAGE (f, kind, LISP_TYPE_MAP_REPLY, lisp_map_reply_decode, f->payload, f->payload_len,
                   &m);
  VCHECK_UINT (f, kind, "record count", m->records->len, 1);
  return m;
}

static LispInfo *
decode_info (const VFrame *f, const char *kind)
{
  LispInfo *m = NULL;

  check_control_port (f, kind);
  VDECODE (f, kind, lisp_info_decode, f->payload, f->payload_len, &m);
  VCHECK_UINT (f, kind, "trailing bytes", m->trailing, 0);
  return m;
}

static void
check_data_port (const VFrame *f, const char *kind)
{
  VCHECK_UINT (f, kind, "UDP destination port", f->dport, LISP_DATA_PORT);
}

/* The LCAF type an address was encoded with, 0 for a plain AFI address. */
static guint
lcaf_type_of (const LispAddress *a)
{
  switch (a->kind)
    {
    case LISP_ADDRESS_INSTANCE_ID:
      return LISP_LCAF_INSTANCE_ID;
    case LISP_ADDRESS_AFI_LIST:
      return LISP_LCAF_AFI_LIST;
    case LISP_ADDRESS_NAT:
      return LISP_LCAF_NAT_TRAVERSAL;
    case LISP_ADDRESS_ELP:
      return LISP_LCAF_ELP;
    case LISP_ADDRESS_LCAF_OTHER:
      return a->lcaf_type;
    default:
      return 0;
    }
}

/* ---- one check per kind of frame ------------------------------------------------------ */

/* The authentication block of a Map-Register or Map-Notify: Key ID and Algorithm ID (also as
 * one 16-bit field), length and data. */
static void
expect_auth (Expect *e, const LispMapRegister *m)
{
  expect_uint_eq (e, "keyid16", (guint) m->key_id << 8 | m->alg_id);
  expect_uint_eq (e, "alg", m->alg_id);
  expect_uint_eq (e, "authlen", g_bytes_get_size (m->auth_data));
  expect_hex_eq (e, "auth_hex", g_bytes_get_data (m->auth_data, NULL),
                 g_bytes_get_size (m->auth_data));
}

static void
check_map_register (Expect *e)
{
  const VFrame *f = e->frame;
  g_autoptr(LispMapRegister) m = decode_register (f, e->kind, LISP_TYPE_MAP_REGISTER);
  Expect flags;
  const LispRecord *rec;
  JsonArray *locs, *prio, *weight;
  guint8 site_id[8];

  check_type (e, LISP_TYPE_MAP_REGISTER);
  expect_auth (e, m);
  expect_uint_eq (e, "nonce", m->nonce);

  expect_init (&flags, f, "map-register flags",
               json_node_get_object (expect_member (e, "flags", JSON_NODE_OBJECT)));
  expect_bool_eq (&flags, "pmr", m->proxy_reply);
  expect_bool_eq (&flags, "sec", m->lisp_sec);
  expect_bool_eq (&flags, "xtrid", m->has_xtr_id);
  expect_bool_eq (&flags, "wmn", m->want_notify);
  expect_finish (&flags);
  /* The bits expected.json does not list were sent clear. */
  VCHECK (f, e->kind, !m->for_rtr && !m->eid_notify && !m->use_ttl && !m->merge &&
          !m->mobile_node, "a flag other than P, I and M is set");

  VCHECK_UINT (f, e->kind, "record count", m->records->len, 1);
  rec = g_ptr_array_index (m->records, 0);
  expect_addr_eq (e, "eid", rec->eid);
  expect_uint_eq (e, "masklen", rec->mask_len);
  expect_uint_eq (e, "ttl", rec->ttl);
  locs = expect_array (e, "locators", rec->locators->len);
  prio = expect_array (e, "prio", rec->locators->len);
  weight = expect_array (e, "weight", rec->locators->len);
  for (guint i = 0; i < rec->locators->len; i++)
    {
      const LispLocator *l = g_ptr_array_index (rec->locators, i);
      g_autofree gchar *field = g_strdup_printf ("locator %u", i);

      VCHECK_ADDR (f, e->kind, field, l->address, json_array_get_string_element (locs, i));
      VCHECK_UINT (f, e->kind, "priority", l->priority, array_int (e, prio, "prio", i));
      VCHECK_UINT (f, e->kind, "weight", l->weight, array_int (e, weight, "weight", i));
    }
  expect_hex_eq (e, "xtrid", m->xtr_id, sizeof m->xtr_id);
  for (guint i = 0; i < 8; i++)
    site_id[i] = (guint8) (m->site_id >> (56 - 8 * i));
  expect_hex_eq (e, "siteid", site_id, sizeof site_id);

  check_mac (f, e->kind, m->alg_id, m->auth_offset, g_bytes_get_size (m->auth_data));
}

static void
check_map_request (Expect *e)
{
  const VFrame *f = e->frame;
  g_autoptr(LispMapRequest) m = NULL;
  const LispRequestRecord *rr;
  JsonArray *itr;

  check_control_port (f, e->kind);
  m = decode_request (f, e->kind, f->payload, f->payload_len);
  check_type (e, LISP_TYPE_MAP_REQUEST);
  expect_uint_eq (e, "irc", m->itr_rlocs->len - 1);
  VCHECK_UINT (f, e->kind, "IRC field", f->payload[2] & 0x1f, m->itr_rlocs->len - 1);
  expect_uint_eq (e, "nonce", m->nonce);
  expect_bool_eq (e, "smri", m->smr_invoked);
  VCHECK (f, e->kind, !m->smr && !m->probe && !m->authoritative && !m->map_data && !m->pitr,
          "a flag other than s is set");
  expect_addr_eq (e, "srceid", m->source_eid);
  itr = expect_array (e, "itr", m->itr_rlocs->len);
  for (guint i = 0; i < m->itr_rlocs->len; i++)
    VCHECK_ADDR (f, e->kind, "ITR-RLOC", g_ptr_array_index (m->itr_rlocs, i),
                 json_array_get_string_element (itr, i));
  VCHECK_UINT (f, e->kind, "record count", m->records->len, 1);
  rr = g_ptr_array_index (m->records, 0);
  expect_addr_eq (e, "prefix", rr->eid);
  VCHECK_UINT (f, e->kind, "EID mask-len", rr->mask_len, 32);
}

static void
check_ecm (Expect *e)
{
  const VFrame *f = e->frame;
  g_autoptr(LispEcm) ecm = NULL;
  g_autoptr(LispMapRequest) m = NULL;
  const guint8 *inner;
  gsize inner_len;

  check_control_port (f, e->kind);
  check_type (e, LISP_TYPE_ECM);
  VDECODE (f, e->kind, lisp_ecm_decode, f->payload, f->payload_len, &ecm);
  inner = g_bytes_get_data (ecm->inner, &inner_len);
  expect_uint_eq (e, "inner_type", lisp_message_type (inner, inner_len));
  VCHECK_UINT (f, e->kind, "inner IP version", ecm->ip_version, 4);
  VCHECK_IP (f, e->kind, "inner source", 4, ecm->src, "198.51.100.10");
  VCHECK_IP (f, e->kind, "inner destination", 4, ecm->dst, "192.0.2.200");
  VCHECK_UINT (f, e->kind, "inner UDP destination port", ecm->dport, LISP_CONTROL_PORT);
  m = decode_request (f, e->kind, inner, inner_len);
  expect_uint_eq (e, "nonce", m->nonce);
}

static void
check_map_reply (Expect *e)
{
  const VFrame *f = e->frame;
  g_autoptr(LispMapReply) m = decode_reply (f, e->kind);
  const LispRecord *rec = g_ptr_array_index (m->records, 0);
  JsonArray *prio, *reach, *probe;

  check_type (e, LISP_TYPE_MAP_REPLY);
  expect_uint_eq (e, "nonce", m->nonce);
  expect_uint_eq (e, "ttl", rec->ttl);
  expect_uint_eq (e, "ver", rec->map_version);
  prio = expect_array (e, "prio", rec->locators->len);
  reach = expect_array (e, "reach", rec->locators->len);
  probe = expect_array (e, "probe", rec->locators->len);
  for (guint i = 0; i < rec->locators->len; i++)
    {
      const LispLocator *l = g_ptr_array_index (rec->locators, i);

      VCHECK_UINT (f, e->kind, "priority", l->priority, array_int (e, prio, "prio", i));
      VCHECK_BOOL (f, e->kind, "R (reachable)", l->reachable, array_int (e, reach, "reach", i));
      VCHECK_BOOL (f, e->kind, "p (probed)", l->probed, array_int (e, probe, "probe", i));
    }
}

static void
check_map_notify (Expect *e)
{
  const VFrame *f = e->frame;
  g_autoptr(LispMapRegister) m = decode_register (f, e->kind, LISP_TYPE_MAP_NOTIFY);

  check_type (e, LISP_TYPE_MAP_NOTIFY);
  expect_auth (e, m);
  VCHECK_BOOL (f, e->kind, "I (xTR-ID present)", m->has_xtr_id, TRUE);
  expect_hex_eq (e, "xtrid", m->xtr_id, sizeof m->xtr_id);
  VCHECK_UINT (f, e->kind, "site-ID", m->site_id, 0x0102030405060708ull);
  check_mac (f, e->kind, m->alg_id, m->auth_offset, g_bytes_get_size (m->auth_data));
}

static void
decode_data (const VFrame *f, const char *kind, LispDataHeader *h)
{
  check_data_port (f, kind);
  VDECODE (f, kind, lisp_data_header_decode, f->payload, f->payload_len, h);
}

static void
check_data (Expect *e)
{
  const VFrame *f = e->frame;
  const guint8 *ip = f->payload + LISP_DATA_HEADER_SIZE;
  LispDataHeader h;

  decode_data (f, e->kind, &h);
  expect_bool_eq (e, "N", h.nonce_present);
  expect_bool_eq (e, "L", h.lsb_enabled);
  expect_bool_eq (e, "E", h.echo_nonce);
  expect_bool_eq (e, "V", h.map_version);
  expect_bool_eq (e, "I", h.iid_present);
  expect_uint_eq (e, "nonce", h.nonce);
  expect_uint_eq (e, "lsb", h.lsb);
  /* The inner IPv4 header follows the 8-byte LISP header directly. */
  VCHECK (f, e->kind, f->payload_len >= LISP_DATA_HEADER_SIZE + 20 && ip[0] >> 4 == 4,
          "no inner IPv4 header after the LISP header");
  VCHECK_IP (f, e->kind, "inner source", 4, ip + 12, expect_string (e, "inner_src"));
  VCHECK_IP (f, e->kind, "inner destination", 4, ip + 16, expect_string (e, "inner_dst"));
}

static void
check_data_iid (Expect *e)
{
  const VFrame *f = e->frame;
  LispDataHeader h;

  decode_data (f, e->kind, &h);
  expect_bool_eq (e, "I", h.iid_present);
  expect_uint_eq (e, "iid", h.iid);
  expect_uint_eq (e, "lsb8", h.lsb);
  VCHECK (f, e->kind, h.nonce_present && h.lsb_enabled && !h.echo_nonce && !h.map_version,
          "flags are not N, L, I");
  VCHECK_UINT (f, e->kind, "nonce", h.nonce, 0x000102);
}

static void
check_info_request (Expect *e)
{
  const VFrame *f = e->frame;
  g_autoptr(LispInfo) m = decode_info (f, e->kind);

  check_type (e, LISP_TYPE_INFO);
  expect_bool_eq (e, "R", m->reply);
  expect_uint_eq (e, "authlen", g_bytes_get_size (m->auth_data));
  expect_hex_eq (e, "auth_hex", g_bytes_get_data (m->auth_data, NULL),
                 g_bytes_get_size (m->auth_data));
  VCHECK_UINT (f, e->kind, "Algorithm ID", m->alg_id, LISP_AUTH_HMAC_SHA1_96);
  VCHECK_UINT (f, e->kind, "nonce", m->nonce, 0x6666666666666666ull);
  VCHECK_ADDR (f, e->kind, "EID", m->eid, "192.0.2.10");
  VCHECK_UINT (f, e->kind, "EID mask-len", m->mask_len, 32);
  /* What the RFC-following draft puts after the EID: AFI 0. */
  VCHECK_ADDR (f, e->kind, "address after the EID", m->address, "none");
  check_mac (f, e->kind, m->alg_id, m->auth_offset, g_bytes_get_size (m->auth_data));
}

static void
check_info_reply (Expect *e)
{
  const VFrame *f = e->frame;
  g_autoptr(LispInfo) m = decode_info (f, e->kind);
  const LispAddress *nat = m->address;

  check_type (e, LISP_TYPE_INFO);
  expect_bool_eq (e, "R", m->reply);
  VCHECK_UINT (f, e->kind, "address kind", nat->kind, LISP_ADDRESS_NAT);
  /* Our encoder writes an honest LCAF Length, unlike lispers.net (see test-foreign). */
  VCHECK_BOOL (f, e->kind, "nat_length_lied", m->nat_length_lied, FALSE);
  expect_uint_eq (e, "msport", nat->ms_port);
  expect_uint_eq (e, "etrport", nat->etr_port);
  expect_addr_eq (e, "global_etr", nat->global_etr);
  VCHECK_ADDR (f, e->kind, "MS RLOC", nat->ms_rloc, "203.0.113.1");
  VCHECK_ADDR (f, e->kind, "private ETR RLOC", nat->private_etr, "none");
  VCHECK_UINT (f, e->kind, "RTR count", nat->items->len, 1);
  expect_addr_eq (e, "rtr", g_ptr_array_index (nat->items, 0));
  VCHECK_UINT (f, e->kind, "TTL", m->ttl, 1440);
  /* Same key as the Info-Request. */
  check_mac (f, e->kind, m->alg_id, m->auth_offset, g_bytes_get_size (m->auth_data));
}

static void
check_map_request_lcaf (Expect *e)
{
  const VFrame *f = e->frame;
  g_autoptr(LispMapRequest) m = NULL;
  const LispRequestRecord *rr;

  check_control_port (f, e->kind);
  m = decode_request (f, e->kind, f->payload, f->payload_len);
  VCHECK_UINT (f, e->kind, "record count", m->records->len, 1);
  rr = g_ptr_array_index (m->records, 0);
  expect_uint_eq (e, "lcaf_type", lcaf_type_of (rr->eid));
  VCHECK_UINT (f, e->kind, "address kind", rr->eid->kind, LISP_ADDRESS_INSTANCE_ID);
  expect_uint_eq (e, "iid", lisp_address_iid (rr->eid));
  expect_addr_eq (e, "iid_addr", rr->eid->inner);
  VCHECK_UINT (f, e->kind, "IID mask-len (LCAF Rsvd2)", rr->eid->lcaf_rsvd2, 32);
  VCHECK_UINT (f, e->kind, "nonce", m->nonce, 0x7777777777777777ull);
}

static void
check_negative_map_reply (Expect *e)
{
  const VFrame *f = e->frame;
  g_autoptr(LispMapReply) m = decode_reply (f, e->kind);
  const LispRecord *rec = g_ptr_array_index (m->records, 0);

  expect_uint_eq (e, "act", rec->action);
  expect_uint_eq (e, "loccnt", rec->locators->len);
  expect_uint_eq (e, "ttl", rec->ttl);
  /* The value the shared fixture (vectors/craft_vectors.py, frame 13) holds: decoded
   * only, nothing is ever sent to it. */
  VCHECK_ADDR (f, e->kind, "EID", rec->eid, "10.0.0.0");
  VCHECK_UINT (f, e->kind, "EID mask-len", rec->mask_len, 8);
  VCHECK_BOOL (f, e->kind, "A (authoritative)", rec->authoritative, FALSE);
}

/* Frames 14 and 15 carry flag combinations RFC 9300 §5.3 forbids. */
static void
check_bad_data (Expect *e)
{
  const VFrame *f = e->frame;
  g_autoptr(GError) error = NULL;
  LispDataHeader h;
  gboolean ok;

  check_data_port (f, e->kind);
  ok = lisp_data_header_decode (f->payload, f->payload_len, &h, &error);
  VCHECK (f, e->kind, !ok, "the data header decodes although its flags are forbidden");
  VCHECK (f, e->kind, g_error_matches (error, LISP_ERROR, LISP_ERROR_INVALID),
          "the error is not LISP_ERROR_INVALID: %s", error != NULL ? error->message : "none");
}

static void
check_map_notify_ack (Expect *e)
{
  const VFrame *f = e->frame;
  g_autoptr(LispMapRegister) m = decode_register (f, e->kind, LISP_TYPE_MAP_NOTIFY_ACK);

  check_type (e, LISP_TYPE_MAP_NOTIFY_ACK);
  VCHECK_UINT (f, e->kind, "nonce", m->nonce, 0x1111111111111111ull);
  VCHECK_BOOL (f, e->kind, "I (xTR-ID present)", m->has_xtr_id, TRUE);
  VCHECK_UINT (f, e->kind, "record count", m->records->len, 1);
  /* craft_vectors.py authenticates it like the Map-Notify it acknowledges. */
  check_mac (f, e->kind, m->alg_id, m->auth_offset, g_bytes_get_size (m->auth_data));
}

static void
check_map_reply_elp (Expect *e)
{
  const VFrame *f = e->frame;
  g_autoptr(LispMapReply) m = decode_reply (f, e->kind);
  const LispRecord *rec = g_ptr_array_index (m->records, 0);
  const LispLocator *l;
  JsonArray *hops;

  VCHECK_UINT (f, e->kind, "locator count", rec->locators->len, 1);
  l = g_ptr_array_index (rec->locators, 0);
  expect_uint_eq (e, "lcaf_type", lcaf_type_of (l->address));
  VCHECK_UINT (f, e->kind, "address kind", l->address->kind, LISP_ADDRESS_ELP);
  hops = expect_array (e, "hops", l->address->items->len);
  for (guint i = 0; i < l->address->items->len; i++)
    {
      const LispElpHop *hop = g_ptr_array_index (l->address->items, i);

      VCHECK_ADDR (f, e->kind, "ELP hop", hop->address, json_array_get_string_element (hops, i));
      /* The first hop is strict, the second not; neither asks for lookup or probing. */
      VCHECK_UINT (f, e->kind, "ELP hop flags", hop->flags, i == 0 ? LISP_ELP_STRICT : 0);
    }
}

/* ---- the test cases ------------------------------------------------------------------- */

typedef struct {
  const char *kind;
  void      (*check) (Expect *e);
  guint       n_frames;  /* how many frames of lisp_vectors.pcap are of this kind */
} Kind;

static const Kind kinds[] = {
  { "map-register", check_map_register, 3 },
  { "map-request", check_map_request, 1 },
  { "ecm", check_ecm, 1 },
  { "map-reply", check_map_reply, 1 },
  { "map-notify", check_map_notify, 1 },
  { "data", check_data, 1 },
  { "data-iid", check_data_iid, 1 },
  { "info-request", check_info_request, 1 },
  { "info-reply", check_info_reply, 1 },
  { "map-request-lcaf", check_map_request_lcaf, 1 },
  { "negative-map-reply", check_negative_map_reply, 1 },
  { "bad-data-E-without-N", check_bad_data, 1 },
  { "bad-data-N-and-V", check_bad_data, 1 },
  { "map-notify-ack", check_map_notify_ack, 1 },
  { "map-reply-elp", check_map_reply_elp, 1 },
};

static const char *
frame_kind (guint i)
{
  return json_object_get_string_member (json_array_get_object_element (expected_frames, i),
                                        "kind");
}

/* The capture and expected.json describe the same 17 frames, and each frame's kind is one
 * this test checks: a frame added to either fails here until it is covered. */
static void
test_frame_count (void)
{
  guint total = 0;

  g_assert_cmpuint (vector_frames->len, ==, N_VECTOR_FRAMES);
  g_assert_cmpuint (json_array_get_length (expected_frames), ==, N_VECTOR_FRAMES);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    total += kinds[i].n_frames;
  g_assert_cmpuint (total, ==, N_VECTOR_FRAMES);
  for (guint i = 0; i < N_VECTOR_FRAMES; i++)
    {
      const VFrame *f = g_ptr_array_index (vector_frames, i);
      const char *kind = frame_kind (i);
      gboolean known = FALSE;

      g_assert_cmpuint (f->number, ==, i + 1);
      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        known = known || g_strcmp0 (kinds[k].kind, kind) == 0;
      VCHECK (f, kind != NULL ? kind : "?", known, "expected.json kind is not checked here");
    }
}

/* Without looking at expected.json: each frame decodes by its port and lisp_message_type()
 * with the decoder of that type (an ECM down to its inner message), except the two data
 * headers with forbidden flags; and the kind expected.json gives agrees with the type. */
static void
test_decode_all (void)
{
  static const struct {
    guint       type;  /* control message type; 0 for the data port */
    const char *kinds; /* the expected.json kinds of that type */
  } kinds_of_type[] = {
    { LISP_TYPE_MAP_REGISTER, "map-register" },
    { LISP_TYPE_MAP_NOTIFY, "map-notify" },
    { LISP_TYPE_MAP_NOTIFY_ACK, "map-notify-ack" },
    { LISP_TYPE_MAP_REQUEST, "map-request map-request-lcaf" },
    { LISP_TYPE_MAP_REPLY, "map-reply negative-map-reply map-reply-elp" },
    { LISP_TYPE_ECM, "ecm" },
    { LISP_TYPE_INFO, "info-request info-reply" },
    { 0, "data data-iid bad-data-E-without-N bad-data-N-and-V" },
  };
  guint rejected = 0;

  g_assert_cmpuint (vector_frames->len, ==, N_VECTOR_FRAMES);
  for (guint i = 0; i < vector_frames->len; i++)
    {
      const VFrame *f = g_ptr_array_index (vector_frames, i);
      const char *kind = frame_kind (i);
      guint type = f->dport == LISP_DATA_PORT ? 0 : lisp_message_type (f->payload, f->payload_len);
      g_autoptr(GError) error = NULL;
      gpointer m = NULL;
      gboolean ok = FALSE, kind_ok = FALSE;

      for (guint k = 0; k < G_N_ELEMENTS (kinds_of_type); k++)
        if (kinds_of_type[k].type == type)
          {
            g_auto(GStrv) names = g_strsplit (kinds_of_type[k].kinds, " ", -1);

            kind_ok = g_strv_contains ((const gchar *const *) names, kind);
          }
      VCHECK (f, kind, kind_ok, "message type %u does not fit the kind in expected.json", type);
      switch (type)
        {
        case 0:
          {
            LispDataHeader h;

            ok = lisp_data_header_decode (f->payload, f->payload_len, &h, &error);
            if (g_str_has_prefix (kind, "bad-data"))
              {
                VCHECK (f, kind, !ok && error != NULL, "forbidden data-header flags decode");
                rejected++;
                continue;
              }
            break;
          }
        case LISP_TYPE_MAP_REGISTER:
        case LISP_TYPE_MAP_NOTIFY:
        case LISP_TYPE_MAP_NOTIFY_ACK:
          ok = lisp_map_register_decode (f->payload, f->payload_len, (LispMapRegister **) &m, &error);
          lisp_map_register_free (m);
          break;
        case LISP_TYPE_MAP_REQUEST:
          ok = lisp_map_request_decode (f->payload, f->payload_len, (LispMapRequest **) &m, &error);
          lisp_map_request_free (m);
          break;
        case LISP_TYPE_MAP_REPLY:
          ok = lisp_map_reply_decode (f->payload, f->payload_len, (LispMapReply **) &m, &error);
          lisp_map_reply_free (m);
          break;
        case LISP_TYPE_INFO:
          ok = lisp_info_decode (f->payload, f->payload_len, (LispInfo **) &m, &error);
          lisp_info_free (m);
          break;
        case LISP_TYPE_ECM:
          {
            g_autoptr(LispEcm) ecm = NULL;

            ok = lisp_ecm_decode (f->payload, f->payload_len, &ecm, &error);
            VCHECK_DECODED (f, kind, ok, error);
            lisp_map_request_free (decode_request (f, kind, g_bytes_get_data (ecm->inner, NULL),
                                                   g_bytes_get_size (ecm->inner)));
            break;
          }
        default:
          break;
        }
      VCHECK_DECODED (f, kind, ok, error);
    }
  g_assert_cmpuint (rejected, ==, 2);
}

static void
test_kind (gconstpointer data)
{
  const Kind *k = data;
  guint seen = 0;

  for (guint i = 0; i < vector_frames->len && i < json_array_get_length (expected_frames); i++)
    {
      JsonObject *obj = json_array_get_object_element (expected_frames, i);
      Expect e;

      if (g_strcmp0 (json_object_get_string_member (obj, "kind"), k->kind) != 0)
        continue;
      expect_init (&e, g_ptr_array_index (vector_frames, i), k->kind, obj);
      (void) expect_string (&e, "kind");
      k->check (&e);
      expect_finish (&e);
      seen++;
    }
  g_assert_cmpuint (seen, ==, k->n_frames);
}

/* ---- lisp_malformed.pcap -------------------------------------------------------------- */

/* Decodes a control frame by its type; returns the decoder's verdict and frees the result. */
static gboolean
decode_control (const VFrame *f, GError **error)
{
  gpointer out = NULL;
  gboolean ok;

  switch (lisp_message_type (f->payload, f->payload_len))
    {
    case LISP_TYPE_MAP_REGISTER:
      ok = lisp_map_register_decode (f->payload, f->payload_len, (LispMapRegister **) &out, error);
      lisp_map_register_free (out);
      return ok;
    case LISP_TYPE_MAP_REQUEST:
      ok = lisp_map_request_decode (f->payload, f->payload_len, (LispMapRequest **) &out, error);
      lisp_map_request_free (out);
      return ok;
    default:
      g_error ("%s frame %u: unexpected message type %u", f->file, f->number,
               lisp_message_type (f->payload, f->payload_len));
    }
}

static void
test_malformed_rejected (void)
{
  static const struct {
    guint       type;
    LispError   code;
    const char *needle;  /* in the error message: which field is bad */
    const char *why;
  } cases[] = {
    { LISP_TYPE_MAP_REGISTER, LISP_ERROR_TRUNCATED, "record 1", "Record Count 2, 1 record present" },
    { LISP_TYPE_MAP_REGISTER, LISP_ERROR_INVALID, "Authentication Data Length",
      "Authentication Data Length 64 > the rest of the packet" },
    { LISP_TYPE_MAP_REQUEST, LISP_ERROR_TRUNCATED, "LCAF body", "LCAF Length 40 > the rest" },
    { LISP_TYPE_MAP_REQUEST, LISP_ERROR_UNSUPPORTED, "ITR-RLOC 2 of 4",
      "IRC 3 (4 ITR-RLOCs) with 1 ITR-RLOC: the record is read as an RLOC" },
  };

  g_assert_cmpuint (malformed_frames->len, ==, N_MALFORMED_FRAMES);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const VFrame *f = g_ptr_array_index (malformed_frames, i);
      g_autoptr(GError) error = NULL;
      gboolean ok;

      g_assert_cmpuint (f->number, ==, i + 1);
      VCHECK_UINT (f, cases[i].why, "message type", lisp_message_type (f->payload, f->payload_len),
                   cases[i].type);
      ok = decode_control (f, &error);
      VCHECK (f, cases[i].why, !ok, "decodes although it is broken");
      VCHECK (f, cases[i].why, error != NULL && error->domain == LISP_ERROR,
              "fails without a LISP_ERROR");
      VCHECK (f, cases[i].why, error->code == (gint) cases[i].code && strstr (error->message,
              cases[i].needle) != NULL && strstr (error->message, "offset") != NULL,
              "error code %d, message \"%s\": expected code %d naming '%s' and an offset",
              error->code, error->message, cases[i].code, cases[i].needle);
    }
}

/* Frame 5 is the Map-Register of frame 1 with reserved bit 11 set: receivers ignore
 * reserved bits (RFC 9301 §5), so it decodes to the same fields as an untouched one. */
static void
test_malformed_reserved_bit (void)
{
  const VFrame *f = g_ptr_array_index (malformed_frames, 4);
  const char *what = "reserved bit set";
  g_autoptr(GError) error = NULL;
  g_autoptr(LispMapRegister) m = NULL;
  const LispRecord *rec;
  const LispLocator *l;
  gboolean ok;

  g_assert_cmpuint (f->number, ==, 5);
  VCHECK (f, what, f->payload[1] & 0x10, "the reserved bit is not set in the fixture");
  ok = lisp_map_register_decode (f->payload, f->payload_len, &m, &error);
  VCHECK_DECODED (f, what, ok, error);
  VCHECK_UINT (f, what, "type", m->type, LISP_TYPE_MAP_REGISTER);
  VCHECK (f, what, m->proxy_reply && m->want_notify && !m->has_xtr_id && !m->lisp_sec &&
          !m->for_rtr && !m->eid_notify && !m->use_ttl && !m->merge && !m->mobile_node,
          "flags are not exactly P and M");
  VCHECK_UINT (f, what, "nonce", m->nonce, 1);
  VCHECK_UINT (f, what, "Algorithm ID", m->alg_id, LISP_AUTH_HMAC_SHA256_128);
  VCHECK_UINT (f, what, "auth length", g_bytes_get_size (m->auth_data), 32);
  VCHECK_UINT (f, what, "record count", m->records->len, 1);
  rec = g_ptr_array_index (m->records, 0);
  VCHECK_ADDR (f, what, "EID", rec->eid, "192.0.2.10");
  VCHECK_UINT (f, what, "TTL", rec->ttl, 1440);
  VCHECK_UINT (f, what, "locator count", rec->locators->len, 1);
  l = g_ptr_array_index (rec->locators, 0);
  VCHECK_ADDR (f, what, "locator", l->address, "198.51.100.10");
  VCHECK_UINT (f, what, "priority", l->priority, 1);
  VCHECK_UINT (f, what, "weight", l->weight, 100);
  VCHECK_UINT (f, what, "trailing", m->trailing, 0);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *json_path = NULL;
  const char *dir;
  JsonObject *root;

  g_test_init (&argc, &argv, NULL);
  dir = vectors_dir ();
  vector_frames = vframes_load (dir, "lisp_vectors.pcap");
  malformed_frames = vframes_load (dir, "lisp_malformed.pcap");
  json_path = g_build_filename (dir, "expected.json", NULL);
  parser = json_parser_new ();
  if (!json_parser_load_from_file (parser, json_path, &error))
    g_error ("%s: %s", json_path, error->message);
  root = json_node_get_object (json_parser_get_root (parser));
  psk = json_object_get_string_member (root, "psk");
  expected_frames = json_object_get_array_member (root, "frames");
  g_assert_nonnull (psk);
  g_assert_nonnull (expected_frames);

  g_test_add_func ("/vectors/frames", test_frame_count);
  g_test_add_func ("/vectors/decode-all", test_decode_all);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree gchar *path = g_strdup_printf ("/vectors/%s", kinds[i].kind);

      g_test_add_data_func (path, &kinds[i], test_kind);
    }
  g_test_add_func ("/malformed/rejected", test_malformed_rejected);
  g_test_add_func ("/malformed/reserved-bit", test_malformed_reserved_bit);

  {
    int rc = g_test_run ();

    g_ptr_array_unref (vector_frames);
    g_ptr_array_unref (malformed_frames);
    g_object_unref (parser);
    return rc;
  }
}
