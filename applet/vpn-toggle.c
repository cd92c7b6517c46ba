/* vpn-toggle.c: Connect/Disconnect of the lispmn NetworkManager profile, through libnm. */
#include "config.h"

#include "vpn-toggle.h"

#include <glib/gi18n.h>
#include <NetworkManager.h>

struct _LmnVpnToggle
{
  GObject parent_instance;

  GCancellable *cancellable;
  NMClient *client;                 /* NULL until ready, or when libnm could not start */
  char *client_error;
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

/* The lispmn profile to connect: the most recently used one. */
static NMRemoteConnection *
find_profile (LmnVpnToggle *self)
{
  const GPtrArray *connections = nm_client_get_connections (self->client);
  NMRemoteConnection *best = NULL;
  guint64 best_timestamp = 0;

  for (guint i = 0; connections != NULL && i < connections->len; i++)
    {
      NMRemoteConnection *profile = connections->pdata[i];
      NMSettingConnection *s_con = nm_connection_get_setting_connection (NM_CONNECTION (profile));
      guint64 timestamp = s_con != NULL ? nm_setting_connection_get_timestamp (s_con) : 0;

      if (!is_lispmn_profile (NM_CONNECTION (profile)))
        continue;
      if (best == NULL || timestamp > best_timestamp)
        {
          best = profile;
          best_timestamp = timestamp;
        }
    }
  return best;
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

char *
lmn_vpn_toggle_dup_label (LmnVpnToggle *self)
{
  NMRemoteConnection *profile;

  g_return_val_if_fail (LMN_IS_VPN_TOGGLE (self), NULL);
  if (self->client == NULL && self->client_error != NULL)
    return g_strdup_printf (_("Connect (cannot reach NetworkManager: %s)"), self->client_error);
  if (self->client == NULL)
    return g_strdup (_("Connect (asking NetworkManager…)"));
  if (!nm_client_get_nm_running (self->client))
    return g_strdup (_("Connect (NetworkManager is not running)"));
  if (self->watched != NULL)
    {
      const char *id = nm_active_connection_get_id (self->watched);

      if (nm_active_connection_get_state (self->watched) == NM_ACTIVE_CONNECTION_STATE_ACTIVATING)
        /* TRANSLATORS: %s is the name of the NetworkManager profile */
        return g_strdup_printf (_("Connecting “%s”… (click to cancel)"), id);
      /* TRANSLATORS: %s is the name of the NetworkManager profile */
      return g_strdup_printf (_("Disconnect “%s”"), id);
    }
  profile = find_profile (self);
  if (profile == NULL)
    return g_strdup (_("Connect (no lispmn profile in NetworkManager)"));
  /* TRANSLATORS: %s is the name of the NetworkManager profile */
  return g_strdup_printf (_("Connect “%s”"), nm_connection_get_id (NM_CONNECTION (profile)));
}

gboolean
lmn_vpn_toggle_can_toggle (LmnVpnToggle *self)
{
  g_return_val_if_fail (LMN_IS_VPN_TOGGLE (self), FALSE);
  if (self->client == NULL || !nm_client_get_nm_running (self->client))
    return FALSE;
  return self->watched != NULL || find_profile (self) != NULL;
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
lmn_vpn_toggle_toggle (LmnVpnToggle *self)
{
  NMRemoteConnection *profile;

  g_return_if_fail (LMN_IS_VPN_TOGGLE (self));
  if (!lmn_vpn_toggle_can_toggle (self))
    return;
  if (self->watched != NULL)
    {
      g_free (self->requested_id);
      self->requested_id = g_strdup (nm_active_connection_get_id (self->watched));
      nm_client_deactivate_connection_async (self->client, self->watched, self->cancellable,
                                             deactivated, self);
      return;
    }
  profile = find_profile (self);
  g_free (self->requested_id);
  self->requested_id = g_strdup (nm_connection_get_id (NM_CONNECTION (profile)));
  /* A VPN picks its base connection itself: no device, no specific object. */
  nm_client_activate_connection_async (self->client, NM_CONNECTION (profile), NULL, NULL,
                                       self->cancellable, activated, self);
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
      g_warning ("Cannot use libnm: %s", error->message);
      self->client_error = g_strdup (error->message);
      emit_changed (self);
      return;
    }
  self->client = client;
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
