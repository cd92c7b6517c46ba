/* The RTR's NAT bindings (nat-bindings.h): unverified ones in a hash table by (xTR-ID,
 * nonce) and a queue by arrival, so that both eviction of the oldest and lookup are cheap
 * under a flood; verified ones in an array (a handful of nodes per RTR, looked up per data
 * packet by their EID-prefixes). */
#include "nat-bindings.h"

#include <string.h>

#define PENDING_KEY 24 /* xTR-ID, nonce */

typedef struct {
  guint8 key[PENDING_KEY];
  LmnNatBinding b;
  GList *link; /* in LmnNatBindings.order */
} Pending;

struct _LmnNatBindings {
  guint max_unverified;
  GHashTable *pending; /* key bytes -> Pending* (owned) */
  GQueue order;        /* Pending*, oldest first */
  GPtrArray *verified; /* LmnNatBinding* (owned) */
};

/* FNV-1a. A forger choosing colliding xTR-IDs gains little: the table is bounded. */
static guint
key_hash (gconstpointer k)
{
  const guint8 *b = k;
  guint32 h = 2166136261u;

  for (guint i = 0; i < PENDING_KEY; i++)
    h = (h ^ b[i]) * 16777619u;
  return h;
}

static gboolean
key_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, PENDING_KEY) == 0;
}

static void
binding_clear (LmnNatBinding *b)
{
  g_clear_pointer (&b->eids, g_array_unref);
}

static void
pending_free (Pending *p)
{
  binding_clear (&p->b);
  g_free (p);
}

static void
verified_free (LmnNatBinding *b)
{
  binding_clear (b);
  g_free (b);
}

LmnNatBindings *
lmn_nat_bindings_new (guint max_unverified)
{
  LmnNatBindings *t = g_new0 (LmnNatBindings, 1);

  t->max_unverified = MAX (max_unverified, 1);
  t->pending = g_hash_table_new_full (key_hash, key_equal, NULL, (GDestroyNotify) pending_free);
  g_queue_init (&t->order);
  t->verified = g_ptr_array_new_with_free_func ((GDestroyNotify) verified_free);
  return t;
}

void
lmn_nat_bindings_free (LmnNatBindings *t)
{
  if (t == NULL)
    return;
  g_queue_clear (&t->order);
  g_hash_table_unref (t->pending);
  g_ptr_array_unref (t->verified);
  g_free (t);
}

static void
make_key (guint8 key[PENDING_KEY], const guint8 xtr_id[16], guint64 nonce)
{
  memcpy (key, xtr_id, 16);
  memcpy (key + 16, &nonce, 8);
}

static void
remove_pending (LmnNatBindings *t, Pending *p)
{
  g_queue_delete_link (&t->order, p->link);
  g_hash_table_remove (t->pending, p->key);
}

gboolean
lmn_nat_bindings_add_unverified (LmnNatBindings *t, LmnNatBinding *b, guint64 nonce)
{
  Pending *p = g_new0 (Pending, 1);
  Pending *old;
  gboolean evicted = FALSE;

  make_key (p->key, b->xtr_id, nonce);
  old = g_hash_table_lookup (t->pending, p->key);
  if (old != NULL)
    remove_pending (t, old);
  else if (g_hash_table_size (t->pending) >= t->max_unverified)
    {
      remove_pending (t, g_queue_peek_head (&t->order));
      evicted = TRUE;
    }
  p->b = *b;
  b->eids = NULL;
  g_queue_push_tail (&t->order, p);
  p->link = g_queue_peek_tail_link (&t->order);
  g_hash_table_insert (t->pending, p->key, p);
  return evicted;
}

static LmnNatBinding *
find_verified (const LmnNatBindings *t, const guint8 xtr_id[16], guint *index)
{
  for (guint i = 0; i < t->verified->len; i++)
    {
      LmnNatBinding *v = g_ptr_array_index (t->verified, i);

      if (memcmp (v->xtr_id, xtr_id, 16) == 0)
        {
          *index = i;
          return v;
        }
    }
  return NULL;
}

const LmnNatBinding *
lmn_nat_bindings_verify (LmnNatBindings *t, const guint8 xtr_id[16], guint64 nonce, gint64 now)
{
  guint8 key[PENDING_KEY];
  Pending *p;
  LmnNatBinding *v;
  guint index;

  make_key (key, xtr_id, nonce);
  p = g_hash_table_lookup (t->pending, key);
  if (p == NULL)
    return NULL;
  v = find_verified (t, xtr_id, &index);
  if (v == NULL)
    {
      v = g_new0 (LmnNatBinding, 1);
      g_ptr_array_add (t->verified, v);
    }
  binding_clear (v);
  *v = p->b;
  p->b.eids = NULL;
  v->since = now;
  remove_pending (t, p);
  return v;
}

const LmnNatBinding *
lmn_nat_bindings_find_eid (const LmnNatBindings *t, guint32 iid, guint8 family, const guint8 *addr)
{
  const LmnNatBinding *best = NULL;
  guint best_len = 0;

  for (guint i = 0; i < t->verified->len; i++)
    {
      const LmnNatBinding *v = g_ptr_array_index (t->verified, i);

      for (guint j = 0; j < v->eids->len; j++)
        {
          const LispPrefix *p = &g_array_index (v->eids, LispPrefix, j);

          if (lisp_prefix_contains (p, iid, family, addr) && (best == NULL || p->len > best_len))
            {
              best = v;
              best_len = p->len;
            }
        }
    }
  return best;
}

guint
lmn_nat_bindings_expire (LmnNatBindings *t, gint64 now, guint *unverified)
{
  guint lapsed = 0;

  *unverified = 0;
  while (!g_queue_is_empty (&t->order))
    {
      Pending *p = g_queue_peek_head (&t->order);

      /* The queue is in arrival order: the first one still young ends the walk. */
      if (now - p->b.since < LMN_NAT_UNVERIFIED_LIFETIME)
        break;
      remove_pending (t, p);
      (*unverified)++;
    }
  for (guint i = t->verified->len; i > 0; i--)
    {
      const LmnNatBinding *v = g_ptr_array_index (t->verified, i - 1);

      if (now - v->since >= LMN_NAT_VERIFIED_LIFETIME)
        {
          g_ptr_array_remove_index_fast (t->verified, i - 1);
          lapsed++;
        }
    }
  return lapsed;
}

guint
lmn_nat_bindings_unverified (const LmnNatBindings *t)
{
  return g_hash_table_size (t->pending);
}

const GPtrArray *
lmn_nat_bindings_verified (const LmnNatBindings *t)
{
  return t->verified;
}
