#include "rloc-feeder.h"
#include "uplink-ranking.h"

#include <arpa/inet.h>
#include <string.h>

struct _LmnRlocFeeder {
  NMClient           *client;
  LmnDbusMobileNode1 *lispmnd;
  const LmnVpnData   *data;
  gchar              *tun;
  gchar              *vpn_uuid;
  LmnBaseChangedFunc  base_changed;
  gpointer            base_changed_data;
  gchar              *base;          /* the VPN's base device last seen */
  GPtrArray          *watched;       /* Watch*: the objects whose changes we follow */
  gulong              client_handlers[3];
  guint               idle;
  GVariant           *sent;          /* the last uplinks sent (or being sent) */
  gboolean            in_flight;     /* a SetRlocs is on its way: the next waits for it */
  gboolean            dirty;         /* something changed while it was */
  GCancellable       *cancellable;
};

typedef struct {
  GObject *object;
  gulong   handler;
} Watch;

static void
watch_free (Watch *w)
{
  g_signal_handler_disconnect (w->object, w->handler);
  g_object_unref (w->object);
  g_free (w);
}

static void recompute (LmnRlocFeeder *feeder);

static gboolean
on_idle (gpointer user_data)
{
  LmnRlocFeeder *feeder = user_data;

  feeder->idle = 0;
  recompute (feeder);
  return G_SOURCE_REMOVE;
}

/* Changes come in bursts (a device's flags, then its connection's state ...): one
 * recomputation once the burst is over, ahead of other idle work. */
static void
schedule (LmnRlocFeeder *feeder)
{
  if (feeder->idle == 0)
    feeder->idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, on_idle, feeder, NULL);
}

static void
on_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  schedule (user_data);
}

static void
on_client_changed (NMClient *client, gpointer object, gpointer user_data)
{
  schedule (user_data);
}

static void
on_profile_changed (NMConnection *connection, gpointer user_data)
{
  schedule (user_data);
}

static void
watch_signal (LmnRlocFeeder *feeder, gpointer object, const char *signal, GCallback callback)
{
  Watch *w;

  if (object == NULL)
    return;
  w = g_new0 (Watch, 1);
  w->object = g_object_ref (object);
  w->handler = g_signal_connect (object, signal, callback, feeder);
  g_ptr_array_add (feeder->watched, w);
}

static void
watch (LmnRlocFeeder *feeder, gpointer object)
{
  watch_signal (feeder, object, "notify", G_CALLBACK (on_notify));
}

static gboolean
global_address (NMIPAddress *a)
{
  const char *text = nm_ip_address_get_address (a);
  guint8 b[16];

  if (nm_ip_address_get_family (a) == AF_INET)
    return inet_pton (AF_INET, text, b) == 1 && b[0] != 127 && !(b[0] == 169 && b[1] == 254);
  return inet_pton (AF_INET6, text, b) == 1 && !(b[0] == 0xfe && (b[1] & 0xc0) == 0x80) &&
         !IN6_IS_ADDR_LOOPBACK ((struct in6_addr *) b);
}

static gboolean
has_global_address (NMIPConfig *config)
{
  GPtrArray *addresses = config != NULL ? nm_ip_config_get_addresses (config) : NULL;

  for (guint i = 0; addresses != NULL && i < addresses->len; i++)
    if (global_address (addresses->pdata[i]))
      return TRUE;
  return FALSE;
}

static gint64
default_route_metric (NMIPConfig *config)
{
  GPtrArray *routes = config != NULL ? nm_ip_config_get_routes (config) : NULL;

  for (guint i = 0; routes != NULL && i < routes->len; i++)
    if (nm_ip_route_get_prefix (routes->pdata[i]) == 0)
      return nm_ip_route_get_metric (routes->pdata[i]);
  return -1;
}

/* The metric NetworkManager gives a device type by default (its documented defaults), for
 * an uplink without a default route of its own. */
static gint64
type_metric (NMDevice *device)
{
  switch (nm_device_get_device_type (device))
    {
    case NM_DEVICE_TYPE_ETHERNET: return 100;
    case NM_DEVICE_TYPE_WIFI:     return 600;
    case NM_DEVICE_TYPE_MODEM:    return 700;
    default:                      return 750;
    }
}

static gint
user_value (NMActiveConnection *ac, const char *key)
{
  NMRemoteConnection *connection = nm_active_connection_get_connection (ac);
  NMSettingUser *user;

  if (connection == NULL)
    return -1;
  user = (NMSettingUser *) nm_connection_get_setting (NM_CONNECTION (connection), NM_TYPE_SETTING_USER);
  return user != NULL ? lmn_rank_parse_user_value (nm_setting_user_get_data (user, key)) : -1;
}

/* A captive portal or limited connectivity, and full connectivity in neither family (an
 * uplink whose IPv6 is limited carries IPv4 RLOCs well enough). */
static gboolean
degraded (NMDevice *device)
{
  gboolean full = FALSE, poor = FALSE;

  for (int family = AF_INET; family != 0; family = family == AF_INET ? AF_INET6 : 0)
    {
      NMConnectivityState c = nm_device_get_connectivity (device, family);

      full |= c == NM_CONNECTIVITY_FULL;
      poor |= c == NM_CONNECTIVITY_PORTAL || c == NM_CONNECTIVITY_LIMITED;
    }
  return poor && !full;
}

static void
on_set_rlocs (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LmnRlocFeeder *feeder = user_data;
  g_autoptr(GError) error = NULL;

  if (!lmn_dbus_mobile_node1_call_set_rlocs_finish (LMN_DBUS_MOBILE_NODE1 (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;   /* the feeder is gone */
      g_warning ("lispmnd refused the uplinks: %s", error->message);
      g_clear_pointer (&feeder->sent, g_variant_unref);   /* try again on the next change */
    }
  feeder->in_flight = FALSE;
  if (feeder->dirty)
    {
      feeder->dirty = FALSE;
      recompute (feeder);
    }
}

static void
send_uplinks (LmnRlocFeeder *feeder, GPtrArray *ranked)
{
  GVariantBuilder b;
  g_autoptr(GVariant) uplinks = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < ranked->len; i++)
    {
      const LmnRankedUplink *u = ranked->pdata[i];
      GVariantDict d;

      g_variant_dict_init (&d, NULL);
      g_variant_dict_insert (&d, "interface", "s", u->interface);
      g_variant_dict_insert (&d, "priority", "y", u->priority);
      g_variant_dict_insert (&d, "weight", "y", u->weight);
      /* lispmnd shows it in Rlocs (the applet, lispmnctl); it caps the length. */
      if (u->connection != NULL && u->connection[0] != '\0' && strlen (u->connection) <= 255)
        g_variant_dict_insert (&d, "connection", "s", u->connection);
      g_variant_builder_add_value (&b, g_variant_dict_end (&d));
      g_string_append_printf (text, "%s%s (priority %u, weight %u)", i > 0 ? ", " : "",
                              u->interface, u->priority, u->weight);
    }
  uplinks = g_variant_ref_sink (g_variant_builder_end (&b));
  if (feeder->sent != NULL && g_variant_equal (feeder->sent, uplinks))
    return;
  g_message ("uplinks: %s", text->len > 0 ? text->str : "none");
  g_clear_pointer (&feeder->sent, g_variant_unref);
  feeder->sent = g_variant_ref (uplinks);
  feeder->in_flight = TRUE;
  lmn_dbus_mobile_node1_call_set_rlocs (feeder->lispmnd, uplinks, feeder->cancellable, on_set_rlocs,
                                        feeder);
}

/* The VPN's base device as NetworkManager reports it. When NetworkManager moves the VPN to
 * another device it wants the configuration again (to put the gateway route there); not at
 * the first sight, when the configuration was just sent, nor when the base merely went away
 * (a configuration then would make NetworkManager drop the gateway route for good). */
static void
follow_base (LmnRlocFeeder *feeder, NMActiveConnection *vpn)
{
  const GPtrArray *devices = nm_active_connection_get_devices (vpn);
  const char *base = devices != NULL && devices->len > 0 ? nm_device_get_iface (devices->pdata[0]) : NULL;
  g_autofree gchar *old = NULL;

  if (base == NULL || g_strcmp0 (base, feeder->base) == 0)
    return;
  old = g_steal_pointer (&feeder->base);
  feeder->base = g_strdup (base);
  if (old != NULL && feeder->base_changed != NULL)
    feeder->base_changed (base, feeder->base_changed_data);
}

static void
recompute (LmnRlocFeeder *feeder)
{
  const GPtrArray *acs = nm_client_get_active_connections (feeder->client);
  g_autoptr(GArray) candidates = g_array_new (FALSE, TRUE, sizeof (LmnUplinkCandidate));
  g_autoptr(GPtrArray) ranked = NULL;

  if (feeder->in_flight)
    {
      feeder->dirty = TRUE;
      return;
    }
  /* Followed afresh every time: connections and their IP configurations come and go. */
  g_ptr_array_set_size (feeder->watched, 0);
  for (guint i = 0; acs != NULL && i < acs->len; i++)
    {
      NMActiveConnection *ac = acs->pdata[i];
      const GPtrArray *devices;
      NMDevice *device;
      NMIPConfig *ip4, *ip6;
      LmnUplinkCandidate c = { 0 };
      const char *iface;

      watch (feeder, ac);
      if (nm_active_connection_get_vpn (ac))
        {
          if (g_strcmp0 (nm_active_connection_get_uuid (ac), feeder->vpn_uuid) == 0)
            follow_base (feeder, ac);
          continue;
        }
      devices = nm_active_connection_get_devices (ac);
      if (devices == NULL || devices->len == 0)
        continue;
      device = devices->pdata[0];
      watch (feeder, device);
      /* Its profile's user data (lisp.priority, lisp.weight) may be edited while it runs. */
      watch_signal (feeder, nm_active_connection_get_connection (ac), "changed",
                    G_CALLBACK (on_profile_changed));
      ip4 = nm_active_connection_get_ip4_config (ac);
      ip6 = nm_active_connection_get_ip6_config (ac);
      watch (feeder, ip4);
      watch (feeder, ip6);
      iface = nm_device_get_ip_iface (device);
      if (iface == NULL)
        iface = nm_device_get_iface (device);
      if (iface == NULL || g_strcmp0 (iface, feeder->tun) == 0 ||
          nm_active_connection_get_state (ac) != NM_ACTIVE_CONNECTION_STATE_ACTIVATED ||
          (!has_global_address (ip4) && !has_global_address (ip6)))
        continue;
      c.interface = iface;
      c.connection_id = nm_active_connection_get_id (ac);
      c.connection_uuid = nm_active_connection_get_uuid (ac);
      c.metric = default_route_metric (ip4);
      if (c.metric < 0)
        c.metric = default_route_metric (ip6);
      c.default_route = c.metric >= 0;
      if (c.metric < 0)
        c.metric = type_metric (device);
      c.user_priority = user_value (ac, "lisp.priority");
      c.user_weight = user_value (ac, "lisp.weight");
      /* The kernel's carrier as NetworkManager reports it at once; NetworkManager itself
       * deactivates the connection only after carrier-wait-timeout. */
      c.carrier = (nm_device_get_interface_flags (device) & NM_DEVICE_INTERFACE_FLAG_CARRIER) != 0;
      c.degraded = degraded (device);
      g_array_append_val (candidates, c);
    }
  ranked = lmn_rank_uplinks ((const LmnUplinkCandidate *) (void *) candidates->data, candidates->len,
                             feeder->data);
  send_uplinks (feeder, ranked);
}

LmnRlocFeeder *
lmn_rloc_feeder_new (NMClient *client, LmnDbusMobileNode1 *lispmnd, const LmnVpnData *data,
                     const char *vpn_uuid, const char *tun, LmnBaseChangedFunc base_changed,
                     gpointer user_data)
{
  LmnRlocFeeder *feeder = g_new0 (LmnRlocFeeder, 1);

  feeder->client = g_object_ref (client);
  feeder->lispmnd = g_object_ref (lispmnd);
  feeder->data = data;
  feeder->tun = g_strdup (tun);
  feeder->vpn_uuid = g_strdup (vpn_uuid);
  feeder->base_changed = base_changed;
  feeder->base_changed_data = user_data;
  feeder->watched = g_ptr_array_new_with_free_func ((GDestroyNotify) watch_free);
  feeder->cancellable = g_cancellable_new ();
  feeder->client_handlers[0] = g_signal_connect (client, "notify", G_CALLBACK (on_notify), feeder);
  feeder->client_handlers[1] = g_signal_connect (client, "active-connection-added",
                                                 G_CALLBACK (on_client_changed), feeder);
  feeder->client_handlers[2] = g_signal_connect (client, "active-connection-removed",
                                                 G_CALLBACK (on_client_changed), feeder);
  recompute (feeder);
  return feeder;
}

void
lmn_rloc_feeder_free (LmnRlocFeeder *feeder)
{
  if (feeder == NULL)
    return;
  g_cancellable_cancel (feeder->cancellable);
  g_clear_object (&feeder->cancellable);
  for (guint i = 0; i < G_N_ELEMENTS (feeder->client_handlers); i++)
    g_signal_handler_disconnect (feeder->client, feeder->client_handlers[i]);
  g_clear_handle_id (&feeder->idle, g_source_remove);
  g_ptr_array_unref (feeder->watched);
  g_clear_pointer (&feeder->sent, g_variant_unref);
  g_object_unref (feeder->client);
  g_object_unref (feeder->lispmnd);
  g_free (feeder->tun);
  g_free (feeder->vpn_uuid);
  g_free (feeder->base);
  g_free (feeder);
}
