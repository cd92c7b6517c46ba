/* The Data-Map-Notify an RTR relays on port 4341, and the Map-Notify it carries. */
#include "data-map-notify.h"
#include "fuzz-round-trip.h"

#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  LispEcm *inner = NULL;

  if (lisp_data_map_notify_decode (data, size, &inner, NULL))
    {
      LispMapRegister *notify = NULL;

      if (lisp_map_register_decode (g_bytes_get_data (inner->inner, NULL),
                                    g_bytes_get_size (inner->inner), &notify, NULL))
        lisp_map_register_free (notify);
      lisp_ecm_free (inner);
    }
  FUZZ_ROUND_TRIP (LispEcm, lisp_ecm_free, lisp_data_map_notify_decode,
                   lisp_data_map_notify_encode (msg, &error));
  return 0;
}
