/* The Map-Resolver's side of lispmn-server (map-resolver.c): ECM-encapsulated Map-Requests
 * answered from the registrations, and the negative answers around the sites. */
#pragma once

#include "map-server-types.h"

G_BEGIN_DECLS

/* Answers to ECM'd Map-Requests (Map-Replies, negative replies, forwarded ECMs) per
 * ITR-RLOC they would go to: a burst, then a rate per second; and in all. Unauthenticated
 * requests naming any ITR-RLOC must not make the map-resolver a reflector. */
#define LMN_MS_ANSWER_RATE        50
#define LMN_MS_ANSWER_BURST       100
#define LMN_MS_ANSWER_TOTAL_RATE  1000
#define LMN_MS_ANSWER_TOTAL_BURST 2000
#define LMN_MS_ANSWER_SOURCES     4096
#define LMN_MS_ANSWER_RATE_MAX    1000000

/* An ECM from `from` at now (seconds); the Map-Replies or the forwarded ECM are appended to
 * out. */
void lmn_ms_handle_ecm (LmnMapServer *ms, const guint8 *msg, gsize len, const LmnEndpoint *from,
                        gint64 now, GPtrArray *out);

/* The largest prefix holding (iid, family, addr) that overlaps no configured site prefix;
 * FALSE when the address lies inside a site. */
gboolean lmn_map_server_non_eid_prefix (const LmnMapServer *ms, guint32 iid, guint8 family,
                                        const guint8 *addr, LispPrefix *out);

/* The TTL (minutes) of a negative reply at now for q, inside a site and not registered:
 * LMN_MS_TTL_UNREGISTERED, but 0 (not to be cached, RFC 9301 §5.4) while q overlaps a prefix
 * registered before a restart whose registration would still last (lmn_map_server_expect).
 * Its xTR has to refresh it before then and may do so any second (lispmnd every minute): a
 * negative answer cached by a peer meanwhile would outlive that refresh and cut the EID off,
 * so no answer may last longer than the time left, and that may be no time at all. */
guint32 lmn_ms_unregistered_ttl (const LmnMapServer *ms, const LispPrefix *q, gint64 now);

G_END_DECLS
