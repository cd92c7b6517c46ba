/* What lispmnd and lispmn-server do alike around their work: the command line's common
 * rules (--version, no stray arguments, errors on stderr with "try --help"), the log filter
 * of --verbose and --debug, and the signals (SIGTERM and SIGINT stop, SIGUSR1 asks for the
 * state file). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gboolean verbose; /* informational messages */
  gboolean debug;   /* every decision as well */
} LmnLogLevels;

/* A daemon's command line as --help shows it. */
typedef struct {
  const char         *program;    /* "lispmnd": the --version line and the errors start so */
  const char         *version;
  const char         *parameters; /* what --help shows after the program's name */
  const char         *summary;
  const GOptionEntry *entries;    /* the daemon's own options; --version follows them */
} LmnDaemonCommandLine;

/* Parses the command line. FALSE when main must return *status now: after printing
 * "program version", or after telling the error (an unknown option, a stray argument) on
 * stderr. */
gboolean lmn_daemon_parse_args (const LmnDaemonCommandLine *cl, int *argc, char ***argv,
                                int *status);

/* Sends the log through a filter of levels (read at each message, so it may be filled
 * later; it must outlive the program's logging). */
void lmn_daemon_log_levels (const LmnLogLevels *levels);

typedef struct {
  guint ids[3];
} LmnDaemonSignals;

/* SIGTERM and SIGINT log "stopping" and quit loop; SIGUSR1 calls on_usr1 (data). Until
 * lmn_daemon_signals_clear. */
void lmn_daemon_signals_watch (LmnDaemonSignals *signals, GMainLoop *loop, GSourceFunc on_usr1,
                               gpointer data);
void lmn_daemon_signals_clear (LmnDaemonSignals *signals);

G_END_DECLS
