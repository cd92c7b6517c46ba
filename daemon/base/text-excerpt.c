/* lmn_excerpt: a bounded, printable quotation of a value for an error message. */
#include "text-excerpt.h"

#include <string.h>

gchar *
lmn_excerpt (const char *text)
{
  g_autofree gchar *head = NULL;
  g_autofree gchar *valid = NULL;
  GString *out;
  gsize len;
  glong n = 0;
  const char *p;

  if (text == NULL)
    return g_strdup ("");
  /* Only the head is looked at: a value of megabytes is not copied whole. Four bytes per
   * character at the most, and one more to know whether there was more. */
  len = strnlen (text, LMN_EXCERPT_CHARS * 4 + 1);
  head = g_strndup (text, len);
  valid = g_utf8_make_valid (head, -1);
  out = g_string_new (NULL);
  for (p = valid; *p != '\0' && n < LMN_EXCERPT_CHARS; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (out, '?');
      else
        g_string_append_unichar (out, c);
    }
  if (*p != '\0' || len > LMN_EXCERPT_CHARS * 4)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}
