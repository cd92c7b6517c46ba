/* lispmn-server's token buckets per source address (base/token-bucket.h, which lispmnd
 * uses too), for what it answers or remembers on behalf of senders it has not authenticated
 * (Info-Requests, the RTR's unverified NAT state, answers to ECM'd Map-Requests, "wrong key"
 * Map-Notifys): a flood from one address is cut down to `rate` per second after a burst of
 * `burst`, and, when a total is given, all sources together to `total_rate`. The table of
 * sources is bounded: when full, the source heard from least recently is forgotten. Pure:
 * the time is passed in (seconds, as the map-server core's). */
#pragma once

#include <glib.h>
#include "endpoint.h"
#include "token-bucket.h"

G_BEGIN_DECLS

typedef LmnTokenBuckets LmnRateLimit;

/* Per source only. */
LmnRateLimit *lmn_rate_limit_new (guint rate, guint burst, guint max_sources);
/* Per source and in all (total_rate > 0). */
LmnRateLimit *lmn_rate_limit_new_total (guint rate, guint burst, guint total_rate,
                                        guint total_burst, guint max_sources);
void lmn_rate_limit_free (LmnRateLimit *rl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnRateLimit, lmn_rate_limit_free)

/* Takes one token of the bucket of from's address (the port does not count), and of the
 * total, at now (seconds); FALSE when either is empty. */
gboolean lmn_rate_limit_allow (LmnRateLimit *rl, const LmnEndpoint *from, gint64 now);
/* How many sources it remembers. */
guint lmn_rate_limit_size (const LmnRateLimit *rl);

G_END_DECLS
