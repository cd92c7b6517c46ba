/* lispmnctl's tables: columns aligned whatever the address lengths, RLOCs by priority, the
 * NAT column from lispmnd's NAT keys (and none when an older lispmnd sends no such key),
 * map-servers with their state in words. Output captured through g_set_print_handler. */
#include "ctl-output.h"

#include <string.h>

static GString *printed;

static void
capture (const gchar *text)
{
  g_string_append (printed, text);
}

static GVariant *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  GVariant *v = g_variant_parse (G_VARIANT_TYPE ("aa{sv}"), text, NULL, NULL, &error);

  g_assert_no_error (error);
  return g_variant_ref_sink (v);
}

/* The lines printed by print(list). */
static gchar **
output_of (void (*print) (GVariant *, const char *), const char *list)
{
  g_autoptr(GVariant) v = parse (list);
  g_autofree gchar *text = NULL;
  GPrintFunc old;

  printed = g_string_new (NULL);
  old = g_set_print_handler (capture);
  print (v, "  ");
  g_set_print_handler (old);
  text = g_string_free (g_steal_pointer (&printed), FALSE);
  return g_strsplit (text, "\n", -1);
}

/* Every line has a non-space character where the header's @column starts, after spaces. */
static void
assert_aligned (gchar **lines, const char *column)
{
  const char *at = strstr (lines[0], column);
  gsize offset;

  g_assert_nonnull (at);
  offset = at - lines[0];
  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_assert_cmpuint (strlen (lines[i]), >, offset);
      g_assert_cmpint (lines[i][offset - 1], ==, ' ');
      g_assert_cmpint (lines[i][offset], !=, ' ');
    }
}

static void
test_rlocs_aligned_and_sorted (void)
{
  g_auto(GStrv) lines =
    output_of (lmn_ctl_print_rlocs,
               "[{'interface': <'wwan0'>, 'address': <'2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff'>, "
               "'priority': <byte 2>, 'weight': <byte 100>, 'state': <'up'>}, "
               "{'interface': <'wlan0'>, 'address': <'198.51.100.10'>, 'priority': <byte 1>, "
               "'weight': <byte 50>, 'state': <'up'>, 'connection': <'Home Wi-Fi'>}]");

  g_assert_nonnull (strstr (lines[0], "INTERFACE"));
  /* no NAT keys from this lispmnd: no NAT column */
  g_assert_null (strstr (lines[0], "NAT"));
  g_assert_nonnull (strstr (lines[1], "wlan0")); /* priority 1 first */
  g_assert_nonnull (strstr (lines[2], "wwan0"));
  for (const char *const *c = (const char *[]) { "ADDRESS", "PRIORITY", "WEIGHT", "STATE", NULL };
       *c != NULL; c++)
    assert_aligned (lines, *c);
}

static void
test_rlocs_nat_column (void)
{
  g_auto(GStrv) lines =
    output_of (lmn_ctl_print_rlocs,
               "[{'interface': <'wlan0'>, 'address': <'203.0.113.220'>, 'priority': <byte 1>, "
               "'weight': <byte 100>, 'state': <'up'>, 'nat': <'behind-nat'>, "
               "'public-address': <'198.51.100.7'>, 'public-port': <uint16 40123>, "
               "'rtr': <'203.0.113.1'>}, "
               "{'interface': <'eth0'>, 'address': <'198.51.100.20'>, 'priority': <byte 2>, "
               "'weight': <byte 100>, 'state': <'up'>, 'nat': <'public'>, 'public-address': <''>, "
               "'public-port': <uint16 0>, 'rtr': <''>}, "
               "{'interface': <'wwan0'>, 'address': <'2001:db8::20'>, 'priority': <byte 3>, "
               "'weight': <byte 100>, 'state': <'up'>, 'nat': <'behind-nat'>, "
               "'public-address': <'2001:db8::7'>, 'public-port': <uint16 4342>, 'rtr': <''>}]");

  g_assert_nonnull (strstr (lines[0], "NAT"));
  g_assert_nonnull (strstr (lines[1], "NAT 198.51.100.7:40123 via 203.0.113.1"));
  g_assert_nonnull (strstr (lines[2], "public"));
  g_assert_nonnull (strstr (lines[3], "NAT [2001:db8::7]:4342"));
  g_assert_null (strstr (lines[3], "via"));
  assert_aligned (lines, "NAT");
}

static void
test_rlocs_odd_values (void)
{
  /* keys of the wrong type or missing: shown empty, never a crash */
  g_auto(GStrv) lines =
    output_of (lmn_ctl_print_rlocs,
               "[{'interface': <byte 3>, 'nat': <'behind-nat'>, 'public-port': <'x'>}, @a{sv} {}]");

  g_assert_nonnull (strstr (lines[0], "NAT"));
  g_assert_cmpuint (g_strv_length (lines), ==, 4); /* header, two rows, the final "" */
  g_assert_nonnull (strstr (lines[1], "NAT"));
  g_assert_nonnull (strstr (lines[2], " -"));
}

static void
test_map_servers (void)
{
  g_auto(GStrv) lines = output_of (
    lmn_ctl_print_map_servers,
    "[{'address': <'198.51.100.66'>, 'state': <'auth-failed'>, 'last-map-notify': <int64 0>, "
    "'last-error': <'Map-Notify failed authentication: wrong MAC'>}, "
    "{'address': <'2001:db8:5::2'>, 'state': <'registered'>, 'last-map-notify': <int64 1>, "
    "'last-error': <''>}]");

  g_assert_nonnull (strstr (lines[1], "auth-failed (wrong key)"));
  g_assert_nonnull (strstr (lines[1], "never"));
  g_assert_nonnull (strstr (lines[2], "registered"));
  assert_aligned (lines, "STATE");
  assert_aligned (lines, "LAST MAP-NOTIFY");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ctl-output/rlocs/aligned-and-sorted", test_rlocs_aligned_and_sorted);
  g_test_add_func ("/ctl-output/rlocs/nat-column", test_rlocs_nat_column);
  g_test_add_func ("/ctl-output/rlocs/odd-values", test_rlocs_odd_values);
  g_test_add_func ("/ctl-output/map-servers", test_map_servers);
  return g_test_run ();
}
