/* TCP segmentation in user space: a TCP super-packet read from the TUN (with its
 * virtio-net header) cut into the segments the kernel would have sent, each described by
 * its own rebuilt IP and TCP headers and a pointer into the super-packet's payload, so
 * that the payload is never copied: the headers and the payload go out as an I/O vector.
 *
 * Each segment gets its IP length (and, in IPv4, an identification counted up from the
 * super-packet's and a new header checksum), its sequence number, FIN and PSH on the last
 * segment only, CWR on the first only, and a complete TCP checksum. Pure: no state beyond
 * the super-packet. */
#pragma once

#include <glib.h>
#include "vnet-header.h"

G_BEGIN_DECLS

#define LMN_SEGMENT_HEADER_MAX 120 /* IPv4 with options (60) + TCP with options (60) */
#define LMN_SEGMENTS_MAX       128 /* more in one super-packet is refused */

typedef struct {
  const guint8 *packet;
  gsize len;
  guint8 family;
  gsize l4;      /* TCP header offset */
  gsize hdr_len; /* IP + TCP headers */
  gsize mss;     /* payload per segment */
  guint n;       /* segments */
} LmnTcpSegmenter;

/* Prepares the segmentation of packet (len bytes) after its virtio-net header h (which must
 * have passed lmn_vnet_hdr_check and be a GSO one). FALSE with *why when it would make more
 * than LMN_SEGMENTS_MAX segments. */
gboolean lmn_tcp_segmenter_init (LmnTcpSegmenter *s, const LmnVnetHdr *h, const guint8 *packet,
                                 gsize len, const char **why);
/* Segment i (< s->n): writes its headers to hdr (LMN_SEGMENT_HEADER_MAX bytes) and returns
 * their length; *payload and *payload_len say where its payload lies in the super-packet. */
gsize lmn_tcp_segmenter_segment (const LmnTcpSegmenter *s, guint i, guint8 *hdr,
                                 const guint8 **payload, gsize *payload_len);

G_END_DECLS
