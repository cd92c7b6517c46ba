/* Reading classic pcap captures for tests and tools: the UDP datagrams inside, with their
 * addresses, ports and payload.
 *
 * Understands both byte orders, microsecond and nanosecond timestamps, and the link types
 * Ethernet (with 802.1Q/802.1ad tags), Linux cooked (SLL, SLL2) and raw IP. Frames are
 * numbered from 1 as `tshark -r` numbers them, including frames that are not UDP.
 *
 * The whole capture is held in memory; a frame's payload points into it and stays valid as
 * long as the reader. Nothing is ever read past the bytes that were captured: a truncated
 * file or a header that lies about its length gives an error naming the file and frame.
 *
 *   g_autoptr(PcapReader) r = pcap_reader_open (path, &error);
 *   PcapFrame f;
 *   while (pcap_reader_next_udp (r, &f, &error))
 *     use (f.payload, f.payload_len);
 *   if (error != NULL) ...   // FALSE without an error means the end of the capture
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PCAP_ERROR (pcap_error_quark ())
GQuark pcap_error_quark (void);

typedef enum {
  PCAP_ERROR_IO,         /* the file could not be read or written */
  PCAP_ERROR_FORMAT,     /* not a classic pcap file, or an unknown link type */
  PCAP_ERROR_TRUNCATED,  /* a record or header runs past the end of the data */
  PCAP_ERROR_MALFORMED,  /* an IP or UDP header holds impossible values */
} PcapError;

/* Link types (https://www.tcpdump.org/linktypes.html). */
#define PCAP_LINKTYPE_ETHERNET  1
#define PCAP_LINKTYPE_RAW       101
#define PCAP_LINKTYPE_LINUX_SLL 113
#define PCAP_LINKTYPE_IPV4      228
#define PCAP_LINKTYPE_IPV6      229
#define PCAP_LINKTYPE_LINUX_SLL2 276

typedef struct {
  guint         number;       /* 1-based, counting every record of the file */
  guint32       ts_sec;       /* capture time: seconds ... */
  guint32       ts_nsec;      /* ... and nanoseconds (microsecond files are scaled) */
  guint32       orig_len;     /* length of the frame on the wire */
  guint32       cap_len;      /* bytes of it in the file */

  /* Everything below is set only when is_udp is TRUE. A frame that is not IPv4/IPv6 + UDP,
   * or that is a non-first IPv4 fragment, has is_udp FALSE and is otherwise valid. */
  gboolean      is_udp;
  guint8        ip_version;   /* 4 or 6 */
  int           family;       /* AF_INET or AF_INET6 */
  guint8        src[16];      /* network order; IPv4 uses the first 4 bytes, rest zero */
  guint8        dst[16];
  guint8        ttl;          /* IPv4 TTL or IPv6 hop limit */
  guint16       sport;
  guint16       dport;
  const guint8 *payload;      /* the UDP payload, inside the reader's buffer */
  gsize         payload_len;
  /* TRUE when the payload is shorter than the UDP length says: the capture was cut by its
   * snap length or the datagram is the first of several IPv4 fragments. */
  gboolean      payload_truncated;
} PcapFrame;

typedef struct _PcapReader PcapReader;

/* Reads the whole file and checks its global header. */
PcapReader *pcap_reader_open        (const char *path, GError **error);
/* The same over bytes in memory (copied); name is used in error messages. */
PcapReader *pcap_reader_new_from_data (const guint8 *data, gsize len, const char *name,
                                       GError **error);
void        pcap_reader_free        (PcapReader *r);

guint32     pcap_reader_link_type   (const PcapReader *r);
gboolean    pcap_reader_nanosecond  (const PcapReader *r);
const char *pcap_reader_name        (const PcapReader *r);

/* The next frame of any kind. Returns FALSE at the end of the capture (error not set) or
 * on an error (error set). */
gboolean    pcap_reader_next        (PcapReader *r, PcapFrame *frame, GError **error);
/* The next UDP frame, skipping the others (their numbers are still counted). */
gboolean    pcap_reader_next_udp    (PcapReader *r, PcapFrame *frame, GError **error);

/* Formats an address of a frame, "192.0.2.1" or "2001:db8::1". */
gchar      *pcap_address_to_string  (int family, const guint8 *addr);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcapReader, pcap_reader_free)

G_END_DECLS
