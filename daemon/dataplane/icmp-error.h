/* ICMP and ICMPv6 errors the data plane returns to a local application: "unreachable" when
 * no mapping and no proxy-ETR can carry a packet, "too big" when a packet does not fit the
 * uplink after encapsulation. They are written into the TUN, so the kernel delivers them to
 * the sending socket as if a router on the path had sent them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  LMN_ICMP_UNREACHABLE,  /* ICMP host unreachable / ICMPv6 address unreachable */
  LMN_ICMP_TOO_BIG,      /* ICMP fragmentation needed / ICMPv6 packet too big, with mtu */
} LmnIcmpKind;

#define LMN_ICMP_ERROR_MAX 1280

/* Builds into out (LMN_ICMP_ERROR_MAX bytes) the error about packet (len bytes, a parsed,
 * well-formed IP packet), from the packet's destination to its source. Returns the
 * error's length, or 0 when the rules forbid an error (the packet is itself an ICMP error,
 * a non-first fragment, or has a multicast, broadcast or unspecified address). */
gsize lmn_icmp_error_build (const guint8 *packet, gsize len, LmnIcmpKind kind, guint mtu,
                            guint8 out[LMN_ICMP_ERROR_MAX]);

G_END_DECLS
