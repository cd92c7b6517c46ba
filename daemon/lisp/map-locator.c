#include "map-locator.h"
#include "lisp-prefix.h"

#include <string.h>

static gsize
family_bytes (guint8 family)
{
  return family == LISP_FAMILY_IPV4 ? 4 : 16;
}

gboolean
lisp_map_locator_init (LispMapLocator *loc, guint8 family, const guint8 *addr,
                       guint8 priority, guint8 weight, gboolean reachable)
{
  g_return_val_if_fail (loc != NULL && addr != NULL, FALSE);

  if (family != LISP_FAMILY_IPV4 && family != LISP_FAMILY_IPV6)
    return FALSE;
  memset (loc, 0, sizeof *loc);
  loc->family = family;
  loc->priority = priority;
  loc->weight = weight;
  loc->reachable = reachable ? 1 : 0;
  memcpy (loc->addr, addr, family_bytes (family));
  return TRUE;
}

gboolean
lisp_map_locator_is (const LispMapLocator *loc, guint8 family, const guint8 *addr)
{
  g_return_val_if_fail (loc != NULL && addr != NULL, FALSE);

  return loc->family == family && memcmp (loc->addr, addr, family_bytes (family)) == 0;
}
