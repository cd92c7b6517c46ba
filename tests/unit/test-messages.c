/* Control messages: every type round-trips byte for byte, hand-assembled bytes decode to
 * the fields they spell, and every truncation or lying count is an error, not a crash. */
#include "lisp-auth.h"
#include "lisp-error.h"
#include "lisp-message.h"
#include "parse-address.h"
#include "sample-map-request.h"
#include "test-table.h"

#include <string.h>

static const guint8 KEY[] = "lisp-mn-test-psk";
#define KEY_LEN (sizeof KEY - 1)

static LispRecord *
sample_record (const char *eid, guint8 mask_len, guint n_locators)
{
  const char *rlocs[] = { "198.51.100.10", "2001:db8:100::10", "203.0.113.7" };
  LispRecord *rec = lisp_record_new (test_address (eid), mask_len, 1440);

  rec->authoritative = TRUE;
  rec->map_version = 7;
  for (guint i = 0; i < n_locators; i++)
    {
      LispLocator *l = lisp_locator_new (test_address (rlocs[i % G_N_ELEMENTS (rlocs)]), 1 + i,
                                         60 - 20 * i);

      l->local = i == 0;
      l->probed = i == 1;
      g_ptr_array_add (rec->locators, l);
    }
  return rec;
}

static void
assert_records_equal (GPtrArray *a, GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      const LispRecord *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);

      g_assert_cmpuint (x->ttl, ==, y->ttl);
      g_assert_cmpuint (x->mask_len, ==, y->mask_len);
      g_assert_cmpuint (x->action, ==, y->action);
      g_assert_cmpint (x->authoritative, ==, y->authoritative);
      g_assert_cmpuint (x->map_version, ==, y->map_version);
      g_assert_true (lisp_address_equal (x->eid, y->eid));
      g_assert_cmpuint (x->locators->len, ==, y->locators->len);
      for (guint j = 0; j < x->locators->len; j++)
        {
          const LispLocator *l = g_ptr_array_index (x->locators, j);
          const LispLocator *m = g_ptr_array_index (y->locators, j);

          g_assert_cmpuint (l->priority, ==, m->priority);
          g_assert_cmpuint (l->weight, ==, m->weight);
          g_assert_cmpuint (l->m_priority, ==, m->m_priority);
          g_assert_cmpuint (l->m_weight, ==, m->m_weight);
          g_assert_cmpint (l->local, ==, m->local);
          g_assert_cmpint (l->probed, ==, m->probed);
          g_assert_cmpint (l->reachable, ==, m->reachable);
          g_assert_true (lisp_address_equal (l->address, m->address));
        }
    }
}

typedef gboolean (*DecodeFunc) (const guint8 *data, gsize len, gpointer *out, GError **error);

/* Every strict prefix of a message fails to decode with an error; none crashes. */
static void
assert_truncations_fail (GBytes *wire, DecodeFunc decode, GDestroyNotify free_func, gsize allowed_cut)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (wire, &len);

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr(GError) error = NULL;
      gpointer msg = NULL;
      /* A heap copy of exactly cut bytes, so ASan catches any read past the end. */
      g_autofree guint8 *copy = g_memdup2 (data, cut);

      if (decode (copy, cut, &msg, &error))
        {
          g_assert_cmpuint (cut, ==, allowed_cut);
          free_func (msg);
          continue;
        }
      g_assert_null (msg);
      g_assert_nonnull (error);
      g_assert_true (error->domain == LISP_ERROR);
    }
}

/* ---- Map-Request ---------------------------------------------------------------------- */

static LispMapRequest *
sample_map_request (void)
{
  LispMapRequest *m = test_map_request_from_mn (0x4444444444444444ull);

  m->smr_invoked = TRUE;
  m->pitr = TRUE;
  m->dont_reply = TRUE;
  lisp_map_request_add_record (m, test_address ("[703710]2001:db8:e1d::2"), 128);
  m->map_reply = sample_record ("192.0.2.10", 32, 2);
  return m;
}

static void
test_map_request_round_trip (void)
{
  g_autoptr(LispMapRequest) m = sample_map_request ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wire = lisp_map_request_encode (m, &error);
  g_autoptr(LispMapRequest) back = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GPtrArray) one = lisp_records_new (), other = lisp_records_new ();

  g_assert_no_error (error);
  g_assert_true (lisp_map_request_decode (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire),
                                          &back, &error));
  g_assert_no_error (error);
  g_assert_true (back->smr_invoked && back->pitr && back->dont_reply && back->map_data);
  g_assert_false (back->smr || back->probe || back->authoritative || back->local_xtr);
  g_assert_cmphex (back->nonce, ==, m->nonce);
  g_assert_true (lisp_address_equal (back->source_eid, m->source_eid));
  g_assert_cmpuint (back->itr_rlocs->len, ==, 2);
  g_assert_cmpuint (back->records->len, ==, 2);
  g_assert_cmpuint (((LispRequestRecord *) g_ptr_array_index (back->records, 1))->mask_len, ==, 128);
  g_ptr_array_add (one, lisp_record_copy (m->map_reply));
  g_ptr_array_add (other, lisp_record_copy (back->map_reply));
  assert_records_equal (one, other);
  g_assert_cmpuint (back->trailing, ==, 0);
  again = lisp_map_request_encode (back, &error);
  g_assert_true (g_bytes_equal (wire, again));
  assert_truncations_fail (wire, (DecodeFunc) lisp_map_request_decode,
                           (GDestroyNotify) lisp_map_request_free, G_MAXSIZE);
}

static void
test_map_request_known_bytes (void)
{
  /* An RLOC-probe as OOR sends it: P bit, IRC 0, 1 record, source EID AFI 0. */
  static const guint8 wire[] = {
    0x12, 0x00, 0x00, 0x01,                         /* type 1, P, IRC 0, 1 record */
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* nonce */
    0x00, 0x00,                                     /* source EID: AFI 0 */
    0x00, 0x01, 198, 51, 100, 3,                    /* ITR-RLOC */
    0x00, 32, 0x00, 0x01, 192, 0, 2, 2,             /* record 192.0.2.2/32 */
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LispMapRequest) m = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autofree gchar *rloc = NULL;

  g_assert_true (lisp_map_request_decode (wire, sizeof wire, &m, &error));
  g_assert_no_error (error);
  g_assert_true (m->probe);
  g_assert_false (m->smr || m->smr_invoked || m->map_data);
  g_assert_cmphex (m->nonce, ==, 0x0102030405060708ull);
  g_assert_cmpint (m->source_eid->kind, ==, LISP_ADDRESS_NONE);
  rloc = lisp_address_to_string (g_ptr_array_index (m->itr_rlocs, 0));
  g_assert_cmpstr (rloc, ==, "198.51.100.3");
  again = lisp_map_request_encode (m, &error);
  g_assert_cmpmem (g_bytes_get_data (again, NULL), g_bytes_get_size (again), wire, sizeof wire);
}

static void
test_map_request_encode_limits (void)
{
  g_autoptr(LispMapRequest) m = lisp_map_request_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wire = NULL;

  lisp_map_request_add_record (m, test_address ("192.0.2.1"), 32);
  wire = lisp_map_request_encode (m, &error);  /* no ITR-RLOC */
  g_assert_null (wire);
  g_assert_error (error, LISP_ERROR, LISP_ERROR_INVALID);
  g_clear_error (&error);
  for (guint i = 0; i < 33; i++)
    g_ptr_array_add (m->itr_rlocs, test_address ("198.51.100.1"));
  wire = lisp_map_request_encode (m, &error);
  g_assert_null (wire);
  g_assert_error (error, LISP_ERROR, LISP_ERROR_INVALID);
}

/* ---- Map-Reply ------------------------------------------------------------------------ */

static void
test_map_reply_round_trip (void)
{
  g_autoptr(LispMapReply) m = lisp_map_reply_new ();
  g_autoptr(LispMapReply) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wire = NULL, again = NULL;
  LispRecord *negative = lisp_record_new (test_address ("192.0.2.99"), 32, 15);

  m->probe = TRUE;
  m->echo_nonce = TRUE;
  m->nonce = 0xdeadbeefcafef00dull;
  g_ptr_array_add (m->records, sample_record ("192.0.2.200", 32, 3));
  g_ptr_array_add (m->records, sample_record ("2001:db8:e1d::", 48, 1));
  negative->action = LISP_ACTION_NATIVELY_FORWARD;
  g_ptr_array_add (m->records, negative);
  wire = lisp_map_reply_encode (m, &error);
  g_assert_no_error (error);
  g_assert_true (lisp_map_reply_decode (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire),
                                        &back, &error));
  g_assert_no_error (error);
  g_assert_true (back->probe && back->echo_nonce && !back->security);
  g_assert_cmphex (back->nonce, ==, m->nonce);
  assert_records_equal (m->records, back->records);
  g_assert_cmpuint (((LispRecord *) g_ptr_array_index (back->records, 2))->action, ==,
                    LISP_ACTION_NATIVELY_FORWARD);
  again = lisp_map_reply_encode (back, &error);
  g_assert_true (g_bytes_equal (wire, again));
  assert_truncations_fail (wire, (DecodeFunc) lisp_map_reply_decode,
                           (GDestroyNotify) lisp_map_reply_free, G_MAXSIZE);
}

static void
test_map_reply_known_bytes (void)
{
  /* A negative Map-Reply: 0 locators, ACT 1 (natively-forward), TTL 15, 198.51.100.200/32. */
  static const guint8 wire[] = {
    0x20, 0x00, 0x00, 0x01,
    0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11,
    0x00, 0x00, 0x00, 0x0f,             /* TTL 15 minutes */
    0x00, 0x20, 0x20, 0x00,             /* 0 locators, /32, ACT 1, A 0 */
    0x00, 0x00, 0x00, 0x01, 198, 51, 100, 200,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LispMapReply) m = NULL;
  const LispRecord *rec;

  g_assert_true (lisp_map_reply_decode (wire, sizeof wire, &m, &error));
  g_assert_no_error (error);
  g_assert_cmphex (m->nonce, ==, 0xaabbccddeeff0011ull);
  rec = g_ptr_array_index (m->records, 0);
  g_assert_cmpuint (rec->ttl, ==, 15);
  g_assert_cmpuint (rec->mask_len, ==, 32);
  g_assert_cmpuint (rec->action, ==, LISP_ACTION_NATIVELY_FORWARD);
  g_assert_false (rec->authoritative);
  g_assert_cmpuint (rec->locators->len, ==, 0);
  g_assert_cmpstr (lisp_action_name (rec->action), ==, "natively-forward");
}

/* ---- Map-Register, Map-Notify, Map-Notify-Ack ----------------------------------------- */

static LispMapRegister *
sample_register (guint8 type, guint8 alg)
{
  LispMapRegister *m = lisp_map_register_new (type);

  m->proxy_reply = type == LISP_TYPE_MAP_REGISTER;
  m->want_notify = type == LISP_TYPE_MAP_REGISTER;
  m->use_ttl = type == LISP_TYPE_MAP_REGISTER;
  m->mobile_node = type == LISP_TYPE_MAP_REGISTER;
  m->has_xtr_id = TRUE;
  m->nonce = 0x1111111111111111ull;
  m->key_id = 0;
  m->alg_id = alg;
  g_ptr_array_add (m->records, sample_record ("192.0.2.10", 32, 2));
  g_ptr_array_add (m->records, sample_record ("[5]2001:db8:e1d::1", 128, 2));
  memcpy (m->xtr_id, "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 16);
  m->site_id = 0x0102030405060708ull;
  return m;
}

static void
test_register_round_trip_and_auth (gconstpointer data)
{
  guint type = GPOINTER_TO_UINT (data) >> 8, alg = GPOINTER_TO_UINT (data) & 0xff;
  g_autoptr(LispMapRegister) m = sample_register (type, alg);
  g_autoptr(LispMapRegister) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wire = lisp_map_register_encode (m, KEY, KEY_LEN, &error);
  g_autoptr(GBytes) again = NULL;
  gsize len;
  const guint8 *bytes;

  g_assert_no_error (error);
  bytes = g_bytes_get_data (wire, &len);
  g_assert_true (lisp_map_register_decode (bytes, len, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (back->type, ==, type);
  g_assert_cmpint (back->want_notify, ==, m->want_notify);
  g_assert_cmpint (back->proxy_reply, ==, m->proxy_reply);
  g_assert_cmpint (back->use_ttl, ==, m->use_ttl);
  g_assert_cmpint (back->mobile_node, ==, m->mobile_node);
  g_assert_true (back->has_xtr_id);
  g_assert_false (back->trailer_without_flag);
  g_assert_cmpmem (back->xtr_id, 16, m->xtr_id, 16);
  g_assert_cmphex (back->site_id, ==, m->site_id);
  g_assert_cmpuint (back->alg_id, ==, alg);
  g_assert_cmpuint (g_bytes_get_size (back->auth_data), ==, lisp_auth_send_length (alg));
  g_assert_cmpuint (back->auth_offset, ==, 16);
  assert_records_equal (m->records, back->records);
  g_assert_true (lisp_auth_verify (back->alg_id, KEY, KEY_LEN, bytes, len, back->auth_offset,
                                   g_bytes_get_size (back->auth_data), &error));
  g_assert_no_error (error);
  /* Re-encoding recomputes the same MAC. */
  again = lisp_map_register_encode (back, KEY, KEY_LEN, &error);
  g_assert_true (g_bytes_equal (wire, again));
  assert_truncations_fail (wire, (DecodeFunc) lisp_map_register_decode,
                           (GDestroyNotify) lisp_map_register_free, G_MAXSIZE);
}

static void
test_notify_trailer_without_flag (void)
{
  /* lispers.net's Map-Notify: I clear, yet xTR-ID and site-ID follow the records. */
  g_autoptr(LispMapRegister) m = sample_register (LISP_TYPE_MAP_NOTIFY, LISP_AUTH_HMAC_SHA256_128);
  g_autoptr(GBytes) wire = lisp_map_register_encode (m, KEY, KEY_LEN, NULL);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire));
  g_autoptr(LispMapRegister) back = NULL;
  g_autoptr(GError) error = NULL;

  copy[0] &= ~0x08;  /* clear I */
  g_assert_true (lisp_map_register_decode (copy, g_bytes_get_size (wire), &back, &error));
  g_assert_no_error (error);
  g_assert_false (back->has_xtr_id);
  g_assert_true (back->trailer_without_flag);
  g_assert_cmphex (back->site_id, ==, m->site_id);
  g_assert_cmpuint (back->trailing, ==, 0);
}

/* Encoding with an algorithm we cannot compute */
static void
test_register_encode_unknown_alg (void)
{
  g_autoptr(LispMapRegister) m = sample_register (LISP_TYPE_MAP_REGISTER, LISP_AUTH_HMAC_SHA1_96);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bad = NULL;

  m->alg_id = 3;
  bad = lisp_map_register_encode (m, KEY, KEY_LEN, &error);
  g_assert_null (bad);
  g_assert_error (error, LISP_ERROR, LISP_ERROR_UNSUPPORTED);
}

/* ---- lying counts and lengths --------------------------------------------------------- */

/* A sample message encoded, a few of its bytes changed, decoded: refused with this error. */
typedef enum { SAMPLE_REQUEST, SAMPLE_REPLY, SAMPLE_REGISTER } Sample;

typedef struct {
  const char *path;
  Sample sample;
  const char *set; /* the bytes changed: "OFFSET=VALUE ...", the values in hex */
  LispError code;
  const char *needle; /* in the error message; NULL: not checked */
} Corrupted;

static const Corrupted corrupted[] = {
  /* 32 ITR-RLOCs announced: the records are then read as RLOCs until something fails */
  { "/map-request/bad-counts/32-itr-rlocs", SAMPLE_REQUEST, "2=1f 3=02", LISP_ERROR_UNSUPPORTED,
    "ITR-RLOC 3 of 32" },
  { "/map-request/bad-counts/255-records", SAMPLE_REQUEST, "2=01 3=ff", LISP_ERROR_TRUNCATED,
    "Record Count x 4" },
  { "/map-request/bad-counts/0-records", SAMPLE_REQUEST, "2=01 3=00", LISP_ERROR_INVALID,
    "Record Count" },
  { "/map-reply/bad-counts/200-records", SAMPLE_REPLY, "3=c8", LISP_ERROR_TRUNCATED,
    "Record Count" },
  { "/map-reply/bad-counts/255-locators", SAMPLE_REPLY, "16=ff", LISP_ERROR_TRUNCATED,
    "Locator Count" },
  /* EID mask-len 33 for an IPv4 EID */
  { "/map-reply/bad-counts/mask-len-33", SAMPLE_REPLY, "17=21", LISP_ERROR_INVALID, "mask-len 33" },
  { "/map-reply/bad-counts/wrong-type", SAMPLE_REPLY, "0=30", LISP_ERROR_INVALID, NULL },
  /* SHA-1 with a 32-byte length: refused by the decoder */
  { "/Map-Register/bad-auth-length/sha1-32", SAMPLE_REGISTER, "15=20", LISP_ERROR_INVALID,
    "Authentication Data Length 32" },
  /* An unknown algorithm with a huge length: truncated, named */
  { "/Map-Register/bad-auth-length/unknown-65535", SAMPLE_REGISTER, "13=09 14=ff 15=ff",
    LISP_ERROR_TRUNCATED, "Authentication Data needs 65535" },
};

static GBytes *
sample_wire (Sample sample)
{
  switch (sample)
    {
    case SAMPLE_REQUEST:
      {
        g_autoptr(LispMapRequest) m = sample_map_request ();

        return lisp_map_request_encode (m, NULL);
      }
    case SAMPLE_REPLY:
      {
        g_autoptr(LispMapReply) m = lisp_map_reply_new ();

        g_ptr_array_add (m->records, sample_record ("192.0.2.200", 32, 1));
        return lisp_map_reply_encode (m, NULL);
      }
    case SAMPLE_REGISTER:
    default:
      {
        g_autoptr(LispMapRegister) m = sample_register (LISP_TYPE_MAP_REGISTER,
                                                        LISP_AUTH_HMAC_SHA1_96);

        return lisp_map_register_encode (m, KEY, KEY_LEN, NULL);
      }
    }
}

static void
test_corrupted (gconstpointer data)
{
  static const struct {
    DecodeFunc decode;
    GDestroyNotify free_func;
  } decoders[] = {
    [SAMPLE_REQUEST] = { (DecodeFunc) lisp_map_request_decode,
                         (GDestroyNotify) lisp_map_request_free },
    [SAMPLE_REPLY] = { (DecodeFunc) lisp_map_reply_decode, (GDestroyNotify) lisp_map_reply_free },
    [SAMPLE_REGISTER] = { (DecodeFunc) lisp_map_register_decode,
                          (GDestroyNotify) lisp_map_register_free },
  };
  const Corrupted *row = data;
  g_autoptr(GBytes) wire = sample_wire (row->sample);
  gsize len = g_bytes_get_size (wire);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (wire, NULL), len);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) changes = g_strsplit (row->set, " ", -1);
  gpointer back = NULL;

  for (guint i = 0; changes[i] != NULL; i++)
    {
      gchar *value;
      guint64 at = g_ascii_strtoull (changes[i], &value, 10);

      g_assert_true (at < len && *value == '=');
      copy[at] = (guint8) g_ascii_strtoull (value + 1, NULL, 16);
    }
  g_assert_false (decoders[row->sample].decode (copy, len, &back, &error));
  g_assert_null (back);
  g_assert_error (error, LISP_ERROR, (gint) row->code);
  if (row->needle != NULL)
    g_assert_nonnull (strstr (error->message, row->needle));
}

/* ---- ECM ------------------------------------------------------------------------------ */

static void
test_ecm_round_trip (gconstpointer data)
{
  guint version = GPOINTER_TO_UINT (data);
  g_autoptr(LispMapRequest) req = sample_map_request ();
  g_autoptr(LispEcm) m = lisp_ecm_new ();
  g_autoptr(LispEcm) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wire = NULL, again = NULL;
  g_autoptr(LispMapRequest) inner = NULL;

  m->ip_version = version;
  m->to_ms = TRUE;
  if (version == 4)
    {
      memcpy (m->src, "\xc6\x33\x64\x0a", 4);
      memcpy (m->dst, "\xc0\x00\x02\xc8", 4);
    }
  else
    {
      memcpy (m->src, "\x20\x01\x0d\xb8\x01\x00\0\0\0\0\0\0\0\0\0\x10", 16);
      memcpy (m->dst, "\x20\x01\x0d\xb8\x0e\x1d\0\0\0\0\0\0\0\0\0\x02", 16);
    }
  m->sport = 61000;
  m->inner = lisp_map_request_encode (req, &error);
  wire = lisp_ecm_encode (m, &error);
  g_assert_no_error (error);
  g_assert_true (lisp_ecm_decode (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire), &back,
                                  &error));
  g_assert_no_error (error);
  g_assert_cmpuint (back->ip_version, ==, version);
  g_assert_true (back->to_ms && !back->to_etr && !back->ddt && !back->security);
  g_assert_cmpmem (back->src, 16, m->src, 16);
  g_assert_cmpmem (back->dst, 16, m->dst, 16);
  g_assert_cmpuint (back->sport, ==, 61000);
  g_assert_cmpuint (back->dport, ==, LISP_CONTROL_PORT);
  g_assert_cmpuint (back->udp_checksum, !=, 0);
  g_assert_true (g_bytes_equal (back->inner, m->inner));
  g_assert_true (lisp_map_request_decode (g_bytes_get_data (back->inner, NULL),
                                          g_bytes_get_size (back->inner), &inner, &error));
  g_assert_cmphex (inner->nonce, ==, req->nonce);
  again = lisp_ecm_encode (back, &error);
  g_assert_true (g_bytes_equal (wire, again));
  assert_truncations_fail (wire, (DecodeFunc) lisp_ecm_decode, (GDestroyNotify) lisp_ecm_free,
                           G_MAXSIZE);
}

static void
test_ecm_bad_inner (void)
{
  g_autoptr(LispEcm) m = lisp_ecm_new ();
  g_autoptr(GBytes) wire = NULL;
  g_autofree guint8 *copy = NULL;
  gsize len;
  struct { gsize offset; guint8 value; const char *needle; } cases[] = {
    { 4, 0x55, "neither 4 nor 6" },        /* IP version 5 */
    { 4, 0x44, "header length 16" },       /* IHL 4 */
    { 13, 6, "is not UDP" },               /* protocol TCP */
    { 7, 0xff, "Total Length" },           /* total length 0x00ff: past the end */
    { 29, 0x04, "inner UDP length 4" },    /* UDP length 4 */
  };

  m->inner = g_bytes_new_static ("\x10\x00\x00\x01", 4);
  wire = lisp_ecm_encode (m, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LispEcm) back = NULL;

      g_clear_pointer (&copy, g_free);
      copy = g_memdup2 (g_bytes_get_data (wire, &len), g_bytes_get_size (wire));
      copy[cases[i].offset] = cases[i].value;
      g_assert_false (lisp_ecm_decode (copy, len, &back, &error));
      g_assert_nonnull (error);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("'%s' does not mention '%s'", error->message, cases[i].needle);
    }
}

/* ---- Info-Request / Info-Reply --------------------------------------------------------- */

static void
test_info_round_trip (void)
{
  g_autoptr(LispInfo) req = lisp_info_new (FALSE);
  g_autoptr(LispInfo) rep = lisp_info_new (TRUE);
  g_autoptr(LispInfo) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wire = NULL, again = NULL;
  LispAddress *nat;
  gsize len;
  const guint8 *bytes;

  req->nonce = 0x7777777777777777ull;
  req->alg_id = LISP_AUTH_HMAC_SHA1_96;
  wire = lisp_info_encode (req, KEY, KEY_LEN, &error);
  g_assert_no_error (error);
  bytes = g_bytes_get_data (wire, &len);
  g_assert_true (lisp_info_decode (bytes, len, &back, &error));
  g_assert_false (back->reply);
  g_assert_cmphex (back->nonce, ==, req->nonce);
  g_assert_cmpint (back->address->kind, ==, LISP_ADDRESS_NONE);
  g_assert_true (lisp_auth_verify (back->alg_id, KEY, KEY_LEN, bytes, len, back->auth_offset,
                                   g_bytes_get_size (back->auth_data), &error));
  /* An Info-Request that stops after the EID is accepted too. */
  assert_truncations_fail (wire, (DecodeFunc) lisp_info_decode, (GDestroyNotify) lisp_info_free,
                           len - 2);
  g_clear_pointer (&back, lisp_info_free);
  g_clear_pointer (&wire, g_bytes_unref);

  rep->nonce = req->nonce;
  rep->ttl = 1440;
  nat = rep->address;
  nat->items = g_ptr_array_new_with_free_func ((GDestroyNotify) lisp_address_free);
  nat->ms_port = 4342;
  nat->etr_port = 61001;
  nat->global_etr = test_address ("198.51.100.10");
  nat->ms_rloc = test_address ("203.0.113.1");
  nat->private_etr = test_address ("192.0.2.10");
  g_ptr_array_add (nat->items, test_address ("203.0.113.99"));
  wire = lisp_info_encode (rep, NULL, 0, &error);
  g_assert_no_error (error);
  bytes = g_bytes_get_data (wire, &len);
  g_assert_true (lisp_info_decode (bytes, len, &back, &error));
  g_assert_no_error (error);
  g_assert_true (back->reply);
  g_assert_false (back->nat_length_lied);
  g_assert_true (lisp_address_equal (back->address, rep->address));
  again = lisp_info_encode (back, NULL, 0, &error);
  g_assert_true (g_bytes_equal (wire, again));
  assert_truncations_fail (wire, (DecodeFunc) lisp_info_decode, (GDestroyNotify) lisp_info_free,
                           G_MAXSIZE);
}

static void
test_info_reply_lying_nat_length (void)
{
  /* The NAT LCAF's Length says 16, the content is longer (lispers.net): read to the end. */
  g_autoptr(LispInfo) rep = lisp_info_new (TRUE);
  g_autoptr(LispInfo) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wire = NULL;
  g_autofree guint8 *copy = NULL;
  LispAddress *nat = rep->address;
  gsize len, lcaf_len_at;

  nat->items = g_ptr_array_new_with_free_func ((GDestroyNotify) lisp_address_free);
  nat->etr_port = 30397;
  nat->global_etr = test_address ("198.51.100.1");
  nat->ms_rloc = lisp_address_new (LISP_ADDRESS_NONE);
  nat->private_etr = lisp_address_new_name ("vm");
  g_ptr_array_add (nat->items, test_address ("198.51.100.20"));
  wire = lisp_info_encode (rep, NULL, 0, &error);
  copy = g_memdup2 (g_bytes_get_data (wire, &len), g_bytes_get_size (wire));
  /* header 4 + nonce 8 + auth 4 + ttl 4 + rsvd/mask 2 + EID AFI 2 = 24; LCAF Length at +6 */
  lcaf_len_at = 24 + 6;
  g_assert_cmpuint (lisp_load_u16 (copy + lcaf_len_at), ==, len - lcaf_len_at - 2);
  lisp_store_u16 (copy + lcaf_len_at, 16);
  g_assert_true (lisp_info_decode (copy, len, &back, &error));
  g_assert_no_error (error);
  g_assert_true (back->nat_length_lied);
  g_assert_true (lisp_address_equal (back->address, nat));
}

/* ---- common --------------------------------------------------------------------------- */

static void
test_type_peek (void)
{
  static const guint8 reg = 0x30;

  g_assert_cmpuint (lisp_message_type (&reg, 1), ==, LISP_TYPE_MAP_REGISTER);
  g_assert_cmpuint (lisp_message_type (&reg, 0), ==, 0);
  g_assert_cmpstr (lisp_message_type_name (LISP_TYPE_MAP_NOTIFY_ACK), ==, "Map-Notify-Ack");
  g_assert_cmpstr (lisp_message_type_name (15), ==, "unknown");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/map-request/round-trip", test_map_request_round_trip);
  g_test_add_func ("/map-request/known-bytes", test_map_request_known_bytes);
  g_test_add_func ("/map-request/encode-limits", test_map_request_encode_limits);
  g_test_add_func ("/map-reply/round-trip", test_map_reply_round_trip);
  g_test_add_func ("/map-reply/known-bytes", test_map_reply_known_bytes);
  for (guint type = LISP_TYPE_MAP_REGISTER; type <= LISP_TYPE_MAP_NOTIFY_ACK; type++)
    for (guint alg = LISP_AUTH_HMAC_SHA1_96; alg <= LISP_AUTH_HMAC_SHA256_128; alg++)
      {
        g_autofree gchar *path = g_strdup_printf ("/%s/round-trip-%s", lisp_message_type_name (type),
                                                  lisp_auth_alg_name (alg));

        g_test_add_data_func (path, GUINT_TO_POINTER (type << 8 | alg),
                              test_register_round_trip_and_auth);
      }
  g_test_add_func ("/Map-Notify/trailer-without-flag", test_notify_trailer_without_flag);
  g_test_add_func ("/Map-Register/bad-auth-length/encode-unknown-alg",
                   test_register_encode_unknown_alg);
  TEST_ADD_TABLE (corrupted, test_corrupted);
  g_test_add_data_func ("/ecm/round-trip-ipv4", GUINT_TO_POINTER (4), test_ecm_round_trip);
  g_test_add_data_func ("/ecm/round-trip-ipv6", GUINT_TO_POINTER (6), test_ecm_round_trip);
  g_test_add_func ("/ecm/bad-inner", test_ecm_bad_inner);
  g_test_add_func ("/info/round-trip", test_info_round_trip);
  g_test_add_func ("/info/reply-lying-nat-length", test_info_reply_lying_nat_length);
  g_test_add_func ("/message/type-peek", test_type_peek);
  return g_test_run ();
}
