#include "uplink-ranking.h"

static void
ranked_free (LmnRankedUplink *u)
{
  g_free (u->interface);
  g_free (u->connection);
  g_free (u);
}

static gint
compare_metric (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* 1 + the number of distinct known metrics below this one; unknown metrics come last. */
static guint
metric_rank (GArray *metrics, gint64 metric)
{
  guint rank = 1;

  if (metric < 0)
    return metrics->len + 1;
  for (guint i = 0; i < metrics->len; i++)
    if (g_array_index (metrics, gint64, i) < metric)
      rank++;
  return rank;
}

static gint
preference (const LmnVpnData *data, gint (*lookup) (const LmnVpnData *, const char *),
            const LmnUplinkCandidate *c, gint user_value)
{
  gint value = data != NULL ? lookup (data, c->interface) : -1;

  if (value < 0 && data != NULL && c->connection_id != NULL)
    value = lookup (data, c->connection_id);
  if (value < 0 && data != NULL && c->connection_uuid != NULL)
    value = lookup (data, c->connection_uuid);
  if (value < 0)
    value = user_value;
  return value;
}

GPtrArray *
lmn_rank_uplinks (const LmnUplinkCandidate *candidates, guint n, const LmnVpnData *data)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ranked_free);
  g_autoptr(GArray) metrics = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  /* The distinct metrics of the usable uplinks, for the ranks. */
  for (guint i = 0; i < n; i++)
    {
      gboolean known = FALSE;

      if (!candidates[i].carrier || !candidates[i].default_route || candidates[i].metric < 0)
        continue;
      for (guint j = 0; j < metrics->len; j++)
        known |= g_array_index (metrics, gint64, j) == candidates[i].metric;
      if (!known)
        g_array_append_val (metrics, candidates[i].metric);
    }
  g_array_sort (metrics, compare_metric);

  for (guint i = 0; i < n; i++)
    {
      const LmnUplinkCandidate *c = &candidates[i];
      LmnRankedUplink *u;
      gint priority, weight;

      if (!c->carrier || c->interface == NULL || g_hash_table_contains (seen, c->interface))
        continue;
      priority = preference (data, lmn_vpn_data_priority, c, c->user_priority);
      if (priority < 0 && !c->default_route)
        continue;
      g_hash_table_add (seen, (gpointer) c->interface);
      if (priority < 0)
        priority = (gint) MIN (metric_rank (metrics, c->metric), 254u);
      weight = preference (data, lmn_vpn_data_weight, c, c->user_weight);
      if (weight < 0)
        weight = LMN_RANK_DEFAULT_WEIGHT;
      /* 255 means "never used" to LISP: a demoted uplink stays a last resort. */
      if (c->degraded && priority < 255)
        priority = MIN (priority + LMN_RANK_DEMOTION, 254);
      u = g_new0 (LmnRankedUplink, 1);
      u->interface = g_strdup (c->interface);
      u->connection = g_strdup (c->connection_id);
      u->priority = (guint8) priority;
      u->weight = (guint8) weight;
      g_ptr_array_add (out, u);
    }
  return out;
}

gint
lmn_rank_parse_user_value (const char *text)
{
  g_autofree gchar *trimmed = text != NULL ? g_strstrip (g_strdup (text)) : NULL;
  guint64 value;

  if (trimmed == NULL || !g_ascii_string_to_unsigned (trimmed, 10, 0, 255, &value, NULL))
    return -1;
  return (gint) value;
}
