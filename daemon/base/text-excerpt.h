/* A value quoted back in an error message is cut short: a caller (a D-Bus client, a line
 * of a configuration file) chooses its size, and a message must not grow with it (a 1 MB
 * EID string must not come back as a 1 MB error). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Characters of a value an excerpt keeps. */
#define LMN_EXCERPT_CHARS 40

/* The first LMN_EXCERPT_CHARS characters of text, followed by "…" when there was more;
 * always valid UTF-8 (invalid bytes become U+FFFD) with control characters shown as '?'.
 * NULL gives "". */
gchar *lmn_excerpt (const char *text);

G_END_DECLS
