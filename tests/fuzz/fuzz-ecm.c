/* The ECM, the control message it carries, and its MS-RTR block (NAT traversal): checking
 * it never reads past the block, and a block signed anew verifies. */
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
      lisp_ecm_ms_rtr_verify (ecm, (const guint8 *) "fuzz", 4, NULL);
      g_assert (lisp_ecm_ms_rtr_sign (ecm, (const guint8 *) "fuzz", 4, NULL));
      g_assert (lisp_ecm_ms_rtr_verify (ecm, (const guint8 *) "fuzz", 4, NULL));
      g_assert (!lisp_ecm_ms_rtr_verify (ecm, (const guint8 *) "fuzZ", 4, NULL));
      lisp_ecm_free (ecm);
    }
  FUZZ_ROUND_TRIP (LispEcm, lisp_ecm_free, lisp_ecm_decode, lisp_ecm_encode (msg, &error));
  return 0;
}
