#include "pcap-reader.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

G_DEFINE_QUARK (lispmn-pcap-error-quark, pcap_error)

#define PCAP_MAGIC_USEC 0xa1b2c3d4u
#define PCAP_MAGIC_NSEC 0xa1b23c4du
#define PCAP_GLOBAL_HEADER_LEN 24
#define PCAP_RECORD_HEADER_LEN 16

#define ETHERTYPE_IPV4  0x0800
#define ETHERTYPE_IPV6  0x86dd
#define ETHERTYPE_VLAN  0x8100
#define ETHERTYPE_QINQ  0x88a8
#define IPPROTO_UDP_NUM 17

struct _PcapReader {
  gchar    *name;
  guint8   *data;
  gsize     len;
  gsize     pos;       /* next record header */
  gboolean  swapped;   /* file written in the other byte order */
  gboolean  nsec;
  guint32   link_type;
  guint     frame_no;  /* number of the last frame returned */
};

static guint32
load_u32 (const PcapReader *r, const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, 4);
  return r->swapped ? GUINT32_SWAP_LE_BE (v) : v;
}

static guint16
be16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

PcapReader *
pcap_reader_new_from_data (const guint8 *data, gsize len, const char *name, GError **error)
{
  g_autoptr(PcapReader) r = g_new0 (PcapReader, 1);
  guint32 magic;
  guint16 major;

  r->name = g_strdup (name != NULL ? name : "(pcap data)");
  if (len < PCAP_GLOBAL_HEADER_LEN) {
    g_set_error (error, PCAP_ERROR, PCAP_ERROR_TRUNCATED,
                 "%s: %" G_GSIZE_FORMAT " bytes is too short for a pcap global header",
                 r->name, len);
    return NULL;
  }
  /* Own an exactly sized copy, so a read past the end is caught by sanitizers. */
  r->data = g_malloc (len);
  memcpy (r->data, data, len);
  r->len = len;

  memcpy (&magic, r->data, 4);
  if (magic == PCAP_MAGIC_USEC || magic == PCAP_MAGIC_NSEC) {
    r->swapped = FALSE;
  } else if (GUINT32_SWAP_LE_BE (magic) == PCAP_MAGIC_USEC ||
             GUINT32_SWAP_LE_BE (magic) == PCAP_MAGIC_NSEC) {
    r->swapped = TRUE;
    magic = GUINT32_SWAP_LE_BE (magic);
  } else {
    g_set_error (error, PCAP_ERROR, PCAP_ERROR_FORMAT,
                 "%s: not a classic pcap file (magic 0x%08x; pcapng is not supported)",
                 r->name, magic);
    return NULL;
  }
  r->nsec = magic == PCAP_MAGIC_NSEC;
  memcpy (&major, r->data + 4, 2);
  if (r->swapped)
    major = GUINT16_SWAP_LE_BE (major);
  if (major != 2) {
    g_set_error (error, PCAP_ERROR, PCAP_ERROR_FORMAT,
                 "%s: unsupported pcap version %u", r->name, major);
    return NULL;
  }
  /* The low 16 bits are the link type; the upper bits may carry FCS information. */
  r->link_type = load_u32 (r, r->data + 20) & 0xffff;
  switch (r->link_type) {
  case PCAP_LINKTYPE_ETHERNET:
  case PCAP_LINKTYPE_RAW:
  case PCAP_LINKTYPE_LINUX_SLL:
  case PCAP_LINKTYPE_LINUX_SLL2:
  case PCAP_LINKTYPE_IPV4:
  case PCAP_LINKTYPE_IPV6:
    break;
  default:
    g_set_error (error, PCAP_ERROR, PCAP_ERROR_FORMAT,
                 "%s: unsupported link type %u", r->name, r->link_type);
    return NULL;
  }
  r->pos = PCAP_GLOBAL_HEADER_LEN;
  return g_steal_pointer (&r);
}

PcapReader *
pcap_reader_open (const char *path, GError **error)
{
  g_autofree gchar *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, error)) {
    if (error != NULL && *error != NULL) {
      (*error)->domain = PCAP_ERROR;
      (*error)->code = PCAP_ERROR_IO;
    }
    return NULL;
  }
  return pcap_reader_new_from_data ((const guint8 *) contents, len, path, error);
}

void
pcap_reader_free (PcapReader *r)
{
  if (r == NULL)
    return;
  g_free (r->name);
  g_free (r->data);
  g_free (r);
}

guint32
pcap_reader_link_type (const PcapReader *r)
{
  return r->link_type;
}

gboolean
pcap_reader_nanosecond (const PcapReader *r)
{
  return r->nsec;
}

const char *
pcap_reader_name (const PcapReader *r)
{
  return r->name;
}

G_GNUC_PRINTF (4, 5) static gboolean
frame_error (const PcapReader *r, GError **error, PcapError code, const char *format, ...)
{
  g_autofree gchar *msg = NULL;
  va_list ap;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (error, PCAP_ERROR, code, "%s: frame %u: %s", r->name, r->frame_no, msg);
  return FALSE;
}

/* Decodes UDP at p[0..len) (the IP payload). cut says the IP payload may be shorter than the
 * headers claim (snap length or first fragment). */
static gboolean
decode_udp (const PcapReader *r, const guint8 *p, gsize len, gboolean cut, PcapFrame *f,
            GError **error)
{
  guint16 udp_len;

  if (len < 8)
    return frame_error (r, error, cut ? PCAP_ERROR_TRUNCATED : PCAP_ERROR_MALFORMED,
                        "UDP header needs 8 bytes, %" G_GSIZE_FORMAT " there", len);
  f->sport = be16 (p);
  f->dport = be16 (p + 2);
  udp_len = be16 (p + 4);
  if (udp_len < 8)
    return frame_error (r, error, PCAP_ERROR_MALFORMED, "UDP length %u is below 8", udp_len);
  f->payload = p + 8;
  if (udp_len <= len) {
    f->payload_len = udp_len - 8;
  } else if (cut) {
    f->payload_len = len - 8;
    f->payload_truncated = TRUE;
  } else {
    return frame_error (r, error, PCAP_ERROR_MALFORMED,
                        "UDP length %u exceeds the %" G_GSIZE_FORMAT " bytes of the IP payload",
                        udp_len, len);
  }
  f->is_udp = TRUE;
  return TRUE;
}

static gboolean
decode_ipv4 (const PcapReader *r, const guint8 *p, gsize len, gboolean cut, PcapFrame *f,
             GError **error)
{
  gsize ihl, total;
  guint16 frag;

  if (len < 20)
    return frame_error (r, error, PCAP_ERROR_TRUNCATED,
                        "IPv4 header needs 20 bytes, %" G_GSIZE_FORMAT " there", len);
  if ((p[0] >> 4) != 4)
    return frame_error (r, error, PCAP_ERROR_MALFORMED, "IP version %u in an IPv4 frame",
                        p[0] >> 4);
  ihl = (gsize) (p[0] & 0x0f) * 4;
  if (ihl < 20)
    return frame_error (r, error, PCAP_ERROR_MALFORMED, "IPv4 header length %" G_GSIZE_FORMAT
                        " is below 20", ihl);
  if (ihl > len)
    return frame_error (r, error, PCAP_ERROR_TRUNCATED, "IPv4 header of %" G_GSIZE_FORMAT
                        " bytes, %" G_GSIZE_FORMAT " there", ihl, len);
  total = be16 (p + 2);
  if (total < ihl)
    return frame_error (r, error, PCAP_ERROR_MALFORMED, "IPv4 total length %" G_GSIZE_FORMAT
                        " is below its header length %" G_GSIZE_FORMAT, total, ihl);
  if (total > len) {
    if (!cut)
      return frame_error (r, error, PCAP_ERROR_MALFORMED, "IPv4 total length %" G_GSIZE_FORMAT
                          " exceeds the %" G_GSIZE_FORMAT " bytes of the frame", total, len);
    total = len;
  }
  /* Anything after total (Ethernet padding) is not part of the datagram. */
  frag = be16 (p + 6);
  if ((frag & 0x1fff) != 0 || p[9] != IPPROTO_UDP_NUM)
    return TRUE;  /* a non-first fragment or not UDP: not decoded, not an error */
  if (frag & 0x2000)
    cut = TRUE;   /* more fragments follow: the UDP length covers them too */
  f->ip_version = 4;
  f->family = AF_INET;
  f->ttl = p[8];
  memcpy (f->src, p + 12, 4);
  memcpy (f->dst, p + 16, 4);
  return decode_udp (r, p + ihl, total - ihl, cut, f, error);
}

static gboolean
decode_ipv6 (const PcapReader *r, const guint8 *p, gsize len, gboolean cut, PcapFrame *f,
             GError **error)
{
  gsize plen;

  if (len < 40)
    return frame_error (r, error, PCAP_ERROR_TRUNCATED,
                        "IPv6 header needs 40 bytes, %" G_GSIZE_FORMAT " there", len);
  if ((p[0] >> 4) != 6)
    return frame_error (r, error, PCAP_ERROR_MALFORMED, "IP version %u in an IPv6 frame",
                        p[0] >> 4);
  if (p[6] != IPPROTO_UDP_NUM)
    return TRUE;  /* extension headers and other protocols are not followed */
  plen = be16 (p + 4);
  if (plen > len - 40) {
    if (!cut)
      return frame_error (r, error, PCAP_ERROR_MALFORMED, "IPv6 payload length %" G_GSIZE_FORMAT
                          " exceeds the %" G_GSIZE_FORMAT " bytes of the frame", plen, len - 40);
    plen = len - 40;
  }
  f->ip_version = 6;
  f->family = AF_INET6;
  f->ttl = p[7];
  memcpy (f->src, p + 8, 16);
  memcpy (f->dst, p + 24, 16);
  return decode_udp (r, p + 40, plen, cut, f, error);
}

static gboolean
decode_ethertype (const PcapReader *r, guint16 type, const guint8 *p, gsize len, gboolean cut,
                  PcapFrame *f, GError **error)
{
  /* 802.1Q / 802.1ad tags: 2 bytes TCI, then the next EtherType. */
  while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) {
    if (len < 4)
      return frame_error (r, error, PCAP_ERROR_TRUNCATED, "VLAN tag needs 4 bytes, %"
                          G_GSIZE_FORMAT " there", len);
    type = be16 (p + 2);
    p += 4;
    len -= 4;
  }
  if (type == ETHERTYPE_IPV4)
    return decode_ipv4 (r, p, len, cut, f, error);
  if (type == ETHERTYPE_IPV6)
    return decode_ipv6 (r, p, len, cut, f, error);
  return TRUE;
}

static gboolean
decode_raw_ip (const PcapReader *r, const guint8 *p, gsize len, gboolean cut, PcapFrame *f,
               GError **error)
{
  if (len < 1)
    return frame_error (r, error, PCAP_ERROR_TRUNCATED, "empty raw IP frame");
  switch (p[0] >> 4) {
  case 4:
    return decode_ipv4 (r, p, len, cut, f, error);
  case 6:
    return decode_ipv6 (r, p, len, cut, f, error);
  default:
    return TRUE;
  }
}

gboolean
pcap_reader_next (PcapReader *r, PcapFrame *f, GError **error)
{
  const guint8 *rec, *p;
  guint32 ts_frac;
  gsize cap;
  gboolean cut;

  memset (f, 0, sizeof *f);
  if (r->pos == r->len)
    return FALSE;
  r->frame_no++;
  if (r->len - r->pos < PCAP_RECORD_HEADER_LEN) {
    gsize left = r->len - r->pos;

    r->pos = r->len;  /* nothing after a broken record can be trusted */
    return frame_error (r, error, PCAP_ERROR_TRUNCATED,
                        "record header needs 16 bytes, %" G_GSIZE_FORMAT " left", left);
  }
  rec = r->data + r->pos;
  f->number = r->frame_no;
  f->ts_sec = load_u32 (r, rec);
  ts_frac = load_u32 (r, rec + 4);
  f->cap_len = load_u32 (r, rec + 8);
  f->orig_len = load_u32 (r, rec + 12);
  cap = f->cap_len;
  if (cap > r->len - r->pos - PCAP_RECORD_HEADER_LEN) {
    gsize offset = r->pos, left = r->len - r->pos - PCAP_RECORD_HEADER_LEN;

    r->pos = r->len;
    return frame_error (r, error, PCAP_ERROR_TRUNCATED,
                        "record of %" G_GSIZE_FORMAT " bytes at offset %" G_GSIZE_FORMAT
                        ", only %" G_GSIZE_FORMAT " left in the file", cap, offset, left);
  }
  p = rec + PCAP_RECORD_HEADER_LEN;
  r->pos += PCAP_RECORD_HEADER_LEN + cap;
  if (r->nsec) {
    if (ts_frac >= 1000000000u)
      return frame_error (r, error, PCAP_ERROR_FORMAT, "timestamp fraction %u ns out of range",
                          ts_frac);
    f->ts_nsec = ts_frac;
  } else {
    if (ts_frac >= 1000000u)
      return frame_error (r, error, PCAP_ERROR_FORMAT, "timestamp fraction %u us out of range",
                          ts_frac);
    f->ts_nsec = ts_frac * 1000u;
  }
  cut = f->cap_len < f->orig_len;

  switch (r->link_type) {
  case PCAP_LINKTYPE_ETHERNET:
    if (cap < 14)
      return frame_error (r, error, PCAP_ERROR_TRUNCATED, "Ethernet header needs 14 bytes, %"
                          G_GSIZE_FORMAT " there", cap);
    return decode_ethertype (r, be16 (p + 12), p + 14, cap - 14, cut, f, error);
  case PCAP_LINKTYPE_LINUX_SLL:
    if (cap < 16)
      return frame_error (r, error, PCAP_ERROR_TRUNCATED, "SLL header needs 16 bytes, %"
                          G_GSIZE_FORMAT " there", cap);
    return decode_ethertype (r, be16 (p + 14), p + 16, cap - 16, cut, f, error);
  case PCAP_LINKTYPE_LINUX_SLL2:
    if (cap < 20)
      return frame_error (r, error, PCAP_ERROR_TRUNCATED, "SLL2 header needs 20 bytes, %"
                          G_GSIZE_FORMAT " there", cap);
    return decode_ethertype (r, be16 (p), p + 20, cap - 20, cut, f, error);
  case PCAP_LINKTYPE_RAW:
    return decode_raw_ip (r, p, cap, cut, f, error);
  case PCAP_LINKTYPE_IPV4:
    return decode_ipv4 (r, p, cap, cut, f, error);
  case PCAP_LINKTYPE_IPV6:
    return decode_ipv6 (r, p, cap, cut, f, error);
  default:
    g_assert_not_reached ();
  }
}

gboolean
pcap_reader_next_udp (PcapReader *r, PcapFrame *f, GError **error)
{
  while (pcap_reader_next (r, f, error)) {
    if (f->is_udp)
      return TRUE;
  }
  return FALSE;
}

gchar *
pcap_address_to_string (int family, const guint8 *addr)
{
  char buf[INET6_ADDRSTRLEN];

  if (inet_ntop (family, addr, buf, sizeof buf) == NULL)
    return g_strdup ("?");
  return g_strdup (buf);
}
