/* The virtio-net header that a TUN opened with IFF_VNET_HDR puts in front of every packet,
 * both ways: whether the packet is a TCP super-packet the kernel left for us to segment
 * (GSO: its type and segment size) and whether its transport checksum is only partial
 * (NEEDS_CSUM: where the sum starts and where it goes).
 *
 * The header comes from the kernel, but is checked like any input before the segmenter
 * trusts an offset in it: a header that does not fit its packet is refused with the
 * reason. The layout is the legacy 10-byte one in the machine's byte order (the TUN's
 * default: no TUNSETVNETLE, no mergeable buffers). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LMN_VNET_HDR_SIZE 10

#define LMN_VNET_F_NEEDS_CSUM 0x01
#define LMN_VNET_F_DATA_VALID 0x02

#define LMN_VNET_GSO_NONE  0
#define LMN_VNET_GSO_TCPV4 1
#define LMN_VNET_GSO_TCPV6 4
#define LMN_VNET_GSO_ECN   0x80

typedef struct {
  guint8 flags;
  guint8 gso_type;     /* LMN_VNET_GSO_*, ECN bit included */
  guint16 hdr_len;     /* IP + TCP headers of a super-packet */
  guint16 gso_size;    /* TCP payload bytes per segment */
  guint16 csum_start;  /* where the transport header starts */
  guint16 csum_offset; /* its checksum field, from csum_start */
} LmnVnetHdr;

void lmn_vnet_hdr_decode (const guint8 *bytes, LmnVnetHdr *out);
void lmn_vnet_hdr_encode (const LmnVnetHdr *h, guint8 *bytes);

/* The GSO type without its ECN bit. */
#define LMN_VNET_GSO_KIND(h) ((h)->gso_type & ~LMN_VNET_GSO_ECN)

/* FALSE, with *why naming the problem, when h does not fit the packet (len bytes) behind
 * it: a checksum field outside the packet, a GSO type other than TCP over the packet's
 * own IP version, a TCP header that is not where the header says or not whole. */
gboolean lmn_vnet_hdr_check (const LmnVnetHdr *h, const guint8 *packet, gsize len,
                             const char **why);

/* A packet with NEEDS_CSUM and no GSO: fills in its transport checksum (the field holds the
 * pseudo-header sum; the rest is summed from csum_start to the end). h must have passed
 * lmn_vnet_hdr_check. */
void lmn_vnet_complete_checksum (const LmnVnetHdr *h, guint8 *packet, gsize len);

/* The one's-complement sum of data added to sum (both as 16-bit big-endian words), fast:
 * the payload of every segment goes through it. data starts a 16-bit word. */
guint32 lmn_checksum_add_fast (guint32 sum, const guint8 *data, gsize len);

G_END_DECLS
