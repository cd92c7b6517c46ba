/* lispmnd: the LISP mobile node daemon. */
#include "lispmnd-config.h"
#include "daemon-run.h"
#include "dbus-service.h"
#include "supervisor.h"

#include <locale.h>
#include <stdlib.h>

#define DEFAULT_CONFIG SYSCONFDIR "/lispmn/lispmnd.conf"

static gboolean
on_usr1 (gpointer user_data)
{
  lmn_supervisor_write_state (user_data);
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  static LmnLogLevels levels;
  g_autofree gchar *config_path = NULL;
  g_autofree gchar *state_file = NULL;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      "Configuration file (default " DEFAULT_CONFIG ")", "FILE" },
    { "state-file", 0, 0, G_OPTION_ARG_FILENAME, &state_file,
      "Write the state as JSON to FILE on changes and on SIGUSR1", "FILE" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &levels.verbose, "Log informational messages", NULL },
    { "debug", 'd', 0, G_OPTION_ARG_NONE, &levels.debug, "Log every packet decision (slow)", NULL },
    { NULL },
  };
  const LmnDaemonCommandLine command_line = {
    .program = "lispmnd",
    .version = PACKAGE_VERSION,
    .parameters = "- LISP mobile node daemon",
    .summary = "Keeps this machine's EIDs reachable over its uplinks with LISP (RFC 9300/9301):\n"
               "encapsulates traffic from the EIDs through the TUN device and decapsulates LISP\n"
               "traffic for them arriving on UDP port 4341.",
    .entries = entries,
  };
  g_autoptr(GError) error = NULL;
  LmnConfig *config;
  g_autoptr(LmnSupervisor) sup = NULL;
  g_autoptr(LmnDbusService) dbus = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  LmnDaemonSignals signals;
  gboolean waits_for_configure = FALSE;
  int status;

  setlocale (LC_ALL, "");
  if (!lmn_daemon_parse_args (&command_line, &argc, &argv, &status))
    return status;
  lmn_daemon_log_levels (&levels);

  config = lmn_config_load (config_path != NULL ? config_path : DEFAULT_CONFIG, &error);
  /* Under NetworkManager the profile says everything (Configure): without a file of its own
   * the daemon waits stopped for that call instead of refusing to run. A file named on the
   * command line must exist. */
  if (config == NULL && config_path == NULL &&
      g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_message ("no %s: the mobile node waits for its configuration over D-Bus (Configure)",
                 DEFAULT_CONFIG);
      g_clear_error (&error);
      config = lmn_config_new (NULL);
      waits_for_configure = TRUE;
    }
  if (config != NULL && config->eids->len == 0)
    {
      g_message ("%s has no eids=: the mobile node waits for the rest of its configuration "
                 "over D-Bus (Configure)",
                 config->path);
      waits_for_configure = TRUE;
    }
  if (config == NULL)
    {
      g_printerr ("lispmnd: %s\n", error->message);
      return EXIT_FAILURE;
    }
  loop = g_main_loop_new (NULL, FALSE);
  sup = lmn_supervisor_new (config, state_file, levels.debug);
  /* Before the node starts and writes its first state file: whoever sees that file may send
   * SIGUSR1 at once, which must not find the default action (termination). */
  lmn_daemon_signals_watch (&signals, loop, on_usr1, sup);
  if (!waits_for_configure && !lmn_supervisor_start (sup, &error))
    {
      g_printerr ("lispmnd: %s\n", error->message);
      lmn_daemon_signals_clear (&signals);
      return EXIT_FAILURE;
    }
  dbus = lmn_dbus_service_new (sup);
  g_message ("lispmnd %s running (%s)", PACKAGE_VERSION,
             config->mode == LMN_MODE_XTR ? "site xTR" :
             config->mode == LMN_MODE_PROXY ? "proxy-ETR/ITR" : "mobile node");
  g_main_loop_run (loop);
  lmn_daemon_signals_clear (&signals);
  return EXIT_SUCCESS;
}
