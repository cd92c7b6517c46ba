/* Our own mapping (own-mapping.h): our EIDs with our usable RLOCs, as the records we
 * register and answer with and as the source EID and ITR-RLOCs of our Map-Requests. */
#include "own-mapping.h"

#include <string.h>

LispAddress *
lmn_prefix_to_address (const LispPrefix *p)
{
  LispAddress *a = p->family == LISP_FAMILY_IPV4 ? lisp_address_new_ipv4 (p->addr)
                                                 : lisp_address_new_ipv6 (p->addr);

  return p->iid != 0 ? lisp_address_new_instance_id (p->iid, 0, a) : a;
}

/* An RLOC of ours as a LISP address. */
static LispAddress *
rloc_address (const LmnLocalRloc *r)
{
  return r->family == 4 ? lisp_address_new_ipv4 (r->addr) : lisp_address_new_ipv6 (r->addr);
}

static LispAddress *
ip_address (const LmnIp *ip)
{
  return ip->family == 4 ? lisp_address_new_ipv4 (ip->addr) : lisp_address_new_ipv6 (ip->addr);
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

/* Whether rec already lists the address (two uplinks behind NATs may share an RTR). */
static gboolean
record_lists (const LispRecord *rec, const LispAddress *a)
{
  for (guint i = 0; i < rec->locators->len; i++)
    if (lisp_address_equal (((LispLocator *) rec->locators->pdata[i])->address, a))
      return TRUE;
  return FALSE;
}

LispRecord *
lmn_own_mapping_record (const LispPrefix *eid, const LmnLocalRlocs *rlocs, const LmnIp *probed)
{
  LispRecord *rec = lisp_record_new (lmn_prefix_to_address (eid), eid->len, LMN_OWN_RECORD_TTL);

  rec->authoritative = TRUE;
  for (guint i = 0; i < lmn_local_rlocs_size (rlocs); i++)
    {
      const LmnLocalRloc *r = lmn_local_rlocs_get (rlocs, i);
      g_autoptr(LispAddress) address = NULL;
      LispLocator *loc;

      if (!r->up)
        continue;
      /* Behind a NAT peers reach us through the RTR; our private address would be useless
       * to them and would tell them about the network we are in. */
      address = LMN_LOCAL_RLOC_VIA_RTR (r) ? ip_address (&r->nat.rtr) : rloc_address (r);
      if (record_lists (rec, address))
        continue;
      loc = lisp_locator_new (g_steal_pointer (&address), r->priority, r->weight);
      loc->local = !LMN_LOCAL_RLOC_VIA_RTR (r);
      loc->reachable = TRUE;
      loc->probed = probed != NULL && probed->family == r->family && !LMN_LOCAL_RLOC_VIA_RTR (r) &&
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

const LispPrefix *
lmn_own_mapping_eid (const LmnConfig *config, guint8 family)
{
  for (guint i = 0; i < config->eids->len; i++)
    {
      const LispPrefix *p = &g_array_index (config->eids, LispPrefix, i);

      if (p->family == family)
        return p;
    }
  return NULL;
}

void
lmn_own_mapping_set_source_eid (LispMapRequest *m, const LmnConfig *config, guint8 family)
{
  const LispPrefix *eid = lmn_own_mapping_eid (config, family);

  if (eid == NULL && config->eids->len > 0)
    eid = &g_array_index (config->eids, LispPrefix, 0);
  if (eid == NULL)
    return;
  g_clear_pointer (&m->source_eid, lisp_address_free);
  m->source_eid = lmn_prefix_to_address (eid);
}

void
lmn_own_mapping_add_itr_rlocs (LispMapRequest *m, const LmnLocalRlocs *rlocs)
{
  for (guint i = 0; i < lmn_local_rlocs_size (rlocs) && m->itr_rlocs->len < 32; i++)
    {
      const LmnLocalRloc *r = lmn_local_rlocs_get (rlocs, i);

      /* Map-Replies to an address behind a NAT would not get through it. */
      if (r->up && !LMN_LOCAL_RLOC_VIA_RTR (r))
        g_ptr_array_add (m->itr_rlocs, rloc_address (r));
    }
  /* Behind NATs only: the RTRs, where we are reached. Only SMRs and RLOC-probes are sent
   * then, and the answer to an SMR comes through the mapping system anyway. */
  for (guint i = 0; i < lmn_local_rlocs_size (rlocs) && m->itr_rlocs->len == 0; i++)
    {
      const LmnLocalRloc *r = lmn_local_rlocs_get (rlocs, i);

      if (r->up && LMN_LOCAL_RLOC_VIA_RTR (r))
        g_ptr_array_add (m->itr_rlocs, ip_address (&r->nat.rtr));
    }
}
