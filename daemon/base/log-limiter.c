/* Rate-limited log lines for dropped packets (log-limiter.h): a window per reason, opened by
 * its first line, letting `lines` lines through and counting the rest until it closes. */
#include "log-limiter.h"

#include <stdarg.h>

typedef struct {
  gint64 start;      /* µs: when the window opened */
  guint logged;      /* lines let through in it */
  guint64 held_back; /* lines held back in it */
} Window;

struct _LmnLogLimiter {
  guint lines;
  gint64 interval;     /* µs */
  GHashTable *windows; /* reason (static string, by content) -> Window* (owned) */
  guint64 suppressed;
};

LmnLogLimiter *
lmn_log_limiter_new (guint lines, guint interval_seconds)
{
  LmnLogLimiter *ll = g_new0 (LmnLogLimiter, 1);

  ll->lines = lines;
  ll->interval = (gint64) MAX (interval_seconds, 1) * G_USEC_PER_SEC;
  ll->windows = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  return ll;
}

void
lmn_log_limiter_free (LmnLogLimiter *ll)
{
  if (ll == NULL)
    return;
  g_hash_table_unref (ll->windows);
  g_free (ll);
}

static gchar *
summary_line (const char *reason, const Window *w, gint64 now)
{
  gint64 seconds = (now - w->start + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;

  return g_strdup_printf ("%" G_GUINT64_FORMAT " more like this (%s) in the last %" G_GINT64_FORMAT
                          "s",
                          w->held_back, reason, MAX (seconds, 1));
}

gboolean
lmn_log_limiter_allow (LmnLogLimiter *ll, const char *reason, gint64 now_us, gchar **summary)
{
  Window *w = g_hash_table_lookup (ll->windows, reason);

  if (summary != NULL)
    *summary = NULL;
  if (w == NULL)
    {
      w = g_new0 (Window, 1);
      g_hash_table_insert (ll->windows, (gpointer) reason, w);
      w->start = now_us;
    }
  else if (now_us - w->start >= ll->interval || now_us < w->start)
    {
      if (w->held_back > 0 && summary != NULL)
        *summary = summary_line (reason, w, now_us);
      w->start = now_us;
      w->logged = 0;
      w->held_back = 0;
    }
  if (w->logged < ll->lines)
    {
      w->logged++;
      return TRUE;
    }
  w->held_back++;
  ll->suppressed++;
  return FALSE;
}

gboolean
lmn_log_limiter_flush (LmnLogLimiter *ll, gint64 now_us, GPtrArray *summaries)
{
  GHashTableIter iter;
  gpointer key, value;
  gboolean pending = FALSE;

  g_hash_table_iter_init (&iter, ll->windows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Window *w = value;

      if (now_us - w->start < ll->interval && now_us >= w->start)
        {
          pending |= w->held_back > 0;
          continue;
        }
      if (w->held_back > 0)
        g_ptr_array_add (summaries, summary_line (key, w, now_us));
      /* A closed window is forgotten: the table holds only reasons heard lately. */
      g_hash_table_iter_remove (&iter);
    }
  return pending;
}

guint64
lmn_log_limiter_suppressed (const LmnLogLimiter *ll)
{
  return ll->suppressed;
}

/* ---- the process-wide limiter ---- */

static LmnLogLimiter *process_limiter;
static guint flush_timer;

static gboolean
on_flush (gpointer user_data)
{
  g_autoptr(GPtrArray) summaries = g_ptr_array_new_with_free_func (g_free);
  GLogLevelFlags level = GPOINTER_TO_INT (user_data);
  gboolean pending = lmn_log_limiter_flush (process_limiter, g_get_monotonic_time (), summaries);

  for (guint i = 0; i < summaries->len; i++)
    g_log (NULL, level, "%s", (const char *) g_ptr_array_index (summaries, i));
  if (pending)
    return G_SOURCE_CONTINUE;
  flush_timer = 0;
  return G_SOURCE_REMOVE;
}

void
lmn_log_limited (GLogLevelFlags level, const char *reason, const char *format, ...)
{
  g_autofree gchar *summary = NULL;
  va_list args;

  if (process_limiter == NULL)
    process_limiter = lmn_log_limiter_new (LMN_LOG_LIMIT_LINES, LMN_LOG_LIMIT_SECONDS);
  if (!lmn_log_limiter_allow (process_limiter, reason, g_get_monotonic_time (), &summary))
    {
      /* The summary is due when the window closes, even if no line of it comes again. */
      if (flush_timer == 0)
        flush_timer = g_timeout_add_seconds (LMN_LOG_LIMIT_SECONDS + 1, on_flush,
                                             GINT_TO_POINTER (level));
      return;
    }
  if (summary != NULL)
    g_log (NULL, level, "%s", summary);
  va_start (args, format);
  g_logv (NULL, level, format, args);
  va_end (args);
}
