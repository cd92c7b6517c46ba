/* LmnSiteIndex (site-index.h): the sites' prefixes in a prefix table, each with the sites
 * that list it (in configuration order: more than one only where sites overlap, which the
 * configuration file refuses but a caller may build), and the same prefixes sorted by
 * address for the non-EID lengths. */
#include "site-index.h"

#include "addr-bits.h"
#include "prefix-table.h"

#include <string.h>

/* A site listing a prefix, and its place in the configuration. */
typedef struct {
  const LmnSite *site;
  guint order;
} SiteRef;

struct _LmnSiteIndex {
  LmnPrefixTable *prefixes; /* LispPrefix -> GArray of SiteRef (in lists) */
  GPtrArray *lists;         /* the GArrays, owned */
  GArray *sorted;           /* LispPrefix, by instance, family and address */
  guint8 key_ids[256];      /* whether some site has a key with that Key ID */
};

static gint
compare_prefixes (gconstpointer a, gconstpointer b)
{
  const LispPrefix *p = a, *q = b;

  if (p->iid != q->iid)
    return p->iid < q->iid ? -1 : 1;
  if (p->family != q->family)
    return p->family < q->family ? -1 : 1;
  return memcmp (p->addr, q->addr, sizeof p->addr);
}

static void
add_prefix (LmnSiteIndex *idx, const LmnSite *site, guint order, const LispPrefix *p)
{
  GArray *list = lmn_prefix_table_find (idx->prefixes, p);
  SiteRef ref = { site, order };

  if (list == NULL)
    {
      list = g_array_new (FALSE, FALSE, sizeof (SiteRef));
      g_ptr_array_add (idx->lists, list);
      lmn_prefix_table_insert (idx->prefixes, p, list);
      g_array_append_val (idx->sorted, *p);
    }
  g_array_append_val (list, ref);
}

LmnSiteIndex *
lmn_site_index_new (const GPtrArray *sites)
{
  LmnSiteIndex *idx = g_new0 (LmnSiteIndex, 1);

  idx->prefixes = lmn_prefix_table_new ();
  idx->lists = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  idx->sorted = g_array_new (FALSE, FALSE, sizeof (LispPrefix));
  for (guint i = 0; i < sites->len; i++)
    {
      const LmnSite *site = g_ptr_array_index (sites, i);

      for (guint j = 0; j < site->prefixes->len; j++)
        add_prefix (idx, site, i, &g_array_index (site->prefixes, LispPrefix, j));
      for (guint j = 0; j < site->keys->len; j++)
        idx->key_ids[((const LmnSiteKey *) g_ptr_array_index (site->keys, j))->key_id] = TRUE;
    }
  g_array_sort (idx->sorted, compare_prefixes);
  return idx;
}

void
lmn_site_index_free (LmnSiteIndex *idx)
{
  if (idx == NULL)
    return;
  lmn_prefix_table_free (idx->prefixes);
  g_ptr_array_unref (idx->lists);
  g_array_unref (idx->sorted);
  g_free (idx);
}

gboolean
lmn_site_index_has_key_id (const LmnSiteIndex *idx, guint8 key_id)
{
  return idx->key_ids[key_id];
}

typedef struct {
  const LispPrefix *p;
  GArray *refs;      /* SiteRef */
  gboolean allowing; /* only the sites that may register p; else every site holding it */
} Collect;

static gboolean
collect (const LispPrefix *sp, gpointer value, gpointer data)
{
  Collect *c = data;
  GArray *list = value;

  for (guint i = 0; i < list->len; i++)
    {
      const SiteRef *ref = &g_array_index (list, SiteRef, i);

      if (!c->allowing || ref->site->accept_more_specifics || lisp_prefix_equal (sp, c->p))
        g_array_append_val (c->refs, *ref);
    }
  return FALSE; /* every prefix that holds p */
}

static gint
compare_refs (gconstpointer a, gconstpointer b)
{
  const SiteRef *x = a, *y = b;

  return x->order < y->order ? -1 : x->order > y->order;
}

/* The sites that hold (or may register) p, in configuration order, each once. */
static GArray *
sites_for (const LmnSiteIndex *idx, const LispPrefix *p, gboolean allowing)
{
  Collect c = { p, g_array_sized_new (FALSE, FALSE, sizeof (SiteRef), 4), allowing };

  lmn_prefix_table_covering (idx->prefixes, p, collect, &c);
  if (c.refs->len > 1)
    g_array_sort (c.refs, compare_refs);
  for (guint i = 1; i < c.refs->len; i++)
    if (g_array_index (c.refs, SiteRef, i).order == g_array_index (c.refs, SiteRef, i - 1).order)
      g_array_remove_index (c.refs, i--);
  return c.refs;
}

guint
lmn_site_index_allowing (const LmnSiteIndex *idx, const LispPrefix *p, GPtrArray *out)
{
  g_autoptr(GArray) refs = sites_for (idx, p, TRUE);

  for (guint i = 0; i < refs->len; i++)
    g_ptr_array_add (out, (gpointer) g_array_index (refs, SiteRef, i).site);
  return refs->len;
}

const LmnSite *
lmn_site_index_holding (const LmnSiteIndex *idx, const LispPrefix *q)
{
  GArray *list;
  g_autoptr(GArray) refs = NULL;

  /* The common case: one site prefix holds q, listed by one site. */
  list = lmn_prefix_table_covering (idx->prefixes, q, NULL, NULL);
  if (list == NULL)
    return NULL;
  refs = sites_for (idx, q, FALSE);
  return g_array_index (refs, SiteRef, 0).site;
}

guint
lmn_site_index_non_eid_len (const LmnSiteIndex *idx, guint32 iid, guint8 family, const guint8 *addr)
{
  guint max = family == LISP_FAMILY_IPV4 ? 32 : 128;
  guint lo = 0, hi = idx->sorted->len, best = 0;
  gboolean any = FALSE;
  LispPrefix key;

  if (!lisp_prefix_init (&key, iid, family, addr, (guint8) max))
    return 0;
  /* The first site prefix at or after addr; the one before it and it share the most
   * leading bits with addr of all (sorted bit strings). */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (compare_prefixes (&g_array_index (idx->sorted, LispPrefix, mid), &key) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (guint i = lo > 0 ? lo - 1 : 0; i <= lo && i < idx->sorted->len; i++)
    {
      const LispPrefix *sp = &g_array_index (idx->sorted, LispPrefix, i);

      if (sp->iid != iid || sp->family != family)
        continue;
      best = MAX (best, lisp_addr_common_bits (sp->addr, addr, max));
      any = TRUE;
    }
  return any ? MIN (best + 1, max) : 0;
}
