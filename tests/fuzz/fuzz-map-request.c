#include "lisp-message.h"
#include "fuzz-round-trip.h"

#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  FUZZ_ROUND_TRIP (LispMapRequest, lisp_map_request_free, lisp_map_request_decode,
                   lisp_map_request_encode (msg, &error));
  return 0;
}
