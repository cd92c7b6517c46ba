/* The configuration files' parsers, lispmnd.conf and lispmn-server.conf (GKeyFile text plus
 * our checks of every value): whatever the bytes, a configuration or an error naming the
 * problem, never both, never a crash; and no error message quotes a key's value. */
#include "lispmnd-config.h"
#include "server-config.h"
#include "fuzz-target.h"

#include <string.h>

/* Parses with both parsers; the error messages (NULL when accepted) go to out[0] and out[1]. */
static void
parse (const char *data, gsize size, gchar **out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) server_error = NULL;
  g_autoptr(LmnConfig) config = lmn_config_load_data (data, size, "fuzz.conf", &error);
  g_autoptr(LmnServerConfig) server_config =
    lmn_server_config_load_data (data, size, "fuzz.conf", &server_error);

  g_assert_true ((config == NULL) == (error != NULL));
  g_assert_true ((server_config == NULL) == (server_error != NULL));
  out[0] = error != NULL ? g_strdup (error->message) : NULL;
  out[1] = server_error != NULL ? g_strdup (server_error->message) : NULL;
}

/* A secret (the value of a key= or key2= line) must not be quoted by an error. To tell a
 * quoted secret from a value that happens to read like the message's own words, the value
 * is replaced by a marker of the same length that appears nowhere else: an error quoting
 * the marker would have quoted the secret. */
static void
check_secrets (const char *text, gsize size)
{
  g_autofree gchar *copy = g_strndup (text, size);
  g_auto(GStrv) lines = g_strsplit (copy, "\n", -1);
  gsize offset = 0;

  for (guint i = 0; lines[i] != NULL; offset += strlen (lines[i]) + 1, i++)
    {
      const char *line = lines[i];
      gsize skip = 0, len;
      g_autofree gchar *marked = NULL;
      g_autofree gchar *marker = NULL;
      gchar *messages[2];

      while (line[skip] == ' ' || line[skip] == '\t')
        skip++;
      if (g_str_has_prefix (line + skip, "key="))
        skip += 4;
      else if (g_str_has_prefix (line + skip, "key2="))
        skip += 5;
      else
        continue;
      len = strlen (line + skip);
      if (len < 4 || memchr (text, '\x7f', size) != NULL)
        continue;
      marker = g_strnfill (len, '\x7f');
      marked = g_memdup2 (text, size);
      memcpy (marked + offset + skip, marker, len);
      parse (marked, size, messages);
      for (guint j = 0; j < 2; j++)
        {
          g_assert_true (messages[j] == NULL || strstr (messages[j], marker) == NULL);
          g_free (messages[j]);
        }
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  gchar *messages[2];

  parse ((const char *) data, size, messages);
  g_free (messages[0]);
  g_free (messages[1]);
  /* Lines are only meaningful in text without NUL bytes (the parsers refuse those). */
  if (size > 0 && memchr (data, '\0', size) == NULL)
    check_secrets ((const char *) data, size);
  return 0;
}
