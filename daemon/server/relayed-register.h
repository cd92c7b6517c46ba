/* Map-Registers relayed by an RTR for a node behind a NAT (draft-ietf-lisp-nat-traversal
 * §4.4, relayed-register.c): they arrive in an ECM with the N bit from an RTR of
 * [map-server] rtrs=, are processed like any Map-Register, and their Map-Notify goes back
 * to the RTR in an ECM with the R bit, signed with the MS-RTR key when there is one. */
#pragma once

#include "map-server-types.h"

G_BEGIN_DECLS

/* An ECM with the N bit from `from`, sent to our address local (may be NULL). TRUE when
 * the state changed. */
gboolean lmn_ms_handle_relayed (LmnMapServer *ms, const guint8 *msg, gsize len,
                                const LmnEndpoint *from, const LmnEndpoint *local, gint64 now,
                                GPtrArray *out);

G_END_DECLS
