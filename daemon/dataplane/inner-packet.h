/* What the data plane needs to know of an inner IP packet (from the TUN, or decapsulated):
 * its family, addresses and length, after checking that the header is well-formed and
 * fits the bytes received. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LMN_IPV4_HEADER_MIN 20
#define LMN_IPV6_HEADER 40

typedef struct {
  guint8        family;     /* 4 or 6 */
  const guint8 *src;        /* 4 or 16 bytes inside the packet */
  const guint8 *dst;
  gsize         length;     /* from the header: IPv4 Total Length, IPv6 40 + Payload Length */
  guint8        ttl;        /* TTL or Hop Limit */
  guint8        tos;        /* IPv4 TOS or IPv6 Traffic Class (DSCP and ECN) */
  gboolean      dont_fragment;  /* IPv4 DF; always TRUE for IPv6 (routers never fragment) */
} LmnInnerPacket;

/* FALSE when data does not start with a whole IPv4 or IPv6 header whose length fits len.
 * Bytes past the header's length (link padding) are allowed and ignored. */
gboolean lmn_inner_packet_parse (const guint8 *data, gsize len, LmnInnerPacket *out);

G_END_DECLS
