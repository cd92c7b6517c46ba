#include "node.h"

#include "control-counters.h"
#include "control-socket.h"
#include "dataplane.h"
#include "lisp-message.h"
#include "lmn-ip.h"
#include "local-rlocs.h"
#include "map-cache.h"
#include "nat-traverser.h"
#include "netlink.h"
#include "own-mapping.h"
#include "registrar.h"
#include "resolver.h"
#include "rloc-prober.h"
#include "tun.h"

#include <string.h>

/* Outer IPv6 + UDP + LISP header: the TUN's MTU leaves room for the larger of the two
 * outer headers, so any inner packet fits any uplink of the smallest MTU. */
#define LMN_OVERHEAD_MAX 56
#define LMN_DEFAULT_LINK_MTU 1500
#define LMN_IPV6_MIN_MTU 1280

struct _LmnNode {
  const LmnConfig *config;
  LmnTun          *tun;
  LmnNetlink      *netlink;
  LispMapCache    *cache;
  LmnLocalRlocs   *rlocs;
  LmnDataplane    *dataplane;
  LmnControlSockets *control;
  LmnResolver     *resolver;
  LmnRegistrar    *registrar;
  LmnRlocProber   *prober;      /* NULL when rloc-probe-interval=0 */
  LmnNatTraverser *nat;
  LmnControlCounters control_counters;
  guint            mtu;
  LmnNodeChangedFunc changed;
  gpointer         changed_data;
  GPtrArray       *watched;     /* interface names followed through netlink */
  gboolean         smr_pending; /* our RLOCs changed: tell the peers once re-registered */
  gint64           rlocs_changed_at; /* monotonic µs of the last change of our RLOCs */
  gchar *logged_rlocs;               /* the RLOC line last logged: each set is told once */
  gboolean unreachable;              /* the last change left no usable RLOC */
};

static gboolean
has_ipv6_eid (const LmnConfig *config)
{
  for (guint i = 0; i < config->eids->len; i++)
    if (g_array_index (config->eids, LispPrefix, i).family == LISP_FAMILY_IPV6)
      return TRUE;
  return FALSE;
}

/* mtu= from the configuration, else the smallest usable uplink's less the overhead. */
static guint
wanted_mtu (LmnNode *node)
{
  guint link = lmn_local_rlocs_min_mtu (node->rlocs);
  guint mtu;

  if (node->config->mtu != 0)
    return node->config->mtu;
  mtu = (link != 0 ? link : LMN_DEFAULT_LINK_MTU) - LMN_OVERHEAD_MAX;
  /* Below 1280 the kernel removes the TUN's IPv6 addresses; the data plane then answers
   * "too big" and lets the outer packets fragment instead. */
  if (has_ipv6_eid (node->config) && mtu < LMN_IPV6_MIN_MTU)
    mtu = LMN_IPV6_MIN_MTU;
  return mtu;
}

static void
apply_mtu (LmnNode *node)
{
  g_autoptr(GError) error = NULL;
  guint mtu = wanted_mtu (node);

  if (mtu == node->mtu)
    return;
  if (!lmn_tun_set_mtu (node->tun, mtu, &error))
    {
      g_warning ("%s", error->message);
      return;
    }
  g_info ("%s: MTU %u", lmn_tun_name (node->tun), mtu);
  node->mtu = mtu;
}

static void
log_rlocs (LmnNode *node)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < lmn_local_rlocs_size (node->rlocs); i++)
    {
      const LmnLocalRloc *r = lmn_local_rlocs_get (node->rlocs, i);
      char buf[LMN_IP_TEXT_MAX];

      if (!r->up)
        continue;
      g_string_append_printf (s, "%s%s %s (priority %u, weight %u)", s->len ? ", " : "",
                              r->interface,
                              lmn_ip_bytes_to_text (r->family, r->addr, buf),
                              r->priority, r->weight);
    }
  /* Start-up and the first netlink report of the same uplinks describe one set. */
  if (g_strcmp0 (s->str, node->logged_rlocs) == 0)
    return;
  g_message ("RLOCs: %s", s->len > 0 ? s->str : "none (no uplink is up)");
  g_free (node->logged_rlocs);
  node->logged_rlocs = g_string_free (g_steal_pointer (&s), FALSE);
}

/* Peers that exchanged traffic with us within this long may hold our mapping: the record
 * TTL of our Map-Registers. */
#define SMR_PEER_WINDOW (10 * 60 * G_USEC_PER_SEC)

/* SMRs to every recent peer (RFC 9301 §6.1). They look us up again through the mapping
 * system, so they go once the map-servers hold the new locator set. */
static void
send_smrs (LmnNode *node)
{
  g_autoptr(GArray) peers = NULL;

  node->smr_pending = FALSE;
  /* From now on our packets' locator-status bits speak of the set just registered. */
  lmn_local_rlocs_advertise (node->rlocs);
  if (node->resolver == NULL || node->dataplane == NULL)
    return;
  peers = lmn_dataplane_recent_peers (node->dataplane, g_get_monotonic_time () - SMR_PEER_WINDOW);
  if (peers->len > 0)
    {
      g_info ("our locators changed: SMR to %u peers", peers->len);
      lmn_resolver_send_smrs (node->resolver, peers);
    }
}

/* Everything that follows a change of our usable RLOCs. */
static void
rlocs_changed (LmnNode *node)
{
  gboolean was_unreachable;

  node->rlocs_changed_at = g_get_monotonic_time ();
  log_rlocs (node);
  apply_mtu (node);
  /* Before registering: the Map-Registers leave from the new sockets. */
  if (node->control != NULL)
    lmn_control_sockets_sync (node->control, node->rlocs);
  /* A new address: is it behind a NAT? (Until we know, it is announced as it is.) */
  if (node->nat != NULL)
    lmn_nat_traverser_sync (node->nat);
  /* A lost locator cannot wait: peers may be sending to it; nor can the first one after
   * none, as nobody reaches us until it is registered. A new one beside others can wait for
   * its siblings (an uplink reports its addresses one by one). */
  was_unreachable = node->unreachable;
  node->unreachable = lmn_own_mapping_n_rlocs (node->rlocs) == 0;
  if (node->registrar != NULL && (was_unreachable || lmn_local_rlocs_lost_advertised (node->rlocs)))
    lmn_registrar_register_now (node->registrar);
  else if (node->registrar != NULL)
    lmn_registrar_register_soon (node->registrar);
  if (node->nat != NULL)
    lmn_nat_traverser_register_now (node->nat);
  node->smr_pending = TRUE;
  /* Without a map-server nothing is to be waited for. */
  if (node->registrar == NULL || lmn_registrar_n_servers (node->registrar) == 0)
    send_smrs (node);
  if (node->changed != NULL)
    node->changed (node, node->changed_data);
}

static void
on_link_changed (const LmnLinkState *state, gpointer user_data)
{
  LmnNode *node = user_data;

  if (lmn_local_rlocs_update (node->rlocs, state))
    rlocs_changed (node);
  else
    apply_mtu (node); /* the MTU alone changed (ip link set mtu): the TUN follows */
}

/* A datagram on UDP 4342: to the part of the control plane its type belongs to. */
static void
on_control_message (guint type, const guint8 *data, gsize len, const LmnIp *from, guint16 port,
                    const LmnIp *local, gpointer user_data)
{
  LmnNode *node = user_data;

  switch (type)
    {
    case LISP_TYPE_MAP_REQUEST:
      lmn_resolver_handle_map_request (node->resolver, data, len, from, port, local);
      break;
    case LISP_TYPE_MAP_REPLY:
      if (node->prober == NULL || !lmn_rloc_prober_handle_reply (node->prober, data, len, from))
        lmn_resolver_handle_map_reply (node->resolver, data, len);
      break;
    case LISP_TYPE_ECM:
      lmn_resolver_handle_ecm (node->resolver, data, len, local);
      break;
    case LISP_TYPE_MAP_NOTIFY:
      lmn_registrar_handle_notify (node->registrar, data, len, from, port, local);
      break;
    case LISP_TYPE_INFO:
      lmn_nat_traverser_handle_info (node->nat, data, len, local);
      break;
    default:
      node->control_counters.n[LMN_CTL_UNEXPECTED_TYPE]++;
      g_debug ("control message of type %u (%s) from port %u: ignored", type,
               lisp_message_type_name (type), port);
      break;
    }
}

/* A Data-Map-Notify from an RTR, on UDP 4341. */
static void
on_data_control (const guint8 *data, gsize len, const LmnIp *from, const LmnIp *local,
                 gpointer user_data)
{
  LmnNode *node = user_data;

  lmn_nat_traverser_handle_data_notify (node->nat, data, len, local);
}

/* An RLOC's NAT verdict changed; with its RTR, the locator we announce for it. Or the
 * registration through an RTR was acknowledged: behind NATs only, that is when the peers
 * can look up our new locator set. */
static void
on_nat_changed (LmnNatChange change, gpointer user_data)
{
  LmnNode *node = user_data;

  switch (change)
    {
    case LMN_NAT_CHANGED_RTR:
      /* Peers must learn the new locator set; the data plane's status bits follow it. */
      node->rlocs_changed_at = g_get_monotonic_time ();
      lmn_registrar_register_now (node->registrar);
      node->smr_pending = TRUE;
      if (lmn_registrar_n_servers (node->registrar) == 0)
        send_smrs (node);
      break;
    case LMN_NAT_CHANGED_REGISTERED:
      if (node->smr_pending)
        send_smrs (node);
      break;
    case LMN_NAT_CHANGED_VERDICT:
      break;
    }
  if (node->changed != NULL)
    node->changed (node, node->changed_data);
}

static gboolean
load_static_mappings (LmnNode *node, GError **error)
{
  for (guint i = 0; i < node->config->mappings->len; i++)
    {
      const LmnMappingConfig *m = g_ptr_array_index (node->config->mappings, i);

      if (!lisp_map_cache_insert (node->cache, &m->prefix,
                                  (const LispMapLocator *) (void *) m->locators->data,
                                  m->locators->len, m->action, 0, LISP_MAP_ORIGIN_STATIC, 0,
                                  g_get_monotonic_time (), error))
        {
          g_autofree gchar *p = lisp_prefix_to_string (&m->prefix);

          g_prefix_error (error, "mapping %s: ", p);
          return FALSE;
        }
    }
  return TRUE;
}

/* The first EID of a family: the source the kernel gives local applications. */
static gboolean
eid_source (const LmnConfig *config, guint8 family, LmnIp *out)
{
  for (guint i = 0; i < config->eids->len; i++)
    {
      const LispPrefix *p = &g_array_index (config->eids, LispPrefix, i);

      if (p->family == family)
        {
          out->family = family;
          memcpy (out->addr, p->addr, 16);
          return TRUE;
        }
    }
  return FALSE;
}

/* Without NetworkManager: the EIDs on the TUN and the routes into it. */
static gboolean
configure_tun (LmnNode *node, GError **error)
{
  const LmnConfig *config = node->config;
  int ifindex = lmn_tun_ifindex (node->tun);

  if (config->mode == LMN_MODE_MOBILE_NODE)
    {
      for (guint i = 0; i < config->eids->len; i++)
        if (!lmn_netlink_address (node->netlink, ifindex, &g_array_index (config->eids, LispPrefix, i),
                                  TRUE, error))
          return FALSE;
    }
  for (guint i = 0; i < config->routes->len; i++)
    {
      const LispPrefix *route = &g_array_index (config->routes, LispPrefix, i);
      LmnIp src;
      gboolean with_src = config->mode == LMN_MODE_MOBILE_NODE &&
                          eid_source (config, route->family, &src);

      /* A mobile node without an EID of this family has nothing to route there. */
      if (config->mode == LMN_MODE_MOBILE_NODE && !with_src)
        continue;
      if (!lmn_netlink_route (node->netlink, ifindex, route, with_src ? &src : NULL,
                              config->route_metric, TRUE, error))
        return FALSE;
    }
  return TRUE;
}

static void
on_registration_changed (gpointer user_data)
{
  LmnNode *node = user_data;

  if (node->smr_pending)
    for (guint i = 0; i < lmn_registrar_n_servers (node->registrar); i++)
      if (lmn_registrar_get (node->registrar, i)->state == LMN_REG_REGISTERED)
        {
          send_smrs (node);
          break;
        }
  if (node->changed != NULL)
    node->changed (node, node->changed_data);
}

LmnNode *
lmn_node_new (const LmnConfig *config, gboolean debug, GError **error)
{
  g_autoptr(LmnNode) node = g_new0 (LmnNode, 1);
  LmnControlContext ctx;

  node->config = config;
  node->cache = lisp_map_cache_new ();
  lisp_map_cache_set_limit (node->cache, config->map_cache_limit, g_get_monotonic_time ());
  node->rlocs = lmn_local_rlocs_new ();
  if (!load_static_mappings (node, error))
    return NULL;
  for (guint i = 0; i < config->uplinks->len; i++)
    {
      const LmnUplinkConfig *u = g_ptr_array_index (config->uplinks, i);

      lmn_local_rlocs_add_uplink (node->rlocs, u->interface, u->priority, u->weight,
                                  u->connection);
    }

  node->tun = lmn_tun_open (config->tun_name, error);
  if (node->tun == NULL)
    return NULL;
  apply_mtu (node);
  if (!lmn_tun_set_up (node->tun, TRUE, error))
    return NULL;
  node->dataplane = lmn_dataplane_new (config, node->tun, node->cache, node->rlocs, error);
  if (node->dataplane == NULL)
    return NULL;
  lmn_dataplane_set_debug (node->dataplane, debug);
  node->control = lmn_control_sockets_new (config->control_port, on_control_message, node);
  ctx = (LmnControlContext) {
    .config = config,
    .cache = node->cache,
    .rlocs = node->rlocs,
    .sockets = node->control,
    .dataplane = node->dataplane,
    .counters = &node->control_counters,
  };
  node->resolver = lmn_resolver_new (&ctx);
  node->registrar = lmn_registrar_new (config, node->rlocs, node->control, &node->control_counters);
  if (config->rloc_probe_interval > 0)
    node->prober = lmn_rloc_prober_new (&ctx);
  lmn_registrar_set_changed_func (node->registrar, on_registration_changed, node);
  node->nat = lmn_nat_traverser_new (&ctx, node->rlocs, node->registrar);
  lmn_nat_traverser_set_changed_func (node->nat, on_nat_changed, node);
  lmn_dataplane_set_control_func (node->dataplane, on_data_control, node);
  /* Without a map-resolver a miss goes to the proxy-ETRs at once. */
  if (config->map_resolvers->len > 0)
    lmn_dataplane_set_resolver (node->dataplane, lmn_resolver_resolve, node->resolver);

  node->netlink = lmn_netlink_new (on_link_changed, node, error);
  if (node->netlink == NULL)
    return NULL;
  if (config->manage_addresses && !configure_tun (node, error))
    {
      g_prefix_error (error, "configuring %s: ", config->tun_name);
      return NULL;
    }
  node->watched = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < config->uplinks->len; i++)
    {
      const LmnUplinkConfig *u = g_ptr_array_index (config->uplinks, i);

      if (!lmn_netlink_watch (node->netlink, u->interface, error))
        return NULL;
      g_ptr_array_add (node->watched, g_strdup (u->interface));
    }
  log_rlocs (node);
  lmn_control_sockets_sync (node->control, node->rlocs);
  lmn_nat_traverser_sync (node->nat);
  lmn_registrar_register_soon (node->registrar);
  return g_steal_pointer (&node);
}

void
lmn_node_free (LmnNode *node)
{
  if (node == NULL)
    return;
  /* Stopping (D-Bus Stop, Configure, the daemon's exit) withdraws the EIDs at once, while
   * the control sockets are still open. */
  if (node->registrar != NULL)
    lmn_registrar_deregister (node->registrar);
  /* Closing the TUN deletes it, and with it the addresses and routes it carried. */
  g_clear_pointer (&node->nat, lmn_nat_traverser_free);
  g_clear_pointer (&node->registrar, lmn_registrar_free);
  g_clear_pointer (&node->prober, lmn_rloc_prober_free);
  g_clear_pointer (&node->resolver, lmn_resolver_free);
  g_clear_pointer (&node->control, lmn_control_sockets_free);
  g_clear_pointer (&node->dataplane, lmn_dataplane_free);
  g_clear_pointer (&node->netlink, lmn_netlink_free);
  g_clear_pointer (&node->tun, lmn_tun_close);
  g_clear_pointer (&node->rlocs, lmn_local_rlocs_free);
  g_clear_pointer (&node->cache, lisp_map_cache_free);
  g_clear_pointer (&node->watched, g_ptr_array_unref);
  g_free (node->logged_rlocs);
  g_free (node);
}

const LmnConfig *
lmn_node_get_config (LmnNode *node)
{
  return node->config;
}

const char *
lmn_node_get_tun_name (LmnNode *node)
{
  /* The configured name until the TUN is open (the state is written while starting). */
  return node->tun != NULL ? lmn_tun_name (node->tun) : node->config->tun_name;
}

guint
lmn_node_get_mtu (LmnNode *node)
{
  return node->mtu;
}

LmnLocalRlocs *
lmn_node_get_rlocs (LmnNode *node)
{
  return node->rlocs;
}

LispMapCache *
lmn_node_get_map_cache (LmnNode *node)
{
  return node->cache;
}

const LmnCounters *
lmn_node_get_counters (LmnNode *node)
{
  static const LmnCounters none;

  /* None yet while the node is starting. */
  return node->dataplane != NULL ? lmn_dataplane_get_counters (node->dataplane) : &none;
}

LmnDataplane *
lmn_node_get_dataplane (LmnNode *node)
{
  return node->dataplane;
}

void
lmn_node_handle_control (LmnNode *node, const guint8 *data, gsize len, const LmnIp *from,
                         guint16 port, const LmnIp *local)
{
  on_control_message (lisp_message_type (data, len), data, len, from, port, local, node);
}

const LmnControlCounters *
lmn_node_get_control_counters (LmnNode *node)
{
  /* The map-cache counts its evictions itself; shown with the control plane's counters. */
  node->control_counters.n[LMN_CTL_MAP_CACHE_EVICTED] = lisp_map_cache_evictions (node->cache);
  return &node->control_counters;
}

gint64
lmn_node_get_rlocs_changed_at (LmnNode *node)
{
  return node->rlocs_changed_at;
}

void
lmn_node_set_changed_func (LmnNode *node, LmnNodeChangedFunc func, gpointer user_data)
{
  node->changed = func;
  node->changed_data = user_data;
}

static gboolean
name_listed (const LmnUplinkConfig *const *uplinks, guint n, const char *name)
{
  for (guint i = 0; i < n; i++)
    if (g_str_equal (uplinks[i]->interface, name))
      return TRUE;
  return FALSE;
}

void
lmn_node_set_uplinks (LmnNode *node, const LmnUplinkConfig *const *uplinks, guint n)
{
  lmn_local_rlocs_set_uplinks (node->rlocs, uplinks, n);
  for (guint i = node->watched->len; i-- > 0;)
    if (!name_listed (uplinks, n, g_ptr_array_index (node->watched, i)))
      {
        lmn_netlink_unwatch (node->netlink, g_ptr_array_index (node->watched, i));
        g_ptr_array_remove_index (node->watched, i);
      }
  for (guint i = 0; i < n; i++)
    {
      const LmnLinkState *state;

      if (!g_ptr_array_find_with_equal_func (node->watched, uplinks[i]->interface, g_str_equal, NULL))
        {
          g_autoptr(GError) error = NULL;

          g_ptr_array_add (node->watched, g_strdup (uplinks[i]->interface));
          if (!lmn_netlink_watch (node->netlink, uplinks[i]->interface, &error))
            g_warning ("uplink %s: %s", uplinks[i]->interface, error->message);
          continue;   /* watching reported its state through on_link_changed */
        }
      /* A kept uplink: nothing changed in the kernel, but its priority may have. */
      state = lmn_netlink_get (node->netlink, uplinks[i]->interface);
      if (state != NULL)
        lmn_local_rlocs_update (node->rlocs, state);
    }
  rlocs_changed (node);
}

LmnRegistrar *
lmn_node_get_registrar (LmnNode *node)
{
  return node->registrar;
}

LmnResolver *
lmn_node_get_resolver (LmnNode *node)
{
  return node->resolver;
}

LmnNatTraverser *
lmn_node_get_nat (LmnNode *node)
{
  return node->nat;
}

LmnRlocProber *
lmn_node_get_prober (LmnNode *node)
{
  return node->prober;
}
