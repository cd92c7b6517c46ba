/* Re-coalescing on the way into the TUN: the decapsulated packets of one receive batch,
 * where consecutive TCP segments of one flow (IPv4 or IPv6) become one super-packet written
 * with a virtio-net header (GSO TCPV4/TCPV6, the checksum left partial for the kernel),
 * so that the kernel's TCP takes one packet where it would have taken dozens.
 *
 * A segment joins the open super-packet of its flow only when it is exactly the next one:
 * the next sequence number, the same acknowledgement, window, options and IP fields, an IP
 * identification one higher (IPv4), plain ACK flags (PSH ends the super-packet), a payload
 * no larger than the first one's (a smaller one ends it), and a valid TCP checksum (the
 * kernel will not check a partial one again). Anything else (other protocols, other
 * flags, a gap, a bad checksum) is passed on as it came, in order within its flow.
 *
 * Pure: packets are referenced, not copied, and must stay valid until the outputs have
 * been taken; no system calls. */
#pragma once

#include <glib.h>
#include <sys/uio.h>
#include "vnet-header.h"

G_BEGIN_DECLS

#define LMN_GRO_PACKETS    1024 /* packets in one batch */
#define LMN_GRO_SEGMENTS   64   /* segments in one super-packet */
#define LMN_GRO_IOV_MAX    (LMN_GRO_SEGMENTS + 1)
#define LMN_GRO_HEADER_MAX 120

typedef struct _LmnGro LmnGro;

LmnGro *lmn_gro_new (void);
void lmn_gro_free (LmnGro *gro);
/* Adds packet (len bytes: one whole IP packet, already checked by lmn_inner_packet_parse).
 * FALSE when the batch is full: take the outputs and reset first. */
gboolean lmn_gro_add (LmnGro *gro, const guint8 *packet, gsize len);
guint lmn_gro_n_outputs (const LmnGro *gro);
/* Output i (in the order of the first packet of each): its virtio-net header (zeros for a
 * packet passed on as it came), its pieces (iov[0] the headers, in hdr, LMN_GRO_HEADER_MAX
 * bytes, for a super-packet; at most LMN_GRO_IOV_MAX), the packets it stands for and
 * their lengths added up.
 * Returns the number of pieces. */
guint lmn_gro_output (const LmnGro *gro, guint i, LmnVnetHdr *vnet, guint8 *hdr, struct iovec *iov,
                      guint *n_packets, gsize *bytes);
/* Forgets every packet, for the next batch. */
void lmn_gro_reset (LmnGro *gro);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnGro, lmn_gro_free)

G_END_DECLS
