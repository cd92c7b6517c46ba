/* Log lines about dropped packets, limited: a flood of bad packets must not become a flood
 * of log lines (disk, journald's rate limit hiding everything else). Per reason, the first
 * `lines` lines of each interval go through; the rest are counted and summed up in one line,
 * "N more like this (REASON) in the last Ts", when the interval ends.
 *
 * The core (LmnLogLimiter) is pure, its time passed in, for the unit tests; lmn_log_limited
 * is what the daemons call: a process-wide limiter on the monotonic clock, whose summaries
 * are written by a timer of the default main context (or by the next line of that reason,
 * whichever comes first). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Lines let through per reason and interval by lmn_log_limited, and the interval. */
#define LMN_LOG_LIMIT_LINES   10
#define LMN_LOG_LIMIT_SECONDS 10

typedef struct _LmnLogLimiter LmnLogLimiter;

LmnLogLimiter *lmn_log_limiter_new (guint lines, guint interval_seconds);
void lmn_log_limiter_free (LmnLogLimiter *ll);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnLogLimiter, lmn_log_limiter_free)

/* Whether a line of reason (a static string: it is kept, not copied) may be logged at now
 * (µs). When an earlier interval of reason held lines back, *summary (if not NULL) is set
 * to its summary line, to be logged first; else to NULL. */
gboolean lmn_log_limiter_allow (LmnLogLimiter *ll, const char *reason, gint64 now_us,
                                gchar **summary);
/* The summaries of every interval over at now (µs) that held lines back, each appended to
 * summaries (gchar*, owned by the array's free function); those intervals are closed.
 * TRUE when an interval still open holds lines back (its summary is still to come). */
gboolean lmn_log_limiter_flush (LmnLogLimiter *ll, gint64 now_us, GPtrArray *summaries);
/* Lines held back so far, in all (for the tests and the state). */
guint64 lmn_log_limiter_suppressed (const LmnLogLimiter *ll);

/* Logs the line at level unless reason's share is used up (process-wide limiter,
 * LMN_LOG_LIMIT_LINES per LMN_LOG_LIMIT_SECONDS). reason: a static string. */
void lmn_log_limited (GLogLevelFlags level, const char *reason, const char *format, ...)
  G_GNUC_PRINTF (3, 4);

G_END_DECLS
