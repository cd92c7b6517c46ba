/* A token bucket per source address, for what lispmn-server answers or remembers on behalf
 * of senders it has not authenticated yet (Info-Requests, the RTR's unverified NAT state): a
 * flood from one address is cut down to `rate` per second after a burst of `burst`. The
 * table of sources is bounded: when full, the source heard from least recently is
 * forgotten (it gets a full bucket when it comes back, which is what a new source gets).
 * Pure: the time is passed in. */
#pragma once

#include <glib.h>
#include "endpoint.h"

G_BEGIN_DECLS

typedef struct _LmnRateLimit LmnRateLimit;

LmnRateLimit *lmn_rate_limit_new (guint rate, guint burst, guint max_sources);
void lmn_rate_limit_free (LmnRateLimit *rl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnRateLimit, lmn_rate_limit_free)

/* Takes one token of the bucket of from's address (the port does not count) at now
 * (seconds); FALSE when it is empty. */
gboolean lmn_rate_limit_allow (LmnRateLimit *rl, const LmnEndpoint *from, gint64 now);
/* How many sources it remembers. */
guint lmn_rate_limit_size (const LmnRateLimit *rl);

G_END_DECLS
