/* Choosing the RLOC to encapsulate a flow to (RFC 9300 §12, PROTOCOL.md §1.3). */
#pragma once

#include <glib.h>
#include "map-locator.h"

G_BEGIN_DECLS

/* Picks one of locators[0..n-1] for a flow:
 *  - usable: reachable, priority != 255, and of `family` unless family is 0 (any);
 *  - among usable ones, only the lowest priority counts;
 *  - among those, flow_hash picks one in proportion to the weights (evenly when all are
 *    0; a weight-0 locator beside non-zero ones gets no share).
 * The same flow_hash gives the same choice as long as the locator set is unchanged.
 * Returns the index, or -1 when no locator is usable. */
gint lisp_locator_choose (const LispMapLocator *locators, guint n, guint32 flow_hash,
                          guint8 family);

G_END_DECLS
