/* The mapping we announce for our own EIDs: each EID prefix with all our usable RLOCs.
 * Map-Registers and our authoritative Map-Replies carry the same records, and our
 * Map-Requests (misses, lookups, SMRs, RLOC-probes) name the same EIDs and RLOCs as their
 * source and ITR-RLOCs. */
#pragma once

#include <glib.h>
#include "node-config.h"
#include "lisp-message.h"
#include "local-rlocs.h"

G_BEGIN_DECLS

/* TTL of our own records: short, because a mobile node moves. */
#define LMN_OWN_RECORD_TTL 10

/* The record of eid: every usable RLOC with its priority and weight, L and R set;
 * probed (may be NULL) gets the p bit. */
LispRecord  *lmn_own_mapping_record  (const LispPrefix *eid, const LmnLocalRlocs *rlocs,
                                      const LmnIp *probed);
/* Number of usable RLOCs (a record without any is not worth sending). */
guint        lmn_own_mapping_n_rlocs (const LmnLocalRlocs *rlocs);
/* The EID-prefix address of p (an Instance-ID LCAF around it when p->iid is not 0). */
LispAddress *lmn_prefix_to_address   (const LispPrefix *p);
/* Our (first) EID prefix of that family; NULL without one. */
const LispPrefix *lmn_own_mapping_eid (const LmnConfig *config, guint8 family);
/* Names our EID of that family as m's source EID, or else any EID of ours (nothing without
 * EIDs): the source of our Map-Requests and RLOC-probes about an EID of that family. */
void lmn_own_mapping_set_source_eid (LispMapRequest *m, const LmnConfig *config, guint8 family);
/* Our usable RLOCs as m's ITR-RLOCs (at most 32 in all). */
void lmn_own_mapping_add_itr_rlocs (LispMapRequest *m, const LmnLocalRlocs *rlocs);
/* Our EID prefix that covers the requested prefix (iid, family, address, length), if any. */
const LispPrefix *lmn_own_mapping_find (const LmnConfig *config, const LispPrefix *asked);

G_END_DECLS
