/* The map-server's replay state (replay-state.h): the last_nonces table as text and as a
 * file, so that a restarted lispmn-server still refuses old Map-Registers. */
#include "replay-state.h"

#include "file-replace.h"
#include "ms-context.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER "lispmn-server replay state 1"
/* Far above LMN_MS_NONCES_MAX lines of about 80 bytes: a bigger file is no state of ours. */
#define MAX_FILE_SIZE (4 * 1024 * 1024)

/* The key's layout: the site's address, the Key ID, the xTR-ID. */
typedef struct {
  const LmnSite *site;
  guint8 key_id;
  guint8 xtr_id[16];
} ReplayKey;

GBytes *
lmn_replay_key (const LmnSite *site, guint8 key_id, const guint8 xtr_id[16])
{
  guint8 buf[sizeof (gpointer) + 1 + 16];

  memcpy (buf, &site, sizeof (gpointer));
  buf[sizeof (gpointer)] = key_id;
  memcpy (buf + sizeof (gpointer) + 1, xtr_id, 16);
  return g_bytes_new (buf, sizeof buf);
}

static ReplayKey
parse_key (GBytes *key)
{
  const guint8 *b = g_bytes_get_data (key, NULL);
  ReplayKey k;

  memcpy (&k.site, b, sizeof (gpointer));
  k.key_id = b[sizeof (gpointer)];
  memcpy (k.xtr_id, b + sizeof (gpointer) + 1, 16);
  return k;
}

typedef struct {
  GBytes *key;
  const LmnLastNonce *last;
} Entry;

static gint
older_first (gconstpointer a, gconstpointer b)
{
  gint64 wa = ((const Entry *) a)->last->when, wb = ((const Entry *) b)->last->when;

  return wa < wb ? -1 : wa > wb;
}

gchar *
lmn_replay_state_to_text (const LmnMapServer *ms)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  GString *text = g_string_new (HEADER "\n");
  GHashTableIter iter;
  gpointer k, v;

  g_hash_table_iter_init (&iter, ms->last_nonces);
  while (g_hash_table_iter_next (&iter, &k, &v))
    g_array_append_val (entries, ((Entry) { k, v }));
  g_array_sort (entries, older_first);
  for (guint i = 0; i < entries->len; i++)
    {
      const Entry *e = &g_array_index (entries, Entry, i);
      ReplayKey key = parse_key (e->key);
      g_autofree gchar *xtr = lmn_ms_hex (key.xtr_id, 16);

      g_string_append_printf (text, "%u %s %016" G_GINT64_MODIFIER "x %d %s\n", key.key_id, xtr,
                              e->last->nonce, e->last->counting ? 1 : 0, key.site->name);
    }
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

/* The entries of text (Entry-like, ready to insert) and how many lines named a site or key
 * not configured now; FALSE with an error naming the line when the text is not a state. */
static gboolean
parse_text (const LmnMapServer *ms, const char *text, const char *name, GPtrArray *keys,
            GArray *values, guint *skipped, GError **error)
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
      guint8 xtr_id[16];
      LmnLastNonce last = { 0 };
      const char *site_name;
      const LmnSite *site;

      if (lines[i][0] == '\0')
        continue;
      if (!parse_line (lines[i], &key_id, xtr_id, &last.nonce, &last.counting, &site_name))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s:%u: not KEY-ID XTR-ID NONCE COUNTING SITE", name, i + 1);
          return FALSE;
        }
      site = find_site (ms, site_name);
      if (site == NULL || lmn_site_find_key (site, (guint8) key_id) == NULL)
        {
          (*skipped)++;
          continue;
        }
      g_ptr_array_add (keys, lmn_replay_key (site, (guint8) key_id, xtr_id));
      g_array_append_val (values, last);
    }
  return TRUE;
}

gint
lmn_replay_state_from_text (LmnMapServer *ms, const char *text, const char *name, gint64 now,
                            GError **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (LmnLastNonce));
  guint skipped = 0, first;

  if (!parse_text (ms, text, name, keys, values, &skipped, error))
    return -1;
  if (skipped > 0)
    g_info ("%s: %u entries of sites or keys no longer configured skipped", name, skipped);
  /* The newest LMN_MS_NONCES_MAX, as remembering them one by one would have kept; their
   * ages are lost with the old clock, their order stays. */
  first = values->len > LMN_MS_NONCES_MAX ? values->len - LMN_MS_NONCES_MAX : 0;
  for (guint i = first; i < values->len; i++)
    {
      LmnLastNonce *last = g_new (LmnLastNonce, 1);

      *last = g_array_index (values, LmnLastNonce, i);
      last->when = now - (gint64) (values->len - i);
      g_hash_table_replace (ms->last_nonces, g_bytes_ref (g_ptr_array_index (keys, i)), last);
    }
  while (g_hash_table_size (ms->last_nonces) > LMN_MS_NONCES_MAX)
    {
      GHashTableIter iter;
      gpointer k, v, oldest = NULL;
      gint64 when = G_MAXINT64;

      g_hash_table_iter_init (&iter, ms->last_nonces);
      while (g_hash_table_iter_next (&iter, &k, &v))
        if (((LmnLastNonce *) v)->when < when)
          {
            when = ((LmnLastNonce *) v)->when;
            oldest = k;
          }
      g_hash_table_remove (ms->last_nonces, oldest);
    }
  return (gint) (values->len - first);
}

gboolean
lmn_replay_state_dirty (const LmnMapServer *ms)
{
  return ms->nonce_changes != ms->nonce_changes_saved;
}

void
lmn_replay_state_mark_saved (LmnMapServer *ms)
{
  ms->nonce_changes_saved = ms->nonce_changes;
}

gboolean
lmn_replay_state_load (LmnMapServer *ms, const char *path, gint64 now, guint *loaded,
                       GError **error)
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
  n = lmn_replay_state_from_text (ms, text, path, now, error);
  if (n < 0)
    return FALSE;
  *loaded = (guint) n;
  lmn_replay_state_mark_saved (ms);
  return TRUE;
}

gboolean
lmn_replay_state_save (LmnMapServer *ms, const char *path, GError **error)
{
  g_autofree gchar *text = lmn_replay_state_to_text (ms);
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
