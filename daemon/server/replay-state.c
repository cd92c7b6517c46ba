/* The map-server's replay state (replay-state.h): the last_nonces table and the registered
 * prefixes as text and as a file, so that a restarted lispmn-server still refuses old
 * Map-Registers and does not have its negative answers cached past a refresh. */
#include "replay-state.h"

#include "file-replace.h"
#include "map-register.h"
#include "ms-context.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER "lispmn-server replay state 1"
/* Far above LMN_MS_NONCES_MAX lines of 60 bytes and a site name, and as many registrations: a
 * bigger file is no state of ours. */
#define MAX_FILE_SIZE ((gsize) LMN_MS_NONCES_MAX * 1024 + 4096)

/* One remembered nonce, as written and read. */
typedef struct {
  const LmnSite *site;
  guint8 key_id;
  guint8 xtr_id[16];
  guint64 nonce;
  gboolean counting;
  gint64 when;
} Entry;

static void
collect (const LmnSite *site, guint8 key_id, const guint8 xtr_id[16], guint64 nonce,
         gboolean counting, gint64 when, gpointer user_data)
{
  Entry e = { site, key_id, { 0 }, nonce, counting, when };

  memcpy (e.xtr_id, xtr_id, 16);
  g_array_append_val ((GArray *) user_data, e);
}

static gint
older_first (gconstpointer a, gconstpointer b)
{
  gint64 wa = ((const Entry *) a)->when, wb = ((const Entry *) b)->when;

  return wa < wb ? -1 : wa > wb;
}

/* The registered prefixes, and those still expected back from before a restart, each with
 * when it lapses (seconds since the epoch). */
static void
append_eids (const LmnMapServer *ms, gint64 now, gint64 real_now, GString *text)
{
  for (guint i = 0; i < ms->registrations->len; i++)
    {
      const LmnSiteRegistration *reg = g_ptr_array_index (ms->registrations, i);
      g_autofree gchar *prefix = lisp_prefix_to_string (&reg->prefix);
      gint64 left = MIN (lmn_site_registration_expiry (reg) - now, LMN_MS_DEFAULT_TIMEOUT);

      g_string_append_printf (text, "eid %s %" G_GINT64_FORMAT " %s\n", prefix, real_now + left,
                              reg->site->name);
    }
  for (guint i = 0; ms->expected != NULL && i < ms->expected->len; i++)
    {
      const LmnExpected *e = &g_array_index (ms->expected, LmnExpected, i);
      const LmnSite *site = NULL;
      g_autofree gchar *prefix = NULL;

      for (guint j = 0; j < ms->sites->len && site == NULL; j++)
        if (lmn_site_holds (g_ptr_array_index (ms->sites, j), &e->prefix))
          site = g_ptr_array_index (ms->sites, j);
      if (e->deadline <= now || site == NULL ||
          lmn_ms_find_registration ((LmnMapServer *) ms, &e->prefix) != NULL)
        continue;
      prefix = lisp_prefix_to_string (&e->prefix);
      g_string_append_printf (text, "eid %s %" G_GINT64_FORMAT " %s\n", prefix,
                              real_now + (e->deadline - now), site->name);
    }
}

gchar *
lmn_replay_state_to_text (const LmnMapServer *ms, gint64 now, gint64 real_now)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  GString *text = g_string_new (HEADER "\n");

  lmn_ms_foreach_nonce (ms, collect, entries);
  g_array_sort (entries, older_first);
  for (guint i = 0; i < entries->len; i++)
    {
      const Entry *e = &g_array_index (entries, Entry, i);
      g_autofree gchar *xtr = lmn_ms_hex (e->xtr_id, 16);

      g_string_append_printf (text, "%u %s %016" G_GINT64_MODIFIER "x %d %s\n", e->key_id, xtr,
                              e->nonce, e->counting ? 1 : 0, e->site->name);
    }
  append_eids (ms, now, real_now, text);
  return g_string_free (text, FALSE);
}

static const LmnSite *
find_site (const LmnMapServer *ms, const char *name)
{
  for (guint i = 0; i < ms->sites->len; i++)
    {
      const LmnSite *s = g_ptr_array_index (ms->sites, i);

      if (g_str_equal (s->name, name))
        return s;
    }
  return NULL;
}

/* One line's fields; FALSE when it is not a line of the state. */
static gboolean
parse_line (const char *line, guint *key_id, guint8 xtr_id[16], guint64 *nonce, gboolean *counting,
            const char **site)
{
  g_auto(GStrv) f = g_strsplit (line, " ", 5);
  gchar *end;
  guint64 id;

  if (g_strv_length (f) != 5 || strlen (f[1]) != 32 || strlen (f[2]) != 16 ||
      (!g_str_equal (f[3], "0") && !g_str_equal (f[3], "1")) || f[4][0] == '\0')
    return FALSE;
  if (!g_ascii_string_to_unsigned (f[0], 10, 0, 255, &id, NULL))
    return FALSE;
  *key_id = (guint) id;
  for (guint i = 0; i < 16; i++)
    {
      gint hi = g_ascii_xdigit_value (f[1][2 * i]), lo = g_ascii_xdigit_value (f[1][2 * i + 1]);

      if (hi < 0 || lo < 0)
        return FALSE;
      xtr_id[i] = (guint8) (hi << 4 | lo);
    }
  if (!g_ascii_isxdigit (f[2][0]))
    return FALSE;
  *nonce = g_ascii_strtoull (f[2], &end, 16);
  if (*end != '\0')
    return FALSE;
  *counting = f[3][0] == '1';
  *site = line + (strlen (f[0]) + strlen (f[1]) + strlen (f[2]) + strlen (f[3]) + 4);
  return TRUE;
}

/* A registered prefix read back. */
typedef struct {
  LispPrefix prefix;
  gint64 expires; /* seconds since the epoch */
} Eid;

/* An "eid PREFIX EXPIRES SITE" line: FALSE when it is not one; *eid->prefix.len 255 (and
 * TRUE) when its site is gone or does not hold the prefix. */
static gboolean
parse_eid (const LmnMapServer *ms, const char *line, Eid *eid)
{
  g_auto(GStrv) f = g_strsplit (line, " ", 4);
  const LmnSite *site;
  gint64 expires;

  if (g_strv_length (f) != 4 || f[3][0] == '\0' ||
      !g_ascii_string_to_signed (f[2], 10, 0, G_MAXINT64 / 2, &expires, NULL) ||
      !lisp_prefix_parse (f[1], &eid->prefix, NULL))
    return FALSE;
  eid->expires = expires;
  site = find_site (ms, f[3]);
  if (site == NULL || !lmn_site_holds (site, &eid->prefix))
    eid->prefix.len = 255;
  return TRUE;
}

/* The entries of text, in its order, and how many lines named a site or key not configured
 * now; FALSE with an error naming the line when the text is not a state. */
static gboolean
parse_text (const LmnMapServer *ms, const char *text, const char *name, GArray *entries,
            GArray *eids, guint *skipped, GError **error)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  if (lines[0] == NULL || !g_str_equal (lines[0], HEADER))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: not a replay state (its first line is not \"" HEADER "\")", name);
      return FALSE;
    }
  for (guint i = 1; lines[i] != NULL; i++)
    {
      guint key_id;
      Entry e = { 0 };
      const char *site_name;

      if (lines[i][0] == '\0')
        continue;
      if (g_str_has_prefix (lines[i], "eid "))
        {
          Eid eid;

          if (!parse_eid (ms, lines[i], &eid))
            {
              g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                           "%s:%u: not eid PREFIX EXPIRES SITE", name, i + 1);
              return FALSE;
            }
          if (eid.prefix.len == 255)
            (*skipped)++;
          else
            g_array_append_val (eids, eid);
          continue;
        }
      if (!parse_line (lines[i], &key_id, e.xtr_id, &e.nonce, &e.counting, &site_name))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s:%u: not KEY-ID XTR-ID NONCE COUNTING SITE", name, i + 1);
          return FALSE;
        }
      e.site = find_site (ms, site_name);
      e.key_id = (guint8) key_id;
      if (e.site == NULL || lmn_site_find_key (e.site, e.key_id) == NULL)
        {
          (*skipped)++;
          continue;
        }
      g_array_append_val (entries, e);
    }
  return TRUE;
}

gint
lmn_replay_state_from_text (LmnMapServer *ms, const char *text, const char *name, gint64 now,
                            gint64 real_now, GError **error)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_autoptr(GArray) eids = g_array_new (FALSE, FALSE, sizeof (Eid));
  guint skipped = 0, first, expected = 0;

  if (!parse_text (ms, text, name, entries, eids, &skipped, error))
    return -1;
  /* Each prefix is expected back until its registration would have lapsed: no longer than
   * a registration lasts without a refresh, whatever the file says. */
  for (guint i = 0; i < eids->len; i++)
    {
      const Eid *e = &g_array_index (eids, Eid, i);
      gint64 left = MIN (e->expires - real_now, LMN_MS_DEFAULT_TIMEOUT);

      if (left > 0 && expected < LMN_MS_NONCES_MAX)
        {
          lmn_map_server_expect (ms, &e->prefix, now + left);
          expected++;
        }
    }
  if (skipped > 0)
    g_info ("%s: %u entries of sites or keys no longer configured skipped", name, skipped);
  /* Oldest first, as they were accepted: their ages are lost with the old clock, their order
   * stays. Only the newest LMN_MS_NONCES_MAX could be kept. */
  first = entries->len > LMN_MS_NONCES_MAX ? entries->len - LMN_MS_NONCES_MAX : 0;
  for (guint i = first; i < entries->len; i++)
    {
      const Entry *e = &g_array_index (entries, Entry, i);

      lmn_ms_restore_nonce (ms, e->site, e->key_id, e->xtr_id, e->nonce, e->counting,
                            now - (gint64) (entries->len - i));
    }
  return (gint) (entries->len - first + expected);
}

/* Grows with every change of a registration: new, refreshed (its expiry moved), moved,
 * withdrawn, expired. */
static guint64
registration_changes (const LmnMapServer *ms)
{
  return ms->counters[LMN_MS_REGISTRATIONS_NEW] + ms->counters[LMN_MS_REGISTRATIONS_REFRESHED] +
         ms->counters[LMN_MS_REGISTRATIONS_MOVED] + ms->counters[LMN_MS_REGISTRATIONS_WITHDRAWN] +
         ms->counters[LMN_MS_REGISTRATIONS_EXPIRED];
}

gboolean
lmn_replay_state_dirty (const LmnMapServer *ms)
{
  return ms->nonce_changes != ms->nonce_changes_saved ||
         registration_changes (ms) != ms->registration_changes_saved;
}

void
lmn_replay_state_mark_saved (LmnMapServer *ms)
{
  ms->nonce_changes_saved = ms->nonce_changes;
  ms->registration_changes_saved = registration_changes (ms);
}

gboolean
lmn_replay_state_load (LmnMapServer *ms, const char *path, gint64 now, gint64 real_now,
                       guint *loaded, GError **error)
{
  g_autofree gchar *text = NULL;
  g_autoptr(GError) local = NULL;
  gsize len;
  gint n;

  *loaded = 0;
  if (!g_file_get_contents (path, &text, &len, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (len > MAX_FILE_SIZE || strlen (text) != len)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not a replay state", path);
      return FALSE;
    }
  n = lmn_replay_state_from_text (ms, text, path, now, real_now, error);
  if (n < 0)
    return FALSE;
  *loaded = (guint) n;
  lmn_replay_state_mark_saved (ms);
  return TRUE;
}

gboolean
lmn_replay_state_save (LmnMapServer *ms, const char *path, gint64 now, gint64 real_now,
                       GError **error)
{
  g_autofree gchar *text = lmn_replay_state_to_text (ms, now, real_now);
  g_autofree gchar *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", dir,
                   g_strerror (saved));
      return FALSE;
    }
  if (!lmn_file_replace (path, text, error))
    return FALSE;
  lmn_replay_state_mark_saved (ms);
  return TRUE;
}
