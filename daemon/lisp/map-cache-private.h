/* The map-cache's insides, shared by its three files: the trie (map-cache.c), the eviction
 * of the least recently used entries (map-cache-evict.c) and the per-destination memo in
 * front of the trie (map-cache-flows.c). Nothing outside daemon/lisp/map-cache*.c includes
 * this. */
#pragma once

#include "map-cache.h"

typedef struct _Node Node;
struct _Node {
  Node *child[2];
  guint8 len;
  guint8 is_entry;
  /* Entry nodes only: when the entry was last inserted or found by a lookup, in ticks of
   * 2^16 µs (about 66 ms; 32 bits last 8.9 years of monotonic time). It sits in what would
   * otherwise be the node's padding, so recency costs no memory. */
  guint32 used;
};

typedef struct {
  Node node;
  LispMapEntry entry;
  /* LispMapLocator locators[entry.n_locators] follow */
} EntryNode;

/* map-cache-glue.c: where glue nodes come from. */
typedef struct {
  GSList *blocks;
  Node *free_list;
  guint next_block;
} MapCacheGlue;

Node *map_cache_glue_new (MapCacheGlue *pool);
void map_cache_glue_free (MapCacheGlue *pool, Node *n);
void map_cache_glue_clear (MapCacheGlue *pool);

/* map-cache-stride.c: a big trie's first 16 or more bits as a table. */
typedef struct {
  Node *sub;                /* the first node of /bits or longer on the slot's path */
  const LispMapEntry *best; /* the longest entry shorter than /bits covering the slot */
} MapCacheStrideSlot;

typedef struct {
  guint32 iid;
  guint8 family;
  Node *root;
  MapCacheGlue *glue; /* the cache's */
  guint n_entries;
  MapCacheStrideSlot *stride; /* NULL, or 2^stride_bits slots once the trie is big */
  guint stride_bits;          /* 16..20, the bits the table resolves */
} Trie;

/* The table's slot for an address: its first t->stride_bits bits (every address has at
 * least 4 bytes). */
static inline guint
map_cache_stride_index (const Trie *t, const guint8 *addr)
{
  guint32 head = (guint32) addr[0] << 24 | (guint32) addr[1] << 16 | (guint32) addr[2] << 8 |
                 addr[3];

  return head >> (32 - t->stride_bits);
}

/* After an entry of prefix p was added or replaced (inserted: the new entry; the node it
 * replaced not freed yet) or removed (inserted NULL), and t->n_entries updated: builds,
 * drops or updates the table. */
void map_cache_stride_changed (Trie *t, const LispPrefix *p, const LispMapEntry *inserted);
void map_cache_stride_free (Trie *t);
/* For lisp_map_cache_check(): FALSE with an error when a slot differs from what the trie
 * says (or a big trie has no table). */
gboolean map_cache_stride_check (const Trie *t, GError **error);

typedef struct _MapCacheFlows MapCacheFlows;

struct _LispMapCache {
  GHashTable *tries; /* Trie* set, keyed by (iid, family) */
  Trie *last_trie;   /* the trie the last lookup used (most packets go to one) */
  guint size;
  guint limit; /* 0: none */
  guint64 evictions;
  /* Moves on every change of the tries' shape, so that memoised lookups older than it are
   * known stale (map-cache-flows.c). Never 0 once the cache exists. */
  guint32 generation;
  MapCacheFlows *flows; /* allocated on the first lookup */
  MapCacheGlue glue;
};

static inline guint32
map_cache_tick (gint64 now)
{
  return now <= 0 ? 0 : (guint32) ((guint64) now >> 16);
}

static inline EntryNode *
map_cache_entry_node (Node *n)
{
  return (EntryNode *) n;
}

static inline EntryNode *
map_cache_entry_node_of (const LispMapEntry *e)
{
  return (EntryNode *) ((guint8 *) e - G_STRUCT_OFFSET (EntryNode, entry));
}

/* Every change of shape (insert, remove, flush) calls this. */
void map_cache_changed (LispMapCache *cache);

/* map-cache-evict.c: removes up to n of the entries that are not static, expired ones
 * first, then negative ones, then positive ones, each kind least recently used first.
 * Returns how many went. */
guint map_cache_evict (LispMapCache *cache, guint n, gint64 now);

/* map-cache-flows.c: the memo of (iid, family, address) -> longest match. */
MapCacheFlows *map_cache_flows_new (void);
void map_cache_flows_free (MapCacheFlows *flows);
void map_cache_flows_clear (MapCacheFlows *flows);
/* TRUE with *entry (possibly NULL: a remembered miss) when remembered at `generation`. */
gboolean map_cache_flows_get (MapCacheFlows *flows, guint32 generation, guint32 iid, guint8 family,
                              const guint8 *addr, const LispMapEntry **entry);
void map_cache_flows_put (MapCacheFlows *flows, guint32 generation, guint32 iid, guint8 family,
                          const guint8 *addr, const LispMapEntry *entry);
