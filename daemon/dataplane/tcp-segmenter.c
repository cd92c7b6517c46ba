/* TCP segmentation of the TUN's super-packets (tcp-segmenter.h). */
#include "tcp-segmenter.h"

#include "inet-checksum.h"
#include "wire-buffer.h"

#include <string.h>

#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80

gboolean
lmn_tcp_segmenter_init (LmnTcpSegmenter *s, const LmnVnetHdr *h, const guint8 *packet, gsize len,
                        const char **why)
{
  gsize payload;

  s->packet = packet;
  s->len = len;
  s->family = packet[0] >> 4;
  s->l4 = h->csum_start;
  s->hdr_len = s->l4 + (gsize) (packet[s->l4 + 12] >> 4) * 4;
  s->mss = h->gso_size;
  payload = len - s->hdr_len;
  s->n = (guint) ((payload + s->mss - 1) / s->mss);
  if (s->n > LMN_SEGMENTS_MAX)
    {
      *why = "too many segments in one super-packet";
      return FALSE;
    }
  return TRUE;
}

static void
store_u16 (guint8 *p, gsize v)
{
  p[0] = (guint8) (v >> 8);
  p[1] = (guint8) v;
}

/* The IP header of one segment: its length, and in IPv4 its identification and checksum. */
static void
fix_ip_header (const LmnTcpSegmenter *s, guint i, guint8 *hdr, gsize seg_len)
{
  if (s->family == 4)
    {
      store_u16 (hdr + 2, seg_len);
      store_u16 (hdr + 4, (lisp_load_u16 (hdr + 4) + i) & 0xffff);
      hdr[10] = hdr[11] = 0;
      store_u16 (hdr + 10, lisp_checksum_finish (lisp_checksum_add (0, hdr, s->l4)));
    }
  else
    store_u16 (hdr + 4, seg_len - 40);
}

/* The TCP checksum over the pseudo-header, the segment's TCP header and its payload. */
static guint16
tcp_checksum (const LmnTcpSegmenter *s, const guint8 *hdr, const guint8 *payload, gsize plen)
{
  gsize tcp_len = s->hdr_len - s->l4 + plen;
  guint8 tail[4] = { 0, 0, 0, 6 };
  guint32 sum = 0;

  if (s->family == 4)
    sum = lisp_checksum_add (sum, hdr + 12, 8);
  else
    sum = lisp_checksum_add (sum, hdr + 8, 32);
  sum += (guint32) tcp_len;
  sum = lisp_checksum_add (sum, tail, 4);
  sum = lisp_checksum_add (sum, hdr + s->l4, s->hdr_len - s->l4);
  sum = lmn_checksum_add_fast (sum, payload, plen);
  return lisp_checksum_finish (sum);
}

gsize
lmn_tcp_segmenter_segment (const LmnTcpSegmenter *s, guint i, guint8 *hdr, const guint8 **payload,
                           gsize *payload_len)
{
  gsize off = s->hdr_len + (gsize) i * s->mss;
  gsize plen = MIN (s->mss, s->len - off);
  guint8 *tcp = hdr + s->l4;
  guint32 seq;

  memcpy (hdr, s->packet, s->hdr_len);
  fix_ip_header (s, i, hdr, s->hdr_len + plen);
  seq = lisp_load_u32 (tcp + 4) + (guint32) ((gsize) i * s->mss);
  tcp[4] = (guint8) (seq >> 24);
  tcp[5] = (guint8) (seq >> 16);
  tcp[6] = (guint8) (seq >> 8);
  tcp[7] = (guint8) seq;
  if (i + 1 < s->n)
    tcp[13] &= (guint8) ~(TCP_FIN | TCP_PSH);
  if (i > 0)
    tcp[13] &= (guint8) ~TCP_CWR;
  tcp[16] = tcp[17] = 0;
  store_u16 (tcp + 16, tcp_checksum (s, hdr, s->packet + off, plen));
  *payload = s->packet + off;
  *payload_len = plen;
  return s->hdr_len;
}
