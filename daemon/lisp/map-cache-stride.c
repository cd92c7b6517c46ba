/* The first 16 bits of a big trie's lookups, as one table: for each value of an address's
 * first 16 bits, the longest entry shorter than /16 that covers it and the first node of
 * length /16 or more on its path, where the walk down the trie carries on.
 *
 * A walk down the binary trie costs a cache miss per level, and a big cache of random
 * prefixes is dense at the top: a million prefixes make every IPv4 path start with about
 * sixteen entry nodes. The table replaces them with one read. It costs 1 MiB (65536 slots
 * of 16 bytes), so a trie only gets one from STRIDE_BUILD entries on (about 2 bytes an
 * entry there, less above), and gives it back below STRIDE_DROP.
 *
 * Kept exact on every change: an entry shorter than /16 covers 2^(16 - len) slots, in
 * which a new one becomes the longest entry unless a longer one is there, and from which
 * a removed one has them computed again from the root; a change at /16 or longer touches
 * one slot, the one of its first 16 bits (glue nodes created or spliced out there share
 * those bits), computed again. */
#include "map-cache-private.h"
#include "addr-bits.h"
#include "lisp-error.h"

#define STRIDE_BITS  16
#define STRIDE_SLOTS (1u << STRIDE_BITS)
#define STRIDE_BUILD 4096
#define STRIDE_DROP  1024

static void
slot_compute (const Trie *t, guint i, MapCacheStrideSlot *s)
{
  const guint8 key[16] = { (guint8) (i >> 8), (guint8) i };
  const LispMapEntry *best = NULL;
  Node *n = t->root;

  while (n != NULL && n->len < STRIDE_BITS)
    {
      if (n->is_entry)
        {
          const LispMapEntry *e = &map_cache_entry_node (n)->entry;

          /* Nothing below an entry that does not cover the slot can match. */
          if (!lisp_addr_match (e->prefix.addr, key, n->len))
            {
              n = NULL;
              break;
            }
          best = e;
        }
      n = n->child[lisp_addr_bit (key, n->len)];
    }
  if (n != NULL)
    {
      /* Only the slot of the node's own first 16 bits points at it, so that a change at /16
       * or longer touches that one slot alone. Glue nodes hold no key: any entry below has
       * the node's bits. */
      Node *m = n;

      while (!m->is_entry)
        m = m->child[0];
      if (!lisp_addr_match (map_cache_entry_node (m)->entry.prefix.addr, key, STRIDE_BITS))
        n = NULL;
    }
  s->sub = n;
  s->best = best;
}

static void
build (Trie *t)
{
  t->stride = g_new (MapCacheStrideSlot, STRIDE_SLOTS);
  for (guint i = 0; i < STRIDE_SLOTS; i++)
    slot_compute (t, i, &t->stride[i]);
}

void
map_cache_stride_free (Trie *t)
{
  g_clear_pointer (&t->stride, g_free);
}

void
map_cache_stride_changed (Trie *t, const LispPrefix *p, const LispMapEntry *inserted)
{
  guint first, count;

  if (t->stride == NULL)
    {
      if (t->n_entries >= STRIDE_BUILD)
        build (t);
      return;
    }
  if (t->n_entries < STRIDE_DROP)
    {
      map_cache_stride_free (t);
      return;
    }
  first = (guint) p->addr[0] << 8 | p->addr[1];
  count = p->len < STRIDE_BITS ? 1u << (STRIDE_BITS - p->len) : 1;
  first &= ~(count - 1);
  if (inserted != NULL && p->len < STRIDE_BITS)
    {
      /* A new entry shorter than /16 is the longest of its slots unless one was longer (or
       * it replaced the entry of its own prefix, not freed yet); what it inserted above
       * the nodes of /16 and longer leaves their slots' walks where they were. */
      for (guint i = first; i < first + count; i++)
        {
          const LispMapEntry *best = t->stride[i].best;

          if (best == NULL || best->prefix.len <= p->len)
            t->stride[i].best = inserted;
        }
      return;
    }
  for (guint i = first; i < first + count; i++)
    slot_compute (t, i, &t->stride[i]);
}

gboolean
map_cache_stride_check (const Trie *t, GError **error)
{
  if (t->stride == NULL && t->n_entries >= STRIDE_BUILD)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "trie of [%u] family %u: %u entries and no stride table", t->iid, t->family,
                   t->n_entries);
      return FALSE;
    }
  for (guint i = 0; t->stride != NULL && i < STRIDE_SLOTS; i++)
    {
      MapCacheStrideSlot want;

      slot_compute (t, i, &want);
      if (want.sub != t->stride[i].sub || want.best != t->stride[i].best)
        {
          g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                       "trie of [%u] family %u: stride slot %u is stale", t->iid, t->family, i);
          return FALSE;
        }
    }
  return TRUE;
}
