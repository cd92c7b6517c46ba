/* nm-lispmn-service: NetworkManager's VPN service for lispmn. NetworkManager spawns it when
 * a profile of vpn-type lispmn is activated; it checks the profile, configures lispmnd over
 * D-Bus (Configure), feeds lispmnd the active connections as RLOCs (rloc-feeder.c), and once
 * a map-server accepted the registration (node-watch.c) reports the TUN, the EIDs and a
 * gateway to NetworkManager. A wrong key or a silent map-server fails the activation with
 * its reason, and so does lispmnd going away while the VPN is up. When the profile goes
 * down it stops the mobile node (which withdraws the EIDs and removes the TUN). */
#include "lmn-dbus-generated.h"
#include "lmn-dbus-names.h"
#include "node-return.h"
#include "node-watch.h"
#include "rloc-feeder.h"
#include "vpn-data.h"

#include <NetworkManager.h>
#include <arpa/inet.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_BUS_NAME "org.freedesktop.NetworkManager.lispmn"
#define CALL_TIMEOUT_MS  20000   /* Configure restarts the node; polkit may ask a person */
#define RESEND_DELAY_MS  500
#define RETURN_TIMEOUT_S 30 /* systemd restarts a crashed lispmnd well within this */

typedef struct {
  NMVpnServicePlugin parent;

  NMClient           *client;       /* NULL until libnm is ready */
  LmnDbusMobileNode1 *lispmnd;
  LmnVpnData         *data;
  gchar              *key;          /* wiped when freed */
  gchar              *uuid;
  gchar              *tun;
  guint               mtu;
  gboolean configured; /* lispmnd took the configuration */
  gboolean connected;  /* and registered it: NetworkManager told */
  gboolean recovering; /* configuring a lispmnd that came back while the VPN was up */
  LmnRlocFeeder      *feeder;
  LmnNodeWatch *watch;              /* the configured lispmnd */
  LmnNodeReturn *node_return;       /* lispmnd went away while up: waiting for it to return */
  GCancellable       *cancellable;  /* of the current connection attempt */
  guint               idle;
  guint               resend;       /* the configuration again, after a change of base */
  guint               stopping;     /* Stop calls to lispmnd not answered yet */
  GMainLoop          *loop;         /* quit once those are answered */
  gboolean            quitting;
} LmnVpnService;

typedef struct {
  NMVpnServicePluginClass parent;
} LmnVpnServiceClass;

GType lmn_vpn_service_get_type (void);
G_DEFINE_TYPE (LmnVpnService, lmn_vpn_service, NM_TYPE_VPN_SERVICE_PLUGIN)

#define LMN_VPN_SERVICE(o) (G_TYPE_CHECK_INSTANCE_CAST ((o), lmn_vpn_service_get_type (), LmnVpnService))

static void
clear_key (LmnVpnService *self)
{
  if (self->key != NULL)
    explicit_bzero (self->key, strlen (self->key));
  g_clear_pointer (&self->key, g_free);
}

/* Back to "not connected": the feeder stops, pending calls are abandoned. */
static void
reset (LmnVpnService *self)
{
  g_clear_pointer (&self->feeder, lmn_rloc_feeder_free);
  g_clear_pointer (&self->watch, lmn_node_watch_free);
  g_clear_pointer (&self->node_return, lmn_node_return_free);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->idle, g_source_remove);
  g_clear_handle_id (&self->resend, g_source_remove);
  g_clear_pointer (&self->data, lmn_vpn_data_free);
  clear_key (self);
  g_clear_pointer (&self->tun, g_free);
  g_clear_pointer (&self->uuid, g_free);
  self->configured = FALSE;
  self->connected = FALSE;
  self->recovering = FALSE;
}

/* ---- what NetworkManager is told ---- */

static GVariant *
address_bytes (const guint8 *addr, gsize len)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, addr, len, 1);
}

/* Without a proxy-ETR only LISP destinations are reachable through the TUN: a default route
 * there would cut the machine off the rest of the Internet. Such a profile gets no default
 * route (as with ipv4/ipv6.never-default), only its own routes. */
static gboolean
split_only (const LmnVpnData *d)
{
  return d->proxy_etrs->len == 0;
}

static void
send_config (LmnVpnService *self)
{
  NMVpnServicePlugin *plugin = NM_VPN_SERVICE_PLUGIN (self);
  const LmnVpnData *d = self->data;
  GVariantBuilder config, ip4, ip6;
  guint8 gateway[16];
  guint32 address;

  g_variant_builder_init (&config, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&config, "{sv}", NM_VPN_PLUGIN_CONFIG_TUNDEV, g_variant_new_string (self->tun));
  if (self->mtu != 0)
    g_variant_builder_add (&config, "{sv}", NM_VPN_PLUGIN_CONFIG_MTU, g_variant_new_uint32 (self->mtu));
  /* The map-server as the "VPN gateway": NetworkManager keeps a host route to it through
   * the base uplink (lispmnd's own control sockets are bound to their uplinks anyway). */
  if (inet_pton (AF_INET, d->map_server, gateway) == 1)
    {
      memcpy (&address, gateway, 4);   /* network order, as NetworkManager wants it */
      g_variant_builder_add (&config, "{sv}", NM_VPN_PLUGIN_CONFIG_EXT_GATEWAY,
                             g_variant_new_uint32 (address));
    }
  else if (inet_pton (AF_INET6, d->map_server, gateway) == 1)
    g_variant_builder_add (&config, "{sv}", NM_VPN_PLUGIN_CONFIG_EXT_GATEWAY,
                           address_bytes (gateway, 16));
  g_variant_builder_add (&config, "{sv}", NM_VPN_PLUGIN_CONFIG_HAS_IP4, g_variant_new_boolean (d->has_eid4));
  g_variant_builder_add (&config, "{sv}", NM_VPN_PLUGIN_CONFIG_HAS_IP6, g_variant_new_boolean (d->has_eid6));
  /* The EIDs outlive any one uplink: that is the point of LISP. */
  g_variant_builder_add (&config, "{sv}", NM_VPN_PLUGIN_CAN_PERSIST, g_variant_new_boolean (TRUE));
  nm_vpn_service_plugin_set_config (plugin, g_variant_builder_end (&config));

  if (d->has_eid4)
    {
      memcpy (&address, d->eid4, 4);
      g_variant_builder_init (&ip4, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&ip4, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_ADDRESS,
                             g_variant_new_uint32 (address));
      g_variant_builder_add (&ip4, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_PREFIX, g_variant_new_uint32 (32));
      if (split_only (d))
        g_variant_builder_add (&ip4, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_NEVER_DEFAULT,
                               g_variant_new_boolean (TRUE));
      nm_vpn_service_plugin_set_ip4_config (plugin, g_variant_builder_end (&ip4));
    }
  if (d->has_eid6)
    {
      g_variant_builder_init (&ip6, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&ip6, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_ADDRESS, address_bytes (d->eid6, 16));
      g_variant_builder_add (&ip6, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_PREFIX, g_variant_new_uint32 (128));
      if (split_only (d))
        g_variant_builder_add (&ip6, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_NEVER_DEFAULT,
                               g_variant_new_boolean (TRUE));
      nm_vpn_service_plugin_set_ip6_config (plugin, g_variant_builder_end (&ip6));
    }
}

static void stop_lispmnd (LmnVpnService *self);

/* libnm's failure() disconnects the plugin, and a disconnect while the state is still
 * "starting" sends a second Failure (connect-failed) that replaces ours: NetworkManager
 * would show "The VPN service stopped unexpectedly" instead of, for a wrong key, "Invalid
 * secrets". Leaving "starting" first keeps our reason the last one sent. */
static void
report_failure (NMVpnServicePlugin *plugin, NMVpnPluginFailure reason)
{
  NMVpnServiceState state = NM_VPN_SERVICE_STATE_UNKNOWN;

  g_object_get (plugin, NM_VPN_SERVICE_PLUGIN_STATE, &state, NULL);
  if (state == NM_VPN_SERVICE_STATE_STARTING)
    g_object_set (plugin, NM_VPN_SERVICE_PLUGIN_STATE, NM_VPN_SERVICE_STATE_STARTED, NULL);
  nm_vpn_service_plugin_failure (plugin, reason);
}

/* stop_node: lispmnd took our configuration and must not keep trying with it. */
static void
fail_connect (LmnVpnService *self, NMVpnPluginFailure reason, const char *message,
              gboolean stop_node)
{
  /* NetworkManager passes on only a failure code ("Invalid secrets" for a wrong key): the
   * reason goes to the journal from here, under the profile's NM_CONNECTION field, so the
   * "journalctl -xe NM_CONNECTION=..." that nmcli suggests shows it. */
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "NM_CONNECTION",
                    self->uuid != NULL ? self->uuid : "", "MESSAGE", "cannot connect: %s", message);
  reset (self);
  if (stop_node)
    stop_lispmnd (self);
  report_failure (NM_VPN_SERVICE_PLUGIN (self), reason);
}

/* NetworkManager drops the gateway's host route when the VPN moves to another base uplink
 * until the configuration comes again. */
static gboolean
on_resend (gpointer user_data)
{
  LmnVpnService *self = user_data;

  self->resend = 0;
  if (self->connected)
    {
      g_message ("configuration sent again (base uplink changed)");
      send_config (self);
    }
  return G_SOURCE_REMOVE;
}

static void
on_base_changed (const char *base, gpointer user_data)
{
  LmnVpnService *self = user_data;

  if (!self->connected)
    return;
  g_message ("base uplink now %s", base);
  /* Once NetworkManager is done with the change itself (we may hear of it first). */
  g_clear_handle_id (&self->resend, g_source_remove);
  self->resend = g_timeout_add (RESEND_DELAY_MS, on_resend, self);
}

static void
start_feeder (LmnVpnService *self)
{
  if (self->feeder != NULL || self->client == NULL || !self->configured)
    return;
  self->feeder = lmn_rloc_feeder_new (self->client, self->lispmnd, self->data, self->uuid,
                                      self->tun, on_base_changed, self);
}

/* ---- talking to lispmnd ---- */

static void call_configure (LmnVpnService *self);

static void
on_node_back (gboolean back, gpointer user_data)
{
  LmnVpnService *self = user_data;
  g_autofree gchar *message = NULL;

  g_clear_pointer (&self->node_return, lmn_node_return_free);
  if (back)
    {
      g_message ("lispmnd is back: configuring it again");
      call_configure (self);
      return;
    }
  message = g_strdup_printf ("lispmnd did not come back within %u s after it went away "
                             "(see journalctl -u lispmnd)",
                             RETURN_TIMEOUT_S);
  fail_connect (self, NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED, message, FALSE);
}

/* lispmnd went away while the VPN was up (or is a new, unconfigured one): NetworkManager
 * shows the VPN connecting again, not up, until the lispmnd that returns is configured and
 * registered; the profile's configuration and key are still here for that. */
static void
wait_for_return (LmnVpnService *self, const char *reason)
{
  g_message ("%s: the VPN is connecting again until lispmnd is back and registered", reason);
  g_clear_pointer (&self->feeder, lmn_rloc_feeder_free);
  g_clear_pointer (&self->watch, lmn_node_watch_free);
  g_clear_handle_id (&self->resend, g_source_remove);
  self->configured = FALSE;
  self->connected = FALSE;
  self->recovering = TRUE;
  g_object_set (self, NM_VPN_SERVICE_PLUGIN_STATE, NM_VPN_SERVICE_STATE_STARTING, NULL);
  self->node_return = lmn_node_return_new (RETURN_TIMEOUT_S, on_node_back, self);
}

static void
on_node_event (LmnNodeEvent event, const char *reason, gpointer user_data)
{
  LmnVpnService *self = user_data;

  switch (event)
    {
    case LMN_NODE_REGISTERED:
      self->connected = TRUE;
      g_message (self->recovering ? "lispmnd registered again: connected"
                                  : "registered with the map-server: connected");
      self->recovering = FALSE;
      if (split_only (self->data))
        g_warning ("vpn.data has no proxy-etr: only the profile's own routes (ipv4.routes, "
                   "ipv6.routes) go through LISP and the rest of the Internet is reached "
                   "directly; add proxy-etr=ADDRESS for all traffic to use the EIDs");
      send_config (self);
      break;
    case LMN_NODE_WRONG_KEY:
      fail_connect (self, NM_VPN_PLUGIN_FAILURE_LOGIN_FAILED, reason, TRUE);
      break;
    case LMN_NODE_UNREACHABLE:
      fail_connect (self, NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED, reason, TRUE);
      break;
    case LMN_NODE_GONE:
      if (self->connected)
        {
          wait_for_return (self, reason);
          break;
        }
      /* Not up yet: the activation fails with the reason. */
      G_GNUC_FALLTHROUGH;
    case LMN_NODE_STOPPED:
      /* The lispmnd now on the bus (if any) is not ours to stop. */
      fail_connect (self, NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED, reason, FALSE);
      break;
    }
}

static void
on_configured (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LmnVpnService *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *tun = NULL;
  guint mtu = 0;

  if (!lmn_dbus_mobile_node1_call_configure_finish (LMN_DBUS_MOBILE_NODE1 (source), &tun, &mtu,
                                                    result, &error))
    {
      g_autofree gchar *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
          g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
        {
          if (self->recovering)
            {
              /* It left again before it answered. */
              self->node_return = lmn_node_return_new (RETURN_TIMEOUT_S, on_node_back, self);
              return;
            }
          fail_connect (self, NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED,
                        "lispmnd is not running (nobody owns " LMN_DBUS_BUS_NAME
                        " on the system bus, "
                        "and it cannot be started)",
                        FALSE);
          return;
        }
      g_dbus_error_strip_remote_error (error);
      message = g_strdup_printf ("lispmnd refused the configuration: %s", error->message);
      fail_connect (self, NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED, message, FALSE);
      return;
    }
  /* The key stays (wiped when the profile goes down): a restarted lispmnd needs it again. */
  self->tun = g_steal_pointer (&tun);
  self->mtu = mtu;
  self->configured = TRUE;
  g_message ("lispmnd configured: %s, MTU %u; waiting for the map-server", self->tun, mtu);
  /* The uplinks first: lispmnd registers through them. */
  start_feeder (self);
  self->watch = lmn_node_watch_new (on_node_event, self);
}

/* Configure; when lispmnd is not running, the call starts it through D-Bus activation
 * where it is installed so. */
static void
call_configure (LmnVpnService *self)
{
  g_autoptr(GVariant) settings = NULL;

  settings = g_variant_ref_sink (lmn_vpn_data_configure_settings (self->data, self->key));
  lmn_dbus_mobile_node1_call_configure (self->lispmnd, settings, self->cancellable, on_configured,
                                        self);
}

static void
on_proxy (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LmnVpnService *self = user_data;
  g_autoptr(GError) error = NULL;
  LmnDbusMobileNode1 *proxy = lmn_dbus_mobile_node1_proxy_new_for_bus_finish (result, &error);

  if (proxy == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail_connect (self, NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED, error->message, FALSE);
      return;
    }
  g_clear_object (&self->lispmnd);
  self->lispmnd = proxy;
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (proxy), CALL_TIMEOUT_MS);
  call_configure (self);
}

static void
configure_lispmnd (LmnVpnService *self)
{
  if (self->lispmnd != NULL)
    call_configure (self);
  else
    lmn_dbus_mobile_node1_proxy_new_for_bus (G_BUS_TYPE_SYSTEM,
                                             G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES |
                                             G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS,
                                             LMN_DBUS_BUS_NAME, LMN_DBUS_OBJECT_PATH,
                                             self->cancellable, on_proxy, self);
}

/* ---- reading the profile ---- */

static NMSettingVpn *
vpn_setting (NMConnection *connection, GError **error)
{
  NMSettingVpn *s_vpn = nm_connection_get_setting_vpn (connection);

  if (s_vpn == NULL)
    g_set_error_literal (error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_INVALID_CONNECTION,
                         "the profile has no vpn setting");
  return s_vpn;
}

static gboolean
key_needed (NMSettingVpn *s_vpn)
{
  NMSettingSecretFlags flags = NM_SETTING_SECRET_FLAG_NONE;

  nm_setting_get_secret_flags (NM_SETTING (s_vpn), LMN_VPN_SECRET_MAP_SERVER_KEY, &flags, NULL);
  return nm_setting_vpn_get_secret (s_vpn, LMN_VPN_SECRET_MAP_SERVER_KEY) == NULL &&
         !(flags & NM_SETTING_SECRET_FLAG_NOT_REQUIRED);
}

static gboolean
agent_keeps_key (NMSettingVpn *s_vpn)
{
  NMSettingSecretFlags flags = NM_SETTING_SECRET_FLAG_NONE;

  nm_setting_get_secret_flags (NM_SETTING (s_vpn), LMN_VPN_SECRET_MAP_SERVER_KEY, &flags, NULL);
  return (flags & (NM_SETTING_SECRET_FLAG_AGENT_OWNED | NM_SETTING_SECRET_FLAG_NOT_SAVED)) != 0;
}

/* Reads and checks the profile into self; FALSE with an error naming the key. */
static gboolean
read_profile (LmnVpnService *self, NMConnection *connection, gboolean need_key, GError **error)
{
  NMSettingVpn *s_vpn = vpn_setting (connection, error);
  g_autofree const char **keys = NULL;
  g_autofree const char **values = NULL;
  g_autoptr(GError) local = NULL;
  const char *key, *problem;
  guint n = 0;

  if (s_vpn == NULL)
    return FALSE;
  reset (self);
  /* Both stay owned by the setting, which outlives this call. */
  keys = nm_setting_vpn_get_data_keys (s_vpn, &n);
  values = g_new0 (const char *, n + 1);
  for (guint i = 0; i < n; i++)
    values[i] = nm_setting_vpn_get_data_item (s_vpn, keys[i]);
  self->data = lmn_vpn_data_parse (keys, values, n, &local);
  if (self->data == NULL)
    {
      g_set_error_literal (error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
                           local->message);
      g_warning ("profile '%s': %s", nm_connection_get_id (connection), local->message);
      return FALSE;
    }
  self->uuid = g_strdup (nm_connection_get_uuid (connection));
  key = nm_setting_vpn_get_secret (s_vpn, LMN_VPN_SECRET_MAP_SERVER_KEY);
  if (key == NULL && !need_key)
    return TRUE;
  problem = lmn_vpn_data_check_key (key);
  if (problem != NULL)
    {
      g_set_error_literal (error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS, problem);
      g_warning ("profile '%s': %s", nm_connection_get_id (connection), problem);
      return FALSE;
    }
  self->key = g_strdup (key);
  return TRUE;
}

static void
begin (LmnVpnService *self)
{
  self->cancellable = g_cancellable_new ();
  configure_lispmnd (self);
}

/* ---- NMVpnServicePlugin ---- */

static gboolean
real_connect (NMVpnServicePlugin *plugin, NMConnection *connection, GError **error)
{
  LmnVpnService *self = LMN_VPN_SERVICE (plugin);

  if (!read_profile (self, connection, TRUE, error))
    return FALSE;
  g_message ("connecting '%s'", nm_connection_get_id (connection));
  begin (self);
  return TRUE;
}

static gboolean
real_connect_interactive (NMVpnServicePlugin *plugin, NMConnection *connection, GVariant *details,
                          GError **error)
{
  LmnVpnService *self = LMN_VPN_SERVICE (plugin);
  NMSettingVpn *s_vpn = vpn_setting (connection, error);
  static const char *hints[] = { LMN_VPN_SECRET_MAP_SERVER_KEY, NULL };

  if (s_vpn == NULL || !read_profile (self, connection, !key_needed (s_vpn), error))
    return FALSE;
  if (self->key == NULL)
    {
      /* An agent (nmcli --ask, the desktop's) asks the user; new_secrets follows. */
      g_message ("'%s': asking for the map-server key", nm_connection_get_id (connection));
      nm_vpn_service_plugin_secrets_required (plugin, "The LISP map-server key is needed.", hints);
      return TRUE;
    }
  g_message ("connecting '%s'", nm_connection_get_id (connection));
  begin (self);
  return TRUE;
}

static gboolean
on_begin_idle (gpointer user_data)
{
  LmnVpnService *self = user_data;

  self->idle = 0;
  begin (self);
  return G_SOURCE_REMOVE;
}

static gboolean
real_new_secrets (NMVpnServicePlugin *plugin, NMConnection *connection, GError **error)
{
  LmnVpnService *self = LMN_VPN_SERVICE (plugin);

  if (!read_profile (self, connection, TRUE, error))
    return FALSE;
  /* Not from inside this handler: NetworkManager is not ready for the configuration yet. */
  self->idle = g_idle_add (on_begin_idle, self);
  return TRUE;
}

static gboolean
real_need_secrets (NMVpnServicePlugin *plugin, NMConnection *connection, const char **setting_name,
                   GError **error)
{
  NMSettingVpn *s_vpn = vpn_setting (connection, error);

  if (s_vpn == NULL)
    return FALSE;
  /* A key an agent keeps is asked for from connect_interactive, with the secret hints that
   * let an agent which does not know this plugin (nmcli --ask) ask the user for it. */
  if (key_needed (s_vpn) && !agent_keeps_key (s_vpn))
    {
      *setting_name = NM_SETTING_VPN_SETTING_NAME;
      return TRUE;
    }
  return FALSE;
}

static void
on_stopped (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LmnVpnService *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!lmn_dbus_mobile_node1_call_stop_finish (LMN_DBUS_MOBILE_NODE1 (source), result, &error))
    g_warning ("cannot stop lispmnd: %s", error->message);
  else
    g_message ("lispmnd stopped");
  self->stopping--;
  if (self->stopping == 0 && self->quitting && self->loop != NULL)
    g_main_loop_quit (self->loop);
  g_object_unref (self);
}

/* The mobile node withdraws its EIDs and removes the TUN. */
static void
stop_lispmnd (LmnVpnService *self)
{
  if (self->lispmnd == NULL)
    return;
  /* libnm quits the service as soon as NetworkManager hears of the disconnection: the
   * answer is waited for. */
  self->stopping++;
  lmn_dbus_mobile_node1_call_stop (self->lispmnd, NULL, on_stopped, g_object_ref (self));
}

static gboolean
real_disconnect (NMVpnServicePlugin *plugin, GError **error)
{
  LmnVpnService *self = LMN_VPN_SERVICE (plugin);
  gboolean was_started = self->cancellable != NULL;

  reset (self);
  if (was_started)
    stop_lispmnd (self);
  g_message ("disconnected");
  return TRUE;
}

static void
on_client (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LmnVpnService *self = user_data;
  g_autoptr(GError) error = NULL;
  NMClient *client = nm_client_new_finish (result, &error);

  if (client == NULL)
    {
      g_warning ("cannot follow NetworkManager's connections (no RLOCs will be fed): %s",
                 error->message);
      return;
    }
  self->client = client;
  start_feeder (self);
}

static void
lmn_vpn_service_init (LmnVpnService *self)
{
  nm_client_new_async (NULL, on_client, self);
}

static void
lmn_vpn_service_dispose (GObject *object)
{
  LmnVpnService *self = LMN_VPN_SERVICE (object);

  reset (self);
  g_clear_object (&self->lispmnd);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (lmn_vpn_service_parent_class)->dispose (object);
}

static void
lmn_vpn_service_class_init (LmnVpnServiceClass *klass)
{
  NMVpnServicePluginClass *plugin_class = NM_VPN_SERVICE_PLUGIN_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = lmn_vpn_service_dispose;
  plugin_class->connect = real_connect;
  plugin_class->connect_interactive = real_connect_interactive;
  plugin_class->need_secrets = real_need_secrets;
  plugin_class->new_secrets = real_new_secrets;
  plugin_class->disconnect = real_disconnect;
}

/* ---- main ---- */

/* The bus name goes first, while this instance still waits for lispmnd: NetworkManager then
 * starts a fresh service for the next activation instead of calling one that is on its way
 * out (whose object may already be gone). */
static void
release_bus_name (NMVpnServicePlugin *plugin)
{
  g_autoptr(GDBusConnection) bus = nm_vpn_service_plugin_get_connection (plugin);
  g_autofree gchar *name = NULL;

  g_object_get (plugin, NM_VPN_SERVICE_PLUGIN_DBUS_SERVICE_NAME, &name, NULL);
  if (bus == NULL || name == NULL)
    return;
  g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "ReleaseName", g_variant_new ("(s)", name),
                          NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
}

/* After the state change that made libnm quit has gone out: NetworkManager reads the
 * failure reason when it sees "stopped", and takes our name's disappearance for a crash
 * ("The VPN service stopped unexpectedly") if it comes first. */
static gboolean
on_quit_idle (gpointer user_data)
{
  LmnVpnService *self = user_data;

  release_bus_name (NM_VPN_SERVICE_PLUGIN (self));
  /* lispmnd must hear Stop before the service goes (it answers at once; the call's
   * timeout bounds the wait). */
  if (self->stopping == 0)
    g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

static void
on_quit (NMVpnServicePlugin *plugin, gpointer user_data)
{
  LmnVpnService *self = LMN_VPN_SERVICE (plugin);

  if (self->quitting)
    return;
  self->loop = user_data;
  self->quitting = TRUE;
  g_idle_add (on_quit_idle, self);
}

int
main (int argc, char **argv)
{
  g_autofree gchar *bus_name = NULL;
  gboolean persist = FALSE;
  const GOptionEntry entries[] = {
    { "bus-name", 0, 0, G_OPTION_ARG_STRING, &bus_name,
      "D-Bus name to own (default " DEFAULT_BUS_NAME ")", "NAME" },
    { "persist", 0, 0, G_OPTION_ARG_NONE, &persist,
      "Keep running when NetworkManager goes away (for debugging)", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- NetworkManager VPN service for lispmn");
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  NMVpnServicePlugin *plugin;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
    "Started by NetworkManager for connection profiles of vpn-type lispmn: configures\n"
    "lispmnd over D-Bus and feeds it NetworkManager's active connections as RLOCs.\n"
    "See nm-lispmn-service(8).");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("nm-lispmn-service: %s (try --help)\n", error->message);
      return EXIT_FAILURE;
    }
  plugin = g_initable_new (lmn_vpn_service_get_type (), NULL, &error,
                           NM_VPN_SERVICE_PLUGIN_DBUS_SERVICE_NAME,
                           bus_name != NULL ? bus_name : DEFAULT_BUS_NAME,
                           NM_VPN_SERVICE_PLUGIN_DBUS_WATCH_PEER, !persist,
                           NULL);
  if (plugin == NULL)
    {
      g_printerr ("nm-lispmn-service: cannot start: %s\n", error->message);
      return EXIT_FAILURE;
    }
  loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (plugin, "quit", G_CALLBACK (on_quit), loop);
  g_main_loop_run (loop);
  {
    /* The release of the name (on_quit) leaves before the process does. */
    g_autoptr(GDBusConnection) bus = nm_vpn_service_plugin_get_connection (plugin);

    if (bus != NULL)
      g_dbus_connection_flush_sync (bus, NULL, NULL);
  }
  g_object_unref (plugin);
  return EXIT_SUCCESS;
}
