/* The flow hash reads inner IP packets straight from the TUN: any bytes, any length. It must
 * stay in bounds and be a function of its input; the locator choice it feeds must return a
 * usable locator or -1. */
#include "flow-hash.h"
#include "locator-choice.h"
#include "fuzz-round-trip.h"
#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  guint32 h = lisp_flow_hash (data, size);
  LispMapLocator locs[4];
  gint chosen;

  FUZZ_CHECK (h == lisp_flow_hash (data, size));
  for (guint i = 0; i < G_N_ELEMENTS (locs); i++)
    {
      guint8 addr[16] = { 198, 51, 100, (guint8) i };

      lisp_map_locator_init (&locs[i], 4, addr, size > i ? data[i] : 1, size > i + 4 ? data[i + 4] : 1,
                             size > i + 8 ? (data[i + 8] & 1) : TRUE);
    }
  chosen = lisp_locator_choose (locs, G_N_ELEMENTS (locs), h, 0);
  if (chosen >= 0)
    FUZZ_CHECK (locs[chosen].reachable && locs[chosen].priority != 255);
  return 0;
}
