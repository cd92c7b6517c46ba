/* node-watcher.c: follows lispmnd on the system bus for the applet. */
#include "config.h"

#include "node-watcher.h"

#include "lmn-dbus-names.h"

/* How long to wait before asking for the system bus again when it is unreachable. */
#define BUS_RETRY_SECONDS 10

struct _LmnNodeWatcher
{
  GObject parent_instance;

  GDBusConnection *bus;
  char *bus_error;
  guint bus_retry_source;
  guint watch_id;
  GCancellable *cancellable;        /* the whole watcher's life */
  GCancellable *proxy_cancellable;  /* one proxy creation, cancelled when the name vanishes */
  LmnDbusMobileNode1 *proxy;
  GHashTable *map_server_states;    /* address -> last state seen, to notice a change */
  GPtrArray *history;               /* LmnHandoverRecord *, oldest first */
};

enum { SIGNAL_CHANGED, SIGNAL_COUNTERS_CHANGED, SIGNAL_HANDOVER, SIGNAL_REGISTRATION_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_TYPE (LmnNodeWatcher, lmn_node_watcher, G_TYPE_OBJECT)

static void
handover_record_free (LmnHandoverRecord *record)
{
  g_date_time_unref (record->when);
  g_strfreev (record->came);
  g_strfreev (record->went);
  g_free (record);
}

/* Emits "registration-failed" for map-servers that went into auth-failed since last time. */
static void
check_map_servers (LmnNodeWatcher *self)
{
  g_autoptr(GVariant) servers = lmn_node_watcher_dup_property (self, "MapServers");
  g_autoptr(GHashTable) now = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (servers == NULL || !g_variant_is_of_type (servers, G_VARIANT_TYPE ("aa{sv}")))
    {
      g_hash_table_remove_all (self->map_server_states);
      return;
    }
  for (gsize i = 0; i < g_variant_n_children (servers); i++)
    {
      g_autoptr(GVariant) server = g_variant_get_child_value (servers, i);
      const char *address = NULL, *state = NULL, *error = NULL;

      if (!g_variant_lookup (server, "address", "&s", &address)
          || !g_variant_lookup (server, "state", "&s", &state))
        continue;
      if (!g_variant_lookup (server, "last-error", "&s", &error))
        error = "";
      if (g_str_equal (state, "auth-failed")
          && g_strcmp0 (g_hash_table_lookup (self->map_server_states, address), "auth-failed") != 0)
        g_signal_emit (self, signals[SIGNAL_REGISTRATION_FAILED], 0, address, error);
      g_hash_table_insert (now, g_strdup (address), g_strdup (state));
    }
  g_hash_table_unref (self->map_server_states);
  self->map_server_states = g_steal_pointer (&now);
}

static void
on_properties_changed (GDBusProxy *proxy, GVariant *changed, GStrv invalidated, gpointer user_data)
{
  LmnNodeWatcher *self = user_data;
  g_autoptr(GVariant) counters = g_variant_lookup_value (changed, "Counters", NULL);

  /* The counters change every second under traffic: the menu need not be rebuilt for them. */
  if (counters != NULL && g_variant_n_children (changed) == 1
      && (invalidated == NULL || invalidated[0] == NULL))
    {
      g_signal_emit (self, signals[SIGNAL_COUNTERS_CHANGED], 0);
      return;
    }
  check_map_servers (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
on_handover (LmnDbusMobileNode1 *proxy, const char *const *came, const char *const *went,
             double reregistration_seconds, gpointer user_data)
{
  LmnNodeWatcher *self = user_data;
  LmnHandoverRecord *record = g_new0 (LmnHandoverRecord, 1);

  record->when = g_date_time_new_now_local ();
  record->came = g_strdupv ((char **) came);
  record->went = g_strdupv ((char **) went);
  record->reregistration_seconds = reregistration_seconds;
  g_ptr_array_add (self->history, record);
  if (self->history->len > LMN_NODE_WATCHER_HISTORY)
    g_ptr_array_remove_index (self->history, 0);
  g_signal_emit (self, signals[SIGNAL_HANDOVER], 0, came, went, reregistration_seconds);
}

static void
proxy_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LmnNodeWatcher *self = user_data;
  g_autoptr(GError) error = NULL;
  LmnDbusMobileNode1 *proxy = lmn_dbus_mobile_node1_proxy_new_finish (result, &error);

  if (proxy == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot follow lispmnd on the system bus: %s", error->message);
      return;
    }
  g_clear_object (&self->proxy_cancellable);
  self->proxy = proxy;
  g_signal_connect (proxy, "g-properties-changed", G_CALLBACK (on_properties_changed), self);
  g_signal_connect (proxy, "handover", G_CALLBACK (on_handover), self);
  g_info ("lispmnd is on the bus");
  check_map_servers (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
drop_proxy (LmnNodeWatcher *self)
{
  g_cancellable_cancel (self->proxy_cancellable);
  g_clear_object (&self->proxy_cancellable);
  if (self->proxy != NULL)
    g_signal_handlers_disconnect_by_data (self->proxy, self);
  g_clear_object (&self->proxy);
  g_hash_table_remove_all (self->map_server_states);
}

static void
on_name_appeared (GDBusConnection *bus, const char *name, const char *owner, gpointer user_data)
{
  LmnNodeWatcher *self = user_data;

  drop_proxy (self);
  self->proxy_cancellable = g_cancellable_new ();
  /* The unique name: a restarted daemon is a new owner and gets a new proxy, never a
   * stale cache of the old one's properties. */
  lmn_dbus_mobile_node1_proxy_new (bus, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, owner,
                                   LMN_DBUS_OBJECT_PATH, self->proxy_cancellable, proxy_ready,
                                   self);
}

static void
on_name_vanished (GDBusConnection *bus, const char *name, gpointer user_data)
{
  LmnNodeWatcher *self = user_data;
  gboolean was_running = self->proxy != NULL;

  drop_proxy (self);
  if (bus == NULL)
    return;   /* the connection closed: bus_closed() handles it */
  if (was_running)
    g_info ("lispmnd left the bus");
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void connect_bus (LmnNodeWatcher *self);

static gboolean
retry_bus (gpointer user_data)
{
  LmnNodeWatcher *self = user_data;

  self->bus_retry_source = 0;
  connect_bus (self);
  return G_SOURCE_REMOVE;
}

static void
bus_closed (GDBusConnection *bus, gboolean remote_peer_vanished, GError *error, gpointer user_data)
{
  LmnNodeWatcher *self = user_data;

  g_warning ("The system bus went away%s%s", error != NULL ? ": " : "", error != NULL ? error->message : "");
  if (self->watch_id != 0)
    g_bus_unwatch_name (self->watch_id);
  self->watch_id = 0;
  drop_proxy (self);
  g_signal_handlers_disconnect_by_data (self->bus, self);
  g_clear_object (&self->bus);
  g_free (self->bus_error);
  self->bus_error = g_strdup (error != NULL ? error->message : "the connection closed");
  self->bus_retry_source = g_timeout_add_seconds (BUS_RETRY_SECONDS, retry_bus, self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
bus_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_dbus_connection_new_for_address_finish (result, &error);
  LmnNodeWatcher *self;

  if (bus == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the watcher is gone */
  self = user_data;
  if (bus == NULL)
    {
      g_warning ("Cannot connect to the system bus: %s; trying again in %d s", error->message,
                 BUS_RETRY_SECONDS);
      g_free (self->bus_error);
      self->bus_error = g_strdup (error->message);
      self->bus_retry_source = g_timeout_add_seconds (BUS_RETRY_SECONDS, retry_bus, self);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
      return;
    }
  g_clear_pointer (&self->bus_error, g_free);
  self->bus = bus;
  /* The applet outlives a bus restart by reconnecting rather than exiting. */
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  g_signal_connect (bus, "closed", G_CALLBACK (bus_closed), self);
  self->watch_id = g_bus_watch_name_on_connection (bus, LMN_DBUS_BUS_NAME,
                                                   G_BUS_NAME_WATCHER_FLAGS_NONE, on_name_appeared,
                                                   on_name_vanished, self, NULL);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
connect_bus (LmnNodeWatcher *self)
{
  /* A private connection: the shared singleton would be closed for everybody if the bus
   * dropped it, and could not be replaced. */
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SYSTEM, NULL, &error);

  if (address == NULL)
    {
      g_warning ("Cannot find the system bus: %s", error->message);
      g_free (self->bus_error);
      self->bus_error = g_strdup (error->message);
      return;
    }
  g_dbus_connection_new_for_address (address,
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                     | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                     NULL, self->cancellable, bus_ready, self);
}

gboolean
lmn_node_watcher_is_running (LmnNodeWatcher *self)
{
  g_return_val_if_fail (LMN_IS_NODE_WATCHER (self), FALSE);
  return self->proxy != NULL;
}

const char *
lmn_node_watcher_get_bus_error (LmnNodeWatcher *self)
{
  g_return_val_if_fail (LMN_IS_NODE_WATCHER (self), NULL);
  return self->bus_error;
}

LmnDbusMobileNode1 *
lmn_node_watcher_peek_proxy (LmnNodeWatcher *self)
{
  g_return_val_if_fail (LMN_IS_NODE_WATCHER (self), NULL);
  return self->proxy;
}

GVariant *
lmn_node_watcher_dup_property (LmnNodeWatcher *self, const char *name)
{
  g_return_val_if_fail (LMN_IS_NODE_WATCHER (self), NULL);
  if (self->proxy == NULL)
    return NULL;
  return g_dbus_proxy_get_cached_property (G_DBUS_PROXY (self->proxy), name);
}

char *
lmn_node_watcher_dup_state (LmnNodeWatcher *self)
{
  g_autoptr(GVariant) state = lmn_node_watcher_dup_property (self, "State");

  if (state == NULL || !g_variant_is_of_type (state, G_VARIANT_TYPE_STRING))
    return NULL;
  return g_variant_dup_string (state, NULL);
}

GPtrArray *
lmn_node_watcher_get_history (LmnNodeWatcher *self)
{
  g_return_val_if_fail (LMN_IS_NODE_WATCHER (self), NULL);
  return self->history;
}

static void
lmn_node_watcher_dispose (GObject *object)
{
  LmnNodeWatcher *self = LMN_NODE_WATCHER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->watch_id != 0)
    g_bus_unwatch_name (self->watch_id);
  self->watch_id = 0;
  g_clear_handle_id (&self->bus_retry_source, g_source_remove);
  drop_proxy (self);
  if (self->bus != NULL)
    g_signal_handlers_disconnect_by_data (self->bus, self);
  g_clear_object (&self->bus);
  G_OBJECT_CLASS (lmn_node_watcher_parent_class)->dispose (object);
}

static void
lmn_node_watcher_finalize (GObject *object)
{
  LmnNodeWatcher *self = LMN_NODE_WATCHER (object);

  g_clear_object (&self->cancellable);
  g_free (self->bus_error);
  g_hash_table_unref (self->map_server_states);
  g_ptr_array_unref (self->history);
  G_OBJECT_CLASS (lmn_node_watcher_parent_class)->finalize (object);
}

static void
lmn_node_watcher_class_init (LmnNodeWatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lmn_node_watcher_dispose;
  object_class->finalize = lmn_node_watcher_finalize;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_COUNTERS_CHANGED] = g_signal_new ("counters-changed", G_TYPE_FROM_CLASS (klass),
                                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                   G_TYPE_NONE, 0);
  signals[SIGNAL_HANDOVER] = g_signal_new ("handover", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                           G_TYPE_STRV, G_TYPE_STRV, G_TYPE_DOUBLE);
  signals[SIGNAL_REGISTRATION_FAILED] =
    g_signal_new ("registration-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
lmn_node_watcher_init (LmnNodeWatcher *self)
{
  self->cancellable = g_cancellable_new ();
  self->map_server_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->history = g_ptr_array_new_with_free_func ((GDestroyNotify) handover_record_free);
}

LmnNodeWatcher *
lmn_node_watcher_new (void)
{
  LmnNodeWatcher *self = g_object_new (LMN_TYPE_NODE_WATCHER, NULL);

  connect_bus (self);
  return self;
}
