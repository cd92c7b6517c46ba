/* Martian inner sources (issue 15): source addresses a decapsulated packet can only have
 * when someone forged it, as no host behind another ETR sends from them: our own EIDs (a
 * LAND-style packet that makes us talk to ourselves), loopback, link-local, multicast and
 * broadcast, IPv4-mapped IPv6 and the unspecified address. The kernel would drop some of
 * them on the TUN, not all (IPv6 link-local and our own EIDs go through), and counts none
 * as ours: the data plane drops them first, each under a reason of its own. Pure. */
#pragma once

#include <glib.h>
#include "drop-reason.h"

G_BEGIN_DECLS

/* The drop reason for an inner source address (4 or 16 bytes of family 4 or 6), or
 * LMN_DROP_N_REASONS when it may come from a tunnel. own_eids (LispPrefix, may be NULL):
 * the EIDs behind this ETR (each under its own instance ID, as the data plane keeps them). */
LmnDropReason lmn_inner_source_check (guint8 family, const guint8 *src, const GArray *own_eids);

G_END_DECLS
