/* The state file's map-cache is bounded: at most LMN_STATE_FILE_MAP_CACHE_MAX entries, the
 * positive and configured ones before the negative ones, and the count of those left out;
 * D-Bus's view (GetMapCache) still lists every live entry. */
#include "node-state.h"

static void
put (LispMapCache *cache, guint i, gboolean negative, LispMapOrigin origin)
{
  g_autoptr(GError) error = NULL;
  const guint8 rloc[4] = { 198, 51, 100, 1 };
  guint8 addr[16] = { 0x20, 0x01, 0x0d, 0xb8, (guint8) (i >> 8), (guint8) i };
  LispMapLocator l;
  LispPrefix p;

  g_assert_true (lisp_map_locator_init (&l, LISP_FAMILY_IPV4, rloc, 1, 100, TRUE));
  g_assert_true (lisp_prefix_init (&p, 0, LISP_FAMILY_IPV6, addr, 48));
  g_assert_true (
    lisp_map_cache_insert (cache, &p, &l, negative ? 0 : 1,
                           negative ? LISP_ACTION_NATIVELY_FORWARD : LISP_ACTION_NO_ACTION, 60,
                           origin, 0, g_get_monotonic_time (), &error));
  g_assert_no_error (error);
}

static guint
count_with_locators (GVariant *list)
{
  guint n = 0;

  for (gsize i = 0; i < g_variant_n_children (list); i++)
    {
      g_autoptr(GVariant) entry = g_variant_get_child_value (list, i);
      g_autoptr(GVariant) locators = g_variant_lookup_value (entry, "locators", NULL);

      if (g_variant_n_children (locators) > 0)
        n++;
    }
  return n;
}

static void
test_bounded (void)
{
  g_autoptr(LispMapCache) cache = lisp_map_cache_new ();
  g_autoptr(GVariant) file = NULL, dbus = NULL, small = NULL;
  guint omitted = 12345, i;

  /* Negative entries first in address order, then 10 positive ones after all of them, and
   * a configured negative one (action drop) at the very end. */
  for (i = 0; i < 3000; i++)
    put (cache, i, TRUE, LISP_MAP_ORIGIN_MAP_REPLY);
  for (i = 3000; i < 3010; i++)
    put (cache, i, FALSE, LISP_MAP_ORIGIN_MAP_REPLY);
  put (cache, 4000, TRUE, LISP_MAP_ORIGIN_STATIC);

  file = g_variant_ref_sink (lmn_node_state_map_cache_of (cache, LMN_STATE_VIEW_FILE,
                                                          LMN_STATE_FILE_MAP_CACHE_MAX, &omitted));
  g_assert_cmpuint (g_variant_n_children (file), ==, 1000);
  g_assert_cmpuint (omitted, ==, 3011 - 1000);
  g_assert_cmpuint (count_with_locators (file), ==, 10);
  /* The configured entry is among the first eleven. */
  {
    g_autoptr(GVariant) last = g_variant_get_child_value (file, 10);
    g_autofree gchar *origin = NULL;

    g_assert_true (g_variant_lookup (last, "origin", "s", &origin));
    g_assert_cmpstr (origin, ==, "static");
  }

  dbus = g_variant_ref_sink (
    lmn_node_state_map_cache_of (cache, LMN_STATE_VIEW_DBUS, LMN_STATE_FILE_MAP_CACHE_MAX, NULL));
  g_assert_cmpuint (g_variant_n_children (dbus), ==, 3011);

  small = g_variant_ref_sink (
    lmn_node_state_map_cache_of (cache, LMN_STATE_VIEW_FILE, 5, &omitted));
  g_assert_cmpuint (g_variant_n_children (small), ==, 5);
  g_assert_cmpuint (omitted, ==, 3006);
  g_assert_cmpuint (count_with_locators (small), ==, 5);
}

static void
test_empty (void)
{
  g_autoptr(GVariant) file = NULL;
  guint omitted = 7;

  file = g_variant_ref_sink (
    lmn_node_state_map_cache_of (NULL, LMN_STATE_VIEW_FILE, 1000, &omitted));
  g_assert_cmpuint (g_variant_n_children (file), ==, 0);
  g_assert_cmpuint (omitted, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/state-dump/bounded", test_bounded);
  g_test_add_func ("/state-dump/empty", test_empty);
  return g_test_run ();
}
