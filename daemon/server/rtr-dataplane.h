/* The RTR's data plane decisions (rtr-dataplane.c), for the proxy's data plane to call
 * (proxy-router.c ties them to its hooks, dataplane.h LmnTransitHooks):
 * - a packet decapsulated on port 4341 whose inner source is an EID a node registered
 *   through us is that node's only when its outer source is the node's translated address
 *   (the port may differ: a symmetric NAT maps the node's data and control differently);
 *   one for a node's EID from anyone else is a correspondent's, to be passed on;
 * - a packet for such an EID goes to the node's translated address and port, from our port
 *   4342 and the address the node registered through: the binding its keepalives hold open.
 * Pure apart from the send function it is given. */
#pragma once

#include <glib.h>
#include "rtr.h"

G_BEGIN_DECLS

typedef enum {
  LMN_RTR_SOURCE_OTHER,   /* neither from nor to a node of ours: the proxy's usual rules */
  LMN_RTR_SOURCE_NODE,    /* from a verified node, from its translated address */
  LMN_RTR_SOURCE_FORGED,  /* a node's EID from elsewhere */
  LMN_RTR_SOURCE_TO_NODE, /* from anyone else to a node (a correspondent's ITR) */
} LmnRtrSource;

/* Sends a LISP data packet (header, then packet) from `from` (our port 4342) to `to`. */
typedef gboolean (*LmnRtrSendFunc) (const LmnEndpoint *from, const LmnEndpoint *to,
                                    const guint8 *header, gsize header_len, const guint8 *packet,
                                    gsize len, gpointer user_data);

/* Whose is a decapsulated packet from src to dst, whose outer source was `from`; counts
 * what it finds (rx-data-from-node, drop-data-unverified-source). */
LmnRtrSource lmn_rtr_check_source (LmnRtr *rtr, guint8 family, const guint8 *src, const guint8 *dst,
                                   guint8 outer_family, const guint8 *from);
/* When dst is a node's EID, encapsulates packet to it with send and returns TRUE
 * (tx-data-to-node); FALSE for any other destination. */
gboolean lmn_rtr_send_to_node (LmnRtr *rtr, const guint8 *packet, gsize len, guint8 family,
                               const guint8 *dst, LmnRtrSendFunc send, gpointer user_data);

G_END_DECLS
