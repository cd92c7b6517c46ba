/* Replacing a small file that tells the present (a state file) without stalling a main
 * loop: written beside it and renamed over it, so that a reader sees the old text or the
 * new one, never half; not fsync'ed, since after a crash the state is stale anyway and a
 * busy disk can hold an fsync for seconds (g_file_set_contents() syncs every rewrite). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean lmn_file_replace (const char *path, const char *text, GError **error);

G_END_DECLS
