/* The check that a configuration file holding keys is private (private-file.h). */
#include "private-file.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

gchar *
lmn_private_file_problem (const char *path, guint mode, guint uid, guint euid)
{
  if ((mode & (S_IRWXG | S_IRWXO)) != 0)
    return g_strdup_printf ("holds keys but its mode %04o lets %s at it: run `chmod 600 %s`",
                            mode & 07777, (mode & S_IRWXO) != 0 ? "everyone" : "its group", path);
  if (uid != 0 && uid != euid)
    {
      struct passwd *pw = getpwuid (euid);

      /* Its owner could rewrite the keys and EIDs this daemon trusts. */
      return g_strdup_printf ("holds keys but belongs to user %u, not to root or to the user "
                              "this daemon runs as: run `chown %s %s`",
                              uid, pw != NULL ? pw->pw_name : "root", path);
    }
  return NULL;
}

gboolean
lmn_private_file_check (const char *path, GError **error)
{
  GStatBuf st;
  g_autofree gchar *problem = NULL;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  problem = lmn_private_file_problem (path, st.st_mode, st.st_uid, geteuid ());
  if (problem != NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM, "%s: %s", path, problem);
      return FALSE;
    }
  return TRUE;
}
