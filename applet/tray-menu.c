/* tray-menu.c: the panel icon and its menu. */
#include "config.h"

#include "tray-menu.h"

#include <glib/gi18n.h>
#include <libayatana-appindicator/app-indicator.h>

#include "status-text.h"
#ifdef HAVE_LIBNM
#include "vpn-toggle.h"
#endif

/* The map-servers' "last registration N min ago" is refreshed this often while shown. */
#define AGE_REFRESH_SECONDS 60

struct _LmnTray
{
  GApplication *app;
  LmnNodeWatcher *watcher;
  GObject *vpn_toggle;       /* LmnVpnToggle or NULL */
  AppIndicator *indicator;
  GtkWidget *menu;
  guint age_refresh_source;
  guint rebuild_source;
};

static GtkWidget *
append_item (LmnTray *self, const char *label, gboolean sensitive)
{
  GtkWidget *item = gtk_menu_item_new_with_label (label);

  gtk_widget_set_sensitive (item, sensitive);
  gtk_menu_shell_append (GTK_MENU_SHELL (self->menu), item);
  return item;
}

static void
append_separator (LmnTray *self)
{
  gtk_menu_shell_append (GTK_MENU_SHELL (self->menu), gtk_separator_menu_item_new ());
}

static void
activate_action (GtkMenuItem *item, gpointer user_data)
{
  LmnTray *self = user_data;
  const char *action = g_object_get_data (G_OBJECT (item), "lmn-action");

  g_action_group_activate_action (G_ACTION_GROUP (self->app), action, NULL);
}

static void
append_action_item (LmnTray *self, const char *label, const char *action)
{
  GtkWidget *item = append_item (self, label, TRUE);

  g_object_set_data (G_OBJECT (item), "lmn-action", (gpointer) action);
  g_signal_connect (item, "activate", G_CALLBACK (activate_action), self);
}

#ifdef HAVE_LIBNM
static void
toggle_vpn (GtkMenuItem *item, gpointer user_data)
{
  LmnTray *self = user_data;

  lmn_vpn_toggle_toggle (LMN_VPN_TOGGLE (self->vpn_toggle),
                         g_object_get_data (G_OBJECT (item), "lmn-profile-uuid"));
}
#endif

static void
append_node_lines (LmnTray *self)
{
  g_autoptr(GVariant) eids = lmn_node_watcher_dup_property (self->watcher, "Eids");
  g_autoptr(GVariant) rlocs = lmn_node_watcher_dup_property (self->watcher, "Rlocs");
  g_autoptr(GVariant) servers = lmn_node_watcher_dup_property (self->watcher, "MapServers");
  g_autofree char *state = lmn_node_watcher_dup_state (self->watcher);
  g_autofree char *state_label = lmn_status_state_label (state);
  g_autofree char *header = g_strdup_printf (_("LISP mobile node: %s"), state_label);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  append_item (self, header, FALSE);
  if (eids != NULL && g_variant_is_of_type (eids, G_VARIANT_TYPE_STRING_ARRAY))
    {
      for (gsize i = 0; i < g_variant_n_children (eids); i++)
        {
          const char *eid;
          g_autofree char *line = NULL;

          g_variant_get_child (eids, i, "&s", &eid);
          /* TRANSLATORS: %s is an EID prefix such as 192.0.2.10/32 */
          line = g_strdup_printf (_("EID %s"), eid);
          append_item (self, line, FALSE);
        }
    }

  append_separator (self);
  append_item (self, _("Uplinks (RLOCs)"), FALSE);
  if (rlocs == NULL || !g_variant_is_of_type (rlocs, G_VARIANT_TYPE ("aa{sv}"))
      || g_variant_n_children (rlocs) == 0)
    append_item (self, _("No uplink"), FALSE);
  else
    for (gsize i = 0; i < g_variant_n_children (rlocs); i++)
      {
        g_autoptr(GVariant) rloc = g_variant_get_child_value (rlocs, i);
        g_autofree char *line = lmn_status_rloc_line (rloc);

        append_item (self, line, FALSE);
      }

  append_separator (self);
  append_item (self, _("Map-servers"), FALSE);
  if (servers == NULL || !g_variant_is_of_type (servers, G_VARIANT_TYPE ("aa{sv}"))
      || g_variant_n_children (servers) == 0)
    append_item (self, _("None configured"), FALSE);
  else
    for (gsize i = 0; i < g_variant_n_children (servers); i++)
      {
        g_autoptr(GVariant) server = g_variant_get_child_value (servers, i);
        g_autofree char *line = lmn_status_map_server_line (server, now);

        append_item (self, line, FALSE);
      }
}

static gboolean refresh_ages (gpointer user_data);

static void
rebuild (LmnTray *self)
{
  gboolean running = lmn_node_watcher_is_running (self->watcher);
  g_autoptr(GVariant) eids = lmn_node_watcher_dup_property (self->watcher, "Eids");
  g_autoptr(GVariant) rlocs = lmn_node_watcher_dup_property (self->watcher, "Rlocs");
  g_autoptr(GVariant) servers = lmn_node_watcher_dup_property (self->watcher, "MapServers");
  g_autofree char *state = lmn_node_watcher_dup_state (self->watcher);
  g_autofree char *summary = lmn_status_summary (running, state, eids, rlocs, servers);
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (self->menu));

  for (GList *l = children; l != NULL; l = l->next)
    gtk_widget_destroy (l->data);

  if (running)
    append_node_lines (self);
  else
    {
      const char *bus_error = lmn_node_watcher_get_bus_error (self->watcher);

      append_item (self, _("lispmnd is not running"), FALSE);
      if (bus_error != NULL)
        {
          /* TRANSLATORS: %s is GDBus's error message */
          g_autofree char *line = g_strdup_printf (_("Cannot reach the system bus: %s"), bus_error);
          append_item (self, line, FALSE);
        }
    }

  append_separator (self);
#ifdef HAVE_LIBNM
  if (self->vpn_toggle != NULL)
    {
      /* One item per lispmn profile: any of them can be connected. */
      g_autoptr(GPtrArray) choices = lmn_vpn_toggle_dup_choices (LMN_VPN_TOGGLE (self->vpn_toggle));

      for (guint i = 0; i < choices->len; i++)
        {
          LmnVpnChoice *choice = choices->pdata[i];
          GtkWidget *item = append_item (self, choice->label, choice->enabled);

          g_object_set_data_full (G_OBJECT (item), "lmn-profile-uuid", g_strdup (choice->uuid),
                                  g_free);
          g_signal_connect (item, "activate", G_CALLBACK (toggle_vpn), self);
        }
    }
#endif
  append_action_item (self, _("Details…"), "details");
  append_action_item (self, _("Quit"), "quit");
  gtk_widget_show_all (self->menu);

  app_indicator_set_icon_full (self->indicator,
                               lmn_status_icon_name (running, state, servers), summary);
  app_indicator_set_title (self->indicator, summary);

  /* Ages only need refreshing while there is a map-server to show. */
  if (running && servers != NULL && g_variant_is_of_type (servers, G_VARIANT_TYPE ("aa{sv}"))
      && g_variant_n_children (servers) > 0)
    {
      if (self->age_refresh_source == 0)
        self->age_refresh_source = g_timeout_add_seconds (AGE_REFRESH_SECONDS, refresh_ages, self);
    }
  else
    g_clear_handle_id (&self->age_refresh_source, g_source_remove);
}

static gboolean
refresh_ages (gpointer user_data)
{
  LmnTray *self = user_data;

  rebuild (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
rebuild_now (gpointer user_data)
{
  LmnTray *self = user_data;

  self->rebuild_source = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

/* Several properties often change together (a handover touches Rlocs, State and
 * MapServers): rebuild once for the burst. */
static void
schedule_rebuild (LmnTray *self)
{
  if (self->rebuild_source == 0)
    self->rebuild_source = g_idle_add (rebuild_now, self);
}

LmnTray *
lmn_tray_new (GApplication *app, LmnNodeWatcher *watcher, GObject *vpn_toggle)
{
  LmnTray *self = g_new0 (LmnTray, 1);

  self->app = g_object_ref (app);
  self->watcher = g_object_ref (watcher);
  self->vpn_toggle = vpn_toggle != NULL ? g_object_ref (vpn_toggle) : NULL;
  self->indicator = app_indicator_new ("lispmn-applet", "lispmn-not-running",
                                       APP_INDICATOR_CATEGORY_COMMUNICATIONS);
  self->menu = g_object_ref_sink (gtk_menu_new ());
  app_indicator_set_status (self->indicator, APP_INDICATOR_STATUS_ACTIVE);
  rebuild (self);
  app_indicator_set_menu (self->indicator, GTK_MENU (self->menu));
  g_signal_connect_swapped (watcher, "changed", G_CALLBACK (schedule_rebuild), self);
  if (vpn_toggle != NULL)
    g_signal_connect_swapped (vpn_toggle, "changed", G_CALLBACK (schedule_rebuild), self);
  return self;
}

void
lmn_tray_free (LmnTray *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->age_refresh_source, g_source_remove);
  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_signal_handlers_disconnect_by_data (self->watcher, self);
  if (self->vpn_toggle != NULL)
    g_signal_handlers_disconnect_by_data (self->vpn_toggle, self);
  g_clear_object (&self->vpn_toggle);
  g_clear_object (&self->watcher);
  g_clear_object (&self->indicator);
  if (self->menu != NULL)
    gtk_widget_destroy (self->menu);
  g_clear_object (&self->menu);
  g_clear_object (&self->app);
  g_free (self);
}
