/* One running lispmnd: the TUN, the uplinks followed through netlink, the map-cache and the
 * data plane, put together from a configuration. Mobile node and site xTR differ only in
 * their configuration (what the EIDs are, which routes go into the TUN). */
#pragma once

#include <glib.h>
#include "config.h"

G_BEGIN_DECLS

typedef struct _LmnNode LmnNode;

/* config must outlive the node; state_file may be NULL. */
LmnNode  *lmn_node_new          (const LmnConfig *config, const char *state_file,
                                 gboolean debug, GError **error);
/* Removes what the node added to the system (routes, addresses, the TUN). */
void      lmn_node_free         (LmnNode *node);
/* Writes the state file now (no-op without one). */
void      lmn_node_write_state  (LmnNode *node);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnNode, lmn_node_free)

G_END_DECLS
