/* Info-Request and Info-Reply (draft-ermagan-lisp-nat-traversal §4.1-4.2): how a node
 * learns its translated address and port and the RTRs to use behind a NAT. */
#include "lisp-message.h"
#include "lisp-auth.h"
#include "lisp-error.h"

#include <string.h>

#define INFO_R (1u << 27)

LispInfo *
lisp_info_new (gboolean reply)
{
  LispInfo *m = g_new0 (LispInfo, 1);

  m->reply = reply;
  m->eid = lisp_address_new (LISP_ADDRESS_NONE);
  m->address = lisp_address_new (reply ? LISP_ADDRESS_NAT : LISP_ADDRESS_NONE);
  return m;
}

void
lisp_info_free (LispInfo *m)
{
  if (m == NULL)
    return;
  g_clear_pointer (&m->auth_data, g_bytes_unref);
  lisp_address_free (m->eid);
  lisp_address_free (m->address);
  g_free (m);
}

gboolean
lisp_info_decode (const guint8 *data, gsize len, LispInfo **out, GError **error)
{
  g_autoptr(LispInfo) m = NULL;
  LispReader r;
  guint32 word0;
  guint8 reserved;

  lisp_reader_init (&r, data, len);
  if (!lisp_reader_u32 (&r, "Info header", &word0, error))
    return FALSE;
  if (word0 >> 28 != LISP_TYPE_INFO)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "type %u is not an Info-Request or Info-Reply", word0 >> 28);
      return FALSE;
    }
  m = lisp_info_new ((word0 & INFO_R) != 0);
  g_clear_pointer (&m->eid, lisp_address_free);
  g_clear_pointer (&m->address, lisp_address_free);
  if (!lisp_reader_u64 (&r, "Nonce", &m->nonce, error) ||
      !lisp_auth_block_decode (&r, &m->key_id, &m->alg_id, &m->auth_data, &m->auth_offset, error))
    return FALSE;
  if (!lisp_reader_u32 (&r, "TTL", &m->ttl, error) ||
      !lisp_reader_u8 (&r, "Reserved", &reserved, error) ||
      !lisp_reader_u8 (&r, "EID mask-len", &m->mask_len, error) ||
      !lisp_address_decode (&r, "EID-Prefix", &m->eid, error))
    return FALSE;

  if (m->reply)
    {
      if (!lisp_address_decode_nat_to_end (&r, "NAT-Traversal LCAF", &m->address,
                                           &m->nat_length_lied, error))
        return FALSE;
    }
  else if (lisp_reader_remaining (&r) > 0)
    {
      /* RFC-wise AFI 0; lispers.net puts its host name here (AFI 17) and drops requests
       * without one. */
      if (!lisp_address_decode (&r, "Info-Request AFI", &m->address, error))
        return FALSE;
    }
  else
    m->address = lisp_address_new (LISP_ADDRESS_NONE);  /* some senders stop after the EID */
  m->trailing = lisp_reader_remaining (&r);
  *out = g_steal_pointer (&m);
  return TRUE;
}

GBytes *
lisp_info_encode (const LispInfo *m, const guint8 *key, gsize key_len, GError **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize auth_offset, auth_len;

  if (m->reply && m->address->kind != LISP_ADDRESS_NAT)
    {
      g_set_error_literal (error, LISP_ERROR, LISP_ERROR_INVALID,
                           "an Info-Reply must carry a NAT-Traversal LCAF");
      return NULL;
    }
  lisp_put_u32 (out, (guint32) LISP_TYPE_INFO << 28 | (m->reply ? INFO_R : 0));
  lisp_put_u64 (out, m->nonce);
  if (!lisp_auth_block_encode (out, m->key_id, m->alg_id, &auth_offset, &auth_len, error))
    return NULL;
  lisp_put_u32 (out, m->ttl);
  lisp_put_u8 (out, 0);
  lisp_put_u8 (out, m->mask_len);
  lisp_address_encode (m->eid, out);
  lisp_address_encode (m->address, out);
  if (auth_len > 0 &&
      !lisp_auth_sign (m->alg_id, key, key_len, out->data, out->len, auth_offset, auth_len, error))
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
