/* The resolver's insides, shared by the files that make it up. They call one another in one
 * direction only: each file calls only those listed before it (resolver-request.c reaches
 * a kind's reaction through its RequestKind):
 *   resolver-request.c  the Map-Request machinery every kind of request shares;
 *   resolver-lookup.c   lookups on request (a RequestKind);
 *   resolver.c          Map-Requests for map-cache misses (a RequestKind), the resolver's life;
 *   resolver-smr.c      Solicit-Map-Requests, sent and received;
 *   resolver-etr.c      our answers to Map-Requests and RLOC-probes.
 * Not for use outside those files. */
#pragma once

#include "resolver.h"
#include "token-bucket.h"

G_BEGIN_DECLS

typedef struct _Request Request;
typedef struct _PendingSmr PendingSmr;

/* What a kind of request (miss, lookup) does; the shared machinery calls it. */
typedef struct {
  /* A Map-Reply with req's nonce came. */
  void (*answered) (LmnResolver *r, Request *req, const LispMapReply *m, gint64 now);
  /* req's timer ran out after its last try, or (done) at the end of its rate limit. */
  void (*expired) (LmnResolver *r, Request *req);
} RequestKind;

/* One Map-Request in flight (or answered and kept for the rate limit), for a miss or a
 * lookup. */
struct _Request {
  LmnResolver *owner;
  const RequestKind *kind;
  LispPrefix   dst;          /* host prefix asked for */
  gchar       *key;          /* dst as text: the by_dst key */
  guint64      nonce;
  guint        tries;
  gboolean     smr_invoked;
  gboolean     done;         /* answered or given up: kept only for the rate limit */
  gboolean smr_again;        /* an SMR came meanwhile: ask again when allowed */
  guint smr_burst;           /* SMR-invoked requests that went early, inside the rate limit */
  gint64       last_sent;
  guint        timer;
  /* A lookup (lmn_resolver_lookup): the answer goes here, not into the map-cache. */
  LmnResolverAnswerFunc answer_func;
  gpointer     answer_data;
};

struct _LmnResolver {
  LmnControlContext ctx;
  GArray              *map_resolvers;  /* LmnMapResolverState */
  GHashTable          *by_dst;         /* key -> Request* (owned) */
  GHashTable          *by_nonce;       /* &nonce -> Request* (outstanding ones only) */
  GHashTable          *lookups;        /* Request* (owned): lookups in flight */
  GHashTable *smrs;                    /* key -> PendingSmr* (owned): SMRs being repeated */
  LmnTokenBuckets *smr_limit;          /* SMR-invoked Map-Requests, per SMR sender */
  LmnTokenBuckets *miss_limit;         /* data-triggered Map-Requests, in all */
  LmnTokenBuckets *answer_limit;       /* our Map-Replies, per destination (resolver-etr.c) */
};

/* resolver-request.c */
/* A request of that kind for dst (key: dst as text, taken), with a fresh nonce; not sent. */
Request *lmn_resolver_request_new (LmnResolver *r, const RequestKind *kind, const LispPrefix *dst,
                                   gchar *key);
void     lmn_resolver_request_free (Request *req);
/* Sends req's first try and arms its retry timer; replies find it by its nonce from now. */
void lmn_resolver_request_start (LmnResolver *r, Request *req);
/* The ECM'd Map-Request of req for its current try; NULL with an error without a usable
 * RLOC. */
GBytes  *lmn_resolver_build_request (LmnResolver *r, Request *req, GError **error);
/* Sends req's next try to the next map-resolver, counting it. */
void     lmn_resolver_send_request (LmnResolver *r, Request *req);
/* The retry timer of every request (a GSourceFunc; data: the Request): the next try, or
 * the kind's expired. */
gboolean lmn_resolver_on_request_timer (gpointer user_data);

/* resolver-lookup.c: ends every lookup in flight with G_IO_ERROR_CANCELLED. */
void lmn_resolver_lookup_cancel_all (LmnResolver *r);

/* resolver.c: a Map-Request for dst as a host prefix unless one is in flight or was sent
 * less than LMN_RESOLVER_MIN_INTERVAL ago; smr_invoked: asked because of an SMR, which
 * goes at once (or as soon as the one in flight is answered) up to LMN_RESOLVER_SMR_BURST
 * times within the limit. */
void lmn_resolver_request (LmnResolver *r, guint32 iid, guint8 family, const guint8 *dst,
                           gboolean smr_invoked);

/* resolver-smr.c: the SMR m received from from (its source address). */
void lmn_resolver_handle_smr (LmnResolver *r, const LispMapRequest *m, const LmnIp *from);
void lmn_resolver_pending_smr_free (PendingSmr *smr);
/* m, not a probe, asks for our EID own: if it comes from a peer we keep sending SMRs about
 * own, that peer has looked us up again, and the SMRs to it stop. */
void lmn_resolver_smr_answered (LmnResolver *r, const LispMapRequest *m, const LispPrefix *own);

G_END_DECLS
