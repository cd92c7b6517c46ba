/* The virtio-net header of a TUN with IFF_VNET_HDR: decoding, checking against its packet,
 * and completing partial checksums (vnet-header.h). */
#include "vnet-header.h"

#include "inet-checksum.h"

#include <string.h>

void
lmn_vnet_hdr_decode (const guint8 *bytes, LmnVnetHdr *out)
{
  /* Host byte order for the 16-bit fields: the legacy header's. */
  out->flags = bytes[0];
  out->gso_type = bytes[1];
  memcpy (&out->hdr_len, bytes + 2, 2);
  memcpy (&out->gso_size, bytes + 4, 2);
  memcpy (&out->csum_start, bytes + 6, 2);
  memcpy (&out->csum_offset, bytes + 8, 2);
}

void
lmn_vnet_hdr_encode (const LmnVnetHdr *h, guint8 *bytes)
{
  bytes[0] = h->flags;
  bytes[1] = h->gso_type;
  memcpy (bytes + 2, &h->hdr_len, 2);
  memcpy (bytes + 4, &h->gso_size, 2);
  memcpy (bytes + 6, &h->csum_start, 2);
  memcpy (bytes + 8, &h->csum_offset, 2);
}

/* Where a TCP super-packet's TCP header starts: after the IPv4 header with its options, or
 * right after the IPv6 header (no extension headers); 0 when the IP header does not say
 * TCP or does not fit. */
static gsize
tcp_offset (guint8 kind, const guint8 *packet, gsize len)
{
  if (len < 20)
    return 0;
  if (kind == LMN_VNET_GSO_TCPV4)
    {
      gsize ihl = (gsize) (packet[0] & 0x0f) * 4;

      if ((packet[0] >> 4) != 4 || ihl < 20 || packet[9] != 6)
        return 0;
      return ihl;
    }
  if (len < 40 || (packet[0] >> 4) != 6 || packet[6] != 6)
    return 0;
  return 40;
}

static gboolean
check_gso (const LmnVnetHdr *h, const guint8 *packet, gsize len, const char **why)
{
  guint8 kind = LMN_VNET_GSO_KIND (h);
  gsize l4, doff;

  if (kind != LMN_VNET_GSO_TCPV4 && kind != LMN_VNET_GSO_TCPV6)
    return (*why = "GSO type is not TCP"), FALSE;
  if ((h->flags & LMN_VNET_F_NEEDS_CSUM) == 0 || h->csum_offset != 16)
    return (*why = "TCP GSO without a partial TCP checksum"), FALSE;
  if (h->gso_size == 0)
    return (*why = "GSO segment size 0"), FALSE;
  l4 = tcp_offset (kind, packet, len);
  if (l4 == 0)
    return (*why = "GSO type does not match the IP header"), FALSE;
  if (h->csum_start != l4 || l4 + 20 > len)
    return (*why = "TCP header not where csum_start says, or cut short"), FALSE;
  doff = (gsize) (packet[l4 + 12] >> 4) * 4;
  if (doff < 20 || l4 + doff > len)
    return (*why = "TCP header longer than the packet"), FALSE;
  if (l4 + doff == len)
    return (*why = "TCP super-packet without payload"), FALSE;
  return TRUE;
}

gboolean
lmn_vnet_hdr_check (const LmnVnetHdr *h, const guint8 *packet, gsize len, const char **why)
{
  if (len > G_MAXUINT16)
    return (*why = "packet longer than 65535 bytes"), FALSE;
  if ((h->flags & LMN_VNET_F_NEEDS_CSUM) != 0 &&
      ((gsize) h->csum_start + h->csum_offset + 2 > len || h->csum_offset % 2 != 0))
    return (*why = "checksum field outside the packet"), FALSE;
  if (h->gso_type == LMN_VNET_GSO_NONE)
    return TRUE;
  return check_gso (h, packet, len, why);
}

void
lmn_vnet_complete_checksum (const LmnVnetHdr *h, guint8 *packet, gsize len)
{
  guint8 *field = packet + h->csum_start + h->csum_offset;
  guint16 csum;

  csum = lisp_checksum_finish (
    lmn_checksum_add_fast (0, packet + h->csum_start, len - h->csum_start));
  /* UDP (its checksum at offset 6) sends a computed zero as all ones: zero means none. */
  if (csum == 0 && h->csum_offset == 6)
    csum = 0xffff;
  field[0] = (guint8) (csum >> 8);
  field[1] = (guint8) csum;
}

guint32
lmn_checksum_add_fast (guint32 sum, const guint8 *data, gsize len)
{
  guint64 acc = 0;
  gsize i = 0;
  guint16 folded;

  /* 32-bit words in the machine's order summed into 64 bits; the one's-complement sum
   * does not care about byte order (RFC 1071 §2(B)) as long as it is swapped back. */
  for (; i + 4 <= len; i += 4)
    {
      guint32 w;

      memcpy (&w, data + i, 4);
      acc += w;
    }
  if (i + 2 <= len)
    {
      guint16 w;

      memcpy (&w, data + i, 2);
      acc += w;
      i += 2;
    }
  if (i < len)
    {
      guint8 last[2] = { data[i], 0 };
      guint16 w;

      memcpy (&w, last, 2);
      acc += w;
    }
  while (acc >> 16)
    acc = (acc & 0xffff) + (acc >> 16);
  folded = GUINT16_FROM_BE ((guint16) acc);
  sum += folded;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}
