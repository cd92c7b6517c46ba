/* The memo in front of the map-cache's trie: recent destinations (instance ID, family,
 * address) and the entry their longest-prefix match found, or that none matched.
 *
 * The data plane looks a destination up for every packet, and packets come in flows: the
 * walk down the trie (one cache miss per level, twenty or more in a big cache) is paid by
 * the first packet of a flow, the others find their entry in one probe of this table.
 *
 * It is direct-mapped (a newer destination takes the slot of an older one) and never
 * wrong: every slot remembers the cache's generation when it was filled, and the cache
 * moves its generation on every insert, removal, eviction and flush, which turns every
 * older slot stale at once. What is left, expiry, the lookup checks on the entry itself;
 * an answer that depended on an expired entry is not remembered at all. */
#include "map-cache-private.h"

#include <string.h>

/* 4096 slots of 40 bytes: 160 KiB, allocated on the cache's first lookup. */
#define FLOW_SLOTS_LOG2 12
#define FLOW_SLOTS      (1u << FLOW_SLOTS_LOG2)

typedef struct {
  const LispMapEntry *entry; /* NULL: no entry matched */
  guint32 generation;
  guint32 iid;
  guint8 family;
  guint8 addr[16];
} FlowSlot;

struct _MapCacheFlows {
  FlowSlot slots[FLOW_SLOTS];
};

MapCacheFlows *
map_cache_flows_new (void)
{
  return g_new0 (MapCacheFlows, 1);
}

void
map_cache_flows_free (MapCacheFlows *flows)
{
  g_free (flows);
}

void
map_cache_flows_clear (MapCacheFlows *flows)
{
  if (flows != NULL)
    memset (flows->slots, 0, sizeof flows->slots);
}

static inline guint64
load64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, 8);
  return v;
}

static inline guint32
load32 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, 4);
  return v;
}

static inline guint
slot_of (guint32 iid, guint8 family, const guint8 *addr)
{
  guint64 h;

  if (family == LISP_FAMILY_IPV4)
    h = load32 (addr);
  else
    h = load64 (addr) ^ (load64 (addr + 8) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));
  h = (h ^ ((guint64) iid << 32 | family)) * G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  return (guint) (h >> (64 - FLOW_SLOTS_LOG2));
}

static inline gsize
addr_len (guint8 family)
{
  return family == LISP_FAMILY_IPV4 ? 4 : 16;
}

gboolean
map_cache_flows_get (MapCacheFlows *flows, guint32 generation, guint32 iid, guint8 family,
                     const guint8 *addr, const LispMapEntry **entry)
{
  const FlowSlot *s = &flows->slots[slot_of (iid, family, addr)];

  if (s->generation != generation || s->iid != iid || s->family != family ||
      memcmp (s->addr, addr, addr_len (family)) != 0)
    return FALSE;
  *entry = s->entry;
  return TRUE;
}

void
map_cache_flows_put (MapCacheFlows *flows, guint32 generation, guint32 iid, guint8 family,
                     const guint8 *addr, const LispMapEntry *entry)
{
  FlowSlot *s = &flows->slots[slot_of (iid, family, addr)];

  s->entry = entry;
  s->generation = generation;
  s->iid = iid;
  s->family = family;
  memcpy (s->addr, addr, addr_len (family));
}
