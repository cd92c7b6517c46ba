/* What the ITR does with an inner packet that does not fit the uplink once encapsulated
 * (RFC 9300 §7). lispmnd combines the RFC's two approaches, by what the sender can do:
 *
 * - stateful (§7.2) for packets the sender can make smaller: an IPv4 packet with DF set,
 *   or an IPv6 packet larger than 1280 bytes, gets a "too big" naming the MTU that fits
 *   (the uplink's less the outer headers, never below IPv6's 1280), and is dropped;
 * - stateless (§7.1) for packets that cannot shrink: an IPv6 packet of 1280 bytes or less
 *   (IPv6 hosts ignore "too big" below 1280, RFC 8200 §5) and an IPv4 packet without DF
 *   (its sender allowed fragmentation) are encapsulated all the same, and the kernel
 *   fragments the outer packet (the uplink sockets do not forbid it); the ETR's kernel
 *   reassembles it before lispmnd sees it.
 *
 * Only the stateless half would lose nothing but speed; the stateful half keeps fragments
 * (and the reassembly they cost the ETR) to the packets no sender can avoid. */
#pragma once

#include <glib.h>
#include "inner-packet.h"

G_BEGIN_DECLS

/* IPv6's minimum link MTU (RFC 8200 §5). */
#define LMN_PATH_MTU_IPV6_MIN 1280

typedef enum {
  LMN_PATH_MTU_FITS,     /* send as it is */
  LMN_PATH_MTU_FRAGMENT, /* send: the outer packet will be fragmented */
  LMN_PATH_MTU_TOO_BIG,  /* drop, and tell the sender the MTU that fits */
} LmnPathMtuVerdict;

/* The verdict on inner packet ip encapsulated with overhead bytes of outer headers onto an
 * uplink of link_mtu bytes (0: unknown, anything fits). For LMN_PATH_MTU_TOO_BIG,
 * *tell_mtu is the MTU the "too big" names. */
LmnPathMtuVerdict lmn_path_mtu_check (const LmnInnerPacket *ip, gsize overhead, guint link_mtu,
                                      guint *tell_mtu);

G_END_DECLS
