/* For system tests that need the real kernel: a network namespace of the test process's
 * own (gone when it exits), and running ip(8) in it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Moves the calling process into a new network namespace with lo up. Returns FALSE, having
 * printed why (root and network namespaces are needed), when that is impossible. */
gboolean lmn_test_enter_private_netns (const char *program);
/* Runs "ip ARGS"; the test fails if it does. */
void     lmn_test_ip                  (const char *args);

G_END_DECLS
