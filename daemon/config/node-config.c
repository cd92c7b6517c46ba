/* The node's configuration as a structure (node-config.h): making, copying and freeing
 * it, and the checks its values get from any source. */
#include "node-config.h"

#include "lisp-message.h"
#include "lmn-secret.h"
#include "text-excerpt.h"

#include <string.h>

#define DEFAULT_TUN            "lispmn0"
#define DEFAULT_ROUTE_METRIC   50
#define DEFAULT_QUEUE_LENGTH   16
/* RLOC-probing (PROTOCOL.md §2.8): a minute suits a battery-powered node. */
#define DEFAULT_RLOC_PROBE_INTERVAL 60

gboolean
lmn_config_parse_decimal (const char *text, guint64 max, guint64 *out)
{
  guint64 v = 0;
  gsize n = 0;

  for (const char *s = text; *s != '\0'; s++, n++)
    {
      if (!g_ascii_isdigit (*s) || n >= 20)
        return FALSE;
      if (v > (G_MAXUINT64 - (guint64) (*s - '0')) / 10)
        return FALSE;
      v = v * 10 + (guint64) (*s - '0');
    }
  if (n == 0 || v > max)
    return FALSE;
  *out = v;
  return TRUE;
}

/* The address of a map-server, map-resolver, proxy-ETR or locator. */
gchar *
lmn_config_check_unicast (const char *text, LmnIp *ip)
{
  static const guint8 zero[16] = { 0 };
  g_autofree gchar *quoted = lmn_excerpt (text);

  if (!lmn_ip_parse (text, ip, NULL))
    return g_strdup_printf ("'%s' is not an IPv4 or IPv6 address", quoted);
  if (ip->family == LISP_FAMILY_IPV4
      ? (memcmp (ip->addr, zero, 4) == 0 || ip->addr[0] >= 224)
      : (memcmp (ip->addr, zero, 16) == 0 || ip->addr[0] == 0xff))
    return g_strdup_printf ("'%s' is not a unicast address", quoted);
  return NULL;
}

/* A prefix the way the configuration writes it: no "[IID]" (instance-id= sets it for all)
 * and no bits past the length (a typo there would silently widen or move the prefix). */
gchar *
lmn_config_check_prefix (const char *text, guint32 iid, LispPrefix *p)
{
  g_autofree gchar *address = NULL;
  g_autofree gchar *quoted = lmn_excerpt (text);
  const char *slash;
  LmnIp ip;

  if (text[0] == '[')
    return g_strdup_printf ("'%s' is not an IPv4 or IPv6 prefix "
                            "(the instance ID is set by instance-id, not in brackets)",
                            quoted);
  if (!lisp_prefix_parse (text, p, NULL))
    {
      slash = strchr (text, '/');
      address = g_strndup (text, slash != NULL ? (gsize) (slash - text) : strlen (text));
      if (lmn_ip_parse (address, &ip, NULL))
        return g_strdup_printf ("'%s' is not an IPv4 or IPv6 prefix (the length is 0-%u)", quoted,
                                ip.family == LISP_FAMILY_IPV4 ? 32 : 128);
      return g_strdup_printf ("'%s' is not an IPv4 or IPv6 prefix", quoted);
    }

  slash = strchr (text, '/');
  address = g_strndup (text, slash != NULL ? (gsize) (slash - text) : strlen (text));
  if (lmn_ip_parse (address, &ip, NULL) && memcmp (ip.addr, p->addr, 16) != 0)
    {
      g_autofree gchar *meant = lisp_prefix_to_string (p);

      return g_strdup_printf ("'%s' has bits set past the prefix length (did you mean '%s'?)",
                              quoted, meant);
    }
  p->iid = iid;
  return NULL;
}

gchar *
lmn_config_check_locator (const char *entry, const char *what, LispMapLocator *loc)
{
  g_auto(GStrv) words = g_strsplit_set (entry, " \t", -1);
  const char *parts[3] = { NULL };
  guint n = 0;
  guint64 priority = LMN_CONFIG_DEFAULT_PRIORITY, weight = LMN_CONFIG_DEFAULT_WEIGHT;
  g_autofree gchar *reason = NULL;
  g_autofree gchar *quoted = lmn_excerpt (entry);
  LmnIp ip;

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (n == G_N_ELEMENTS (parts))
        return g_strdup_printf ("%s '%s': too many words (ADDRESS [PRIORITY [WEIGHT]])", what,
                                quoted);
      parts[n++] = words[i];
    }

  reason = lmn_config_check_unicast (parts[0], &ip);
  if (reason != NULL)
    return g_strdup_printf ("%s '%s': %s", what, quoted, reason);
  if (parts[1] != NULL && !lmn_config_parse_decimal (parts[1], G_MAXUINT8, &priority))
    {
      g_autofree gchar *word = lmn_excerpt (parts[1]);

      return g_strdup_printf ("%s '%s': '%s' is not a priority (0-255)", what, quoted, word);
    }
  if (parts[2] != NULL && !lmn_config_parse_decimal (parts[2], G_MAXUINT8, &weight))
    {
      g_autofree gchar *word = lmn_excerpt (parts[2]);

      return g_strdup_printf ("%s '%s': '%s' is not a weight (0-255)", what, quoted, word);
    }

  /* Static locators start out usable; probing may say otherwise later. */
  lisp_map_locator_init (loc, ip.family, ip.addr, (guint8) priority, (guint8) weight, TRUE);
  return NULL;
}

LmnUplinkConfig *
lmn_uplink_config_copy (const LmnUplinkConfig *u)
{
  LmnUplinkConfig *copy = g_new0 (LmnUplinkConfig, 1);

  *copy = *u;
  copy->interface = g_strdup (u->interface);
  copy->connection = g_strdup (u->connection);
  return copy;
}

void
lmn_uplink_config_free (LmnUplinkConfig *u)
{
  if (u == NULL)
    return;
  g_free (u->interface);
  g_free (u->connection);
  g_free (u);
}

void
lmn_map_server_config_free (LmnMapServerConfig *ms)
{
  if (ms == NULL)
    return;
  lmn_secret_free (ms->key);
  g_free (ms);
}

void
lmn_mapping_config_free (LmnMappingConfig *m)
{
  if (m == NULL)
    return;
  g_array_unref (m->locators);
  g_free (m);
}

LmnConfig *
lmn_config_new (const char *path)
{
  LmnConfig *c = g_new0 (LmnConfig, 1);

  c->path = g_strdup (path);
  c->mode = LMN_MODE_MOBILE_NODE;
  c->eids = g_array_new (FALSE, TRUE, sizeof (LispPrefix));
  c->tun_name = g_strdup (DEFAULT_TUN);
  c->manage_addresses = TRUE;
  c->routes = g_array_new (FALSE, TRUE, sizeof (LispPrefix));
  c->route_metric = DEFAULT_ROUTE_METRIC;
  c->queue_length = DEFAULT_QUEUE_LENGTH;
  c->control_port = LISP_CONTROL_PORT;
  c->rloc_probe_interval = DEFAULT_RLOC_PROBE_INTERVAL;
  c->nat_traversal = LMN_NAT_TRAVERSAL_AUTO;
  c->nat_keepalive_interval = LMN_CONFIG_NAT_KEEPALIVE_DEFAULT;
  c->map_cache_limit = LMN_CONFIG_MAP_CACHE_LIMIT_DEFAULT;
  c->map_resolvers = g_array_new (FALSE, TRUE, sizeof (LmnIp));
  c->proxy_etrs = g_array_new (FALSE, TRUE, sizeof (LispMapLocator));
  c->proxy_itrs = g_array_new (FALSE, TRUE, sizeof (LmnIp));
  c->uplinks = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_uplink_config_free);
  c->map_servers = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_map_server_config_free);
  c->mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_mapping_config_free);
  return c;
}

void
lmn_config_free (LmnConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->path);
  g_array_unref (config->eids);
  g_free (config->tun_name);
  g_array_unref (config->routes);
  g_array_unref (config->map_resolvers);
  g_array_unref (config->proxy_etrs);
  g_array_unref (config->proxy_itrs);
  g_ptr_array_unref (config->uplinks);
  g_ptr_array_unref (config->map_servers);
  g_ptr_array_unref (config->mappings);
  g_free (config);
}

gchar *
lmn_config_add_route (GArray *routes, const char *text)
{
  LispPrefix route[2];
  guint n = 1;

  if (g_str_equal (text, "default"))
    {
      static const guint8 zero[16] = { 0 };

      lisp_prefix_init (&route[0], 0, LISP_FAMILY_IPV4, zero, 0);
      lisp_prefix_init (&route[1], 0, LISP_FAMILY_IPV6, zero, 0);
      n = 2;
    }
  else
    {
      /* Kernel routes know no instance IDs. */
      g_autofree gchar *reason = lmn_config_check_prefix (text, 0, &route[0]);

      if (reason != NULL)
        return g_strdup_printf ("%s or 'default'", reason);
    }
  for (guint k = 0; k < n; k++)
    for (guint j = 0; j < routes->len; j++)
      if (lisp_prefix_equal (&g_array_index (routes, LispPrefix, j), &route[k]))
        return g_strdup_printf ("'%s' is listed twice", text);
  g_array_append_vals (routes, route, n);
  return NULL;
}

static GArray *
array_copy (GArray *a)
{
  GArray *copy = g_array_sized_new (FALSE, TRUE, g_array_get_element_size (a), a->len);

  g_array_append_vals (copy, a->data, a->len);
  return copy;
}

LmnConfig *
lmn_config_copy (const LmnConfig *config)
{
  LmnConfig *c = lmn_config_new (config->path);

  c->mode = config->mode;
  g_array_append_vals (c->eids, config->eids->data, config->eids->len);
  c->instance_id = config->instance_id;
  g_free (c->tun_name);
  c->tun_name = g_strdup (config->tun_name);
  c->mtu = config->mtu;
  c->manage_addresses = config->manage_addresses;
  g_array_append_vals (c->routes, config->routes->data, config->routes->len);
  c->route_metric = config->route_metric;
  c->queue_length = config->queue_length;
  c->rloc_probe_interval = config->rloc_probe_interval;
  c->nat_traversal = config->nat_traversal;
  c->nat_keepalive_interval = config->nat_keepalive_interval;
  c->map_cache_limit = config->map_cache_limit;
  c->control_port = config->control_port;
  g_array_append_vals (c->map_resolvers, config->map_resolvers->data, config->map_resolvers->len);
  g_array_append_vals (c->proxy_etrs, config->proxy_etrs->data, config->proxy_etrs->len);
  c->strict_source_check = config->strict_source_check;
  g_array_append_vals (c->proxy_itrs, config->proxy_itrs->data, config->proxy_itrs->len);
  for (guint i = 0; i < config->uplinks->len; i++)
    g_ptr_array_add (c->uplinks, lmn_uplink_config_copy (g_ptr_array_index (config->uplinks, i)));
  for (guint i = 0; i < config->map_servers->len; i++)
    {
      const LmnMapServerConfig *ms = g_ptr_array_index (config->map_servers, i);
      LmnMapServerConfig *copy = g_new0 (LmnMapServerConfig, 1);

      *copy = *ms;
      copy->key = g_strdup (ms->key);
      g_ptr_array_add (c->map_servers, copy);
    }
  for (guint i = 0; i < config->mappings->len; i++)
    {
      const LmnMappingConfig *m = g_ptr_array_index (config->mappings, i);
      LmnMappingConfig *copy = g_new0 (LmnMappingConfig, 1);

      *copy = *m;
      copy->locators = array_copy (m->locators);
      g_ptr_array_add (c->mappings, copy);
    }
  return c;
}

static const char *const nat_traversal_names[] = {
  [LMN_NAT_TRAVERSAL_AUTO] = "auto",
  [LMN_NAT_TRAVERSAL_ON] = "on",
  [LMN_NAT_TRAVERSAL_OFF] = "off",
};

gchar *
lmn_config_check_nat_traversal (const char *text, LmnNatTraversal *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (nat_traversal_names); i++)
    if (g_str_equal (text, nat_traversal_names[i]))
      {
        *out = (LmnNatTraversal) i;
        return NULL;
      }
  g_autofree gchar *quoted = lmn_excerpt (text);

  return g_strdup_printf ("'%s' is not a NAT traversal mode (auto, on, off)", quoted);
}

const char *
lmn_config_nat_traversal_name (LmnNatTraversal mode)
{
  return (guint) mode < G_N_ELEMENTS (nat_traversal_names) ? nat_traversal_names[mode] : "?";
}

gchar *
lmn_config_check_nat_keepalive (guint64 seconds)
{
  /* Below 5 s the keepalives cost more than they save; above an hour no NAT keeps a UDP
   * binding. */
  if (seconds < LMN_CONFIG_NAT_KEEPALIVE_MIN || seconds > LMN_CONFIG_NAT_KEEPALIVE_MAX)
    return g_strdup_printf ("'%" G_GUINT64_FORMAT
                            "' is not a keepalive interval in seconds (%u-%u)",
                            seconds, LMN_CONFIG_NAT_KEEPALIVE_MIN, LMN_CONFIG_NAT_KEEPALIVE_MAX);
  return NULL;
}

gchar *
lmn_config_check_map_cache_limit (guint64 entries)
{
  /* Below 16 a node with a few configured mappings could learn nothing; ten million
   * entries are over a gigabyte. */
  if (entries < LMN_CONFIG_MAP_CACHE_LIMIT_MIN || entries > LMN_CONFIG_MAP_CACHE_LIMIT_MAX)
    return g_strdup_printf ("'%" G_GUINT64_FORMAT "' is not a number of map-cache entries (%u-%u)",
                            entries, LMN_CONFIG_MAP_CACHE_LIMIT_MIN,
                            LMN_CONFIG_MAP_CACHE_LIMIT_MAX);
  return NULL;
}
