/* The proxy-ETR and proxy-ITR (RFC 6832) that lispmn-server runs when its configuration has
 * a [proxy] group: hosts that know nothing of LISP reach the mobile nodes' EIDs through it
 * (it attracts the EID space, looks the EIDs up and encapsulates to the nodes' RLOCs), and
 * the nodes reach such hosts through it (it decapsulates and forwards natively).
 *
 * It is lispmnd's node in proxy mode, in-process. lispmn-server owns UDP 4342 on the
 * server's addresses (usually the proxy's RLOC too, on a one-address server), so the node's
 * own control sockets take ephemeral ports and the server passes on what arrives on 4342
 * for the proxy: Map-Replies, Map-Notifys, and Map-Requests outside an ECM (SMRs and
 * RLOC-probes). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include "rtr-dataplane.h"
#include "server-config.h"

G_BEGIN_DECLS

typedef struct _LmnProxyRouter LmnProxyRouter;

/* Creates the TUN and routes and starts following the uplinks. The node's configuration is
 * built from config, whose values get the checks lispmnd.conf's would (node-config.h);
 * config_name names the configuration file in errors. */
LmnProxyRouter *lmn_proxy_router_new    (const LmnServerProxyConfig *config,
                                         const char *config_name, gboolean debug,
                                         GError **error);
/* Removes the TUN and routes. */
void            lmn_proxy_router_free   (LmnProxyRouter *proxy);
/* Whether a message of this LISP type that arrived on UDP 4342 is the proxy's. */
gboolean        lmn_proxy_router_wants  (guint type);
/* family: LISP_FAMILY_IPV4 or _IPV6, of both addresses. */
void            lmn_proxy_router_handle (LmnProxyRouter *proxy, const guint8 *data, gsize len,
                                         guint8 family, const guint8 *from, guint16 from_port,
                                         const guint8 *local);
/* Lets the RTR serve its nodes behind NAT through the proxy's data plane: their packets
 * are forwarded as from the proxy's own EIDs, and packets for their EIDs go to them with
 * send (from the server's port 4342). rtr and send_data must outlive the proxy. */
void lmn_proxy_router_attach_rtr (LmnProxyRouter *proxy, LmnRtr *rtr, LmnRtrSendFunc send,
                                  gpointer send_data);
/* {"tun", "eids", "rlocs": [{"interface", "address", "state"}], "map-cache-entries"}
 * for the state file. */
JsonNode       *lmn_proxy_router_to_json (LmnProxyRouter *proxy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnProxyRouter, lmn_proxy_router_free)

G_END_DECLS
