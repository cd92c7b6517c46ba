/* LispReader (daemon/lisp/wire-buffer.h) driven by the input: the input is both the program
 * and the data. Each step reads an opcode byte and then the field it names, possibly with a
 * length byte; "sub" descends into a sub-reader. Everything read is written back with the
 * lisp_put_* writers, so at the end the output must equal the consumed input exactly.
 *
 * Invariants: a read never passes its reader's end, a failed read leaves the position alone
 * and sets an error, and read + write round-trips byte for byte. */
#include "fuzz-target.h"
#include "wire-buffer.h"

#include <string.h>

#define MAX_DEPTH 8

static void
run (LispReader *r, GByteArray *out, const guint8 *input, guint depth)
{
  for (;;) {
    g_autoptr(GError) error = NULL;
    guint8 op, n = 0, buf[255];
    gsize before;
    gboolean ok;

    if (!lisp_reader_u8 (r, "Opcode", &op, NULL))
      return;
    lisp_put_u8 (out, op);
    before = r->pos;

    switch (op % 9) {
    case 0: {
      guint8 v;
      ok = lisp_reader_u8 (r, "U8", &v, &error);
      if (ok)
        lisp_put_u8 (out, v);
      break;
    }
    case 1: {
      guint16 v;
      ok = lisp_reader_u16 (r, "U16", &v, &error);
      if (ok) {
        g_assert_cmpuint (v, ==, lisp_load_u16 (input + before));
        lisp_put_u16 (out, v);
      }
      break;
    }
    case 2: {
      guint32 v;
      ok = lisp_reader_u32 (r, "U32", &v, &error);
      if (ok) {
        g_assert_cmpuint (v, ==, lisp_load_u32 (input + before));
        lisp_put_u32 (out, v);
      }
      break;
    }
    case 3: {
      guint64 v;
      ok = lisp_reader_u64 (r, "U64", &v, &error);
      if (ok)
        lisp_put_u64 (out, v);
      break;
    }
    case 4:
    case 5:
    case 6:
    case 7:
    case 8:
      if (!lisp_reader_u8 (r, "Length", &n, NULL))
        return;
      lisp_put_u8 (out, n);
      before = r->pos;
      if (op % 9 == 4) {
        ok = lisp_reader_copy (r, "Copy", buf, n, &error);
        if (ok)
          lisp_put_bytes (out, buf, n);
      } else if (op % 9 == 5) {
        ok = lisp_reader_skip (r, "Skip", n, &error);
        if (ok)
          lisp_put_bytes (out, input + before, n);
      } else if (op % 9 == 6) {
        ok = lisp_reader_need (r, "Need", n, &error);
        g_assert_cmpuint (r->pos, ==, before);
        g_assert_true (ok == (lisp_reader_remaining (r) >= n));
      } else if (op % 9 == 7 && depth < MAX_DEPTH) {
        LispReader sub;

        ok = lisp_reader_sub (r, "Sub", n, &sub, &error);
        if (ok) {
          g_assert_cmpuint (sub.pos, ==, before);
          g_assert_cmpuint (sub.end, ==, before + n);
          g_assert_cmpuint (r->pos, ==, before + n);
          run (&sub, out, input, depth + 1);
          g_assert_cmpuint (sub.pos, <=, sub.end);
          /* what the sub-reader left unread, the parent skipped */
          lisp_put_bytes (out, input + sub.pos, sub.end - sub.pos);
        }
      } else {
        GByteArray *patch = g_byte_array_new ();

        /* lisp_set_u16 over a scratch buffer of n bytes */
        g_byte_array_set_size (patch, n);
        if (n > 0)
          memset (patch->data, 0, n);
        if (n >= 2) {
          lisp_set_u16 (patch, n - 2, 0xbeef);
          g_assert_cmpuint (lisp_load_u16 (patch->data + n - 2), ==, 0xbeef);
        }
        g_byte_array_unref (patch);
        ok = TRUE;
      }
      break;
    default:
      g_assert_not_reached ();
    }

    g_assert_cmpuint (r->pos, <=, r->end);
    if (!ok) {
      g_assert_nonnull (error);
      g_assert_true (g_str_has_prefix (error->message, "truncated: "));
      g_assert_cmpuint (r->pos, ==, before);
      return;
    }
    g_assert_no_error (error);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  LispReader r;
  GByteArray *out = g_byte_array_new ();

  lisp_reader_init (&r, data, size);
  run (&r, out, data, 0);
  g_assert_cmpuint (r.pos, <=, size);
  g_assert_cmpuint (out->len, ==, r.pos);
  if (r.pos > 0)
    g_assert_true (memcmp (out->data, data, r.pos) == 0);
  g_byte_array_unref (out);
  return 0;
}
