/* LispPrefix: parsing, formatting, building from addresses, containment. */
#include "lisp-prefix.h"
#include "lisp-error.h"
#include "test-table.h"

#include <string.h>

static void
test_parse_good (void)
{
  static const struct {
    const char *text;
    guint32 iid;
    guint8 family;
    guint8 len;
    guint8 addr[16];
    const char *canonical;
  } cases[] = {
    { "192.0.2.0/24", 0, 4, 24, { 192, 0, 2 }, "192.0.2.0/24" },
    { "192.0.2.77/24", 0, 4, 24, { 192, 0, 2 }, "192.0.2.0/24" },
    { "198.51.100.3", 0, 4, 32, { 198, 51, 100, 3 }, "198.51.100.3/32" },
    { "0.0.0.0/0", 0, 4, 0, { 0 }, "0.0.0.0/0" },
    { "255.255.255.255/1", 0, 4, 1, { 0x80 }, "128.0.0.0/1" },
    { "2001:db8::/32", 0, 6, 32, { 0x20, 0x01, 0x0d, 0xb8 }, "2001:db8::/32" },
    { "2001:db8:ffff::1/33", 0, 6, 33, { 0x20, 0x01, 0x0d, 0xb8, 0x80 }, "2001:db8:8000::/33" },
    { "::/0", 0, 6, 0, { 0 }, "::/0" },
    { "::1", 0, 6, 128, { [15] = 1 }, "::1/128" },
    { "[1000]192.0.2.1/32", 1000, 4, 32, { 192, 0, 2, 1 }, "[1000]192.0.2.1/32" },
    { "[4294967295]2001:db8::/48", G_MAXUINT32, 6, 48, { 0x20, 0x01, 0x0d, 0xb8 },
      "[4294967295]2001:db8::/48" },
    { "[0]198.51.100.0/25", 0, 4, 25, { 198, 51, 100 }, "198.51.100.0/25" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree gchar *text = NULL;
      LispPrefix p;

      g_test_message ("parsing %s", cases[i].text);
      g_assert_true (lisp_prefix_parse (cases[i].text, &p, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (p.iid, ==, cases[i].iid);
      g_assert_cmpuint (p.family, ==, cases[i].family);
      g_assert_cmpuint (p.len, ==, cases[i].len);
      g_assert_cmpmem (p.addr, 16, cases[i].addr, 16);
      text = lisp_prefix_to_string (&p);
      g_assert_cmpstr (text, ==, cases[i].canonical);
    }
}

static void
test_parse_bad (void)
{
  static const struct {
    const char *text;
    const char *must_mention;
  } cases[] = {
    { "", "“”" },
    { "192.0.2.0/33", "33" },
    { "2001:db8::/129", "129" },
    { "192.0.2.0/", "192.0.2.0/" },
    { "192.0.2.0/-1", "-1" },
    { "192.0.2.0/+8", "+8" },
    { "192.0.2.0/ 8", " 8" },
    { "192.0.2.0/8x", "8x" },
    { "192.0.2.0/0008", "0008" },
    { "192.0.2/24", "192.0.2" },
    { "192.0.2.256/32", "192.0.2.256" },
    { "0x7f.0.0.1", "0x7f.0.0.1" },
    { "2001:db8:::1/64", "2001:db8:::1" },
    { "hello", "hello" },
    { "[1000192.0.2.1/32", "]" },
    { "[]192.0.2.1/32", "“”" },
    { "[abc]192.0.2.1/32", "abc" },
    { "[-1]192.0.2.1/32", "-1" },
    { "[4294967296]192.0.2.1/32", "4294967296" },
    { "[1000]", "“”" },
    { "192.0.2.0/24/8", "24/8" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      LispPrefix p;

      g_test_message ("parsing %s", cases[i].text);
      g_assert_false (lisp_prefix_parse (cases[i].text, &p, &error));
      g_assert_error (error, LISP_ERROR, LISP_ERROR_INVALID);
      g_test_message ("-> %s", error->message);
      /* The error must name the offending text so a config typo can be found. */
      g_assert_nonnull (strstr (error->message, cases[i].text));
      g_assert_nonnull (strstr (error->message, cases[i].must_mention));
    }
}

static void
test_init (void)
{
  const guint8 all_ones[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
  const guint8 want_v4_20[16] = { 0xff, 0xff, 0xf0 };
  const guint8 want_v6_65[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80 };
  LispPrefix p;

  g_assert_true (lisp_prefix_init (&p, 7, LISP_FAMILY_IPV4, all_ones, 20));
  g_assert_cmpmem (p.addr, 16, want_v4_20, 16);
  g_assert_cmpuint (p.iid, ==, 7);
  g_assert_true (lisp_prefix_init (&p, 0, LISP_FAMILY_IPV6, all_ones, 65));
  g_assert_cmpmem (p.addr, 16, want_v6_65, 16);
  g_assert_true (lisp_prefix_init (&p, 0, LISP_FAMILY_IPV6, all_ones, 128));
  g_assert_cmpmem (p.addr, 16, all_ones, 16);

  g_assert_false (lisp_prefix_init (&p, 0, LISP_FAMILY_IPV4, all_ones, 33));
  g_assert_false (lisp_prefix_init (&p, 0, LISP_FAMILY_IPV6, all_ones, 129));
  g_assert_false (lisp_prefix_init (&p, 0, 5, all_ones, 8));
  g_assert_false (lisp_prefix_init (&p, 0, 0, all_ones, 0));
}

/* The addresses lisp_prefix_from_address() is given: the kinds a prefix can be made of and
 * those it cannot. */
static LispAddress v4 = { .kind = LISP_ADDRESS_IPV4, .bytes = { 192, 0, 2, 200 } };
static LispAddress v6 = { .kind = LISP_ADDRESS_IPV6, .bytes = { 0x20, 0x01, 0x0d, 0xb8, 0xab } };
static LispAddress iid_v4 = { .kind = LISP_ADDRESS_INSTANCE_ID, .iid = 1000, .inner = &v4 };
static LispAddress mac = { .kind = LISP_ADDRESS_MAC, .bytes = { 2, 0, 0, 0, 0, 1 } };
static LispAddress name = { .kind = LISP_ADDRESS_NAME, .name = (gchar *) "vm" };
static LispAddress iid_mac = { .kind = LISP_ADDRESS_INSTANCE_ID, .iid = 5, .inner = &mac };
static LispAddress iid_iid = { .kind = LISP_ADDRESS_INSTANCE_ID, .iid = 5, .inner = &iid_v4 };
static LispAddress iid_none = { .kind = LISP_ADDRESS_INSTANCE_ID, .iid = 5, .inner = NULL };
static LispAddress afi_list = { .kind = LISP_ADDRESS_AFI_LIST };

/* A prefix of len bits made of an address: the prefix it is, or the error it gets. */
typedef struct {
  const char *path;
  const LispAddress *address;
  guint8 len;
  const char *prefix; /* NULL: refused */
  LispError code;
  const char *mention; /* in the error message; NULL: not checked */
} FromAddress;

static const FromAddress from_address[] = {
  { "/prefix/from-address/ipv4", &v4, 24, "192.0.2.0/24" },
  { "/prefix/from-address/ipv6", &v6, 36, "2001:db8:a000::/36" },
  { "/prefix/from-address/iid-ipv4", &iid_v4, 32, "[1000]192.0.2.200/32" },
  { "/prefix/from-address/ipv4-33", &v4, 33, NULL, LISP_ERROR_INVALID, "33" },
  { "/prefix/from-address/ipv6-129", &v6, 129, NULL, LISP_ERROR_INVALID },
  { "/prefix/from-address/iid-ipv4-40", &iid_v4, 40, NULL, LISP_ERROR_INVALID },
  { "/prefix/from-address/mac", &mac, 48, NULL, LISP_ERROR_UNSUPPORTED },
  { "/prefix/from-address/name", &name, 0, NULL, LISP_ERROR_UNSUPPORTED },
  { "/prefix/from-address/iid-mac", &iid_mac, 48, NULL, LISP_ERROR_UNSUPPORTED },
  { "/prefix/from-address/iid-iid", &iid_iid, 32, NULL, LISP_ERROR_UNSUPPORTED },
  { "/prefix/from-address/afi-list", &afi_list, 32, NULL, LISP_ERROR_UNSUPPORTED },
  { "/prefix/from-address/iid-none", &iid_none, 32, NULL, LISP_ERROR_INVALID },
};

static void
test_from_address (gconstpointer data)
{
  const FromAddress *row = data;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *text = NULL;
  LispPrefix p;

  if (row->prefix == NULL)
    {
      g_assert_false (lisp_prefix_from_address (row->address, row->len, &p, &error));
      g_assert_error (error, LISP_ERROR, (gint) row->code);
      if (row->mention != NULL)
        g_assert_nonnull (strstr (error->message, row->mention));
      return;
    }
  g_assert_true (lisp_prefix_from_address (row->address, row->len, &p, &error));
  g_assert_no_error (error);
  text = lisp_prefix_to_string (&p);
  g_assert_cmpstr (text, ==, row->prefix);
  g_assert_cmpuint (p.iid, ==,
                    row->address->kind == LISP_ADDRESS_INSTANCE_ID ? row->address->iid : 0);
}

static void
test_equal_contains (void)
{
  LispPrefix a, b, c;
  const guint8 in[4] = { 192, 0, 2, 129 };
  const guint8 out[4] = { 192, 0, 3, 1 };
  const guint8 in6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff };

  g_assert_true (lisp_prefix_parse ("192.0.2.128/25", &a, NULL));
  g_assert_true (lisp_prefix_parse ("192.0.2.200/25", &b, NULL));
  g_assert_true (lisp_prefix_parse ("[1]192.0.2.128/25", &c, NULL));
  g_assert_true (lisp_prefix_equal (&a, &b));
  g_assert_false (lisp_prefix_equal (&a, &c));

  g_assert_true (lisp_prefix_contains (&a, 0, LISP_FAMILY_IPV4, in));
  g_assert_false (lisp_prefix_contains (&a, 0, LISP_FAMILY_IPV4, out));
  g_assert_false (lisp_prefix_contains (&a, 1, LISP_FAMILY_IPV4, in));
  g_assert_true (lisp_prefix_contains (&c, 1, LISP_FAMILY_IPV4, in));
  g_assert_false (lisp_prefix_contains (&a, 0, LISP_FAMILY_IPV6, in6));

  g_assert_true (lisp_prefix_parse ("0.0.0.0/0", &a, NULL));
  g_assert_true (lisp_prefix_contains (&a, 0, LISP_FAMILY_IPV4, out));
  g_assert_true (lisp_prefix_parse ("2001:db8::/32", &a, NULL));
  g_assert_true (lisp_prefix_contains (&a, 0, LISP_FAMILY_IPV6, in6));
  g_assert_true (lisp_prefix_parse ("2001:db8::/33", &a, NULL));
  g_assert_false (lisp_prefix_contains (&a, 0, LISP_FAMILY_IPV6, in6));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/prefix/parse-good", test_parse_good);
  g_test_add_func ("/prefix/parse-bad", test_parse_bad);
  g_test_add_func ("/prefix/init", test_init);
  TEST_ADD_TABLE (from_address, test_from_address);
  g_test_add_func ("/prefix/equal-contains", test_equal_contains);
  return g_test_run ();
}
