/* One running lispmnd: the TUN, the uplinks followed through netlink, the map-cache and the
 * data plane, put together from a configuration. Mobile node and site xTR differ only in
 * their configuration (what the EIDs are, which routes go into the TUN). */
#pragma once

#include <glib.h>
#include "lispmnd-config.h"
#include "control-counters.h"
#include "dataplane.h"
#include "local-rlocs.h"
#include "map-cache.h"
#include "registrar.h"
#include "resolver.h"
#include "nat-traverser.h"
#include "rloc-prober.h"

G_BEGIN_DECLS

typedef struct _LmnNode LmnNode;

/* config must outlive the node. */
LmnNode *lmn_node_new (const LmnConfig *config, gboolean debug, GError **error);
/* Removes what the node added to the system (routes, addresses, the TUN). */
void      lmn_node_free         (LmnNode *node);
/* What the D-Bus service and the state file show. */
const LmnConfig    *lmn_node_get_config     (LmnNode *node);
LmnLocalRlocs      *lmn_node_get_rlocs      (LmnNode *node);
/* The TUN's name (the configured one while the node is starting). */
const char         *lmn_node_get_tun_name   (LmnNode *node);
/* The TUN's MTU now (it follows the uplinks when mtu= is 0). */
guint               lmn_node_get_mtu        (LmnNode *node);
LispMapCache       *lmn_node_get_map_cache  (LmnNode *node);
LmnRegistrar       *lmn_node_get_registrar  (LmnNode *node);
LmnResolver        *lmn_node_get_resolver   (LmnNode *node);
/* NULL when RLOC probing is off. */
LmnRlocProber      *lmn_node_get_prober     (LmnNode *node);
/* NAT discovery and registration through RTRs. */
LmnNatTraverser *lmn_node_get_nat (LmnNode *node);
const LmnCounters  *lmn_node_get_counters   (LmnNode *node);
/* Its data plane, for an RTR's hooks (lispmn-server). */
LmnDataplane *lmn_node_get_dataplane (LmnNode *node);
/* The control plane's messages by type and outcome. */
const LmnControlCounters *lmn_node_get_control_counters (LmnNode *node);
/* A control message that arrived on UDP 4342 of a program embedding the node (whose own
 * control sockets then use ephemeral ports, see LmnConfig.control_port). */
void                lmn_node_handle_control (LmnNode *node, const guint8 *data, gsize len,
                                             const LmnIp *from, guint16 port, const LmnIp *local);
/* Monotonic µs of the last change of the usable RLOCs (0 = none yet): Map-Registers sent
 * since then carry the new set. */
gint64              lmn_node_get_rlocs_changed_at (LmnNode *node);
/* Called after every change of the usable RLOCs or of a map-server's state: when what the
 * state file and the D-Bus API show has changed (the owner writes the state file then; the
 * node knows nothing of it). */
typedef void (*LmnNodeChangedFunc) (LmnNode *node, gpointer user_data);
void                lmn_node_set_changed_func (LmnNode *node, LmnNodeChangedFunc func,
                                               gpointer user_data);
/* Replaces the uplinks (from the NetworkManager plugin, or lispmnctl): their addresses and
 * carrier are then followed as for configured ones. */
void                lmn_node_set_uplinks    (LmnNode *node, const LmnUplinkConfig *const *uplinks,
                                             guint n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnNode, lmn_node_free)

G_END_DECLS
