/* The ECM and the control message it carries. */
#include "lisp-message.h"
#include "fuzz-round-trip.h"

#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  LispEcm *ecm = NULL;

  if (lisp_ecm_decode (data, size, &ecm, NULL))
    {
      LispMapRequest *req = NULL;

      if (lisp_map_request_decode (g_bytes_get_data (ecm->inner, NULL),
                                   g_bytes_get_size (ecm->inner), &req, NULL))
        lisp_map_request_free (req);
      lisp_ecm_free (ecm);
    }
  FUZZ_ROUND_TRIP (LispEcm, lisp_ecm_free, lisp_ecm_decode, lisp_ecm_encode (msg, &error));
  return 0;
}
