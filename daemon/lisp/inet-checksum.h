/* The Internet checksum (RFC 1071) and the UDP/TCP pseudo-header sums of IPv4 and IPv6,
 * used for the inner headers of Encapsulated Control Messages and for ICMP errors. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Adds data to a running one's-complement sum (start with 0). */
guint32 lisp_checksum_add    (guint32 sum, const guint8 *data, gsize len);
/* Folds a running sum into the 16-bit checksum to store in a header. */
guint16 lisp_checksum_finish (guint32 sum);
/* The UDP checksum of a segment (header included, its checksum field zero) between two
 * addresses of one family (4 or 6). Never 0: a computed zero is sent as 0xffff. */
guint16 lisp_udp_checksum    (guint8 family, const guint8 *src, const guint8 *dst,
                              const guint8 *udp, gsize udp_len);

G_END_DECLS
