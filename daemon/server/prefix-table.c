/* LmnPrefixTable (prefix-table.h): a hash table of prefixes, and for each family how many
 * prefixes of each length it holds, so that a lookup of what holds q probes only the lengths
 * in use, from q's own down. */
#include "prefix-table.h"

#include <string.h>

#define MAX_LEN 128

typedef struct {
  LispPrefix prefix;
  gpointer value;
} Entry;

struct _LmnPrefixTable {
  GHashTable *entries;           /* Entry* (its prefix is the key), owned */
  guint lengths[2][MAX_LEN + 1]; /* [IPv4, IPv6][length]: how many prefixes */
};

static guint
prefix_hash (gconstpointer key)
{
  const LispPrefix *p = key;
  guint32 h = 2166136261u ^ p->iid ^ ((guint32) p->family << 8) ^ ((guint32) p->len << 16);
  guint bytes = p->family == LISP_FAMILY_IPV4 ? 4 : 16;

  /* FNV-1a over the address bytes (those past the length are zero). */
  for (guint i = 0; i < bytes; i++)
    h = (h ^ p->addr[i]) * 16777619u;
  return h;
}

static gboolean
prefix_equal (gconstpointer a, gconstpointer b)
{
  return lisp_prefix_equal (a, b);
}

static guint *
length_counts (LmnPrefixTable *t, const LispPrefix *p)
{
  return t->lengths[p->family == LISP_FAMILY_IPV4 ? 0 : 1];
}

LmnPrefixTable *
lmn_prefix_table_new (void)
{
  LmnPrefixTable *t = g_new0 (LmnPrefixTable, 1);

  t->entries = g_hash_table_new_full (prefix_hash, prefix_equal, NULL, g_free);
  return t;
}

void
lmn_prefix_table_free (LmnPrefixTable *t)
{
  if (t == NULL)
    return;
  g_hash_table_unref (t->entries);
  g_free (t);
}

void
lmn_prefix_table_insert (LmnPrefixTable *t, const LispPrefix *p, gpointer value)
{
  Entry *e = g_hash_table_lookup (t->entries, p);

  g_return_if_fail (p->len <= MAX_LEN);
  if (e == NULL)
    {
      e = g_new (Entry, 1);
      /* Through lisp_prefix_init: the bits past the length cleared, whatever p holds. */
      lisp_prefix_init (&e->prefix, p->iid, p->family, p->addr, p->len);
      g_hash_table_add (t->entries, e);
      length_counts (t, p)[p->len]++;
    }
  e->value = value;
}

gboolean
lmn_prefix_table_remove (LmnPrefixTable *t, const LispPrefix *p)
{
  if (!g_hash_table_remove (t->entries, p))
    return FALSE;
  length_counts (t, p)[p->len]--;
  return TRUE;
}

gpointer
lmn_prefix_table_find (const LmnPrefixTable *t, const LispPrefix *p)
{
  const Entry *e = g_hash_table_lookup (t->entries, p);

  return e != NULL ? e->value : NULL;
}

guint
lmn_prefix_table_size (const LmnPrefixTable *t)
{
  return g_hash_table_size (t->entries);
}

gpointer
lmn_prefix_table_covering (const LmnPrefixTable *t, const LispPrefix *q, LmnPrefixVisit func,
                           gpointer data)
{
  const guint *counts;

  if (q->family != LISP_FAMILY_IPV4 && q->family != LISP_FAMILY_IPV6)
    return NULL;
  counts = t->lengths[q->family == LISP_FAMILY_IPV4 ? 0 : 1];
  for (gint len = MIN (q->len, MAX_LEN); len >= 0; len--)
    {
      LispPrefix candidate;
      const Entry *e;

      if (counts[len] == 0 ||
          !lisp_prefix_init (&candidate, q->iid, q->family, q->addr, (guint8) len))
        continue;
      e = g_hash_table_lookup (t->entries, &candidate);
      if (e != NULL && (func == NULL || func (&e->prefix, e->value, data)))
        return e->value;
    }
  return NULL;
}
