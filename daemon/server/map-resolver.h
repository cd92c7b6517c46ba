/* The Map-Resolver's side of lispmn-server (map-resolver.c): ECM-encapsulated Map-Requests
 * answered from the registrations, and the negative answers around the sites. */
#pragma once

#include "map-server-types.h"

G_BEGIN_DECLS

/* An ECM from `from`; the Map-Replies or the forwarded ECM are appended to out. */
void lmn_ms_handle_ecm (LmnMapServer *ms, const guint8 *msg, gsize len, const LmnEndpoint *from,
                        GPtrArray *out);

/* The largest prefix holding (iid, family, addr) that overlaps no configured site prefix;
 * FALSE when the address lies inside a site. */
gboolean lmn_map_server_non_eid_prefix (const LmnMapServer *ms, guint32 iid, guint8 family,
                                        const guint8 *addr, LispPrefix *out);

G_END_DECLS
