#include "lisp-message.h"
#include "fuzz-round-trip.h"

#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  FUZZ_ROUND_TRIP (LispInfo, lisp_info_free, lisp_info_decode,
                   lisp_info_encode (msg, FUZZ_KEY, FUZZ_KEY_LEN, &error));
  return 0;
}
