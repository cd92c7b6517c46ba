/* HMAC authentication: checked against GLib's own HMAC (an implementation independent of
 * GnuTLS), both MAC lengths, constant-time verification failures, and nonces. */
#include "lisp-auth.h"
#include "lisp-error.h"

#include <string.h>

static const guint8 KEY[] = "lisp-mn-test-psk";
#define KEY_LEN (sizeof KEY - 1)

/* A 60-byte "message" with a 32-byte authentication field at offset 16. */
static void
make_message (guint8 msg[60])
{
  for (guint i = 0; i < 60; i++)
    msg[i] = (guint8) (i * 7 + 3);
}

static void
glib_hmac (guint alg, const guint8 *msg, gsize len, guint8 *digest, gsize *digest_len)
{
  g_autoptr(GHmac) h = g_hmac_new (alg == LISP_AUTH_HMAC_SHA1_96 ? G_CHECKSUM_SHA1 : G_CHECKSUM_SHA256,
                                   KEY, KEY_LEN);

  g_hmac_update (h, msg, len);
  g_hmac_get_digest (h, digest, digest_len);
}

static void
test_sign_matches_glib (gconstpointer data)
{
  guint alg = GPOINTER_TO_UINT (data) & 0xff;
  gsize auth_len = GPOINTER_TO_UINT (data) >> 8;
  guint8 msg[60], zeroed[60], expected[32];
  gsize expected_len = sizeof expected;
  g_autoptr(GError) error = NULL;

  make_message (msg);
  memcpy (zeroed, msg, sizeof msg);
  memset (zeroed + 16, 0, auth_len);
  glib_hmac (alg, zeroed, sizeof zeroed, expected, &expected_len);
  g_assert_cmpuint (expected_len, ==, lisp_auth_send_length (alg));

  g_assert_true (lisp_auth_sign (alg, KEY, KEY_LEN, msg, sizeof msg, 16, auth_len, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (msg + 16, auth_len, expected, auth_len);
  /* Bytes outside the field are untouched. */
  g_assert_cmpmem (msg, 16, zeroed, 16);
  g_assert_cmpmem (msg + 16 + auth_len, sizeof msg - 16 - auth_len, zeroed + 16 + auth_len,
                   sizeof msg - 16 - auth_len);
  g_assert_true (lisp_auth_verify (alg, KEY, KEY_LEN, msg, sizeof msg, 16, auth_len, &error));
  g_assert_no_error (error);
}

static void
test_verify_failures (void)
{
  guint8 msg[60];
  g_autoptr(GError) error = NULL;

  make_message (msg);
  g_assert_true (lisp_auth_sign (LISP_AUTH_HMAC_SHA256_128, KEY, KEY_LEN, msg, sizeof msg, 16, 32, NULL));

  /* Any changed byte, inside or outside the MAC, fails. */
  for (guint i = 0; i < sizeof msg; i++)
    {
      msg[i] ^= 0x01;
      g_assert_false (lisp_auth_verify (LISP_AUTH_HMAC_SHA256_128, KEY, KEY_LEN, msg, sizeof msg,
                                        16, 32, &error));
      g_assert_error (error, LISP_ERROR, LISP_ERROR_AUTH);
      g_clear_error (&error);
      msg[i] ^= 0x01;
    }
  /* A wrong key fails, with a message that says so. */
  g_assert_false (lisp_auth_verify (LISP_AUTH_HMAC_SHA256_128, (const guint8 *) "wrong", 5, msg,
                                    sizeof msg, 16, 32, &error));
  g_assert_nonnull (strstr (error->message, "does not match the key"));
  g_clear_error (&error);
  /* The wrong algorithm fails. */
  g_assert_false (lisp_auth_verify (LISP_AUTH_HMAC_SHA1_96, KEY, KEY_LEN, msg, sizeof msg, 16, 20,
                                    &error));
  g_clear_error (&error);
  /* Lengths that fit neither reading of the algorithm, unknown algorithms and "none". */
  g_assert_false (lisp_auth_verify (LISP_AUTH_HMAC_SHA256_128, KEY, KEY_LEN, msg, sizeof msg, 16,
                                    20, &error));
  g_assert_nonnull (strstr (error->message, "Length 20"));
  g_clear_error (&error);
  g_assert_false (lisp_auth_verify (3, KEY, KEY_LEN, msg, sizeof msg, 16, 32, &error));
  g_assert_nonnull (strstr (error->message, "Algorithm ID 3"));
  g_clear_error (&error);
  g_assert_false (lisp_auth_verify (LISP_AUTH_NONE, KEY, KEY_LEN, msg, sizeof msg, 16, 0, &error));
  g_assert_error (error, LISP_ERROR, LISP_ERROR_AUTH);
  g_clear_error (&error);
  /* A field outside the message is an error, not an overread. */
  g_assert_false (lisp_auth_verify (LISP_AUTH_HMAC_SHA256_128, KEY, KEY_LEN, msg, sizeof msg, 40,
                                    32, &error));
  g_assert_nonnull (strstr (error->message, "outside"));
}

static void
test_lengths (void)
{
  g_assert_true (lisp_auth_length_ok (LISP_AUTH_HMAC_SHA1_96, 12));
  g_assert_true (lisp_auth_length_ok (LISP_AUTH_HMAC_SHA1_96, 20));
  g_assert_false (lisp_auth_length_ok (LISP_AUTH_HMAC_SHA1_96, 16));
  g_assert_true (lisp_auth_length_ok (LISP_AUTH_HMAC_SHA256_128, 16));
  g_assert_true (lisp_auth_length_ok (LISP_AUTH_HMAC_SHA256_128, 32));
  g_assert_false (lisp_auth_length_ok (LISP_AUTH_HMAC_SHA256_128, 20));
  g_assert_true (lisp_auth_length_ok (LISP_AUTH_NONE, 0));
  g_assert_false (lisp_auth_length_ok (7, 32));
  g_assert_cmpuint (lisp_auth_send_length (LISP_AUTH_HMAC_SHA1_96), ==, 20);
  g_assert_cmpuint (lisp_auth_send_length (LISP_AUTH_HMAC_SHA256_128), ==, 32);
}

static void
test_nonces (void)
{
  GHashTable *seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  gint64 values[1000];

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      values[i] = (gint64) lisp_nonce64 ();
      g_assert_false (g_hash_table_contains (seen, &values[i]));
      g_hash_table_add (seen, &values[i]);
      g_assert_cmpuint (lisp_nonce24 (), <=, 0xffffff);
    }
  g_hash_table_unref (seen);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/auth/sha1-full", GUINT_TO_POINTER (20 << 8 | LISP_AUTH_HMAC_SHA1_96), test_sign_matches_glib);
  g_test_add_data_func ("/auth/sha1-96", GUINT_TO_POINTER (12 << 8 | LISP_AUTH_HMAC_SHA1_96), test_sign_matches_glib);
  g_test_add_data_func ("/auth/sha256-full", GUINT_TO_POINTER (32 << 8 | LISP_AUTH_HMAC_SHA256_128), test_sign_matches_glib);
  g_test_add_data_func ("/auth/sha256-128", GUINT_TO_POINTER (16 << 8 | LISP_AUTH_HMAC_SHA256_128), test_sign_matches_glib);
  g_test_add_func ("/auth/verify-failures", test_verify_failures);
  g_test_add_func ("/auth/lengths", test_lengths);
  g_test_add_func ("/auth/nonces", test_nonces);
  return g_test_run ();
}
