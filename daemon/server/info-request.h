/* The map-server's side of NAT discovery (draft-ietf-lisp-nat-traversal §4.1-4.2,
 * info-request.c): an authenticated Info-Request is answered with an Info-Reply telling the
 * node the address and port its request came from (after any NAT) and the RTRs it may
 * register through. */
#pragma once

#include "map-server-types.h"

G_BEGIN_DECLS

/* Info-Replies allow the node to keep the RTR list this long (minutes). */
#define LMN_MS_INFO_REPLY_TTL 1440
/* Info-Requests answered per source address: a burst, then a rate per second. */
#define LMN_MS_INFO_BURST   20
#define LMN_MS_INFO_RATE    5
#define LMN_MS_INFO_SOURCES 4096

/* An Info message from `from` sent to our address local (may be NULL: the reply then has
 * no MS RLOC); the Info-Reply is appended to out. */
void lmn_ms_handle_info (LmnMapServer *ms, const guint8 *msg, gsize len, const LmnEndpoint *from,
                         const LmnEndpoint *local, gint64 now, GPtrArray *out);

G_END_DECLS
