#include "locator-choice.h"

static gboolean
usable (const LispMapLocator *loc, guint8 family)
{
  return loc->reachable && loc->priority != 255 && (family == 0 || loc->family == family);
}

/* Maps a 32-bit hash onto 0..range-1 by multiply-and-shift: uniform like a modulo, but it
 * uses the hash's high bits, and costs no division. */
static guint32
scale (guint32 hash, guint32 range)
{
  return (guint32) (((guint64) hash * range) >> 32);
}

gint
lisp_locator_choose (const LispMapLocator *locators, guint n, guint32 flow_hash,
                     guint8 family)
{
  guint best_priority = 256;
  guint32 total_weight = 0;
  guint32 count = 0;
  guint32 point;
  guint i;

  g_return_val_if_fail (locators != NULL || n == 0, -1);

  for (i = 0; i < n; i++)
    if (usable (&locators[i], family) && locators[i].priority < best_priority)
      best_priority = locators[i].priority;
  if (best_priority == 256)
    return -1;

  for (i = 0; i < n; i++)
    {
      if (usable (&locators[i], family) && locators[i].priority == best_priority)
        {
          total_weight += locators[i].weight;
          count++;
        }
    }

  if (total_weight == 0)
    {
      /* RFC 9300 §5.3: all-zero weights leave the split to us; split evenly. */
      point = scale (flow_hash, count);
      for (i = 0; i < n; i++)
        {
          if (usable (&locators[i], family) && locators[i].priority == best_priority)
            {
              if (point == 0)
                return (gint) i;
              point--;
            }
        }
    }
  else
    {
      point = scale (flow_hash, total_weight);
      for (i = 0; i < n; i++)
        {
          if (usable (&locators[i], family) && locators[i].priority == best_priority)
            {
              if (point < locators[i].weight)
                return (gint) i;
              point -= locators[i].weight;
            }
        }
    }

  /* The walks above always land inside the totals they computed. */
  g_return_val_if_reached (-1);
}
