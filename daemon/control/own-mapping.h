/* The mapping we announce for our own EIDs: each EID prefix with all our usable RLOCs.
 * Map-Registers and our authoritative Map-Replies carry the same records. */
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
/* Our EID prefix that covers the requested prefix (iid, family, address, length), if any. */
const LispPrefix *lmn_own_mapping_find (const LmnConfig *config, const LispPrefix *asked);

G_END_DECLS
