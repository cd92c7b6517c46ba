/* Map-Register, Map-Notify and Map-Notify-Ack share one decoder; the re-encoding is
 * authenticated with a fixed key and must verify. */
#include "lisp-auth.h"
#include "lisp-message.h"
#include "fuzz-round-trip.h"

#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  LispMapRegister *m = NULL;

  /* Verifying a hostile message must fail cleanly, whatever its algorithm and length. */
  if (lisp_map_register_decode (data, size, &m, NULL))
    {
      lisp_auth_verify (m->alg_id, FUZZ_KEY, FUZZ_KEY_LEN, data, size, m->auth_offset,
                        g_bytes_get_size (m->auth_data), NULL);
      lisp_map_register_free (m);
    }
  FUZZ_ROUND_TRIP (LispMapRegister, lisp_map_register_free, lisp_map_register_decode,
                   lisp_map_register_encode (msg, FUZZ_KEY, FUZZ_KEY_LEN, &error));
  return 0;
}
