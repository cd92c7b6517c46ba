/* The ITR side of the resolver: a map-cache miss becomes a Map-Request through the
 * map-resolvers, retried and rate-limited, and the Map-Reply that answers it fills the
 * map-cache; SMR-invoked requests (resolver-smr.c) are misses too. Also the resolver's
 * life: creating it, and freeing it with its lookups (resolver-lookup.c). The Map-Request
 * machinery itself is resolver-request.c's. */
#include "resolver-private.h"
#include "log-limiter.h"

#include <gio/gio.h>

#include "lisp-message.h"
#include "own-mapping.h"

#include <string.h>

LmnResolver *
lmn_resolver_new (const LmnControlContext *ctx)
{
  const LmnConfig *config = ctx->config;
  LmnResolver *r = g_new0 (LmnResolver, 1);

  r->ctx = *ctx;
  r->map_resolvers = g_array_new (FALSE, TRUE, sizeof (LmnMapResolverState));
  for (guint i = 0; i < config->map_resolvers->len; i++)
    {
      LmnMapResolverState st = { .address = g_array_index (config->map_resolvers, LmnIp, i) };

      g_array_append_val (r->map_resolvers, st);
    }
  r->by_nonce = g_hash_table_new (g_int64_hash, g_int64_equal);
  r->by_dst = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                     (GDestroyNotify) lmn_resolver_request_free);
  r->lookups = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) lmn_resolver_request_free, NULL);
  r->smrs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                   (GDestroyNotify) lmn_resolver_pending_smr_free);
  r->smr_limit = lmn_token_buckets_new (LMN_RESOLVER_SMR_RATE, LMN_RESOLVER_SMR_RATE_BURST,
                                        LMN_RESOLVER_SMR_TOTAL_RATE, LMN_RESOLVER_SMR_TOTAL_BURST,
                                        LMN_RESOLVER_LIMIT_SOURCES);
  /* One source (ourselves): only the total counts. */
  r->miss_limit = lmn_token_buckets_new (LMN_RESOLVER_MISS_TOTAL_RATE,
                                         LMN_RESOLVER_MISS_TOTAL_BURST, 0, 1, 1);
  r->answer_limit = lmn_token_buckets_new (LMN_RESOLVER_ANSWER_RATE, LMN_RESOLVER_ANSWER_BURST,
                                           LMN_RESOLVER_ANSWER_TOTAL_RATE,
                                           LMN_RESOLVER_ANSWER_TOTAL_BURST,
                                           LMN_RESOLVER_LIMIT_SOURCES);
  return r;
}

void
lmn_resolver_free (LmnResolver *r)
{
  if (r == NULL)
    return;
  lmn_resolver_lookup_cancel_all (r);
  g_hash_table_unref (r->lookups);
  g_hash_table_unref (r->smrs);
  lmn_token_buckets_free (r->smr_limit);
  lmn_token_buckets_free (r->miss_limit);
  lmn_token_buckets_free (r->answer_limit);
  g_hash_table_unref (r->by_nonce);
  g_hash_table_unref (r->by_dst);
  g_array_unref (r->map_resolvers);
  g_free (r);
}

static void miss_answered (LmnResolver *r, Request *req, const LispMapReply *m, gint64 now);
static void miss_expired (LmnResolver *r, Request *req);

/* A Map-Request for a map-cache miss: the answer fills the map-cache. */
static const RequestKind miss_kind = { miss_answered, miss_expired };

/* Sends a miss's first Map-Request (key: dst as text, taken); burst: how many SMR-invoked
 * ones went early before it, within the rate limit. */
static void
start_miss (LmnResolver *r, const LispPrefix *dst, gchar *key, gboolean smr_invoked, guint burst)
{
  Request *req = lmn_resolver_request_new (r, &miss_kind, dst, key);

  req->smr_invoked = smr_invoked;
  req->smr_burst = burst;
  g_hash_table_insert (r->by_dst, req->key, req);
  lmn_resolver_request_start (r, req);
}

/* The request is over: it stays only until its destination may be asked for again, or
 * hardly at all when an SMR came while it was in flight (its answer may predate the move). */
static void
finish (LmnResolver *r, Request *req)
{
  gint64 left = req->last_sent + LMN_RESOLVER_MIN_INTERVAL - g_get_monotonic_time ();

  if (req->smr_again && req->smr_burst < LMN_RESOLVER_SMR_BURST)
    left = 0;

  g_hash_table_remove (r->by_nonce, &req->nonce);
  req->done = TRUE;
  g_clear_handle_id (&req->timer, g_source_remove);
  req->timer = g_timeout_add ((guint) CLAMP (left / 1000, 1, 1000), lmn_resolver_on_request_timer,
                              req);
}

/* A miss's timer ran out: after the last try, or once its rate limit is over. */
static void
miss_expired (LmnResolver *r, Request *req)
{
  if (req->done)
    {
      gboolean again = req->smr_again;
      gboolean early = g_get_monotonic_time () < req->last_sent + LMN_RESOLVER_MIN_INTERVAL;
      guint burst = early ? req->smr_burst + 1 : 0;
      LispPrefix dst = req->dst;

      g_hash_table_remove (r->by_dst, req->key);
      /* The SMR said our mapping is stale: it is looked up as soon as the limit allows,
       * not forgotten until the mapping's TTL runs out. */
      if (again)
        start_miss (r, &dst, lisp_prefix_to_string (&dst), TRUE, burst);
      return;
    }
  r->ctx.counters->n[LMN_CTL_MAP_REQUEST_GAVE_UP]++;
  g_info ("no Map-Reply for %s after %u tries", req->key, req->tries);
  finish (r, req);
}

void
lmn_resolver_request (LmnResolver *r, guint32 iid, guint8 family, const guint8 *dst,
                      gboolean smr_invoked)
{
  Request *req;
  LispPrefix p;
  g_autofree gchar *key = NULL;
  guint burst = 0;

  if (r->map_resolvers->len == 0 ||
      !lisp_prefix_init (&p, iid, family, dst, family == LISP_FAMILY_IPV4 ? 32 : 128))
    return;
  key = lisp_prefix_to_string (&p);
  req = g_hash_table_lookup (r->by_dst, key);
  if (req != NULL && smr_invoked && req->smr_burst < LMN_RESOLVER_SMR_BURST)
    {
      /* The answer to a move is never held: asked again at once, or as soon as the
       * request in flight is answered (that answer may be from before the move). */
      if (!req->done)
        {
          req->smr_again = TRUE;
          return;
        }
      burst = req->smr_burst + 1;
      g_hash_table_remove (r->by_dst, key);
    }
  else if (req != NULL)
    {
      /* In flight, or asked less than a second ago. */
      if (req->done)
        {
          r->ctx.counters->n[LMN_CTL_MAP_REQUEST_RATE_LIMITED]++;
          req->smr_again |= smr_invoked;
        }
      return;
    }
  /* SMR-invoked ones were let through by resolver-smr.c's limit per SMR sender. */
  if (!smr_invoked && !lmn_token_buckets_allow (r->miss_limit, LISP_FAMILY_IPV4,
                                                (const guint8[4]) { 0 }, g_get_monotonic_time ()))
    {
      r->ctx.counters->n[LMN_CTL_LOOKUP_RATE_LIMITED]++;
      return;
    }
  start_miss (r, &p, g_steal_pointer (&key), smr_invoked, burst);
}

void
lmn_resolver_resolve (guint32 iid, guint8 family, const guint8 *dst, gpointer user_data)
{
  lmn_resolver_request (user_data, iid, family, dst, FALSE);
}

/* A record's locators as the map-cache keeps them: IP addresses only (seen through IID and
 * AFI-list LCAFs). */
static GArray *
cache_locators (const LispRecord *rec)
{
  GArray *locs = g_array_new (FALSE, TRUE, sizeof (LispMapLocator));

  for (guint i = 0; i < rec->locators->len && locs->len < LISP_MAP_LOCATORS_MAX; i++)
    {
      const LispLocator *l = g_ptr_array_index (rec->locators, i);
      LispMapLocator loc;
      guint8 addr[16];
      int family = lisp_address_ip (l->address, addr);

      /* The R bit is the replier's view; reachability is ours to learn (LSBs, probes). */
      if (family != 0 && lisp_map_locator_init (&loc, (guint8) family, addr, l->priority,
                                                l->weight, TRUE))
        g_array_append_val (locs, loc);
    }
  return locs;
}

void
lmn_resolver_handle_map_reply (LmnResolver *r, const guint8 *data, gsize len)
{
  g_autoptr(LispMapReply) m = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_monotonic_time ();
  Request *req;

  if (!lisp_map_reply_decode (data, len, &m, &error))
    {
      r->ctx.counters->n[LMN_CTL_MALFORMED]++;
      lmn_log_limited (G_LOG_LEVEL_DEBUG, "malformed", "Map-Reply: %s", error->message);
      return;
    }
  req = g_hash_table_lookup (r->by_nonce, &m->nonce);
  if (req == NULL)
    {
      r->ctx.counters->n[LMN_CTL_MAP_REPLY_UNSOLICITED]++;
      lmn_log_limited (G_LOG_LEVEL_DEBUG, "map-reply-unsolicited",
                       "Map-Reply with nonce %016" G_GINT64_MODIFIER "x: no such request, dropped",
                       m->nonce);
      return;
    }
  req->kind->answered (r, req, m, now);
}

/* A Map-Reply to a miss: its records about the destination go into the map-cache. */
static void
miss_answered (LmnResolver *r, Request *req, const LispMapReply *m, gint64 now)
{
  for (guint i = 0; i < m->records->len; i++)
    {
      const LispRecord *rec = g_ptr_array_index (m->records, i);
      g_autoptr(GArray) locs = NULL;
      g_autoptr(GError) err = NULL;
      LispPrefix p;

      /* A reply may only tell us about what we asked for (no cache poisoning). */
      if (!lisp_prefix_from_address (rec->eid, rec->mask_len, &p, &err) ||
          !lisp_prefix_contains (&p, req->dst.iid, req->dst.family, req->dst.addr))
        {
          r->ctx.counters->n[LMN_CTL_MAP_REPLY_RECORD_IGNORED]++;
          continue;
        }
      locs = cache_locators (rec);
      if (!lisp_map_cache_insert (r->ctx.cache, &p, (const LispMapLocator *) (void *) locs->data,
                                  locs->len, locs->len > 0 ? LISP_ACTION_NO_ACTION : rec->action,
                                  rec->ttl, LISP_MAP_ORIGIN_MAP_REPLY,
                                  rec->map_version & LISP_MAP_VERSION_MAX, now, &err))
        {
          r->ctx.counters->n[LMN_CTL_MAP_REPLY_RECORD_IGNORED]++;
          lmn_log_limited (G_LOG_LEVEL_DEBUG, "map-reply-record-ignored", "Map-Reply for %s: %s",
                           req->key, err->message);
          continue;
        }
      if (r->ctx.dataplane != NULL)
        lmn_dataplane_mapping_added (r->ctx.dataplane, &p);
    }
  r->ctx.counters->n[LMN_CTL_MAP_REPLY_ACCEPTED]++;
  g_array_index (r->map_resolvers, LmnMapResolverState,
                 (req->tries - 1) % r->map_resolvers->len).replies++;
  finish (r, req);
}

guint
lmn_resolver_outstanding (const LmnResolver *r)
{
  return g_hash_table_size (r->by_nonce);
}

guint
lmn_resolver_n_map_resolvers (const LmnResolver *r)
{
  return r->map_resolvers->len;
}

const LmnMapResolverState *
lmn_resolver_get_map_resolver (const LmnResolver *r, guint i)
{
  return i < r->map_resolvers->len ? &g_array_index (r->map_resolvers, LmnMapResolverState, i) : NULL;
}

