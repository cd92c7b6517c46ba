/* The tests' one way to write an address: LispAddress from its text form (an IP address,
 * "[IID]address", ...), failing the test when the text does not parse. Header-only, as only
 * the tests that link the protocol library include it (tests/common itself does not). */
#pragma once

#include "lisp-address.h"

static inline LispAddress *
test_address (const char *text)
{
  g_autoptr(GError) error = NULL;
  LispAddress *a = lisp_address_parse (text, &error);

  g_assert_no_error (error);
  return a;
}
