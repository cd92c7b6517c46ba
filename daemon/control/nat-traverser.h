/* NAT traversal on the mobile node (draft-ietf-lisp-nat-traversal): on every usable RLOC it
 * asks the map-server how it sees us (nat-discovery.h: at once when the RLOC's address
 * changes, then every 10 minutes) and records the verdict in the RLOC (LmnRlocNat). Behind a
 * NAT, with nat-traversal=auto or on, the RLOC goes through the first RTR the map-server
 * named: our Map-Register goes to it wrapped in an ECM (rtr-registration.h) from the
 * RLOC's data port 4341, every nat-keepalive-interval seconds, which keeps the NAT's binding
 * open; the Map-Notify comes back as a Data-Map-Notify on that binding. The data plane sends
 * that RLOC's traffic to the RTR from the same port. */
#pragma once

#include <glib.h>
#include "control-context.h"
#include "registrar.h"

G_BEGIN_DECLS

typedef struct _LmnNatTraverser LmnNatTraverser;

/* Uses (does not own) ctx's parts, rlocs (ctx->rlocs, which it writes the verdicts to) and
 * registrar; they must outlive it. Sends nothing before lmn_nat_traverser_sync(). */
LmnNatTraverser *lmn_nat_traverser_new (const LmnControlContext *ctx, LmnLocalRlocs *rlocs,
                                        LmnRegistrar *registrar);
void lmn_nat_traverser_free (LmnNatTraverser *t);
/* Follows the RLOC set after a change: discovery for each RLOC with a new address, nothing
 * more for those gone. */
void lmn_nat_traverser_sync (LmnNatTraverser *t);
/* An Info-Reply (type 7) that arrived at our RLOC local. */
void lmn_nat_traverser_handle_info (LmnNatTraverser *t, const guint8 *data, gsize len,
                                    const LmnIp *local);
/* A Data-Map-Notify (the whole UDP payload on port 4341) that arrived at our RLOC local. */
void lmn_nat_traverser_handle_data_notify (LmnNatTraverser *t, const guint8 *data, gsize len,
                                           const LmnIp *local);
/* Registers through every RTR in use now (our mapping changed). */
void lmn_nat_traverser_register_now (LmnNatTraverser *t);
/* The registration through the RTR of RLOC i, NULL when it uses none. */
const LmnRegistration *lmn_nat_traverser_registration (const LmnNatTraverser *t, guint i);
/* What changed: an RLOC's NAT verdict; with it its RTR, the locator we announce for it (the
 * caller re-registers); or a registration through an RTR was acknowledged (our locator set
 * as last sent is now in the mapping system: the caller may tell its peers). */
typedef enum {
  LMN_NAT_CHANGED_VERDICT,
  LMN_NAT_CHANGED_RTR,
  LMN_NAT_CHANGED_REGISTERED,
} LmnNatChange;
typedef void (*LmnNatChangedFunc) (LmnNatChange change, gpointer user_data);
void lmn_nat_traverser_set_changed_func (LmnNatTraverser *t, LmnNatChangedFunc func,
                                         gpointer user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnNatTraverser, lmn_nat_traverser_free)

G_END_DECLS
