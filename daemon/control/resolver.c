#include "resolver.h"

#include <gio/gio.h>

#include "lisp-auth.h"
#include "lisp-message.h"
#include "own-mapping.h"

#include <string.h>

typedef struct {
  LmnResolver *owner;
  LispPrefix   dst;          /* host prefix asked for */
  gchar       *key;          /* dst as text: the by_dst key */
  guint64      nonce;
  guint        tries;
  gboolean     smr_invoked;
  gboolean     done;         /* answered or given up: kept only for the rate limit */
  gboolean     smr_again;    /* an SMR came while rate-limited: ask again when allowed */
  gint64       last_sent;
  guint        timer;
  /* A lookup (lmn_resolver_lookup): the answer goes here, not into the map-cache. */
  LmnResolverAnswerFunc answer_func;
  gpointer     answer_data;
} Request;

struct _LmnResolver {
  const LmnConfig     *config;
  LispMapCache        *cache;
  const LmnLocalRlocs *rlocs;
  LmnControlSockets   *sockets;
  LmnDataplane        *dataplane;
  LmnControlCounters  *counters;
  GArray              *map_resolvers;  /* LmnMapResolverState */
  GHashTable          *by_dst;         /* key -> Request* (owned) */
  GHashTable          *by_nonce;       /* &nonce -> Request* (outstanding ones only) */
  GHashTable          *lookups;        /* Request* (owned): lookups in flight */
};

static void
request_free (Request *req)
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
  r->by_dst = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) request_free);
  r->lookups = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) request_free, NULL);
  return r;
}

static void lookup_cancel_all (LmnResolver *r);

void
lmn_resolver_free (LmnResolver *r)
{
  if (r == NULL)
    return;
  lookup_cancel_all (r);
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

/* The ECM'd Map-Request of req for its current try. */
static GBytes *
build_request (LmnResolver *r, Request *req, GError **error)
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
  for (guint i = 0; i < lmn_local_rlocs_size (r->rlocs) && m->itr_rlocs->len < 32; i++)
    {
      const LmnLocalRloc *rl = lmn_local_rlocs_get (r->rlocs, i);

      if (rl->up)
        g_ptr_array_add (m->itr_rlocs, rloc_address (rl));
    }
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

static void
send_request (LmnResolver *r, Request *req)
{
  guint index = req->tries % r->map_resolvers->len;
  LmnMapResolverState *mr = &g_array_index (r->map_resolvers, LmnMapResolverState, index);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = build_request (r, req, &error);

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

static gboolean on_request_timer (gpointer user_data);

/* The request is over: it stays only until its destination may be asked for again. */
static void
finish (LmnResolver *r, Request *req)
{
  gint64 left = req->last_sent + LMN_RESOLVER_MIN_INTERVAL - g_get_monotonic_time ();

  g_hash_table_remove (r->by_nonce, &req->nonce);
  req->done = TRUE;
  g_clear_handle_id (&req->timer, g_source_remove);
  req->timer = g_timeout_add ((guint) CLAMP (left / 1000, 1, 1000), on_request_timer, req);
}

static void resolve (LmnResolver *r, guint32 iid, guint8 family, const guint8 *dst,
                     gboolean smr_invoked);

static void lookup_timed_out (LmnResolver *r, Request *req);

static gboolean
on_request_timer (gpointer user_data)
{
  Request *req = user_data;
  LmnResolver *r = req->owner;

  req->timer = 0;
  if (req->answer_func != NULL && req->tries >= LMN_RESOLVER_TRIES)
    {
      lookup_timed_out (r, req);
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
        resolve (r, dst.iid, dst.family, dst.addr, TRUE);
      return G_SOURCE_REMOVE;
    }
  if (req->tries >= LMN_RESOLVER_TRIES)
    {
      r->counters->n[LMN_CTL_MAP_REQUEST_GAVE_UP]++;
      g_info ("no Map-Reply for %s after %u tries", req->key, req->tries);
      finish (r, req);
      return G_SOURCE_REMOVE;
    }
  send_request (r, req);
  /* 1 s, 2 s, then 4 s after the last try; exact timers, as the 1 s spacing per
   * destination is a limit (second timers may fire up to a second early or late). */
  req->timer = g_timeout_add (1000u << (req->tries - 1), on_request_timer, req);
  return G_SOURCE_REMOVE;
}

static void
resolve (LmnResolver *r, guint32 iid, guint8 family, const guint8 *dst, gboolean smr_invoked)
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
  send_request (r, req);
  req->timer = g_timeout_add (1000, on_request_timer, req);
}

void
lmn_resolver_resolve (guint32 iid, guint8 family, const guint8 *dst, gpointer user_data)
{
  resolve (user_data, iid, family, dst, FALSE);
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

static void lookup_answered (LmnResolver *r, Request *req, const LispMapReply *m, gint64 now);

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
      lookup_answered (r, req, m, now);
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

static void
answer_request (LmnResolver *r, const guint8 *data, gsize len, guint16 reply_port,
                const LmnIp *local)
{
  g_autoptr(LispMapRequest) m = NULL;
  g_autoptr(LispMapReply) reply = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const LispRequestRecord *asked;
  const LispPrefix *own;
  LispPrefix p;
  LmnIp dst = { 0 };

  if (!lisp_map_request_decode (data, len, &m, &error))
    {
      r->counters->n[LMN_CTL_MALFORMED]++;
      g_debug ("Map-Request: %s", error->message);
      return;
    }
  if (m->smr)
    {
      guint8 addr[16];
      int family = lisp_address_ip (m->source_eid, addr);

      /* Look the sender up again, through the mapping system: the SMR itself may be forged. */
      r->counters->n[LMN_CTL_SMR_RECEIVED]++;
      if (family != 0)
        resolve (r, lisp_address_iid (m->source_eid), (guint8) family, addr, TRUE);
      return;
    }
  asked = g_ptr_array_index (m->records, 0);
  if (!lisp_prefix_from_address (asked->eid, asked->mask_len, &p, NULL) ||
      (own = lmn_own_mapping_find (r->config, &p)) == NULL)
    {
      r->counters->n[LMN_CTL_MAP_REQUEST_FOREIGN_EID]++;
      return;
    }
  if (m->dont_reply)
    return;
  /* The first ITR-RLOC we can reach from one of our RLOCs. */
  for (guint i = 0; i < m->itr_rlocs->len && dst.family == 0; i++)
    {
      int family = lisp_address_ip (g_ptr_array_index (m->itr_rlocs, i), dst.addr);

      if (family != 0 && lmn_control_sockets_local (r->sockets, (guint8) family, &(LmnIp) { 0 }))
        dst.family = (guint8) family;
    }
  if (dst.family == 0)
    {
      r->counters->n[LMN_CTL_SEND_FAILED]++;
      return;
    }
  reply = lisp_map_reply_new ();
  reply->probe = m->probe;
  reply->nonce = m->nonce;
  g_ptr_array_add (reply->records, lmn_own_mapping_record (own, r->rlocs, m->probe ? local : NULL));
  bytes = lisp_map_reply_encode (reply, &error);
  if (bytes == NULL ||
      !lmn_control_sockets_send (r->sockets, local, &dst, reply_port, g_bytes_get_data (bytes, NULL),
                                 g_bytes_get_size (bytes), &error))
    {
      r->counters->n[LMN_CTL_SEND_FAILED]++;
      g_debug ("Map-Reply: %s", error->message);
      return;
    }
  r->counters->n[LMN_CTL_MAP_REQUEST_ANSWERED]++;
}

void
lmn_resolver_handle_map_request (LmnResolver *r, const guint8 *data, gsize len, const LmnIp *from,
                                 guint16 port, const LmnIp *local)
{
  (void) from;
  answer_request (r, data, len, port, local);
}

void
lmn_resolver_handle_ecm (LmnResolver *r, const guint8 *data, gsize len, const LmnIp *local)
{
  g_autoptr(LispEcm) ecm = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *inner;
  gsize inner_len;

  if (!lisp_ecm_decode (data, len, &ecm, &error))
    {
      r->counters->n[LMN_CTL_MALFORMED]++;
      g_debug ("ECM: %s", error->message);
      return;
    }
  inner = g_bytes_get_data (ecm->inner, &inner_len);
  if (lisp_message_type (inner, inner_len) != LISP_TYPE_MAP_REQUEST)
    {
      r->counters->n[LMN_CTL_UNEXPECTED_TYPE]++;
      return;
    }
  answer_request (r, inner, inner_len, ecm->sport, local);
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

void
lmn_resolver_send_smrs (LmnResolver *r, const GArray *peers)
{
  for (guint e = 0; e < r->config->eids->len; e++)
    {
      const LispPrefix *eid = &g_array_index (r->config->eids, LispPrefix, e);
      g_autoptr(LispMapRequest) m = lisp_map_request_new ();
      g_autoptr(GBytes) wire = NULL;
      g_autoptr(GError) error = NULL;

      m->smr = TRUE;
      m->nonce = lisp_nonce64 ();
      g_clear_pointer (&m->source_eid, lisp_address_free);
      m->source_eid = lmn_prefix_to_address (eid);
      lisp_map_request_add_record (m, lmn_prefix_to_address (eid), eid->len);
      for (guint i = 0; i < lmn_local_rlocs_size (r->rlocs) && m->itr_rlocs->len < 32; i++)
        {
          const LmnLocalRloc *rl = lmn_local_rlocs_get (r->rlocs, i);

          if (rl->up)
            g_ptr_array_add (m->itr_rlocs, rloc_address (rl));
        }
      wire = lisp_map_request_encode (m, &error);
      if (wire == NULL)
        {
          g_debug ("no SMR for %s: %s", "our EID", error->message);
          return;   /* no usable RLOC: nothing can be sent at all */
        }
      for (guint i = 0; i < peers->len; i++)
        {
          const LmnIp *peer = &g_array_index (peers, LmnIp, i);
          g_autoptr(GError) send_error = NULL;

          if (lmn_control_sockets_send (r->sockets, NULL, peer, LISP_CONTROL_PORT,
                                        g_bytes_get_data (wire, NULL), g_bytes_get_size (wire),
                                        &send_error))
            r->counters->n[LMN_CTL_SMR_SENT]++;
          else
            r->counters->n[LMN_CTL_SEND_FAILED]++;
        }
    }
}

/* ---- Lookups: a Map-Request on request (lig), answered to a callback ------------------- */

static void
lookup_complete (LmnResolver *r, Request *req, const LmnResolverAnswer *answer, const GError *error)
{
  LmnResolverAnswerFunc func = req->answer_func;
  gpointer data = req->answer_data;

  g_hash_table_remove (r->by_nonce, &req->nonce);
  g_hash_table_steal (r->lookups, req);
  request_free (req);
  func (answer, error, data);
}

static void
lookup_timed_out (LmnResolver *r, Request *req)
{
  g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                         "no Map-Reply for %s after %u tries", req->key, req->tries);

  r->counters->n[LMN_CTL_MAP_REQUEST_GAVE_UP]++;
  lookup_complete (r, req, NULL, error);
}

static void
lookup_answered (LmnResolver *r, Request *req, const LispMapReply *m, gint64 now)
{
  LmnResolverAnswer answer = { 0 };
  guint index = (req->tries - 1) % r->map_resolvers->len;

  /* As for the map-cache: only a record about what was asked counts. */
  for (guint i = 0; i < m->records->len && answer.record == NULL; i++)
    {
      const LispRecord *rec = g_ptr_array_index (m->records, i);
      LispPrefix p;

      if (lisp_prefix_from_address (rec->eid, rec->mask_len, &p, NULL) &&
          lisp_prefix_contains (&p, req->dst.iid, req->dst.family, req->dst.addr))
        answer.record = rec;
      else
        r->counters->n[LMN_CTL_MAP_REPLY_RECORD_IGNORED]++;
    }
  if (answer.record == NULL)
    return;   /* not an answer: the retries go on */
  r->counters->n[LMN_CTL_MAP_REPLY_ACCEPTED]++;
  g_array_index (r->map_resolvers, LmnMapResolverState, index).replies++;
  answer.map_resolver = g_array_index (r->map_resolvers, LmnMapResolverState, index).address;
  answer.rtt = now - req->last_sent;
  lookup_complete (r, req, &answer, NULL);
}

static void
lookup_cancel_all (LmnResolver *r)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                 "the mobile node stopped");
  GHashTableIter iter;
  gpointer req;

  /* One at a time: a callback may not see the table being walked. */
  while (g_hash_table_size (r->lookups) > 0)
    {
      g_hash_table_iter_init (&iter, r->lookups);
      g_hash_table_iter_next (&iter, &req, NULL);
      lookup_complete (r, req, NULL, error);
    }
}

gboolean
lmn_resolver_lookup (LmnResolver *r, const LispPrefix *dst, LmnResolverAnswerFunc func,
                     gpointer user_data, GError **error)
{
  g_autoptr(GBytes) first = NULL;
  Request *req;

  if (r->map_resolvers->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no map-resolver is configured");
      return FALSE;
    }
  req = g_new0 (Request, 1);
  req->owner = r;
  req->dst = *dst;
  req->key = lisp_prefix_to_string (dst);
  req->nonce = lisp_nonce64 ();
  req->answer_func = func;
  req->answer_data = user_data;
  /* What cannot be built now (no usable RLOC) is refused now, not after the retries. */
  first = build_request (r, req, error);
  if (first == NULL)
    {
      request_free (req);
      return FALSE;
    }
  g_hash_table_add (r->lookups, req);
  g_hash_table_insert (r->by_nonce, &req->nonce, req);
  send_request (r, req);
  req->timer = g_timeout_add (1000, on_request_timer, req);
  return TRUE;
}
