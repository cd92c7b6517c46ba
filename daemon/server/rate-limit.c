/* Per-source token buckets (rate-limit.h). The sources sit in a hash table for lookup and
 * in a queue ordered by last use, so that forgetting the stalest one is O(1) even under a
 * flood of new addresses. */
#include "rate-limit.h"

#include <string.h>

typedef struct {
  guint8 key[17]; /* family, then the address */
  guint tokens;
  gint64 last; /* seconds: when tokens was last refilled */
  GList *link; /* in LmnRateLimit.order, whose data is this bucket */
} Bucket;

struct _LmnRateLimit {
  guint rate;
  guint burst;
  guint max_sources;
  GHashTable *buckets; /* key bytes -> Bucket* (owned) */
  GQueue order;        /* Bucket*, least recently used first */
};

static guint
key_hash (gconstpointer k)
{
  const guint8 *b = k;
  guint h = 5381;

  for (guint i = 0; i < 17; i++)
    h = h * 33 + b[i];
  return h;
}

static gboolean
key_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, 17) == 0;
}

LmnRateLimit *
lmn_rate_limit_new (guint rate, guint burst, guint max_sources)
{
  LmnRateLimit *rl = g_new0 (LmnRateLimit, 1);

  rl->rate = rate;
  rl->burst = MAX (burst, 1);
  rl->max_sources = MAX (max_sources, 1);
  rl->buckets = g_hash_table_new_full (key_hash, key_equal, NULL, g_free);
  g_queue_init (&rl->order);
  return rl;
}

void
lmn_rate_limit_free (LmnRateLimit *rl)
{
  if (rl == NULL)
    return;
  g_queue_clear (&rl->order);
  g_hash_table_unref (rl->buckets);
  g_free (rl);
}

static void
forget_stalest (LmnRateLimit *rl)
{
  Bucket *b = g_queue_pop_head (&rl->order);

  if (b != NULL)
    g_hash_table_remove (rl->buckets, b->key);
}

static Bucket *
bucket_for (LmnRateLimit *rl, const LmnEndpoint *from, gint64 now)
{
  guint8 key[17] = { from->family };
  Bucket *b;

  memcpy (key + 1, from->addr, 16);
  b = g_hash_table_lookup (rl->buckets, key);
  if (b != NULL)
    {
      g_queue_unlink (&rl->order, b->link);
      g_queue_push_tail_link (&rl->order, b->link);
      return b;
    }
  if (g_hash_table_size (rl->buckets) >= rl->max_sources)
    forget_stalest (rl);
  b = g_new0 (Bucket, 1);
  memcpy (b->key, key, sizeof key);
  b->tokens = rl->burst;
  b->last = now;
  b->link = g_list_alloc ();
  b->link->data = b;
  g_queue_push_tail_link (&rl->order, b->link);
  g_hash_table_insert (rl->buckets, b->key, b);
  return b;
}

gboolean
lmn_rate_limit_allow (LmnRateLimit *rl, const LmnEndpoint *from, gint64 now)
{
  Bucket *b = bucket_for (rl, from, now);

  if (now > b->last)
    {
      guint64 refill = (guint64) (now - b->last) * rl->rate;

      b->tokens = (guint) MIN ((guint64) rl->burst, b->tokens + refill);
      b->last = now;
    }
  else if (now < b->last) /* a clock that went back: start the bucket's second again */
    b->last = now;
  if (b->tokens == 0)
    return FALSE;
  b->tokens--;
  return TRUE;
}

guint
lmn_rate_limit_size (const LmnRateLimit *rl)
{
  return g_hash_table_size (rl->buckets);
}
