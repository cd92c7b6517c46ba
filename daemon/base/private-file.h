/* A configuration file that holds keys must be private, as ssh and wg-quick ask of theirs:
 * a key that group or others can read is a key anyone on the machine may have copied, and a
 * file that another unprivileged user owns is one that user can rewrite (and so choose the
 * keys and EIDs a root daemon uses). Both daemons refuse such a file, saying the command that
 * fixes it. A file without keys (a lispmnd.conf for a node configured over D-Bus) may stay
 * readable: the callers check only files that hold keys. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What is wrong with a file of this mode and owner for a daemon running as euid, or NULL:
 * any permission for group or others ("run chmod 600 PATH"), or an owner that is neither
 * root nor euid ("run chown ..."). Pure: the caller gives the stat fields. */
gchar *lmn_private_file_problem (const char *path, guint mode, guint uid, guint euid);
/* Stats path and fails with the problem above, prefixed with the path; TRUE when the file
 * is private. */
gboolean lmn_private_file_check (const char *path, GError **error);

G_END_DECLS
