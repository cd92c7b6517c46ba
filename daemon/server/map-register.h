/* The Map-Server's side of lispmn-server (map-register.c): a Map-Register's records become
 * registrations when it is authentic and fresh. */
#pragma once

#include "map-server-types.h"

G_BEGIN_DECLS

/* A Map-Register from `from`, received at our address local (may be NULL) at now; what to
 * answer is appended to out. TRUE when the state changed. */
gboolean lmn_ms_handle_register (LmnMapServer *ms, const guint8 *msg, gsize len,
                                 const LmnEndpoint *from, const LmnEndpoint *local, gint64 now,
                                 GPtrArray *out);

G_END_DECLS
