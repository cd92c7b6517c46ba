/* The authentication block of Map-Register, Map-Notify, Map-Notify-Ack and Info messages
 * (RFC 9301 §5.6): Key ID, Algorithm ID, Authentication Data Length, then the data. */
#include "lisp-message.h"
#include "lisp-auth.h"
#include "lisp-error.h"

#include <string.h>

gboolean
lisp_auth_block_decode (LispReader *r, guint8 *key_id, guint8 *alg_id, GBytes **data,
                        gsize *offset, GError **error)
{
  guint16 len;
  gsize len_at;

  if (!lisp_reader_u8 (r, "Key ID", key_id, error) ||
      !lisp_reader_u8 (r, "Algorithm ID", alg_id, error))
    return FALSE;
  len_at = r->pos;
  if (!lisp_reader_u16 (r, "Authentication Data Length", &len, error))
    return FALSE;
  /* Known algorithms must carry a length we accept; an unknown one is decoded (its length
   * bounds it) and refused later by lisp_auth_verify. */
  if ((*alg_id == LISP_AUTH_HMAC_SHA1_96 || *alg_id == LISP_AUTH_HMAC_SHA256_128) &&
      !lisp_auth_length_ok (*alg_id, len))
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "Authentication Data Length %u at offset %" G_GSIZE_FORMAT " does not fit %s",
                   len, len_at, lisp_auth_alg_name (*alg_id));
      return FALSE;
    }
  if (!lisp_reader_need (r, "Authentication Data", len, error))
    return FALSE;
  *offset = r->pos;
  *data = g_bytes_new (r->data + r->pos, len);
  r->pos += len;
  return TRUE;
}

gboolean
lisp_auth_block_encode (GByteArray *out, guint8 key_id, guint8 alg_id, gsize *offset,
                        gsize *length, GError **error)
{
  gsize len = lisp_auth_send_length (alg_id);

  if (alg_id != LISP_AUTH_NONE && len == 0)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_UNSUPPORTED,
                   "cannot authenticate with Algorithm ID %u", alg_id);
      return FALSE;
    }
  lisp_put_u8 (out, key_id);
  lisp_put_u8 (out, alg_id);
  lisp_put_u16 (out, (guint16) len);
  *offset = out->len;
  *length = len;
  g_byte_array_set_size (out, out->len + len);
  memset (out->data + *offset, 0, len);
  return TRUE;
}
