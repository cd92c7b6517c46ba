/* The Data-Map-Notify an RTR relays on port 4341, and the Map-Notify it carries. No shared
 * capture holds one, so each input is also carried as the message of a Data-Map-Notify of
 * each family, which must decode back to it: the seeds' Map-Notifys then reach every part
 * of the decoder. */
#include "data-map-notify.h"
#include "fuzz-round-trip.h"

#include "fuzz-target.h"

#include <string.h>

static void
carried (const guint8 *data, size_t size, guint8 family)
{
  LispEcm *m = lisp_ecm_new (), *back = NULL;
  GBytes *wire;

  m->ip_version = family;
  memset (m->src, 0x20, sizeof m->src);
  memset (m->dst, 0x30, sizeof m->dst);
  m->ttl = 64;
  m->sport = m->dport = 4342;
  m->inner = g_bytes_new (data, size);
  wire = lisp_data_map_notify_encode (m, NULL);
  /* Only a message too long for one IP packet is refused. */
  FUZZ_CHECK (wire != NULL || size > 65000);
  if (wire != NULL)
    {
      FUZZ_CHECK (lisp_data_map_notify_decode (g_bytes_get_data (wire, NULL),
                                               g_bytes_get_size (wire), &back, NULL));
      FUZZ_CHECK (g_bytes_equal (back->inner, m->inner));
      lisp_ecm_free (back);
      g_bytes_unref (wire);
    }
  lisp_ecm_free (m);
}

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
  carried (data, size, 4);
  carried (data, size, 6);
  FUZZ_ROUND_TRIP (LispEcm, lisp_ecm_free, lisp_data_map_notify_decode,
                   lisp_data_map_notify_encode (msg, &error));
  return 0;
}
