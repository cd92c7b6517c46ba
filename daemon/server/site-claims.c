/* LmnSiteClaims (site-claims.h): the claimed prefixes in a balanced tree ordered by
 * instance, family, address and length. Claimed prefixes overlap none another, so the one
 * that holds a new prefix p comes right before p in that order, and the first one p holds
 * right after it: those two are all a check needs. */
#include "site-claims.h"

#include <string.h>

struct _LmnSiteClaims {
  GTree *tree; /* LispPrefix* (owned) -> const LmnSite* */
};

static gint
compare_claims (gconstpointer a, gconstpointer b, gpointer unused)
{
  const LispPrefix *p = a, *q = b;
  int c = memcmp (p->addr, q->addr, sizeof p->addr);

  if (p->iid != q->iid)
    return p->iid < q->iid ? -1 : 1;
  if (p->family != q->family)
    return p->family < q->family ? -1 : 1;
  if (c != 0)
    return c;
  return (p->len > q->len) - (p->len < q->len);
}

LmnSiteClaims *
lmn_site_claims_new (void)
{
  LmnSiteClaims *claims = g_new0 (LmnSiteClaims, 1);

  claims->tree = g_tree_new_full (compare_claims, NULL, g_free, NULL);
  return claims;
}

void
lmn_site_claims_free (LmnSiteClaims *claims)
{
  if (claims == NULL)
    return;
  g_tree_unref (claims->tree);
  g_free (claims);
}

void
lmn_site_claims_add (LmnSiteClaims *claims, const LmnSite *site)
{
  for (guint i = 0; i < site->prefixes->len; i++)
    g_tree_insert (claims->tree,
                   g_memdup2 (&g_array_index (site->prefixes, LispPrefix, i), sizeof (LispPrefix)),
                   (gpointer) site);
}

/* Whether the two prefixes' first min(lengths) bits, instance and family are the same. */
static gboolean
prefixes_overlap (const LispPrefix *o, const LispPrefix *p)
{
  guint8 l = MIN (o->len, p->len);
  LispPrefix a, b;

  lisp_prefix_init (&a, o->iid, o->family, o->addr, l);
  lisp_prefix_init (&b, p->iid, p->family, p->addr, l);
  return lisp_prefix_equal (&a, &b);
}

const LispPrefix *
lmn_site_claims_overlap (const LmnSiteClaims *claims, const LispPrefix *p, const LmnSite **site)
{
  GTreeNode *after = g_tree_lower_bound (claims->tree, p);
  GTreeNode *before = after != NULL ? g_tree_node_previous (after)
                                    : g_tree_node_last (claims->tree);
  GTreeNode *hit = NULL;

  if (after != NULL && prefixes_overlap (g_tree_node_key (after), p))
    hit = after;
  else if (before != NULL && prefixes_overlap (g_tree_node_key (before), p))
    hit = before;
  if (hit == NULL)
    return NULL;
  *site = g_tree_node_value (hit);
  return g_tree_node_key (hit);
}
