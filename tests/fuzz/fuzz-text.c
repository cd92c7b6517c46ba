/* The text parsers that configuration files and D-Bus arguments go through: addresses
 * ("[1000]192.0.2.1") and prefixes ("2001:db8::/32"). What they accept must print and
 * parse back to the same value. */
#include "lisp-address.h"
#include "lisp-prefix.h"
#include "fuzz-round-trip.h"
#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree gchar *text = g_strndup ((const gchar *) data, size);
  LispAddress *a;
  LispPrefix p, q;

  a = lisp_address_parse (text, NULL);
  if (a != NULL)
    {
      gchar *printed = lisp_address_to_string (a);
      LispAddress *b = lisp_address_parse (printed, NULL);

      FUZZ_CHECK (b != NULL && lisp_address_equal (a, b));
      lisp_address_free (b);
      g_free (printed);
      lisp_address_free (a);
    }
  if (lisp_prefix_parse (text, &p, NULL))
    {
      gchar *printed = lisp_prefix_to_string (&p);

      FUZZ_CHECK (lisp_prefix_parse (printed, &q, NULL));
      FUZZ_CHECK (lisp_prefix_equal (&p, &q));
      g_free (printed);
    }
  return 0;
}
