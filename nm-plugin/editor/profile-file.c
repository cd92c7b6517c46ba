/* The lispmn profile file (see profile-file.h): parsing and writing. A file looks like
 *   [lispmn]
 *   name=Office LISP
 *   eid=192.0.2.10 2001:db8:e1d::10
 *   map-server=198.51.100.66
 *   map-server-key=SECRET
 * and is documented in nm-lispmn-service(8), PROFILE FILE. */
#include "profile-file.h"

#include "vpn-data.h"

#include <string.h>

#define MAX_FILE_SIZE (64 * 1024)

LmnProfile *
lmn_profile_new (void)
{
  LmnProfile *profile = g_new0 (LmnProfile, 1);

  profile->keys = g_ptr_array_new_with_free_func (g_free);
  profile->values = g_ptr_array_new_with_free_func (g_free);
  return profile;
}

void
lmn_profile_free (LmnProfile *profile)
{
  if (profile == NULL)
    return;
  g_free (profile->name);
  if (profile->key != NULL)
    memset (profile->key, 0, strlen (profile->key));
  g_free (profile->key);
  g_ptr_array_unref (profile->keys);
  g_ptr_array_unref (profile->values);
  g_free (profile);
}

/* name=, split= and map-server-key= are the file's own keys; the rest are vpn.data's. */
static gboolean
take_key (LmnProfile *profile, GKeyFile *file, const char *key, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree gchar *value = g_key_file_get_string (file, LMN_PROFILE_GROUP, key, &local);

  if (value == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", key, local->message);
      return FALSE;
    }
  if (g_str_equal (key, "name"))
    {
      if (value[0] == '\0')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "name: empty");
          return FALSE;
        }
      g_free (profile->name);
      profile->name = g_steal_pointer (&value);
      return TRUE;
    }
  if (g_str_equal (key, "split"))
    {
      profile->split = g_key_file_get_boolean (file, LMN_PROFILE_GROUP, key, &local);
      if (local != NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "split: '%.64s' is not true or false", value);
          return FALSE;
        }
      return TRUE;
    }
  if (g_str_equal (key, LMN_VPN_SECRET_MAP_SERVER_KEY))
    {
      const char *problem = lmn_vpn_data_check_key (value);

      if (problem != NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, problem);
          return FALSE;
        }
      g_free (profile->key);
      profile->key = g_steal_pointer (&value);
      return TRUE;
    }
  if (!lmn_vpn_data_check_item (key, value, error))
    return FALSE;
  g_ptr_array_add (profile->keys, g_strdup (key));
  g_ptr_array_add (profile->values, g_steal_pointer (&value));
  return TRUE;
}

LmnProfile *
lmn_profile_parse (const char *text, gsize length, GError **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(LmnProfile) profile = lmn_profile_new ();
  g_auto(GStrv) groups = NULL;
  g_auto(GStrv) keys = NULL;
  g_autoptr(LmnVpnData) data = NULL;

  if (length > MAX_FILE_SIZE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "larger than %d bytes: not a lispmn profile", MAX_FILE_SIZE);
      return NULL;
    }
  if (!g_key_file_load_from_data (file, text, length, G_KEY_FILE_NONE, error))
    return NULL;
  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    if (!g_str_equal (groups[i], LMN_PROFILE_GROUP))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     "[%.64s]: unknown group (a lispmn profile has one, [" LMN_PROFILE_GROUP "])",
                     groups[i]);
        return NULL;
      }
  keys = g_key_file_get_keys (file, LMN_PROFILE_GROUP, NULL, NULL);
  if (keys == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "no [" LMN_PROFILE_GROUP "] group: not a lispmn profile");
      return NULL;
    }
  for (guint i = 0; keys[i] != NULL; i++)
    {
      /* GKeyFile keeps a repeated key twice (and reads the last): a file that says two
       * things is refused, not read half. */
      if (g_strv_contains ((const char *const *) keys + i + 1, keys[i]))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%.64s: given twice", keys[i]);
          return NULL;
        }
      if (!take_key (profile, file, keys[i], error))
        return NULL;
    }
  /* The checks between keys (required ones, the MTU against an IPv6 EID). */
  data = lmn_vpn_data_parse ((const char *const *) profile->keys->pdata,
                             (const char *const *) profile->values->pdata, profile->keys->len,
                             error);
  if (data == NULL)
    return NULL;
  return g_steal_pointer (&profile);
}

static gint
compare_keys (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const LmnProfile *profile = user_data;
  guint i = *(const guint *) a, j = *(const guint *) b;

  return strcmp (profile->keys->pdata[i], profile->keys->pdata[j]);
}

gchar *
lmn_profile_to_text (const LmnProfile *profile)
{
  GString *text = g_string_new (
    "# A lispmn VPN profile: nmcli connection import type lispmn file FILE\n"
    "# (the keys are those of vpn.data, see nm-lispmn-service(8))\n"
    "[" LMN_PROFILE_GROUP "]\n");
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree gchar *body = NULL;

  /* GKeyFile escapes the values (a leading space, a newline); its own text has them
   * after the group line, which is written above. */
  if (profile->name != NULL)
    g_key_file_set_string (file, LMN_PROFILE_GROUP, "name", profile->name);
  g_key_file_set_boolean (file, LMN_PROFILE_GROUP, "split", profile->split);
  for (guint i = 0; i < profile->keys->len; i++)
    g_array_append_val (order, i);
  g_array_sort_with_data (order, compare_keys, (gpointer) profile);
  for (guint i = 0; i < order->len; i++)
    {
      guint k = g_array_index (order, guint, i);

      g_key_file_set_string (file, LMN_PROFILE_GROUP, profile->keys->pdata[k],
                             profile->values->pdata[k]);
    }
  if (profile->key != NULL)
    g_key_file_set_string (file, LMN_PROFILE_GROUP, LMN_VPN_SECRET_MAP_SERVER_KEY, profile->key);
  body = g_key_file_to_data (file, NULL, NULL);
  /* Drop GKeyFile's own group line: ours, with the comment, is already there. */
  g_string_append (text, strchr (body, '\n') + 1);
  return g_string_free (text, FALSE);
}
