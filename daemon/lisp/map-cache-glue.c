/* The map-cache's glue nodes (map-cache.c: where two subtrees branch) come from a pool of
 * its own rather than from malloc one by one.
 *
 * A glue node is 24 bytes, and malloc hands out at least 32 for it (its chunk header and
 * alignment): with about 0.8 glue nodes per entry in a big cache, that is 6 bytes an entry
 * of nothing. The pool takes them from blocks of up to 4096 (96 KiB, below malloc's mmap
 * threshold, so the heap counts them like any allocation), and keeps the freed ones on a
 * list threaded through child[0] for the next. Blocks are given back when the cache is
 * freed. */
#include "map-cache-private.h"

#define FIRST_BLOCK 16
#define MAX_BLOCK   4096

Node *
map_cache_glue_new (MapCacheGlue *pool)
{
  Node *n = pool->free_list;

  if (n == NULL)
    {
      guint count = pool->blocks == NULL ? FIRST_BLOCK : MIN (pool->next_block, MAX_BLOCK);
      Node *block = g_new (Node, count);

      pool->blocks = g_slist_prepend (pool->blocks, block);
      pool->next_block = count * 2;
      /* Thread the block onto the free list. */
      for (guint i = 0; i < count; i++)
        {
          block[i].child[0] = i + 1 < count ? &block[i + 1] : NULL;
        }
      n = block;
    }
  pool->free_list = n->child[0];
  *n = (Node) { 0 };
  return n;
}

void
map_cache_glue_free (MapCacheGlue *pool, Node *n)
{
  n->child[0] = pool->free_list;
  n->child[1] = NULL;
  pool->free_list = n;
}

void
map_cache_glue_clear (MapCacheGlue *pool)
{
  g_slist_free_full (pool->blocks, g_free);
  *pool = (MapCacheGlue) { 0 };
}
