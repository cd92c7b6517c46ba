#include "proxy-router.h"

#include "lispmnd-config.h"
#include "lisp-message.h"
#include "node.h"

#include <arpa/inet.h>
#include <string.h>

struct _LmnProxyRouter {
  LmnConfig *config;   /* the node's; outlives it */
  LmnNode   *node;
};

/* The node's configuration, written as lispmnd.conf text and read by lispmnd's own parser:
 * one set of rules for what a proxy is. */
static gchar *
node_config_text (const gchar *const *eids, const gchar *const *uplinks, const gchar *tun,
                  const gchar *map_resolver)
{
  GString *text = g_string_new ("[lispmnd]\nmode=proxy\nmanage-addresses=true\n");
  g_autofree gchar *eid_list = g_strjoinv (";", (gchar **) eids);

  /* The EID space is routed into the TUN: that is what attracts the hosts' traffic. */
  g_string_append_printf (text, "eids=%s\nroutes=%s\ntun=%s\nmap-resolvers=%s\n", eid_list,
                          eid_list, tun, map_resolver);
  for (guint i = 0; uplinks[i] != NULL; i++)
    g_string_append_printf (text, "\n[uplink %s]\n", uplinks[i]);
  return g_string_free (text, FALSE);
}

LmnProxyRouter *
lmn_proxy_router_new (const gchar *const *eids, const gchar *const *uplinks, const gchar *tun,
                      const gchar *map_resolver, const char *config_name, gboolean debug,
                      GError **error)
{
  g_autoptr(LmnProxyRouter) proxy = g_new0 (LmnProxyRouter, 1);
  g_autofree gchar *text = node_config_text (eids, uplinks, tun, map_resolver);
  g_autofree gchar *name = g_strdup_printf ("%s [proxy]", config_name);

  proxy->config = lmn_config_load_data (text, strlen (text), name, error);
  if (proxy->config == NULL)
    return NULL;
  proxy->config->control_port = 0;
  proxy->node = lmn_node_new (proxy->config, NULL, debug, error);
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
  gsize size = family == LISP_FAMILY_IPV4 ? 4 : 16;

  memcpy (from_ip.addr, from, size);
  memcpy (local_ip.addr, local, size);
  lmn_node_handle_control (proxy->node, data, len, &from_ip, from_port, &local_ip);
}

JsonNode *
lmn_proxy_router_to_json (LmnProxyRouter *proxy)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  LmnLocalRlocs *rlocs = lmn_node_get_rlocs (proxy->node);
  char buf[INET6_ADDRSTRLEN];

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "tun");
  json_builder_add_string_value (b, proxy->config->tun_name);
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
      json_builder_set_member_name (b, "interface");
      json_builder_add_string_value (b, r->interface);
      json_builder_set_member_name (b, "address");
      json_builder_add_string_value (b, inet_ntop (r->family == 4 ? AF_INET : AF_INET6, r->addr,
                                                   buf, sizeof buf));
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, r->up ? "up" : "down");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "map-cache-entries");
  json_builder_add_int_value (b, lisp_map_cache_size (lmn_node_get_map_cache (proxy->node)));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
