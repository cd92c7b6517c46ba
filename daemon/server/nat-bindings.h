/* The RTR's NAT state (draft-ietf-lisp-nat-traversal §4.4-4.6): for each node behind a NAT
 * that registers through it, where the node's NAT shows it (translated address and port),
 * which of our addresses it reached, its private RLOC and the EID-prefixes it registered.
 *
 * A binding is first UNVERIFIED, keyed by the node's xTR-ID and the nonce of the Map-Register
 * that created it: anyone can send an ECM'd Map-Register with any xTR-ID, so nothing is
 * served from it. When the map-server's authenticated Map-Notify with that xTR-ID and nonce
 * comes back through us, the binding becomes the node's VERIFIED one (replacing the previous
 * one of that xTR-ID, as after a NAT rebinding) and its EIDs are served until
 * LMN_NAT_VERIFIED_LIFETIME after its last verification.
 *
 * Unverified bindings are bounded: when the table is full, the oldest is evicted; they lapse
 * after LMN_NAT_UNVERIFIED_LIFETIME. Verified bindings never make room for unverified ones,
 * so a flood of forged Map-Registers cannot push a registered node out. Keying the
 * unverified ones by nonce too means a forger who knows a node's xTR-ID cannot overwrite
 * the node's pending refresh either. Pure: time is passed in. */
#pragma once

#include <glib.h>
#include "endpoint.h"
#include "lisp-prefix.h"

G_BEGIN_DECLS

#define LMN_NAT_UNVERIFIED_LIFETIME 10  /* seconds: a map-server answers well within this */
#define LMN_NAT_VERIFIED_LIFETIME   180 /* seconds: the registration TTL (3 minutes) */

typedef struct {
  guint8 xtr_id[16];
  LmnEndpoint translated;  /* the outer source of the node's ECM'd Map-Register */
  LmnEndpoint rtr;         /* the address of ours it was sent to */
  guint8 ip_version;       /* of the private RLOC: 4 or 6 */
  guint8 private_rloc[16]; /* the ECM's inner source */
  GArray *eids;            /* LispPrefix: the registered EID-prefixes */
  gint64 since;            /* seconds: arrival (unverified) or last verification */
} LmnNatBinding;

typedef struct _LmnNatBindings LmnNatBindings;

LmnNatBindings *lmn_nat_bindings_new (guint max_unverified);
void lmn_nat_bindings_free (LmnNatBindings *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnNatBindings, lmn_nat_bindings_free)

/* Records b (copied; its eids taken) as unverified under (its xTR-ID, nonce), replacing one
 * already there. Returns TRUE when the oldest unverified binding was evicted to make room. */
gboolean lmn_nat_bindings_add_unverified (LmnNatBindings *t, LmnNatBinding *b, guint64 nonce);
/* Makes the unverified binding of (xtr_id, nonce) its xTR-ID's verified one, as of now;
 * returns it, or NULL when there is none. */
const LmnNatBinding *lmn_nat_bindings_verify (LmnNatBindings *t, const guint8 xtr_id[16],
                                              guint64 nonce, gint64 now);
/* The verified binding whose EIDs hold (iid, family, addr) most specifically, or NULL. */
const LmnNatBinding *lmn_nat_bindings_find_eid (const LmnNatBindings *t, guint32 iid, guint8 family,
                                                const guint8 *addr);
/* Forgets the bindings whose time is up; returns how many unverified (*unverified) and
 * verified ones (the result) lapsed. */
guint lmn_nat_bindings_expire (LmnNatBindings *t, gint64 now, guint *unverified);

guint lmn_nat_bindings_unverified (const LmnNatBindings *t);
/* LmnNatBinding*, the verified ones, in no particular order. */
const GPtrArray *lmn_nat_bindings_verified (const LmnNatBindings *t);

G_END_DECLS
