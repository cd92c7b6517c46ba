/* The map-server and map-resolver of lispmn-server (RFC 9301 §8): a pure core with no
 * sockets and no clock. Every received datagram goes through lmn_map_server_handle() with
 * its source and the current time; what must be sent comes back as LmnDatagram values.
 *
 * Map-Server (map-register.c): a Map-Register is accepted only when one site holds every
 * record's EID-prefix (exactly, or a more specific one when the site accepts
 * more-specifics) and its key with the message's Key ID verifies the MAC. Anything else is
 * dropped, counted and logged (at info) with the reason, never the key. The one answer to a
 * refusal: when the site and Key ID are right but the MAC is not, and a Map-Notify was asked
 * for, an *unauthenticated* Map-Notify with the same nonce and no records goes back, so that
 * the xTR can tell its user "wrong key" instead of "no answer"; it carries nothing signed,
 * so it helps no forger. Registrations (site-registration.c) expire 180 s after the last
 * refresh, or after the record TTL when the T bit asks for it; an xTR whose registration
 * moved elsewhere is told with unsolicited Map-Notifys (map-notify.c).
 *
 * Map-Resolver (map-resolver.c): an ECM carrying a Map-Request is answered per requested
 * EID: a proxy Map-Reply, the ECM forwarded to the registered ETR, or a negative Map-Reply
 * (TTL 1 minute inside a site, 15 minutes outside every site).
 *
 * The layers, bottom up: the types and context every handler shares (map-server-types.h:
 * constants, counters, datagrams; ms-context.h: the state, drop/emit), the handlers
 * (map-register.h, map-resolver.h, map-notify.h) and the state as JSON (map-server-json.h),
 * then this file: the object's life and the dispatch (map-server.c). Callers include only
 * this file. */
#pragma once

#include <glib.h>
#include "map-notify.h"
#include "map-resolver.h"
#include "map-server-types.h"
#include "map-server-json.h"

G_BEGIN_DECLS

/* Takes ownership of the sites (LmnSite*). */
LmnMapServer *lmn_map_server_new  (GPtrArray *sites);
void          lmn_map_server_free (LmnMapServer *ms);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnMapServer, lmn_map_server_free)

/* Handles one datagram from `from` received at `now` (seconds, any monotonic clock) and
 * appends what to send (LmnDatagram*) to out. Returns TRUE when the state changed. */
gboolean lmn_map_server_handle (LmnMapServer *ms, const guint8 *msg, gsize len,
                                const LmnEndpoint *from, gint64 now, GPtrArray *out);
/* The same, for a datagram sent to our address `local` (may be NULL): retransmissions of
 * what it causes leave from there. */
gboolean lmn_map_server_handle_at (LmnMapServer *ms, const guint8 *msg, gsize len,
                                   const LmnEndpoint *from, const LmnEndpoint *local,
                                   gint64 now, GPtrArray *out);

G_END_DECLS
