/* libnm-vpn-plugin-lispmn.so: the lispmn VPN's NMVpnEditorPlugin, what NetworkManager's
 * clients (nm-connection-editor, GNOME Settings, nmcli) load through the .name file's
 * plugin= key. It names the VPN type, imports and exports the lispmn profile file
 * (profile-file.c) and, for an editor, loads the GTK 3 or the GTK 4 editor library,
 * whichever GTK the client already has in its process: the two cannot share one. */
/* dladdr */
#define _GNU_SOURCE

#include "lispmn-editor.h"
#include "profile-file.h"
#include "split-mode.h"
#include "vpn-data.h"

#include <dlfcn.h>
#include <string.h>

#include <NetworkManager.h>

#define LMN_VPN_SERVICE "org.freedesktop.NetworkManager.lispmn"

#define LMN_TYPE_EDITOR_PLUGIN (lmn_editor_plugin_get_type ())
G_DECLARE_FINAL_TYPE (LmnEditorPlugin, lmn_editor_plugin, LMN, EDITOR_PLUGIN, GObject)

struct _LmnEditorPlugin {
  GObject parent;
};

enum {
  PROP_0,
  PROP_NAME,
  PROP_DESC,
  PROP_SERVICE,
};

static void editor_plugin_interface_init (NMVpnEditorPluginInterface *iface);

G_DEFINE_TYPE_WITH_CODE (LmnEditorPlugin, lmn_editor_plugin, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (NM_TYPE_VPN_EDITOR_PLUGIN,
                                                editor_plugin_interface_init))

/* The editor library next to this one: the path is ours (dladdr), not the client's
 * library path, so a plugin installed anywhere finds its editor. */
static gchar *
sibling_path (const char *file_name)
{
  Dl_info info;
  g_autofree gchar *dir = NULL;

  if (dladdr ((void *) sibling_path, &info) == 0 || info.dli_fname == NULL)
    return g_strdup (file_name);
  dir = g_path_get_dirname (info.dli_fname);
  return g_build_filename (dir, file_name, NULL);
}

static NMVpnEditor *
get_editor (NMVpnEditorPlugin *plugin, NMConnection *connection, GError **error)
{
  /* gtk_container_add is GTK 3's only: its presence says which GTK the client runs. */
  gboolean gtk3 = dlsym (RTLD_DEFAULT, "gtk_container_add") != NULL;
  const char *file_name = gtk3 ? LMN_EDITOR_GTK3_LIBRARY : LMN_EDITOR_GTK4_LIBRARY;
  g_autofree gchar *path = sibling_path (file_name);
  LmnEditorFactory factory;
  void *module;

  g_return_val_if_fail (NM_IS_CONNECTION (connection), NULL);
  module = dlopen (path, RTLD_LAZY | RTLD_LOCAL);
  if (module == NULL)
    {
      g_set_error (error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_FAILED,
                   "cannot load the lispmn editor %s: %s", path, dlerror ());
      return NULL;
    }
  /* Kept loaded: the editor's GTypes stay registered for the life of the process. */
  factory = (LmnEditorFactory) dlsym (module, LMN_EDITOR_FACTORY_SYMBOL);
  if (factory == NULL)
    {
      g_set_error (error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_FAILED,
                   "%s has no " LMN_EDITOR_FACTORY_SYMBOL ": not a lispmn editor", path);
      return NULL;
    }
  return factory (connection, error);
}

static NMVpnEditorPluginCapability
get_capabilities (NMVpnEditorPlugin *plugin)
{
  return NM_VPN_EDITOR_PLUGIN_CAPABILITY_IMPORT | NM_VPN_EDITOR_PLUGIN_CAPABILITY_EXPORT |
         NM_VPN_EDITOR_PLUGIN_CAPABILITY_IPV6;
}

static NMConnection *
import_from_file (NMVpnEditorPlugin *plugin, const char *path, GError **error)
{
  g_autofree gchar *text = NULL;
  gsize length;
  g_autoptr(LmnProfile) profile = NULL;
  g_autoptr(NMConnection) connection = nm_simple_connection_new ();
  NMSettingConnection *s_con = NM_SETTING_CONNECTION (nm_setting_connection_new ());
  NMSettingVpn *s_vpn = NM_SETTING_VPN (nm_setting_vpn_new ());
  g_autofree gchar *uuid = nm_utils_uuid_generate ();
  g_autofree gchar *base = g_path_get_basename (path);

  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  profile = lmn_profile_parse (text, length, error);
  if (profile == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  if (g_str_has_suffix (base, ".lispmn"))
    base[strlen (base) - strlen (".lispmn")] = '\0';
  g_object_set (s_con, NM_SETTING_CONNECTION_ID, profile->name != NULL ? profile->name : base,
                NM_SETTING_CONNECTION_UUID, uuid, NM_SETTING_CONNECTION_TYPE,
                NM_SETTING_VPN_SETTING_NAME, NULL);
  nm_connection_add_setting (connection, NM_SETTING (s_con));
  g_object_set (s_vpn, NM_SETTING_VPN_SERVICE_TYPE, LMN_VPN_SERVICE, NULL);
  for (guint i = 0; i < profile->keys->len; i++)
    nm_setting_vpn_add_data_item (s_vpn, profile->keys->pdata[i], profile->values->pdata[i]);
  if (profile->key != NULL)
    nm_setting_vpn_add_secret (s_vpn, LMN_VPN_SECRET_MAP_SERVER_KEY, profile->key);
  nm_connection_add_setting (connection, NM_SETTING (s_vpn));
  lmn_connection_set_split (connection, profile->split);
  return g_steal_pointer (&connection);
}

static void
add_data_item (const char *key, const char *value, gpointer user_data)
{
  LmnProfile *profile = user_data;

  g_ptr_array_add (profile->keys, g_strdup (key));
  g_ptr_array_add (profile->values, g_strdup (value));
}

static gboolean
export_to_file (NMVpnEditorPlugin *plugin, const char *path, NMConnection *connection,
                GError **error)
{
  NMSettingVpn *s_vpn = nm_connection_get_setting_vpn (connection);
  g_autoptr(LmnProfile) profile = lmn_profile_new ();
  g_autofree gchar *text = NULL;
  const char *key;

  if (s_vpn == NULL || g_strcmp0 (nm_setting_vpn_get_service_type (s_vpn), LMN_VPN_SERVICE) != 0)
    {
      g_set_error (error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_INVALID_CONNECTION,
                   "not a lispmn VPN profile");
      return FALSE;
    }
  profile->name = g_strdup (nm_connection_get_id (connection));
  profile->split = lmn_connection_get_split (connection);
  nm_setting_vpn_foreach_data_item (s_vpn, add_data_item, profile);
  /* The key only when the profile holds it (saved); the file is then the user's alone. */
  key = nm_setting_vpn_get_secret (s_vpn, LMN_VPN_SECRET_MAP_SERVER_KEY);
  if (key != NULL && key[0] != '\0')
    profile->key = g_strdup (key);
  text = lmn_profile_to_text (profile);
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  return TRUE;
}

static char *
get_suggested_filename (NMVpnEditorPlugin *plugin, NMConnection *connection)
{
  const char *id = nm_connection_get_id (connection);
  g_autofree gchar *safe = g_strdup (id != NULL && id[0] != '\0' ? id : "profile");

  g_strdelimit (safe, "/\\ ", '-');
  return g_strdup_printf ("%s.lispmn", safe);
}

static void
get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, "LISP mobile node (lispmn)");
      break;
    case PROP_DESC:
      g_value_set_string (value, "Keeps this computer's EID addresses wherever it connects, "
                                 "with the Locator/ID Separation Protocol (LISP).");
      break;
    case PROP_SERVICE:
      g_value_set_string (value, LMN_VPN_SERVICE);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
    }
}

static void
lmn_editor_plugin_init (LmnEditorPlugin *plugin)
{
}

static void
editor_plugin_interface_init (NMVpnEditorPluginInterface *iface)
{
  iface->get_editor = get_editor;
  iface->get_capabilities = get_capabilities;
  iface->import_from_file = import_from_file;
  iface->export_to_file = export_to_file;
  iface->get_suggested_filename = get_suggested_filename;
}

static void
lmn_editor_plugin_class_init (LmnEditorPluginClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = get_property;
  g_object_class_override_property (object_class, PROP_NAME, NM_VPN_EDITOR_PLUGIN_NAME);
  g_object_class_override_property (object_class, PROP_DESC, NM_VPN_EDITOR_PLUGIN_DESCRIPTION);
  g_object_class_override_property (object_class, PROP_SERVICE, NM_VPN_EDITOR_PLUGIN_SERVICE);
}

/* The entry point libnm looks up in the plugin= library. */
__attribute__ ((visibility ("default"))) NMVpnEditorPlugin *
nm_vpn_editor_plugin_factory (GError **error)
{
  if (error != NULL)
    g_return_val_if_fail (*error == NULL, NULL);
  return g_object_new (LMN_TYPE_EDITOR_PLUGIN, NULL);
}
