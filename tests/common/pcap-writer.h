/* Writing classic pcap files (microsecond timestamps, link type Ethernet) of UDP datagrams
 * over IPv4 or IPv6, with correct IPv4 header and UDP checksums, so tshark decodes them as
 * it would a capture.
 *
 *   g_autoptr(PcapWriter) w = pcap_writer_new ();
 *   pcap_writer_add_udp (w, AF_INET, src, dst, 4342, 4342, payload, len, &error);
 *   pcap_writer_save (w, "out.pcap", &error);
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PcapWriter PcapWriter;

PcapWriter *pcap_writer_new        (void);
void        pcap_writer_free       (PcapWriter *w);

/* The timestamp of the next frame; later frames follow it one second apart unless set
 * again. The first frame is at 0.000000 by default. */
void        pcap_writer_set_time   (PcapWriter *w, guint32 sec, guint32 usec);

/* Appends one Ethernet frame carrying IPv4 or IPv6 (family AF_INET or AF_INET6) + UDP.
 * src and dst hold 4 or 16 bytes in network order. Fails if the datagram is too long. */
gboolean    pcap_writer_add_udp    (PcapWriter *w, int family, const guint8 *src,
                                    const guint8 *dst, guint16 sport, guint16 dport,
                                    const guint8 *payload, gsize payload_len, GError **error);

guint       pcap_writer_n_frames   (const PcapWriter *w);
/* The whole file as it would be written. */
GBytes     *pcap_writer_get_bytes  (const PcapWriter *w);
gboolean    pcap_writer_save       (const PcapWriter *w, const char *path, GError **error);

/* Builds the IP + UDP datagram alone (no link header): for tests that need raw IP. */
GByteArray *pcap_build_ip_udp      (int family, const guint8 *src, const guint8 *dst,
                                    guint16 sport, guint16 dport, const guint8 *payload,
                                    gsize payload_len, GError **error);

/* The Internet checksum (RFC 1071) of data, folded, not complemented, starting from sum. */
guint32     pcap_checksum_add      (guint32 sum, const guint8 *data, gsize len);
guint16     pcap_checksum_finish   (guint32 sum);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcapWriter, pcap_writer_free)

G_END_DECLS
