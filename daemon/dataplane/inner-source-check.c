/* The classification of martian inner sources (inner-source-check.h). */
#include "inner-source-check.h"

#include "lisp-prefix.h"

#include <string.h>

static LmnDropReason
check_ipv4 (const guint8 *a)
{
  if (a[0] == 0) /* 0.0.0.0/8: "this network", the unspecified address among them */
    return LMN_DROP_MARTIAN_UNSPECIFIED;
  if (a[0] == 127)
    return LMN_DROP_MARTIAN_LOOPBACK;
  if (a[0] == 169 && a[1] == 254)
    return LMN_DROP_MARTIAN_LINK_LOCAL;
  /* 224.0.0.0/4, and the limited broadcast 255.255.255.255: never a sender */
  if ((a[0] & 0xf0) == 224 || memcmp (a, "\xff\xff\xff\xff", 4) == 0)
    return LMN_DROP_MARTIAN_MULTICAST;
  return LMN_DROP_N_REASONS;
}

static LmnDropReason
check_ipv6 (const guint8 *a)
{
  static const guint8 zero[16] = { 0 };
  static const guint8 mapped[12] = { [10] = 0xff, [11] = 0xff };

  if (memcmp (a, zero, 15) == 0 && (a[15] == 0 || a[15] == 1))
    return a[15] == 0 ? LMN_DROP_MARTIAN_UNSPECIFIED : LMN_DROP_MARTIAN_LOOPBACK;
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
    return LMN_DROP_MARTIAN_LINK_LOCAL;
  if (a[0] == 0xff)
    return LMN_DROP_MARTIAN_MULTICAST;
  /* ::ffff:0:0/96: an IPv4 host inside an IPv6 header, which only a socket API makes */
  if (memcmp (a, mapped, sizeof mapped) == 0)
    return LMN_DROP_MARTIAN_V4_MAPPED;
  return LMN_DROP_N_REASONS;
}

LmnDropReason
lmn_inner_source_check (guint8 family, const guint8 *src, const GArray *own_eids)
{
  LmnDropReason reason = family == 4 ? check_ipv4 (src) : check_ipv6 (src);

  if (reason != LMN_DROP_N_REASONS)
    return reason;
  for (guint i = 0; own_eids != NULL && i < own_eids->len; i++)
    {
      const LispPrefix *p = &g_array_index (own_eids, LispPrefix, i);

      if (lisp_prefix_contains (p, p->iid, family, src))
        return LMN_DROP_MARTIAN_OWN_EID;
    }
  return LMN_DROP_N_REASONS;
}
