#include "pcap-writer.h"
#include "pcap-reader.h"

#include <string.h>
#include <sys/socket.h>

struct _PcapWriter {
  GByteArray *file;
  guint       n_frames;
  guint32     next_sec;
  guint32     next_usec;
};

static void
put_host32 (GByteArray *out, guint32 v)
{
  g_byte_array_append (out, (const guint8 *) &v, 4);
}

static void
put_host16 (GByteArray *out, guint16 v)
{
  g_byte_array_append (out, (const guint8 *) &v, 2);
}

static void
put_be16 (GByteArray *out, guint16 v)
{
  guint8 b[2] = { v >> 8, v & 0xff };

  g_byte_array_append (out, b, 2);
}

static void
store_be16 (guint8 *p, guint16 v)
{
  p[0] = v >> 8;
  p[1] = v & 0xff;
}

PcapWriter *
pcap_writer_new (void)
{
  PcapWriter *w = g_new0 (PcapWriter, 1);

  w->file = g_byte_array_new ();
  /* Global header in host byte order, as libpcap writes it. */
  put_host32 (w->file, 0xa1b2c3d4u);
  put_host16 (w->file, 2);
  put_host16 (w->file, 4);
  put_host32 (w->file, 0);       /* thiszone */
  put_host32 (w->file, 0);       /* sigfigs */
  put_host32 (w->file, 262144);  /* snaplen */
  put_host32 (w->file, PCAP_LINKTYPE_ETHERNET);
  return w;
}

void
pcap_writer_free (PcapWriter *w)
{
  if (w == NULL)
    return;
  g_byte_array_unref (w->file);
  g_free (w);
}

void
pcap_writer_set_time (PcapWriter *w, guint32 sec, guint32 usec)
{
  w->next_sec = sec + usec / 1000000u;
  w->next_usec = usec % 1000000u;
}

guint32
pcap_checksum_add (guint32 sum, const guint8 *data, gsize len)
{
  gsize i;

  for (i = 0; i + 1 < len; i += 2)
    sum += (guint32) (data[i] << 8 | data[i + 1]);
  if (len & 1)
    sum += (guint32) data[len - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}

guint16
pcap_checksum_finish (guint32 sum)
{
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) ~sum;
}

GByteArray *
pcap_build_ip_udp (int family, const guint8 *src, const guint8 *dst, guint16 sport,
                   guint16 dport, const guint8 *payload, gsize payload_len, GError **error)
{
  g_autoptr(GByteArray) pkt = g_byte_array_new ();
  gsize addr_len, ip_hdr_len, udp_len = payload_len + 8;
  guint32 sum;
  guint16 csum;
  guint8 pseudo[4];

  if (family == AF_INET) {
    addr_len = 4;
    ip_hdr_len = 20;
  } else if (family == AF_INET6) {
    addr_len = 16;
    ip_hdr_len = 40;
  } else {
    g_set_error (error, PCAP_ERROR, PCAP_ERROR_FORMAT, "unknown address family %d", family);
    return NULL;
  }
  if (udp_len + (family == AF_INET ? ip_hdr_len : 0) > 0xffff) {
    g_set_error (error, PCAP_ERROR, PCAP_ERROR_FORMAT,
                 "a UDP payload of %" G_GSIZE_FORMAT " bytes does not fit in one datagram",
                 payload_len);
    return NULL;
  }

  if (family == AF_INET) {
    static const guint8 fixed[] = {
      0x45, 0x00, 0, 0,   /* version/IHL, DSCP, total length */
      0x00, 0x00, 0x40, 0x00,  /* ID 0, DF */
      64, 17, 0, 0,      /* TTL, UDP, checksum */
    };
    g_byte_array_append (pkt, fixed, sizeof fixed);
    store_be16 (pkt->data + 2, (guint16) (ip_hdr_len + udp_len));
    g_byte_array_append (pkt, src, 4);
    g_byte_array_append (pkt, dst, 4);
    store_be16 (pkt->data + 10, pcap_checksum_finish (pcap_checksum_add (0, pkt->data, 20)));
  } else {
    static const guint8 fixed[] = { 0x60, 0, 0, 0, 0, 0, 17, 64 };
    g_byte_array_append (pkt, fixed, sizeof fixed);
    store_be16 (pkt->data + 4, (guint16) udp_len);
    g_byte_array_append (pkt, src, 16);
    g_byte_array_append (pkt, dst, 16);
  }

  put_be16 (pkt, sport);
  put_be16 (pkt, dport);
  put_be16 (pkt, (guint16) udp_len);
  put_be16 (pkt, 0);
  if (payload_len > 0)
    g_byte_array_append (pkt, payload, payload_len);

  /* Pseudo-header: addresses, protocol, UDP length (RFC 768, RFC 8200 §8.1). */
  sum = pcap_checksum_add (0, src, addr_len);
  sum = pcap_checksum_add (sum, dst, addr_len);
  pseudo[0] = 0;
  pseudo[1] = 17;
  store_be16 (pseudo + 2, (guint16) udp_len);
  sum = pcap_checksum_add (sum, pseudo, 4);
  sum = pcap_checksum_add (sum, pkt->data + ip_hdr_len, udp_len);
  csum = pcap_checksum_finish (sum);
  if (csum == 0)
    csum = 0xffff;  /* 0 means "no checksum" in IPv4 and is forbidden in IPv6 */
  store_be16 (pkt->data + ip_hdr_len + 6, csum);
  return g_steal_pointer (&pkt);
}

gboolean
pcap_writer_add_udp (PcapWriter *w, int family, const guint8 *src, const guint8 *dst,
                     guint16 sport, guint16 dport, const guint8 *payload, gsize payload_len,
                     GError **error)
{
  /* Locally administered MACs: 02:00:00:00:00:01 -> 02:00:00:00:00:02. */
  static const guint8 macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
  g_autoptr(GByteArray) ip = NULL;
  guint32 frame_len;

  ip = pcap_build_ip_udp (family, src, dst, sport, dport, payload, payload_len, error);
  if (ip == NULL)
    return FALSE;
  frame_len = 14 + ip->len;

  put_host32 (w->file, w->next_sec);
  put_host32 (w->file, w->next_usec);
  put_host32 (w->file, frame_len);
  put_host32 (w->file, frame_len);
  g_byte_array_append (w->file, macs, sizeof macs);
  put_be16 (w->file, family == AF_INET ? 0x0800 : 0x86dd);
  g_byte_array_append (w->file, ip->data, ip->len);

  w->n_frames++;
  w->next_sec++;
  return TRUE;
}

guint
pcap_writer_n_frames (const PcapWriter *w)
{
  return w->n_frames;
}

GBytes *
pcap_writer_get_bytes (const PcapWriter *w)
{
  return g_bytes_new (w->file->data, w->file->len);
}

gboolean
pcap_writer_save (const PcapWriter *w, const char *path, GError **error)
{
  if (!g_file_set_contents (path, (const gchar *) w->file->data, w->file->len, error)) {
    g_prefix_error (error, "writing %s: ", path);
    return FALSE;
  }
  return TRUE;
}
