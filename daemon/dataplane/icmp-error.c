#include "icmp-error.h"

#include "inet-checksum.h"
#include "inner-packet.h"
#include "wire-buffer.h"

#include <string.h>

/* RFC 1812 §4.3.2.3: as much of the original as fits in 576 bytes. */
#define ICMP4_TOTAL_MAX 576

static gboolean
ipv4_may_answer (const guint8 *p, const LmnInnerPacket *ip)
{
  gsize ihl = (gsize) (p[0] & 0x0f) * 4;
  guint16 frag = lisp_load_u16 (p + 6);

  if ((frag & 0x1fff) != 0)         /* not the first fragment */
    return FALSE;
  if (ip->dst[0] >= 224 || ip->src[0] >= 224 || ip->src[0] == 0 || ip->src[0] == 127)
    return FALSE;
  if (memcmp (ip->dst, "\xff\xff\xff\xff", 4) == 0)
    return FALSE;
  if (p[9] == 1 && ip->length > ihl)  /* ICMP: answer only queries, never errors */
    {
      guint8 type = p[ihl];

      if (type != 0 && type != 8 && type != 13 && type != 14)
        return FALSE;
    }
  return TRUE;
}

static gsize
build_ipv4 (const guint8 *p, const LmnInnerPacket *ip, LmnIcmpKind kind, guint mtu, guint8 *out)
{
  gsize quoted = MIN (ip->length, (gsize) ICMP4_TOTAL_MAX - 28);
  gsize total = 28 + quoted;
  guint8 *icmp = out + 20;

  if (!ipv4_may_answer (p, ip))
    return 0;
  memset (out, 0, 28);
  out[0] = 0x45;
  lisp_store_u16 (out + 2, (guint16) total);
  out[8] = 64;
  out[9] = 1;
  memcpy (out + 12, ip->dst, 4);
  memcpy (out + 16, ip->src, 4);
  lisp_store_u16 (out + 10, lisp_checksum_finish (lisp_checksum_add (0, out, 20)));
  icmp[0] = 3;                                   /* destination unreachable */
  icmp[1] = kind == LMN_ICMP_TOO_BIG ? 4 : 1;    /* fragmentation needed : host unreachable */
  if (kind == LMN_ICMP_TOO_BIG)
    lisp_store_u16 (icmp + 6, (guint16) MIN (mtu, 0xffff));
  memcpy (icmp + 8, p, quoted);
  lisp_store_u16 (icmp + 2, lisp_checksum_finish (lisp_checksum_add (0, icmp, 8 + quoted)));
  return total;
}

static gboolean
ipv6_may_answer (const guint8 *p, const LmnInnerPacket *ip)
{
  static const guint8 unspecified[16] = { 0 };

  if (ip->dst[0] == 0xff || ip->src[0] == 0xff || memcmp (ip->src, unspecified, 16) == 0)
    return FALSE;
  /* ICMPv6 errors (types below 128) are never answered; extension headers are not walked,
   * so a packet whose first next header is ICMPv6 is the only one checked. */
  if (p[6] == 58 && ip->length > LMN_IPV6_HEADER && p[LMN_IPV6_HEADER] < 128)
    return FALSE;
  return TRUE;
}

static gsize
build_ipv6 (const guint8 *p, const LmnInnerPacket *ip, LmnIcmpKind kind, guint mtu, guint8 *out)
{
  gsize quoted = MIN (ip->length, (gsize) LMN_ICMP_ERROR_MAX - 48);
  gsize icmp_len = 8 + quoted;
  guint8 *icmp = out + 40;
  guint8 pseudo[8] = { 0 };
  guint32 sum;

  if (!ipv6_may_answer (p, ip))
    return 0;
  memset (out, 0, 48);
  out[0] = 0x60;
  lisp_store_u16 (out + 4, (guint16) icmp_len);
  out[6] = 58;
  out[7] = 64;
  memcpy (out + 8, ip->dst, 16);
  memcpy (out + 24, ip->src, 16);
  if (kind == LMN_ICMP_TOO_BIG)
    {
      icmp[0] = 2;                                 /* packet too big */
      lisp_store_u32 (icmp + 4, MAX (mtu, 1280u));
    }
  else
    {
      icmp[0] = 1;                                 /* destination unreachable */
      icmp[1] = 3;                                 /* address unreachable */
    }
  memcpy (icmp + 8, p, quoted);
  lisp_store_u32 (pseudo, (guint32) icmp_len);
  pseudo[7] = 58;
  sum = lisp_checksum_add (0, out + 8, 32);
  sum = lisp_checksum_add (sum, pseudo, 8);
  sum = lisp_checksum_add (sum, icmp, icmp_len);
  lisp_store_u16 (icmp + 2, lisp_checksum_finish (sum));
  return 40 + icmp_len;
}

gsize
lmn_icmp_error_build (const guint8 *packet, gsize len, LmnIcmpKind kind, guint mtu,
                      guint8 out[LMN_ICMP_ERROR_MAX])
{
  LmnInnerPacket ip;

  if (!lmn_inner_packet_parse (packet, len, &ip))
    return 0;
  return ip.family == 4 ? build_ipv4 (packet, &ip, kind, mtu, out)
                        : build_ipv6 (packet, &ip, kind, mtu, out);
}
