#include "wire-buffer.h"
#include "lisp-error.h"

#include <string.h>

void
lisp_reader_init (LispReader *r, const guint8 *data, gsize len)
{
  r->data = data;
  r->end = len;
  r->pos = 0;
}

gsize
lisp_reader_remaining (const LispReader *r)
{
  return r->end - r->pos;
}

gboolean
lisp_reader_need (const LispReader *r, const char *field, gsize n, GError **error)
{
  gsize left = r->end - r->pos;

  if (n <= left)
    return TRUE;
  g_set_error (error, LISP_ERROR, LISP_ERROR_TRUNCATED,
               "truncated: %s needs %" G_GSIZE_FORMAT " byte%s at offset %" G_GSIZE_FORMAT
               ", %" G_GSIZE_FORMAT " left",
               field, n, n == 1 ? "" : "s", r->pos, left);
  return FALSE;
}

gboolean
lisp_reader_copy (LispReader *r, const char *field, void *out, gsize n, GError **error)
{
  if (!lisp_reader_need (r, field, n, error))
    return FALSE;
  if (n > 0)
    memcpy (out, r->data + r->pos, n);
  r->pos += n;
  return TRUE;
}

gboolean
lisp_reader_skip (LispReader *r, const char *field, gsize n, GError **error)
{
  if (!lisp_reader_need (r, field, n, error))
    return FALSE;
  r->pos += n;
  return TRUE;
}

gboolean
lisp_reader_sub (LispReader *r, const char *field, gsize n, LispReader *sub, GError **error)
{
  if (!lisp_reader_need (r, field, n, error))
    return FALSE;
  sub->data = r->data;
  sub->pos = r->pos;
  sub->end = r->pos + n;
  r->pos += n;
  return TRUE;
}

gboolean
lisp_reader_u8 (LispReader *r, const char *field, guint8 *out, GError **error)
{
  return lisp_reader_copy (r, field, out, 1, error);
}

gboolean
lisp_reader_u16 (LispReader *r, const char *field, guint16 *out, GError **error)
{
  if (!lisp_reader_need (r, field, 2, error))
    return FALSE;
  *out = lisp_load_u16 (r->data + r->pos);
  r->pos += 2;
  return TRUE;
}

gboolean
lisp_reader_u32 (LispReader *r, const char *field, guint32 *out, GError **error)
{
  if (!lisp_reader_need (r, field, 4, error))
    return FALSE;
  *out = lisp_load_u32 (r->data + r->pos);
  r->pos += 4;
  return TRUE;
}

gboolean
lisp_reader_u64 (LispReader *r, const char *field, guint64 *out, GError **error)
{
  if (!lisp_reader_need (r, field, 8, error))
    return FALSE;
  *out = ((guint64) lisp_load_u32 (r->data + r->pos) << 32) | lisp_load_u32 (r->data + r->pos + 4);
  r->pos += 8;
  return TRUE;
}

void
lisp_put_u8 (GByteArray *out, guint8 v)
{
  g_byte_array_append (out, &v, 1);
}

void
lisp_put_u16 (GByteArray *out, guint16 v)
{
  guint8 b[2];

  lisp_store_u16 (b, v);
  g_byte_array_append (out, b, 2);
}

void
lisp_put_u32 (GByteArray *out, guint32 v)
{
  guint8 b[4];

  lisp_store_u32 (b, v);
  g_byte_array_append (out, b, 4);
}

void
lisp_put_u64 (GByteArray *out, guint64 v)
{
  lisp_put_u32 (out, v >> 32);
  lisp_put_u32 (out, v & 0xffffffffu);
}

void
lisp_put_bytes (GByteArray *out, const void *data, gsize n)
{
  if (n > 0)
    g_byte_array_append (out, data, n);
}

void
lisp_set_u16 (GByteArray *out, gsize offset, guint16 v)
{
  g_return_if_fail (offset + 2 <= out->len);
  lisp_store_u16 (out->data + offset, v);
}
