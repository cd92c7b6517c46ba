/* lispmnd's configuration file: GKeyFile syntax checked by GKeyFile, then every group and
 * key checked here. GKeyFile does not say on which line a key sits, so the file text is
 * scanned a second time to attach a line to every group and key; each error then reads
 * "FILE:LINE: [GROUP] KEY: reason". */
#include "lispmnd-config.h"

#include "lisp-message.h"
#include "lisp-action.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

G_DEFINE_QUARK (lmn-config-error-quark, lmn_config_error)

/* A configuration file is a few hundred bytes; anything this big is the wrong file. */
#define MAX_FILE_SIZE (1024 * 1024)

#define DEFAULT_TUN            "lispmn0"
#define DEFAULT_ROUTE_METRIC   50
#define DEFAULT_QUEUE_LENGTH   16
#define DEFAULT_PRIORITY       1
#define DEFAULT_WEIGHT         100
#define MAX_INSTANCE_ID        LMN_CONFIG_MAX_INSTANCE_ID  /* 24 bits: the data-plane header's field */
#define MAX_QUEUE_LENGTH       1024
#define MIN_MTU_IPV4           LMN_CONFIG_MIN_MTU_IPV4
#define MIN_MTU_IPV6           LMN_CONFIG_MIN_MTU_IPV6
/* RLOC-probing (PROTOCOL.md §2.8): a minute suits a battery-powered node; a day at most. */
#define DEFAULT_RLOC_PROBE_INTERVAL 60
#define MAX_RLOC_PROBE_INTERVAL     86400

typedef enum {
  GROUP_LISPMND,
  GROUP_UPLINK,
  GROUP_MAP_SERVER,
  GROUP_MAPPING,
} GroupKind;

static const struct {
  const char *kind;
  const char *argument;  /* what follows the kind in the group name; NULL: nothing */
  const char *keys[16];
} group_kinds[] = {
  [GROUP_LISPMND] = { "lispmnd", NULL,
                      { "mode", "eids", "instance-id", "tun", "mtu", "manage-addresses",
                        "routes", "route-metric", "queue-length", "map-resolvers",
                        "proxy-etrs", "rloc-probe-interval", NULL } },
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

/* ---- where things are in the file ---- */

typedef struct {
  gchar *name;
  guint  line;
} ScanKey;

typedef struct {
  gchar     *name;      /* as GKeyFile reports it: the text between '[' and the last ']' */
  guint      line;
  GroupKind  kind;
  const char *argument; /* points into name: "wlan0" of "uplink wlan0" */
  GArray    *keys;      /* ScanKey, in file order */
} ScanGroup;

static void
scan_key_clear (gpointer data)
{
  ScanKey *k = data;

  g_free (k->name);
}

static void
scan_group_free (gpointer data)
{
  ScanGroup *g = data;

  g_free (g->name);
  g_array_unref (g->keys);
  g_free (g);
}

typedef struct {
  const char *file;     /* the name errors start with */
  GKeyFile   *keyfile;
  GPtrArray  *groups;   /* ScanGroup*, in file order */
} Parser;

/* One key being checked: enough to build "FILE:LINE: [GROUP] KEY: " and a hint. */
typedef struct {
  const Parser    *parser;
  const ScanGroup *group;
  const char      *key;    /* NULL for an error about the group itself */
  guint            line;   /* the key's line; the group's when the key is absent */
  const char      *value;  /* for the comment hint; never set for a map-server key */
} Where;

static gboolean where_fail (const Where *w, GError **error, LmnConfigError code,
                            const char *format, ...) G_GNUC_PRINTF (4, 5);

static gboolean
where_fail (const Where *w, GError **error, LmnConfigError code, const char *format, ...)
{
  g_autofree gchar *reason = NULL;
  const char *hint = "";
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  /* GKeyFile has no trailing comments: "mode=xtr  # site router" is all value. */
  if (w->value != NULL && strchr (w->value, '#') != NULL)
    hint = " (a '#' starts a comment only at the start of a line)";

  if (w->key != NULL)
    g_set_error (error, LMN_CONFIG_ERROR, code, "%s:%u: [%s] %s: %s%s", w->parser->file,
                 w->line, w->group->name, w->key, reason, hint);
  else
    g_set_error (error, LMN_CONFIG_ERROR, code, "%s:%u: [%s]: %s%s", w->parser->file,
                 w->line, w->group->name, reason, hint);
  return FALSE;
}

static Where
where_group (const Parser *p, const ScanGroup *g)
{
  return (Where) { .parser = p, .group = g, .line = g->line };
}

static Where
where_key (const Parser *p, const ScanGroup *g, const char *key)
{
  Where w = { .parser = p, .group = g, .key = key, .line = g->line };

  for (guint i = 0; i < g->keys->len; i++)
    {
      const ScanKey *k = &g_array_index (g->keys, ScanKey, i);

      if (g_str_equal (k->name, key))
        {
          w.line = k->line;
          break;
        }
    }
  return w;
}

static gboolean
group_has_key (const ScanGroup *g, const char *key)
{
  for (guint i = 0; i < g->keys->len; i++)
    if (g_str_equal (g_array_index (g->keys, ScanKey, i).name, key))
      return TRUE;
  return FALSE;
}

static guint
count_lines (const char *data, gsize upto)
{
  guint line = 1;

  for (gsize i = 0; i < upto; i++)
    if (data[i] == '\n')
      line++;
  return line;
}

/* The lines as GKeyFile sees them: split at '\n', a '\r' before it dropped, leading
 * whitespace skipped; trailing whitespace trimmed too (GKeyFile ignores it after ']'). */
static gchar **
split_lines (const char *data, gsize len)
{
  g_autofree gchar *text = g_strndup (data, len);
  gchar **lines = g_strsplit (text, "\n", -1);

  for (gchar **l = lines; *l != NULL; l++)
    g_strstrip (*l);
  return lines;
}

static gboolean
line_is_comment (const char *line)
{
  return line[0] == '\0' || line[0] == '#';
}

/* Called on text GKeyFile accepted, so every line is a comment, a group or a key. */
static GPtrArray *
scan_groups (const char *data, gsize len)
{
  g_auto(GStrv) lines = split_lines (data, len);
  GPtrArray *groups = g_ptr_array_new_with_free_func (scan_group_free);
  ScanGroup *current = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (line_is_comment (line))
        continue;
      if (line[0] == '[')
        {
          const char *close = strrchr (line, ']');
          gsize name_len = close != NULL ? (gsize) (close - line - 1) : strlen (line + 1);

          current = g_new0 (ScanGroup, 1);
          current->name = g_strndup (line + 1, name_len);
          current->line = i + 1;
          current->keys = g_array_new (FALSE, TRUE, sizeof (ScanKey));
          g_array_set_clear_func (current->keys, scan_key_clear);
          g_ptr_array_add (groups, current);
        }
      else if (current != NULL)
        {
          const char *eq = strchr (line, '=');
          ScanKey k = { 0 };

          if (eq == NULL)
            continue;
          k.name = g_strndup (line, eq - line);
          g_strchomp (k.name);
          k.line = i + 1;
          g_array_append_val (current->keys, k);
        }
    }
  return groups;
}

/* GKeyFile names no line in its syntax errors. Loading longer and longer heads of the file
 * finds the first line it refuses (once a line fails, every longer head fails too). */
static guint
find_syntax_error_line (const char *data, gsize len)
{
  g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (gsize));
  guint ok = 0, bad;

  for (gsize i = 0; i < len; i++)
    if (data[i] == '\n')
      g_array_append_val (ends, i);
  if (len > 0 && data[len - 1] != '\n')
    g_array_append_val (ends, len);
  bad = ends->len;
  if (bad == 0)
    return 0;

  while (bad - ok > 1)
    {
      guint mid = ok + (bad - ok) / 2;
      g_autoptr(GKeyFile) head = g_key_file_new ();

      if (g_key_file_load_from_data (head, data, g_array_index (ends, gsize, mid - 1),
                                     G_KEY_FILE_NONE, NULL))
        ok = mid;
      else
        bad = mid;
    }
  return bad;
}

/* The group a line belongs to, to know whether quoting that line could show a key. */
static gboolean
line_in_map_server_group (const char *data, gsize len, guint line)
{
  g_auto(GStrv) lines = split_lines (data, len);
  gboolean in_map_server = FALSE;

  for (guint i = 0; lines[i] != NULL && i + 1 < line; i++)
    if (lines[i][0] == '[')
      in_map_server = g_str_has_prefix (lines[i], "[map-server");
  return in_map_server;
}

static gboolean
check_syntax (const char *data, gsize len, const char *file, GKeyFile *keyfile, GError **error)
{
  const gchar *end = NULL;
  g_autoptr(GError) local = NULL;
  guint line;

  /* GKeyFile would accept bytes that are not text and only trip over them later. */
  if (!g_utf8_validate (data, len, &end))
    {
      g_set_error (error, LMN_CONFIG_ERROR, LMN_CONFIG_ERROR_SYNTAX, "%s:%u: %s", file,
                   count_lines (data, end - data),
                   *end == '\0' ? "contains a NUL byte (not a text file)"
                                : "is not UTF-8 text");
      return FALSE;
    }

  if (g_key_file_load_from_data (keyfile, data, len, G_KEY_FILE_NONE, &local))
    return TRUE;

  line = find_syntax_error_line (data, len);
  if (line == 0)
    g_set_error (error, LMN_CONFIG_ERROR, LMN_CONFIG_ERROR_SYNTAX, "%s: %s", file,
                 local->message);
  else if (line_in_map_server_group (data, len, line))
    /* GKeyFile quotes the line, which there may be a key missing its "key=". */
    g_set_error (error, LMN_CONFIG_ERROR, LMN_CONFIG_ERROR_SYNTAX,
                 "%s:%u: not a KEY=VALUE line, a [GROUP] header or a comment "
                 "(the line is not shown: it may hold a key)", file, line);
  else
    g_set_error (error, LMN_CONFIG_ERROR, LMN_CONFIG_ERROR_SYNTAX, "%s:%u: %s", file, line,
                 local->message);
  return FALSE;
}

/* ---- spelling suggestions ---- */

static guint
edit_distance (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = g_new (guint, lb + 1);

  for (gsize j = 0; j <= lb; j++)
    row[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diagonal = row[0];

      row[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint above = row[j];
          guint cost = a[i - 1] == b[j - 1] ? 0 : 1;

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + cost);
          diagonal = above;
        }
    }
  return row[lb];
}

/* The closest candidate if it is close enough to be a typo of word, else NULL. */
static const char *
closest (const char *word, const char * const *candidates)
{
  const char *best = NULL;
  guint best_distance = G_MAXUINT;

  for (guint i = 0; candidates[i] != NULL; i++)
    {
      guint d = edit_distance (word, candidates[i]);

      if (d < best_distance)
        {
          best = candidates[i];
          best_distance = d;
        }
    }
  if (best != NULL && best_distance <= 2 && best_distance * 3 <= strlen (best))
    return best;
  return NULL;
}

/* ---- values ---- */

static gboolean
parse_decimal (const char *text, guint64 max, guint64 *out)
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

gboolean
lmn_ip_parse (const char *text, LmnIp *out, GError **error)
{
  LmnIp ip = { 0 };

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (strchr (text, ':') != NULL)
    {
      ip.family = LISP_FAMILY_IPV6;
      if (inet_pton (AF_INET6, text, ip.addr) != 1)
        ip.family = 0;
    }
  else
    {
      ip.family = LISP_FAMILY_IPV4;
      if (inet_pton (AF_INET, text, ip.addr) != 1)
        ip.family = 0;
    }
  if (ip.family == 0)
    {
      g_set_error (error, LMN_CONFIG_ERROR, LMN_CONFIG_ERROR_INVALID,
                   "'%s' is not an IPv4 or IPv6 address", text);
      return FALSE;
    }
  *out = ip;
  return TRUE;
}

gchar *
lmn_ip_to_string (const LmnIp *ip)
{
  char buf[INET6_ADDRSTRLEN];

  g_return_val_if_fail (ip != NULL, NULL);

  if (ip->family == LISP_FAMILY_IPV4)
    return g_strdup (inet_ntop (AF_INET, ip->addr, buf, sizeof buf));
  if (ip->family == LISP_FAMILY_IPV6)
    return g_strdup (inet_ntop (AF_INET6, ip->addr, buf, sizeof buf));
  return g_strdup_printf ("(family %u)", ip->family);
}

static gboolean
lmn_ip_equal (const LmnIp *a, const LmnIp *b)
{
  return a->family == b->family && memcmp (a->addr, b->addr, 16) == 0;
}

/* The address of a map-server, map-resolver, proxy-ETR or locator: one host that packets
 * go to, so not 0.0.0.0, ::, a broadcast or a multicast address. NULL or the reason. */
static gchar *
parse_unicast (const char *text, LmnIp *ip)
{
  static const guint8 zero[16] = { 0 };

  if (!lmn_ip_parse (text, ip, NULL))
    return g_strdup_printf ("'%s' is not an IPv4 or IPv6 address", text);
  if (ip->family == LISP_FAMILY_IPV4
      ? (memcmp (ip->addr, zero, 4) == 0 || ip->addr[0] >= 224)
      : (memcmp (ip->addr, zero, 16) == 0 || ip->addr[0] == 0xff))
    return g_strdup_printf ("'%s' is not a unicast address", text);
  return NULL;
}

static gchar *
check_interface_name (const char *name)
{
  gsize len = strlen (name);
  gboolean ok = len >= 1 && len <= 15 && !g_str_equal (name, ".") && !g_str_equal (name, "..");

  /* The kernel's own rules (dev_valid_name). */
  for (const char *s = name; ok && *s != '\0'; s++)
    if (*s == '/' || *s == ':' || g_ascii_isspace (*s))
      ok = FALSE;
  if (!ok)
    return g_strdup_printf ("'%s' is not an interface name "
                            "(1-15 characters, no '/', ':' or whitespace)", name);
  return NULL;
}

/* A prefix the way the configuration writes it: no "[IID]" (instance-id= sets it for all)
 * and no bits past the length (a typo there would silently widen or move the prefix). */
static gchar *
parse_prefix (const char *text, guint32 iid, LispPrefix *p)
{
  g_autofree gchar *address = NULL;
  const char *slash;
  LmnIp ip;

  if (text[0] == '[')
    return g_strdup_printf ("'%s' is not an IPv4 or IPv6 prefix "
                            "(the instance ID is set by instance-id, not in brackets)", text);
  if (!lisp_prefix_parse (text, p, NULL))
    {
      slash = strchr (text, '/');
      address = g_strndup (text, slash != NULL ? (gsize) (slash - text) : strlen (text));
      if (lmn_ip_parse (address, &ip, NULL))
        return g_strdup_printf ("'%s' is not an IPv4 or IPv6 prefix (the length is 0-%u)",
                                text, ip.family == LISP_FAMILY_IPV4 ? 32 : 128);
      return g_strdup_printf ("'%s' is not an IPv4 or IPv6 prefix", text);
    }

  slash = strchr (text, '/');
  address = g_strndup (text, slash != NULL ? (gsize) (slash - text) : strlen (text));
  if (lmn_ip_parse (address, &ip, NULL) && memcmp (ip.addr, p->addr, 16) != 0)
    {
      g_autofree gchar *meant = lisp_prefix_to_string (p);

      return g_strdup_printf ("'%s' has bits set past the prefix length (did you mean '%s'?)",
                              text, meant);
    }
  p->iid = iid;
  return NULL;
}

/* "ADDRESS [PRIORITY [WEIGHT]]"; what names the list's entries in messages. */
static gchar *
parse_locator (const char *entry, const char *what, LispMapLocator *loc)
{
  g_auto(GStrv) words = g_strsplit_set (entry, " \t", -1);
  const char *parts[3] = { NULL };
  guint n = 0;
  guint64 priority = DEFAULT_PRIORITY, weight = DEFAULT_WEIGHT;
  g_autofree gchar *reason = NULL;
  LmnIp ip;

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (n == G_N_ELEMENTS (parts))
        return g_strdup_printf ("%s '%s': too many words (ADDRESS [PRIORITY [WEIGHT]])",
                                what, entry);
      parts[n++] = words[i];
    }

  reason = parse_unicast (parts[0], &ip);
  if (reason != NULL)
    return g_strdup_printf ("%s '%s': %s", what, entry, reason);
  if (parts[1] != NULL && !parse_decimal (parts[1], G_MAXUINT8, &priority))
    return g_strdup_printf ("%s '%s': '%s' is not a priority (0-255)", what, entry, parts[1]);
  if (parts[2] != NULL && !parse_decimal (parts[2], G_MAXUINT8, &weight))
    return g_strdup_printf ("%s '%s': '%s' is not a weight (0-255)", what, entry, parts[2]);

  /* Static locators start out usable; probing may say otherwise later. */
  lisp_map_locator_init (loc, ip.family, ip.addr, (guint8) priority, (guint8) weight, TRUE);
  return NULL;
}

/* ---- reading keys ---- */

/* The value of key with surrounding whitespace removed; *out is NULL when the key is absent.
 * w is filled for the error messages about this key. */
static gboolean
get_string (const Parser *p, const ScanGroup *g, const char *key, Where *w, gchar **out,
            GError **error)
{
  g_autoptr(GError) local = NULL;
  gchar *value;

  *w = where_key (p, g, key);
  *out = NULL;
  if (!group_has_key (g, key))
    return TRUE;
  /* GKeyFile returns a value and an error for a bad escape sequence. */
  value = g_key_file_get_string (p->keyfile, g->name, key, &local);
  if (local != NULL)
    {
      g_free (value);
      return where_fail (w, error, LMN_CONFIG_ERROR_INVALID,
                       "bad escape sequence (known: \\s \\n \\t \\r \\\\)");
    }
  *out = g_strstrip (value);
  w->value = value;
  return TRUE;
}

/* The ';'-separated entries of key, each stripped; *out is NULL when the key is absent. */
static gboolean
get_list (const Parser *p, const ScanGroup *g, const char *key, Where *w, gchar ***out,
          GError **error)
{
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) list = NULL;

  *w = where_key (p, g, key);
  *out = NULL;
  if (!group_has_key (g, key))
    return TRUE;
  list = g_key_file_get_string_list (p->keyfile, g->name, key, NULL, &local);
  /* An empty value is an empty list, not an error. */
  if (g_error_matches (local, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE))
    return where_fail (w, error, LMN_CONFIG_ERROR_INVALID,
                       "bad escape sequence (known: \\s \\n \\t \\r \\\\ \\;)");
  if (list == NULL)
    list = g_new0 (gchar *, 1);
  for (guint i = 0; list[i] != NULL; i++)
    {
      g_strstrip (list[i]);
      if (list[i][0] == '\0')
        return where_fail (w, error, LMN_CONFIG_ERROR_INVALID,
                           "entry %u is empty (entries are separated by ';')", i + 1);
    }
  *out = g_steal_pointer (&list);
  return TRUE;
}

/* An unsigned number in 0..max; noun names it in "'300' is not a priority (0-255)". */
static gboolean
get_number (const Parser *p, const ScanGroup *g, const char *key, const char *noun,
            guint64 max, guint64 *inout, GError **error)
{
  g_autofree gchar *text = NULL;
  Where w;

  if (!get_string (p, g, key, &w, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  if (!parse_decimal (text, max, inout))
    return where_fail (&w, error, LMN_CONFIG_ERROR_INVALID,
                       "'%s' is not %s (0-%" G_GUINT64_FORMAT ")", text, noun, max);
  return TRUE;
}

/* ---- groups ---- */

static gboolean
parse_lispmnd (const Parser *p, const ScanGroup *g, LmnConfig *c, GError **error)
{
  g_autofree gchar *mode = NULL, *tun = NULL, *mtu = NULL, *manage = NULL;
  g_auto(GStrv) eids = NULL, routes = NULL, resolvers = NULL, petrs = NULL;
  guint64 number;
  gboolean any_ipv6 = FALSE;
  Where w;

  if (!get_string (p, g, "mode", &w, &mode, error))
    return FALSE;
  if (mode == NULL || g_str_equal (mode, "mobile-node"))
    c->mode = LMN_MODE_MOBILE_NODE;
  else if (g_str_equal (mode, "xtr"))
    c->mode = LMN_MODE_XTR;
  else if (g_str_equal (mode, "proxy"))
    c->mode = LMN_MODE_PROXY;
  else
    return where_fail (&w, error, LMN_CONFIG_ERROR_INVALID,
                       "'%s' is not a mode (mobile-node, xtr, proxy)", mode);

  number = 0;
  if (!get_number (p, g, "instance-id", "an instance ID", MAX_INSTANCE_ID, &number, error))
    return FALSE;
  c->instance_id = (guint32) number;

  if (!get_list (p, g, "eids", &w, &eids, error))
    return FALSE;
  if (eids == NULL)
    return where_fail (&w, error, LMN_CONFIG_ERROR_MISSING, "missing");
  if (eids[0] == NULL)
    return where_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "no EID (at least one is needed)");
  for (guint i = 0; eids[i] != NULL; i++)
    {
      g_autofree gchar *reason = NULL;
      LispPrefix eid;

      reason = parse_prefix (eids[i], c->instance_id, &eid);
      if (reason != NULL)
        return where_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
      if (c->mode == LMN_MODE_MOBILE_NODE
          && eid.len != (eid.family == LISP_FAMILY_IPV4 ? 32 : 128))
        return where_fail (&w, error, LMN_CONFIG_ERROR_INVALID,
                           "'%s' is not a host prefix (a mobile node's EIDs are /32 or /128)",
                           eids[i]);
      for (guint j = 0; j < c->eids->len; j++)
        if (lisp_prefix_equal (&g_array_index (c->eids, LispPrefix, j), &eid))
          return where_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "'%s' is listed twice",
                             eids[i]);
      any_ipv6 |= eid.family == LISP_FAMILY_IPV6;
      g_array_append_val (c->eids, eid);
    }

  if (!get_string (p, g, "tun", &w, &tun, error))
    return FALSE;
  if (tun != NULL)
    {
      g_autofree gchar *reason = check_interface_name (tun);

      if (reason != NULL)
        return where_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
      g_free (c->tun_name);
      c->tun_name = g_steal_pointer (&tun);
    }

  if (!get_string (p, g, "mtu", &w, &mtu, error))
    return FALSE;
  if (mtu != NULL)
    {
      if (!parse_decimal (mtu, G_MAXUINT16, &number) || (number != 0 && number < MIN_MTU_IPV4))
        return where_fail (&w, error, LMN_CONFIG_ERROR_INVALID,
                           "'%s' is not an MTU (0 or %u-65535)", mtu, MIN_MTU_IPV4);
      /* IPv6 needs every link to carry 1280 bytes (RFC 8200 §5). */
      if (any_ipv6 && number != 0 && number < MIN_MTU_IPV6)
        return where_fail (&w, error, LMN_CONFIG_ERROR_INVALID,
                           "'%s' is too small for IPv6 EIDs (0 or %u-65535)", mtu, MIN_MTU_IPV6);
      c->mtu = (guint) number;
    }

  if (!get_string (p, g, "manage-addresses", &w, &manage, error))
    return FALSE;
  if (manage != NULL)
    {
      if (g_str_equal (manage, "true") || g_str_equal (manage, "1"))
        c->manage_addresses = TRUE;
      else if (g_str_equal (manage, "false") || g_str_equal (manage, "0"))
        c->manage_addresses = FALSE;
      else
        return where_fail (&w, error, LMN_CONFIG_ERROR_INVALID,
                           "'%s' is not a boolean (true, false)", manage);
    }

  if (!get_list (p, g, "routes", &w, &routes, error))
    return FALSE;
  if (routes != NULL)
    {
      for (guint i = 0; routes[i] != NULL; i++)
        {
          g_autofree gchar *reason = lmn_config_add_route (c->routes, routes[i]);

          if (reason != NULL)
            return where_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
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

  number = DEFAULT_ROUTE_METRIC;
  if (!get_number (p, g, "route-metric", "a route metric", G_MAXUINT32, &number, error))
    return FALSE;
  c->route_metric = (guint) number;

  number = DEFAULT_RLOC_PROBE_INTERVAL;
  if (!get_number (p, g, "rloc-probe-interval", "an interval in seconds", MAX_RLOC_PROBE_INTERVAL,
                   &number, error))
    return FALSE;
  c->rloc_probe_interval = (guint) number;

  number = DEFAULT_QUEUE_LENGTH;
  if (!get_number (p, g, "queue-length", "a queue length", MAX_QUEUE_LENGTH, &number, error))
    return FALSE;
  c->queue_length = (guint) number;

  if (!get_list (p, g, "map-resolvers", &w, &resolvers, error))
    return FALSE;
  for (guint i = 0; resolvers != NULL && resolvers[i] != NULL; i++)
    {
      g_autofree gchar *reason = NULL;
      LmnIp ip;

      reason = parse_unicast (resolvers[i], &ip);
      if (reason != NULL)
        return where_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
      for (guint j = 0; j < c->map_resolvers->len; j++)
        if (lmn_ip_equal (&g_array_index (c->map_resolvers, LmnIp, j), &ip))
          return where_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "'%s' is listed twice",
                             resolvers[i]);
      g_array_append_val (c->map_resolvers, ip);
    }

  if (!get_list (p, g, "proxy-etrs", &w, &petrs, error))
    return FALSE;
  for (guint i = 0; petrs != NULL && petrs[i] != NULL; i++)
    {
      g_autofree gchar *reason = NULL;
      LispMapLocator loc;

      reason = parse_locator (petrs[i], "proxy-ETR", &loc);
      if (reason != NULL)
        return where_fail (&w, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
      for (guint j = 0; j < c->proxy_etrs->len; j++)
        if (lisp_map_locator_is (&g_array_index (c->proxy_etrs, LispMapLocator, j),
                                 loc.family, loc.addr))
          return where_fail (&w, error, LMN_CONFIG_ERROR_INVALID,
                             "proxy-ETR '%s': the address is listed twice", petrs[i]);
      g_array_append_val (c->proxy_etrs, loc);
    }
  return TRUE;
}

LmnUplinkConfig *
lmn_uplink_config_new (const char *interface)
{
  LmnUplinkConfig *u = g_new0 (LmnUplinkConfig, 1);

  u->interface = g_strdup (interface);
  u->priority = DEFAULT_PRIORITY;
  u->weight = DEFAULT_WEIGHT;
  return u;
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

static gboolean
parse_uplink (const Parser *p, const ScanGroup *g, LmnConfig *c, GError **error)
{
  g_autofree gchar *reason = check_interface_name (g->argument);
  Where wg = where_group (p, g);
  LmnUplinkConfig *u;
  guint64 priority = DEFAULT_PRIORITY, weight = DEFAULT_WEIGHT;

  if (reason != NULL)
    return where_fail (&wg, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
  if (g_str_equal (g->argument, c->tun_name))
    return where_fail (&wg, error, LMN_CONFIG_ERROR_INVALID,
                       "'%s' is the TUN device, not an uplink", g->argument);
  if (!get_number (p, g, "priority", "a priority", G_MAXUINT8, &priority, error)
      || !get_number (p, g, "weight", "a weight", G_MAXUINT8, &weight, error))
    return FALSE;

  u = g_new0 (LmnUplinkConfig, 1);
  u->interface = g_strdup (g->argument);
  u->priority = (guint8) priority;
  u->weight = (guint8) weight;
  g_ptr_array_add (c->uplinks, u);
  return TRUE;
}

static void
map_server_free (gpointer data)
{
  LmnMapServerConfig *ms = data;

  if (ms->key != NULL)
    {
      explicit_bzero (ms->key, strlen (ms->key));
      g_free (ms->key);
    }
  g_free (ms);
}

static gboolean
parse_map_server (const Parser *p, const ScanGroup *g, LmnConfig *c, GError **error)
{
  g_autofree gchar *reason = NULL, *algorithm = NULL, *raw = NULL;
  g_autoptr(GError) local = NULL;
  Where wg = where_group (p, g);
  Where wk = where_key (p, g, "key");
  Where wa;
  LmnIp address;
  guint64 key_id = 0;
  gchar *key;
  LmnMapServerConfig *ms;

  reason = parse_unicast (g->argument, &address);
  if (reason != NULL)
    return where_fail (&wg, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
  for (guint i = 0; i < p->groups->len; i++)
    {
      const ScanGroup *other = g_ptr_array_index (p->groups, i);
      LmnIp other_address;

      if (other == g)
        break;
      /* Two spellings of one address, "2001:db8::1" and "2001:db8:0::1". */
      if (other->kind == GROUP_MAP_SERVER && lmn_ip_parse (other->argument, &other_address, NULL)
          && lmn_ip_equal (&other_address, &address))
        return where_fail (&wg, error, LMN_CONFIG_ERROR_INVALID,
                           "the same map-server as [%s] on line %u", other->name, other->line);
    }

  /* The key is read by hand: no Where carries its value, so no message can quote it. */
  if (!group_has_key (g, "key"))
    return where_fail (&wk, error, LMN_CONFIG_ERROR_MISSING, "missing");
  raw = g_key_file_get_value (p->keyfile, g->name, "key", NULL);
  if (raw != NULL && raw[0] != '\0' && g_ascii_isspace (raw[strlen (raw) - 1]))
    {
      explicit_bzero (raw, strlen (raw));
      return where_fail (&wk, error, LMN_CONFIG_ERROR_INVALID,
                         "ends with whitespace (write \\s if the key really ends with a space)");
    }
  if (raw != NULL)
    explicit_bzero (raw, strlen (raw));
  key = g_key_file_get_string (p->keyfile, g->name, "key", &local);
  if (local != NULL && key != NULL)
    {
      explicit_bzero (key, strlen (key));
      g_clear_pointer (&key, g_free);
    }
  if (key == NULL)
    return where_fail (&wk, error, LMN_CONFIG_ERROR_INVALID,
                       "bad escape sequence (known: \\s \\n \\t \\r \\\\)");
  if (key[0] == '\0')
    {
      g_free (key);
      return where_fail (&wk, error, LMN_CONFIG_ERROR_INVALID, "empty");
    }

  ms = g_new0 (LmnMapServerConfig, 1);
  ms->address = address;
  ms->key = key;
  ms->algorithm = LMN_AUTH_SHA256;
  g_ptr_array_add (c->map_servers, ms);

  if (!get_number (p, g, "key-id", "a key ID", G_MAXUINT8, &key_id, error))
    return FALSE;
  ms->key_id = (guint8) key_id;

  if (!get_string (p, g, "algorithm", &wa, &algorithm, error))
    return FALSE;
  if (algorithm == NULL || g_str_equal (algorithm, "hmac-sha-256"))
    ms->algorithm = LMN_AUTH_SHA256;
  else if (g_str_equal (algorithm, "hmac-sha-1"))
    ms->algorithm = LMN_AUTH_SHA1;
  else
    return where_fail (&wa, error, LMN_CONFIG_ERROR_INVALID,
                       "'%s' is not supported (hmac-sha-1, hmac-sha-256)", algorithm);
  return TRUE;
}

static void
mapping_free (gpointer data)
{
  LmnMappingConfig *m = data;

  g_array_unref (m->locators);
  g_free (m);
}

static gboolean
parse_mapping (const Parser *p, const ScanGroup *g, LmnConfig *c, GError **error)
{
  g_autofree gchar *reason = NULL, *action = NULL;
  g_auto(GStrv) locators = NULL;
  Where wg = where_group (p, g);
  Where wl, wa;
  LmnMappingConfig *m;
  LispPrefix prefix;

  reason = parse_prefix (g->argument, c->instance_id, &prefix);
  if (reason != NULL)
    return where_fail (&wg, error, LMN_CONFIG_ERROR_INVALID, "%s", reason);
  for (guint i = 0; i < p->groups->len; i++)
    {
      const ScanGroup *other = g_ptr_array_index (p->groups, i);
      LispPrefix other_prefix;

      if (other == g)
        break;
      if (other->kind != GROUP_MAPPING
          || !lisp_prefix_parse (other->argument, &other_prefix, NULL))
        continue;
      other_prefix.iid = prefix.iid;
      if (lisp_prefix_equal (&other_prefix, &prefix))
        return where_fail (&wg, error, LMN_CONFIG_ERROR_INVALID,
                           "the same prefix as [%s] on line %u", other->name, other->line);
    }

  m = g_new0 (LmnMappingConfig, 1);
  m->prefix = prefix;
  m->locators = g_array_new (FALSE, TRUE, sizeof (LispMapLocator));
  m->action = LISP_ACTION_NO_ACTION;
  g_ptr_array_add (c->mappings, m);

  if (!get_list (p, g, "locators", &wl, &locators, error)
      || !get_string (p, g, "action", &wa, &action, error))
    return FALSE;
  if (locators != NULL && action != NULL)
    return where_fail (&wa, error, LMN_CONFIG_ERROR_INVALID,
                       "not allowed with locators (a mapping has locators or an action)");
  if (locators == NULL && action == NULL)
    return where_fail (&wl, error, LMN_CONFIG_ERROR_MISSING,
                       "missing (a mapping needs locators or an action)");

  if (locators != NULL)
    {
      if (locators[0] == NULL)
        return where_fail (&wl, error, LMN_CONFIG_ERROR_INVALID,
                           "no locator (use action= for a mapping without locators)");
      for (guint i = 0; locators[i] != NULL; i++)
        {
          g_autofree gchar *bad = NULL;
          LispMapLocator loc;

          bad = parse_locator (locators[i], "locator", &loc);
          if (bad != NULL)
            return where_fail (&wl, error, LMN_CONFIG_ERROR_INVALID, "%s", bad);
          for (guint j = 0; j < m->locators->len; j++)
            if (lisp_map_locator_is (&g_array_index (m->locators, LispMapLocator, j),
                                     loc.family, loc.addr))
              return where_fail (&wl, error, LMN_CONFIG_ERROR_INVALID,
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
  return where_fail (&wa, error, LMN_CONFIG_ERROR_INVALID,
                     "'%s' is not an action (no-action, natively-forward, send-map-request, "
                     "drop, drop-policy-denied, drop-auth-failure)", action);
}

/* Sorts a group into its kind and checks its keys' names: typos fail here, before any
 * value is read. */
static gboolean
classify_group (const Parser *p, ScanGroup *g, GError **error)
{
  g_autofree gchar *kind = NULL;
  const char *space = strchr (g->name, ' ');
  const char *argument = space != NULL ? space + 1 : NULL;
  const char * const *keys;
  Where wg = where_group (p, g);
  guint i;

  kind = g_strndup (g->name, space != NULL ? (gsize) (space - g->name) : strlen (g->name));
  for (i = 0; i < G_N_ELEMENTS (group_kinds); i++)
    if (g_str_equal (kind, group_kinds[i].kind))
      break;
  if (i == G_N_ELEMENTS (group_kinds))
    {
      const char *kinds[G_N_ELEMENTS (group_kinds) + 1] = { NULL };
      const char *guess;

      for (guint k = 0; k < G_N_ELEMENTS (group_kinds); k++)
        kinds[k] = group_kinds[k].kind;
      guess = closest (kind, kinds);
      if (guess != NULL)
        return where_fail (&wg, error, LMN_CONFIG_ERROR_UNKNOWN,
                           "unknown group (did you mean [%s%s%s]?)", guess,
                           argument != NULL ? " " : "", argument != NULL ? argument : "");
      return where_fail (&wg, error, LMN_CONFIG_ERROR_UNKNOWN,
                         "unknown group (groups: [lispmnd], [uplink IFACE], "
                         "[map-server ADDRESS], [mapping PREFIX])");
    }
  if (group_kinds[i].argument == NULL && argument != NULL)
    return where_fail (&wg, error, LMN_CONFIG_ERROR_UNKNOWN,
                       "unknown group (the group is [%s], with nothing after it)", kind);
  if (group_kinds[i].argument != NULL && (argument == NULL || argument[0] == '\0'))
    return where_fail (&wg, error, LMN_CONFIG_ERROR_MISSING,
                       "missing the %s ([%s %s])", group_kinds[i].argument, kind,
                       group_kinds[i].argument);
  g->kind = i;
  g->argument = argument;

  keys = group_kinds[i].keys;
  for (guint k = 0; k < g->keys->len; k++)
    {
      const ScanKey *key = &g_array_index (g->keys, ScanKey, k);
      Where wk = { .parser = p, .group = g, .key = key->name, .line = key->line };
      const char *guess;
      g_autofree gchar *valid = NULL;

      for (guint earlier = 0; earlier < k; earlier++)
        if (g_str_equal (g_array_index (g->keys, ScanKey, earlier).name, key->name))
          return where_fail (&wk, error, LMN_CONFIG_ERROR_INVALID,
                             "given twice (first on line %u)",
                             g_array_index (g->keys, ScanKey, earlier).line);
      if (g_strv_contains (keys, key->name))
        continue;
      /* The message starts with the group, not the bad key name again. */
      wk.key = NULL;
      wk.line = key->line;
      guess = closest (key->name, keys);
      if (guess != NULL)
        return where_fail (&wk, error, LMN_CONFIG_ERROR_UNKNOWN,
                           "unknown key '%s' (did you mean '%s'?)", key->name, guess);
      valid = g_strjoinv (", ", (gchar **) keys);
      return where_fail (&wk, error, LMN_CONFIG_ERROR_UNKNOWN,
                         "unknown key '%s' (valid keys: %s)", key->name, valid);
    }
  return TRUE;
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
  c->map_resolvers = g_array_new (FALSE, TRUE, sizeof (LmnIp));
  c->proxy_etrs = g_array_new (FALSE, TRUE, sizeof (LispMapLocator));
  c->uplinks = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_uplink_config_free);
  c->map_servers = g_ptr_array_new_with_free_func (map_server_free);
  c->mappings = g_ptr_array_new_with_free_func (mapping_free);
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
  g_ptr_array_unref (config->uplinks);
  g_ptr_array_unref (config->map_servers);
  g_ptr_array_unref (config->mappings);
  g_free (config);
}

LmnConfig *
lmn_config_load_data (const char *data, gsize len, const char *name, GError **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(LmnConfig) config = NULL;
  g_autoptr(GHashTable) seen = NULL;
  Parser p;
  ScanGroup *main_group = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (data == NULL)
    data = "";
  if (len == (gsize) -1)
    len = strlen (data);

  if (!check_syntax (data, len, name, keyfile, error))
    return NULL;

  groups = scan_groups (data, len);
  p = (Parser) { .file = name, .keyfile = keyfile, .groups = groups };

  /* GKeyFile merges a repeated group into the first; here it is a mistake. */
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < groups->len; i++)
    {
      ScanGroup *g = g_ptr_array_index (groups, i);
      ScanGroup *first = g_hash_table_lookup (seen, g->name);
      Where wg = where_group (&p, g);

      if (first != NULL)
        {
          where_fail (&wg, error, LMN_CONFIG_ERROR_INVALID, "given twice (first on line %u)",
                      first->line);
          return NULL;
        }
      g_hash_table_insert (seen, g->name, g);
      if (!classify_group (&p, g, error))
        return NULL;
      if (g->kind == GROUP_LISPMND)
        main_group = g;
    }

  config = lmn_config_new (name);
  if (main_group == NULL)
    {
      g_set_error (error, LMN_CONFIG_ERROR, LMN_CONFIG_ERROR_MISSING,
                   "%s: [lispmnd]: missing (the group with eids= and the other general keys)",
                   name);
      return NULL;
    }
  /* [lispmnd] first wherever it is: the others depend on its mode, TUN and instance ID. */
  if (!parse_lispmnd (&p, main_group, config, error))
    return NULL;

  for (guint i = 0; i < groups->len; i++)
    {
      ScanGroup *g = g_ptr_array_index (groups, i);
      gboolean ok = TRUE;

      switch (g->kind)
        {
        case GROUP_LISPMND:
          break;
        case GROUP_UPLINK:
          ok = parse_uplink (&p, g, config, error);
          break;
        case GROUP_MAP_SERVER:
          ok = parse_map_server (&p, g, config, error);
          break;
        case GROUP_MAPPING:
          ok = parse_mapping (&p, g, config, error);
          break;
        }
      if (!ok)
        return NULL;
    }

  /* An xTR or a proxy routes the prefixes it has mappings for, unless routes= says
   * otherwise. */
  if (config->mode != LMN_MODE_MOBILE_NODE && !group_has_key (main_group, "routes"))
    for (guint i = 0; i < config->mappings->len; i++)
      {
        const LmnMappingConfig *m = g_ptr_array_index (config->mappings, i);
        LispPrefix route = m->prefix;

        route.iid = 0;
        g_array_append_val (config->routes, route);
      }

  return g_steal_pointer (&config);
}

/* Reads path whole, with messages naming the path and errno's reason. */
static gchar *
read_file (const char *path, gsize *len, GError **error)
{
  g_autofree gchar *data = NULL;
  struct stat st;
  gsize done = 0;
  int fd, saved;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) < 0)
    {
      saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      close (fd);
      return NULL;
    }
  if (S_ISDIR (st.st_mode))
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, "%s: %s", path, g_strerror (EISDIR));
  else if (!S_ISREG (st.st_mode))
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: not a regular file", path);
  else if (st.st_size > MAX_FILE_SIZE)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                 "%s: larger than %u bytes, not a configuration file", path, MAX_FILE_SIZE);
  if (!S_ISREG (st.st_mode) || st.st_size > MAX_FILE_SIZE)
    {
      close (fd);
      return NULL;
    }

  data = g_malloc ((gsize) st.st_size + 1);
  while (done < (gsize) st.st_size)
    {
      gssize n = read (fd, data + done, (gsize) st.st_size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path,
                       g_strerror (saved));
          close (fd);
          return NULL;
        }
      if (n == 0)
        break;  /* shrank while we read: take what is there */
      done += (gsize) n;
    }
  close (fd);
  data[done] = '\0';
  *len = done;
  return g_steal_pointer (&data);
}

LmnConfig *
lmn_config_load (const char *path, GError **error)
{
  g_autofree gchar *data = NULL;
  gsize len = 0;
  LmnConfig *config;

  g_return_val_if_fail (path != NULL, NULL);

  data = read_file (path, &len, error);
  if (data == NULL)
    return NULL;
  config = lmn_config_load_data (data, len, path, error);
  /* The text holds the map-server keys. */
  explicit_bzero (data, len);
  return config;
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

gchar *
lmn_config_check_prefix (const char *text, guint32 iid, LispPrefix *out)
{
  return parse_prefix (text, iid, out);
}

gchar *
lmn_config_check_unicast (const char *text, LmnIp *out)
{
  return parse_unicast (text, out);
}

gchar *
lmn_config_check_interface (const char *name)
{
  return check_interface_name (name);
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
  c->control_port = config->control_port;
  g_array_append_vals (c->map_resolvers, config->map_resolvers->data, config->map_resolvers->len);
  g_array_append_vals (c->proxy_etrs, config->proxy_etrs->data, config->proxy_etrs->len);
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
