/* The lispmn profile file (nm-plugin/editor/profile-file.c), what `nmcli connection import
 * type lispmn` reads: whatever the bytes, a profile or an error, never a crash; an accepted
 * profile is written back to a text that reads as the same profile. */
#include "profile-file.h"
#include "fuzz-target.h"

#include <string.h>

static void
assert_same (const LmnProfile *a, const LmnProfile *b)
{
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_true (a->split == b->split);
  g_assert_cmpstr (a->key, ==, b->key);
  g_assert_cmpuint (a->keys->len, ==, b->keys->len);
  for (guint i = 0; i < a->keys->len; i++)
    {
      guint j;

      g_assert_true (
        g_ptr_array_find_with_equal_func (b->keys, a->keys->pdata[i], g_str_equal, &j));
      g_assert_cmpstr (a->values->pdata[i], ==, b->values->pdata[j]);
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnProfile) profile = lmn_profile_parse ((const char *) data, size, &error);
  g_autoptr(LmnProfile) again = NULL;
  g_autofree gchar *text = NULL;

  g_assert_true ((profile == NULL) == (error != NULL));
  if (profile == NULL)
    return 0;
  text = lmn_profile_to_text (profile);
  again = lmn_profile_parse (text, strlen (text), &error);
  if (again == NULL)
    g_error ("an exported profile is refused on import: %s", error->message);
  assert_same (profile, again);
  return 0;
}
