/* Map-Reply (RFC 9301 §5.4): answers to Map-Requests and RLOC-probes, and negative replies
 * (records without locators, carrying an action). */
#include "lisp-message.h"
#include "lisp-error.h"

#define MREP_P (1u << 27)
#define MREP_E (1u << 26)
#define MREP_S (1u << 25)

LispMapReply *
lisp_map_reply_new (void)
{
  LispMapReply *m = g_new0 (LispMapReply, 1);

  m->records = lisp_records_new ();
  return m;
}

void
lisp_map_reply_free (LispMapReply *m)
{
  if (m == NULL)
    return;
  g_ptr_array_unref (m->records);
  g_free (m);
}

gboolean
lisp_map_reply_decode (const guint8 *data, gsize len, LispMapReply **out, GError **error)
{
  g_autoptr(LispMapReply) m = lisp_map_reply_new ();
  LispReader r;
  guint32 word0;

  lisp_reader_init (&r, data, len);
  if (!lisp_reader_u32 (&r, "Map-Reply header", &word0, error))
    return FALSE;
  if (word0 >> 28 != LISP_TYPE_MAP_REPLY)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID, "type %u is not a Map-Reply", word0 >> 28);
      return FALSE;
    }
  m->probe = (word0 & MREP_P) != 0;
  m->echo_nonce = (word0 & MREP_E) != 0;
  m->security = (word0 & MREP_S) != 0;
  if (!lisp_reader_u64 (&r, "Nonce", &m->nonce, error) ||
      !lisp_records_decode (&r, word0 & 0xff, m->records, error))
    return FALSE;
  /* With S set, LISP-SEC authentication data follows; it is left to the caller. */
  m->trailing = lisp_reader_remaining (&r);
  *out = g_steal_pointer (&m);
  return TRUE;
}

GBytes *
lisp_map_reply_encode (const LispMapReply *m, GError **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();

  if (!lisp_records_check (m->records, error))
    return NULL;
  lisp_put_u32 (out, (guint32) LISP_TYPE_MAP_REPLY << 28 | (m->probe ? MREP_P : 0) |
                       (m->echo_nonce ? MREP_E : 0) | (m->security ? MREP_S : 0) |
                       m->records->len);
  lisp_put_u64 (out, m->nonce);
  lisp_records_encode (m->records, out);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
