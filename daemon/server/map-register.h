/* The Map-Server's side of lispmn-server (map-register.c): a Map-Register's records become
 * registrations when it is authentic and fresh. */
#pragma once

#include "map-server-types.h"

G_BEGIN_DECLS

/* The unauthenticated "wrong key" Map-Notify (a Map-Register with a bad MAC) per source
 * address: a burst, then a rate per second; and in all. */
#define LMN_MS_WRONG_KEY_RATE        1
#define LMN_MS_WRONG_KEY_BURST       5
#define LMN_MS_WRONG_KEY_TOTAL_RATE  20
#define LMN_MS_WRONG_KEY_TOTAL_BURST 50
#define LMN_MS_WRONG_KEY_SOURCES     4096

/* A Map-Register from `from`, received at our address local (may be NULL) at now; what to
 * answer is appended to out. TRUE when the state changed. */
gboolean lmn_ms_handle_register (LmnMapServer *ms, const guint8 *msg, gsize len,
                                 const LmnEndpoint *from, const LmnEndpoint *local, gint64 now,
                                 GPtrArray *out);

/* Where the Map-Notify of a Map-Register relayed by an RTR goes (relayed-register.c): back
 * to the RTR inside an ECM whose inner IP header is addressed from the map-server to the
 * node's private RLOC. */
typedef struct {
  LmnEndpoint rtr;   /* the relaying RTR (the ECM's outer source) */
  guint8 ip_version; /* of the inner header: 4 or 6 */
  guint8 ms[16];     /* the inner source: the map-server the node addressed */
  guint8 node[16];   /* the inner destination: the node's private RLOC */
} LmnRelay;

/* lmn_ms_handle_register for a Map-Register an RTR relayed (relay not NULL): the same
 * checks and records; the Map-Notify goes back to the RTR in an ECM instead of straight to the
 * node, and a refusal gets no answer (the node cannot tell an RTR's silence from a NAT's). */
gboolean lmn_ms_handle_register_via (LmnMapServer *ms, const guint8 *msg, gsize len,
                                     const LmnEndpoint *from, const LmnEndpoint *local,
                                     const LmnRelay *relay, gint64 now, GPtrArray *out);

/* The replay state (replay-state.c): each remembered nonce with its site, Key ID and xTR-ID,
 * whether that xTR's nonces were seen counting up, and when it was last accepted (the
 * caller's clock), in no particular order. */
typedef void (*LmnNonceFunc) (const LmnSite *site, guint8 key_id, const guint8 xtr_id[16],
                              guint64 nonce, gboolean counting, gint64 when, gpointer user_data);
void lmn_ms_foreach_nonce (const LmnMapServer *ms, LmnNonceFunc func, gpointer user_data);
/* Remembers a nonce read back at a start, as if accepted at now (the oldest first: when the
 * table is full, the least recent is forgotten). */
void lmn_ms_restore_nonce (LmnMapServer *ms, const LmnSite *site, guint8 key_id,
                           const guint8 xtr_id[16], guint64 nonce, gboolean counting, gint64 now);

G_END_DECLS
