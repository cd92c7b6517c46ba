/* The plumbing both daemons' main.c share (daemon-run.h): command line, log filter, signals. */
#include "daemon-run.h"

#include <glib-unix.h>
#include <stdlib.h>

gboolean
lmn_daemon_parse_args (const LmnDaemonCommandLine *cl, int *argc, char ***argv, int *status)
{
  gboolean show_version = FALSE;
  const GOptionEntry entries[] = {
    { "version", 'V', 0, G_OPTION_ARG_NONE, &show_version, "Print the version and exit", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (cl->parameters);
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, cl->entries, NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, cl->summary);
  *status = EXIT_FAILURE;
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("%s: %s (try --help)\n", cl->program, error->message);
      return FALSE;
    }
  if (show_version)
    {
      g_print ("%s %s\n", cl->program, cl->version);
      *status = EXIT_SUCCESS;
      return FALSE;
    }
  if (*argc > 1)
    {
      g_printerr ("%s: unexpected argument '%s' (try --help)\n", cl->program, (*argv)[1]);
      return FALSE;
    }
  return TRUE;
}

/* --verbose shows informational messages, --debug every decision as well; warnings and
 * service messages are always shown. The default writer sends them to the journal when
 * stderr is connected to it. */
static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const LmnLogLevels *levels = user_data;

  if ((level & G_LOG_LEVEL_DEBUG) && !levels->debug)
    return G_LOG_WRITER_HANDLED;
  if ((level & G_LOG_LEVEL_INFO) && !levels->verbose && !levels->debug)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, NULL);
}

void
lmn_daemon_log_levels (const LmnLogLevels *levels)
{
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE); /* log_writer does the filtering */
  g_log_set_writer_func (log_writer, (gpointer) levels, NULL);
}

static gboolean
on_quit_signal (gpointer user_data)
{
  GMainLoop *loop = user_data;

  g_message ("stopping");
  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

void
lmn_daemon_signals_watch (LmnDaemonSignals *signals, GMainLoop *loop, GSourceFunc on_usr1,
                          gpointer data)
{
  signals->ids[0] = g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  signals->ids[1] = g_unix_signal_add (SIGINT, on_quit_signal, loop);
  signals->ids[2] = g_unix_signal_add (SIGUSR1, on_usr1, data);
}

void
lmn_daemon_signals_clear (LmnDaemonSignals *signals)
{
  for (guint i = 0; i < G_N_ELEMENTS (signals->ids); i++)
    g_source_remove (signals->ids[i]);
}
