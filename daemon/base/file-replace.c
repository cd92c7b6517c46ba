#include "file-replace.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

gboolean
lmn_file_replace (const char *path, const char *text, GError **error)
{
  g_autofree gchar *tmp = g_strconcat (path, ".new", NULL);

  if (!g_file_set_contents_full (tmp, text, -1, G_FILE_SET_CONTENTS_NONE, 0644, error))
    return FALSE;
  if (g_rename (tmp, path) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "renaming %s to %s: %s",
                   tmp, path, g_strerror (saved));
      g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}
