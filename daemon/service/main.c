/* lispmnd: the LISP mobile node daemon. */
#include "lispmnd-config.h"
#include "dbus-service.h"
#include "supervisor.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdlib.h>

#define DEFAULT_CONFIG SYSCONFDIR "/lispmn/lispmnd.conf"

typedef struct {
  gboolean verbose;
  gboolean debug;
} LogLevels;

/* --verbose shows informational messages, --debug every decision as well; warnings and
 * service messages are always shown. The default writer sends them to the journal when
 * stderr is connected to it. */
static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const LogLevels *levels = user_data;

  if ((level & G_LOG_LEVEL_DEBUG) && !levels->debug)
    return G_LOG_WRITER_HANDLED;
  if ((level & G_LOG_LEVEL_INFO) && !levels->verbose && !levels->debug)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, NULL);
}

static gboolean
on_quit_signal (gpointer user_data)
{
  GMainLoop *loop = user_data;

  g_message ("stopping");
  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_usr1 (gpointer user_data)
{
  lmn_supervisor_write_state (user_data);
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  static LogLevels levels;
  g_autofree gchar *config_path = NULL;
  g_autofree gchar *state_file = NULL;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      "Configuration file (default " DEFAULT_CONFIG ")", "FILE" },
    { "state-file", 0, 0, G_OPTION_ARG_FILENAME, &state_file,
      "Write the state as JSON to FILE on changes and on SIGUSR1", "FILE" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &levels.verbose, "Log informational messages", NULL },
    { "debug", 'd', 0, G_OPTION_ARG_NONE, &levels.debug, "Log every packet decision (slow)", NULL },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- LISP mobile node daemon");
  g_autoptr(GError) error = NULL;
  LmnConfig *config;
  g_autoptr(LmnSupervisor) sup = NULL;
  g_autoptr(LmnDbusService) dbus = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  guint signals[3];

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
    "Keeps this machine's EIDs reachable over its uplinks with LISP (RFC 9300/9301):\n"
    "encapsulates traffic from the EIDs through the TUN device and decapsulates LISP\n"
    "traffic for them arriving on UDP port 4341.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("lispmnd: %s (try --help)\n", error->message);
      return EXIT_FAILURE;
    }
  if (version)
    {
      g_print ("lispmnd %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }
  if (argc > 1)
    {
      g_printerr ("lispmnd: unexpected argument '%s' (try --help)\n", argv[1]);
      return EXIT_FAILURE;
    }
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);  /* the writer above does the filtering */
  g_log_set_writer_func (log_writer, &levels, NULL);

  config = lmn_config_load (config_path != NULL ? config_path : DEFAULT_CONFIG, &error);
  if (config == NULL)
    {
      g_printerr ("lispmnd: %s\n", error->message);
      return EXIT_FAILURE;
    }
  loop = g_main_loop_new (NULL, FALSE);
  sup = lmn_supervisor_new (config, state_file, levels.debug);
  if (!lmn_supervisor_start (sup, &error))
    {
      g_printerr ("lispmnd: %s\n", error->message);
      return EXIT_FAILURE;
    }
  dbus = lmn_dbus_service_new (sup);
  signals[0] = g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  signals[1] = g_unix_signal_add (SIGINT, on_quit_signal, loop);
  signals[2] = g_unix_signal_add (SIGUSR1, on_usr1, sup);
  g_message ("lispmnd %s running (%s)", PACKAGE_VERSION,
             config->mode == LMN_MODE_XTR ? "site xTR" :
             config->mode == LMN_MODE_PROXY ? "proxy-ETR/ITR" : "mobile node");
  g_main_loop_run (loop);
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    g_source_remove (signals[i]);
  return EXIT_SUCCESS;
}
