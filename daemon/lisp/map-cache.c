/* The map-cache is one path-compressed binary trie per (instance ID, family).
 *
 * Two kinds of node: an entry node (a LispMapEntry with its locators in the same
 * allocation) and a glue node, which only exists where two subtrees branch and always has
 * both children. A node's `len` is its prefix length; a child sits under `child[b]` where b
 * is the bit of its key at the parent's `len`. Glue nodes store no key: any entry below a
 * glue node shares its first `len` bits, so the key is read from there. That keeps glue
 * nodes at 24 bytes, which is what makes a million random prefixes cheap.
 *
 * Lookups go through a memo of recent destinations first (map-cache-flows.c), so that a
 * packet of a flow seen before costs one hash probe instead of a walk down the trie. With a
 * limit set, a full cache makes room by evicting the least recently used entries
 * (map-cache-evict.c). */
#include "map-cache-private.h"
#include "lisp-error.h"
#include "addr-bits.h"

#include <string.h>

/* Deep enough for a /128 path: one node per length 0..128 at most. */
#define MAX_DEPTH 130

static guint
family_bits (guint8 family)
{
  return family == LISP_FAMILY_IPV4 ? 32 : 128;
}

static inline gboolean
entry_expired (const LispMapEntry *e, gint64 now)
{
  return now >= e->expires_at;
}

/* Any entry under n (n itself if it is one): its first n->len bits are n's prefix. */
static EntryNode *
entry_below (Node *n)
{
  while (!n->is_entry)
    n = n->child[0];
  return map_cache_entry_node (n);
}

/* Entry nodes are malloc'd, glue nodes come from the cache's pool. */
static void
node_free (Trie *t, Node *n)
{
  if (n->is_entry)
    g_free (n);
  else
    map_cache_glue_free (t->glue, n);
}

static void
node_free_tree (Trie *t, Node *n)
{
  /* Recursion depth is bounded by MAX_DEPTH, so no explicit stack is needed. */
  if (n == NULL)
    return;
  node_free_tree (t, n->child[0]);
  node_free_tree (t, n->child[1]);
  node_free (t, n);
}

static guint
trie_hash (gconstpointer key)
{
  const Trie *t = key;

  return t->iid * 2654435761u ^ t->family;
}

static gboolean
trie_equal (gconstpointer a, gconstpointer b)
{
  const Trie *ta = a, *tb = b;

  return ta->iid == tb->iid && ta->family == tb->family;
}

static void
trie_free (gpointer data)
{
  Trie *t = data;

  node_free_tree (t, t->root);
  map_cache_stride_free (t);
  g_free (t);
}

static Trie *
trie_find (LispMapCache *cache, guint32 iid, guint8 family)
{
  Trie key = { .iid = iid, .family = family };
  Trie *t = cache->last_trie;

  if (t != NULL && t->iid == iid && t->family == family)
    return t;
  t = g_hash_table_lookup (cache->tries, &key);
  if (t != NULL)
    cache->last_trie = t;
  return t;
}

void
map_cache_changed (LispMapCache *cache)
{
  /* Skip 0, the generation of a memo slot never filled. */
  if (++cache->generation == 0)
    {
      map_cache_flows_clear (cache->flows);
      cache->generation = 1;
    }
}

LispMapCache *
lisp_map_cache_new (void)
{
  LispMapCache *cache = g_new0 (LispMapCache, 1);

  cache->tries = g_hash_table_new_full (trie_hash, trie_equal, NULL, trie_free);
  cache->generation = 1;
  return cache;
}

void
lisp_map_cache_free (LispMapCache *cache)
{
  if (cache == NULL)
    return;
  g_hash_table_unref (cache->tries);
  map_cache_glue_clear (&cache->glue);
  map_cache_flows_free (cache->flows);
  g_free (cache);
}

static gboolean
check_prefix (const LispPrefix *prefix, GError **error)
{
  if (prefix->family != LISP_FAMILY_IPV4 && prefix->family != LISP_FAMILY_IPV6)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "map-cache: prefix family %u is not IPv4 (4) or IPv6 (6)", prefix->family);
      return FALSE;
    }
  if (prefix->len > family_bits (prefix->family))
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "map-cache: prefix length %u is longer than %u", prefix->len,
                   family_bits (prefix->family));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_mapping (const LispMapLocator *locators, guint n_locators, LispAction action,
               LispMapOrigin origin, guint16 map_version, GError **error)
{
  guint i;

  if ((guint) action > LISP_ACTION_LAST)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "map-cache: action %u is not 0..%u", (guint) action, LISP_ACTION_LAST);
      return FALSE;
    }
  if ((guint) origin > LISP_MAP_ORIGIN_LAST)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "map-cache: origin %u is not 0..%u", (guint) origin, LISP_MAP_ORIGIN_LAST);
      return FALSE;
    }
  if (map_version > LISP_MAP_VERSION_MAX)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "map-cache: map-version %u does not fit in 12 bits", map_version);
      return FALSE;
    }
  if (n_locators > LISP_MAP_LOCATORS_MAX)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "map-cache: %u locators, at most %u allowed", n_locators,
                   LISP_MAP_LOCATORS_MAX);
      return FALSE;
    }
  for (i = 0; i < n_locators; i++)
    {
      if (locators[i].family != LISP_FAMILY_IPV4 && locators[i].family != LISP_FAMILY_IPV6)
        {
          g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                       "map-cache: locator %u has family %u, not IPv4 (4) or IPv6 (6)", i,
                       locators[i].family);
          return FALSE;
        }
    }
  return TRUE;
}

static EntryNode *
entry_node_new (const LispPrefix *prefix, const LispMapLocator *locators, guint n_locators,
                LispAction action, guint32 ttl_minutes, LispMapOrigin origin,
                guint16 map_version, gint64 now)
{
  EntryNode *en = g_malloc0 (sizeof (EntryNode) + n_locators * sizeof (LispMapLocator));
  LispMapEntry *e = &en->entry;

  en->node.len = prefix->len;
  en->node.is_entry = TRUE;
  en->node.used = map_cache_tick (now);

  /* Re-initialise so stray bits past the length can never split one prefix in two. */
  lisp_prefix_init (&e->prefix, prefix->iid, prefix->family, prefix->addr, prefix->len);
  if (n_locators > 0)
    {
      e->locators = (LispMapLocator *) (en + 1);
      memcpy (e->locators, locators, n_locators * sizeof (LispMapLocator));
    }
  e->n_locators = (guint8) n_locators;
  e->action = (guint8) action;
  e->origin = (guint8) origin;
  e->map_version = map_version;
  e->ttl_minutes = ttl_minutes;
  if (origin == LISP_MAP_ORIGIN_STATIC)
    e->expires_at = LISP_MAP_NEVER;
  else if (now > LISP_MAP_NEVER - (gint64) ttl_minutes * 60 * G_USEC_PER_SEC)
    e->expires_at = LISP_MAP_NEVER;  /* saturate instead of overflowing */
  else
    e->expires_at = now + (gint64) ttl_minutes * 60 * G_USEC_PER_SEC;
  return en;
}

/* Puts en (prefix p) into the trie. Returns TRUE if it added an entry, FALSE if it
 * replaced one of the same prefix. A node en took the place of (an entry's or a glue
 * node) goes to *replaced, for the caller to free once nothing points at it. */
static gboolean
trie_insert (Trie *t, EntryNode *en, Node **replaced)
{
  const LispPrefix *p = &en->entry.prefix;
  guint plen = p->len;
  Node *n = t->root;
  Node **link;
  const EntryNode *near;
  guint d;

  if (n == NULL)
    {
      t->root = &en->node;
      return TRUE;
    }

  /* First descent: follow p's bits without comparing, to reach some entry that shares
   * the longest possible head with p. */
  while (n->len < plen)
    {
      Node *next = n->child[lisp_addr_bit (p->addr, n->len)];

      if (next == NULL)
        break;
      n = next;
    }
  near = entry_below (n);
  d = lisp_addr_common_bits (p->addr, near->entry.prefix.addr, MIN (plen, near->node.len));

  /* Second descent along the same path: stop at the first node longer than the
   * divergence point d; every node above it is a prefix of p. */
  link = &t->root;
  while ((n = *link) != NULL && n->len <= d)
    {
      if (n->len == plen)
        {
          /* Same prefix: take over the node's place and children. */
          gboolean was_glue = !n->is_entry;

          en->node.child[0] = n->child[0];
          en->node.child[1] = n->child[1];
          *link = &en->node;
          *replaced = n;
          return was_glue;
        }
      link = &n->child[lisp_addr_bit (p->addr, n->len)];
    }

  if (n == NULL)
    {
      *link = &en->node;
    }
  else if (d == plen)
    {
      /* p is a prefix of n: p goes above n. */
      en->node.child[lisp_addr_bit (entry_below (n)->entry.prefix.addr, plen)] = n;
      *link = &en->node;
    }
  else
    {
      /* p and n branch at bit d: a glue node holds both. */
      Node *glue = map_cache_glue_new (t->glue);
      guint bit = lisp_addr_bit (p->addr, d);

      glue->len = (guint8) d;
      glue->child[bit] = &en->node;
      glue->child[!bit] = n;
      *link = glue;
    }
  return TRUE;
}

/* Finds the link pointing at the entry node of exactly p, recording the links on the
 * way in path[0..*depth-1] (path[*depth-1] is the returned link). */
static Node **
trie_find_link (Trie *t, const LispPrefix *p, Node ***path, guint *depth)
{
  Node **link = &t->root;
  Node *n;
  guint dep = 0;

  while ((n = *link) != NULL && n->len < p->len)
    {
      if (path != NULL)
        path[dep++] = link;
      link = &n->child[lisp_addr_bit (p->addr, n->len)];
    }
  if (n == NULL || n->len != p->len || !n->is_entry ||
      !lisp_prefix_equal (&map_cache_entry_node (n)->entry.prefix, p))
    return NULL;
  if (path != NULL)
    {
      path[dep++] = link;
      *depth = dep;
    }
  return link;
}

static gboolean
trie_remove (Trie *t, const LispPrefix *p)
{
  Node **path[MAX_DEPTH];
  guint depth = 0;
  Node **link = trie_find_link (t, p, path, &depth);
  Node *n;

  if (link == NULL)
    return FALSE;
  n = *link;

  if (n->child[0] != NULL && n->child[1] != NULL)
    {
      /* Still a branch point: a glue node takes its place. */
      Node *glue = map_cache_glue_new (t->glue);

      glue->len = n->len;
      glue->child[0] = n->child[0];
      glue->child[1] = n->child[1];
      *link = glue;
    }
  else if (n->child[0] != NULL || n->child[1] != NULL)
    {
      *link = n->child[0] != NULL ? n->child[0] : n->child[1];
    }
  else
    {
      *link = NULL;
      /* A glue parent left with one child is no longer a branch point: splice it out. */
      if (depth >= 2)
        {
          Node **parent_link = path[depth - 2];
          Node *parent = *parent_link;

          if (!parent->is_entry)
            {
              *parent_link = parent->child[0] != NULL ? parent->child[0] : parent->child[1];
              map_cache_glue_free (t->glue, parent);
            }
        }
    }
  g_free (n);
  return TRUE;
}

/* With a limit, a new prefix in a full cache first evicts the least recently used entries:
 * a 64th of the limit at once, so that a flood of new prefixes pays for one walk over the
 * cache per 64th of it rather than one per insert. Configured (static) entries count but
 * are never evicted; a learnt mapping is refused when they alone fill the cache. */
static gboolean
make_room (LispMapCache *cache, const LispPrefix *prefix, LispMapOrigin origin, gint64 now,
           GError **error)
{
  Trie *t;

  if (cache->limit == 0 || cache->size < cache->limit)
    return TRUE;
  t = trie_find (cache, prefix->iid, prefix->family);
  if (t != NULL && trie_find_link (t, prefix, NULL, NULL) != NULL)
    return TRUE; /* a replacement: the size stays */
  map_cache_evict (cache, cache->size - cache->limit + 1 + cache->limit / 64, now);
  if (cache->size < cache->limit || origin == LISP_MAP_ORIGIN_STATIC)
    return TRUE;
  g_set_error (error, LISP_ERROR, LISP_ERROR_UNSUPPORTED,
               "map-cache: full (limit %u) of configured mappings, none can be evicted",
               cache->limit);
  return FALSE;
}

gboolean
lisp_map_cache_insert (LispMapCache *cache, const LispPrefix *prefix,
                       const LispMapLocator *locators, guint n_locators, LispAction action,
                       guint32 ttl_minutes, LispMapOrigin origin, guint16 map_version,
                       gint64 now, GError **error)
{
  Trie *t;
  EntryNode *en;
  Node *replaced = NULL;

  g_return_val_if_fail (cache != NULL, FALSE);
  g_return_val_if_fail (prefix != NULL, FALSE);
  g_return_val_if_fail (locators != NULL || n_locators == 0, FALSE);

  if (!check_prefix (prefix, error) ||
      !check_mapping (locators, n_locators, action, origin, map_version, error))
    return FALSE;

  /* RFC 9301 §5.4: a TTL of 0 asks to remove the mapping at once. */
  if (ttl_minutes == 0 && origin != LISP_MAP_ORIGIN_STATIC)
    {
      lisp_map_cache_remove (cache, prefix);
      return TRUE;
    }

  if (!make_room (cache, prefix, origin, now, error))
    return FALSE;
  t = trie_find (cache, prefix->iid, prefix->family);
  if (t == NULL)
    {
      t = g_new0 (Trie, 1);
      t->iid = prefix->iid;
      t->family = prefix->family;
      t->glue = &cache->glue;
      g_hash_table_add (cache->tries, t);
    }

  en = entry_node_new (prefix, locators, n_locators, action, ttl_minutes, origin,
                       map_version, now);
  if (trie_insert (t, en, &replaced))
    {
      cache->size++;
      t->n_entries++;
    }
  map_cache_stride_changed (t, prefix, &en->entry);
  if (replaced != NULL)
    node_free (t, replaced);
  map_cache_changed (cache);
  return TRUE;
}

/* The longest match not expired at `now`; *memo_ok is cleared when an expired entry
 * matched on the way, since the answer would then depend on `now` and not only on the
 * trie. */
static const LispMapEntry *
walk_from (Node *n, guint max_bits, const guint8 *addr, gint64 now, gboolean *memo_ok)
{
  const LispMapEntry *best = NULL;

  /* Glue nodes are passed without comparing; the first entry node that does not match
   * ends the walk, because everything below it extends its prefix. */
  for (; n != NULL; n = n->child[lisp_addr_bit (addr, n->len)])
    {
      if (n->is_entry)
        {
          const LispMapEntry *e = &map_cache_entry_node (n)->entry;

          if (!lisp_addr_match (e->prefix.addr, addr, n->len))
            break;
          if (!entry_expired (e, now))
            best = e;
          else
            *memo_ok = FALSE;
        }
      if (n->len >= max_bits)
        break;
    }
  return best;
}

static const LispMapEntry *
trie_lookup (const Trie *t, const guint8 *addr, gint64 now, gboolean *memo_ok)
{
  guint max_bits = family_bits (t->family);

  /* A big trie's first 16 or more bits are one read (map-cache-stride.c). The walk below
   * them comes first: an entry it finds is longer than the slot's, so the slot's entry is
   * only read (another cache miss) when the walk finds none. When that one has expired,
   * the whole walk finds the next one. */
  if (t->stride != NULL)
    {
      const MapCacheStrideSlot *s = &t->stride[map_cache_stride_index (t, addr)];
      const LispMapEntry *e = walk_from (s->sub, max_bits, addr, now, memo_ok);

      if (e != NULL)
        return e;
      if (s->best == NULL || !entry_expired (s->best, now))
        return s->best;
    }
  return walk_from (t->root, max_bits, addr, now, memo_ok);
}

const LispMapEntry *
lisp_map_cache_lookup (LispMapCache *cache, guint32 iid, guint8 family, const guint8 *addr,
                       gint64 now)
{
  const LispMapEntry *best = NULL;
  gboolean memo_ok = TRUE;
  Trie *t;

  g_return_val_if_fail (cache != NULL, NULL);
  g_return_val_if_fail (addr != NULL, NULL);

  if (family != LISP_FAMILY_IPV4 && family != LISP_FAMILY_IPV6)
    return NULL;
  if (cache->flows == NULL)
    cache->flows = map_cache_flows_new ();
  if (map_cache_flows_get (cache->flows, cache->generation, iid, family, addr, &best))
    {
      if (best == NULL)
        return NULL;
      if (!entry_expired (best, now))
        goto found;
    }

  t = trie_find (cache, iid, family);
  best = t != NULL ? trie_lookup (t, addr, now, &memo_ok) : NULL;
  if (memo_ok)
    map_cache_flows_put (cache->flows, cache->generation, iid, family, addr, best);
  if (best == NULL)
    return NULL;
found:
  /* The lookup is the use that keeps an entry from eviction. */
  map_cache_entry_node_of (best)->node.used = map_cache_tick (now);
  return best;
}

const LispMapEntry *
lisp_map_cache_lookup_exact (LispMapCache *cache, const LispPrefix *prefix, gint64 now)
{
  Trie *t;
  Node **link;
  const LispMapEntry *e;

  g_return_val_if_fail (cache != NULL, NULL);
  g_return_val_if_fail (prefix != NULL, NULL);

  t = trie_find (cache, prefix->iid, prefix->family);
  if (t == NULL)
    return NULL;
  link = trie_find_link (t, prefix, NULL, NULL);
  if (link == NULL)
    return NULL;
  e = &map_cache_entry_node (*link)->entry;
  return entry_expired (e, now) ? NULL : e;
}

gboolean
lisp_map_cache_remove (LispMapCache *cache, const LispPrefix *prefix)
{
  Trie *t;

  g_return_val_if_fail (cache != NULL, FALSE);
  g_return_val_if_fail (prefix != NULL, FALSE);

  t = trie_find (cache, prefix->iid, prefix->family);
  if (t == NULL || !trie_remove (t, prefix))
    return FALSE;
  cache->size--;
  t->n_entries--;
  map_cache_stride_changed (t, prefix, NULL);
  map_cache_changed (cache);
  /* Drop empty tries so churn through many instance IDs does not accumulate them. */
  if (t->root == NULL)
    {
      if (cache->last_trie == t)
        cache->last_trie = NULL;
      g_hash_table_remove (cache->tries, t);
    }
  return TRUE;
}

static void
collect_expired (Node *n, gint64 now, GArray *out)
{
  if (n == NULL)
    return;
  if (n->is_entry && entry_expired (&map_cache_entry_node (n)->entry, now))
    g_array_append_val (out, map_cache_entry_node (n)->entry.prefix);
  collect_expired (n->child[0], now, out);
  collect_expired (n->child[1], now, out);
}

guint
lisp_map_cache_expire (LispMapCache *cache, gint64 now)
{
  g_autoptr(GArray) expired = g_array_new (FALSE, FALSE, sizeof (LispPrefix));
  GHashTableIter iter;
  gpointer key;
  guint i;

  g_return_val_if_fail (cache != NULL, 0);

  /* Collect first, remove after: removing reshapes the trie under a walk. */
  g_hash_table_iter_init (&iter, cache->tries);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    collect_expired (((Trie *) key)->root, now, expired);
  for (i = 0; i < expired->len; i++)
    lisp_map_cache_remove (cache, &g_array_index (expired, LispPrefix, i));
  return expired->len;
}

void
lisp_map_cache_flush (LispMapCache *cache)
{
  g_return_if_fail (cache != NULL);

  g_hash_table_remove_all (cache->tries);
  cache->last_trie = NULL;
  cache->size = 0;
  map_cache_changed (cache);
}

guint
lisp_map_cache_size (LispMapCache *cache)
{
  g_return_val_if_fail (cache != NULL, 0);

  return cache->size;
}

guint
lisp_map_cache_set_reachable (LispMapCache *cache, const LispPrefix *prefix, guint8 family,
                              const guint8 *addr, gboolean reachable)
{
  Trie *t;
  Node **link;
  LispMapEntry *e;
  guint i, found = 0;

  g_return_val_if_fail (cache != NULL, 0);
  g_return_val_if_fail (prefix != NULL && addr != NULL, 0);

  t = trie_find (cache, prefix->iid, prefix->family);
  if (t == NULL || (link = trie_find_link (t, prefix, NULL, NULL)) == NULL)
    return 0;
  e = &map_cache_entry_node (*link)->entry;
  for (i = 0; i < e->n_locators; i++)
    {
      if (lisp_map_locator_is (&e->locators[i], family, addr))
        {
          e->locators[i].reachable = reachable ? 1 : 0;
          found++;
        }
    }
  return found;
}

static void
foreach_node (Node *n, LispMapCacheFunc func, gpointer user_data)
{
  if (n == NULL)
    return;
  if (n->is_entry)
    func (&map_cache_entry_node (n)->entry, user_data);
  foreach_node (n->child[0], func, user_data);
  foreach_node (n->child[1], func, user_data);
}

void
lisp_map_cache_foreach (LispMapCache *cache, LispMapCacheFunc func, gpointer user_data)
{
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (cache != NULL);
  g_return_if_fail (func != NULL);

  g_hash_table_iter_init (&iter, cache->tries);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    foreach_node (((Trie *) key)->root, func, user_data);
}

/* First pass: entry_below() relies on every glue node having both children. */
static gboolean
check_glue (Node *n, GError **error)
{
  if (n == NULL)
    return TRUE;
  if (!n->is_entry && (n->child[0] == NULL || n->child[1] == NULL))
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "glue node /%u has fewer than two children", n->len);
      return FALSE;
    }
  return check_glue (n->child[0], error) && check_glue (n->child[1], error);
}

static gboolean
check_node (const Trie *t, Node *n, Node *parent, guint bit, guint *entries, GError **error)
{
  const LispPrefix *key = &entry_below (n)->entry.prefix;
  g_autofree gchar *text = lisp_prefix_to_string (key);

  if (n->len > family_bits (t->family))
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "node /%u above %s is too long", n->len, text);
      return FALSE;
    }
  if (key->iid != t->iid || key->family != t->family)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "entry %s is in the trie of [%u] family %u", text, t->iid, t->family);
      return FALSE;
    }
  if (parent != NULL)
    {
      const guint8 *parent_key = entry_below (parent)->entry.prefix.addr;

      if (n->len <= parent->len || !lisp_addr_match (key->addr, parent_key, parent->len) ||
          lisp_addr_bit (key->addr, parent->len) != bit)
        {
          g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                       "node /%u above %s is misplaced under its /%u parent", n->len, text,
                       parent->len);
          return FALSE;
        }
    }
  if (n->is_entry)
    {
      (*entries)++;
      if (n->len != key->len)
        {
          g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                       "entry %s sits in a /%u node", text, n->len);
          return FALSE;
        }
    }
  for (bit = 0; bit < 2; bit++)
    if (n->child[bit] != NULL && !check_node (t, n->child[bit], n, bit, entries, error))
      return FALSE;
  return TRUE;
}

gboolean
lisp_map_cache_check (LispMapCache *cache, GError **error)
{
  GHashTableIter iter;
  gpointer key;
  guint entries = 0;

  g_return_val_if_fail (cache != NULL, FALSE);

  g_hash_table_iter_init (&iter, cache->tries);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const Trie *t = key;

      if (t->root == NULL)
        {
          g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                       "empty trie for [%u] family %u kept", t->iid, t->family);
          return FALSE;
        }
      if (!check_glue (t->root, error) || !check_node (t, t->root, NULL, 0, &entries, error) ||
          !map_cache_stride_check (t, error))
        return FALSE;
    }
  if (entries != cache->size)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "%u entries in the tries, size says %u", entries, cache->size);
      return FALSE;
    }
  return TRUE;
}
