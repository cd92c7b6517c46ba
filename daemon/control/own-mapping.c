#include "own-mapping.h"

#include <string.h>

LispAddress *
lmn_prefix_to_address (const LispPrefix *p)
{
  LispAddress *a = p->family == LISP_FAMILY_IPV4 ? lisp_address_new_ipv4 (p->addr)
                                                 : lisp_address_new_ipv6 (p->addr);

  return p->iid != 0 ? lisp_address_new_instance_id (p->iid, 0, a) : a;
}

guint
lmn_own_mapping_n_rlocs (const LmnLocalRlocs *rlocs)
{
  guint n = 0;

  for (guint i = 0; i < lmn_local_rlocs_size (rlocs); i++)
    if (lmn_local_rlocs_get (rlocs, i)->up)
      n++;
  return n;
}

LispRecord *
lmn_own_mapping_record (const LispPrefix *eid, const LmnLocalRlocs *rlocs, const LmnIp *probed)
{
  LispRecord *rec = lisp_record_new (lmn_prefix_to_address (eid), eid->len, LMN_OWN_RECORD_TTL);

  rec->authoritative = TRUE;
  for (guint i = 0; i < lmn_local_rlocs_size (rlocs); i++)
    {
      const LmnLocalRloc *r = lmn_local_rlocs_get (rlocs, i);
      LispLocator *loc;

      if (!r->up)
        continue;
      loc = lisp_locator_new (r->family == 4 ? lisp_address_new_ipv4 (r->addr)
                                             : lisp_address_new_ipv6 (r->addr),
                              r->priority, r->weight);
      loc->local = TRUE;
      loc->reachable = TRUE;
      loc->probed = probed != NULL && probed->family == r->family &&
                    memcmp (probed->addr, r->addr, lmn_ip_family_len (r->family)) == 0;
      g_ptr_array_add (rec->locators, loc);
    }
  return rec;
}

const LispPrefix *
lmn_own_mapping_find (const LmnConfig *config, const LispPrefix *asked)
{
  for (guint i = 0; i < config->eids->len; i++)
    {
      const LispPrefix *p = &g_array_index (config->eids, LispPrefix, i);

      if (asked->len >= p->len && lisp_prefix_contains (p, asked->iid, asked->family, asked->addr))
        return p;
    }
  return NULL;
}
