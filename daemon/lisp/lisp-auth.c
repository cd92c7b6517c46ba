#include "lisp-auth.h"
#include "lisp-error.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#define LISP_DIGEST_MAX 32

const char *
lisp_auth_alg_name (guint alg)
{
  switch (alg)
    {
    case LISP_AUTH_NONE:
      return "none";
    case LISP_AUTH_HMAC_SHA1_96:
      return "HMAC-SHA-1-96";
    case LISP_AUTH_HMAC_SHA256_128:
      return "HMAC-SHA-256-128";
    default:
      return "unknown";
    }
}

/* One table for every file that names an algorithm (lispmnd.conf, lispmn-server.conf, D-Bus
 * Configure, the NetworkManager plugin). */
static const struct {
  const char *name;
  LispAuthAlg alg;
} setting_names[] = {
  { "hmac-sha-1", LISP_AUTH_HMAC_SHA1_96 },
  { "hmac-sha-256", LISP_AUTH_HMAC_SHA256_128 },
};

gboolean
lisp_auth_alg_from_setting (const char *name, LispAuthAlg *out)
{
  for (gsize i = 0; i < G_N_ELEMENTS (setting_names); i++)
    if (g_str_equal (name, setting_names[i].name))
      {
        *out = setting_names[i].alg;
        return TRUE;
      }
  return FALSE;
}

const char *
lisp_auth_alg_setting (guint alg)
{
  for (gsize i = 0; i < G_N_ELEMENTS (setting_names); i++)
    if (setting_names[i].alg == alg)
      return setting_names[i].name;
  return NULL;
}

gsize
lisp_auth_send_length (guint alg)
{
  switch (alg)
    {
    case LISP_AUTH_HMAC_SHA1_96:
      return 20;
    case LISP_AUTH_HMAC_SHA256_128:
      return 32;
    default:
      return 0;
    }
}

gboolean
lisp_auth_length_ok (guint alg, gsize len)
{
  switch (alg)
    {
    case LISP_AUTH_NONE:
      return len == 0;
    case LISP_AUTH_HMAC_SHA1_96:
      return len == 12 || len == 20;
    case LISP_AUTH_HMAC_SHA256_128:
      return len == 16 || len == 32;
    default:
      return FALSE;
    }
}

static gboolean
check_alg (guint alg, gsize auth_len, GError **error)
{
  if (alg != LISP_AUTH_HMAC_SHA1_96 && alg != LISP_AUTH_HMAC_SHA256_128)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_AUTH,
                   "Algorithm ID %u is not supported (1 = HMAC-SHA-1-96, 2 = HMAC-SHA-256-128)",
                   alg);
      return FALSE;
    }
  if (!lisp_auth_length_ok (alg, auth_len))
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_AUTH,
                   "Authentication Data Length %" G_GSIZE_FORMAT " does not fit %s",
                   auth_len, lisp_auth_alg_name (alg));
      return FALSE;
    }
  return TRUE;
}

/* MAC of msg with the authentication field read as zeros, without modifying msg. */
static gboolean
compute (guint alg, const guint8 *key, gsize key_len, const guint8 *msg, gsize len,
         gsize auth_offset, gsize auth_len, guint8 digest[LISP_DIGEST_MAX], GError **error)
{
  gnutls_mac_algorithm_t mac = alg == LISP_AUTH_HMAC_SHA1_96 ? GNUTLS_MAC_SHA1 : GNUTLS_MAC_SHA256;
  gnutls_hmac_hd_t h = NULL;
  static const guint8 zeros[LISP_DIGEST_MAX] = { 0 };
  int rc;

  if (auth_offset > len || auth_len > len - auth_offset || auth_len > LISP_DIGEST_MAX)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_AUTH,
                   "authentication data at offset %" G_GSIZE_FORMAT " (%" G_GSIZE_FORMAT
                   " bytes) lies outside the %" G_GSIZE_FORMAT "-byte message",
                   auth_offset, auth_len, len);
      return FALSE;
    }
  rc = gnutls_hmac_init (&h, mac, key, key_len);
  if (rc >= 0)
    rc = gnutls_hmac (h, msg, auth_offset);
  if (rc >= 0)
    rc = gnutls_hmac (h, zeros, auth_len);
  if (rc >= 0)
    rc = gnutls_hmac (h, msg + auth_offset + auth_len, len - auth_offset - auth_len);
  if (h != NULL)
    gnutls_hmac_deinit (h, rc >= 0 ? digest : NULL);
  if (rc < 0)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_AUTH, "computing %s failed: %s",
                   lisp_auth_alg_name (alg), gnutls_strerror (rc));
      return FALSE;
    }
  return TRUE;
}

gboolean
lisp_auth_sign (guint alg, const guint8 *key, gsize key_len, guint8 *msg, gsize len,
                gsize auth_offset, gsize auth_len, GError **error)
{
  guint8 digest[LISP_DIGEST_MAX];

  if (!check_alg (alg, auth_len, error) ||
      !compute (alg, key, key_len, msg, len, auth_offset, auth_len, digest, error))
    return FALSE;
  memcpy (msg + auth_offset, digest, auth_len);
  return TRUE;
}

/* Constant time: the time taken does not depend on where the first difference is. */
static gboolean
equal_constant_time (const guint8 *a, const guint8 *b, gsize n)
{
  guint8 diff = 0;

  for (gsize i = 0; i < n; i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}

gboolean
lisp_auth_verify (guint alg, const guint8 *key, gsize key_len, const guint8 *msg, gsize len,
                  gsize auth_offset, gsize auth_len, GError **error)
{
  guint8 digest[LISP_DIGEST_MAX];

  if (alg == LISP_AUTH_NONE)
    {
      g_set_error_literal (error, LISP_ERROR, LISP_ERROR_AUTH,
                           "message is not authenticated (Algorithm ID 0)");
      return FALSE;
    }
  if (!check_alg (alg, auth_len, error) ||
      !compute (alg, key, key_len, msg, len, auth_offset, auth_len, digest, error))
    return FALSE;
  if (!equal_constant_time (digest, msg + auth_offset, auth_len))
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_AUTH,
                   "%s authentication data does not match the key", lisp_auth_alg_name (alg));
      return FALSE;
    }
  return TRUE;
}

guint64
lisp_nonce64 (void)
{
  guint64 n = 0;

  /* gnutls_rnd fails only if the library's self-tests failed; there is no safe fallback. */
  if (gnutls_rnd (GNUTLS_RND_NONCE, &n, sizeof n) < 0)
    g_critical ("gnutls_rnd failed: no random nonces available");
  return n;
}

guint32
lisp_nonce24 (void)
{
  return (guint32) (lisp_nonce64 () & 0xffffff);
}
