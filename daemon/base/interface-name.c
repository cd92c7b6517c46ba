/* The kernel's rule for interface names (interface-name.h). */
#include "interface-name.h"

#include <string.h>

gboolean
lmn_interface_name_valid (const char *name)
{
  gsize len = strlen (name);

  if (len < 1 || len > LMN_INTERFACE_NAME_MAX || g_str_equal (name, ".") ||
      g_str_equal (name, ".."))
    return FALSE;
  for (const char *s = name; *s != '\0'; s++)
    if (*s == '/' || *s == ':' || g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

gchar *
lmn_interface_name_check (const char *name)
{
  if (lmn_interface_name_valid (name))
    return NULL;
  return g_strdup_printf ("'%s' is not an interface name "
                          "(1-15 characters, no '/', ':' or whitespace)", name);
}
