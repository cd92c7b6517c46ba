/* LispAddress: parsing, printing, and the wire form of every AFI and LCAF we handle. */
#include "lisp-address.h"
#include "lisp-error.h"
#include "parse-address.h"

#include <string.h>

static GByteArray *
encode (const LispAddress *a)
{
  GByteArray *out = g_byte_array_new ();

  lisp_address_encode (a, out);
  return out;
}

static LispAddress *
decode_all (const guint8 *data, gsize len, GError **error)
{
  LispReader r;
  LispAddress *a = NULL;

  lisp_reader_init (&r, data, len);
  if (!lisp_address_decode (&r, "test", &a, error))
    return NULL;
  g_assert_cmpuint (lisp_reader_remaining (&r), ==, 0);
  return a;
}

/* Encode, decode, compare, re-encode: byte-identical. */
static void
assert_round_trip (const LispAddress *a)
{
  g_autoptr(GByteArray) wire = encode (a);
  g_autoptr(GError) error = NULL;
  g_autoptr(LispAddress) back = decode_all (wire->data, wire->len, &error);
  g_autoptr(GByteArray) again = NULL;

  g_assert_no_error (error);
  g_assert_true (lisp_address_equal (a, back));
  again = encode (back);
  g_assert_cmpmem (wire->data, wire->len, again->data, again->len);
}

static void
test_parse_and_print (void)
{
  struct { const char *in, *out; } cases[] = {
    { "192.0.2.1", "192.0.2.1" },
    { "2001:db8::1", "2001:db8::1" },
    { "[1000]203.0.113.130", "[1000]203.0.113.130" },
    { "[0]2001:db8:e1d::6", "[0]2001:db8:e1d::6" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(LispAddress) a = test_address (cases[i].in);
      g_autofree gchar *s = lisp_address_to_string (a);

      g_assert_cmpstr (s, ==, cases[i].out);
    }
}

static void
test_parse_errors (void)
{
  const char *bad[] = { "", "192.0.2", "192.0.2.256", "[x]192.0.2.1", "[5000000000]192.0.2.1",
                        "[1]", "[1", "host.example", "2001:db8:::1" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LispAddress) a = lisp_address_parse (bad[i], &error);

      g_assert_null (a);
      g_assert_error (error, LISP_ERROR, LISP_ERROR_INVALID);
      /* The message names the bad input (except the empty one). */
      if (*bad[i] != '\0')
        g_assert_nonnull (strstr (error->message, bad[i]));
    }
}

static void
test_ipv4_wire (void)
{
  static const guint8 wire[] = { 0x00, 0x01, 192, 0, 2, 1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(LispAddress) a = decode_all (wire, sizeof wire, &error);
  g_autoptr(GByteArray) again = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (a->kind, ==, LISP_ADDRESS_IPV4);
  g_assert_cmpmem (a->bytes, 4, wire + 2, 4);
  again = encode (a);
  g_assert_cmpmem (again->data, again->len, wire, sizeof wire);
}

static void
test_instance_id_wire (void)
{
  /* RFC 8060 §4.1: AFI 16387, Rsvd1, Flags, Type 2, Rsvd2 = IID mask-len, Length, IID, address */
  static const guint8 wire[] = { 0x40, 0x03, 0, 0, 2, 32, 0, 10, 0x00, 0x00, 0x03, 0xe8,
                                 0x00, 0x01, 203, 0, 113, 130 };
  g_autoptr(GError) error = NULL;
  g_autoptr(LispAddress) a = decode_all (wire, sizeof wire, &error);
  g_autofree gchar *s = NULL;
  g_autoptr(GByteArray) again = NULL;
  guint8 ip[16];

  g_assert_no_error (error);
  g_assert_cmpint (a->kind, ==, LISP_ADDRESS_INSTANCE_ID);
  g_assert_cmpuint (a->iid, ==, 1000);
  g_assert_cmpuint (lisp_address_iid (a), ==, 1000);
  g_assert_cmpint (lisp_address_ip (a, ip), ==, 4);
  s = lisp_address_to_string (a);
  g_assert_cmpstr (s, ==, "[1000]203.0.113.130");
  again = encode (a);
  g_assert_cmpmem (again->data, again->len, wire, sizeof wire);
}

/* A NAT-Traversal LCAF (MS port 4342) with the RTR addresses rtrs (NULL-terminated). */
static LispAddress *
nat_address (guint16 etr_port, const char *global_etr, const char *ms_rloc,
             LispAddress *private_etr, const char *const *rtrs)
{
  LispAddress *nat = lisp_address_new (LISP_ADDRESS_NAT);

  nat->items = g_ptr_array_new_with_free_func ((GDestroyNotify) lisp_address_free);
  nat->ms_port = 4342;
  nat->etr_port = etr_port;
  nat->global_etr = test_address (global_etr);
  nat->ms_rloc = test_address (ms_rloc);
  nat->private_etr = private_etr;
  for (guint i = 0; rtrs[i] != NULL; i++)
    g_ptr_array_add (nat->items, test_address (rtrs[i]));
  return nat;
}

static void
test_lcaf_kinds_round_trip (void)
{
  static const char *const rtrs[] = { "203.0.113.99", "2001:db8::99", NULL };
  g_autoptr(LispAddress) list = lisp_address_new (LISP_ADDRESS_AFI_LIST);
  g_autoptr(LispAddress) elp = lisp_address_new (LISP_ADDRESS_ELP);
  g_autoptr(LispAddress) nat = nat_address (61001, "198.51.100.1", "203.0.113.1",
                                            test_address ("192.0.2.2"), rtrs);
  g_autoptr(LispAddress) name = lisp_address_new_name ("liar-vm");
  g_autoptr(LispAddress) none = lisp_address_new (LISP_ADDRESS_NONE);
  g_autoptr(LispAddress) mac = lisp_address_new (LISP_ADDRESS_MAC);
  const char *hops[] = { "203.0.113.99", "2001:db8::50" };
  g_autofree gchar *list_text = NULL;
  guint8 ip[16];

  list->items = g_ptr_array_new_with_free_func ((GDestroyNotify) lisp_address_free);
  g_ptr_array_add (list->items, test_address ("198.51.100.30"));
  g_ptr_array_add (list->items, lisp_address_new_name ("vm@tp-30397"));
  assert_round_trip (list);
  list_text = lisp_address_to_string (list);
  g_assert_cmpstr (list_text, ==, "(198.51.100.30, 'vm@tp-30397')");
  g_assert_cmpint (lisp_address_ip (list, ip), ==, 4);

  elp->items = g_ptr_array_new_with_free_func ((GDestroyNotify) lisp_elp_hop_free);
  for (guint i = 0; i < G_N_ELEMENTS (hops); i++)
    {
      LispElpHop *hop = g_new0 (LispElpHop, 1);

      hop->flags = i == 0 ? LISP_ELP_LOOKUP | LISP_ELP_STRICT : LISP_ELP_PROBE;
      hop->address = test_address (hops[i]);
      g_ptr_array_add (elp->items, hop);
    }
  assert_round_trip (elp);

  assert_round_trip (nat);

  assert_round_trip (name);
  assert_round_trip (none);
  memcpy (mac->bytes, "\x02\x00\x5e\x00\x53\x01", 6);
  assert_round_trip (mac);

  /* An Instance-ID around an AFI-list: nesting within the limit. */
  {
    g_autoptr(LispAddress) iid = lisp_address_new_instance_id (7, 32, lisp_address_copy (list));

    assert_round_trip (iid);
  }
}

static void
test_unknown_lcaf_skipped (void)
{
  /* Type 14 (JSON) with a 5-byte body, then an IPv4 address: the first is kept opaque, and
   * the reader lands exactly on the next address. */
  static const guint8 wire[] = { 0x40, 0x03, 0, 0, 14, 0, 0, 5, '{', '}', 'x', 'y', 'z',
                                 0x00, 0x01, 192, 0, 2, 7 };
  g_autoptr(GError) error = NULL;
  g_autoptr(LispAddress) a = NULL;
  g_autoptr(LispAddress) b = NULL;
  g_autoptr(GByteArray) again = NULL;
  LispReader r;

  lisp_reader_init (&r, wire, sizeof wire);
  g_assert_true (lisp_address_decode (&r, "first", &a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (a->kind, ==, LISP_ADDRESS_LCAF_OTHER);
  g_assert_cmpuint (a->lcaf_type, ==, 14);
  g_assert_cmpuint (g_bytes_get_size (a->raw), ==, 5);
  g_assert_true (lisp_address_decode (&r, "second", &b, &error));
  g_assert_cmpint (b->kind, ==, LISP_ADDRESS_IPV4);
  again = encode (a);
  g_assert_cmpmem (again->data, again->len, wire, 13);
}

static void
test_trailing_bytes_in_lcaf_tolerated (void)
{
  /* An Instance-ID LCAF whose Length covers 3 bytes more than it needs. */
  static const guint8 wire[] = { 0x40, 0x03, 0, 0, 2, 32, 0, 13, 0, 0, 0, 5,
                                 0x00, 0x01, 192, 0, 2, 1, 0xaa, 0xbb, 0xcc };
  g_autoptr(GError) error = NULL;
  g_autoptr(LispAddress) a = decode_all (wire, sizeof wire, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (a->iid, ==, 5);
}

static void
test_decode_errors (void)
{
  struct { const char *what; guint8 wire[24]; gsize len; LispError code; const char *needle; } cases[] = {
    { "empty", { 0 }, 0, LISP_ERROR_TRUNCATED, "offset 0" },
    { "IPv4 cut", { 0, 1, 192, 0 }, 4, LISP_ERROR_TRUNCATED, "needs 4 bytes at offset 2" },
    { "IPv6 cut", { 0, 2, 0x20, 0x01, 0x0d, 0xb8 }, 6, LISP_ERROR_TRUNCATED, "needs 16 bytes" },
    { "unknown AFI", { 0, 99, 1, 2, 3, 4 }, 6, LISP_ERROR_UNSUPPORTED, "unknown AFI 99" },
    { "name without NUL", { 0, 17, 'v', 'm' }, 4, LISP_ERROR_TRUNCATED, "no terminating NUL" },
    { "LCAF length past end", { 0x40, 0x03, 0, 0, 2, 0, 0, 200, 0, 0, 0, 1 }, 12,
      LISP_ERROR_TRUNCATED, "LCAF body needs 200 bytes at offset 8" },
    { "LCAF header cut", { 0x40, 0x03, 0, 0, 2 }, 5, LISP_ERROR_TRUNCATED, "LCAF Rsvd2" },
    { "IID address outside the LCAF length", { 0x40, 0x03, 0, 0, 2, 32, 0, 6, 0, 0, 0, 1,
      0, 1, 192, 0, 2, 1 }, 18, LISP_ERROR_TRUNCATED, "Instance-ID LCAF address" },
    { "AFI-list item cut", { 0x40, 0x03, 0, 0, 1, 0, 0, 4, 0, 1, 192, 0 }, 12,
      LISP_ERROR_TRUNCATED, "AFI-List LCAF address" },
    { "ELP hop without address", { 0x40, 0x03, 0, 0, 10, 0, 0, 3, 0, 0, 0 }, 11,
      LISP_ERROR_TRUNCATED, "ELP hop address" },
    { "NAT ports only", { 0x40, 0x03, 0, 0, 7, 0, 0, 4, 0x10, 0xf6, 0xee, 0x49 }, 12,
      LISP_ERROR_TRUNCATED, "Global ETR" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LispAddress) a = NULL;
      LispReader r;

      g_test_message ("case: %s", cases[i].what);
      lisp_reader_init (&r, cases[i].wire, cases[i].len);
      g_assert_false (lisp_address_decode (&r, "Locator", &a, &error));
      g_assert_null (a);
      g_assert_error (error, LISP_ERROR, (gint) cases[i].code);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("case %s: '%s' does not mention '%s'", cases[i].what, error->message, cases[i].needle);
    }
}

static void
test_nesting_limit (void)
{
  /* Instance-ID LCAFs nested 10 deep: refused with an error, not a deep recursion. */
  g_autoptr(LispAddress) a = test_address ("192.0.2.1");
  g_autoptr(GByteArray) wire = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LispAddress) back = NULL;

  for (guint i = 0; i < 10; i++)
    a = lisp_address_new_instance_id (i, 32, g_steal_pointer (&a));
  wire = encode (a);
  back = decode_all (wire->data, wire->len, &error);
  g_assert_null (back);
  g_assert_error (error, LISP_ERROR, LISP_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "nests deeper"));
}

static void
test_truncations_never_crash (void)
{
  static const char *const rtrs[] = { "[3]203.0.113.99", NULL };
  g_autoptr(LispAddress) nat = nat_address (4343, "198.51.100.1", "2001:db8::1",
                                            lisp_address_new_name ("vm"), rtrs);
  g_autoptr(GByteArray) wire = encode (nat);

  for (gsize cut = 0; cut < wire->len; cut++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LispAddress) a = NULL;
      LispReader r;

      lisp_reader_init (&r, wire->data, cut);
      g_assert_false (lisp_address_decode (&r, "Locator", &a, &error));
      g_assert_nonnull (error);
      g_assert_null (a);
    }
}

/* Addresses built by hand with parts left out encode those parts as AFI 0 and print, rather
 * than crash: callers (configuration, D-Bus) build them from partial input. */
static void
test_incomplete_addresses (void)
{
  LispAddressKind kinds[] = { LISP_ADDRESS_INSTANCE_ID, LISP_ADDRESS_AFI_LIST, LISP_ADDRESS_ELP,
                              LISP_ADDRESS_NAT, LISP_ADDRESS_NAME, LISP_ADDRESS_LCAF_OTHER };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(LispAddress) a = lisp_address_new (kinds[i]);
      g_autoptr(LispAddress) copy = lisp_address_copy (a);
      g_autoptr(GByteArray) wire = encode (a);
      g_autofree gchar *text = lisp_address_to_string (a);
      g_autoptr(GError) error = NULL;
      g_autoptr(LispAddress) back = decode_all (wire->data, wire->len, &error);
      guint8 ip[16];

      g_assert_no_error (error);
      g_assert_nonnull (back);
      g_assert_nonnull (text);
      g_assert_true (lisp_address_equal (a, copy));
      g_assert_cmpint (lisp_address_ip (a, ip), ==, 0);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/address/parse-and-print", test_parse_and_print);
  g_test_add_func ("/address/parse-errors", test_parse_errors);
  g_test_add_func ("/address/ipv4-wire", test_ipv4_wire);
  g_test_add_func ("/address/instance-id-wire", test_instance_id_wire);
  g_test_add_func ("/address/lcaf-kinds-round-trip", test_lcaf_kinds_round_trip);
  g_test_add_func ("/address/unknown-lcaf-skipped", test_unknown_lcaf_skipped);
  g_test_add_func ("/address/trailing-bytes-in-lcaf", test_trailing_bytes_in_lcaf_tolerated);
  g_test_add_func ("/address/decode-errors", test_decode_errors);
  g_test_add_func ("/address/nesting-limit", test_nesting_limit);
  g_test_add_func ("/address/truncations", test_truncations_never_crash);
  g_test_add_func ("/address/incomplete", test_incomplete_addresses);
  return g_test_run ();
}
