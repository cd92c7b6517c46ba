/* A sequence of AFI-encoded addresses and LCAFs, decoded until the input ends. */
#include "lisp-address.h"
#include "fuzz-round-trip.h"

#include <string.h>

#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  LispReader r;

  lisp_reader_init (&r, data, size);
  while (lisp_reader_remaining (&r) > 0)
    {
      LispAddress *a = NULL, *b = NULL;
      GByteArray *first = g_byte_array_new (), *second = g_byte_array_new ();
      LispReader again;
      gsize before = r.pos;
      gchar *text;

      if (!lisp_address_decode (&r, "fuzz", &a, NULL))
        {
          FUZZ_CHECK (a == NULL);
          g_byte_array_unref (first);
          g_byte_array_unref (second);
          break;
        }
      FUZZ_CHECK (r.pos > before);
      text = lisp_address_to_string (a);
      g_free (text);
      lisp_address_encode (a, first);
      lisp_reader_init (&again, first->data, first->len);
      FUZZ_CHECK (lisp_address_decode (&again, "again", &b, NULL));
      FUZZ_CHECK (lisp_reader_remaining (&again) == 0);
      FUZZ_CHECK (lisp_address_equal (a, b));
      lisp_address_encode (b, second);
      FUZZ_CHECK (first->len == second->len && memcmp (first->data, second->data, first->len) == 0);
      lisp_address_free (a);
      lisp_address_free (b);
      g_byte_array_unref (first);
      g_byte_array_unref (second);
    }
  return 0;
}
