/* The ITR's path-MTU decision (RFC 9300 §7): which packets are fragmented outside and
 * which are answered with "too big". Pure: path-mtu.h explains the choice. */
#include "path-mtu.h"

LmnPathMtuVerdict
lmn_path_mtu_check (const LmnInnerPacket *ip, gsize overhead, guint link_mtu, guint *tell_mtu)
{
  guint fits;

  if (link_mtu == 0 || ip->length + overhead <= link_mtu)
    return LMN_PATH_MTU_FITS;
  /* Cannot shrink: an IPv6 packet at IPv6's minimum (or below), or IPv4 that may be
   * fragmented anyway. */
  if ((ip->family == 6 && ip->length <= LMN_PATH_MTU_IPV6_MIN) ||
      (ip->family == 4 && !ip->dont_fragment))
    return LMN_PATH_MTU_FRAGMENT;
  fits = link_mtu > overhead ? link_mtu - (guint) overhead : 0;
  /* An IPv6 sender takes nothing below 1280: at 1280 it gets the stateless treatment. */
  if (ip->family == 6 && fits < LMN_PATH_MTU_IPV6_MIN)
    fits = LMN_PATH_MTU_IPV6_MIN;
  /* IPv4's minimum (RFC 791): an uplink too small for even that still gets fragments. */
  if (ip->family == 4 && fits < 68)
    return LMN_PATH_MTU_FRAGMENT;
  *tell_mtu = fits;
  return LMN_PATH_MTU_TOO_BIG;
}
