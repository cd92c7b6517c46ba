#include "handover-tracker.h"

#include "registrar.h"
#include "registration.h"

struct _LmnHandoverTracker {
  LmnHandoverFunc func;
  gpointer        user_data;
  GHashTable     *came;      /* address -> NULL, of the move not yet reported */
  GHashTable     *went;
  gint64          since;     /* monotonic µs of the first unreported move; 0 = none */
  guint           timeout;
};

LmnHandoverTracker *
lmn_handover_tracker_new (LmnHandoverFunc func, gpointer user_data)
{
  LmnHandoverTracker *t = g_new0 (LmnHandoverTracker, 1);

  t->func = func;
  t->user_data = user_data;
  t->came = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  t->went = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return t;
}

void
lmn_handover_tracker_free (LmnHandoverTracker *t)
{
  if (t == NULL)
    return;
  g_clear_handle_id (&t->timeout, g_source_remove);
  g_hash_table_unref (t->came);
  g_hash_table_unref (t->went);
  g_free (t);
}

static int
compare_strings (const void *a, const void *b)
{
  return g_strcmp0 (*(const gchar *const *) a, *(const gchar *const *) b);
}

static gchar **
sorted_keys (GHashTable *set)
{
  gchar **keys = (gchar **) g_hash_table_get_keys_as_array (set, NULL);
  gchar **copy = g_strdupv (keys);

  g_free (keys);
  qsort (copy, g_strv_length (copy), sizeof *copy, compare_strings);
  return copy;
}

static void
report (LmnHandoverTracker *t, gdouble seconds)
{
  g_auto(GStrv) came = sorted_keys (t->came);
  g_auto(GStrv) went = sorted_keys (t->went);

  g_clear_handle_id (&t->timeout, g_source_remove);
  g_hash_table_remove_all (t->came);
  g_hash_table_remove_all (t->went);
  t->since = 0;
  if (came[0] == NULL && went[0] == NULL)
    return;   /* what came went again (or the reverse): no move after all */
  t->func ((const gchar *const *) came, (const gchar *const *) went, seconds, t->user_data);
}

static gboolean
on_timeout (gpointer user_data)
{
  LmnHandoverTracker *t = user_data;

  t->timeout = 0;
  report (t, -1.0);
  return G_SOURCE_REMOVE;
}

/* The time of the last confirmation when every map-server acknowledged a Map-Register sent
 * after the move; 0 otherwise. */
static gint64
confirmed_at (LmnHandoverTracker *t, LmnNode *node)
{
  LmnRegistrar *registrar = lmn_node_get_registrar (node);
  gint64 last = 0;

  for (guint i = 0; i < lmn_registrar_n_servers (registrar); i++)
    {
      const LmnRegistration *reg = lmn_registrar_get (registrar, i);

      if (reg->state != LMN_REG_REGISTERED || reg->last_sent < t->since
          || reg->last_notify < reg->last_sent)
        return 0;
      last = MAX (last, reg->last_notify);
    }
  return last;
}

void
lmn_handover_tracker_update (LmnHandoverTracker *t, LmnNode *node)
{
  gint64 at;

  if (t->since == 0)
    return;
  if (node == NULL || lmn_registrar_n_servers (lmn_node_get_registrar (node)) == 0)
    {
      report (t, -1.0);
      return;
    }
  at = confirmed_at (t, node);
  if (at != 0)
    report (t, (gdouble) (at - t->since) / G_USEC_PER_SEC);
}

/* An address that came and went again before the report cancels out. */
static void
add_all (GHashTable *to, GHashTable *opposite, const GPtrArray *addresses)
{
  for (guint i = 0; i < addresses->len; i++)
    {
      const gchar *a = g_ptr_array_index (addresses, i);

      if (!g_hash_table_remove (opposite, a))
        g_hash_table_add (to, g_strdup (a));
    }
}

void
lmn_handover_tracker_moved (LmnHandoverTracker *t, LmnNode *node, const GPtrArray *came,
                            const GPtrArray *went)
{
  if (came->len == 0 && went->len == 0)
    return;
  add_all (t->came, t->went, came);
  add_all (t->went, t->came, went);
  if (t->since == 0)
    {
      t->since = node != NULL && lmn_node_get_rlocs_changed_at (node) != 0
                   ? lmn_node_get_rlocs_changed_at (node) : g_get_monotonic_time ();
      t->timeout = g_timeout_add_seconds (LMN_HANDOVER_WAIT_S, on_timeout, t);
    }
  lmn_handover_tracker_update (t, node);
}
