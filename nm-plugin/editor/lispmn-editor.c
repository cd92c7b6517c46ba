/* The lispmn VPN's editor widget (NMVpnEditor), built into both editor libraries, for
 * GTK 3 and GTK 4 (gtk-compat.h): the profile's keys as a form. Every field is checked on
 * each change by vpn-data.c, the same checks and messages as the service's, and a bad one
 * is marked with its message; the map-server key has the standard password-storage menu
 * (saved / ask every time / for all users) of libnma. */
#include "lispmn-editor.h"

#include "editor-uplinks.h"
#include "gtk-compat.h"
#include "split-mode.h"
#include "vpn-data.h"

#include <nma-ui-utils.h>
#include <string.h>

#define LMN_VPN_SERVICE "org.freedesktop.NetworkManager.lispmn"
#define KEY_FLAGS       LMN_VPN_SECRET_MAP_SERVER_KEY "-flags"

/* The entries, in the form's order; the combo boxes and the key have rows of their own. */
typedef struct {
  const char *key;
  const char *label;
  const char *hint;
} Field;

static const Field fields[] = {
  { "eid", "EIDs", "192.0.2.10 2001:db8::10" },
  { "map-server", "Map-server", "198.51.100.66" },
  { "map-server-key-id", "Key ID", "0" },
  { "map-resolver", "Map-resolvers", "the map-server" },
  { "proxy-etr", "Proxy-ETRs", "none" },
  { "instance-id", "Instance ID", "0" },
  { "mtu", "MTU", "from the uplinks" },
  { "nat-keepalive-interval", "NAT keepalive (s)", "20" },
};

/* A combo box's choices: the first is the default, written as no key at all when
 * default_unset. */
typedef struct {
  const char *key;
  const char *label;
  const char *const choices[4];
  gboolean default_unset;
} Choice;

static const Choice choices[] = {
  { "map-server-algorithm", "Key algorithm", { "hmac-sha-256", "hmac-sha-1", NULL }, FALSE },
  { "nat-traversal", "NAT traversal", { "auto", "on", "off", NULL }, TRUE },
};

#define LMN_TYPE_EDITOR (lmn_editor_get_type ())
G_DECLARE_FINAL_TYPE (LmnEditor, lmn_editor, LMN, EDITOR, GObject)

struct _LmnEditor {
  GObject parent;
  GtkWidget *form;
  GtkWidget *entries[G_N_ELEMENTS (fields)];
  GtkWidget *errors[G_N_ELEMENTS (fields)];
  GtkWidget *combos[G_N_ELEMENTS (choices)];
  GtkWidget *key, *key_error;
  GtkWidget *split;
  GtkWidget *summary; /* the problems between keys */
  LmnUplinks *uplinks;
  /* The profile's items the form has no field for (a key of a newer version): kept, and
   * checked with the rest. */
  GPtrArray *other_keys, *other_values;
};

static void editor_interface_init (NMVpnEditorInterface *iface);

G_DEFINE_TYPE_WITH_CODE (LmnEditor, lmn_editor, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (NM_TYPE_VPN_EDITOR, editor_interface_init))

static gboolean validate (LmnEditor *self, GPtrArray *keys, GPtrArray *values, GError **error);

static void
changed (gpointer user_data)
{
  LmnEditor *self = user_data;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);

  validate (self, keys, values, NULL);
  g_signal_emit_by_name (self, "changed");
}

static void
on_widget_changed (GtkWidget *widget, gpointer user_data)
{
  changed (user_data);
}

static GtkWidget *
error_label (const char *name)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_name (label, name);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  compat_label_wrap (label);
  compat_add_class (label, "error");
  compat_start_hidden (label);
  return label;
}

/* A label and its widget on row *row, and the error label (may be NULL) under them. */
static void
attach_row (LmnEditor *self, int *row, const char *text, GtkWidget *widget, GtkWidget *error)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
  gtk_widget_set_hexpand (widget, TRUE);
  gtk_grid_attach (GTK_GRID (self->form), label, 0, *row, 1, 1);
  gtk_grid_attach (GTK_GRID (self->form), widget, 1, (*row)++, 1, 1);
  if (error != NULL)
    gtk_grid_attach (GTK_GRID (self->form), error, 1, (*row)++, 1, 1);
}

static void
add_entry (LmnEditor *self, int *row, guint i, NMSettingVpn *s_vpn)
{
  const char *value = s_vpn != NULL ? nm_setting_vpn_get_data_item (s_vpn, fields[i].key) : NULL;
  g_autofree gchar *error_name = g_strconcat (fields[i].key, "-error", NULL);

  self->entries[i] = gtk_entry_new ();
  gtk_widget_set_name (self->entries[i], fields[i].key);
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->entries[i]), fields[i].hint);
  compat_entry_set_text (self->entries[i], value != NULL ? value : "");
  g_signal_connect (self->entries[i], "changed", G_CALLBACK (on_widget_changed), self);
  self->errors[i] = error_label (error_name);
  attach_row (self, row, fields[i].label, self->entries[i], self->errors[i]);
}

static void
add_combo (LmnEditor *self, int *row, guint i, NMSettingVpn *s_vpn)
{
  const char *value = s_vpn != NULL ? nm_setting_vpn_get_data_item (s_vpn, choices[i].key) : NULL;
  GtkWidget *combo = gtk_combo_box_text_new ();

  gtk_widget_set_name (combo, choices[i].key);
  for (guint c = 0; choices[i].choices[c] != NULL; c++)
    {
      g_autofree gchar *text = c == 0 ? g_strdup_printf ("%s (default)", choices[i].choices[c])
                                      : g_strdup (choices[i].choices[c]);

      gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (combo), choices[i].choices[c], text);
    }
  /* A value the combo does not know (a profile written by hand) falls back to the
   * default; the service would have refused it anyway. */
  if (value == NULL || !gtk_combo_box_set_active_id (GTK_COMBO_BOX (combo), value))
    gtk_combo_box_set_active (GTK_COMBO_BOX (combo), 0);
  g_signal_connect (combo, "changed", G_CALLBACK (on_widget_changed), self);
  self->combos[i] = combo;
  attach_row (self, row, choices[i].label, combo, NULL);
}

static void
add_key (LmnEditor *self, int *row, NMSettingVpn *s_vpn)
{
  NMSettingSecretFlags flags = NM_SETTING_SECRET_FLAG_NONE;
  const char *key = NULL;

  if (s_vpn != NULL)
    {
      nm_setting_get_secret_flags (NM_SETTING (s_vpn), LMN_VPN_SECRET_MAP_SERVER_KEY, &flags, NULL);
      key = nm_setting_vpn_get_secret (s_vpn, LMN_VPN_SECRET_MAP_SERVER_KEY);
    }
  self->key = gtk_entry_new ();
  gtk_widget_set_name (self->key, LMN_VPN_SECRET_MAP_SERVER_KEY);
  gtk_entry_set_visibility (GTK_ENTRY (self->key), FALSE);
  compat_entry_set_text (self->key, key != NULL ? key : "");
  nma_utils_setup_password_storage (self->key, flags, s_vpn != NULL ? NM_SETTING (s_vpn) : NULL,
                                    LMN_VPN_SECRET_MAP_SERVER_KEY, FALSE, FALSE);
  g_signal_connect (self->key, "changed", G_CALLBACK (on_widget_changed), self);
  self->key_error = error_label (LMN_VPN_SECRET_MAP_SERVER_KEY "-error");
  attach_row (self, row, "Map-server key", self->key, self->key_error);
}

static gboolean
form_has_key (const char *key)
{
  if (g_str_has_prefix (key, "rloc-priority.") || g_str_has_prefix (key, "rloc-weight.") ||
      g_str_equal (key, KEY_FLAGS))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (key, fields[i].key))
      return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    if (g_str_equal (key, choices[i].key))
      return TRUE;
  return FALSE;
}

static void
keep_other (const char *key, const char *value, gpointer user_data)
{
  LmnEditor *self = user_data;

  if (form_has_key (key))
    return;
  g_ptr_array_add (self->other_keys, g_strdup (key));
  g_ptr_array_add (self->other_values, g_strdup (value));
}

static void
build_form (LmnEditor *self, NMConnection *connection)
{
  NMSettingVpn *s_vpn = nm_connection_get_setting_vpn (connection);
  NMSettingIPConfig *ip4 = nm_connection_get_setting_ip4_config (connection);
  GtkWidget *heading;
  int row = 0;

  if (s_vpn != NULL)
    nm_setting_vpn_foreach_data_item (s_vpn, keep_other, self);
  self->form = g_object_ref_sink (gtk_grid_new ());
  gtk_widget_set_name (self->form, "lispmn-editor");
  gtk_grid_set_row_spacing (GTK_GRID (self->form), 6);
  gtk_grid_set_column_spacing (GTK_GRID (self->form), 12);
  g_object_set (self->form, "margin-top", 12, "margin-bottom", 12, "margin-start", 12, "margin-end",
                12, NULL);
  add_entry (self, &row, 0, s_vpn);
  add_entry (self, &row, 1, s_vpn);
  add_key (self, &row, s_vpn);
  add_entry (self, &row, 2, s_vpn);
  add_combo (self, &row, 0, s_vpn);
  for (guint i = 3; i < G_N_ELEMENTS (fields) - 1; i++)
    add_entry (self, &row, i, s_vpn);
  add_combo (self, &row, 1, s_vpn);
  add_entry (self, &row, G_N_ELEMENTS (fields) - 1, s_vpn);

  self->split = gtk_check_button_new_with_label (
    "Split mode: only the profile's routes go through LISP");
  gtk_widget_set_name (self->split, "split");
  compat_check_set_active (self->split,
                           ip4 != NULL && nm_setting_ip_config_get_never_default (ip4));
  g_signal_connect (self->split, "toggled", G_CALLBACK (on_widget_changed), self);
  gtk_grid_attach (GTK_GRID (self->form), self->split, 1, row++, 1, 1);

  heading = gtk_label_new ("Uplinks: RLOC priority (lower first) and weight");
  gtk_label_set_xalign (GTK_LABEL (heading), 0.0);
  gtk_grid_attach (GTK_GRID (self->form), heading, 0, row++, 2, 1);
  self->uplinks = lmn_uplinks_new (s_vpn, changed, self);
  gtk_grid_attach (GTK_GRID (self->form), lmn_uplinks_widget (self->uplinks), 0, row++, 2, 1);

  self->summary = error_label ("problems");
  gtk_grid_attach (GTK_GRID (self->form), self->summary, 0, row++, 2, 1);
  compat_show_all (self->form);
}

/* A whole-profile message ("vpn.data: KEY: ...") shown at the field it is about, or under
 * the form when it is about no one field. */
static void
mark_message (LmnEditor *self, const char *message)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree gchar *prefix = g_strdup_printf ("vpn.data: %s: ", fields[i].key);

      if (g_str_has_prefix (message, prefix))
        {
          compat_mark (self->entries[i], self->errors[i], message);
          return;
        }
    }
  gtk_label_set_text (GTK_LABEL (self->summary), message);
  gtk_widget_set_visible (self->summary, TRUE);
}

static void
keep_first (GError **first, GError **error)
{
  if (*first == NULL)
    *first = g_steal_pointer (error);
  g_clear_error (error);
}

static void
collect_fields (LmnEditor *self, GPtrArray *keys, GPtrArray *values, GError **first)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree gchar *value = g_strstrip (g_strdup (compat_entry_get_text (self->entries[i])));
      g_autoptr(GError) local = NULL;

      compat_mark (self->entries[i], self->errors[i], NULL);
      if (value[0] == '\0')
        continue;
      if (!lmn_vpn_data_check_item (fields[i].key, value, &local))
        {
          compat_mark (self->entries[i], self->errors[i], local->message);
          keep_first (first, &local);
          continue;
        }
      g_ptr_array_add (keys, g_strdup (fields[i].key));
      g_ptr_array_add (values, g_steal_pointer (&value));
    }
  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    {
      const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->combos[i]));

      if (id == NULL || (choices[i].default_unset && g_str_equal (id, choices[i].choices[0])))
        continue;
      g_ptr_array_add (keys, g_strdup (choices[i].key));
      g_ptr_array_add (values, g_strdup (id));
    }
  for (guint i = 0; i < self->other_keys->len; i++)
    {
      g_ptr_array_add (keys, g_strdup (self->other_keys->pdata[i]));
      g_ptr_array_add (values, g_strdup (self->other_values->pdata[i]));
    }
}

/* The key must be there when the profile keeps it (saved for all users, or in this user's
 * keyring); asked every time, it is not the form's. */
static void
check_key (LmnEditor *self, GError **first)
{
  NMSettingSecretFlags flags = nma_utils_menu_to_secret_flags (self->key);
  const char *problem = NULL;

  if (!(flags & (NM_SETTING_SECRET_FLAG_NOT_SAVED | NM_SETTING_SECRET_FLAG_NOT_REQUIRED)))
    problem = lmn_vpn_data_check_key (compat_entry_get_text (self->key));
  compat_mark (self->key, self->key_error, problem);
  if (problem != NULL && *first == NULL)
    g_set_error_literal (first, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, problem);
}

/* Checks the whole form, marking each bad field; keys and values get the vpn.data items. */
static gboolean
validate (LmnEditor *self, GPtrArray *keys, GPtrArray *values, GError **error)
{
  g_autoptr(GError) first = NULL;
  g_autoptr(GError) uplinks = NULL;
  g_autoptr(LmnVpnData) data = NULL;

  collect_fields (self, keys, values, &first);
  check_key (self, &first);
  if (!lmn_uplinks_collect (self->uplinks, keys, values, &uplinks))
    keep_first (&first, &uplinks);
  compat_mark (self->summary, self->summary, NULL);
  if (first == NULL)
    {
      data = lmn_vpn_data_parse ((const char *const *) keys->pdata,
                                 (const char *const *) values->pdata, keys->len, &first);
      if (data == NULL)
        mark_message (self, first->message);
    }
  if (first != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first));
      return FALSE;
    }
  return TRUE;
}

static GObject *
get_widget (NMVpnEditor *editor)
{
  return G_OBJECT (LMN_EDITOR (editor)->form);
}

static gboolean
update_connection (NMVpnEditor *editor, NMConnection *connection, GError **error)
{
  LmnEditor *self = LMN_EDITOR (editor);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  NMSettingVpn *s_vpn;
  NMSettingSecretFlags flags = nma_utils_menu_to_secret_flags (self->key);
  const char *key = compat_entry_get_text (self->key);

  if (!validate (self, keys, values, error))
    return FALSE;
  s_vpn = NM_SETTING_VPN (nm_setting_vpn_new ());
  g_object_set (s_vpn, NM_SETTING_VPN_SERVICE_TYPE, LMN_VPN_SERVICE, NULL);
  for (guint i = 0; i < keys->len; i++)
    nm_setting_vpn_add_data_item (s_vpn, keys->pdata[i], values->pdata[i]);
  if (!(flags & NM_SETTING_SECRET_FLAG_NOT_SAVED) && key[0] != '\0')
    nm_setting_vpn_add_secret (s_vpn, LMN_VPN_SECRET_MAP_SERVER_KEY, key);
  nm_setting_set_secret_flags (NM_SETTING (s_vpn), LMN_VPN_SECRET_MAP_SERVER_KEY, flags, NULL);
  nma_utils_update_password_storage (self->key, flags, NM_SETTING (s_vpn),
                                     LMN_VPN_SECRET_MAP_SERVER_KEY);
  nm_connection_add_setting (connection, NM_SETTING (s_vpn));
  lmn_connection_set_split (connection, compat_check_get_active (self->split));
  return TRUE;
}

static void
lmn_editor_init (LmnEditor *self)
{
  self->other_keys = g_ptr_array_new_with_free_func (g_free);
  self->other_values = g_ptr_array_new_with_free_func (g_free);
}

static void
dispose (GObject *object)
{
  LmnEditor *self = LMN_EDITOR (object);

  g_clear_object (&self->form);
  g_clear_pointer (&self->uplinks, lmn_uplinks_free);
  g_clear_pointer (&self->other_keys, g_ptr_array_unref);
  g_clear_pointer (&self->other_values, g_ptr_array_unref);
  G_OBJECT_CLASS (lmn_editor_parent_class)->dispose (object);
}

static void
editor_interface_init (NMVpnEditorInterface *iface)
{
  iface->get_widget = get_widget;
  iface->update_connection = update_connection;
}

static void
lmn_editor_class_init (LmnEditorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dispose;
}

__attribute__ ((visibility ("default"))) NMVpnEditor *
nm_vpn_editor_factory_lispmn (NMConnection *connection, GError **error)
{
  LmnEditor *self = g_object_new (LMN_TYPE_EDITOR, NULL);
  NMSettingVpn *s_vpn = nm_connection_get_setting_vpn (connection);
  /* Counted before the form is built: libnma's storage menu adds the key's flags. */
  gboolean saved = s_vpn != NULL && nm_setting_vpn_get_num_data_items (s_vpn) > 0;

  build_form (self, connection);
  /* Marks what an existing profile has wrong at once, not at the first edit; a new one's
   * empty fields are not yet wrong. */
  if (saved)
    {
      g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);

      validate (self, keys, values, NULL);
    }
  return NM_VPN_EDITOR (self);
}
