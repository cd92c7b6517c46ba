/* Resolution of destinations through the map-resolvers, and our answers as an ETR.
 *
 * ITR side: on a map-cache miss (the data plane's resolver hook) a Map-Request for the
 * destination as a host prefix goes, inside an ECM, to the first map-resolver; unanswered,
 * it is retransmitted after 1 s and 2 s to the next map-resolver each time, and given up 4 s
 * after the third try. At most one Map-Request per destination per second. A Map-Reply is
 * accepted only with the nonce of an outstanding request, and only its records that cover
 * the destination asked for are installed.
 *
 * ETR side: a Map-Request (plain, or in an ECM from a map-server) for one of our EIDs is
 * answered with an authoritative Map-Reply listing our usable RLOCs (for an RLOC-probe with
 * P set and the probed locator marked; a probe is answered whatever EID it names, as it
 * tests the locator); an SMR makes us look the sender's EID up again. */
#pragma once

#include <glib.h>
#include "control-context.h"
#include "lisp-message.h"

G_BEGIN_DECLS

#define LMN_RESOLVER_TRIES 3
#define LMN_RESOLVER_MIN_INTERVAL G_USEC_PER_SEC  /* per destination */
/* SMR-invoked Map-Requests allowed inside that interval: a move reaches a peer as several
 * SMRs (one per address the mobile node loses), and each answer must leave at once; a flood
 * of forged SMRs still gets only this many more through. */
#define LMN_RESOLVER_SMR_BURST 4
/* Token buckets (base/token-bucket.h) against floods from strangers (docs/hardening.md):
 * - SMR-invoked Map-Requests, per SMR sender (RLOC) and in all;
 * - data-triggered Map-Requests (map-cache misses), in all (per destination there is
 *   LMN_RESOLVER_MIN_INTERVAL already);
 * - our answers to Map-Requests and RLOC-probes, per address they go to and in all.
 * Rates per second, then the burst. */
#define LMN_RESOLVER_SMR_RATE           2
#define LMN_RESOLVER_SMR_RATE_BURST     10
#define LMN_RESOLVER_SMR_TOTAL_RATE     20
#define LMN_RESOLVER_SMR_TOTAL_BURST    50
#define LMN_RESOLVER_MISS_TOTAL_RATE    100
#define LMN_RESOLVER_MISS_TOTAL_BURST   200
#define LMN_RESOLVER_ANSWER_RATE        20
#define LMN_RESOLVER_ANSWER_BURST       40
#define LMN_RESOLVER_ANSWER_TOTAL_RATE  200
#define LMN_RESOLVER_ANSWER_TOTAL_BURST 400
#define LMN_RESOLVER_LIMIT_SOURCES      1024

typedef struct {
  LmnIp   address;
  guint64 requests_sent;
  guint64 replies;
} LmnMapResolverState;

typedef struct _LmnResolver LmnResolver;

/* Keeps a copy of ctx (whose pointers must outlive the resolver). */
LmnResolver *lmn_resolver_new (const LmnControlContext *ctx);
void         lmn_resolver_free  (LmnResolver *resolver);
/* An LmnResolveFunc for lmn_dataplane_set_resolver() (user_data: the resolver). */
void         lmn_resolver_resolve (guint32 iid, guint8 family, const guint8 *dst, gpointer user_data);
void         lmn_resolver_handle_map_reply   (LmnResolver *resolver, const guint8 *data, gsize len);
/* A plain Map-Request received from from:port on our RLOC local. */
void         lmn_resolver_handle_map_request (LmnResolver *resolver, const guint8 *data, gsize len,
                                              const LmnIp *from, guint16 port, const LmnIp *local);
/* An ECM; the Map-Request inside is answered to the inner UDP source port (an RLOC-probe
 * to the inner source address). */
void         lmn_resolver_handle_ecm         (LmnResolver *resolver, const guint8 *data, gsize len,
                                              const LmnIp *local);
/* SMRs to a peer: the first at once, then after 1, 2 and 4 s until it asks for our EID. */
#define LMN_SMR_TRIES 4

/* Tells peers that our mapping changed (RFC 9301 §6.6.2): to each peer RLOC, one
 * Solicit-Map-Request per EID of ours (Source-EID: ours; EID-record: the peer's EID-prefix
 * in our map-cache), so that they look us up again through the mapping system; repeated
 * until the peer's SMR-invoked Map-Request arrives, LMN_SMR_TRIES times at most. Peers
 * believed down are told as well: they are the ones holding a stale mapping. */
void         lmn_resolver_send_smrs (LmnResolver *resolver, const GArray *peers);
/* Requests in flight. */
guint        lmn_resolver_outstanding (const LmnResolver *resolver);
guint        lmn_resolver_n_map_resolvers (const LmnResolver *resolver);
const LmnMapResolverState *lmn_resolver_get_map_resolver (const LmnResolver *resolver, guint i);

/* Lookups (the D-Bus Lookup method, lig): a Map-Request for dst through the map-resolvers,
 * with the same retries and fail-over as a miss, but a fresh nonce each time and no rate
 * limit; the answer goes to func, never into the map-cache. */
typedef struct {
  const LispRecord *record;        /* the Map-Reply's record that covers dst */
  LmnIp             map_resolver;  /* where the answered Map-Request went */
  gint64            rtt;           /* microseconds from that Map-Request to the reply */
} LmnResolverAnswer;
/* Called once: with the answer, or with G_IO_ERROR_TIMED_OUT (no reply after the last try,
 * LMN_RESOLVER_LOOKUP_TIMEOUT) or G_IO_ERROR_CANCELLED (the resolver is being freed). */
typedef void (*LmnResolverAnswerFunc) (const LmnResolverAnswer *answer, const GError *error,
                                       gpointer user_data);
#define LMN_RESOLVER_LOOKUP_TIMEOUT (7 * G_USEC_PER_SEC)  /* tries at 0, 1 and 3 s, 4 s more */
/* FALSE at once (func not called) without a map-resolver or a usable RLOC. */
gboolean     lmn_resolver_lookup (LmnResolver *resolver, const LispPrefix *dst,
                                  LmnResolverAnswerFunc func, gpointer user_data, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnResolver, lmn_resolver_free)

G_END_DECLS
