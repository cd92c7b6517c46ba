/* Map-Register (RFC 9301 §5.6), Map-Notify and Map-Notify-Ack (§5.7): one layout, an
 * authentication block, records and an optional xTR-ID/site-ID trailer. */
#include "lisp-message.h"
#include "lisp-auth.h"
#include "lisp-error.h"

#include <string.h>

/* Map-Register header bits */
#define MREG_P  (1u << 27)
#define MREG_S  (1u << 26)
#define MREG_I  (1u << 25)
#define MREG_R  (1u << 24)
#define MREG_E  (1u << 12)
#define MREG_T  (1u << 11)
#define MREG_A  (1u << 10)
#define MREG_MN (1u << 9)
#define MREG_M  (1u << 8)
/* Map-Notify and Map-Notify-Ack header bits */
#define MNOT_I  (1u << 27)
#define MNOT_R  (1u << 26)

#define TRAILER_SIZE 24  /* xTR-ID (128 bits) and site-ID (64 bits) */

LispMapRegister *
lisp_map_register_new (guint8 type)
{
  LispMapRegister *m = g_new0 (LispMapRegister, 1);

  m->type = type;
  m->records = lisp_records_new ();
  return m;
}

void
lisp_map_register_free (LispMapRegister *m)
{
  if (m == NULL)
    return;
  g_ptr_array_unref (m->records);
  g_clear_pointer (&m->auth_data, g_bytes_unref);
  g_free (m);
}

static gboolean
read_trailer (LispReader *r, LispMapRegister *m, GError **error)
{
  return lisp_reader_copy (r, "xTR-ID", m->xtr_id, sizeof m->xtr_id, error) &&
         lisp_reader_u64 (r, "site-ID", &m->site_id, error);
}

gboolean
lisp_map_register_decode (const guint8 *data, gsize len, LispMapRegister **out, GError **error)
{
  g_autoptr(LispMapRegister) m = NULL;
  LispReader r;
  guint32 word0;
  guint type;

  lisp_reader_init (&r, data, len);
  if (!lisp_reader_u32 (&r, "header", &word0, error))
    return FALSE;
  type = word0 >> 28;
  if (type != LISP_TYPE_MAP_REGISTER && type != LISP_TYPE_MAP_NOTIFY &&
      type != LISP_TYPE_MAP_NOTIFY_ACK)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "type %u is not a Map-Register, Map-Notify or Map-Notify-Ack", type);
      return FALSE;
    }
  m = lisp_map_register_new (type);
  if (type == LISP_TYPE_MAP_REGISTER)
    {
      m->proxy_reply = (word0 & MREG_P) != 0;
      m->lisp_sec = (word0 & MREG_S) != 0;
      m->has_xtr_id = (word0 & MREG_I) != 0;
      m->for_rtr = (word0 & MREG_R) != 0;
      m->eid_notify = (word0 & MREG_E) != 0;
      m->use_ttl = (word0 & MREG_T) != 0;
      m->merge = (word0 & MREG_A) != 0;
      m->mobile_node = (word0 & MREG_MN) != 0;
      m->want_notify = (word0 & MREG_M) != 0;
    }
  else
    {
      m->has_xtr_id = (word0 & MNOT_I) != 0;
      m->for_rtr = (word0 & MNOT_R) != 0;
    }

  if (!lisp_reader_u64 (&r, "Nonce", &m->nonce, error) ||
      !lisp_auth_block_decode (&r, &m->key_id, &m->alg_id, &m->auth_data, &m->auth_offset, error))
    return FALSE;

  if (!lisp_records_decode (&r, word0 & 0xff, m->records, error))
    return FALSE;
  if (m->has_xtr_id)
    {
      if (!read_trailer (&r, m, error))
        return FALSE;
    }
  else if (type != LISP_TYPE_MAP_REGISTER && lisp_reader_remaining (&r) == TRAILER_SIZE)
    {
      /* lispers.net copies the Map-Register's xTR-ID and site-ID into its Map-Notify but
       * leaves the I bit clear; the MAC covers them, so they are part of the message. */
      if (!read_trailer (&r, m, error))
        return FALSE;
      m->trailer_without_flag = TRUE;
    }
  m->trailing = lisp_reader_remaining (&r);
  *out = g_steal_pointer (&m);
  return TRUE;
}

GBytes *
lisp_map_register_encode (const LispMapRegister *m, const guint8 *key, gsize key_len,
                          GError **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint32 word0 = (guint32) m->type << 28;
  gsize auth_offset, auth_len;

  if (m->type != LISP_TYPE_MAP_REGISTER && m->type != LISP_TYPE_MAP_NOTIFY &&
      m->type != LISP_TYPE_MAP_NOTIFY_ACK)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "type %u is not a Map-Register, Map-Notify or Map-Notify-Ack", m->type);
      return NULL;
    }
  if (!lisp_records_check (m->records, error))
    return NULL;

  if (m->type == LISP_TYPE_MAP_REGISTER)
    word0 |= (m->proxy_reply ? MREG_P : 0) | (m->lisp_sec ? MREG_S : 0) |
             (m->has_xtr_id ? MREG_I : 0) | (m->for_rtr ? MREG_R : 0) |
             (m->eid_notify ? MREG_E : 0) | (m->use_ttl ? MREG_T : 0) |
             (m->merge ? MREG_A : 0) | (m->mobile_node ? MREG_MN : 0) |
             (m->want_notify ? MREG_M : 0);
  else
    word0 |= (m->has_xtr_id ? MNOT_I : 0) | (m->for_rtr ? MNOT_R : 0);
  word0 |= m->records->len;

  lisp_put_u32 (out, word0);
  lisp_put_u64 (out, m->nonce);
  if (!lisp_auth_block_encode (out, m->key_id, m->alg_id, &auth_offset, &auth_len, error))
    return NULL;
  lisp_records_encode (m->records, out);
  if (m->has_xtr_id)
    {
      lisp_put_bytes (out, m->xtr_id, sizeof m->xtr_id);
      lisp_put_u64 (out, m->site_id);
    }
  if (auth_len > 0 &&
      !lisp_auth_sign (m->alg_id, key, key_len, out->data, out->len, auth_offset, auth_len, error))
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
