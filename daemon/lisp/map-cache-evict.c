/* The map-cache's size limit (lisp_map_cache_set_limit and its count of evictions) and the
 * eviction of the least recently used entries that keeps it.
 *
 * Every entry node carries when it was last used (map-cache-private.h) instead of sitting
 * on a linked list: a list would cost 16 bytes an entry and a write to two neighbours on
 * every lookup. Finding the victims is then one walk over the cache that ranks each entry
 * by a key (expired ones first, then negative ones, then positive ones, the least recently
 * used first within each kind) and a selection of the n lowest keys, O(size). The caller
 * evicts in batches so that the walk is paid once per batch. */
#include "map-cache-private.h"

#include <string.h>

enum {
  RANK_EXPIRED = 0,
  RANK_NEGATIVE = 1,
  RANK_POSITIVE = 2,
};

static guint64
victim_key (const EntryNode *en, gint64 now)
{
  const LispMapEntry *e = &en->entry;
  guint64 rank;

  if (now >= e->expires_at)
    rank = RANK_EXPIRED;
  else if (e->n_locators == 0)
    rank = RANK_NEGATIVE;
  else
    rank = RANK_POSITIVE;
  return rank << 32 | en->node.used;
}

typedef struct {
  gint64 now;
  GArray *keys;    /* guint64: the key of every entry that may go */
  guint64 cut;     /* the walk that collects: every key below it goes ... */
  guint at_cut;    /* ... and this many of those equal to it */
  GArray *victims; /* LispPrefix */
} Walk;

static void
collect_keys (Node *n, Walk *w)
{
  for (; n != NULL; n = n->child[1])
    {
      if (n->is_entry && map_cache_entry_node (n)->entry.origin != LISP_MAP_ORIGIN_STATIC)
        {
          guint64 key = victim_key (map_cache_entry_node (n), w->now);

          g_array_append_val (w->keys, key);
        }
      collect_keys (n->child[0], w);
    }
}

static void
collect_victims (Node *n, Walk *w)
{
  for (; n != NULL; n = n->child[1])
    {
      if (n->is_entry && map_cache_entry_node (n)->entry.origin != LISP_MAP_ORIGIN_STATIC)
        {
          guint64 key = victim_key (map_cache_entry_node (n), w->now);

          if (key < w->cut || (key == w->cut && w->at_cut > 0))
            {
              if (key == w->cut)
                w->at_cut--;
              g_array_append_val (w->victims, map_cache_entry_node (n)->entry.prefix);
            }
        }
      collect_victims (n->child[0], w);
    }
}

static inline void
swap (guint64 *a, guint64 *b)
{
  guint64 t = *a;

  *a = *b;
  *b = t;
}

/* Rearranges k[0..n-1] so that k[i] holds the value it would hold sorted (quickselect
 * with Hoare's partition around the middle element; O(n) on average) and returns it. */
static guint64
select_nth (guint64 *k, gssize n, gssize i)
{
  gssize lo = 0, hi = n - 1;

  while (lo < hi)
    {
      guint64 pivot = k[lo + (hi - lo) / 2];
      gssize a = lo, b = hi;

      while (a <= b)
        {
          while (k[a] < pivot)
            a++;
          while (k[b] > pivot)
            b--;
          if (a <= b)
            swap (&k[a++], &k[b--]);
        }
      /* k[lo..b] <= pivot <= k[a..hi], and whatever lies between equals the pivot. */
      if (i <= b)
        hi = b;
      else if (i >= a)
        lo = a;
      else
        break;
    }
  return k[i];
}

guint
map_cache_evict (LispMapCache *cache, guint n, gint64 now)
{
  g_autoptr(GArray) keys = g_array_sized_new (FALSE, FALSE, sizeof (guint64), cache->size);
  g_autoptr(GArray) victims = g_array_new (FALSE, FALSE, sizeof (LispPrefix));
  Walk w = { .now = now, .keys = keys, .victims = victims };
  GHashTableIter iter;
  gpointer trie;
  guint below = 0;

  /* The recursion follows child[0] only (child[1] is a loop), so its depth is bounded by
   * the longest prefix, 128. */
  g_hash_table_iter_init (&iter, cache->tries);
  while (g_hash_table_iter_next (&iter, &trie, NULL))
    collect_keys (((Trie *) trie)->root, &w);
  if (n == 0 || keys->len == 0)
    return 0;
  n = MIN (n, keys->len);
  w.cut = select_nth ((guint64 *) (void *) keys->data, keys->len, n - 1);
  for (guint i = 0; i < keys->len; i++)
    if (g_array_index (keys, guint64, i) < w.cut)
      below++;
  w.at_cut = n - below;

  g_hash_table_iter_init (&iter, cache->tries);
  while (g_hash_table_iter_next (&iter, &trie, NULL))
    collect_victims (((Trie *) trie)->root, &w);
  /* Removing reshapes the tries (and may drop one), so only after the walk. */
  for (guint i = 0; i < victims->len; i++)
    lisp_map_cache_remove (cache, &g_array_index (victims, LispPrefix, i));
  cache->evictions += victims->len;
  return victims->len;
}

void
lisp_map_cache_set_limit (LispMapCache *cache, guint limit, gint64 now)
{
  g_return_if_fail (cache != NULL);

  cache->limit = limit;
  if (limit > 0 && cache->size > limit)
    map_cache_evict (cache, cache->size - limit, now);
}

guint
lisp_map_cache_get_limit (LispMapCache *cache)
{
  g_return_val_if_fail (cache != NULL, 0);

  return cache->limit;
}

guint64
lisp_map_cache_evictions (LispMapCache *cache)
{
  g_return_val_if_fail (cache != NULL, 0);

  return cache->evictions;
}
