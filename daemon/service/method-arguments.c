/* The arguments of every D-Bus method of lispmnd (Configure's settings, SetRlocs' uplinks,
 * Lookup's EID), checked in one place before polkit is asked: a bad call is refused the same
 * way for everyone, with org.freedesktop.DBus.Error.InvalidArgs naming the argument. */
#include "method-arguments.h"

#include "interface-name.h"
#include "lmn-secret.h"
#include "text-excerpt.h"

#include <string.h>

/* A dictionary's known keys and the type of each, in the order error messages list them. */
typedef struct {
  const char *key;
  const char *type;
} Member;

static const Member settings_members[] = {
  { "eids", "as" },
  { "map-servers", "aa{sv}" },
  { "map-resolvers", "as" },
  { "proxy-etrs", "as" },
  { "instance-id", "u" },
  { "mtu", "u" },
  { "manage-addresses", "b" },
  { "routes", "as" },
  { "nat-traversal", "s" },
  { "nat-keepalive-interval", "u" },
};

static const Member server_members[] = {
  { "address", "s" },
  { "key", "s" },
  { "key-id", "y" },
  { "algorithm", "s" },
};

static const Member uplink_members[] = {
  { "interface", "s" },
  { "priority", "y" },
  { "weight", "y" },
  { "connection", "s" },
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

/* key is one of members and value of its type; the error starts with where ("uplink 0: "). */
static gboolean
check_member (const Member *members, guint n_members, const char *where, const char *key,
              GVariant *value, GError **error)
{
  const char *want = NULL;

  for (guint i = 0; i < n_members; i++)
    if (g_str_equal (members[i].key, key))
      want = members[i].type;
  if (want == NULL)
    {
      g_autoptr(GString) names = g_string_new (NULL);
      g_autofree gchar *quoted = lmn_excerpt (key);

      for (guint i = 0; i < n_members; i++)
        g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", members[i].key);
      return invalid (error, "%sunknown key '%s' (%s)", where, quoted, names->str);
    }
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE (want)))
    return invalid (error, "%s%s must be of type '%s', not '%s'", where, key, want,
                    g_variant_get_type_string (value));
  return TRUE;
}

/* Every key of dict known and of its type, before anything is read. */
static gboolean
check_members (const Member *members, guint n_members, const char *where, GVariant *dict,
               GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) v = value;

      if (!check_member (members, n_members, where, key, v, error))
        return FALSE;
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
        if (lmn_ip_equal (&g_array_index (ips, LmnIp, j), &ip))
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnMapServerConfig, lmn_map_server_config_free)

/* One map-server's dictionary; the key's value never appears in a message. */
static LmnMapServerConfig *
parse_map_server (GVariant *dict, guint index, GError **error)
{
  g_autoptr(LmnMapServerConfig) ms = g_new0 (LmnMapServerConfig, 1);
  g_autofree gchar *where = g_strdup_printf ("map-servers: server %u: ", index);
  gboolean have_address = FALSE;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  ms->algorithm = LISP_AUTH_HMAC_SHA256_128;
  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) v = value;

      if (!check_member (server_members, G_N_ELEMENTS (server_members), where, key, v, error))
        return NULL;
      if (g_str_equal (key, "address"))
        {
          g_autofree gchar *reason = lmn_config_check_unicast (g_variant_get_string (v, NULL),
                                                               &ms->address);

          if (reason != NULL)
            {
              invalid (error, "%saddress: %s", where, reason);
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
              if (len == 0)
                invalid (error, "%skey: empty", where);
              else
                invalid (error, "%skey: longer than %d bytes", where, LMN_SETTINGS_MAX_KEY_LENGTH);
              return NULL;
            }
          lmn_secret_free (ms->key);
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
              g_autofree gchar *quoted = lmn_excerpt (algorithm);

              invalid (error, "%salgorithm: '%s' is not supported (hmac-sha-1, hmac-sha-256)",
                       where, quoted);
              return NULL;
            }
        }
    }
  if (!have_address || ms->key == NULL)
    {
      invalid (error, "%s%s: missing", where, have_address ? "key" : "address");
      return NULL;
    }
  return g_steal_pointer (&ms);
}

static gboolean
apply_map_servers (LmnConfig *c, GVariant *list, GError **error)
{
  g_autoptr(GPtrArray) servers =
    g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_map_server_config_free);

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
        if (lmn_ip_equal (&((LmnMapServerConfig *) servers->pdata[j])->address, &ms->address))
          {
            g_autofree gchar *address = lmn_ip_to_string (&ms->address);

            lmn_map_server_config_free (ms);
            return invalid (error, "map-servers: server %u: %s is listed twice", i, address);
          }
      g_ptr_array_add (servers, ms);
    }
  g_ptr_array_set_size (c->map_servers, 0);
  g_ptr_array_extend_and_steal (c->map_servers, g_steal_pointer (&servers));
  return TRUE;
}

static gboolean
apply_nat (LmnConfig *c, GVariant *nat, GVariant *keepalive, GError **error)
{
  if (nat != NULL)
    {
      gsize len;
      const char *mode = g_variant_get_string (nat, &len);
      g_autofree gchar *reason = NULL;

      /* A long word is not quoted back: the caller chose its size. */
      if (len > 16)
        return invalid (error,
                        "nat-traversal: %" G_GSIZE_FORMAT " bytes is not a NAT traversal "
                        "mode (auto, on, off)",
                        len);
      reason = lmn_config_check_nat_traversal (mode, &c->nat_traversal);
      if (reason != NULL)
        return invalid (error, "nat-traversal: %s", reason);
    }
  if (keepalive != NULL)
    {
      guint32 seconds = g_variant_get_uint32 (keepalive);
      g_autofree gchar *reason = lmn_config_check_nat_keepalive (seconds);

      if (reason != NULL)
        return invalid (error, "nat-keepalive-interval: %s", reason);
      c->nat_keepalive_interval = seconds;
    }
  return TRUE;
}

LmnConfig *
lmn_args_configure (const LmnConfig *base, GVariant *settings, GError **error)
{
  g_autoptr(LmnConfig) c = NULL;
  g_autoptr(GVariantDict) dict = NULL;
  g_autoptr(GVariant) eids = NULL, instance_id = NULL, mtu = NULL, manage = NULL, routes = NULL;
  g_autoptr(GVariant) resolvers = NULL, petrs = NULL, servers = NULL;
  g_autoptr(GVariant) nat = NULL, keepalive = NULL;

  g_return_val_if_fail (g_variant_is_of_type (settings, G_VARIANT_TYPE_VARDICT), NULL);

  if (!check_members (settings_members, G_N_ELEMENTS (settings_members), "", settings, error))
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
  nat = g_variant_dict_lookup_value (dict, "nat-traversal", NULL);
  keepalive = g_variant_dict_lookup_value (dict, "nat-keepalive-interval", NULL);

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
      !apply_map_servers (c, servers, error) || !apply_nat (c, nat, keepalive, error))
    return NULL;
  if (manage != NULL)
    c->manage_addresses = g_variant_get_boolean (manage);
  return g_steal_pointer (&c);
}

/* ---- SetRlocs ---- */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnUplinkConfig, lmn_uplink_config_free)

/* One of an uplink's members, of its type already. */
static gboolean
read_uplink_member (LmnUplinkConfig *u, guint index, const char *key, GVariant *v,
                    GError **error)
{
  if (g_str_equal (key, "interface"))
    {
      g_free (u->interface);
      u->interface = g_variant_dup_string (v, NULL);
    }
  else if (g_str_equal (key, "connection"))
    {
      gsize len;
      const char *name = g_variant_get_string (v, &len);

      /* A name for people: a sane length, not quoted back when it is not. */
      if (len == 0 || len > LMN_ARGS_MAX_CONNECTION)
        return invalid (error, "uplink %u: a connection name of %" G_GSIZE_FORMAT " bytes "
                        "(1 to %d)", index, len, LMN_ARGS_MAX_CONNECTION);
      g_free (u->connection);
      u->connection = g_strdup (name);
    }
  else if (g_str_equal (key, "priority"))
    u->priority = g_variant_get_byte (v);
  else
    u->weight = g_variant_get_byte (v);
  return TRUE;
}

static gboolean
check_uplink_interface (const LmnUplinkConfig *u, guint index, GError **error)
{
  if (u->interface == NULL)
    return invalid (error, "uplink %u: no interface", index);
  /* A long name is not quoted back: the caller chose its size. */
  if (strlen (u->interface) > LMN_INTERFACE_NAME_MAX)
    return invalid (error, "uplink %u: a name of %" G_GSIZE_FORMAT " bytes is not an interface "
                    "name (at most %d)", index, strlen (u->interface), LMN_INTERFACE_NAME_MAX);
  if (!lmn_interface_name_valid (u->interface))
    return invalid (error, "uplink %u: '%s' is not an interface name", index, u->interface);
  return TRUE;
}

static LmnUplinkConfig *
parse_uplink (GVariant *dict, guint index, GError **error)
{
  g_autoptr(LmnUplinkConfig) u = g_new0 (LmnUplinkConfig, 1);
  g_autofree gchar *where = g_strdup_printf ("uplink %u: ", index);
  GVariantIter iter;
  const char *key;
  GVariant *value;

  u->priority = 1;
  u->weight = 100;
  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) v = value;

      if (!check_member (uplink_members, G_N_ELEMENTS (uplink_members), where, key, v, error) ||
          !read_uplink_member (u, index, key, v, error))
        return NULL;
    }
  if (!check_uplink_interface (u, index, error))
    return NULL;
  return g_steal_pointer (&u);
}

GPtrArray *
lmn_args_set_rlocs (GVariant *list, GError **error)
{
  g_autoptr(GPtrArray) uplinks =
    g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_uplink_config_free);

  if (g_variant_n_children (list) > LMN_ARGS_MAX_UPLINKS)
    {
      invalid (error, "%" G_GSIZE_FORMAT " uplinks: at most %d", g_variant_n_children (list),
               LMN_ARGS_MAX_UPLINKS);
      return NULL;
    }
  for (guint i = 0; i < g_variant_n_children (list); i++)
    {
      g_autoptr(GVariant) dict = g_variant_get_child_value (list, i);
      LmnUplinkConfig *u = parse_uplink (dict, i, error);

      if (u == NULL)
        return NULL;
      g_ptr_array_add (uplinks, u);
      for (guint j = 0; j + 1 < uplinks->len; j++)
        if (g_str_equal (((LmnUplinkConfig *) uplinks->pdata[j])->interface, u->interface))
          {
            invalid (error, "uplink %u: interface %s is listed twice", i, u->interface);
            return NULL;
          }
    }
  return g_steal_pointer (&uplinks);
}

/* ---- Lookup ---- */

gboolean
lmn_args_lookup (const char *eid, LmnIp *out, GError **error)
{
  g_autoptr(GError) local = NULL;

  if (strlen (eid) > LMN_ARGS_MAX_EID_TEXT)
    return invalid (error, "eid: a text of %" G_GSIZE_FORMAT " bytes is not an IPv4 or IPv6 "
                    "address", strlen (eid));
  if (!lmn_ip_parse (eid, out, &local))
    return invalid (error, "eid: %s", local->message);
  return TRUE;
}
