#include "config-settings.h"

#include <string.h>

static const struct {
  const char *key;
  const char *type;
} known_settings[] = {
  { "eids", "as" },
  { "map-servers", "aa{sv}" },
  { "map-resolvers", "as" },
  { "proxy-etrs", "as" },
  { "instance-id", "u" },
  { "mtu", "u" },
  { "manage-addresses", "b" },
  { "routes", "as" },
};

#define DEFAULT_PROXY_PRIORITY 1
#define DEFAULT_PROXY_WEIGHT   100

static gboolean
invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree gchar *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS, message);
  return FALSE;
}

/* Every key known and of its type, before anything is read. */
static gboolean
check_keys (GVariant *settings, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, settings);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) owned = value;
      const char *want = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (known_settings); i++)
        if (g_str_equal (known_settings[i].key, key))
          want = known_settings[i].type;
      if (want == NULL)
        return invalid (error, "unknown key '%s' (eids, map-servers, map-resolvers, proxy-etrs, "
                        "instance-id, mtu, manage-addresses, routes)", key);
      if (!g_variant_is_of_type (value, G_VARIANT_TYPE (want)))
        return invalid (error, "%s must be of type '%s', not '%s'", key, want,
                        g_variant_get_type_string (value));
    }
  return TRUE;
}

static gboolean
check_length (GVariant *list, const char *key, gsize max, GError **error)
{
  gsize n = g_variant_n_children (list);

  if (n > max)
    return invalid (error, "%s: %" G_GSIZE_FORMAT " entries, at most %" G_GSIZE_FORMAT, key, n, max);
  return TRUE;
}

static gboolean
apply_eids (LmnConfig *c, GVariant *list, GError **error)
{
  g_autofree const char **eids = NULL;

  if (list == NULL)
    return invalid (error, "eids: missing (at least one EID is needed)");
  if (!check_length (list, "eids", LMN_SETTINGS_MAX_EIDS, error))
    return FALSE;
  eids = g_variant_get_strv (list, NULL);
  if (eids[0] == NULL)
    return invalid (error, "eids: empty (at least one EID is needed)");
  g_array_set_size (c->eids, 0);
  for (guint i = 0; eids[i] != NULL; i++)
    {
      g_autofree gchar *reason = NULL;
      LispPrefix eid;

      reason = lmn_config_check_prefix (eids[i], c->instance_id, &eid);
      if (reason != NULL)
        return invalid (error, "eids: %s", reason);
      if (c->mode == LMN_MODE_MOBILE_NODE && eid.len != (eid.family == LISP_FAMILY_IPV4 ? 32 : 128))
        return invalid (error, "eids: '%s' is not a host prefix (a mobile node's EIDs are /32 or /128)",
                        eids[i]);
      for (guint j = 0; j < c->eids->len; j++)
        if (lisp_prefix_equal (&g_array_index (c->eids, LispPrefix, j), &eid))
          return invalid (error, "eids: '%s' is listed twice", eids[i]);
      g_array_append_val (c->eids, eid);
    }
  return TRUE;
}

static gboolean
apply_mtu (LmnConfig *c, GVariant *value, GError **error)
{
  guint32 mtu;
  gboolean any_ipv6 = FALSE;

  if (value == NULL)
    return TRUE;
  mtu = g_variant_get_uint32 (value);
  for (guint i = 0; i < c->eids->len; i++)
    any_ipv6 |= g_array_index (c->eids, LispPrefix, i).family == LISP_FAMILY_IPV6;
  if (mtu != 0 && (mtu < LMN_CONFIG_MIN_MTU_IPV4 || mtu > G_MAXUINT16))
    return invalid (error, "mtu: %u is not an MTU (0 or %u-65535)", mtu, LMN_CONFIG_MIN_MTU_IPV4);
  if (mtu != 0 && any_ipv6 && mtu < LMN_CONFIG_MIN_MTU_IPV6)
    return invalid (error, "mtu: %u is too small for IPv6 EIDs (0 or %u-65535)", mtu,
                    LMN_CONFIG_MIN_MTU_IPV6);
  c->mtu = mtu;
  return TRUE;
}

static gboolean
apply_routes (LmnConfig *c, GVariant *list, GError **error)
{
  g_autofree const char **routes = NULL;

  if (list == NULL)
    return TRUE;
  if (!check_length (list, "routes", LMN_SETTINGS_MAX_ROUTES, error))
    return FALSE;
  routes = g_variant_get_strv (list, NULL);
  g_array_set_size (c->routes, 0);
  for (guint i = 0; routes[i] != NULL; i++)
    {
      g_autofree gchar *reason = lmn_config_add_route (c->routes, routes[i]);

      if (reason != NULL)
        return invalid (error, "routes: %s", reason);
    }
  return TRUE;
}

/* map-resolvers (LmnIp) or proxy-etrs (LispMapLocator, default priority and weight). */
static gboolean
apply_addresses (GArray *out, gboolean locators, const char *key, GVariant *list, GError **error)
{
  g_autofree const char **addresses = NULL;
  g_autoptr(GArray) ips = g_array_new (FALSE, TRUE, sizeof (LmnIp));

  if (list == NULL)
    return TRUE;
  if (!check_length (list, key, LMN_SETTINGS_MAX_ADDRESSES, error))
    return FALSE;
  addresses = g_variant_get_strv (list, NULL);
  for (guint i = 0; addresses[i] != NULL; i++)
    {
      g_autofree gchar *reason = NULL;
      LmnIp ip;

      reason = lmn_config_check_unicast (addresses[i], &ip);
      if (reason != NULL)
        return invalid (error, "%s: %s", key, reason);
      for (guint j = 0; j < ips->len; j++)
        if (memcmp (&g_array_index (ips, LmnIp, j), &ip, sizeof ip) == 0)
          return invalid (error, "%s: '%s' is listed twice", key, addresses[i]);
      g_array_append_val (ips, ip);
    }
  g_array_set_size (out, 0);
  for (guint i = 0; i < ips->len; i++)
    {
      const LmnIp *ip = &g_array_index (ips, LmnIp, i);

      if (locators)
        {
          LispMapLocator loc;

          lisp_map_locator_init (&loc, ip->family, ip->addr, DEFAULT_PROXY_PRIORITY,
                                 DEFAULT_PROXY_WEIGHT, TRUE);
          g_array_append_val (out, loc);
        }
      else
        g_array_append_val (out, *ip);
    }
  return TRUE;
}

static void
map_server_free (LmnMapServerConfig *ms)
{
  if (ms->key != NULL)
    {
      explicit_bzero (ms->key, strlen (ms->key));
      g_free (ms->key);
    }
  g_free (ms);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnMapServerConfig, map_server_free)

/* One map-server's dictionary; the key's value never appears in a message. */
static LmnMapServerConfig *
parse_map_server (GVariant *dict, guint index, GError **error)
{
  g_autoptr(LmnMapServerConfig) ms = g_new0 (LmnMapServerConfig, 1);
  gboolean have_address = FALSE;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  ms->algorithm = LISP_AUTH_HMAC_SHA256_128;
  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) v = value;
      const char *want = g_str_equal (key, "address") || g_str_equal (key, "key") ||
                         g_str_equal (key, "algorithm") ? "s" :
                         g_str_equal (key, "key-id") ? "y" : NULL;

      if (want == NULL)
        {
          invalid (error, "map-servers: server %u: unknown key '%s' (address, key, key-id, "
                   "algorithm)", index, key);
          return NULL;
        }
      if (!g_variant_is_of_type (v, G_VARIANT_TYPE (want)))
        {
          invalid (error, "map-servers: server %u: %s must be of type '%s', not '%s'", index, key,
                   want, g_variant_get_type_string (v));
          return NULL;
        }
      if (g_str_equal (key, "address"))
        {
          g_autofree gchar *reason = lmn_config_check_unicast (g_variant_get_string (v, NULL),
                                                               &ms->address);

          if (reason != NULL)
            {
              invalid (error, "map-servers: server %u: address: %s", index, reason);
              return NULL;
            }
          have_address = TRUE;
        }
      else if (g_str_equal (key, "key"))
        {
          gsize len;
          const char *secret = g_variant_get_string (v, &len);

          if (len == 0 || len > LMN_SETTINGS_MAX_KEY_LENGTH)
            {
              invalid (error, "map-servers: server %u: key: %s", index,
                       len == 0 ? "empty" : "longer than 512 bytes");
              return NULL;
            }
          if (ms->key != NULL)
            {
              explicit_bzero (ms->key, strlen (ms->key));
              g_free (ms->key);
            }
          ms->key = g_strdup (secret);
        }
      else if (g_str_equal (key, "key-id"))
        ms->key_id = g_variant_get_byte (v);
      else
        {
          const char *algorithm = g_variant_get_string (v, NULL);

          if (!lisp_auth_alg_from_setting (algorithm, &ms->algorithm))
            {
              /* The caller's text, cut short: it is no secret, but may be anything. */
              invalid (error, "map-servers: server %u: algorithm: '%.32s' is not supported "
                       "(hmac-sha-1, hmac-sha-256)", index, algorithm);
              return NULL;
            }
        }
    }
  if (!have_address || ms->key == NULL)
    {
      invalid (error, "map-servers: server %u: %s: missing", index, have_address ? "key" : "address");
      return NULL;
    }
  return g_steal_pointer (&ms);
}

static gboolean
apply_map_servers (LmnConfig *c, GVariant *list, GError **error)
{
  g_autoptr(GPtrArray) servers = g_ptr_array_new_with_free_func ((GDestroyNotify) map_server_free);

  if (list == NULL)
    return TRUE;
  if (!check_length (list, "map-servers", LMN_SETTINGS_MAX_SERVERS, error))
    return FALSE;
  for (guint i = 0; i < g_variant_n_children (list); i++)
    {
      g_autoptr(GVariant) dict = g_variant_get_child_value (list, i);
      LmnMapServerConfig *ms = parse_map_server (dict, i, error);

      if (ms == NULL)
        return FALSE;
      for (guint j = 0; j < servers->len; j++)
        if (memcmp (&((LmnMapServerConfig *) servers->pdata[j])->address, &ms->address,
                    sizeof ms->address) == 0)
          {
            g_autofree gchar *address = lmn_ip_to_string (&ms->address);

            map_server_free (ms);
            return invalid (error, "map-servers: server %u: %s is listed twice", i, address);
          }
      g_ptr_array_add (servers, ms);
    }
  /* Moved over one by one: c->map_servers frees with config.c's own function. */
  g_ptr_array_set_size (c->map_servers, 0);
  for (guint i = 0; i < servers->len; i++)
    {
      LmnMapServerConfig *ms = g_new0 (LmnMapServerConfig, 1);

      *ms = *(LmnMapServerConfig *) servers->pdata[i];
      ((LmnMapServerConfig *) servers->pdata[i])->key = NULL;
      g_ptr_array_add (c->map_servers, ms);
    }
  return TRUE;
}

LmnConfig *
lmn_config_with_settings (const LmnConfig *base, GVariant *settings, GError **error)
{
  g_autoptr(LmnConfig) c = NULL;
  g_autoptr(GVariantDict) dict = NULL;
  g_autoptr(GVariant) eids = NULL, instance_id = NULL, mtu = NULL, manage = NULL, routes = NULL;
  g_autoptr(GVariant) resolvers = NULL, petrs = NULL, servers = NULL;

  g_return_val_if_fail (g_variant_is_of_type (settings, G_VARIANT_TYPE_VARDICT), NULL);

  if (!check_keys (settings, error))
    return NULL;
  dict = g_variant_dict_new (settings);
  eids = g_variant_dict_lookup_value (dict, "eids", NULL);
  instance_id = g_variant_dict_lookup_value (dict, "instance-id", NULL);
  mtu = g_variant_dict_lookup_value (dict, "mtu", NULL);
  manage = g_variant_dict_lookup_value (dict, "manage-addresses", NULL);
  routes = g_variant_dict_lookup_value (dict, "routes", NULL);
  resolvers = g_variant_dict_lookup_value (dict, "map-resolvers", NULL);
  petrs = g_variant_dict_lookup_value (dict, "proxy-etrs", NULL);
  servers = g_variant_dict_lookup_value (dict, "map-servers", NULL);

  c = lmn_config_copy (base);
  if (instance_id != NULL)
    {
      guint32 iid = g_variant_get_uint32 (instance_id);

      if (iid > LMN_CONFIG_MAX_INSTANCE_ID)
        {
          invalid (error, "instance-id: %u is not an instance ID (0-%u)", iid,
                   LMN_CONFIG_MAX_INSTANCE_ID);
          return NULL;
        }
      c->instance_id = iid;
    }
  if (!apply_eids (c, eids, error) || !apply_mtu (c, mtu, error) ||
      !apply_routes (c, routes, error) ||
      !apply_addresses (c->map_resolvers, FALSE, "map-resolvers", resolvers, error) ||
      !apply_addresses (c->proxy_etrs, TRUE, "proxy-etrs", petrs, error) ||
      !apply_map_servers (c, servers, error))
    return NULL;
  if (manage != NULL)
    c->manage_addresses = g_variant_get_boolean (manage);
  return g_steal_pointer (&c);
}
