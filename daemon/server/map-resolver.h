/* The Map-Resolver's side of lispmn-server (map-resolver.c): ECM-encapsulated Map-Requests
 * answered from the registrations, and the negative answers around the sites. */
#pragma once

#include "map-server-types.h"

G_BEGIN_DECLS

/* An ECM from `from` at now (seconds); the Map-Replies or the forwarded ECM are appended to
 * out. */
void lmn_ms_handle_ecm (LmnMapServer *ms, const guint8 *msg, gsize len, const LmnEndpoint *from,
                        gint64 now, GPtrArray *out);

/* The largest prefix holding (iid, family, addr) that overlaps no configured site prefix;
 * FALSE when the address lies inside a site. */
gboolean lmn_map_server_non_eid_prefix (const LmnMapServer *ms, guint32 iid, guint8 family,
                                        const guint8 *addr, LispPrefix *out);

/* The TTL (minutes) of a negative reply for an EID inside a site that nothing registered, at
 * now for a server started at started: LMN_MS_TTL_UNREGISTERED, but 0 (not to be cached,
 * RFC 9301 §5.4) until LMN_MS_DEFAULT_TIMEOUT seconds after the start. Registrations made
 * before a restart are unknown until their xTRs refresh them, each at its own time within
 * that lifetime (lispmnd every minute); a negative answer cached by a peer meanwhile would
 * outlive the refresh and black-hole the EID, so in that window no answer may last longer
 * than the time left, and as the xTR may come back any second, that is no time at all. */
guint32 lmn_ms_unregistered_ttl (gint64 started, gint64 now);

G_END_DECLS
