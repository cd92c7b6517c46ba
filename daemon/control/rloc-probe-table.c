#include "rloc-probe-table.h"

#include "lmn-ip.h"

#include <string.h>

struct _LmnProbeTable {
  gint64     interval;
  gint64     retry;
  guint      max_misses;
  gint64     slack;
  GPtrArray *targets;   /* LmnProbeTarget*; a handful per peer, so searched linearly */
};

LmnProbeTable *
lmn_probe_table_new (gint64 interval, gint64 retry, guint max_misses, gint64 slack)
{
  LmnProbeTable *table;

  g_return_val_if_fail (interval > 0 && retry > 0 && max_misses > 0 && slack >= 0, NULL);

  table = g_new0 (LmnProbeTable, 1);
  table->interval = interval;
  /* A probe is given up before the next one is due. */
  table->retry = MIN (retry, interval);
  table->max_misses = max_misses;
  table->slack = MIN (slack, table->retry / 2);
  table->targets = g_ptr_array_new_with_free_func (g_free);
  return table;
}

void
lmn_probe_table_free (LmnProbeTable *table)
{
  if (table == NULL)
    return;
  g_ptr_array_unref (table->targets);
  g_free (table);
}

static LmnProbeTarget *
find (const LmnProbeTable *table, guint8 family, const guint8 *addr)
{
  for (guint i = 0; i < table->targets->len; i++)
    {
      LmnProbeTarget *t = g_ptr_array_index (table->targets, i);

      if (t->family == family && memcmp (t->addr, addr, lmn_ip_family_len (family)) == 0)
        return t;
    }
  return NULL;
}

const LmnProbeTarget *
lmn_probe_table_find (const LmnProbeTable *table, guint8 family, const guint8 *addr)
{
  return find (table, family, addr);
}

void
lmn_probe_table_note_in_use (LmnProbeTable *table, guint8 family, const guint8 *addr,
                             const LispPrefix *eid, gint64 now)
{
  LmnProbeTarget *t = find (table, family, addr);

  g_return_if_fail (family == 4 || family == 6);

  if (t == NULL)
    {
      if (table->targets->len >= LMN_PROBE_TARGETS_MAX)
        return;
      t = g_new0 (LmnProbeTarget, 1);
      t->family = family;
      memcpy (t->addr, addr, lmn_ip_family_len (family));
      t->reachable = TRUE;
      t->rtt = -1;
      t->next_due = now;
      g_ptr_array_add (table->targets, t);
    }
  t->eid = *eid;
  t->last_in_use = now;
}

GArray *
lmn_probe_table_forget (LmnProbeTable *table, gint64 since)
{
  GArray *gone = g_array_new (FALSE, FALSE, sizeof (LmnProbeTarget));

  for (guint i = table->targets->len; i-- > 0;)
    {
      LmnProbeTarget *t = g_ptr_array_index (table->targets, i);

      if (t->last_in_use < since)
        {
          g_array_append_val (gone, *t);
          g_ptr_array_remove_index (table->targets, i);
        }
    }
  return gone;
}

GPtrArray *
lmn_probe_table_due (LmnProbeTable *table, gint64 now, LmnNonceFunc next_nonce, GArray *went_down, guint *missed)
{
  GPtrArray *due = g_ptr_array_new ();

  if (missed != NULL)
    *missed = 0;

  for (guint i = 0; i < table->targets->len; i++)
    {
      LmnProbeTarget *t = g_ptr_array_index (table->targets, i);

      if (t->awaiting && now + table->slack >= t->sent_at + table->retry)
        {
          t->awaiting = FALSE;
          t->misses++;
          if (missed != NULL)
            (*missed)++;
          if (t->misses >= table->max_misses && t->reachable)
            {
              t->reachable = FALSE;
              g_array_append_val (went_down, *t);
            }
          /* A reachable locator is asked again at once; an unreachable one at the pace of
           * the interval. A late answer to the missed probe still counts until then. */
          if (t->reachable)
            t->next_due = now;
        }
      if (!t->awaiting && now + table->slack >= t->next_due)
        {
          do
            t->nonce = next_nonce ();
          while (t->nonce == 0);
          t->sent_at = now;
          t->awaiting = TRUE;
          t->next_due = now + table->interval;
          g_ptr_array_add (due, t);
        }
    }
  return due;
}

LmnProbeAnswer
lmn_probe_table_answer (LmnProbeTable *table, guint64 nonce, gint64 now,
                        const LmnProbeTarget **target)
{
  if (target != NULL)
    *target = NULL;
  if (nonce == 0)
    return LMN_PROBE_ANSWER_UNKNOWN;
  for (guint i = 0; i < table->targets->len; i++)
    {
      LmnProbeTarget *t = g_ptr_array_index (table->targets, i);
      gboolean was_down;

      if (t->nonce != nonce)
        continue;
      was_down = !t->reachable;
      t->nonce = 0;   /* each nonce answers once */
      t->awaiting = FALSE;
      t->misses = 0;
      t->rtt = now - t->sent_at;
      t->reachable = TRUE;
      if (target != NULL)
        *target = t;
      return was_down ? LMN_PROBE_ANSWER_NOW_UP : LMN_PROBE_ANSWER_OK;
    }
  return LMN_PROBE_ANSWER_UNKNOWN;
}

void
lmn_probe_table_unsent (LmnProbeTable *table, guint64 nonce)
{
  for (guint i = 0; nonce != 0 && i < table->targets->len; i++)
    {
      LmnProbeTarget *t = g_ptr_array_index (table->targets, i);

      if (t->nonce == nonce)
        {
          t->nonce = 0;
          t->awaiting = FALSE;
          t->next_due = t->sent_at + table->interval;
          return;
        }
    }
}

gint64
lmn_probe_table_next_event (const LmnProbeTable *table)
{
  gint64 next = G_MAXINT64;

  for (guint i = 0; i < table->targets->len; i++)
    {
      const LmnProbeTarget *t = g_ptr_array_index (table->targets, i);

      next = MIN (next, t->awaiting ? t->sent_at + table->retry : t->next_due);
    }
  return next;
}

guint
lmn_probe_table_size (const LmnProbeTable *table)
{
  return table->targets->len;
}

const LmnProbeTarget *
lmn_probe_table_get (const LmnProbeTable *table, guint i)
{
  return i < table->targets->len ? g_ptr_array_index (table->targets, i) : NULL;
}
