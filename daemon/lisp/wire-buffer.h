/* Bounds-checked reading and writing of network-order fields.
 *
 * Every read names the field it is reading, so a short or lying message produces an error
 * such as "truncated: Locator Count needs 1 byte at offset 28, 0 left" instead of a crash.
 * A reader may be limited to a sub-range (an LCAF body) without losing absolute offsets. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const guint8 *data;
  gsize         end;  /* first offset that may not be read */
  gsize         pos;  /* absolute offset in data */
} LispReader;

void      lisp_reader_init      (LispReader *r, const guint8 *data, gsize len);
gsize     lisp_reader_remaining (const LispReader *r);
gboolean  lisp_reader_u8        (LispReader *r, const char *field, guint8 *out, GError **error);
gboolean  lisp_reader_u16       (LispReader *r, const char *field, guint16 *out, GError **error);
gboolean  lisp_reader_u32       (LispReader *r, const char *field, guint32 *out, GError **error);
gboolean  lisp_reader_u64       (LispReader *r, const char *field, guint64 *out, GError **error);
gboolean  lisp_reader_copy      (LispReader *r, const char *field, void *out, gsize n, GError **error);
gboolean  lisp_reader_skip      (LispReader *r, const char *field, gsize n, GError **error);
/* Checks that n bytes are there without consuming them. */
gboolean  lisp_reader_need      (const LispReader *r, const char *field, gsize n, GError **error);
/* A reader over the next n bytes; the parent skips them. */
gboolean  lisp_reader_sub       (LispReader *r, const char *field, gsize n, LispReader *sub, GError **error);

/* Writing appends to a GByteArray; values are converted to network order. */
void      lisp_put_u8           (GByteArray *out, guint8 v);
void      lisp_put_u16          (GByteArray *out, guint16 v);
void      lisp_put_u32          (GByteArray *out, guint32 v);
void      lisp_put_u64          (GByteArray *out, guint64 v);
void      lisp_put_bytes        (GByteArray *out, const void *data, gsize n);
void      lisp_set_u16          (GByteArray *out, gsize offset, guint16 v);

/* Plain loads for callers that already checked the length. */
static inline guint16 lisp_load_u16 (const guint8 *p) { return (guint16) ((p[0] << 8) | p[1]); }
static inline guint32 lisp_load_u32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}
static inline void lisp_store_u16 (guint8 *p, guint16 v) { p[0] = v >> 8; p[1] = v & 0xff; }
static inline void lisp_store_u32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24; p[1] = (v >> 16) & 0xff; p[2] = (v >> 8) & 0xff; p[3] = v & 0xff;
}

G_END_DECLS
