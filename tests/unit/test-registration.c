/* The per-map-server registration state machine, fed Map-Notify bytes and a clock by hand:
 * acknowledgement by our nonce and key, authentication failures, unsolicited Map-Notifys
 * acknowledged, retry delays and "unreachable". */
#include "registration.h"

#include "control-counters.h"

#include "lisp-auth.h"
#include "own-mapping.h"

#include <string.h>

static const guint8 XTR_ID[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

static LmnMapServerConfig *
server_new (void)
{
  LmnMapServerConfig *ms = g_new0 (LmnMapServerConfig, 1);

  lmn_ip_parse ("203.0.113.1", &ms->address, NULL);
  ms->key = g_strdup ("correct horse");
  ms->key_id = 0;
  ms->algorithm = LISP_AUTH_HMAC_SHA256_128;
  return ms;
}

static void
server_free (LmnMapServerConfig *ms)
{
  g_free (ms->key);
  g_free (ms);
}

static GPtrArray *
records (void)
{
  GPtrArray *recs = g_ptr_array_new_with_free_func ((GDestroyNotify) lisp_record_free);
  const guint8 eid[4] = { 192, 0, 2, 10 }, rloc[4] = { 198, 51, 100, 1 };
  LispRecord *rec = lisp_record_new (lisp_address_new_ipv4 (eid), 32, LMN_OWN_RECORD_TTL);

  g_ptr_array_add (rec->locators, lisp_locator_new (lisp_address_new_ipv4 (rloc), 1, 50));
  g_ptr_array_add (recs, rec);
  return recs;
}

/* What a map-server answers: our Map-Register as a Map-Notify, with nonce and key given. */
static GBytes *
notify_for (GBytes *reg_bytes, guint64 nonce, const char *key, guint8 type)
{
  g_autoptr(LispMapRegister) m = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *out;

  g_assert_true (lisp_map_register_decode (g_bytes_get_data (reg_bytes, NULL),
                                           g_bytes_get_size (reg_bytes), &m, &error));
  g_assert_no_error (error);
  m->type = type;
  m->nonce = nonce;
  m->proxy_reply = m->want_notify = FALSE;
  g_clear_pointer (&m->auth_data, g_bytes_unref);
  out = lisp_map_register_encode (m, (const guint8 *) key, strlen (key), &error);
  g_assert_no_error (error);
  return out;
}

static LmnNotifyVerdict
feed (LmnRegistration *reg, GBytes *b, gint64 now, GBytes **ack)
{
  return lmn_registration_notify (reg, g_bytes_get_data (b, NULL), g_bytes_get_size (b), now, ack);
}

static void
test_register_and_notify (void)
{
  LmnMapServerConfig *ms = server_new ();
  g_autoptr(LmnRegistration) reg = lmn_registration_new (ms);
  g_autoptr(GPtrArray) recs = records ();
  g_autoptr(GBytes) bytes = NULL, notify = NULL, ack = NULL;
  g_autoptr(LispMapRegister) m = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (reg->state, ==, LMN_REG_REGISTERING);
  bytes = lmn_registration_build (reg, recs, XTR_ID, 0x1122334455667788, 1000, &error);
  g_assert_no_error (error);
  g_assert_true (lisp_map_register_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                           &m, &error));
  g_assert_true (m->want_notify && m->proxy_reply && m->has_xtr_id);
  g_assert_cmpuint (m->alg_id, ==, LISP_AUTH_HMAC_SHA256_128);
  g_assert_cmpuint (g_bytes_get_size (m->auth_data), ==, 32);
  g_assert_cmpmem (m->xtr_id, 16, XTR_ID, 16);
  g_assert_true (lisp_auth_verify (m->alg_id, (const guint8 *) ms->key, strlen (ms->key),
                                   g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   m->auth_offset, 32, &error));
  g_assert_true (reg->awaiting);
  g_assert_cmpuint (lmn_registration_next_delay (reg), ==, 3);

  notify = notify_for (bytes, 0x1122334455667788, ms->key, LISP_TYPE_MAP_NOTIFY);
  g_assert_cmpint (feed (reg, notify, 5000, &ack), ==, LMN_NOTIFY_ACCEPTED);
  g_assert_null (ack);
  g_assert_cmpint (reg->state, ==, LMN_REG_REGISTERED);
  g_assert_cmpint (reg->last_notify, ==, 5000);
  g_assert_false (reg->awaiting);
  g_assert_cmpuint (lmn_registration_next_delay (reg), ==, 60);
  server_free (ms);
}

/* lispmn-server answers a Map-Register whose MAC it refuses with an unauthenticated
 * Map-Notify under our nonce: the node says "wrong key", not "unexpected algorithm". */
static void
test_refused_key (void)
{
  LmnMapServerConfig *ms = server_new ();
  g_autoptr(LmnRegistration) reg = lmn_registration_new (ms);
  g_autoptr(GPtrArray) recs = records ();
  g_autoptr(GBytes) bytes = lmn_registration_build (reg, recs, XTR_ID, 77, 1, NULL);
  g_autoptr(LispMapRegister) m = NULL;
  g_autoptr(GBytes) refusal = NULL, stranger = NULL;
  GBytes *ack = NULL;

  g_assert_true (
    lisp_map_register_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &m, NULL));
  m->type = LISP_TYPE_MAP_NOTIFY;
  m->alg_id = LISP_AUTH_NONE;
  g_clear_pointer (&m->auth_data, g_bytes_unref);
  refusal = lisp_map_register_encode (m, NULL, 0, NULL);
  m->nonce = 78;
  stranger = lisp_map_register_encode (m, NULL, 0, NULL);
  g_assert_nonnull (refusal);
  for (guint i = 0; i < LMN_REGISTER_AUTH_FAILURES; i++)
    g_assert_cmpint (feed (reg, stranger, 2, &ack), ==, LMN_NOTIFY_AUTH_FAILED);
  g_assert_cmpuint (reg->auth_failures, ==, 0);
  for (guint i = 0; i < LMN_REGISTER_AUTH_FAILURES; i++)
    g_assert_cmpint (feed (reg, refusal, 2, &ack), ==, LMN_NOTIFY_AUTH_FAILED);
  g_assert_cmpint (reg->state, ==, LMN_REG_AUTH_FAILED);
  g_assert_nonnull (strstr (reg->last_error, "wrong key"));
  server_free (ms);
}

static void
test_auth_failures (void)
{
  LmnMapServerConfig *ms = server_new ();
  g_autoptr(LmnRegistration) reg = lmn_registration_new (ms);
  g_autoptr(GPtrArray) recs = records ();
  g_autoptr(GBytes) bytes = lmn_registration_build (reg, recs, XTR_ID, 42, 1, NULL);
  g_autoptr(GBytes) bad = notify_for (bytes, 42, "wrong key", LISP_TYPE_MAP_NOTIFY);
  g_autoptr(GBytes) good = notify_for (bytes, 42, ms->key, LISP_TYPE_MAP_NOTIFY);
  g_autoptr(GBytes) forged = notify_for (bytes, 0x5eed, "made up", LISP_TYPE_MAP_NOTIFY);
  g_autoptr(GBytes) refresh = NULL, bad_refresh = NULL;
  GBytes *ack = NULL;

  for (guint i = 0; i < 2; i++)
    g_assert_cmpint (feed (reg, bad, 2, &ack), ==, LMN_NOTIFY_AUTH_FAILED);
  g_assert_cmpint (reg->state, ==, LMN_REG_REGISTERING);
  /* A good one in between resets the run. */
  g_assert_cmpint (feed (reg, good, 3, &ack), ==, LMN_NOTIFY_ACCEPTED);
  /* Once answered, the nonce is spent: a bad MAC under it, or under any nonce that answers
   * nothing of ours, is anyone's forgery and says nothing about our key. */
  for (guint i = 0; i < 5; i++)
    {
      g_assert_cmpint (feed (reg, bad, 4, &ack), ==, LMN_NOTIFY_AUTH_FAILED);
      g_assert_cmpint (feed (reg, forged, 4, &ack), ==, LMN_NOTIFY_AUTH_FAILED);
    }
  g_assert_cmpint (reg->state, ==, LMN_REG_REGISTERED);
  g_assert_cmpuint (reg->auth_failures, ==, 0);
  /* The refresh's own answers count. */
  refresh = lmn_registration_build (reg, recs, XTR_ID, 43, 4, NULL);
  bad_refresh = notify_for (refresh, 43, "wrong key", LISP_TYPE_MAP_NOTIFY);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpint (feed (reg, bad_refresh, 4, &ack), ==, LMN_NOTIFY_AUTH_FAILED);
  g_assert_cmpint (reg->state, ==, LMN_REG_REGISTERED);
  g_assert_cmpint (feed (reg, bad_refresh, 5, &ack), ==, LMN_NOTIFY_AUTH_FAILED);
  g_assert_cmpint (reg->state, ==, LMN_REG_AUTH_FAILED);
  g_assert_nonnull (strstr (reg->last_error, "authentication"));
  g_assert_null (strstr (reg->last_error, ms->key));
  g_assert_cmpint (reg->last_notify, ==, 3);
  /* Garbage is malformed, not an authentication failure. */
  g_assert_cmpint (lmn_registration_notify (reg, (const guint8 *) "\x40", 1, 6, &ack), ==,
                   LMN_NOTIFY_MALFORMED);
  server_free (ms);
}

static void
test_unsolicited_acked (void)
{
  LmnMapServerConfig *ms = server_new ();
  g_autoptr(LmnRegistration) reg = lmn_registration_new (ms);
  g_autoptr(GPtrArray) recs = records ();
  g_autoptr(GBytes) bytes = lmn_registration_build (reg, recs, XTR_ID, 42, 1, NULL);
  g_autoptr(GBytes) other = notify_for (bytes, 4242, ms->key, LISP_TYPE_MAP_NOTIFY);
  g_autoptr(GBytes) ack = NULL;
  g_autoptr(LispMapRegister) m = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (feed (reg, other, 2, &ack), ==, LMN_NOTIFY_UNSOLICITED);
  g_assert_cmpint (reg->state, ==, LMN_REG_REGISTERING);
  g_assert_true (reg->awaiting);
  g_assert_nonnull (ack);
  g_assert_true (lisp_map_register_decode (g_bytes_get_data (ack, NULL), g_bytes_get_size (ack),
                                           &m, &error));
  g_assert_cmpuint (m->type, ==, LISP_TYPE_MAP_NOTIFY_ACK);
  g_assert_cmpuint (m->nonce, ==, 4242);
  g_assert_cmpuint (m->records->len, ==, 1);
  g_assert_true (lisp_auth_verify (m->alg_id, (const guint8 *) ms->key, strlen (ms->key),
                                   g_bytes_get_data (ack, NULL), g_bytes_get_size (ack),
                                   m->auth_offset, g_bytes_get_size (m->auth_data), &error));
  g_assert_no_error (error);
  server_free (ms);
}

/* A Map-Notify acknowledging a Map-Register already acknowledged, or an earlier one, is a
 * replay: it changes nothing and gets no Map-Notify-Ack. */
static void
test_replayed_notify (void)
{
  LmnMapServerConfig *ms = server_new ();
  g_autoptr(LmnRegistration) reg = lmn_registration_new (ms);
  g_autoptr(GPtrArray) recs = records ();
  g_autoptr(GBytes) first = lmn_registration_build (reg, recs, XTR_ID, 100, 1000, NULL);
  g_autoptr(GBytes) notify1 = notify_for (first, 100, ms->key, LISP_TYPE_MAP_NOTIFY);
  g_autoptr(GBytes) second = NULL, notify2 = NULL;
  GBytes *ack = NULL;

  g_assert_cmpint (feed (reg, notify1, 2000, &ack), ==, LMN_NOTIFY_ACCEPTED);
  g_assert_cmpint (feed (reg, notify1, 3000, &ack), ==, LMN_NOTIFY_REPLAYED);
  g_assert_null (ack);
  g_assert_cmpint (reg->last_notify, ==, 2000);
  /* the next Map-Register is awaiting: the first one's Map-Notify does not acknowledge it */
  second = lmn_registration_build (reg, recs, XTR_ID, 101, 60000000, NULL);
  notify2 = notify_for (second, 101, ms->key, LISP_TYPE_MAP_NOTIFY);
  g_assert_cmpint (feed (reg, notify1, 60000001, &ack), ==, LMN_NOTIFY_REPLAYED);
  g_assert_null (ack);
  g_assert_true (reg->awaiting);
  g_assert_cmpint (feed (reg, notify2, 60000002, &ack), ==, LMN_NOTIFY_ACCEPTED);
  g_assert_false (reg->awaiting);
  server_free (ms);
}

/* The Map-Notify's Key ID is not ours to judge: OOR answers the Map-Register of a node
 * configured key-id=1 (Key ID 1, HMAC-SHA-1: 0x0101 on the wire) with Key ID 0 (0x0001).
 * What counts is that the MAC verifies with our key under our algorithm; a Map-Notify under
 * another algorithm is refused without hashing. */
static void
test_notify_key_id_echoed_otherwise (void)
{
  LmnMapServerConfig *ms = server_new ();
  g_autoptr(LmnRegistration) reg = NULL;
  g_autoptr(GPtrArray) recs = records ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(LispMapRegister) notify = NULL;
  g_autoptr(GBytes) oor_notify = NULL, other_alg = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *ack = NULL;

  ms->key_id = 1;
  ms->algorithm = LISP_AUTH_HMAC_SHA1_96;
  reg = lmn_registration_new (ms);
  bytes = lmn_registration_build (reg, recs, XTR_ID, 42, 1, NULL);
  g_assert_cmphex (((const guint8 *) g_bytes_get_data (bytes, NULL))[12], ==, 1); /* Key ID */
  g_assert_cmphex (((const guint8 *) g_bytes_get_data (bytes, NULL))[13], ==, 1); /* SHA-1 */
  g_assert_true (lisp_map_register_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                           &notify, &error));
  notify->type = LISP_TYPE_MAP_NOTIFY;
  notify->key_id = 0;
  g_clear_pointer (&notify->auth_data, g_bytes_unref);
  oor_notify = lisp_map_register_encode (notify, (const guint8 *) ms->key, strlen (ms->key),
                                         &error);
  g_assert_no_error (error);
  g_assert_cmphex (((const guint8 *) g_bytes_get_data (oor_notify, NULL))[12], ==, 0);
  g_assert_cmpint (feed (reg, oor_notify, 2, &ack), ==, LMN_NOTIFY_ACCEPTED);
  g_assert_cmpint (reg->state, ==, LMN_REG_REGISTERED);

  /* The same Map-Notify under HMAC-SHA-256: refused as the wrong algorithm. */
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = lmn_registration_build (reg, recs, XTR_ID, 43, 3, NULL);
  notify->nonce = 43;
  notify->alg_id = LISP_AUTH_HMAC_SHA256_128;
  other_alg = lisp_map_register_encode (notify, (const guint8 *) ms->key, strlen (ms->key), &error);
  g_assert_no_error (error);
  g_assert_cmpint (feed (reg, other_alg, 4, &ack), ==, LMN_NOTIFY_AUTH_FAILED);
  g_assert_cmpstr (reg->last_error, ==, "Map-Notify failed authentication: unexpected algorithm");
  g_assert_true (reg->awaiting);
  server_free (ms);
}

static void
test_retries_unreachable (void)
{
  LmnMapServerConfig *ms = server_new ();
  g_autoptr(LmnRegistration) reg = lmn_registration_new (ms);
  g_autoptr(GPtrArray) recs = records ();
  static const guint delays[] = { 3, 6, 12, 24, 48, 60, 60 };

  for (guint i = 0; i < G_N_ELEMENTS (delays); i++)
    {
      g_autoptr(GBytes) b = NULL;

      if (i > 0)
        lmn_registration_missed (reg);
      b = lmn_registration_build (reg, recs, XTR_ID, 100 + i, i, NULL);
      g_assert_nonnull (b);
      g_assert_cmpuint (lmn_registration_next_delay (reg), ==, delays[i]);
      g_assert_cmpint (reg->state, ==, i < 3 ? LMN_REG_REGISTERING : LMN_REG_UNREACHABLE);
    }
  g_assert_cmpstr (reg->last_error, ==, "no Map-Notify");
  server_free (ms);
}

/* The state file names every control counter once. */
static void
test_counter_names (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < LMN_CTL_N_COUNTERS; i++)
    {
      const char *name = lmn_control_counter_name (i);

      g_assert_nonnull (name);
      g_assert_true (g_hash_table_add (seen, (gpointer) name));
    }
  g_assert_cmpstr (lmn_control_counter_name (LMN_CTL_N_COUNTERS), ==, "unknown");
  g_assert_cmpstr (lmn_registration_state_name (LMN_REG_AUTH_FAILED), ==, "auth-failed");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/registration/register-and-notify", test_register_and_notify);
  g_test_add_func ("/registration/auth-failures", test_auth_failures);
  g_test_add_func ("/registration/refused-key", test_refused_key);
  g_test_add_func ("/registration/unsolicited-acked", test_unsolicited_acked);
  g_test_add_func ("/registration/retries-unreachable", test_retries_unreachable);
  g_test_add_func ("/registration/replayed-notify", test_replayed_notify);
  g_test_add_func ("/registration/counter-names", test_counter_names);
  g_test_add_func ("/registration/notify-key-id-echoed-otherwise",
                   test_notify_key_id_echoed_otherwise);
  return g_test_run ();
}
