/* lispmnd.conf's schema: which groups and keys it has, what each value means, in which
 * order they are read (the first mistake is the one reported). The text is read by
 * config-reader.c (GKeyFile syntax, lines, "FILE:LINE: [GROUP] KEY: reason"), the values
 * checked by node-config.c's rules, which D-Bus Configure shares. */
#include "lispmnd-config.h"

#include "config-reader.h"
#include "interface-name.h"
#include "lisp-message.h"
#include "lisp-action.h"
#include "lmn-secret.h"
#include "private-file.h"

#include <string.h>

#define MAX_QUEUE_LENGTH        1024
/* RLOC-probing (PROTOCOL.md §2.8): a day at most between probes. */
#define MAX_RLOC_PROBE_INTERVAL 86400

typedef enum {
  GROUP_LISPMND,
  GROUP_UPLINK,
  GROUP_MAP_SERVER,
  GROUP_MAPPING,
} GroupKind;

static const struct {
  const char *kind;
  const char *argument;  /* what follows the kind in the group name; NULL: nothing */
  const char *keys[28];
} group_kinds[] = {
  [GROUP_LISPMND] = { "lispmnd",
                      NULL,
                      { "mode", "eids", "instance-id", "tun", "mtu", "manage-addresses", "routes",
                        "route-metric", "queue-length", "map-resolvers", "proxy-etrs",
                        "rloc-probe-interval", "nat-traversal", "nat-keepalive-interval",
                        "strict-source-check", "proxy-itrs", "map-cache-limit", NULL } },
  [GROUP_UPLINK] = { "uplink", "IFACE", { "priority", "weight", NULL } },
  [GROUP_MAP_SERVER] = { "map-server", "ADDRESS", { "key", "key-id", "algorithm", NULL } },
  [GROUP_MAPPING] = { "mapping", "PREFIX", { "locators", "action", NULL } },
};

const char * const *
lmn_config_known_keys (const char *group_kind)
{
  g_return_val_if_fail (group_kind != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (group_kinds); i++)
    if (g_str_equal (group_kinds[i].kind, group_kind))
      return group_kinds[i].keys;
  return NULL;
}

/* ---- groups ---- */

static gboolean
parse_mode (const LmnConfReader *p, const LmnKeyfileGroup *g, LmnConfig *c, GError **error)
{
  g_autofree gchar *mode = NULL;
  LmnConfWhere w;

  if (!lmn_conf_get_string (p, g, "mode", &w, &mode, error))
    return FALSE;
  if (mode == NULL || g_str_equal (mode, "mobile-node"))
    c->mode = LMN_MODE_MOBILE_NODE;
  else if (g_str_equal (mode, "xtr"))
    c->mode = LMN_MODE_XTR;
  else if (g_str_equal (mode, "proxy"))
    c->mode = LMN_MODE_PROXY;
  else
    return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID,
                          "'%s' is not a mode (mobile-node, xtr, proxy)", mode);
  return TRUE;
}

static gboolean
parse_eids (const LmnConfReader *p, const LmnKeyfileGroup *g, LmnConfig *c, GError **error)
{
  g_auto(GStrv) eids = NULL;
  LmnConfWhere w;

  if (!lmn_conf_get_list (p, g, "eids", &w, &eids, error))
    return FALSE;
  /* A mobile node's file may leave the EIDs to Configure (NetworkManager's profile): the
   * daemon then waits for that call. A site xTR or a proxy is its EID space. */
  if (eids == NULL && c->mode == LMN_MODE_MOBILE_NODE)
    return TRUE;
  if (eids == NULL)
    return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_MISSING, "missing");
  if (eids[0] == NULL)
    return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "no EID (at least one is needed)");
  for (guint i = 0; eids[i] != NULL; i++)
    {
      g_autofree gchar *reason = NULL;
      LispPrefix eid;

      reason = lmn_config_check_prefix (eids[i], c->instance_id, &eid);
      if (reason != NULL)
        return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
      if (c->mode == LMN_MODE_MOBILE_NODE
          && eid.len != (eid.family == LISP_FAMILY_IPV4 ? 32 : 128))
        return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID,
                              "'%s' is not a host prefix (a mobile node's EIDs are /32 or /128)",
                              eids[i]);
      for (guint j = 0; j < c->eids->len; j++)
        if (lisp_prefix_equal (&g_array_index (c->eids, LispPrefix, j), &eid))
          return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "'%s' is listed twice",
                                eids[i]);
      g_array_append_val (c->eids, eid);
    }
  return TRUE;
}

/* tun=, mtu= and manage-addresses=: the TUN device (after eids=: the MTU's floor depends on
 * whether there are IPv6 EIDs). */
static gboolean
parse_tun (const LmnConfReader *p, const LmnKeyfileGroup *g, LmnConfig *c, GError **error)
{
  g_autofree gchar *tun = NULL, *mtu = NULL, *manage = NULL;
  gboolean any_ipv6 = FALSE;
  guint64 number;
  LmnConfWhere w;

  if (!lmn_conf_get_string (p, g, "tun", &w, &tun, error))
    return FALSE;
  if (tun != NULL)
    {
      g_autofree gchar *reason = lmn_interface_name_check (tun);

      if (reason != NULL)
        return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
      g_free (c->tun_name);
      c->tun_name = g_steal_pointer (&tun);
    }

  for (guint i = 0; i < c->eids->len; i++)
    any_ipv6 |= g_array_index (c->eids, LispPrefix, i).family == LISP_FAMILY_IPV6;
  if (!lmn_conf_get_string (p, g, "mtu", &w, &mtu, error))
    return FALSE;
  if (mtu != NULL)
    {
      if (!lmn_config_parse_decimal (mtu, G_MAXUINT16, &number)
          || (number != 0 && number < LMN_CONFIG_MIN_MTU_IPV4))
        return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID,
                              "'%s' is not an MTU (0 or %u-65535)", mtu, LMN_CONFIG_MIN_MTU_IPV4);
      /* IPv6 needs every link to carry 1280 bytes (RFC 8200 §5). */
      if (any_ipv6 && number != 0 && number < LMN_CONFIG_MIN_MTU_IPV6)
        return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID,
                              "'%s' is too small for IPv6 EIDs (0 or %u-65535)", mtu,
                              LMN_CONFIG_MIN_MTU_IPV6);
      c->mtu = (guint) number;
    }

  if (!lmn_conf_get_string (p, g, "manage-addresses", &w, &manage, error))
    return FALSE;
  if (manage == NULL)
    return TRUE;
  if (g_str_equal (manage, "true") || g_str_equal (manage, "1"))
    c->manage_addresses = TRUE;
  else if (g_str_equal (manage, "false") || g_str_equal (manage, "0"))
    c->manage_addresses = FALSE;
  else
    return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID,
                          "'%s' is not a boolean (true, false)", manage);
  return TRUE;
}

static gboolean
parse_routes (const LmnConfReader *p, const LmnKeyfileGroup *g, LmnConfig *c, GError **error)
{
  g_auto(GStrv) routes = NULL;
  LmnConfWhere w;

  if (!lmn_conf_get_list (p, g, "routes", &w, &routes, error))
    return FALSE;
  if (routes != NULL)
    {
      for (guint i = 0; routes[i] != NULL; i++)
        {
          g_autofree gchar *reason = lmn_config_add_route (c->routes, routes[i]);

          if (reason != NULL)
            return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
        }
    }
  else if (c->mode == LMN_MODE_MOBILE_NODE)
    {
      static const guint8 zero[16] = { 0 };
      LispPrefix route;

      lisp_prefix_init (&route, 0, LISP_FAMILY_IPV4, zero, 0);
      g_array_append_val (c->routes, route);
      lisp_prefix_init (&route, 0, LISP_FAMILY_IPV6, zero, 0);
      g_array_append_val (c->routes, route);
    }
  /* An xTR's default routes are its mappings, filled in once those are read. */
  return TRUE;
}

static gboolean
parse_numbers (const LmnConfReader *p, const LmnKeyfileGroup *g, LmnConfig *c, GError **error)
{
  guint64 number;

  number = c->route_metric;
  if (!lmn_conf_get_number (p, g, "route-metric", "a route metric", G_MAXUINT32, &number, error))
    return FALSE;
  c->route_metric = (guint) number;

  number = c->rloc_probe_interval;
  if (!lmn_conf_get_number (p, g, "rloc-probe-interval", "an interval in seconds",
                            MAX_RLOC_PROBE_INTERVAL, &number, error))
    return FALSE;
  c->rloc_probe_interval = (guint) number;

  number = c->queue_length;
  if (!lmn_conf_get_number (p, g, "queue-length", "a queue length", MAX_QUEUE_LENGTH, &number,
                            error))
    return FALSE;
  c->queue_length = (guint) number;
  return TRUE;
}

/* map-resolvers= and proxy-etrs=: where the node looks EIDs up and sends what has no
 * mapping. */
static gboolean
parse_servers (const LmnConfReader *p, const LmnKeyfileGroup *g, LmnConfig *c, GError **error)
{
  g_auto(GStrv) resolvers = NULL, petrs = NULL;
  LmnConfWhere w;

  if (!lmn_conf_get_list (p, g, "map-resolvers", &w, &resolvers, error))
    return FALSE;
  for (guint i = 0; resolvers != NULL && resolvers[i] != NULL; i++)
    {
      g_autofree gchar *reason = NULL;
      LmnIp ip;

      reason = lmn_config_check_unicast (resolvers[i], &ip);
      if (reason != NULL)
        return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
      for (guint j = 0; j < c->map_resolvers->len; j++)
        if (lmn_ip_equal (&g_array_index (c->map_resolvers, LmnIp, j), &ip))
          return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "'%s' is listed twice",
                                resolvers[i]);
      g_array_append_val (c->map_resolvers, ip);
    }

  if (!lmn_conf_get_list (p, g, "proxy-etrs", &w, &petrs, error))
    return FALSE;
  for (guint i = 0; petrs != NULL && petrs[i] != NULL; i++)
    {
      g_autofree gchar *reason = NULL;
      LispMapLocator loc;

      reason = lmn_config_check_locator (petrs[i], "proxy-ETR", &loc);
      if (reason != NULL)
        return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
      for (guint j = 0; j < c->proxy_etrs->len; j++)
        if (lisp_map_locator_is (&g_array_index (c->proxy_etrs, LispMapLocator, j),
                                 loc.family, loc.addr))
          return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID,
                                "proxy-ETR '%s': the address is listed twice", petrs[i]);
      g_array_append_val (c->proxy_etrs, loc);
    }
  return TRUE;
}

/* nat-traversal= and nat-keepalive-interval=: whether and how often the node goes through
 * an RTR. */
static gboolean
parse_nat (const LmnConfReader *p, const LmnKeyfileGroup *g, LmnConfig *c, GError **error)
{
  g_autofree gchar *mode = NULL, *interval = NULL;
  LmnConfWhere w;

  if (!lmn_conf_get_string (p, g, "nat-traversal", &w, &mode, error))
    return FALSE;
  if (mode != NULL)
    {
      g_autofree gchar *reason = lmn_config_check_nat_traversal (mode, &c->nat_traversal);

      if (reason != NULL)
        return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
    }
  if (!lmn_conf_get_string (p, g, "nat-keepalive-interval", &w, &interval, error))
    return FALSE;
  if (interval != NULL)
    {
      g_autofree gchar *reason = NULL;
      guint64 seconds;

      if (!lmn_config_parse_decimal (interval, G_MAXUINT32, &seconds))
        return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID,
                              "'%s' is not a keepalive interval in seconds (%u-%u)", interval,
                              LMN_CONFIG_NAT_KEEPALIVE_MIN, LMN_CONFIG_NAT_KEEPALIVE_MAX);
      reason = lmn_config_check_nat_keepalive (seconds);
      if (reason != NULL)
        return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
      c->nat_keepalive_interval = (guint) seconds;
    }
  return TRUE;
}

/* strict-source-check= and proxy-itrs=: whether a decapsulated packet must come from a
 * locator of its source's mapping, and the proxy-ITRs that send for hosts without one. */
static gboolean
parse_source_check (const LmnConfReader *p, const LmnKeyfileGroup *g, LmnConfig *c, GError **error)
{
  g_autofree gchar *strict = NULL;
  g_auto(GStrv) pitrs = NULL;
  LmnConfWhere w;

  if (!lmn_conf_get_string (p, g, "strict-source-check", &w, &strict, error))
    return FALSE;
  if (g_strcmp0 (strict, "on") == 0)
    c->strict_source_check = TRUE;
  else if (g_strcmp0 (strict, "off") == 0)
    c->strict_source_check = FALSE;
  else if (strict != NULL)
    return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "'%s' is not on or off", strict);

  if (!lmn_conf_get_list (p, g, "proxy-itrs", &w, &pitrs, error))
    return FALSE;
  for (guint i = 0; pitrs != NULL && pitrs[i] != NULL; i++)
    {
      LmnIp ip;
      g_autofree gchar *reason = lmn_config_check_unicast (pitrs[i], &ip);

      if (reason != NULL)
        return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
      for (guint j = 0; j < c->proxy_itrs->len; j++)
        if (lmn_ip_equal (&g_array_index (c->proxy_itrs, LmnIp, j), &ip))
          return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID,
                                "proxy-ITR '%s': the address is listed twice", pitrs[i]);
      g_array_append_val (c->proxy_itrs, ip);
    }
  return TRUE;
}

/* map-cache-limit=: how many mappings the node keeps before evicting the least recently
 * used (a stranger can make it resolve as many EIDs as it likes). */
static gboolean
parse_map_cache_limit (const LmnConfReader *p, const LmnKeyfileGroup *g, LmnConfig *c,
                       GError **error)
{
  g_autofree gchar *text = NULL;
  g_autofree gchar *reason = NULL;
  guint64 entries;
  LmnConfWhere w;

  if (!lmn_conf_get_string (p, g, "map-cache-limit", &w, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  if (!lmn_config_parse_decimal (text, G_MAXUINT32, &entries))
    return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID,
                          "'%s' is not a number of map-cache entries (%u-%u)", text,
                          LMN_CONFIG_MAP_CACHE_LIMIT_MIN, LMN_CONFIG_MAP_CACHE_LIMIT_MAX);
  reason = lmn_config_check_map_cache_limit (entries);
  if (reason != NULL)
    return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
  c->map_cache_limit = (guint) entries;
  return TRUE;
}

/* [lispmnd], key by key in a fixed order: the first mistake is the one reported. */
static gboolean
parse_lispmnd (const LmnConfReader *p, const LmnKeyfileGroup *g, LmnConfig *c, GError **error)
{
  guint64 number = 0;

  if (!parse_mode (p, g, c, error))
    return FALSE;
  if (!lmn_conf_get_number (p, g, "instance-id", "an instance ID", LMN_CONFIG_MAX_INSTANCE_ID,
                            &number, error))
    return FALSE;
  c->instance_id = (guint32) number;
  return parse_eids (p, g, c, error) && parse_tun (p, g, c, error) &&
         parse_routes (p, g, c, error) && parse_numbers (p, g, c, error) &&
         parse_servers (p, g, c, error) && parse_nat (p, g, c, error) &&
         parse_source_check (p, g, c, error) && parse_map_cache_limit (p, g, c, error);
}

static gboolean
parse_uplink (const LmnConfReader *p, const LmnKeyfileGroup *g, LmnConfig *c, GError **error)
{
  g_autofree gchar *reason = lmn_interface_name_check (g->argument);
  LmnConfWhere wg = lmn_conf_where_group (p, g);
  LmnUplinkConfig *u;
  guint64 priority = LMN_CONFIG_DEFAULT_PRIORITY, weight = LMN_CONFIG_DEFAULT_WEIGHT;

  if (reason != NULL)
    return lmn_conf_fail (&wg, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
  if (g_str_equal (g->argument, c->tun_name))
    return lmn_conf_fail (&wg, error, LMN_CONFIG_ERROR_INVALID,
                          "'%s' is the TUN device, not an uplink", g->argument);
  if (!lmn_conf_get_number (p, g, "priority", "a priority", G_MAXUINT8, &priority, error)
      || !lmn_conf_get_number (p, g, "weight", "a weight", G_MAXUINT8, &weight, error))
    return FALSE;

  u = g_new0 (LmnUplinkConfig, 1);
  u->interface = g_strdup (g->argument);
  u->priority = (guint8) priority;
  u->weight = (guint8) weight;
  g_ptr_array_add (c->uplinks, u);
  return TRUE;
}

static gboolean
parse_map_server (const LmnConfReader *p, const LmnKeyfileGroup *g, LmnConfig *c, GError **error)
{
  g_autofree gchar *reason = NULL, *algorithm = NULL;
  gchar *raw;
  gboolean trailing_space;
  g_autoptr(GError) local = NULL;
  LmnConfWhere wg = lmn_conf_where_group (p, g);
  LmnConfWhere wk = lmn_conf_where_key (p, g, "key");
  LmnConfWhere wa;
  LmnIp address;
  guint64 key_id = 0;
  gchar *key;
  LmnMapServerConfig *ms;

  reason = lmn_config_check_unicast (g->argument, &address);
  if (reason != NULL)
    return lmn_conf_fail (&wg, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
  for (guint i = 0; i < p->groups->len; i++)
    {
      const LmnKeyfileGroup *other = g_ptr_array_index (p->groups, i);
      LmnIp other_address;

      if (other == g)
        break;
      /* Two spellings of one address, "2001:db8::1" and "2001:db8:0::1". */
      if (other->kind == GROUP_MAP_SERVER && lmn_ip_parse (other->argument, &other_address, NULL)
          && lmn_ip_equal (&other_address, &address))
        return lmn_conf_fail (&wg, error, LMN_CONFIG_ERROR_INVALID,
                              "the same map-server as [%s] on line %u", other->name, other->line);
    }

  /* The key is read by hand: no LmnConfWhere carries its value, so no message can quote it. */
  if (!lmn_keyfile_group_has_key (g, "key"))
    return lmn_conf_fail (&wk, error, LMN_CONFIG_ERROR_MISSING, "missing");
  raw = g_key_file_get_value (p->keyfile, g->name, "key", NULL);
  trailing_space = raw != NULL && raw[0] != '\0' && g_ascii_isspace (raw[strlen (raw) - 1]);
  lmn_secret_free (raw);
  if (trailing_space)
    return lmn_conf_fail (&wk, error, LMN_CONFIG_ERROR_INVALID,
                          "ends with whitespace (write \\s if the key really ends with a space)");
  key = g_key_file_get_string (p->keyfile, g->name, "key", &local);
  if (local != NULL)
    g_clear_pointer (&key, lmn_secret_free);
  if (key == NULL)
    return lmn_conf_fail (&wk, error, LMN_CONFIG_ERROR_INVALID,
                          "bad escape sequence (known: \\s \\n \\t \\r \\\\)");
  if (key[0] == '\0')
    {
      g_free (key);
      return lmn_conf_fail (&wk, error, LMN_CONFIG_ERROR_INVALID, "empty");
    }
  if (strlen (key) > LISP_AUTH_MAX_KEY_LENGTH)
    {
      lmn_secret_free (key);
      return lmn_conf_fail (&wk, error, LMN_CONFIG_ERROR_INVALID, "longer than %d bytes",
                            LISP_AUTH_MAX_KEY_LENGTH);
    }

  ms = g_new0 (LmnMapServerConfig, 1);
  ms->address = address;
  ms->key = key;
  ms->algorithm = LISP_AUTH_HMAC_SHA256_128;
  g_ptr_array_add (c->map_servers, ms);

  if (!lmn_conf_get_number (p, g, "key-id", "a key ID", G_MAXUINT8, &key_id, error))
    return FALSE;
  ms->key_id = (guint8) key_id;

  if (!lmn_conf_get_string (p, g, "algorithm", &wa, &algorithm, error))
    return FALSE;
  if (algorithm != NULL && !lisp_auth_alg_from_setting (algorithm, &ms->algorithm))
    return lmn_conf_fail (&wa, error, LMN_CONFIG_ERROR_INVALID,
                          "'%s' is not supported (hmac-sha-1, hmac-sha-256)", algorithm);
  return TRUE;
}

static gboolean
parse_mapping (const LmnConfReader *p, const LmnKeyfileGroup *g, LmnConfig *c, GError **error)
{
  g_autofree gchar *reason = NULL, *action = NULL;
  g_auto(GStrv) locators = NULL;
  LmnConfWhere wg = lmn_conf_where_group (p, g);
  LmnConfWhere wl, wa;
  LmnMappingConfig *m;
  LispPrefix prefix;

  reason = lmn_config_check_prefix (g->argument, c->instance_id, &prefix);
  if (reason != NULL)
    return lmn_conf_fail (&wg, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
  for (guint i = 0; i < p->groups->len; i++)
    {
      const LmnKeyfileGroup *other = g_ptr_array_index (p->groups, i);
      LispPrefix other_prefix;

      if (other == g)
        break;
      if (other->kind != GROUP_MAPPING
          || !lisp_prefix_parse (other->argument, &other_prefix, NULL))
        continue;
      other_prefix.iid = prefix.iid;
      if (lisp_prefix_equal (&other_prefix, &prefix))
        return lmn_conf_fail (&wg, error, LMN_CONFIG_ERROR_INVALID,
                              "the same prefix as [%s] on line %u", other->name, other->line);
    }

  m = g_new0 (LmnMappingConfig, 1);
  m->prefix = prefix;
  m->locators = g_array_new (FALSE, TRUE, sizeof (LispMapLocator));
  m->action = LISP_ACTION_NO_ACTION;
  g_ptr_array_add (c->mappings, m);

  if (!lmn_conf_get_list (p, g, "locators", &wl, &locators, error)
      || !lmn_conf_get_string (p, g, "action", &wa, &action, error))
    return FALSE;
  if (locators != NULL && action != NULL)
    return lmn_conf_fail (&wa, error, LMN_CONFIG_ERROR_INVALID,
                          "not allowed with locators (a mapping has locators or an action)");
  if (locators == NULL && action == NULL)
    return lmn_conf_fail (&wl, error, LMN_CONFIG_ERROR_MISSING,
                          "missing (a mapping needs locators or an action)");

  if (locators != NULL)
    {
      if (locators[0] == NULL)
        return lmn_conf_fail (&wl, error, LMN_CONFIG_ERROR_INVALID,
                              "no locator (use action= for a mapping without locators)");
      for (guint i = 0; locators[i] != NULL; i++)
        {
          g_autofree gchar *bad = NULL;
          LispMapLocator loc;

          bad = lmn_config_check_locator (locators[i], "locator", &loc);
          if (bad != NULL)
            return lmn_conf_fail (&wl, error, LMN_CONFIG_ERROR_INVALID, "%s", bad);
          for (guint j = 0; j < m->locators->len; j++)
            if (lisp_map_locator_is (&g_array_index (m->locators, LispMapLocator, j),
                                     loc.family, loc.addr))
              return lmn_conf_fail (&wl, error, LMN_CONFIG_ERROR_INVALID,
                                    "locator '%s': the address is listed twice", locators[i]);
          g_array_append_val (m->locators, loc);
        }
      return TRUE;
    }

  for (guint a = 0; a <= LISP_ACTION_LAST; a++)
    if (g_str_equal (action, lisp_action_name (a)))
      {
        m->action = (guint8) a;
        return TRUE;
      }
  return lmn_conf_fail (&wa, error, LMN_CONFIG_ERROR_INVALID,
                        "'%s' is not an action (no-action, natively-forward, send-map-request, "
                        "drop, drop-policy-denied, drop-auth-failure)", action);
}

/* Sorts a group into its kind and checks its keys' names: typos fail here, before any
 * value is read. */
static gboolean
classify_group (const LmnConfReader *p, LmnKeyfileGroup *g, GError **error)
{
  g_autofree gchar *kind = NULL;
  const char *argument = g->argument;
  const char * const *keys;
  LmnConfWhere wg = lmn_conf_where_group (p, g);
  guint i;

  kind = g_strndup (g->name, argument != NULL ? (gsize) (argument - 1 - g->name)
                                      : strlen (g->name));
  for (i = 0; i < G_N_ELEMENTS (group_kinds); i++)
    if (g_str_equal (kind, group_kinds[i].kind))
      break;
  if (i == G_N_ELEMENTS (group_kinds))
    {
      const char *kinds[G_N_ELEMENTS (group_kinds) + 1] = { NULL };
      const char *guess;

      for (guint k = 0; k < G_N_ELEMENTS (group_kinds); k++)
        kinds[k] = group_kinds[k].kind;
      guess = lmn_keyfile_closest (kind, kinds);
      if (guess != NULL)
        return lmn_conf_fail (&wg, error, LMN_CONFIG_ERROR_UNKNOWN,
                              "unknown group (did you mean [%s%s%s]?)", guess,
                              argument != NULL ? " " : "", argument != NULL ? argument : "");
      return lmn_conf_fail (&wg, error, LMN_CONFIG_ERROR_UNKNOWN,
                            "unknown group (groups: [lispmnd], [uplink IFACE], "
                            "[map-server ADDRESS], [mapping PREFIX])");
    }
  if (group_kinds[i].argument == NULL && argument != NULL)
    return lmn_conf_fail (&wg, error, LMN_CONFIG_ERROR_UNKNOWN,
                          "unknown group (the group is [%s], with nothing after it)", kind);
  if (group_kinds[i].argument != NULL && (argument == NULL || argument[0] == '\0'))
    return lmn_conf_fail (&wg, error, LMN_CONFIG_ERROR_MISSING,
                          "missing the %s ([%s %s])", group_kinds[i].argument, kind,
                          group_kinds[i].argument);
  g->kind = i;

  keys = group_kinds[i].keys;
  for (guint k = 0; k < g->keys->len; k++)
    {
      const LmnKeyfileKey *key = &g_array_index (g->keys, LmnKeyfileKey, k);
      LmnConfWhere wk = { .reader = p, .group = g, .key = key->name, .line = key->line };
      const char *guess;
      g_autofree gchar *valid = NULL;

      for (guint earlier = 0; earlier < k; earlier++)
        if (g_str_equal (g_array_index (g->keys, LmnKeyfileKey, earlier).name, key->name))
          return lmn_conf_fail (&wk, error, LMN_CONFIG_ERROR_INVALID,
                                "given twice (first on line %u)",
                                g_array_index (g->keys, LmnKeyfileKey, earlier).line);
      if (g_strv_contains (keys, key->name))
        continue;
      /* The message starts with the group, not the bad key name again. */
      wk.key = NULL;
      wk.line = key->line;
      guess = lmn_keyfile_closest (key->name, keys);
      if (guess != NULL)
        return lmn_conf_fail (&wk, error, LMN_CONFIG_ERROR_UNKNOWN,
                              "unknown key '%s' (did you mean '%s'?)", key->name, guess);
      valid = g_strjoinv (", ", (gchar **) keys);
      return lmn_conf_fail (&wk, error, LMN_CONFIG_ERROR_UNKNOWN,
                            "unknown key '%s' (valid keys: %s)", key->name, valid);
    }
  return TRUE;
}

/* Sorts every group into its kind, refusing repeated groups (GKeyFile would merge them);
 * *main_group is [lispmnd], NULL without one. */
static gboolean
classify_groups (const LmnConfReader *p, LmnKeyfileGroup **main_group, GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  *main_group = NULL;
  for (guint i = 0; i < p->groups->len; i++)
    {
      LmnKeyfileGroup *g = g_ptr_array_index (p->groups, i);
      LmnKeyfileGroup *first = g_hash_table_lookup (seen, g->name);
      LmnConfWhere wg = lmn_conf_where_group (p, g);

      if (first != NULL)
        return lmn_conf_fail (&wg, error, LMN_CONFIG_ERROR_INVALID,
                              "given twice (first on line %u)", first->line);
      g_hash_table_insert (seen, g->name, g);
      if (!classify_group (p, g, error))
        return FALSE;
      if (g->kind == GROUP_LISPMND)
        *main_group = g;
    }
  return TRUE;
}

/* [lispmnd] first wherever it is: the others depend on its mode, TUN and instance ID. */
static gboolean
parse_groups (const LmnConfReader *p, const LmnKeyfileGroup *main_group, LmnConfig *c,
              GError **error)
{
  if (!parse_lispmnd (p, main_group, c, error))
    return FALSE;
  for (guint i = 0; i < p->groups->len; i++)
    {
      const LmnKeyfileGroup *g = g_ptr_array_index (p->groups, i);
      gboolean ok = TRUE;

      switch (g->kind)
        {
        case GROUP_LISPMND:
          break;
        case GROUP_UPLINK:
          ok = parse_uplink (p, g, c, error);
          break;
        case GROUP_MAP_SERVER:
          ok = parse_map_server (p, g, c, error);
          break;
        case GROUP_MAPPING:
          ok = parse_mapping (p, g, c, error);
          break;
        }
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* An xTR or a proxy routes the prefixes it has mappings for, unless routes= says
 * otherwise. */
static void
route_mappings (const LmnKeyfileGroup *main_group, LmnConfig *c)
{
  if (c->mode == LMN_MODE_MOBILE_NODE || lmn_keyfile_group_has_key (main_group, "routes"))
    return;
  for (guint i = 0; i < c->mappings->len; i++)
    {
      const LmnMappingConfig *m = g_ptr_array_index (c->mappings, i);
      LispPrefix route = m->prefix;

      route.iid = 0;
      g_array_append_val (c->routes, route);
    }
}

LmnConfig *
lmn_config_load_data (const char *data, gsize len, const char *name, GError **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(LmnConfig) config = NULL;
  LmnConfReader p;
  LmnKeyfileGroup *main_group;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (data == NULL)
    data = "";
  if (len == (gsize) -1)
    len = strlen (data);

  if (!lmn_conf_check_syntax (data, len, name, keyfile, error))
    return NULL;
  groups = lmn_keyfile_scan (data, len, NULL);
  p = (LmnConfReader) { .file = name, .keyfile = keyfile, .groups = groups };
  if (!classify_groups (&p, &main_group, error))
    return NULL;
  if (main_group == NULL)
    {
      g_set_error (error, LMN_CONFIG_ERROR, LMN_CONFIG_ERROR_MISSING,
                   "%s: [lispmnd]: missing (the group with eids= and the other general keys)",
                   name);
      return NULL;
    }
  config = lmn_config_new (name);
  if (!parse_groups (&p, main_group, config, error))
    return NULL;
  route_mappings (main_group, config);
  return g_steal_pointer (&config);
}

LmnConfig *
lmn_config_load (const char *path, GError **error)
{
  g_autofree gchar *data = NULL;
  gsize len = 0;
  LmnConfig *config;

  g_return_val_if_fail (path != NULL, NULL);

  data = lmn_conf_read_file (path, &len, error);
  if (data == NULL)
    return NULL;
  config = lmn_config_load_data (data, len, path, error);
  /* The text holds the map-server keys. */
  explicit_bzero (data, len);
  if (config != NULL && config->map_servers->len > 0 && !lmn_private_file_check (path, error))
    g_clear_pointer (&config, lmn_config_free);
  return config;
}

