/* Helpers for the tests that decode captured frames (test-vectors, test-foreign): loading
 * the UDP datagrams of a capture, and assertions whose failure message names the capture,
 * the frame and the field, e.g.
 *
 *   lispersnet-nat.pcap frame 2 (Info-Reply): NAT ETR port is 30396, expected 30397
 *
 * Header-only (static inline) so that each test program stays one .c file. */
#pragma once

#include "lisp-address.h"
#include "lisp-error.h"
#include "pcap-reader.h"

#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>

/* One UDP datagram of a capture. The payload is a heap block of exactly payload_len bytes,
 * so that AddressSanitizer catches a decoder reading one byte too far. */
typedef struct {
  const char *file;    /* base name of the capture, for messages */
  guint       number;  /* frame number, 1-based as tshark shows it */
  int         family;
  guint8      src[16];
  guint8      dst[16];
  guint16     sport;
  guint16     dport;
  guint8     *payload;
  gsize       payload_len;
} VFrame;

static inline void
vframe_free (VFrame *f)
{
  g_free (f->payload);
  g_free (f);
}

/* Every frame of the capture at dir/name, which must all be complete UDP datagrams. */
static inline GPtrArray *
vframes_load (const char *dir, const char *name)
{
  g_autofree gchar *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PcapReader) r = pcap_reader_open (path, &error);
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) vframe_free);
  /* Interned: the frames outlive this function and name their file in messages. */
  const char *file = g_intern_string (name);
  PcapFrame pf;

  g_assert_no_error (error);
  g_assert_nonnull (r);
  while (pcap_reader_next (r, &pf, &error))
    {
      VFrame *f = g_new0 (VFrame, 1);

      if (!pf.is_udp || pf.payload_truncated)
        g_error ("%s frame %u is not a complete UDP datagram", name, pf.number);
      f->file = file;
      f->number = pf.number;
      f->family = pf.family;
      memcpy (f->src, pf.src, sizeof f->src);
      memcpy (f->dst, pf.dst, sizeof f->dst);
      f->sport = pf.sport;
      f->dport = pf.dport;
      f->payload = g_memdup2 (pf.payload, pf.payload_len);
      f->payload_len = pf.payload_len;
      g_ptr_array_add (frames, f);
    }
  g_assert_no_error (error);
  return frames;
}

static inline const char *
vectors_dir (void)
{
  const char *dir = g_getenv ("LISPMN_VECTORS_DIR");

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    g_error ("the test vectors are missing (LISPMN_VECTORS_DIR=%s): the shared/ directory "
             "must be checked out as ../shared beside the repository",
             dir != NULL ? dir : "(unset)");
  return dir;
}

/* ---- assertions naming the frame ------------------------------------------------------ */

static inline void G_GNUC_PRINTF (6, 7)
vframe_fail (const VFrame *f, const char *what, const char *file, int line, const char *func,
             const char *fmt, ...)
{
  g_autofree gchar *detail = NULL;
  g_autofree gchar *msg = NULL;
  va_list args;

  va_start (args, fmt);
  detail = g_strdup_vprintf (fmt, args);
  va_end (args);
  msg = g_strdup_printf ("%s frame %u (%s): %s", f->file, f->number, what, detail);
  g_assertion_message (G_LOG_DOMAIN, file, line, func, msg);
}

/* VCHECK (frame, what, condition, printf-style explanation...) */
#define VCHECK(f, what, cond, ...)                                                         \
  do {                                                                                     \
    if (G_UNLIKELY (!(cond)))                                                              \
      vframe_fail ((f), (what), __FILE__, __LINE__, G_STRFUNC, __VA_ARGS__);               \
  } while (0)

#define VCHECK_UINT(f, what, field, actual, expected)                                      \
  do {                                                                                     \
    guint64 vc_a_ = (guint64) (actual), vc_e_ = (guint64) (expected);                      \
    VCHECK ((f), (what), vc_a_ == vc_e_, "%s is %" G_GUINT64_FORMAT " (0x%" G_GINT64_MODIFIER \
            "x), expected %" G_GUINT64_FORMAT " (0x%" G_GINT64_MODIFIER "x)",              \
            (field), vc_a_, vc_a_, vc_e_, vc_e_);                                          \
  } while (0)

#define VCHECK_BOOL(f, what, field, actual, expected)                                      \
  do {                                                                                     \
    gboolean vc_a_ = !!(actual), vc_e_ = !!(expected);                                     \
    VCHECK ((f), (what), vc_a_ == vc_e_, "%s is %s, expected %s", (field),                 \
            vc_a_ ? "set" : "clear", vc_e_ ? "set" : "clear");                             \
  } while (0)

/* Several VCHECK_UINTs in one: VCHECK_UINTS (f, what, { field, actual, expected }, ...). */
typedef struct {
  const char *field;
  guint64 actual;
  guint64 expected;
} VUint;

#define VCHECK_UINTS(f, what, ...)                                                                 \
  do                                                                                               \
    {                                                                                              \
      const VUint vc_rows_[] = { __VA_ARGS__ };                                                    \
      for (gsize vc_i_ = 0; vc_i_ < G_N_ELEMENTS (vc_rows_); vc_i_++)                              \
        VCHECK_UINT ((f), (what), vc_rows_[vc_i_].field, vc_rows_[vc_i_].actual,                   \
                     vc_rows_[vc_i_].expected);                                                    \
    }                                                                                              \
  while (0)

/* A successful decode: FALSE or an error set fails, quoting the decoder's message. */
#define VCHECK_DECODED(f, what, ok, error)                                                 \
  VCHECK ((f), (what), (ok) && (error) == NULL, "does not decode: %s",                     \
          (error) != NULL ? (error)->message : "FALSE without an error")

/* decode (a lisp_*_decode function) reads data into *out: it must succeed (VCHECK_DECODED). */
#define VDECODE(f, what, decode, data, len, out)                                                   \
  do                                                                                               \
    {                                                                                              \
      g_autoptr(GError) vd_error_ = NULL;                                                          \
      gboolean vd_ok_ = decode ((data), (len), (out), &vd_error_);                                 \
      VCHECK_DECODED ((f), (what), vd_ok_, vd_error_);                                             \
    }                                                                                              \
  while (0)

/* A control message of the given type: lisp_message_type() says so, decode reads it into
 * *out (VDECODE), and it leaves no trailing bytes. */
#define VDECODE_MESSAGE(f, what, type, decode, data, len, out)                                     \
  do                                                                                               \
    {                                                                                              \
      VCHECK_UINT ((f), (what), "message type", lisp_message_type ((data), (len)), (type));        \
      VDECODE ((f), (what), decode, (data), (len), (out));                                         \
      VCHECK_UINT ((f), (what), "trailing bytes", (*(out))->trailing, 0);                          \
    }                                                                                              \
  while (0)

/* The address is the one text spells ("192.0.2.1", "2001:db8::1", "[1000]192.0.2.1" with
 * the IID mask length as lisp_address_parse sets it, or "none"). */
static inline void
vcheck_address (const VFrame *f, const char *what, const char *field, const LispAddress *a,
                const char *text, const char *file, int line, const char *func)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LispAddress) expected = NULL;
  g_autofree gchar *got = NULL;

  if (a == NULL)
    {
      vframe_fail (f, what, file, line, func, "%s is missing, expected %s", field, text);
      return;
    }
  if (g_strcmp0 (text, "none") == 0)
    expected = lisp_address_new (LISP_ADDRESS_NONE);
  else
    expected = lisp_address_parse (text, &error);
  g_assert_no_error (error);
  got = lisp_address_to_string (a);
  if (!lisp_address_equal (a, expected))
    vframe_fail (f, what, file, line, func, "%s is %s, expected %s", field, got, text);
}

#define VCHECK_ADDR(f, what, field, a, text)                                               \
  vcheck_address ((f), (what), (field), (a), (text), __FILE__, __LINE__, G_STRFUNC)

/* The address's readable form (lisp_address_to_string) is text: for LCAF addresses whose
 * every part matters, "(198.51.100.20, 'RTR')", "[1000]203.0.113.130", "'vm'". */
#define VCHECK_ADDR_STR(f, what, field, a, text)                                           \
  do {                                                                                     \
    g_autofree gchar *vc_s_ = lisp_address_to_string (a);                                  \
    VCHECK ((f), (what), g_strcmp0 (vc_s_, (text)) == 0, "%s is %s, expected %s", (field),  \
            vc_s_, (text));                                                                \
  } while (0)

static inline gchar *
vhex (const guint8 *data, gsize len)
{
  GString *s = g_string_sized_new (len * 2 + 1);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02x", data[i]);
  return g_string_free (s, FALSE);
}

/* An IP address of a frame or an inner header as text. */
static inline gchar *
vip (int family_or_version, const guint8 *addr)
{
  int family = family_or_version == 4 ? AF_INET : family_or_version == 6 ? AF_INET6
                                                                          : family_or_version;

  return pcap_address_to_string (family, addr);
}

#define VCHECK_IP(f, what, field, family_or_version, addr, text)                           \
  do {                                                                                     \
    g_autofree gchar *vc_s_ = vip ((family_or_version), (addr));                           \
    VCHECK ((f), (what), g_strcmp0 (vc_s_, (text)) == 0, "%s is %s, expected %s", (field),  \
            vc_s_, (text));                                                                \
  } while (0)
