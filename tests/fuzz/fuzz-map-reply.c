#include "lisp-message.h"
#include "fuzz-round-trip.h"

#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  FUZZ_ROUND_TRIP (LispMapReply, lisp_map_reply_free, lisp_map_reply_decode,
                   lisp_map_reply_encode (msg, &error));
  return 0;
}
