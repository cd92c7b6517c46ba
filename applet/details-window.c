/* details-window.c: the applet's details window. */
#include "config.h"

#include "details-window.h"

#include <glib/gi18n.h>

#include "status-text.h"

struct _LmnDetailsWindow
{
  GtkApplicationWindow parent_instance;

  LmnNodeWatcher *watcher;
  GCancellable *map_cache_cancellable;

  GtkHeaderBar *header_bar;
  GtkImage *state_icon;
  GtkLabel *state_label;
  GtkLabel *eids_label;
  GtkLabel *map_resolvers_label;
  GtkLabel *proxy_etrs_label;
  GtkLabel *map_cache_status;
  GtkListStore *rloc_store;
  GtkListStore *map_server_store;
  GtkListStore *map_cache_store;
  GtkListStore *counter_store;
  GtkListStore *handover_store;
};

G_DEFINE_TYPE (LmnDetailsWindow, lmn_details_window, GTK_TYPE_APPLICATION_WINDOW)

/* An "as" property as lines, or the dash the tables use for nothing. */
static char *
strings_as_lines (GVariant *strings)
{
  g_autofree const char **array = NULL;

  if (strings == NULL || !g_variant_is_of_type (strings, G_VARIANT_TYPE_STRING_ARRAY)
      || g_variant_n_children (strings) == 0)
    return g_strdup ("—");
  array = g_variant_get_strv (strings, NULL);
  return g_strjoinv ("\n", (char **) array);
}

static guint
lookup_byte_or_zero (GVariant *dict, const char *key)
{
  g_autoptr(GVariant) value = g_variant_lookup_value (dict, key, G_VARIANT_TYPE_BYTE);

  return value != NULL ? g_variant_get_byte (value) : 0;
}

static const char *
or_dash (const char *text)
{
  return text != NULL && *text != '\0' ? text : "—";
}

static void
fill_rlocs (LmnDetailsWindow *self, GVariant *rlocs)
{
  gtk_list_store_clear (self->rloc_store);
  if (rlocs == NULL || !g_variant_is_of_type (rlocs, G_VARIANT_TYPE ("aa{sv}")))
    return;
  for (gsize i = 0; i < g_variant_n_children (rlocs); i++)
    {
      g_autoptr(GVariant) rloc = g_variant_get_child_value (rlocs, i);
      g_autofree char *nat = lmn_status_rloc_nat (rloc);

      gtk_list_store_insert_with_values (self->rloc_store, NULL, -1, 0,
                                         or_dash (lmn_status_lookup_string (rloc, "interface")), 1,
                                         or_dash (lmn_status_lookup_string (rloc, "address")), 2,
                                         lookup_byte_or_zero (rloc, "priority"), 3,
                                         lookup_byte_or_zero (rloc, "weight"), 4,
                                         lmn_status_rloc_state_label (
                                           lmn_status_lookup_string (rloc, "state")),
                                         5, or_dash (nat), -1);
    }
}

static void
fill_map_servers (LmnDetailsWindow *self, GVariant *servers)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  gtk_list_store_clear (self->map_server_store);
  if (servers == NULL || !g_variant_is_of_type (servers, G_VARIANT_TYPE ("aa{sv}")))
    return;
  for (gsize i = 0; i < g_variant_n_children (servers); i++)
    {
      g_autoptr(GVariant) server = g_variant_get_child_value (servers, i);
      g_autoptr(GVariant) last = g_variant_lookup_value (server, "last-map-notify", G_VARIANT_TYPE_INT64);
      g_autofree char *age = lmn_status_age (last != NULL ? g_variant_get_int64 (last) : 0, now);
      g_autofree char *state = lmn_status_map_server_state_label (lmn_status_lookup_string (server, "state"));

      gtk_list_store_insert_with_values (self->map_server_store, NULL, -1,
                                         0, or_dash (lmn_status_lookup_string (server, "address")),
                                         1, state,
                                         2, age,
                                         3, or_dash (lmn_status_lookup_string (server, "last-error")),
                                         -1);
    }
}

static void
fill_counters (LmnDetailsWindow *self, GVariant *counters)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GVariantIter iter;
  const char *name;
  guint64 value;

  gtk_list_store_clear (self->counter_store);
  if (counters == NULL || !g_variant_is_of_type (counters, G_VARIANT_TYPE ("a{st}")))
    return;
  g_variant_iter_init (&iter, counters);
  while (g_variant_iter_next (&iter, "{&st}", &name, &value))
    {
      g_autofree char *label = lmn_status_counter_label (name);

      gtk_list_store_insert_with_values (self->counter_store, NULL, -1, 0, label, 1, value, -1);
    }
  /* the daemon's order is its hash table's: sort by name for the reader */
  gtk_tree_sortable_set_sort_column_id (GTK_TREE_SORTABLE (self->counter_store), 0, GTK_SORT_ASCENDING);
}

static void
fill_history (LmnDetailsWindow *self)
{
  GPtrArray *history = lmn_node_watcher_get_history (self->watcher);

  gtk_list_store_clear (self->handover_store);
  /* newest first */
  for (guint i = history->len; i > 0; i--)
    {
      LmnHandoverRecord *record = history->pdata[i - 1];
      g_autofree char *when = g_date_time_format (record->when, "%X");
      g_autofree char *came = g_strjoinv (", ", record->came);
      g_autofree char *went = g_strjoinv (", ", record->went);
      g_autofree char *rereg = record->reregistration_seconds >= 0
        ? g_strdup_printf (_("%.2f s"), record->reregistration_seconds) : g_strdup ("—");

      gtk_list_store_insert_with_values (self->handover_store, NULL, -1,
                                         0, when, 1, or_dash (came), 2, or_dash (went), 3, rereg, -1);
    }
}

static void
update (LmnDetailsWindow *self)
{
  gboolean running = lmn_node_watcher_is_running (self->watcher);
  g_autofree char *state = lmn_node_watcher_dup_state (self->watcher);
  g_autoptr(GVariant) eids = lmn_node_watcher_dup_property (self->watcher, "Eids");
  g_autoptr(GVariant) rlocs = lmn_node_watcher_dup_property (self->watcher, "Rlocs");
  g_autoptr(GVariant) servers = lmn_node_watcher_dup_property (self->watcher, "MapServers");
  g_autoptr(GVariant) resolvers = lmn_node_watcher_dup_property (self->watcher, "MapResolvers");
  g_autoptr(GVariant) proxy_etrs = lmn_node_watcher_dup_property (self->watcher, "ProxyEtrs");
  g_autoptr(GVariant) counters = lmn_node_watcher_dup_property (self->watcher, "Counters");
  g_autofree char *state_text = running ? lmn_status_state_label (state)
                                        : g_strdup (_("lispmnd is not running"));
  g_autofree char *eid_lines = strings_as_lines (eids);
  g_autofree char *resolver_lines = strings_as_lines (resolvers);
  g_autofree char *proxy_etr_lines = strings_as_lines (proxy_etrs);

  gtk_header_bar_set_subtitle (self->header_bar, state_text);
  gtk_image_set_from_icon_name (self->state_icon, lmn_status_icon_name (running, state, servers),
                                GTK_ICON_SIZE_LARGE_TOOLBAR);
  gtk_label_set_text (self->state_label, state_text);
  gtk_label_set_text (self->eids_label, eid_lines);
  gtk_label_set_text (self->map_resolvers_label, resolver_lines);
  gtk_label_set_text (self->proxy_etrs_label, proxy_etr_lines);
  fill_rlocs (self, rlocs);
  fill_map_servers (self, servers);
  fill_counters (self, counters);
  fill_history (self);
}

static char *
locators_text (GVariant *locators)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (locators == NULL || !g_variant_is_of_type (locators, G_VARIANT_TYPE ("aa{sv}")))
    return g_strdup ("—");
  for (gsize i = 0; i < g_variant_n_children (locators); i++)
    {
      g_autoptr(GVariant) locator = g_variant_get_child_value (locators, i);
      g_autoptr(GVariant) reachable = g_variant_lookup_value (locator, "reachable", G_VARIANT_TYPE_BOOLEAN);

      if (text->len > 0)
        g_string_append (text, ", ");
      /* TRANSLATORS: a locator: address, priority/weight, then "unreachable" when it is */
      g_string_append_printf (text, _("%s (%u/%u%s)"),
                              or_dash (lmn_status_lookup_string (locator, "address")),
                              lookup_byte_or_zero (locator, "priority"),
                              lookup_byte_or_zero (locator, "weight"),
                              reachable != NULL && !g_variant_get_boolean (reachable) ? _(", unreachable") : "");
    }
  if (text->len == 0)
    return g_strdup ("—");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
map_cache_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) entries = NULL;
  LmnDetailsWindow *self;

  if (!lmn_dbus_mobile_node1_call_get_map_cache_finish (LMN_DBUS_MOBILE_NODE1 (source), &entries,
                                                        result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the window closed */
  self = user_data;
  gtk_list_store_clear (self->map_cache_store);
  if (entries == NULL)
    {
      g_autofree char *message = NULL;

      g_dbus_error_strip_remote_error (error);
      /* TRANSLATORS: %s is the error from the daemon */
      message = g_strdup_printf (_("Cannot read the map-cache: %s"), error->message);
      gtk_label_set_text (self->map_cache_status, message);
      return;
    }
  for (gsize i = 0; i < g_variant_n_children (entries); i++)
    {
      g_autoptr(GVariant) entry = g_variant_get_child_value (entries, i);
      g_autoptr(GVariant) ttl = g_variant_lookup_value (entry, "ttl-left", G_VARIANT_TYPE_INT64);
      g_autoptr(GVariant) locators = g_variant_lookup_value (entry, "locators", G_VARIANT_TYPE ("aa{sv}"));
      g_autofree char *ttl_text = NULL;
      g_autofree char *locator_text = locators_text (locators);

      if (ttl == NULL)
        ttl_text = g_strdup ("—");
      else if (g_variant_get_int64 (ttl) < 0)
        ttl_text = g_strdup (_("never"));
      else
        ttl_text = g_strdup_printf (_("%d s"), (int) MIN (g_variant_get_int64 (ttl), G_MAXINT));
      gtk_list_store_insert_with_values (self->map_cache_store, NULL, -1,
                                         0, or_dash (lmn_status_lookup_string (entry, "prefix")),
                                         1, or_dash (lmn_status_lookup_string (entry, "origin")),
                                         2, or_dash (lmn_status_lookup_string (entry, "action")),
                                         3, ttl_text, 4, locator_text, -1);
    }
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *when = g_date_time_format (now, "%X");
    g_autofree char *message =
      /* TRANSLATORS: number of mappings, then the time they were read */
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u mapping, read at %s", "%u mappings, read at %s",
                                    g_variant_n_children (entries)),
                       (guint) g_variant_n_children (entries), when);
    gtk_label_set_text (self->map_cache_status, message);
  }
}

void
lmn_details_window_refresh_map_cache (LmnDetailsWindow *self)
{
  LmnDbusMobileNode1 *proxy = lmn_node_watcher_peek_proxy (self->watcher);

  g_return_if_fail (LMN_IS_DETAILS_WINDOW (self));
  g_cancellable_cancel (self->map_cache_cancellable);
  g_clear_object (&self->map_cache_cancellable);
  if (proxy == NULL)
    {
      gtk_list_store_clear (self->map_cache_store);
      gtk_label_set_text (self->map_cache_status, _("lispmnd is not running"));
      return;
    }
  self->map_cache_cancellable = g_cancellable_new ();
  gtk_label_set_text (self->map_cache_status, _("Reading the map-cache…"));
  lmn_dbus_mobile_node1_call_get_map_cache (proxy, self->map_cache_cancellable, map_cache_ready, self);
}

static void
refresh_clicked (LmnDetailsWindow *self)
{
  lmn_details_window_refresh_map_cache (self);
}

static void
watcher_changed (LmnDetailsWindow *self)
{
  gboolean had_cache = gtk_tree_model_iter_n_children (GTK_TREE_MODEL (self->map_cache_store), NULL) > 0;

  update (self);
  /* The daemon came back (or left): the map-cache shown is no longer its. */
  if (!had_cache || !lmn_node_watcher_is_running (self->watcher))
    lmn_details_window_refresh_map_cache (self);
}

static void
counters_changed (LmnDetailsWindow *self)
{
  g_autoptr(GVariant) counters = lmn_node_watcher_dup_property (self->watcher, "Counters");

  fill_counters (self, counters);
}

static void
lmn_details_window_dispose (GObject *object)
{
  LmnDetailsWindow *self = LMN_DETAILS_WINDOW (object);

  g_cancellable_cancel (self->map_cache_cancellable);
  g_clear_object (&self->map_cache_cancellable);
  if (self->watcher != NULL)
    g_signal_handlers_disconnect_by_data (self->watcher, self);
  g_clear_object (&self->watcher);
  G_OBJECT_CLASS (lmn_details_window_parent_class)->dispose (object);
}

static void
lmn_details_window_class_init (LmnDetailsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lmn_details_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/lispmn/Applet/details-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LmnDetailsWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, LmnDetailsWindow, state_icon);
  gtk_widget_class_bind_template_child (widget_class, LmnDetailsWindow, state_label);
  gtk_widget_class_bind_template_child (widget_class, LmnDetailsWindow, eids_label);
  gtk_widget_class_bind_template_child (widget_class, LmnDetailsWindow, map_resolvers_label);
  gtk_widget_class_bind_template_child (widget_class, LmnDetailsWindow, proxy_etrs_label);
  gtk_widget_class_bind_template_child (widget_class, LmnDetailsWindow, map_cache_status);
  gtk_widget_class_bind_template_child (widget_class, LmnDetailsWindow, rloc_store);
  gtk_widget_class_bind_template_child (widget_class, LmnDetailsWindow, map_server_store);
  gtk_widget_class_bind_template_child (widget_class, LmnDetailsWindow, map_cache_store);
  gtk_widget_class_bind_template_child (widget_class, LmnDetailsWindow, counter_store);
  gtk_widget_class_bind_template_child (widget_class, LmnDetailsWindow, handover_store);
  gtk_widget_class_bind_template_callback (widget_class, refresh_clicked);
}

static void
lmn_details_window_init (LmnDetailsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

LmnDetailsWindow *
lmn_details_window_new (GtkApplication *app, LmnNodeWatcher *watcher)
{
  LmnDetailsWindow *self = g_object_new (LMN_TYPE_DETAILS_WINDOW, "application", app, NULL);

  self->watcher = g_object_ref (watcher);
  g_signal_connect_swapped (watcher, "changed", G_CALLBACK (watcher_changed), self);
  g_signal_connect_swapped (watcher, "counters-changed", G_CALLBACK (counters_changed), self);
  g_signal_connect_swapped (watcher, "handover", G_CALLBACK (update), self);
  update (self);
  lmn_details_window_refresh_map_cache (self);
  return self;
}
