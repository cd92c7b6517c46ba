/* The ITR side of the resolver: a map-cache miss becomes a Map-Request through the
 * map-resolvers, retried and rate-limited, and the Map-Reply that answers it fills the
 * map-cache. The Request bookkeeping here is also what lookups (resolver-lookup.c) and
 * SMR-invoked requests (resolver-smr.c) go through. */
#include "resolver-private.h"

#include <gio/gio.h>

#include "lisp-auth.h"
#include "lisp-message.h"
#include "own-mapping.h"

#include <string.h>

void
lmn_resolver_request_free (Request *req)
{
  g_clear_handle_id (&req->timer, g_source_remove);
  g_free (req->key);
  g_free (req);
}

LmnResolver *
lmn_resolver_new (const LmnConfig *config, LispMapCache *cache, const LmnLocalRlocs *rlocs,
                  LmnControlSockets *sockets, LmnDataplane *dataplane, LmnControlCounters *counters)
{
  LmnResolver *r = g_new0 (LmnResolver, 1);

  r->config = config;
  r->cache = cache;
  r->rlocs = rlocs;
  r->sockets = sockets;
  r->dataplane = dataplane;
  r->counters = counters;
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
  return r;
}

void
lmn_resolver_free (LmnResolver *r)
{
  if (r == NULL)
    return;
  lmn_resolver_lookup_cancel_all (r);
  g_hash_table_unref (r->lookups);
  g_hash_table_unref (r->by_nonce);
  g_hash_table_unref (r->by_dst);
  g_array_unref (r->map_resolvers);
  g_free (r);
}

static gboolean
own_eid (const LmnConfig *config, guint8 family, LispPrefix *out)
{
  for (guint i = 0; i < config->eids->len; i++)
    {
      const LispPrefix *p = &g_array_index (config->eids, LispPrefix, i);

      if (p->family == family)
        {
          *out = *p;
          return TRUE;
        }
    }
  return FALSE;
}

static LispAddress *
rloc_address (const LmnLocalRloc *rl)
{
  return rl->family == 4 ? lisp_address_new_ipv4 (rl->addr) : lisp_address_new_ipv6 (rl->addr);
}

void
lmn_resolver_add_itr_rlocs (LmnResolver *r, LispMapRequest *m)
{
  for (guint i = 0; i < lmn_local_rlocs_size (r->rlocs) && m->itr_rlocs->len < 32; i++)
    {
      const LmnLocalRloc *rl = lmn_local_rlocs_get (r->rlocs, i);

      if (rl->up)
        g_ptr_array_add (m->itr_rlocs, rloc_address (rl));
    }
}

GBytes *
lmn_resolver_build_request (LmnResolver *r, Request *req, GError **error)
{
  g_autoptr(LispMapRequest) m = lisp_map_request_new ();
  g_autoptr(LispEcm) ecm = lisp_ecm_new ();
  g_autoptr(GBytes) inner = NULL;
  LispPrefix src;
  LmnIp local;

  m->nonce = req->nonce;
  m->smr_invoked = req->smr_invoked;
  m->pitr = r->config->mode == LMN_MODE_PROXY;   /* RFC 6832: asked by a proxy-ITR */
  if (own_eid (r->config, req->dst.family, &src) || own_eid (r->config, 4, &src) ||
      own_eid (r->config, 6, &src))
    {
      g_clear_pointer (&m->source_eid, lisp_address_free);
      m->source_eid = lmn_prefix_to_address (&src);
    }
  lmn_resolver_add_itr_rlocs (r, m);
  if (m->itr_rlocs->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE,
                           "no usable RLOC to list as ITR-RLOC");
      return NULL;
    }
  lisp_map_request_add_record (m, lmn_prefix_to_address (&req->dst), req->dst.len);
  inner = lisp_map_request_encode (m, error);
  if (inner == NULL)
    return NULL;

  /* The inner header has the queried EID's family: its source is our RLOC of that family,
   * or our EID when we have no such RLOC. */
  ecm->ip_version = req->dst.family;
  memcpy (ecm->dst, req->dst.addr, 16);
  if (lmn_control_sockets_local (r->sockets, req->dst.family, &local))
    memcpy (ecm->src, local.addr, 16);
  else if (own_eid (r->config, req->dst.family, &src))
    memcpy (ecm->src, src.addr, 16);
  ecm->inner = g_bytes_ref (inner);
  return lisp_ecm_encode (ecm, error);
}

void
lmn_resolver_send_request (LmnResolver *r, Request *req)
{
  guint index = req->tries % r->map_resolvers->len;
  LmnMapResolverState *mr = &g_array_index (r->map_resolvers, LmnMapResolverState, index);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = lmn_resolver_build_request (r, req, &error);

  req->last_sent = g_get_monotonic_time ();
  req->tries++;
  if (bytes == NULL ||
      !lmn_control_sockets_send (r->sockets, NULL, &mr->address, LISP_CONTROL_PORT,
                                 g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    {
      r->counters->n[LMN_CTL_SEND_FAILED]++;
      g_debug ("Map-Request for %s: %s", req->key, error->message);
      return;
    }
  mr->requests_sent++;
  r->counters->n[req->tries == 1 ? LMN_CTL_MAP_REQUEST_SENT : LMN_CTL_MAP_REQUEST_RETRY]++;
  if (req->smr_invoked && req->tries == 1)
    r->counters->n[LMN_CTL_SMR_INVOKED_SENT]++;
}

/* The request is over: it stays only until its destination may be asked for again. */
static void
finish (LmnResolver *r, Request *req)
{
  gint64 left = req->last_sent + LMN_RESOLVER_MIN_INTERVAL - g_get_monotonic_time ();

  g_hash_table_remove (r->by_nonce, &req->nonce);
  req->done = TRUE;
  g_clear_handle_id (&req->timer, g_source_remove);
  req->timer = g_timeout_add ((guint) CLAMP (left / 1000, 1, 1000), lmn_resolver_on_request_timer,
                              req);
}

gboolean
lmn_resolver_on_request_timer (gpointer user_data)
{
  Request *req = user_data;
  LmnResolver *r = req->owner;

  req->timer = 0;
  if (req->answer_func != NULL && req->tries >= LMN_RESOLVER_TRIES)
    {
      lmn_resolver_lookup_timed_out (r, req);
      return G_SOURCE_REMOVE;
    }
  if (req->done)
    {
      gboolean again = req->smr_again;
      LispPrefix dst = req->dst;

      g_hash_table_remove (r->by_dst, req->key);
      /* The SMR said our mapping is stale: it is looked up as soon as the limit allows,
       * not forgotten until the mapping's TTL runs out. */
      if (again)
        lmn_resolver_request (r, dst.iid, dst.family, dst.addr, TRUE);
      return G_SOURCE_REMOVE;
    }
  if (req->tries >= LMN_RESOLVER_TRIES)
    {
      r->counters->n[LMN_CTL_MAP_REQUEST_GAVE_UP]++;
      g_info ("no Map-Reply for %s after %u tries", req->key, req->tries);
      finish (r, req);
      return G_SOURCE_REMOVE;
    }
  lmn_resolver_send_request (r, req);
  /* 1 s, 2 s, then 4 s after the last try; exact timers, as the 1 s spacing per
   * destination is a limit (second timers may fire up to a second early or late). */
  req->timer = g_timeout_add (1000u << (req->tries - 1), lmn_resolver_on_request_timer, req);
  return G_SOURCE_REMOVE;
}

void
lmn_resolver_request (LmnResolver *r, guint32 iid, guint8 family, const guint8 *dst,
                      gboolean smr_invoked)
{
  Request *req;
  LispPrefix p;
  g_autofree gchar *key = NULL;

  if (r->map_resolvers->len == 0 ||
      !lisp_prefix_init (&p, iid, family, dst, family == LISP_FAMILY_IPV4 ? 32 : 128))
    return;
  key = lisp_prefix_to_string (&p);
  req = g_hash_table_lookup (r->by_dst, key);
  if (req != NULL)
    {
      /* In flight, or asked less than a second ago. */
      if (req->done)
        {
          r->counters->n[LMN_CTL_MAP_REQUEST_RATE_LIMITED]++;
          req->smr_again |= smr_invoked;
        }
      return;
    }
  req = g_new0 (Request, 1);
  req->owner = r;
  req->dst = p;
  req->key = g_steal_pointer (&key);
  req->nonce = lisp_nonce64 ();
  req->smr_invoked = smr_invoked;
  g_hash_table_insert (r->by_dst, req->key, req);
  g_hash_table_insert (r->by_nonce, &req->nonce, req);
  lmn_resolver_send_request (r, req);
  req->timer = g_timeout_add (1000, lmn_resolver_on_request_timer, req);
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
      r->counters->n[LMN_CTL_MALFORMED]++;
      g_debug ("Map-Reply: %s", error->message);
      return;
    }
  req = g_hash_table_lookup (r->by_nonce, &m->nonce);
  if (req == NULL)
    {
      r->counters->n[LMN_CTL_MAP_REPLY_UNSOLICITED]++;
      g_debug ("Map-Reply with nonce %016" G_GINT64_MODIFIER "x: no such request, dropped", m->nonce);
      return;
    }
  if (req->answer_func != NULL)
    {
      lmn_resolver_lookup_answered (r, req, m, now);
      return;
    }
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
          r->counters->n[LMN_CTL_MAP_REPLY_RECORD_IGNORED]++;
          continue;
        }
      locs = cache_locators (rec);
      if (!lisp_map_cache_insert (r->cache, &p, (const LispMapLocator *) (void *) locs->data,
                                  locs->len, locs->len > 0 ? LISP_ACTION_NO_ACTION : rec->action,
                                  rec->ttl, LISP_MAP_ORIGIN_MAP_REPLY,
                                  rec->map_version & LISP_MAP_VERSION_MAX, now, &err))
        {
          r->counters->n[LMN_CTL_MAP_REPLY_RECORD_IGNORED]++;
          g_debug ("Map-Reply for %s: %s", req->key, err->message);
          continue;
        }
      if (r->dataplane != NULL)
        lmn_dataplane_mapping_added (r->dataplane, &p);
    }
  r->counters->n[LMN_CTL_MAP_REPLY_ACCEPTED]++;
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

