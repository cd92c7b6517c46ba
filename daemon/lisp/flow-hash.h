/* A hash of an inner packet's flow, used to keep each flow on one RLOC while spreading
 * flows across equal-priority RLOCs (RFC 9300 §12) and to pick the outer UDP source port. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Hashes the IPv4 or IPv6 packet's source, destination and protocol, plus the TCP, UDP,
 * UDP-Lite, SCTP or DCCP ports when the transport header is there. Fragments hash
 * without ports (see flow-hash.c). Reads only ip_packet[0..len-1], whatever the bytes
 * say; anything that is not a parsable IP header hashes to 0. */
guint32 lisp_flow_hash (const guint8 *ip_packet, gsize len);

G_END_DECLS
