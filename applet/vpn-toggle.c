/* vpn-toggle.c: Connect/Disconnect of the lispmn NetworkManager profiles, through libnm. */
#include "config.h"

#include "vpn-toggle.h"

#include <glib/gi18n.h>
#include <NetworkManager.h>

/* How long to wait before asking for libnm's client again when the system bus could not be
 * reached (the applet may start before it, or it may restart). */
#define CLIENT_RETRY_SECONDS 10

struct _LmnVpnToggle
{
  GObject parent_instance;

  GCancellable *cancellable;
  NMClient *client;                 /* NULL until ready, or when libnm could not start */
  char *client_error;
  guint client_retry;               /* timer: libnm's client again */
  NMActiveConnection *watched;      /* the active connection whose state we follow */
  char *requested_id;               /* the profile of the last Connect/Disconnect, for errors */
};

enum { SIGNAL_CHANGED, SIGNAL_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_TYPE (LmnVpnToggle, lmn_vpn_toggle, G_TYPE_OBJECT)

static gboolean
is_lispmn_profile (NMConnection *connection)
{
  NMSettingVpn *vpn = nm_connection_get_setting_vpn (connection);

  return vpn != NULL && g_strcmp0 (nm_setting_vpn_get_service_type (vpn), LMN_VPN_SERVICE_TYPE) == 0;
}

/* The active lispmn connection, if one is up or coming up. */
static NMActiveConnection *
find_active (LmnVpnToggle *self)
{
  const GPtrArray *active = nm_client_get_active_connections (self->client);

  for (guint i = 0; active != NULL && i < active->len; i++)
    {
      NMActiveConnection *ac = active->pdata[i];
      NMRemoteConnection *profile = nm_active_connection_get_connection (ac);

      if (profile != NULL && is_lispmn_profile (NM_CONNECTION (profile)))
        return ac;
    }
  return NULL;
}

static gint
by_most_recent (gconstpointer a, gconstpointer b)
{
  NMSettingConnection *sa = nm_connection_get_setting_connection (*(NMConnection *const *) a);
  NMSettingConnection *sb = nm_connection_get_setting_connection (*(NMConnection *const *) b);
  guint64 ta = sa != NULL ? nm_setting_connection_get_timestamp (sa) : 0;
  guint64 tb = sb != NULL ? nm_setting_connection_get_timestamp (sb) : 0;

  if (ta != tb)
    return ta > tb ? -1 : 1;
  return g_strcmp0 (sa != NULL ? nm_setting_connection_get_id (sa) : NULL,
                    sb != NULL ? nm_setting_connection_get_id (sb) : NULL);
}

/* The lispmn profiles (NMRemoteConnection *, borrowed), the most recently used first. */
static GPtrArray *
find_profiles (LmnVpnToggle *self)
{
  const GPtrArray *connections = nm_client_get_connections (self->client);
  GPtrArray *profiles = g_ptr_array_new ();

  for (guint i = 0; connections != NULL && i < connections->len; i++)
    if (is_lispmn_profile (NM_CONNECTION (connections->pdata[i])))
      g_ptr_array_add (profiles, connections->pdata[i]);
  g_ptr_array_sort (profiles, by_most_recent);
  return profiles;
}

static void
emit_changed (LmnVpnToggle *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* Follows the state of the lispmn active connection (connecting -> activated -> gone). */
static void
rewatch (LmnVpnToggle *self)
{
  NMActiveConnection *active = self->client != NULL ? find_active (self) : NULL;

  if (active != self->watched)
    {
      if (self->watched != NULL)
        g_signal_handlers_disconnect_by_data (self->watched, self);
      g_set_object (&self->watched, active);
      if (active != NULL)
        g_signal_connect_swapped (active, "notify::state", G_CALLBACK (emit_changed), self);
    }
  emit_changed (self);
}

void
lmn_vpn_choice_free (LmnVpnChoice *choice)
{
  if (choice == NULL)
    return;
  g_free (choice->label);
  g_free (choice->uuid);
  g_free (choice);
}

static void
add_choice (GPtrArray *choices, char *label, const char *uuid)
{
  LmnVpnChoice *choice = g_new0 (LmnVpnChoice, 1);

  choice->label = label;
  choice->uuid = g_strdup (uuid);
  choice->enabled = uuid != NULL;
  g_ptr_array_add (choices, choice);
}

GPtrArray *
lmn_vpn_toggle_dup_choices (LmnVpnToggle *self)
{
  GPtrArray *choices = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_vpn_choice_free);
  g_autoptr(GPtrArray) profiles = NULL;

  g_return_val_if_fail (LMN_IS_VPN_TOGGLE (self), choices);
  if (self->client == NULL && self->client_error != NULL)
    add_choice (choices,
                g_strdup_printf (_ ("Connect (cannot reach NetworkManager: %s)"),
                                 self->client_error),
                NULL);
  else if (self->client == NULL)
    add_choice (choices, g_strdup (_ ("Connect (asking NetworkManager…)")), NULL);
  else if (!nm_client_get_nm_running (self->client))
    add_choice (choices, g_strdup (_ ("Connect (NetworkManager is not running)")), NULL);
  else if (self->watched != NULL)
    {
      const char *id = nm_active_connection_get_id (self->watched);
      const char *uuid = nm_active_connection_get_uuid (self->watched);

      if (nm_active_connection_get_state (self->watched) == NM_ACTIVE_CONNECTION_STATE_ACTIVATING)
        /* TRANSLATORS: %s is the name of the NetworkManager profile */
        add_choice (choices, g_strdup_printf (_ ("Connecting “%s”… (click to cancel)"), id), uuid);
      else
        /* TRANSLATORS: %s is the name of the NetworkManager profile */
        add_choice (choices, g_strdup_printf (_ ("Disconnect “%s”"), id), uuid);
    }
  if (choices->len > 0)
    return choices;
  profiles = find_profiles (self);
  if (profiles->len == 0)
    add_choice (choices, g_strdup (_ ("Connect (no lispmn profile in NetworkManager)")), NULL);
  for (guint i = 0; i < profiles->len; i++)
    {
      NMConnection *profile = profiles->pdata[i];

      /* TRANSLATORS: %s is the name of the NetworkManager profile */
      add_choice (choices, g_strdup_printf (_ ("Connect “%s”"), nm_connection_get_id (profile)),
                  nm_connection_get_uuid (profile));
    }
  return choices;
}

static void
activated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NMActiveConnection) active = nm_client_activate_connection_finish (NM_CLIENT (source),
                                                                              result, &error);
  LmnVpnToggle *self;

  if (active != NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;   /* alive: disposing it cancels the call */
  g_dbus_error_strip_remote_error (error);
  g_warning ("Cannot connect the lispmn profile %s: %s", self->requested_id, error->message);
  {
    /* TRANSLATORS: the profile's name, then NetworkManager's explanation */
    g_autofree char *message = g_strdup_printf (_("Cannot connect “%s”: %s"), self->requested_id,
                                                error->message);
    g_signal_emit (self, signals[SIGNAL_FAILED], 0, message);
  }
}

static void
deactivated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  LmnVpnToggle *self;

  if (nm_client_deactivate_connection_finish (NM_CLIENT (source), result, &error)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  g_dbus_error_strip_remote_error (error);
  g_warning ("Cannot disconnect the lispmn profile %s: %s", self->requested_id, error->message);
  {
    /* TRANSLATORS: the profile's name, then NetworkManager's explanation */
    g_autofree char *message = g_strdup_printf (_("Cannot disconnect “%s”: %s"), self->requested_id,
                                                error->message);
    g_signal_emit (self, signals[SIGNAL_FAILED], 0, message);
  }
}

void
lmn_vpn_toggle_toggle (LmnVpnToggle *self, const char *uuid)
{
  NMRemoteConnection *profile;

  g_return_if_fail (LMN_IS_VPN_TOGGLE (self));
  if (uuid == NULL || self->client == NULL || !nm_client_get_nm_running (self->client))
    return;
  if (self->watched != NULL)
    {
      if (g_strcmp0 (nm_active_connection_get_uuid (self->watched), uuid) != 0)
        return;
      g_free (self->requested_id);
      self->requested_id = g_strdup (nm_active_connection_get_id (self->watched));
      nm_client_deactivate_connection_async (self->client, self->watched, self->cancellable,
                                             deactivated, self);
      return;
    }
  profile = nm_client_get_connection_by_uuid (self->client, uuid);
  if (profile == NULL || !is_lispmn_profile (NM_CONNECTION (profile)))
    return;
  g_free (self->requested_id);
  self->requested_id = g_strdup (nm_connection_get_id (NM_CONNECTION (profile)));
  /* A VPN picks its base connection itself: no device, no specific object. */
  nm_client_activate_connection_async (self->client, NM_CONNECTION (profile), NULL, NULL,
                                       self->cancellable, activated, self);
}

static void client_ready (GObject *source, GAsyncResult *result, gpointer user_data);

static gboolean
retry_client (gpointer user_data)
{
  LmnVpnToggle *self = user_data;

  self->client_retry = 0;
  nm_client_new_async (self->cancellable, client_ready, self);
  return G_SOURCE_REMOVE;
}

static void
client_failed (LmnVpnToggle *self, const char *message)
{
  g_warning ("Cannot use libnm: %s; trying again in %d s", message, CLIENT_RETRY_SECONDS);
  g_free (self->client_error);
  self->client_error = g_strdup (message);
  g_clear_handle_id (&self->client_retry, g_source_remove);
  self->client_retry = g_timeout_add_seconds (CLIENT_RETRY_SECONDS, retry_client, self);
  emit_changed (self);
}

/* The system bus went away under libnm (a restart of dbus): a new client once it is back. */
static void
on_bus_closed (GDBusConnection *bus, gboolean remote_peer_vanished, GError *error,
               gpointer user_data)
{
  LmnVpnToggle *self = user_data;

  g_signal_handlers_disconnect_by_data (bus, self);
  if (self->watched != NULL)
    g_signal_handlers_disconnect_by_data (self->watched, self);
  g_clear_object (&self->watched);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  client_failed (self, _ ("the system bus went away"));
}

static void
client_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  NMClient *client = nm_client_new_finish (result, &error);
  LmnVpnToggle *self;

  if (client == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the toggle is gone */
  self = user_data;
  if (client == NULL)
    {
      client_failed (self, error->message);
      return;
    }
  g_clear_pointer (&self->client_error, g_free);
  self->client = client;
  g_signal_connect (nm_client_get_dbus_connection (client), "closed", G_CALLBACK (on_bus_closed),
                    self);
  g_signal_connect_swapped (client, "notify::nm-running", G_CALLBACK (rewatch), self);
  g_signal_connect_swapped (client, "connection-added", G_CALLBACK (rewatch), self);
  g_signal_connect_swapped (client, "connection-removed", G_CALLBACK (rewatch), self);
  g_signal_connect_swapped (client, "active-connection-added", G_CALLBACK (rewatch), self);
  g_signal_connect_swapped (client, "active-connection-removed", G_CALLBACK (rewatch), self);
  rewatch (self);
}

static void
lmn_vpn_toggle_dispose (GObject *object)
{
  LmnVpnToggle *self = LMN_VPN_TOGGLE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->client_retry, g_source_remove);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (nm_client_get_dbus_connection (self->client), self);
  if (self->watched != NULL)
    g_signal_handlers_disconnect_by_data (self->watched, self);
  g_clear_object (&self->watched);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (lmn_vpn_toggle_parent_class)->dispose (object);
}

static void
lmn_vpn_toggle_finalize (GObject *object)
{
  LmnVpnToggle *self = LMN_VPN_TOGGLE (object);

  g_clear_object (&self->cancellable);
  g_free (self->client_error);
  g_free (self->requested_id);
  G_OBJECT_CLASS (lmn_vpn_toggle_parent_class)->finalize (object);
}

static void
lmn_vpn_toggle_class_init (LmnVpnToggleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lmn_vpn_toggle_dispose;
  object_class->finalize = lmn_vpn_toggle_finalize;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
lmn_vpn_toggle_init (LmnVpnToggle *self)
{
  self->cancellable = g_cancellable_new ();
}

LmnVpnToggle *
lmn_vpn_toggle_new (void)
{
  LmnVpnToggle *self = g_object_new (LMN_TYPE_VPN_TOGGLE, NULL);

  nm_client_new_async (self->cancellable, client_ready, self);
  return self;
}
