#define _GNU_SOURCE
#include "private-netns.h"

#include <errno.h>
#include <sched.h>

void
lmn_test_ip (const char *args)
{
  g_autofree gchar *cmd = g_strdup_printf ("ip %s", args);
  g_autoptr(GError) error = NULL;
  gint status;

  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_exit_status (status, NULL))
    g_error ("'%s' failed", cmd);
}

gboolean
lmn_test_enter_private_netns (const char *program)
{
  if (unshare (CLONE_NEWNET) != 0)
    {
      g_printerr ("%s needs root and network namespaces: unshare: %s\n", program,
                  g_strerror (errno));
      return FALSE;
    }
  lmn_test_ip ("link set lo up");
  return TRUE;
}
