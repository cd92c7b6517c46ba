/* Per-source and total token buckets (token-bucket.h). The sources sit in a hash table for
 * lookup and in a queue ordered by last use, so that forgetting the stalest one is O(1) even
 * under a flood of new addresses. Tokens are kept in millionths, so that a refill after a
 * few microseconds is not lost to rounding. */
#include "token-bucket.h"

#include <string.h>

#define KEY_LEN 17 /* family, then the address */
#define ONE     G_GUINT64_CONSTANT (1000000)

typedef struct {
  guint64 tokens; /* in millionths of a token */
  gint64 last;    /* µs: when tokens was last refilled */
} Bucket;

typedef struct {
  guint8 key[KEY_LEN];
  Bucket bucket;
  GList *link; /* in LmnTokenBuckets.order, whose data is this source */
} Source;

struct _LmnTokenBuckets {
  guint rate;
  guint burst;
  guint total_rate;
  guint total_burst;
  guint max_sources;
  Bucket total;
  GHashTable *sources; /* key bytes -> Source* (owned) */
  GQueue order;        /* Source*, least recently used first */
};

static guint
key_hash (gconstpointer k)
{
  const guint8 *b = k;
  guint h = 5381;

  for (guint i = 0; i < KEY_LEN; i++)
    h = h * 33 + b[i];
  return h;
}

static gboolean
key_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, KEY_LEN) == 0;
}

LmnTokenBuckets *
lmn_token_buckets_new (guint rate, guint burst, guint total_rate, guint total_burst,
                       guint max_sources)
{
  LmnTokenBuckets *tb = g_new0 (LmnTokenBuckets, 1);

  tb->rate = rate;
  tb->burst = MAX (burst, 1);
  tb->total_rate = total_rate;
  tb->total_burst = MAX (total_burst, 1);
  tb->max_sources = MAX (max_sources, 1);
  tb->total.tokens = (guint64) tb->total_burst * ONE;
  tb->total.last = G_MININT64; /* set on first use */
  tb->sources = g_hash_table_new_full (key_hash, key_equal, NULL, g_free);
  g_queue_init (&tb->order);
  return tb;
}

void
lmn_token_buckets_free (LmnTokenBuckets *tb)
{
  if (tb == NULL)
    return;
  g_queue_clear (&tb->order);
  g_hash_table_unref (tb->sources);
  g_free (tb);
}

static void
refill (Bucket *b, guint rate, guint burst, gint64 now)
{
  guint64 cap = (guint64) burst * ONE;

  if (b->last == G_MININT64 || now < b->last) /* first use, or a clock that went back */
    {
      b->last = now;
      return;
    }
  if (now > b->last)
    {
      /* Capped before multiplying: an idle hour must not overflow. */
      guint64 elapsed = (guint64) MIN (now - b->last, (gint64) 1000 * G_USEC_PER_SEC);

      b->tokens = MIN (cap, b->tokens + elapsed * rate);
      b->last = now;
    }
}

static Source *
source_for (LmnTokenBuckets *tb, guint8 family, const guint8 *addr, gint64 now)
{
  guint8 key[KEY_LEN] = { family };
  Source *s;

  memcpy (key + 1, addr, family == 4 ? 4 : 16);
  s = g_hash_table_lookup (tb->sources, key);
  if (s != NULL)
    {
      g_queue_unlink (&tb->order, s->link);
      g_queue_push_tail_link (&tb->order, s->link);
      return s;
    }
  if (g_hash_table_size (tb->sources) >= tb->max_sources)
    {
      Source *stalest = g_queue_pop_head (&tb->order);

      g_hash_table_remove (tb->sources, stalest->key);
    }
  s = g_new0 (Source, 1);
  memcpy (s->key, key, KEY_LEN);
  s->bucket.tokens = (guint64) tb->burst * ONE;
  s->bucket.last = now;
  s->link = g_list_alloc ();
  s->link->data = s;
  g_queue_push_tail_link (&tb->order, s->link);
  g_hash_table_insert (tb->sources, s->key, s);
  return s;
}

gboolean
lmn_token_buckets_allow (LmnTokenBuckets *tb, guint8 family, const guint8 *addr, gint64 now_us)
{
  Source *s = source_for (tb, family, addr, now_us);

  refill (&s->bucket, tb->rate, tb->burst, now_us);
  if (tb->total_rate > 0)
    refill (&tb->total, tb->total_rate, tb->total_burst, now_us);
  if (s->bucket.tokens < ONE || (tb->total_rate > 0 && tb->total.tokens < ONE))
    return FALSE;
  s->bucket.tokens -= ONE;
  if (tb->total_rate > 0)
    tb->total.tokens -= ONE;
  return TRUE;
}

guint
lmn_token_buckets_size (const LmnTokenBuckets *tb)
{
  return g_hash_table_size (tb->sources);
}
