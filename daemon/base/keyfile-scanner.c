/* Lines of groups and keys in a key file, and the errors and suggestions that name them
 * (keyfile-scanner.h). */
#include "keyfile-scanner.h"

#include <string.h>

static void
key_clear (gpointer data)
{
  g_free (((LmnKeyfileKey *) data)->name);
}

static void
group_free (gpointer data)
{
  LmnKeyfileGroup *g = data;

  g_free (g->name);
  g_array_unref (g->keys);
  g_free (g);
}

static void
note (LmnKeyfileProblem *first, LmnKeyfileProblemKind kind, guint line, guint first_line,
      const LmnKeyfileGroup *group, const char *key)
{
  if (first->kind == LMN_KEYFILE_OK)
    *first = (LmnKeyfileProblem) { kind, line, first_line, group, key };
}

/* by_name: the groups so far by name (the first of each), so that a file of 100,000 sites
 * is not checked for a repeated group in quadratic time. */
static void
add_group (GPtrArray *groups, GHashTable *by_name, const char *line, guint number,
           LmnKeyfileProblem *first)
{
  LmnKeyfileGroup *g = g_new0 (LmnKeyfileGroup, 1);
  const LmnKeyfileGroup *earlier;
  const char *space;

  g->name = g_strndup (line + 1, strlen (line) - 2);
  g->line = number;
  space = strchr (g->name, ' ');
  g->argument = space != NULL ? space + 1 : NULL;
  g->keys = g_array_new (FALSE, TRUE, sizeof (LmnKeyfileKey));
  g_array_set_clear_func (g->keys, key_clear);
  earlier = g_hash_table_lookup (by_name, g->name);
  if (earlier != NULL)
    note (first, LMN_KEYFILE_GROUP_TWICE, number, earlier->line, g, NULL);
  else
    g_hash_table_insert (by_name, g->name, g);
  g_ptr_array_add (groups, g);
}

static void
add_key (LmnKeyfileGroup *g, const char *line, guint number, LmnKeyfileProblem *first)
{
  const char *eq = strchr (line, '=');
  LmnKeyfileKey k;

  if (eq == NULL || eq == line)
    {
      note (first, LMN_KEYFILE_BAD_LINE, number, 0, g, NULL);
      return;
    }
  if (g == NULL)
    {
      note (first, LMN_KEYFILE_KEY_OUTSIDE_GROUP, number, 0, NULL, NULL);
      return;
    }
  k.name = g_strchomp (g_strndup (line, eq - line));
  k.line = number;
  g_array_append_val (g->keys, k);
  for (guint i = 0; i + 1 < g->keys->len; i++)
    {
      const LmnKeyfileKey *earlier = &g_array_index (g->keys, LmnKeyfileKey, i);

      if (g_str_equal (earlier->name, k.name))
        {
          note (first, LMN_KEYFILE_KEY_TWICE, number, earlier->line, g, k.name);
          break;
        }
    }
}

GPtrArray *
lmn_keyfile_scan (const char *data, gsize len, LmnKeyfileProblem *problem)
{
  g_autofree gchar *text = g_strndup (data, len);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *groups = g_ptr_array_new_with_free_func (group_free);
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  LmnKeyfileProblem first = { LMN_KEYFILE_OK, 0, 0, NULL, NULL };

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);
      gsize n = strlen (line);

      if (n == 0 || line[0] == '#')
        continue;
      if (line[0] == '[' && line[n - 1] == ']')
        add_group (groups, by_name, line, i + 1, &first);
      else
        add_key (groups->len > 0 ? g_ptr_array_index (groups, groups->len - 1) : NULL, line,
                 i + 1, &first);
    }
  if (problem != NULL)
    *problem = first;
  return groups;
}

gboolean
lmn_keyfile_group_has_key (const LmnKeyfileGroup *group, const char *key)
{
  for (guint i = 0; i < group->keys->len; i++)
    if (g_str_equal (g_array_index (group->keys, LmnKeyfileKey, i).name, key))
      return TRUE;
  return FALSE;
}

guint
lmn_keyfile_key_line (const LmnKeyfileGroup *group, const char *key)
{
  for (guint i = 0; i < group->keys->len; i++)
    {
      const LmnKeyfileKey *k = &g_array_index (group->keys, LmnKeyfileKey, i);

      if (g_str_equal (k->name, key))
        return k->line;
    }
  return group->line;
}

void
lmn_keyfile_set_error (GError **error, GQuark domain, gint code, const char *file, guint line,
                       const char *group, const char *key, const char *reason)
{
  if (key != NULL)
    g_set_error (error, domain, code, "%s:%u: [%s] %s: %s", file, line, group, key, reason);
  else
    g_set_error (error, domain, code, "%s:%u: [%s]: %s", file, line, group, reason);
}

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

const char *
lmn_keyfile_closest (const char *word, const char * const *candidates)
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

/* Loading longer and longer heads of the file finds the first line GKeyFile refuses (once
 * a line fails, every longer head fails too). */
guint
lmn_keyfile_syntax_error_line (const char *data, gsize len)
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
