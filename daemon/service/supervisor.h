/* What keeps lispmnd's node running, or not: the D-Bus API can stop the mobile node (its
 * TUN, sockets and routes go away) and start it again from the configuration, while the
 * daemon stays on the bus and answers. */
#pragma once

#include <glib.h>
#include "lispmnd-config.h"
#include "node.h"

G_BEGIN_DECLS

typedef struct _LmnSupervisor LmnSupervisor;

/* Takes ownership of config; state_file (may be NULL) is written whenever a node starts or
 * its state changes (see state-file.h). */
LmnSupervisor   *lmn_supervisor_new        (LmnConfig *config, const char *state_file,
                                            gboolean debug);
void             lmn_supervisor_free       (LmnSupervisor *sup);
/* Builds the node from the configuration (nothing when it runs already). */
gboolean         lmn_supervisor_start      (LmnSupervisor *sup, GError **error);
/* Tears the node down (nothing when stopped). */
void             lmn_supervisor_stop       (LmnSupervisor *sup);
/* Replaces the configuration (taking ownership of config) and restarts the node with it,
 * also when it was stopped. When the new node cannot start, the old configuration is put
 * back (and its node restarted if it ran) and FALSE returned. */
gboolean         lmn_supervisor_reconfigure (LmnSupervisor *sup, LmnConfig *config, GError **error);
/* Replaces the uplinks (SetRlocs): applied to the running node and kept for every later
 * start, until replaced again. */
void             lmn_supervisor_set_uplinks (LmnSupervisor *sup, const LmnUplinkConfig *const *uplinks,
                                             guint n);
/* The running node, or NULL when stopped. */
LmnNode         *lmn_supervisor_get_node   (LmnSupervisor *sup);
/* The running configuration, and the file's (which Configure's settings are laid over). */
const LmnConfig *lmn_supervisor_get_config (LmnSupervisor *sup);
const LmnConfig *lmn_supervisor_get_file_config (LmnSupervisor *sup);
/* Writes the state file now (SIGUSR1; nothing when stopped or without one). */
void             lmn_supervisor_write_state (LmnSupervisor *sup);
/* Called when the node's RLOCs change, and when it starts or stops. */
typedef void (*LmnSupervisorChangedFunc) (LmnSupervisor *sup, gpointer user_data);
void             lmn_supervisor_set_changed_func (LmnSupervisor *sup, LmnSupervisorChangedFunc func,
                                                  gpointer user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnSupervisor, lmn_supervisor_free)

G_END_DECLS
