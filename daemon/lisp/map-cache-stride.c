/* The first bits of a big trie's lookups, as one table: for each value of an address's
 * first `bits` bits (16 at least), the longest entry shorter than /bits that covers it and
 * the first node of length /bits or more on its path, where the walk down the trie carries
 * on.
 *
 * A walk down the binary trie costs a cache miss per level, and a big cache of random
 * prefixes is dense at the top: a million prefixes make every IPv4 path start with about
 * sixteen entry nodes. The table replaces them with one read. At 16 bits it costs 1 MiB
 * (65536 slots of 16 bytes), so a trie only gets one from STRIDE_BUILD entries on (about 2
 * bytes an entry there, less above), and gives it back below STRIDE_DROP. A trie that
 * keeps growing gets a wider table, a bit more each time the wider one would cost at most
 * STRIDE_GROW_BYTES an entry (each bit saves about one level of the walk in a dense trie),
 * and a narrower one again when its table costs more than STRIDE_SHRINK_BYTES an entry.
 *
 * Kept exact on every change: an entry shorter than /bits covers 2^(bits - len) slots, in
 * which a new one becomes the longest entry unless a longer one is there, and from which
 * a removed one has them computed again from the root; a change at /bits or longer touches
 * one slot, the one of its first bits (glue nodes created or spliced out there share
 * those bits), computed again. */
#include "map-cache-private.h"
#include "addr-bits.h"
#include "lisp-error.h"

#define STRIDE_MIN_BITS     16
#define STRIDE_MAX_BITS     20
#define STRIDE_BUILD        4096
#define STRIDE_DROP         1024
#define STRIDE_GROW_BYTES   6
#define STRIDE_SHRINK_BYTES 12

static gsize
table_bytes (guint bits)
{
  return ((gsize) 1 << bits) * sizeof (MapCacheStrideSlot);
}

static void
slot_compute (const Trie *t, guint i, MapCacheStrideSlot *s)
{
  const guint bits = t->stride_bits;
  const guint32 head = (guint32) i << (32 - bits);
  const guint8 key[16] = { (guint8) (head >> 24), (guint8) (head >> 16), (guint8) (head >> 8),
                           (guint8) head };
  const LispMapEntry *best = NULL;
  Node *n = t->root;

  while (n != NULL && n->len < bits)
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
      /* Only the slot of the node's own first bits points at it, so that a change at /bits
       * or longer touches that one slot alone. Glue nodes hold no key: any entry below has
       * the node's bits. */
      Node *m = n;

      while (!m->is_entry)
        m = m->child[0];
      if (!lisp_addr_match (map_cache_entry_node (m)->entry.prefix.addr, key, bits))
        n = NULL;
    }
  s->sub = n;
  s->best = best;
}

static void
build (Trie *t, guint bits)
{
  guint slots = 1u << bits;

  g_free (t->stride);
  t->stride_bits = bits;
  t->stride = g_new (MapCacheStrideSlot, slots);
  for (guint i = 0; i < slots; i++)
    slot_compute (t, i, &t->stride[i]);
}

void
map_cache_stride_free (Trie *t)
{
  g_clear_pointer (&t->stride, g_free);
}

/* The width the table of a trie of n entries should have, given the one it has. */
static guint
wanted_bits (guint n, guint bits)
{
  while (bits < STRIDE_MAX_BITS && table_bytes (bits + 1) <= (gsize) n * STRIDE_GROW_BYTES)
    bits++;
  while (bits > STRIDE_MIN_BITS && table_bytes (bits) > (gsize) n * STRIDE_SHRINK_BYTES)
    bits--;
  return bits;
}

void
map_cache_stride_changed (Trie *t, const LispPrefix *p, const LispMapEntry *inserted)
{
  guint first, count, bits;

  if (t->stride == NULL)
    {
      if (t->n_entries >= STRIDE_BUILD)
        build (t, wanted_bits (t->n_entries, STRIDE_MIN_BITS));
      return;
    }
  if (t->n_entries < STRIDE_DROP)
    {
      map_cache_stride_free (t);
      return;
    }
  bits = wanted_bits (t->n_entries, t->stride_bits);
  if (bits != t->stride_bits)
    {
      /* Rebuilt from the trie as it is now: nothing below to update. */
      build (t, bits);
      return;
    }
  first = map_cache_stride_index (t, p->addr);
  count = p->len < bits ? 1u << (bits - p->len) : 1;
  first &= ~(count - 1);
  if (inserted != NULL && p->len < bits)
    {
      /* A new entry shorter than /bits is the longest of its slots unless one was longer
       * (or it replaced the entry of its own prefix, not freed yet); what it inserted
       * above the nodes of /bits and longer leaves their slots' walks where they were. */
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
  if (t->stride != NULL && wanted_bits (t->n_entries, t->stride_bits) != t->stride_bits)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "trie of [%u] family %u: %u entries and a table of %u bits", t->iid, t->family,
                   t->n_entries, t->stride_bits);
      return FALSE;
    }
  for (guint i = 0; t->stride != NULL && i < 1u << t->stride_bits; i++)
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
