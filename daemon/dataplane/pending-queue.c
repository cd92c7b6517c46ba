#include "pending-queue.h"

#include <string.h>

typedef struct {
  guint32 iid;
  guint8  family;
  guint8  addr[16];
} Destination;

typedef struct {
  Destination key;
  gint64      since;    /* when its first packet came */
  GQueue      packets;  /* GBytes* */
} Waiting;

struct _LmnPendingQueue {
  guint       per_destination;
  guint       total;
  guint       length;
  GHashTable *waiting;  /* Destination* -> Waiting* (the key lives in the value) */
};

static guint
destination_hash (gconstpointer p)
{
  const Destination *d = p;
  guint h = d->iid * 31u + d->family;

  for (guint i = 0; i < 16; i++)
    h = h * 31u + d->addr[i];
  return h;
}

static gboolean
destination_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (Destination)) == 0;
}

static void
waiting_free (Waiting *w)
{
  g_queue_clear_full (&w->packets, (GDestroyNotify) g_bytes_unref);
  g_free (w);
}

LmnPendingQueue *
lmn_pending_queue_new (guint per_destination, guint total)
{
  LmnPendingQueue *q = g_new0 (LmnPendingQueue, 1);

  q->per_destination = per_destination;
  q->total = total;
  q->waiting = g_hash_table_new_full (destination_hash, destination_equal, NULL,
                                      (GDestroyNotify) waiting_free);
  return q;
}

void
lmn_pending_queue_free (LmnPendingQueue *q)
{
  if (q == NULL)
    return;
  g_hash_table_unref (q->waiting);
  g_free (q);
}

LmnPendingResult
lmn_pending_queue_push (LmnPendingQueue *q, guint32 iid, guint8 family, const guint8 *dst,
                        const guint8 *packet, gsize len, gint64 now)
{
  Destination key = { .iid = iid, .family = family };
  Waiting *w;
  gboolean first;

  memcpy (key.addr, dst, family == LISP_FAMILY_IPV4 ? 4 : 16);
  w = g_hash_table_lookup (q->waiting, &key);
  if (q->per_destination == 0 || q->length >= q->total ||
      (w != NULL && w->packets.length >= q->per_destination))
    return LMN_PENDING_FULL;
  first = w == NULL;
  if (first)
    {
      w = g_new0 (Waiting, 1);
      w->key = key;
      w->since = now;
      g_queue_init (&w->packets);
      g_hash_table_insert (q->waiting, &w->key, w);
    }
  g_queue_push_tail (&w->packets, g_bytes_new (packet, len));
  q->length++;
  return first ? LMN_PENDING_FIRST : LMN_PENDING_QUEUED;
}

/* Hands back w's packets in order; w itself is removed by the caller. */
static guint
hand_back (LmnPendingQueue *q, Waiting *w, LmnPendingFunc func, gpointer user_data)
{
  guint n = 0;
  GBytes *b;

  while ((b = g_queue_pop_head (&w->packets)) != NULL)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (b, &len);

      q->length--;
      func (data, len, user_data);
      g_bytes_unref (b);
      n++;
    }
  return n;
}

/* Collects the destinations matching a condition first: func may push new packets. */
static guint
take_matching (LmnPendingQueue *q, gboolean (*match) (const Waiting *w, gconstpointer arg),
               gconstpointer arg, LmnPendingFunc func, gpointer user_data)
{
  g_autoptr(GPtrArray) taken = g_ptr_array_new_with_free_func ((GDestroyNotify) waiting_free);
  GHashTableIter iter;
  Waiting *w;
  guint n = 0;

  g_hash_table_iter_init (&iter, q->waiting);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &w))
    if (match (w, arg))
      {
        g_hash_table_iter_steal (&iter);
        g_ptr_array_add (taken, w);
      }
  /* Oldest destination first, as the packets came. */
  for (guint i = 0; i < taken->len; i++)
    for (guint j = i + 1; j < taken->len; j++)
      if (((Waiting *) taken->pdata[j])->since < ((Waiting *) taken->pdata[i])->since)
        {
          gpointer t = taken->pdata[i];

          taken->pdata[i] = taken->pdata[j];
          taken->pdata[j] = t;
        }
  for (guint i = 0; i < taken->len; i++)
    n += hand_back (q, taken->pdata[i], func, user_data);
  return n;
}

static gboolean
in_prefix (const Waiting *w, gconstpointer arg)
{
  const LispPrefix *p = arg;

  return lisp_prefix_contains (p, w->key.iid, w->key.family, w->key.addr);
}

guint
lmn_pending_queue_release (LmnPendingQueue *q, const LispPrefix *prefix, LmnPendingFunc func,
                           gpointer user_data)
{
  return take_matching (q, in_prefix, prefix, func, user_data);
}

static gboolean
waited_since (const Waiting *w, gconstpointer arg)
{
  return w->since <= *(const gint64 *) arg;
}

guint
lmn_pending_queue_expire (LmnPendingQueue *q, gint64 now, gint64 max_wait, LmnPendingFunc func,
                          gpointer user_data)
{
  gint64 limit = now - max_wait;

  return take_matching (q, waited_since, &limit, func, user_data);
}

guint
lmn_pending_queue_length (const LmnPendingQueue *q)
{
  return q->length;
}

gint64
lmn_pending_queue_next_expiry (const LmnPendingQueue *q, gint64 max_wait)
{
  GHashTableIter iter;
  Waiting *w;
  gint64 oldest = G_MAXINT64;

  g_hash_table_iter_init (&iter, q->waiting);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &w))
    oldest = MIN (oldest, w->since);
  return oldest == G_MAXINT64 ? G_MAXINT64 : oldest + max_wait;
}
