/* The pcap reader and writer of tests/common: the fixtures in ../shared/vectors, every link
 * type and byte order, truncated and odd captures, and a write -> read -> tshark round trip. */
#include "pcap-reader.h"
#include "pcap-writer.h"

#include <arpa/inet.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>

static const char *vectors_dir;

static gchar *
vector_path (const char *name)
{
  return g_build_filename (vectors_dir, name, NULL);
}

/* All frames of a capture, UDP or not, with payloads copied out of the reader. */
typedef struct {
  PcapFrame  f;
  GBytes    *payload;
} Frame;

static void
frame_clear (gpointer p)
{
  Frame *fr = p;

  g_clear_pointer (&fr->payload, g_bytes_unref);
}

static GArray *
read_all (PcapReader *r, GError **error)
{
  g_autoptr(GArray) frames = g_array_new (FALSE, TRUE, sizeof (Frame));
  Frame fr;

  g_array_set_clear_func (frames, frame_clear);
  while (pcap_reader_next (r, &fr.f, error)) {
    fr.payload = fr.f.is_udp ? g_bytes_new (fr.f.payload, fr.f.payload_len) : NULL;
    fr.f.payload = NULL;
    g_array_append_val (frames, fr);
  }
  if (error != NULL && *error != NULL)
    return NULL;
  return g_steal_pointer (&frames);
}

static GArray *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcapReader) r = pcap_reader_open (path, &error);
  GArray *frames;

  g_assert_no_error (error);
  frames = read_all (r, &error);
  g_assert_no_error (error);
  return frames;
}

static void
assert_addr (const PcapFrame *f, const guint8 *addr, const char *text)
{
  g_autofree gchar *s = pcap_address_to_string (f->family, addr);

  g_assert_cmpstr (s, ==, text);
}

static void
test_vectors (void)
{
  g_autofree gchar *path = vector_path ("lisp_vectors.pcap");
  g_autoptr(GArray) frames = read_file (path);
  const Frame *f1;
  guint i;

  g_assert_cmpuint (frames->len, ==, 17);
  for (i = 0; i < frames->len; i++) {
    const Frame *fr = &g_array_index (frames, Frame, i);

    g_assert_cmpuint (fr->f.number, ==, i + 1);
    g_assert_true (fr->f.is_udp);
    g_assert_cmpuint (fr->f.ip_version, ==, 4);
    g_assert_cmpint (fr->f.family, ==, AF_INET);
    /* Control messages to or from 4342; data (frames 8, 9, 14, 15) to 4341. */
    if (i + 1 == 8 || i + 1 == 9 || i + 1 == 14 || i + 1 == 15)
      g_assert_cmpuint (fr->f.dport, ==, 4341);
    else
      g_assert_true (fr->f.sport == 4342 || fr->f.dport == 4342);
    /* One frame a second. */
    g_assert_cmpuint (fr->f.ts_sec - g_array_index (frames, Frame, 0).f.ts_sec, ==, i);
    g_assert_false (fr->f.payload_truncated);
  }

  f1 = &g_array_index (frames, Frame, 0);
  g_assert_cmpuint (g_bytes_get_size (f1->payload), >, 0);
  /* Type 3 (Map-Register) in the high nibble; the low nibble holds its P/S/I/R flags
   * (0x3a here: P and I set). */
  g_assert_cmphex (((const guint8 *) g_bytes_get_data (f1->payload, NULL))[0] & 0xf0, ==, 0x30);
  /* tshark: 166-byte frame = 14 Ethernet + 20 IPv4 + 8 UDP + 124 payload */
  g_assert_cmpuint (f1->f.cap_len, ==, 166);
  g_assert_cmpuint (g_bytes_get_size (f1->payload), ==, 124);
  assert_addr (&f1->f, f1->f.src, "198.51.100.10");
  assert_addr (&f1->f, f1->f.dst, "203.0.113.1");
  g_assert_cmpuint (f1->f.sport, ==, 61001);
  g_assert_cmpuint (f1->f.dport, ==, 4342);
}

static void
test_foreign (void)
{
  static const char *files[] = {
    "lispersnet-nat.pcap", "lispersnet-register.pcap", "lispersnet-resolve.pcap",
    "oor-data.pcap", "oor-register.pcap", "oor-resolve.pcap", "oor-smr-probe.pcap",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (files); i++) {
    g_autofree gchar *path = g_build_filename (vectors_dir, "foreign", files[i], NULL);
    g_autoptr(GArray) frames = read_file (path);
    guint j, udp = 0;

    g_assert_cmpuint (frames->len, >, 0);
    for (j = 0; j < frames->len; j++)
      udp += g_array_index (frames, Frame, j).f.is_udp;
    g_test_message ("%s: %u frames, %u UDP", files[i], frames->len, udp);
    g_assert_cmpuint (udp, >, 0);
  }
}

/* A capture that is every prefix of a real one: never a crash or an out-of-bounds read
 * (the reader copies the data into an exactly sized buffer, so ASan would see it), and
 * either a clean end at a record boundary or an error naming the file and the frame. */
static void
test_truncated (void)
{
  g_autofree gchar *path = vector_path ("lisp_vectors.pcap");
  g_autofree gchar *contents = NULL;
  gsize len, cut, clean_ends = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  for (cut = 0; cut < len; cut++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(PcapReader) r = pcap_reader_new_from_data ((const guint8 *) contents, cut,
                                                         "cut.pcap", &error);
    g_autoptr(GArray) frames = NULL;

    if (r == NULL) {
      g_assert_cmpuint (cut, <, 24);
      g_assert_error (error, PCAP_ERROR, PCAP_ERROR_TRUNCATED);
      continue;
    }
    frames = read_all (r, &error);
    if (frames == NULL) {
      g_assert_error (error, PCAP_ERROR, PCAP_ERROR_TRUNCATED);
      g_assert_nonnull (strstr (error->message, "cut.pcap: frame "));
    } else {
      g_assert_cmpuint (frames->len, <, 17);
      clean_ends++;
    }
  }
  g_assert_cmpuint (clean_ends, ==, 17);  /* header alone, and after each of frames 1..16 */
}

static void
test_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcapReader) r = NULL;
  static const guint8 pcapng[24] = { 0x0a, 0x0d, 0x0d, 0x0a };

  r = pcap_reader_open ("/nonexistent/x.pcap", &error);
  g_assert_null (r);
  g_assert_error (error, PCAP_ERROR, PCAP_ERROR_IO);
  g_clear_error (&error);

  r = pcap_reader_new_from_data (pcapng, sizeof pcapng, "ng.pcapng", &error);
  g_assert_null (r);
  g_assert_error (error, PCAP_ERROR, PCAP_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "ng.pcapng"));
}

/* ---- building captures by hand, for link types and odd frames ---- */

typedef struct {
  gboolean swapped;
  gboolean nsec;
  guint32  link_type;
} CaptureFormat;

static void
put32 (GByteArray *out, const CaptureFormat *fmt, guint32 v)
{
  if (fmt->swapped)
    v = GUINT32_SWAP_LE_BE (v);
  g_byte_array_append (out, (const guint8 *) &v, 4);
}

static GByteArray *
capture_new (const CaptureFormat *fmt)
{
  GByteArray *out = g_byte_array_new ();
  guint16 v[2] = { 2, 4 };

  put32 (out, fmt, fmt->nsec ? 0xa1b23c4du : 0xa1b2c3d4u);
  if (fmt->swapped) {
    v[0] = GUINT16_SWAP_LE_BE (v[0]);
    v[1] = GUINT16_SWAP_LE_BE (v[1]);
  }
  g_byte_array_append (out, (const guint8 *) v, 4);
  put32 (out, fmt, 0);
  put32 (out, fmt, 0);
  put32 (out, fmt, 65535);
  put32 (out, fmt, fmt->link_type);
  return out;
}

static void
capture_add (GByteArray *out, const CaptureFormat *fmt, guint32 sec, guint32 frac,
             const guint8 *frame, gsize len, gsize orig_len)
{
  put32 (out, fmt, sec);
  put32 (out, fmt, frac);
  put32 (out, fmt, (guint32) len);
  put32 (out, fmt, (guint32) orig_len);
  g_byte_array_append (out, frame, (guint) len);
}

/* Wraps an IP datagram in the link header of fmt (vlan tags: Ethernet only). */
static GByteArray *
link_frame (const CaptureFormat *fmt, const GByteArray *ip, guint vlan_tags)
{
  GByteArray *f = g_byte_array_new ();
  guint16 ethertype = (ip->data[0] >> 4) == 4 ? 0x0800 : 0x86dd;
  guint8 b[20] = { 0 };
  guint i;

  switch (fmt->link_type) {
  case PCAP_LINKTYPE_ETHERNET:
    memset (b, 0x02, 12);
    g_byte_array_append (f, b, 12);
    for (i = 0; i < vlan_tags; i++) {
      guint8 tag[4] = { i == 0 && vlan_tags > 1 ? 0x88 : 0x81, i == 0 && vlan_tags > 1 ? 0xa8 : 0x00,
                        0x00, 0x10 + i };
      g_byte_array_append (f, tag, 4);
    }
    b[0] = ethertype >> 8;
    b[1] = ethertype & 0xff;
    g_byte_array_append (f, b, 2);
    break;
  case PCAP_LINKTYPE_LINUX_SLL:
    b[1] = 4;  /* packet type: outgoing */
    b[3] = 1;  /* ARPHRD_ETHER */
    b[5] = 6;
    b[14] = ethertype >> 8;
    b[15] = ethertype & 0xff;
    g_byte_array_append (f, b, 16);
    break;
  case PCAP_LINKTYPE_LINUX_SLL2:
    b[0] = ethertype >> 8;
    b[1] = ethertype & 0xff;
    b[7] = 3;   /* interface index */
    b[9] = 1;   /* ARPHRD_ETHER */
    b[11] = 6;
    g_byte_array_append (f, b, 20);
    break;
  case PCAP_LINKTYPE_RAW:
    break;
  default:
    g_assert_not_reached ();
  }
  g_byte_array_append (f, ip->data, ip->len);
  return f;
}

static const guint8 v4_a[4] = { 192, 0, 2, 1 };
static const guint8 v4_b[4] = { 203, 0, 113, 9 };
static guint8 v6_a[16], v6_b[16];

static void
init_v6 (void)
{
  g_assert_cmpint (inet_pton (AF_INET6, "2001:db8:e1d::1", v6_a), ==, 1);
  g_assert_cmpint (inet_pton (AF_INET6, "2001:db8::4342", v6_b), ==, 1);
}

static void
test_link_types (void)
{
  static const CaptureFormat formats[] = {
    { FALSE, FALSE, PCAP_LINKTYPE_ETHERNET },
    { TRUE, FALSE, PCAP_LINKTYPE_ETHERNET },
    { FALSE, TRUE, PCAP_LINKTYPE_ETHERNET },
    { TRUE, TRUE, PCAP_LINKTYPE_ETHERNET },
    { FALSE, FALSE, PCAP_LINKTYPE_LINUX_SLL },
    { TRUE, TRUE, PCAP_LINKTYPE_LINUX_SLL2 },
    { FALSE, FALSE, PCAP_LINKTYPE_LINUX_SLL2 },
    { FALSE, TRUE, PCAP_LINKTYPE_RAW },
    { TRUE, FALSE, PCAP_LINKTYPE_RAW },
  };
  static const guint8 payload[] = { 0x30, 0x00, 0x01, 0x01, 0xaa, 0xbb, 0xcc };
  g_autoptr(GByteArray) ip4 = NULL, ip6 = NULL;
  guint i;

  init_v6 ();
  ip4 = pcap_build_ip_udp (AF_INET, v4_a, v4_b, 61001, 4342, payload, sizeof payload, NULL);
  ip6 = pcap_build_ip_udp (AF_INET6, v6_a, v6_b, 4341, 4342, payload, 3, NULL);

  for (i = 0; i < G_N_ELEMENTS (formats); i++) {
    const CaptureFormat *fmt = &formats[i];
    g_autoptr(GByteArray) cap = capture_new (fmt);
    g_autoptr(GByteArray) a = link_frame (fmt, ip4, 0);
    g_autoptr(GByteArray) b = link_frame (fmt, ip6, 0);
    g_autoptr(GByteArray) c = link_frame (fmt, ip4, fmt->link_type == PCAP_LINKTYPE_ETHERNET ? 2 : 0);
    g_autoptr(PcapReader) r = NULL;
    g_autoptr(GError) error = NULL;
    PcapFrame f;

    g_test_message ("link type %u, %s, %s", fmt->link_type, fmt->swapped ? "swapped" : "native",
                    fmt->nsec ? "ns" : "us");
    capture_add (cap, fmt, 100, fmt->nsec ? 123456789 : 123456, a->data, a->len, a->len);
    capture_add (cap, fmt, 101, 0, b->data, b->len, b->len);
    capture_add (cap, fmt, 102, 0, c->data, c->len, c->len);
    r = pcap_reader_new_from_data (cap->data, cap->len, "made.pcap", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (pcap_reader_link_type (r), ==, fmt->link_type);
    g_assert_cmpint (pcap_reader_nanosecond (r), ==, fmt->nsec);

    g_assert_true (pcap_reader_next (r, &f, &error));
    g_assert_cmpuint (f.number, ==, 1);
    g_assert_cmpuint (f.ts_sec, ==, 100);
    g_assert_cmpuint (f.ts_nsec, ==, fmt->nsec ? 123456789 : 123456000);
    g_assert_true (f.is_udp);
    g_assert_cmpuint (f.ip_version, ==, 4);
    assert_addr (&f, f.src, "192.0.2.1");
    assert_addr (&f, f.dst, "203.0.113.9");
    g_assert_cmpuint (f.sport, ==, 61001);
    g_assert_cmpuint (f.dport, ==, 4342);
    g_assert_cmpmem (f.payload, f.payload_len, payload, sizeof payload);

    g_assert_true (pcap_reader_next (r, &f, &error));
    g_assert_true (f.is_udp);
    g_assert_cmpuint (f.ip_version, ==, 6);
    g_assert_cmpint (f.family, ==, AF_INET6);
    assert_addr (&f, f.src, "2001:db8:e1d::1");
    assert_addr (&f, f.dst, "2001:db8::4342");
    g_assert_cmpuint (f.sport, ==, 4341);
    g_assert_cmpmem (f.payload, f.payload_len, payload, 3);

    g_assert_true (pcap_reader_next (r, &f, &error));
    g_assert_cmpuint (f.number, ==, 3);
    g_assert_true (f.is_udp);
    g_assert_cmpmem (f.payload, f.payload_len, payload, sizeof payload);

    g_assert_false (pcap_reader_next (r, &f, &error));
    g_assert_no_error (error);
  }
}

/* Frames that are not (first-fragment) UDP are counted but not decoded; padding after the
 * IPv4 total length is ignored; a cut capture marks the payload truncated; lying headers
 * are errors naming the frame. */
static void
test_odd_frames (void)
{
  static const CaptureFormat fmt = { FALSE, FALSE, PCAP_LINKTYPE_ETHERNET };
  static const guint8 payload[40] = { 0x10, 1, 2, 3 };
  g_autoptr(GByteArray) cap = capture_new (&fmt);
  g_autoptr(GByteArray) ip = pcap_build_ip_udp (AF_INET, v4_a, v4_b, 1, 2, payload, 4, NULL);
  g_autoptr(GByteArray) big = pcap_build_ip_udp (AF_INET, v4_a, v4_b, 1, 2, payload, 40, NULL);
  g_autoptr(GByteArray) frag = NULL, padded = NULL, arp = NULL, ip6ext = NULL, bad = NULL;
  g_autoptr(GByteArray) ip6 = NULL, frame = NULL;
  g_autoptr(PcapReader) r = NULL;
  g_autoptr(GError) error = NULL;
  PcapFrame f;
  static const guint8 zero[20] = { 0 };

  init_v6 ();
  /* 1: a non-first fragment */
  frag = link_frame (&fmt, ip, 0);
  frag->data[14 + 6] = 0x00;
  frag->data[14 + 7] = 0x10;
  capture_add (cap, &fmt, 1, 0, frag->data, frag->len, frag->len);
  /* 2: padded to the Ethernet minimum of 60 bytes */
  padded = link_frame (&fmt, ip, 0);
  g_byte_array_append (padded, zero, 60 - padded->len);
  capture_add (cap, &fmt, 2, 0, padded->data, padded->len, padded->len);
  /* 3: ARP */
  arp = link_frame (&fmt, ip, 0);
  arp->data[12] = 0x08;
  arp->data[13] = 0x06;
  capture_add (cap, &fmt, 3, 0, arp->data, arp->len, arp->len);
  /* 4: IPv6 with a hop-by-hop header first: not followed */
  ip6 = pcap_build_ip_udp (AF_INET6, v6_a, v6_b, 1, 2, payload, 4, NULL);
  ip6ext = link_frame (&fmt, ip6, 0);
  ip6ext->data[14 + 6] = 0;
  capture_add (cap, &fmt, 4, 0, ip6ext->data, ip6ext->len, ip6ext->len);
  /* 5: cut by the snap length after 10 payload bytes */
  frame = link_frame (&fmt, big, 0);
  capture_add (cap, &fmt, 5, 0, frame->data, 14 + 20 + 8 + 10, frame->len);
  /* 6: IHL 4 */
  bad = link_frame (&fmt, ip, 0);
  bad->data[14] = 0x44;
  capture_add (cap, &fmt, 6, 0, bad->data, bad->len, bad->len);

  r = pcap_reader_new_from_data (cap->data, cap->len, "odd.pcap", &error);
  g_assert_no_error (error);
  g_assert_true (pcap_reader_next (r, &f, &error));
  g_assert_false (f.is_udp);
  g_assert_true (pcap_reader_next (r, &f, &error));
  g_assert_true (f.is_udp);
  g_assert_cmpuint (f.number, ==, 2);
  g_assert_cmpmem (f.payload, f.payload_len, payload, 4);
  g_assert_true (pcap_reader_next_udp (r, &f, &error));  /* skips 3 and 4 */
  g_assert_cmpuint (f.number, ==, 5);
  g_assert_true (f.payload_truncated);
  g_assert_cmpmem (f.payload, f.payload_len, payload, 10);
  g_assert_false (pcap_reader_next (r, &f, &error));
  g_assert_error (error, PCAP_ERROR, PCAP_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "odd.pcap: frame 6: "));
}

static gboolean
checksum_ok (const GByteArray *ip)
{
  guint hlen = (ip->data[0] >> 4) == 4 ? 20 : 40;
  guint32 sum = 0;
  guint8 pseudo[4] = { 0, 17, 0, 0 };

  if (hlen == 20) {
    if (pcap_checksum_finish (pcap_checksum_add (0, ip->data, 20)) != 0)
      return FALSE;
    sum = pcap_checksum_add (sum, ip->data + 12, 8);
  } else {
    sum = pcap_checksum_add (sum, ip->data + 8, 32);
  }
  pseudo[2] = ip->data[hlen + 4];
  pseudo[3] = ip->data[hlen + 5];
  sum = pcap_checksum_add (sum, pseudo, 4);
  sum = pcap_checksum_add (sum, ip->data + hlen, ip->len - hlen);
  return pcap_checksum_finish (sum) == 0;
}

static void
test_checksums (void)
{
  guint8 payload[301];
  gsize len;

  init_v6 ();
  for (len = 0; len < sizeof payload; len++)
    payload[len] = (guint8) (len * 7 + 1);
  for (len = 0; len <= sizeof payload; len += 37) {
    g_autoptr(GByteArray) a = pcap_build_ip_udp (AF_INET, v4_a, v4_b, 61001, 4342, payload, len, NULL);
    g_autoptr(GByteArray) b = pcap_build_ip_udp (AF_INET6, v6_a, v6_b, 61001, 4342, payload, len, NULL);

    g_assert_true (checksum_ok (a));
    g_assert_true (checksum_ok (b));
  }
}

/* What tshark makes of a capture: one line per frame, or NULL when tshark is missing. */
static gchar **
tshark_fields (const char *path)
{
  g_autofree gchar *tshark = g_find_program_in_path ("tshark");
  g_autofree gchar *out = NULL;
  g_autoptr(GError) error = NULL;
  gint status = 0;
  const gchar *argv[] = {
    tshark, "-n", "-r", path,
    "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
    "-T", "fields", "-E", "separator=|", "-E", "occurrence=f",
    "-e", "frame.number", "-e", "frame.protocols", "-e", "udp.checksum.status",
    "-e", "ip.checksum.status", "-e", "udp.srcport", "-e", "udp.dstport", "-e", "_ws.malformed",
    NULL,
  };

  if (tshark == NULL)
    return NULL;
  g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_exit_status (status, &error));
  g_assert_no_error (error);
  g_strchomp (out);
  return g_strsplit (out, "\n", -1);
}

static void
test_roundtrip (void)
{
  g_autofree gchar *path = vector_path ("lisp_vectors.pcap");
  g_autoptr(GArray) in = read_file (path);
  g_autoptr(PcapWriter) w = pcap_writer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) out = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PcapReader) r = NULL;
  g_autofree gchar *tmpdir = NULL, *written = NULL;
  g_auto(GStrv) lines = NULL;
  guint8 odd[33];
  guint i, n_expected;

  init_v6 ();
  for (i = 0; i < in->len; i++) {
    const Frame *fr = &g_array_index (in, Frame, i);
    gsize len;
    const guint8 *data = g_bytes_get_data (fr->payload, &len);

    g_assert_true (pcap_writer_add_udp (w, fr->f.family, fr->f.src, fr->f.dst, fr->f.sport,
                                        fr->f.dport, data, len, &error));
    g_assert_no_error (error);
  }
  /* The same Map-Register over IPv6, an odd-length and an empty datagram. */
  {
    const Frame *f1 = &g_array_index (in, Frame, 0);
    gsize len;
    const guint8 *data = g_bytes_get_data (f1->payload, &len);

    g_assert_true (pcap_writer_add_udp (w, AF_INET6, v6_a, v6_b, 61001, 4342, data, len, &error));
  }
  memset (odd, 0xa5, sizeof odd);
  g_assert_true (pcap_writer_add_udp (w, AF_INET, v4_a, v4_b, 40000, 40001, odd, sizeof odd, &error));
  g_assert_true (pcap_writer_add_udp (w, AF_INET6, v6_b, v6_a, 40001, 40000, NULL, 0, &error));
  g_assert_no_error (error);
  n_expected = in->len + 3;
  g_assert_cmpuint (pcap_writer_n_frames (w), ==, n_expected);

  bytes = pcap_writer_get_bytes (w);
  r = pcap_reader_new_from_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 "written.pcap", &error);
  g_assert_no_error (error);
  out = read_all (r, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (out->len, ==, n_expected);
  for (i = 0; i < in->len; i++) {
    const Frame *a = &g_array_index (in, Frame, i), *b = &g_array_index (out, Frame, i);

    g_assert_true (b->f.is_udp);
    g_assert_cmpint (a->f.family, ==, b->f.family);
    g_assert_cmpmem (a->f.src, 16, b->f.src, 16);
    g_assert_cmpmem (a->f.dst, 16, b->f.dst, 16);
    g_assert_cmpuint (a->f.sport, ==, b->f.sport);
    g_assert_cmpuint (a->f.dport, ==, b->f.dport);
    g_assert_true (g_bytes_equal (a->payload, b->payload));
  }
  g_assert_cmpuint (g_array_index (out, Frame, in->len).f.ip_version, ==, 6);
  g_assert_cmpuint (g_bytes_get_size (g_array_index (out, Frame, in->len + 1).payload), ==, 33);
  g_assert_cmpuint (g_bytes_get_size (g_array_index (out, Frame, in->len + 2).payload), ==, 0);

  /* An independent decoder must agree: UDP everywhere, checksums good, nothing malformed. */
  tmpdir = g_dir_make_tmp ("lispmn-test-pcap-XXXXXX", &error);
  g_assert_no_error (error);
  written = g_build_filename (tmpdir, "roundtrip.pcap", NULL);
  g_assert_true (pcap_writer_save (w, written, &error));
  g_assert_no_error (error);
  lines = tshark_fields (written);
  g_unlink (written);
  g_rmdir (tmpdir);
  if (lines == NULL) {
    g_test_skip ("tshark is not installed: the independent decoding check did not run");
    return;
  }
  g_assert_cmpuint (g_strv_length (lines), ==, n_expected);
  for (i = 0; i < n_expected; i++) {
    g_auto(GStrv) col = g_strsplit (lines[i], "|", -1);
    const Frame *b = &g_array_index (out, Frame, i);
    g_autofree gchar *num = g_strdup_printf ("%u", i + 1);
    g_autofree gchar *sport = g_strdup_printf ("%u", b->f.sport);
    g_autofree gchar *dport = g_strdup_printf ("%u", b->f.dport);

    g_test_message ("tshark: %s", lines[i]);
    g_assert_cmpuint (g_strv_length (col), ==, 7);
    g_assert_cmpstr (col[0], ==, num);
    g_assert_true (g_str_has_prefix (col[1], b->f.ip_version == 4 ? "eth:ethertype:ip:udp"
                                                                   : "eth:ethertype:ipv6:udp"));
    g_assert_cmpstr (col[2], ==, "1");  /* udp.checksum.status: Good */
    if (b->f.ip_version == 4)
      g_assert_cmpstr (col[3], ==, "1");
    g_assert_cmpstr (col[4], ==, sport);
    g_assert_cmpstr (col[5], ==, dport);
    g_assert_cmpstr (col[6], ==, "");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  vectors_dir = g_getenv ("LISPMN_VECTORS_DIR");
  if (vectors_dir == NULL || !g_file_test (vectors_dir, G_FILE_TEST_IS_DIR)) {
    /* Not a skip: without the fixtures the suite would pass while testing nothing. */
    g_print ("Bail out! the test vectors are missing (LISPMN_VECTORS_DIR=%s): this test needs "
             "the shared/ directory checked out as ../shared beside the repository\n",
             vectors_dir != NULL ? vectors_dir : "(unset)");
    return 1;
  }

  g_test_add_func ("/pcap/vectors", test_vectors);
  g_test_add_func ("/pcap/foreign", test_foreign);
  g_test_add_func ("/pcap/truncated", test_truncated);
  g_test_add_func ("/pcap/errors", test_errors);
  g_test_add_func ("/pcap/link-types", test_link_types);
  g_test_add_func ("/pcap/odd-frames", test_odd_frames);
  g_test_add_func ("/pcap/checksums", test_checksums);
  g_test_add_func ("/pcap/roundtrip", test_roundtrip);
  return g_test_run ();
}
