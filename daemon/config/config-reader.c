/* Reading lispmnd.conf's text (config-reader.h). */
#include "config-reader.h"
#include "node-config.h"

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

gboolean
lmn_conf_fail (const LmnConfWhere *w, GError **error, LmnConfigError code, const char *format,
               ...)
{
  g_autofree gchar *reason = NULL, *full = NULL;
  const char *hint = "";
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  /* GKeyFile has no trailing comments: "mode=xtr  # site router" is all value. */
  if (w->value != NULL && strchr (w->value, '#') != NULL)
    hint = " (a '#' starts a comment only at the start of a line)";

  full = g_strconcat (reason, hint, NULL);
  lmn_keyfile_set_error (error, LMN_CONFIG_ERROR, code, w->reader->file, w->line,
                         w->group->name, w->key, full);
  return FALSE;
}

LmnConfWhere
lmn_conf_where_group (const LmnConfReader *r, const LmnKeyfileGroup *g)
{
  return (LmnConfWhere) { .reader = r, .group = g, .line = g->line };
}

LmnConfWhere
lmn_conf_where_key (const LmnConfReader *r, const LmnKeyfileGroup *g, const char *key)
{
  return (LmnConfWhere) {
    .reader = r, .group = g, .key = key, .line = lmn_keyfile_key_line (g, key)
  };
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

/* The group a line belongs to, to know whether quoting that line could show a key. */
static gboolean
line_in_map_server_group (const char *data, gsize len, guint line)
{
  g_autoptr(GPtrArray) groups = lmn_keyfile_scan (data, len, NULL);
  gboolean in_map_server = FALSE;

  /* GKeyFile accepted the lines before this one: their group headers are whole. */
  for (guint i = 0; i < groups->len; i++)
    {
      const LmnKeyfileGroup *g = g_ptr_array_index (groups, i);

      if (g->line < line)
        in_map_server = g_str_has_prefix (g->name, "map-server");
    }
  return in_map_server;
}

gboolean
lmn_conf_check_syntax (const char *data, gsize len, const char *file, GKeyFile *keyfile,
                       GError **error)
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

  line = lmn_keyfile_syntax_error_line (data, len);
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

gboolean
lmn_conf_get_string (const LmnConfReader *r, const LmnKeyfileGroup *g, const char *key,
                     LmnConfWhere *w, gchar **out, GError **error)
{
  g_autoptr(GError) local = NULL;
  gchar *value;

  *w = lmn_conf_where_key (r, g, key);
  *out = NULL;
  if (!lmn_keyfile_group_has_key (g, key))
    return TRUE;
  /* GKeyFile returns a value and an error for a bad escape sequence. */
  value = g_key_file_get_string (r->keyfile, g->name, key, &local);
  if (local != NULL)
    {
      g_free (value);
      return lmn_conf_fail (w, error, LMN_CONFIG_ERROR_INVALID,
                            "bad escape sequence (known: \\s \\n \\t \\r \\\\)");
    }
  *out = g_strstrip (value);
  w->value = value;
  return TRUE;
}

gboolean
lmn_conf_get_list (const LmnConfReader *r, const LmnKeyfileGroup *g, const char *key,
                   LmnConfWhere *w, gchar ***out, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) list = NULL;

  *w = lmn_conf_where_key (r, g, key);
  *out = NULL;
  if (!lmn_keyfile_group_has_key (g, key))
    return TRUE;
  list = g_key_file_get_string_list (r->keyfile, g->name, key, NULL, &local);
  /* An empty value is an empty list, not an error. */
  if (g_error_matches (local, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE))
    return lmn_conf_fail (w, error, LMN_CONFIG_ERROR_INVALID,
                          "bad escape sequence (known: \\s \\n \\t \\r \\\\ \\;)");
  if (list == NULL)
    list = g_new0 (gchar *, 1);
  for (guint i = 0; list[i] != NULL; i++)
    {
      g_strstrip (list[i]);
      if (list[i][0] == '\0')
        return lmn_conf_fail (w, error, LMN_CONFIG_ERROR_INVALID,
                              "entry %u is empty (entries are separated by ';')", i + 1);
    }
  *out = g_steal_pointer (&list);
  return TRUE;
}

gboolean
lmn_conf_get_number (const LmnConfReader *r, const LmnKeyfileGroup *g, const char *key,
                     const char *noun, guint64 max, guint64 *inout, GError **error)
{
  g_autofree gchar *text = NULL;
  LmnConfWhere w;

  if (!lmn_conf_get_string (r, g, key, &w, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  if (!lmn_config_parse_decimal (text, max, inout))
    return lmn_conf_fail (&w, error, LMN_CONFIG_ERROR_INVALID,
                          "'%s' is not %s (0-%" G_GUINT64_FORMAT ")", text, noun, max);
  return TRUE;
}

/* Reads path whole, with messages naming the path and errno's reason. */
gchar *
lmn_conf_read_file (const char *path, gsize *len, GError **error)
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

