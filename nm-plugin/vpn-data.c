#include "vpn-data.h"

#include "lisp-auth.h"

#include <arpa/inet.h>
#include <string.h>

#define PRIORITY_PREFIX "rloc-priority."
#define WEIGHT_PREFIX   "rloc-weight."
#define MAX_INSTANCE_ID 0xFFFFFFu
#define MIN_MTU_IPV4    576
#define MIN_MTU_IPV6    1280
#define MAX_KEY_LENGTH  512
#define MIN_NAT_KEEPALIVE 5
#define MAX_NAT_KEEPALIVE 3600

static const char *const known_keys[] = {
  "eid",
  "map-server",
  "map-server-key-id",
  "map-server-algorithm",
  "map-server-key-flags",
  "map-resolver",
  "proxy-etr",
  "instance-id",
  "mtu",
  "nat-traversal",
  "nat-keepalive-interval",
  PRIORITY_PREFIX "NAME",
  WEIGHT_PREFIX "NAME",
  NULL,
};

static gboolean
fail (GError **error, const char *key, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError **error, const char *key, const char *format, ...)
{
  g_autofree gchar *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "vpn.data: %s: %s", key, reason);
  return FALSE;
}

/* A value quoted in a message: shown as given, but cut short (it may be anything). */
#define QUOTE "'%.64s'"

/* family 4 or 6 and the bytes, for a unicast address; "/32" or "/128" allowed when
 * host_prefix. */
static gboolean
parse_address (const char *key, const char *text, gboolean host_prefix, int *family,
               guint8 addr[16], GError **error)
{
  g_autofree gchar *address = g_strdup (text);
  gchar *slash = strchr (address, '/');
  static const guint8 zero[16] = { 0 };

  if (slash != NULL)
    *slash = '\0';
  memset (addr, 0, 16);
  if (inet_pton (AF_INET, address, addr) == 1)
    *family = 4;
  else if (inet_pton (AF_INET6, address, addr) == 1)
    *family = 6;
  else
    return fail (error, key, QUOTE " is not an IPv4 or IPv6 address", text);
  if (slash != NULL)
    {
      const char *want = *family == 4 ? "32" : "128";

      if (!host_prefix)
        return fail (error, key, QUOTE " is an address without a prefix length", text);
      if (!g_str_equal (slash + 1, want))
        return fail (error, key, QUOTE " is not a host address (an EID is /%s)", text, want);
    }
  if (*family == 4 ? (memcmp (addr, zero, 4) == 0 || addr[0] >= 224 || addr[0] == 127)
                   : (memcmp (addr, zero, 16) == 0 || addr[0] == 0xff ||
                      (memcmp (addr, zero, 15) == 0 && addr[15] == 1)))
    return fail (error, key, QUOTE " is not a unicast address", text);
  return TRUE;
}

static gchar *
address_text (int family, const guint8 *addr)
{
  char buf[INET6_ADDRSTRLEN];

  return g_strdup (inet_ntop (family == 4 ? AF_INET : AF_INET6, addr, buf, sizeof buf));
}

/* Space- or semicolon-separated addresses, each once. */
static gboolean
parse_address_list (const char *key, const char *value, GPtrArray *out, GError **error)
{
  g_auto(GStrv) words = g_strsplit_set (value, " ;", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      guint8 addr[16];
      int family;
      g_autofree gchar *canonical = NULL;

      if (words[i][0] == '\0')
        continue;
      if (out->len == LMN_VPN_MAX_LIST)
        return fail (error, key, "more than %d addresses", LMN_VPN_MAX_LIST);
      if (!parse_address (key, words[i], FALSE, &family, addr, error))
        return FALSE;
      canonical = address_text (family, addr);
      if (g_ptr_array_find_with_equal_func (out, canonical, g_str_equal, NULL))
        return fail (error, key, QUOTE " is listed twice", words[i]);
      g_ptr_array_add (out, g_steal_pointer (&canonical));
    }
  if (out->len == 0)
    return fail (error, key, "empty (an address is needed)");
  return TRUE;
}

static gboolean
parse_number (const char *key, const char *value, guint64 min, guint64 max, const char *noun,
              guint64 *out, GError **error)
{
  if (!g_ascii_string_to_unsigned (value, 10, min, max, out, NULL))
    return fail (error, key, QUOTE " is not %s (%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT ")",
                 value, noun, min, max);
  return TRUE;
}

static gboolean
parse_eids (LmnVpnData *d, const char *value, GError **error)
{
  g_auto(GStrv) words = g_strsplit_set (value, " ;", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      guint8 addr[16];
      int family;

      if (words[i][0] == '\0')
        continue;
      if (!parse_address ("eid", words[i], TRUE, &family, addr, error))
        return FALSE;
      /* NetworkManager puts one address of each family on a VPN's device. */
      if (family == 4 ? d->has_eid4 : d->has_eid6)
        return fail (error, "eid", "more than one IPv%d EID (at most one of each family)", family);
      if (family == 4)
        {
          memcpy (d->eid4, addr, 4);
          d->has_eid4 = TRUE;
        }
      else
        {
          memcpy (d->eid6, addr, 16);
          d->has_eid6 = TRUE;
        }
    }
  if (!d->has_eid4 && !d->has_eid6)
    return fail (error, "eid", "empty (one IPv4 and/or one IPv6 address is needed)");
  return TRUE;
}

/* rloc-priority.NAME / rloc-weight.NAME: NAME an interface or a connection id. */
static gboolean
parse_preference (GHashTable *table, const char *key, const char *name, const char *value,
                  const char *noun, GError **error)
{
  guint64 number;

  if (name[0] == '\0' || strlen (name) > 255)
    return fail (error, key, "the name after the dot must be an interface or a connection id");
  if (!parse_number (key, value, 0, 255, noun, &number, error))
    return FALSE;
  if (g_hash_table_size (table) >= 64)
    return fail (error, key, "more than 64 such keys");
  g_hash_table_insert (table, g_strdup (name), GUINT_TO_POINTER ((guint) number + 1));
  return TRUE;
}

static gboolean
parse_item (LmnVpnData *d, const char *key, const char *value, GError **error)
{
  guint64 number;

  if (g_str_equal (key, "eid"))
    return parse_eids (d, value, error);
  if (g_str_equal (key, "map-server"))
    {
      guint8 addr[16];
      int family;

      if (!parse_address (key, value, FALSE, &family, addr, error))
        return FALSE;
      g_free (d->map_server);
      d->map_server = address_text (family, addr);
      return TRUE;
    }
  if (g_str_equal (key, "map-server-key-id"))
    {
      if (!parse_number (key, value, 0, 255, "a key ID", &number, error))
        return FALSE;
      d->key_id = (guint8) number;
      return TRUE;
    }
  /* NetworkManager's own item: how the secret is stored (NMSettingSecretFlags). */
  if (g_str_equal (key, LMN_VPN_SECRET_MAP_SERVER_KEY "-flags"))
    return parse_number (key, value, 0, 7, "secret flags", &number, error);
  if (g_str_equal (key, "map-server-algorithm"))
    {
      LispAuthAlg alg;

      if (!lisp_auth_alg_from_setting (value, &alg))
        return fail (error, key, QUOTE " is not supported (hmac-sha-256, hmac-sha-1)", value);
      g_free (d->algorithm);
      d->algorithm = g_strdup (lisp_auth_alg_setting (alg));
      return TRUE;
    }
  if (g_str_equal (key, "map-resolver"))
    return parse_address_list (key, value, d->map_resolvers, error);
  if (g_str_equal (key, "proxy-etr"))
    return parse_address_list (key, value, d->proxy_etrs, error);
  if (g_str_equal (key, "instance-id"))
    {
      if (!parse_number (key, value, 0, MAX_INSTANCE_ID, "an instance ID", &number, error))
        return FALSE;
      d->instance_id = (guint32) number;
      d->has_instance_id = TRUE;
      return TRUE;
    }
  if (g_str_equal (key, "mtu"))
    {
      if (!parse_number (key, value, 0, G_MAXUINT16, "an MTU", &number, error))
        return FALSE;
      if (number != 0 && number < MIN_MTU_IPV4)
        return fail (error, key, QUOTE " is not an MTU (0 or %u-65535)", value, MIN_MTU_IPV4);
      d->mtu = (guint32) number;
      d->has_mtu = TRUE;
      return TRUE;
    }
  if (g_str_equal (key, "nat-traversal"))
    {
      static const char *const modes[] = { "auto", "on", "off", NULL };

      if (!g_strv_contains (modes, value))
        return fail (error, key, QUOTE " is not auto, on or off", value);
      g_free (d->nat_traversal);
      d->nat_traversal = g_strdup (value);
      return TRUE;
    }
  if (g_str_equal (key, "nat-keepalive-interval"))
    {
      if (!parse_number (key, value, MIN_NAT_KEEPALIVE, MAX_NAT_KEEPALIVE, "a number of seconds",
                         &number, error))
        return FALSE;
      d->nat_keepalive_interval = (guint32) number;
      d->has_nat_keepalive = TRUE;
      return TRUE;
    }
  if (g_str_has_prefix (key, PRIORITY_PREFIX))
    return parse_preference (d->priorities, key, key + strlen (PRIORITY_PREFIX), value,
                             "a priority", error);
  if (g_str_has_prefix (key, WEIGHT_PREFIX))
    return parse_preference (d->weights, key, key + strlen (WEIGHT_PREFIX), value, "a weight",
                             error);
  {
    g_autofree gchar *known = g_strjoinv (", ", (gchar **) known_keys);

    return fail (error, key, "unknown key (known: %s)", known);
  }
}

LmnVpnData *
lmn_vpn_data_parse (const char *const *keys, const char *const *values, guint n, GError **error)
{
  g_autoptr(LmnVpnData) d = g_new0 (LmnVpnData, 1);

  d->algorithm = g_strdup (lisp_auth_alg_setting (LISP_AUTH_HMAC_SHA256_128));
  d->map_resolvers = g_ptr_array_new_with_free_func (g_free);
  d->proxy_etrs = g_ptr_array_new_with_free_func (g_free);
  d->priorities = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  d->weights = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autofree gchar *value = g_strstrip (g_strdup (values[i] != NULL ? values[i] : ""));

      if (!parse_item (d, keys[i], value, error))
        return NULL;
    }
  if (!d->has_eid4 && !d->has_eid6)
    {
      fail (error, "eid", "missing (the EID addresses, e.g. eid=192.0.2.10 2001:db8::10)");
      return NULL;
    }
  if (d->map_server == NULL)
    {
      fail (error, "map-server", "missing (the map-server's address)");
      return NULL;
    }
  if (d->has_mtu && d->mtu != 0 && d->has_eid6 && d->mtu < MIN_MTU_IPV6)
    {
      fail (error, "mtu", "'%u' is too small for an IPv6 EID (0 or %u-65535)", d->mtu, MIN_MTU_IPV6);
      return NULL;
    }
  /* The usual small deployment: one box is map-server and map-resolver. */
  if (d->map_resolvers->len == 0)
    g_ptr_array_add (d->map_resolvers, g_strdup (d->map_server));
  return g_steal_pointer (&d);
}

gboolean
lmn_vpn_data_check_item (const char *key, const char *value, GError **error)
{
  g_autoptr(LmnVpnData) d = NULL;
  const char *keys[] = { key };
  const char *values[] = { value };
  g_autoptr(GError) local = NULL;

  /* The same parser as a whole profile's, on one item: its "missing" complaints about
   * the other keys are no concern of this one's. */
  d = lmn_vpn_data_parse (keys, values, 1, &local);
  if (d != NULL || g_str_has_prefix (local->message, "vpn.data: eid: missing") ||
      g_str_has_prefix (local->message, "vpn.data: map-server: missing"))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

void
lmn_vpn_data_free (LmnVpnData *data)
{
  if (data == NULL)
    return;
  g_free (data->map_server);
  g_free (data->algorithm);
  g_free (data->nat_traversal);
  g_ptr_array_unref (data->map_resolvers);
  g_ptr_array_unref (data->proxy_etrs);
  g_hash_table_unref (data->priorities);
  g_hash_table_unref (data->weights);
  g_free (data);
}

const char *
lmn_vpn_data_check_key (const char *key)
{
  if (key == NULL || key[0] == '\0')
    return "vpn.secrets: map-server-key: missing";
  if (strlen (key) > MAX_KEY_LENGTH)
    return "vpn.secrets: map-server-key: longer than 512 bytes";
  return NULL;
}

gint
lmn_vpn_data_priority (const LmnVpnData *data, const char *name)
{
  return (gint) GPOINTER_TO_UINT (g_hash_table_lookup (data->priorities, name)) - 1;
}

gint
lmn_vpn_data_weight (const LmnVpnData *data, const char *name)
{
  return (gint) GPOINTER_TO_UINT (g_hash_table_lookup (data->weights, name)) - 1;
}

GVariant *
lmn_vpn_data_configure_settings (const LmnVpnData *data, const char *key)
{
  GVariantBuilder settings, eids, servers, server;
  g_autofree gchar *eid4 = data->has_eid4 ? address_text (4, data->eid4) : NULL;
  g_autofree gchar *eid6 = data->has_eid6 ? address_text (6, data->eid6) : NULL;

  g_variant_builder_init (&settings, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_init (&eids, G_VARIANT_TYPE_STRING_ARRAY);
  if (eid4 != NULL)
    g_variant_builder_add_value (&eids, g_variant_new_take_string (g_strdup_printf ("%s/32", eid4)));
  if (eid6 != NULL)
    g_variant_builder_add_value (&eids, g_variant_new_take_string (g_strdup_printf ("%s/128", eid6)));
  g_variant_builder_add (&settings, "{sv}", "eids", g_variant_builder_end (&eids));

  g_variant_builder_init (&server, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&server, "{sv}", "address", g_variant_new_string (data->map_server));
  g_variant_builder_add (&server, "{sv}", "key", g_variant_new_string (key));
  g_variant_builder_add (&server, "{sv}", "key-id", g_variant_new_byte (data->key_id));
  g_variant_builder_add (&server, "{sv}", "algorithm", g_variant_new_string (data->algorithm));
  g_variant_builder_init (&servers, G_VARIANT_TYPE ("aa{sv}"));
  g_variant_builder_add_value (&servers, g_variant_builder_end (&server));
  g_variant_builder_add (&settings, "{sv}", "map-servers", g_variant_builder_end (&servers));

  g_variant_builder_add (&settings, "{sv}", "map-resolvers",
                         g_variant_new_strv ((const char *const *) data->map_resolvers->pdata,
                                             data->map_resolvers->len));
  g_variant_builder_add (&settings, "{sv}", "proxy-etrs",
                         g_variant_new_strv ((const char *const *) data->proxy_etrs->pdata,
                                             data->proxy_etrs->len));
  if (data->has_instance_id)
    g_variant_builder_add (&settings, "{sv}", "instance-id", g_variant_new_uint32 (data->instance_id));
  if (data->has_mtu)
    g_variant_builder_add (&settings, "{sv}", "mtu", g_variant_new_uint32 (data->mtu));
  /* Only when the profile sets them: lispmnd's defaults are the same (auto, 20 s), and a
   * lispmnd older than NAT traversal then still accepts the call. */
  if (data->nat_traversal != NULL)
    g_variant_builder_add (&settings, "{sv}", "nat-traversal",
                           g_variant_new_string (data->nat_traversal));
  if (data->has_nat_keepalive)
    g_variant_builder_add (&settings, "{sv}", "nat-keepalive-interval",
                           g_variant_new_uint32 (data->nat_keepalive_interval));
  /* NetworkManager puts the EIDs and routes on the TUN. */
  g_variant_builder_add (&settings, "{sv}", "manage-addresses", g_variant_new_boolean (FALSE));
  return g_variant_builder_end (&settings);
}
