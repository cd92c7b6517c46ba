/* lispmn-server --show FILE: the state file (map-server-json.c, with the proxy's part from
 * proxy-router.c) printed for people. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Prints the state file at path on stdout; the exit status (EXIT_FAILURE, with the reason
 * on stderr, when it cannot be read or is no lispmn-server state file). */
int lmn_server_show (const char *path);

G_END_DECLS
