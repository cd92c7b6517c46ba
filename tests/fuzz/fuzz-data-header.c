#include "wire-data.h"
#include "fuzz-round-trip.h"

#include <string.h>

#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  LispDataHeader h, back;
  guint8 first[LISP_DATA_HEADER_SIZE], second[LISP_DATA_HEADER_SIZE];

  if (!lisp_data_header_decode (data, size, &h, NULL))
    return 0;
  FUZZ_CHECK (lisp_data_header_encode (&h, first, NULL));
  FUZZ_CHECK (lisp_data_header_decode (first, sizeof first, &back, NULL));
  FUZZ_CHECK (lisp_data_header_encode (&back, second, NULL));
  FUZZ_CHECK (memcmp (first, second, sizeof first) == 0);
  return 0;
}
