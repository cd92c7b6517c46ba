/* lispmn-server's configuration: the text is scanned once to learn on which line each
 * group and key sits (GKeyFile does not say), then GKeyFile reads the values and every one is
 * checked here. Errors read "FILE:LINE: [GROUP] KEY: reason". */
#include "server-config.h"

#include "interface-name.h"
#include "keyfile-scanner.h"
#include "map-resolver.h"
#include "site-claims.h"
#include "lisp-auth.h"
#include "lisp-prefix.h"
#include "lmn-ip.h"
#include "lmn-secret.h"
#include "private-file.h"

#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK (lmn-server-config-error-quark, lmn_server_config_error)

/* A map-server for 100,000 users' sites, a few lines each. */
#define MAX_FILE_SIZE (64 * 1024 * 1024)

static const char *const main_keys[] = {
  "listen", "port", "notify-retransmit-interval", "answers-per-requester", "answers-total", NULL
};
static const char *const map_server_keys[] = { "rtrs", "rtr-key", NULL };
static const char *const rtr_keys[] = { "address", "map-servers", "ms-key", "max-unverified",
                                        NULL };
static const char *const proxy_keys[] = { "eids",         "uplinks",         "tun",
                                          "map-resolver", "map-cache-limit", NULL };
static const char *const site_keys[] = {
  "eid-prefixes", "key", "key-id", "algorithm", "key2", "key2-id", "key2-algorithm",
  "accept-more-specifics", "proxy-reply", "increasing-nonces", NULL
};

typedef struct {
  const char            *file;
  GKeyFile              *keyfile;
  const LmnKeyfileGroup *group;
  LmnSiteClaims *claimed; /* the prefixes of the sites read so far */
} Ctx;

static gboolean fail (const Ctx *c, const char *key, GError **error, int code,
                      const char *format, ...) G_GNUC_PRINTF (5, 6);

static gboolean
fail (const Ctx *c, const char *key, GError **error, int code, const char *format, ...)
{
  g_autofree gchar *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  lmn_keyfile_set_error (error, LMN_SERVER_CONFIG_ERROR, code, c->file,
                         key != NULL ? lmn_keyfile_key_line (c->group, key) : c->group->line,
                         c->group->name, key, reason);
  return FALSE;
}

/* Groups and keys with their lines; refuses lines GKeyFile would refuse, with the line. */
static GPtrArray *
scan (const char *data, gsize len, const char *file, GError **error)
{
  g_autoptr(GPtrArray) groups = NULL;
  LmnKeyfileProblem problem;
  GQuark domain = LMN_SERVER_CONFIG_ERROR;
  gint code = LMN_SERVER_CONFIG_ERROR_SYNTAX;

  if (memchr (data, '\0', len) != NULL)
    {
      g_set_error (error, domain, code, "%s: contains a NUL byte: not a configuration file", file);
      return NULL;
    }
  groups = lmn_keyfile_scan (data, len, &problem);
  switch (problem.kind)
    {
    case LMN_KEYFILE_OK:
      return g_steal_pointer (&groups);
    case LMN_KEYFILE_BAD_LINE:
      /* Never echo the line: it may be a secret that lost its "key=". */
      g_set_error (error, domain, code, "%s:%u: not a [group], a key=value line or a # comment",
                   file, problem.line);
      break;
    case LMN_KEYFILE_KEY_OUTSIDE_GROUP:
      g_set_error (error, domain, code, "%s:%u: a key before the first [group]", file,
                   problem.line);
      break;
    case LMN_KEYFILE_GROUP_TWICE:
      g_set_error (error, domain, code, "%s:%u: [%s]: group already defined on line %u", file,
                   problem.line, problem.group->name, problem.first_line);
      break;
    case LMN_KEYFILE_KEY_TWICE:
      g_set_error (error, domain, code, "%s:%u: [%s] %s: set twice (first on line %u)", file,
                   problem.line, problem.group->name, problem.key, problem.first_line);
      break;
    }
  return NULL;
}

static gboolean
check_keys (const Ctx *c, const char *const *known, GError **error)
{
  for (guint i = 0; i < c->group->keys->len; i++)
    {
      const char *key = g_array_index (c->group->keys, LmnKeyfileKey, i).name;

      if (!g_strv_contains (known, key))
        {
          g_autofree gchar *list = g_strjoinv (", ", (gchar **) known);

          return fail (c, key, error, LMN_SERVER_CONFIG_ERROR_UNKNOWN,
                       "unknown key (known: %s)", list);
        }
    }
  return TRUE;
}

static gboolean
has_key (const Ctx *c, const char *key)
{
  return g_key_file_has_key (c->keyfile, c->group->name, key, NULL);
}

/* A value GKeyFile could not unescape is reported without the value (it may be secret). */
static gboolean
get_string (const Ctx *c, const char *key, gchar **out, GError **error)
{
  g_autoptr(GError) local = NULL;

  *out = g_key_file_get_string (c->keyfile, c->group->name, key, &local);
  if (*out == NULL)
    return fail (c, key, error, LMN_SERVER_CONFIG_ERROR_INVALID, "invalid escape sequence");
  if ((*out)[0] == '\0')
    return fail (c, key, error, LMN_SERVER_CONFIG_ERROR_INVALID, "empty value");
  return TRUE;
}

/* A key (password): a string no longer than the one limit every source of keys shares. */
static gboolean
get_key (const Ctx *c, const char *key, gchar **out, GError **error)
{
  if (!get_string (c, key, out, error))
    return FALSE;
  if (strlen (*out) > LISP_AUTH_MAX_KEY_LENGTH)
    {
      g_clear_pointer (out, lmn_secret_free);
      return fail (c, key, error, LMN_SERVER_CONFIG_ERROR_INVALID, "longer than %d bytes",
                   LISP_AUTH_MAX_KEY_LENGTH);
    }
  return TRUE;
}

static gboolean
get_number (const Ctx *c, const char *key, guint64 max, guint64 *out, GError **error)
{
  g_autofree gchar *text = NULL;

  if (!get_string (c, key, &text, error))
    return FALSE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, max, out, NULL))
    return fail (c, key, error, LMN_SERVER_CONFIG_ERROR_INVALID,
                 "'%s' is not a number from 0 to %" G_GUINT64_FORMAT, text, max);
  return TRUE;
}

static gboolean
get_bool (const Ctx *c, const char *key, gboolean *out, GError **error)
{
  g_autofree gchar *text = NULL;

  if (!get_string (c, key, &text, error))
    return FALSE;
  if (g_str_equal (text, "true") || g_str_equal (text, "yes"))
    *out = TRUE;
  else if (g_str_equal (text, "false") || g_str_equal (text, "no"))
    *out = FALSE;
  else
    return fail (c, key, error, LMN_SERVER_CONFIG_ERROR_INVALID,
                 "'%s' is not true or false", text);
  return TRUE;
}

/* increasing-nonces=auto, or a boolean. */
static gboolean
get_nonce_check (const Ctx *c, LmnNonceCheck *out, GError **error)
{
  g_autofree gchar *text = NULL;
  gboolean always;

  if (!get_string (c, "increasing-nonces", &text, error))
    return FALSE;
  if (g_str_equal (text, "auto"))
    {
      *out = LMN_NONCES_AUTO;
      return TRUE;
    }
  if (!get_bool (c, "increasing-nonces", &always, NULL))
    return fail (c, "increasing-nonces", error, LMN_SERVER_CONFIG_ERROR_INVALID,
                 "'%s' is not auto, true or false", text);
  *out = always ? LMN_NONCES_ALWAYS : LMN_NONCES_NEVER;
  return TRUE;
}

/* An address of listen= or map-resolver=, port unset. */
static gboolean
parse_address (const char *text, LmnEndpoint *out)
{
  LmnIp ip;

  if (!lmn_ip_parse (text, &ip, NULL))
    return FALSE;
  *out = (LmnEndpoint) { .family = ip.family };
  memcpy (out->addr, ip.addr, sizeof ip.addr);
  return TRUE;
}

/* answers-per-requester= and answers-total=: the Map-Replies a second the map-resolver
 * sends to one ITR-RLOC and in all. The defaults bound what a spoofer can reflect; a server
 * for many nodes raises the total. */
static gboolean
get_answer_rate (const Ctx *c, const char *key, guint *out, GError **error)
{
  guint64 rate;

  if (!has_key (c, key))
    return TRUE;
  if (!get_number (c, key, LMN_MS_ANSWER_RATE_MAX, &rate, error))
    return FALSE;
  if (rate == 0)
    return fail (c, key, error, LMN_SERVER_CONFIG_ERROR_INVALID, "0 answers a second (1-%u)",
                 LMN_MS_ANSWER_RATE_MAX);
  *out = (guint) rate;
  return TRUE;
}

static gboolean
parse_main (const Ctx *c, LmnServerConfig *config, GError **error)
{
  if (!check_keys (c, main_keys, error))
    return FALSE;
  if (has_key (c, "listen"))
    {
      g_auto(GStrv) list = g_key_file_get_string_list (c->keyfile, c->group->name, "listen",
                                                       NULL, NULL);

      g_array_set_size (config->listen, 0);
      for (guint i = 0; list != NULL && list[i] != NULL; i++)
        {
          LmnEndpoint e = { 0 };
          gchar *item = g_strstrip (list[i]);

          if (item[0] == '\0')
            continue;
          if (!parse_address (item, &e))
            return fail (c, "listen", error, LMN_SERVER_CONFIG_ERROR_INVALID,
                         "'%s' is not an IPv4 or IPv6 address", item);
          g_array_append_val (config->listen, e);
        }
      if (config->listen->len == 0)
        return fail (c, "listen", error, LMN_SERVER_CONFIG_ERROR_INVALID, "no address");
    }
  if (has_key (c, "port"))
    {
      guint64 port;

      if (!get_number (c, "port", 65535, &port, error))
        return FALSE;
      if (port == 0)
        return fail (c, "port", error, LMN_SERVER_CONFIG_ERROR_INVALID, "port 0");
      config->port = (guint16) port;
    }
  if (has_key (c, "notify-retransmit-interval"))
    {
      guint64 seconds;

      if (!get_number (c, "notify-retransmit-interval", LMN_MS_NOTIFY_RETRY_MAX, &seconds, error))
        return FALSE;
      if (seconds == 0)
        return fail (c, "notify-retransmit-interval", error, LMN_SERVER_CONFIG_ERROR_INVALID,
                     "0 seconds (1-%u)", LMN_MS_NOTIFY_RETRY_MAX);
      config->notify_retry = (guint) seconds;
    }
  return get_answer_rate (c, "answers-per-requester", &config->answer_rate, error) &&
         get_answer_rate (c, "answers-total", &config->answer_total_rate, error);
}

/* A list of unicast addresses (port unset) into out; an empty list is allowed. */
static gboolean
get_addresses (const Ctx *c, const char *key, GArray *out, GError **error)
{
  g_auto(GStrv) list = g_key_file_get_string_list (c->keyfile, c->group->name, key, NULL, NULL);

  for (guint i = 0; list != NULL && list[i] != NULL; i++)
    {
      gchar *item = g_strstrip (list[i]);
      LmnEndpoint e = { 0 };
      static const guint8 zero[16];

      if (item[0] == '\0')
        continue;
      if (!parse_address (item, &e))
        return fail (c, key, error, LMN_SERVER_CONFIG_ERROR_INVALID,
                     "'%s' is not an IPv4 or IPv6 address", item);
      if (memcmp (e.addr, zero, sizeof zero) == 0)
        return fail (c, key, error, LMN_SERVER_CONFIG_ERROR_INVALID,
                     "'%s' is no address to send to", item);
      for (guint j = 0; j < out->len; j++)
        if (lmn_endpoint_same_host (&g_array_index (out, LmnEndpoint, j), &e))
          return fail (c, key, error, LMN_SERVER_CONFIG_ERROR_INVALID, "'%s' is listed twice",
                       item);
      g_array_append_val (out, e);
    }
  return TRUE;
}

/* [map-server]: what the map-server tells nodes behind NAT, and the key it shares with the
 * RTRs it lists. */
static gboolean
parse_map_server (const Ctx *c, LmnServerConfig *config, GError **error)
{
  if (!check_keys (c, map_server_keys, error) || !get_addresses (c, "rtrs", config->rtrs, error))
    return FALSE;
  if (has_key (c, "rtr-key"))
    {
      if (!get_key (c, "rtr-key", &config->rtr_key, error))
        return FALSE;
      if (config->rtrs->len == 0)
        return fail (c, "rtr-key", error, LMN_SERVER_CONFIG_ERROR_MISSING,
                     "set without rtrs= (the RTRs that share it)");
    }
  return TRUE;
}

/* [rtr]: lispmn-server as the RTR of nodes behind NAT (rtr.h). */
static gboolean
parse_rtr (const Ctx *c, LmnServerConfig *config, GError **error)
{
  LmnServerRtrConfig *rtr = g_new0 (LmnServerRtrConfig, 1);

  config->rtr = rtr;
  rtr->addresses = g_array_new (FALSE, TRUE, sizeof (LmnEndpoint));
  rtr->map_servers = g_array_new (FALSE, TRUE, sizeof (LmnEndpoint));
  rtr->max_unverified = LMN_SERVER_RTR_MAX_UNVERIFIED;
  if (!check_keys (c, rtr_keys, error) || !get_addresses (c, "address", rtr->addresses, error) ||
      !get_addresses (c, "map-servers", rtr->map_servers, error))
    return FALSE;
  if (rtr->addresses->len == 0)
    return fail (c, "address", error, LMN_SERVER_CONFIG_ERROR_MISSING,
                 "required (the RTR's own addresses, which the map-server lists in rtrs=)");
  if (rtr->map_servers->len == 0)
    return fail (c, "map-servers", error, LMN_SERVER_CONFIG_ERROR_MISSING,
                 "required (the map-servers it may relay Map-Registers to)");
  if (has_key (c, "ms-key") && !get_key (c, "ms-key", &rtr->ms_key, error))
    return FALSE;
  if (has_key (c, "max-unverified"))
    {
      guint64 n;

      if (!get_number (c, "max-unverified", LMN_SERVER_RTR_MAX_UNVERIFIED_LIMIT, &n, error))
        return FALSE;
      if (n == 0)
        return fail (c, "max-unverified", error, LMN_SERVER_CONFIG_ERROR_INVALID,
                     "0 (1-%u): no node could register", LMN_SERVER_RTR_MAX_UNVERIFIED_LIMIT);
      rtr->max_unverified = (guint) n;
    }
  return TRUE;
}

static void
rtr_config_free (LmnServerRtrConfig *rtr)
{
  if (rtr == NULL)
    return;
  g_array_unref (rtr->addresses);
  g_array_unref (rtr->map_servers);
  lmn_secret_free (rtr->ms_key);
  g_free (rtr);
}

static gboolean
parse_algorithm (const Ctx *c, const char *key, LispAuthAlg *out, GError **error)
{
  g_autofree gchar *text = NULL;

  if (!has_key (c, key))
    {
      *out = LISP_AUTH_HMAC_SHA256_128;
      return TRUE;
    }
  if (!get_string (c, key, &text, error))
    return FALSE;
  if (!lisp_auth_alg_from_setting (text, out))
    return fail (c, key, error, LMN_SERVER_CONFIG_ERROR_INVALID,
                 "'%s' is not hmac-sha-256 or hmac-sha-1", text);
  return TRUE;
}

/* key / key-id / algorithm, or the same with the "key2" prefix. */
static gboolean
parse_key (const Ctx *c, LmnSite *site, const char *prefix, gboolean required, GError **error)
{
  g_autofree gchar *key_key = g_strdup (prefix);
  g_autofree gchar *id_key = g_strdup_printf ("%s-id", prefix);
  g_autofree gchar *alg_key = g_str_equal (prefix, "key") ? g_strdup ("algorithm")
                                                           : g_strdup_printf ("%s-algorithm", prefix);
  g_autoptr(LmnSecret) secret = NULL;
  guint64 key_id = 0;
  LispAuthAlg alg = LISP_AUTH_HMAC_SHA256_128;

  if (!has_key (c, key_key))
    {
      if (required)
        return fail (c, NULL, error, LMN_SERVER_CONFIG_ERROR_MISSING,
                     "no key= (the password this site's xTRs register with)");
      if (has_key (c, id_key) || has_key (c, alg_key))
        return fail (c, has_key (c, id_key) ? id_key : alg_key, error,
                     LMN_SERVER_CONFIG_ERROR_MISSING, "set without %s=", key_key);
      return TRUE;
    }
  if (!get_key (c, key_key, &secret, error))
    return FALSE;
  if (has_key (c, id_key) && !get_number (c, id_key, 255, &key_id, error))
    return FALSE;
  if (!parse_algorithm (c, alg_key, &alg, error))
    return FALSE;
  for (guint i = 0; i < site->keys->len; i++)
    if (((LmnSiteKey *) g_ptr_array_index (site->keys, i))->key_id == key_id)
      return fail (c, has_key (c, id_key) ? id_key : key_key, error,
                   LMN_SERVER_CONFIG_ERROR_INVALID, "key ID %u is already used by key=%s",
                   (guint) key_id, has_key (c, id_key) ? "" : " (set a different key2-id=)");
  lmn_site_add_key (site, (guint8) key_id, alg, secret);
  return TRUE;
}

static gboolean
parse_site (const Ctx *c, LmnServerConfig *config, GError **error)
{
  const char *name = c->group->name + strlen ("site ");
  g_autoptr(LmnSite) site = NULL;
  g_auto(GStrv) prefixes = NULL;

  if (!check_keys (c, site_keys, error))
    return FALSE;
  if (name[0] == '\0' || strchr (name, ' ') != NULL)
    return fail (c, NULL, error, LMN_SERVER_CONFIG_ERROR_INVALID,
                 "a site name is one word: [site NAME]");
  site = lmn_site_new (name);
  if (!has_key (c, "eid-prefixes"))
    return fail (c, NULL, error, LMN_SERVER_CONFIG_ERROR_MISSING,
                 "no eid-prefixes= (the EID-prefixes this site may register)");
  prefixes = g_key_file_get_string_list (c->keyfile, c->group->name, "eid-prefixes", NULL, NULL);
  for (guint i = 0; prefixes != NULL && prefixes[i] != NULL; i++)
    {
      gchar *item = g_strstrip (prefixes[i]);
      g_autoptr(GError) local = NULL;
      const LispPrefix *claim;
      const LmnSite *other;
      LispPrefix p;

      if (item[0] == '\0')
        continue;
      if (!lisp_prefix_parse (item, &p, &local))
        return fail (c, "eid-prefixes", error, LMN_SERVER_CONFIG_ERROR_INVALID, "'%s': %s",
                     item, local->message);
      /* Two sites claiming the same space would make authorisation ambiguous. */
      claim = lmn_site_claims_overlap (c->claimed, &p, &other);
      if (claim != NULL)
        {
          g_autofree gchar *ot = lisp_prefix_to_string (claim);

          return fail (c, "eid-prefixes", error, LMN_SERVER_CONFIG_ERROR_INVALID,
                       "'%s' overlaps %s of [site %s]", item, ot, other->name);
        }
      g_array_append_val (site->prefixes, p);
    }
  if (site->prefixes->len == 0)
    return fail (c, "eid-prefixes", error, LMN_SERVER_CONFIG_ERROR_INVALID, "no prefix");
  if (!parse_key (c, site, "key", TRUE, error) || !parse_key (c, site, "key2", FALSE, error))
    return FALSE;
  if (has_key (c, "accept-more-specifics") &&
      !get_bool (c, "accept-more-specifics", &site->accept_more_specifics, error))
    return FALSE;
  if (has_key (c, "proxy-reply"))
    {
      g_autofree gchar *text = NULL;

      if (!get_string (c, "proxy-reply", &text, error))
        return FALSE;
      if (g_str_equal (text, "follow"))
        site->proxy_reply = LMN_PROXY_FOLLOW;
      else if (g_str_equal (text, "always"))
        site->proxy_reply = LMN_PROXY_ALWAYS;
      else if (g_str_equal (text, "never"))
        site->proxy_reply = LMN_PROXY_NEVER;
      else
        return fail (c, "proxy-reply", error, LMN_SERVER_CONFIG_ERROR_INVALID,
                     "'%s' is not follow, always or never", text);
    }
  if (has_key (c, "increasing-nonces") && !get_nonce_check (c, &site->increasing_nonces, error))
    return FALSE;
  lmn_site_claims_add (c->claimed, site);
  g_ptr_array_add (config->sites, g_steal_pointer (&site));
  return TRUE;
}

static void
proxy_config_free (LmnServerProxyConfig *proxy)
{
  if (proxy == NULL)
    return;
  g_ptr_array_unref (proxy->eids);
  g_ptr_array_unref (proxy->uplinks);
  g_free (proxy->tun);
  g_free (proxy);
}

/* A list key: its non-empty items, or an error when there are none. */
static GStrv
get_list (const Ctx *c, const char *key, GError **error)
{
  g_auto(GStrv) list = g_key_file_get_string_list (c->keyfile, c->group->name, key, NULL, NULL);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; list != NULL && list[i] != NULL; i++)
    if (g_strstrip (list[i])[0] != '\0')
      g_ptr_array_add (items, g_strdup (list[i]));
  if (items->len == 0)
    {
      fail (c, key, error, has_key (c, key) ? LMN_SERVER_CONFIG_ERROR_INVALID
                                            : LMN_SERVER_CONFIG_ERROR_MISSING,
            has_key (c, key) ? "empty list" : "required");
      return NULL;
    }
  g_ptr_array_add (items, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&items), FALSE);
}

static gboolean
parse_proxy (const Ctx *c, LmnServerConfig *config, GError **error)
{
  LmnServerProxyConfig *proxy;
  g_auto(GStrv) eids = NULL;
  g_auto(GStrv) uplinks = NULL;

  if (!check_keys (c, proxy_keys, error))
    return FALSE;
  eids = get_list (c, "eids", error);
  if (eids == NULL)
    return FALSE;
  uplinks = get_list (c, "uplinks", error);
  if (uplinks == NULL)
    return FALSE;
  proxy = g_new0 (LmnServerProxyConfig, 1);
  config->proxy = proxy;
  proxy->eids = g_ptr_array_new_with_free_func (g_free);
  proxy->uplinks = g_ptr_array_new_with_free_func (g_free);
  proxy->tun = g_strdup ("lispmn-px0");
  for (guint i = 0; eids[i] != NULL; i++)
    {
      LispPrefix p;
      g_autoptr(GError) local = NULL;

      if (strchr (eids[i], '[') != NULL || !lisp_prefix_parse (eids[i], &p, &local))
        return fail (c, "eids", error, LMN_SERVER_CONFIG_ERROR_INVALID,
                     "'%s' is not an IPv4 or IPv6 prefix", eids[i]);
      g_ptr_array_add (proxy->eids, g_strdup (eids[i]));
    }
  for (guint i = 0; uplinks[i] != NULL; i++)
    {
      g_autofree gchar *reason = lmn_interface_name_check (uplinks[i]);

      if (reason != NULL)
        return fail (c, "uplinks", error, LMN_SERVER_CONFIG_ERROR_INVALID, "%s", reason);
      g_ptr_array_add (proxy->uplinks, g_strdup (uplinks[i]));
    }
  if (has_key (c, "tun"))
    {
      g_free (proxy->tun);
      proxy->tun = NULL;
      g_autofree gchar *reason = NULL;

      if (!get_string (c, "tun", &proxy->tun, error))
        return FALSE;
      reason = lmn_interface_name_check (proxy->tun);
      if (reason != NULL)
        return fail (c, "tun", error, LMN_SERVER_CONFIG_ERROR_INVALID, "%s", reason);
    }
  if (has_key (c, "map-resolver"))
    {
      g_autofree gchar *text = NULL;
      LmnEndpoint *e = &proxy->map_resolver;

      if (!get_string (c, "map-resolver", &text, error))
        return FALSE;
      if (!parse_address (text, e))
        return fail (c, "map-resolver", error, LMN_SERVER_CONFIG_ERROR_INVALID,
                     "'%s' is not an IPv4 or IPv6 address", text);
    }
  if (has_key (c, "map-cache-limit"))
    {
      guint64 n;

      /* The range is lispmnd.conf's, checked where the node's configuration is made. */
      if (!get_number (c, "map-cache-limit", G_MAXUINT32, &n, error))
        return FALSE;
      proxy->has_map_cache_limit = TRUE;
      proxy->map_cache_limit = n;
    }
  return TRUE;
}

/* Without map-resolver=, the proxy asks this server at its first listen= address; the
 * wildcard is no address to send to. */
static gboolean
default_proxy_resolver (LmnServerConfig *config, const char *name, GError **error)
{
  static const guint8 zero[16];

  if (config->proxy == NULL || config->proxy->map_resolver.family != 0)
    return TRUE;
  for (guint i = 0; i < config->listen->len; i++)
    {
      const LmnEndpoint *e = &g_array_index (config->listen, LmnEndpoint, i);

      if (memcmp (e->addr, zero, e->family == LISP_FAMILY_IPV4 ? 4 : 16) != 0)
        {
          config->proxy->map_resolver = *e;
          return TRUE;
        }
    }
  g_set_error (error, LMN_SERVER_CONFIG_ERROR, LMN_SERVER_CONFIG_ERROR_MISSING,
               "%s: [proxy] map-resolver: required when [lispmn-server] listen= has no "
               "address of its own (the proxy sends its Map-Requests there)", name);
  return FALSE;
}

/* One [group] of the file. */
static gboolean
parse_group (const Ctx *c, LmnServerConfig *config, GError **error)
{
  const char *name = c->group->name;

  if (g_str_equal (name, "lispmn-server"))
    return parse_main (c, config, error);
  if (g_str_has_prefix (name, "site "))
    return parse_site (c, config, error);
  if (g_str_equal (name, "site"))
    return fail (c, NULL, error, LMN_SERVER_CONFIG_ERROR_INVALID,
                 "a site needs a name: [site NAME]");
  if (g_str_equal (name, "proxy"))
    return parse_proxy (c, config, error);
  if (g_str_equal (name, "map-server"))
    return parse_map_server (c, config, error);
  if (g_str_equal (name, "rtr"))
    return parse_rtr (c, config, error);
  return fail (c, NULL, error, LMN_SERVER_CONFIG_ERROR_UNKNOWN,
               "unknown group (known: [lispmn-server], [map-server], [site NAME], [proxy], "
               "[rtr])");
}

/* What the groups require of each other. */
static gboolean
check_together (LmnServerConfig *config, const char *name, GError **error)
{
  GQuark domain = LMN_SERVER_CONFIG_ERROR;

  /* The RTR forwards what it decapsulates through the proxy's TUN and uplinks. */
  if (config->rtr != NULL && config->proxy == NULL)
    {
      g_set_error (error, domain, LMN_SERVER_CONFIG_ERROR_MISSING,
                   "%s: [rtr] needs a [proxy] group: the RTR forwards its nodes' traffic "
                   "through the proxy-ETR/ITR's data plane",
                   name);
      return FALSE;
    }
  /* An RTR alone (no site: no map-server here) must be told where the map-resolver is. */
  if (config->sites->len == 0 && config->rtr != NULL && config->proxy->map_resolver.family == 0)
    {
      g_set_error (error, domain, LMN_SERVER_CONFIG_ERROR_MISSING,
                   "%s: [proxy] map-resolver: required for an RTR without [site NAME] groups "
                   "(there is no map-resolver here)",
                   name);
      return FALSE;
    }
  if (!default_proxy_resolver (config, name, error))
    return FALSE;
  if (config->sites->len == 0 && config->rtr == NULL)
    {
      g_set_error (error, domain, LMN_SERVER_CONFIG_ERROR_MISSING,
                   "%s: no [site NAME] group: nothing may register (only an RTR may run "
                   "without)",
                   name);
      return FALSE;
    }
  return TRUE;
}

void
lmn_server_config_free (LmnServerConfig *config)
{
  if (config == NULL)
    return;
  proxy_config_free (config->proxy);
  rtr_config_free (config->rtr);
  lmn_secret_free (config->rtr_key);
  g_array_unref (config->rtrs);
  g_free (config->path);
  g_array_unref (config->listen);
  g_ptr_array_unref (config->sites);
  g_free (config);
}

LmnServerConfig *
lmn_server_config_load_data (const char *data, gsize len, const char *name, GError **error)
{
  g_autoptr(LmnServerConfig) config = g_new0 (LmnServerConfig, 1);
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(LmnSiteClaims) claimed = lmn_site_claims_new ();
  LmnEndpoint any4 = { .family = LISP_FAMILY_IPV4 }, any6 = { .family = LISP_FAMILY_IPV6 };

  if (data == NULL)   /* an empty file may come as NULL */
    data = "";
  config->path = g_strdup (name);
  config->listen = g_array_new (FALSE, TRUE, sizeof (LmnEndpoint));
  config->sites = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_site_free);
  config->rtrs = g_array_new (FALSE, TRUE, sizeof (LmnEndpoint));
  config->port = 4342;
  config->notify_retry = LMN_MS_NOTIFY_RETRY;
  config->answer_rate = LMN_MS_ANSWER_RATE;
  config->answer_total_rate = LMN_MS_ANSWER_TOTAL_RATE;
  g_array_append_val (config->listen, any4);
  g_array_append_val (config->listen, any6);

  groups = scan (data, len, name, error);
  if (groups == NULL)
    return NULL;
  if (!g_key_file_load_from_data (keyfile, data, len, G_KEY_FILE_NONE, &local))
    {
      /* GKeyFile's messages quote the offending line; it may hold a secret. */
      g_set_error (error, LMN_SERVER_CONFIG_ERROR, LMN_SERVER_CONFIG_ERROR_SYNTAX,
                   "%s: not a key file (GKeyFile syntax)", name);
      return NULL;
    }
  for (guint i = 0; i < groups->len; i++)
    {
      Ctx c = { name, keyfile, g_ptr_array_index (groups, i), claimed };

      if (!parse_group (&c, config, error))
        return NULL;
    }
  if (!check_together (config, name, error))
    return NULL;
  return g_steal_pointer (&config);
}

/* Whether the configuration holds a key: a site's, the MS-RTR key on either side. */
static gboolean
holds_keys (const LmnServerConfig *config)
{
  return config->sites->len > 0 || config->rtr_key != NULL ||
         (config->rtr != NULL && config->rtr->ms_key != NULL);
}

LmnServerConfig *
lmn_server_config_load (const char *path, GError **error)
{
  g_autofree gchar *data = NULL;
  g_autoptr(LmnServerConfig) config = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  if (len > MAX_FILE_SIZE)
    {
      g_set_error (error, LMN_SERVER_CONFIG_ERROR, LMN_SERVER_CONFIG_ERROR_SYNTAX,
                   "%s: %zu bytes: too big for a configuration file", path, len);
      return NULL;
    }
  config = lmn_server_config_load_data (data, len, path, error);
  if (config != NULL && holds_keys (config) && !lmn_private_file_check (path, error))
    return NULL;
  return g_steal_pointer (&config);
}
