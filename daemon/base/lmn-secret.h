/* Secrets (map-server keys, passwords) are wiped before their memory is given back, so that
 * a key does not linger in freed heap that a later allocation or a core dump could show. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Overwrites the string with zeroes up to its NUL, then frees it; NULL is fine. */
void lmn_secret_free (gchar *secret);

/* g_autoptr(LmnSecret) key = NULL: a string wiped on every way out of its scope. */
typedef gchar LmnSecret;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnSecret, lmn_secret_free)

G_END_DECLS
