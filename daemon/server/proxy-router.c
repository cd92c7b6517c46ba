#include "proxy-router.h"

#include "interface-name.h"
#include "json-members.h"
#include "node-config.h"
#include "lisp-message.h"
#include "node.h"

#include <string.h>

struct _LmnProxyRouter {
  LmnConfig *config;   /* the node's; outlives it */
  LmnNode   *node;
  LmnRtr *rtr; /* NULL: no RTR */
  LmnRtrSendFunc rtr_send;
  gpointer rtr_send_data;
};

/* Why a [proxy] value is refused (takes reason). */
static gboolean
refuse (GError **error, const char *config_name, const char *key, gchar *reason)
{
  g_set_error (error, LMN_SERVER_CONFIG_ERROR, LMN_SERVER_CONFIG_ERROR_INVALID,
               "%s: [proxy] %s: %s", config_name, key, reason);
  g_free (reason);
  return FALSE;
}

/* The EID space, routed into the TUN: that is what attracts the hosts' traffic. */
static gboolean
add_eids (LmnConfig *c, const GPtrArray *eids, const char *config_name, GError **error)
{
  for (guint i = 0; i < eids->len; i++)
    {
      const char *text = g_ptr_array_index (eids, i);
      LispPrefix eid;
      gchar *reason = lmn_config_check_prefix (text, 0, &eid);

      if (reason == NULL)
        reason = lmn_config_add_route (c->routes, text);  /* refuses an EID listed twice */
      if (reason != NULL)
        return refuse (error, config_name, "eids", reason);
      g_array_append_val (c->eids, eid);
    }
  return TRUE;
}

static gboolean
add_uplinks (LmnConfig *c, const GPtrArray *uplinks, const char *config_name, GError **error)
{
  for (guint i = 0; i < uplinks->len; i++)
    {
      const char *name = g_ptr_array_index (uplinks, i);
      LmnUplinkConfig *u;
      gchar *reason = lmn_interface_name_check (name);

      if (reason == NULL && g_str_equal (name, c->tun_name))
        reason = g_strdup_printf ("'%s' is the TUN device, not an uplink", name);
      for (guint j = 0; reason == NULL && j < c->uplinks->len; j++)
        if (g_str_equal (((LmnUplinkConfig *) g_ptr_array_index (c->uplinks, j))->interface, name))
          reason = g_strdup_printf ("'%s' is listed twice", name);
      if (reason != NULL)
        return refuse (error, config_name, "uplinks", reason);
      u = g_new0 (LmnUplinkConfig, 1);
      u->interface = g_strdup (name);
      u->priority = LMN_CONFIG_DEFAULT_PRIORITY;
      u->weight = LMN_CONFIG_DEFAULT_WEIGHT;
      g_ptr_array_add (c->uplinks, u);
    }
  return TRUE;
}

/* The node's configuration: lispmnd's proxy mode, with the checks lispmnd.conf's values get
 * (one set of rules for what a proxy is). Its control sockets take ephemeral ports: UDP 4342
 * is the server's, which passes on what arrives there for the proxy. */
static LmnConfig *
node_config (const LmnServerProxyConfig *pc, const char *config_name, GError **error)
{
  g_autofree gchar *name = g_strdup_printf ("%s [proxy]", config_name);
  g_autoptr(LmnConfig) c = lmn_config_new (name);
  LmnIp resolver = { .family = pc->map_resolver.family };
  g_autofree gchar *resolver_text = NULL;
  gchar *reason;

  c->mode = LMN_MODE_PROXY;
  c->manage_addresses = TRUE;
  c->control_port = 0;
  reason = lmn_interface_name_check (pc->tun);
  if (reason != NULL)
    {
      refuse (error, config_name, "tun", reason);
      return NULL;
    }
  g_free (c->tun_name);
  c->tun_name = g_strdup (pc->tun);
  if (!add_eids (c, pc->eids, config_name, error) ||
      !add_uplinks (c, pc->uplinks, config_name, error))
    return NULL;
  memcpy (resolver.addr, pc->map_resolver.addr, sizeof resolver.addr);
  resolver_text = lmn_ip_to_string (&resolver);
  reason = lmn_config_check_unicast (resolver_text, &resolver);
  if (reason != NULL)
    {
      refuse (error, config_name, "map-resolver", reason);
      return NULL;
    }
  g_array_append_val (c->map_resolvers, resolver);
  if (pc->has_map_cache_limit)
    {
      reason = lmn_config_check_map_cache_limit (pc->map_cache_limit);
      if (reason != NULL)
        {
          refuse (error, config_name, "map-cache-limit", reason);
          return NULL;
        }
      c->map_cache_limit = (guint) pc->map_cache_limit;
    }
  return g_steal_pointer (&c);
}

LmnProxyRouter *
lmn_proxy_router_new (const LmnServerProxyConfig *config, const char *config_name,
                      gboolean debug, GError **error)
{
  g_autoptr(LmnProxyRouter) proxy = g_new0 (LmnProxyRouter, 1);

  proxy->config = node_config (config, config_name, error);
  if (proxy->config == NULL)
    return NULL;
  proxy->node = lmn_node_new (proxy->config, debug, error);
  if (proxy->node == NULL)
    {
      g_prefix_error (error, "%s: the proxy-ETR/ITR: ", config_name);
      return NULL;
    }
  return g_steal_pointer (&proxy);
}

void
lmn_proxy_router_free (LmnProxyRouter *proxy)
{
  if (proxy == NULL)
    return;
  g_clear_pointer (&proxy->node, lmn_node_free);
  g_clear_pointer (&proxy->config, lmn_config_free);
  g_free (proxy);
}

gboolean
lmn_proxy_router_wants (guint type)
{
  /* An ECM carries a Map-Request for the map-resolver, Map-Registers and Notify-Acks are the
   * map-server's; answers and requests addressed to an RLOC are the proxy's. */
  return type == LISP_TYPE_MAP_REPLY || type == LISP_TYPE_MAP_NOTIFY
         || type == LISP_TYPE_MAP_REQUEST;
}

void
lmn_proxy_router_handle (LmnProxyRouter *proxy, const guint8 *data, gsize len, guint8 family,
                         const guint8 *from, guint16 from_port, const guint8 *local)
{
  LmnIp from_ip = { .family = family }, local_ip = { .family = family };
  gsize size = lmn_ip_family_len (family);

  memcpy (from_ip.addr, from, size);
  memcpy (local_ip.addr, local, size);
  lmn_node_handle_control (proxy->node, data, len, &from_ip, from_port, &local_ip);
}

static LmnTransitVerdict
on_transit_inbound (const guint8 *packet, gsize len, guint8 family, const guint8 *src,
                    const guint8 *dst, guint8 outer_family, const guint8 *from, gpointer user_data)
{
  LmnProxyRouter *proxy = user_data;

  switch (lmn_rtr_check_source (proxy->rtr, family, src, dst, outer_family, from))
    {
    case LMN_RTR_SOURCE_NODE:
    case LMN_RTR_SOURCE_TO_NODE:
      return LMN_TRANSIT_FORWARD;
    case LMN_RTR_SOURCE_FORGED:
      return LMN_TRANSIT_DROP;
    default:
      return LMN_TRANSIT_DEFAULT;
    }
}

static gboolean
on_transit_outbound (const guint8 *packet, gsize len, guint8 family, const guint8 *dst,
                     gpointer user_data)
{
  LmnProxyRouter *proxy = user_data;

  return lmn_rtr_send_to_node (proxy->rtr, packet, len, family, dst, proxy->rtr_send,
                               proxy->rtr_send_data);
}

void
lmn_proxy_router_attach_rtr (LmnProxyRouter *proxy, LmnRtr *rtr, LmnRtrSendFunc send,
                             gpointer send_data)
{
  LmnTransitHooks hooks = { on_transit_inbound, on_transit_outbound, proxy };

  proxy->rtr = rtr;
  proxy->rtr_send = send;
  proxy->rtr_send_data = send_data;
  lmn_dataplane_set_transit_hooks (lmn_node_get_dataplane (proxy->node), &hooks);
}

JsonNode *
lmn_proxy_router_to_json (LmnProxyRouter *proxy)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  LmnLocalRlocs *rlocs = lmn_node_get_rlocs (proxy->node);
  char buf[LMN_IP_TEXT_MAX];

  json_builder_begin_object (b);
  lmn_json_add_string (b, "tun", proxy->config->tun_name);
  json_builder_set_member_name (b, "eids");
  json_builder_begin_array (b);
  for (guint i = 0; i < proxy->config->eids->len; i++)
    {
      g_autofree gchar *p = lisp_prefix_to_string (&g_array_index (proxy->config->eids, LispPrefix, i));

      json_builder_add_string_value (b, p);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "rlocs");
  json_builder_begin_array (b);
  for (guint i = 0; i < lmn_local_rlocs_size (rlocs); i++)
    {
      const LmnLocalRloc *r = lmn_local_rlocs_get (rlocs, i);

      json_builder_begin_object (b);
      lmn_json_add_string (b, "interface", r->interface);
      lmn_json_add_string (b, "address", lmn_ip_bytes_to_text (r->family, r->addr, buf));
      lmn_json_add_string (b, "state", r->up ? "up" : "down");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  lmn_json_add_int (b, "map-cache-entries",
                    lisp_map_cache_size (lmn_node_get_map_cache (proxy->node)));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
