/* One RLOC of a mapping as the map-cache stores it and the data plane reads it: flat and
 * fixed-size (20 bytes) so an entry's locators sit in one array next to the entry. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint8 family;     /* LISP_FAMILY_IPV4 or LISP_FAMILY_IPV6 */
  guint8 priority;   /* lower is preferred; 255 means "never use for unicast" */
  guint8 weight;     /* share among locators of equal priority */
  guint8 reachable;  /* boolean: RLOC-probing / LSBs currently say it is up */
  guint8 addr[16];   /* network order; IPv4 in the first 4 bytes, rest zero */
} LispMapLocator;

/* Fills a locator; FALSE when family is not 4 or 6. addr holds 4 or 16 bytes. */
gboolean lisp_map_locator_init (LispMapLocator *loc, guint8 family, const guint8 *addr,
                                guint8 priority, guint8 weight, gboolean reachable);
/* Whether loc has this family and address. */
gboolean lisp_map_locator_is   (const LispMapLocator *loc, guint8 family, const guint8 *addr);

G_END_DECLS
