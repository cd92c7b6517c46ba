/* The data-plane header: every flag combination RFC 9300 allows round-trips, the two it
 * forbids are refused both ways, and known bytes decode to known fields. */
#include "wire-data.h"
#include "lisp-error.h"
#include "test-table.h"

#include <string.h>

/* Known bytes and every field they decode to. */
typedef struct {
  const char *path;
  guint8 bytes[LISP_DATA_HEADER_SIZE];
  LispDataHeader fields;
} KnownHeader;

static const KnownHeader known_headers[] = {
  /* N+L, nonce 0xabcdef, LSBs 0x3 */
  { "/data-header/known-bytes/nonce-lsb",
    { 0xc0, 0xab, 0xcd, 0xef, 0x00, 0x00, 0x00, 0x03 },
    { .nonce_present = TRUE, .lsb_enabled = TRUE, .nonce = 0xabcdef, .lsb = 3 } },
  /* I, IID 0xabcde, LSB8 1 (L set) */
  { "/data-header/known-bytes/iid-lsb",
    { 0x48, 0x00, 0x00, 0x00, 0x0a, 0xbc, 0xde, 0x01 },
    { .iid_present = TRUE, .lsb_enabled = TRUE, .iid = 0xabcde, .lsb = 1 } },
  /* V: source version 0x123, dest version 0x456 */
  { "/data-header/known-bytes/map-version",
    { 0x10, 0x12, 0x34, 0x56, 0x00, 0x00, 0x00, 0x00 },
    { .map_version = TRUE, .source_version = 0x123, .dest_version = 0x456 } },
};

static void
test_known_bytes (gconstpointer data)
{
  const KnownHeader *row = data;
  const LispDataHeader *want = &row->fields;
  g_autoptr(GError) error = NULL;
  LispDataHeader h;

  g_assert_true (lisp_data_header_decode (row->bytes, sizeof row->bytes, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpint (!!h.nonce_present, ==, want->nonce_present);
  g_assert_cmpint (!!h.lsb_enabled, ==, want->lsb_enabled);
  g_assert_cmpint (!!h.echo_nonce, ==, want->echo_nonce);
  g_assert_cmpint (!!h.map_version, ==, want->map_version);
  g_assert_cmpint (!!h.iid_present, ==, want->iid_present);
  g_assert_cmpint (!!h.reserved_flag, ==, want->reserved_flag);
  g_assert_cmphex (h.key_id, ==, want->key_id);
  g_assert_cmphex (h.nonce, ==, want->nonce);
  g_assert_cmphex (h.source_version, ==, want->source_version);
  g_assert_cmphex (h.dest_version, ==, want->dest_version);
  g_assert_cmphex (h.iid, ==, want->iid);
  g_assert_cmphex (h.lsb, ==, want->lsb);
}

static void
test_all_valid_flags_round_trip (void)
{
  for (guint flags = 0; flags < 256; flags++)
    {
      guint8 in[8] = { flags, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde }, out[8];
      gboolean n = flags & 0x80, e = flags & 0x20, v = flags & 0x10;
      LispDataHeader h;
      g_autoptr(GError) error = NULL;

      if ((e && !n) || (n && v))
        {
          g_assert_false (lisp_data_header_decode (in, sizeof in, &h, &error));
          g_assert_error (error, LISP_ERROR, LISP_ERROR_INVALID);
          continue;
        }
      g_assert_true (lisp_data_header_decode (in, sizeof in, &h, &error));
      g_assert_no_error (error);
      g_assert_true (lisp_data_header_encode (&h, out, &error));
      /* Re-encoding drops what the flags say is absent and the reserved R bit. */
      g_assert_cmphex (out[0], ==, flags & ~0x04);
      if (n || v)
        g_assert_cmpmem (out + 1, 3, in + 1, 3);
      else
        g_assert_cmpmem (out + 1, 3, "\0\0\0", 3);
    }
}

static void
test_forbidden_combinations (void)
{
  LispDataHeader h = { .echo_nonce = TRUE };
  guint8 out[8];
  g_autoptr(GError) error = NULL;

  g_assert_false (lisp_data_header_encode (&h, out, &error));
  g_assert_nonnull (strstr (error->message, "E (echo-nonce request) is set without N"));
  g_clear_error (&error);
  h = (LispDataHeader) { .nonce_present = TRUE, .map_version = TRUE };
  g_assert_false (lisp_data_header_encode (&h, out, &error));
  g_assert_nonnull (strstr (error->message, "N (nonce) and V (map-version)"));
}

static void
test_truncated (void)
{
  static const guint8 hdr[8] = { 0 };

  for (gsize len = 0; len < sizeof hdr; len++)
    {
      LispDataHeader h;
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *copy = g_memdup2 (hdr, len);

      g_assert_false (lisp_data_header_decode (copy, len, &h, &error));
      g_assert_error (error, LISP_ERROR, LISP_ERROR_TRUNCATED);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  TEST_ADD_TABLE (known_headers, test_known_bytes);
  g_test_add_func ("/data-header/all-flags", test_all_valid_flags_round_trip);
  g_test_add_func ("/data-header/forbidden", test_forbidden_combinations);
  g_test_add_func ("/data-header/truncated", test_truncated);
  return g_test_run ();
}
