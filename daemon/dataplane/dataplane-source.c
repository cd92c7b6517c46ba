/* Who may send us a decapsulated packet (issue 15): the inner source is never a martian
 * (inner-source-check.h), and with strict-source-check=on the outer source must be a
 * locator of the inner source's mapping.
 *
 * The strict check is off by default: RFC 9300 does not ask an ETR for it, and it drops
 * the first packets of every new correspondent until the source's mapping is resolved
 * (the check asks the resolver for it, within the resolver's limits). On, it also accepts
 * the outer sources that carry packets for others by design: the proxy-ITRs (proxy-itrs=)
 * and proxy-ETRs (proxy-etrs=: lispmn-server's [proxy] is both) sending for hosts outside
 * LISP, whose inner sources have no mapping, and the RTRs our uplinks go through (behind a
 * NAT everything arrives from the RTR). A peer behind a NAT registers its RTR as its
 * locator, so its packets, relayed by that RTR, pass as those of any other mapping. */
#include "dataplane-private.h"

#include "inner-source-check.h"
#include "lmn-ip.h"

#include <string.h>

static gboolean
is_relay (LmnDataplane *dp, guint8 family, const guint8 *from)
{
  for (guint i = 0; i < dp->pitrs->len; i++)
    {
      const LmnIp *ip = &g_array_index (dp->pitrs, LmnIp, i);

      if (ip->family == family && memcmp (ip->addr, from, lmn_ip_family_len (family)) == 0)
        return TRUE;
    }
  for (guint i = 0; i < dp->petrs->len; i++)
    if (lisp_map_locator_is (&g_array_index (dp->petrs, LispMapLocator, i), family, from))
      return TRUE;
  for (guint i = 0; i < lmn_local_rlocs_size (dp->rlocs); i++)
    {
      const LmnLocalRloc *r = lmn_local_rlocs_get (dp->rlocs, i);

      if (r->nat.rtr.family == family &&
          memcmp (r->nat.rtr.addr, from, lmn_ip_family_len (family)) == 0)
        return TRUE;
    }
  return FALSE;
}

/* strict-source-check=on: from a locator of the inner source's mapping, or a relay. */
static gboolean
from_source_locator (LmnDataplane *dp, guint8 family, const guint8 *from, const LmnInnerPacket *ip,
                     gint64 now)
{
  const LispMapEntry *entry;

  if (is_relay (dp, family, from))
    return TRUE;
  entry = lisp_map_cache_lookup (dp->cache, dp->iid, ip->family, ip->src, now);
  for (guint i = 0; entry != NULL && i < entry->n_locators; i++)
    if (lisp_map_locator_is (&entry->locators[i], family, from))
      return TRUE;
  /* Unknown yet: look it up, so that the sender's next packets pass. */
  if (entry == NULL && dp->resolve != NULL)
    dp->resolve (dp->iid, ip->family, ip->src, dp->resolve_data);
  return FALSE;
}

gboolean
lmn_dataplane_source_ok (LmnDataplane *dp, guint8 family, const guint8 *from,
                         const LmnInnerPacket *ip, gint64 now)
{
  /* A proxy-ETR takes packets from its own EIDs: the own-EID rule is the other way round. */
  LmnDropReason reason = lmn_inner_source_check (ip->family, ip->src,
                                                 dp->mode == LMN_MODE_PROXY ? NULL : dp->eids);

  if (reason != LMN_DROP_N_REASONS)
    {
      lmn_dataplane_drop (dp, reason, ip);
      return FALSE;
    }
  if (dp->strict_source_check && dp->mode != LMN_MODE_PROXY &&
      !from_source_locator (dp, family, from, ip, now))
    {
      lmn_dataplane_drop (dp, LMN_DROP_UNVERIFIED_SOURCE, ip);
      return FALSE;
    }
  return TRUE;
}
