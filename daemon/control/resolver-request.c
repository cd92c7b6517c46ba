/* The Map-Request machinery every kind of request shares (misses in resolver.c, lookups in
 * resolver-lookup.c): building one with our ITR-RLOCs inside an ECM, sending each try to
 * the next map-resolver, and the retry timer. What a kind does with an answer or when its
 * tries run out is its RequestKind's business, so this file depends on neither kind. */
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

GBytes *
lmn_resolver_build_request (LmnResolver *r, Request *req, GError **error)
{
  g_autoptr(LispMapRequest) m = lisp_map_request_new ();
  g_autoptr(LispEcm) ecm = lisp_ecm_new ();
  g_autoptr(GBytes) inner = NULL;
  const LispPrefix *eid;
  LmnIp local;

  m->nonce = req->nonce;
  m->smr_invoked = req->smr_invoked;
  m->pitr = r->ctx.config->mode == LMN_MODE_PROXY; /* RFC 6832: asked by a proxy-ITR */
  lmn_own_mapping_set_source_eid (m, r->ctx.config, req->dst.family);
  lmn_own_mapping_add_itr_rlocs (m, r->ctx.rlocs);
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
  if (lmn_control_sockets_local (r->ctx.sockets, req->dst.family, &local))
    memcpy (ecm->src, local.addr, 16);
  else if ((eid = lmn_own_mapping_eid (r->ctx.config, req->dst.family)) != NULL)
    memcpy (ecm->src, eid->addr, 16);
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
      !lmn_control_sockets_send (r->ctx.sockets, NULL, &mr->address, LISP_CONTROL_PORT,
                                 g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    {
      r->ctx.counters->n[LMN_CTL_SEND_FAILED]++;
      g_debug ("Map-Request for %s: %s", req->key, error->message);
      return;
    }
  mr->requests_sent++;
  r->ctx.counters->n[req->tries == 1 ? LMN_CTL_MAP_REQUEST_SENT : LMN_CTL_MAP_REQUEST_RETRY]++;
  if (req->smr_invoked && req->tries == 1)
    r->ctx.counters->n[LMN_CTL_SMR_INVOKED_SENT]++;
}

gboolean
lmn_resolver_on_request_timer (gpointer user_data)
{
  Request *req = user_data;
  LmnResolver *r = req->owner;

  req->timer = 0;
  if (req->done || req->tries >= LMN_RESOLVER_TRIES)
    {
      req->kind->expired (r, req);
      return G_SOURCE_REMOVE;
    }
  lmn_resolver_send_request (r, req);
  /* 1 s, 2 s, then 4 s after the last try; exact timers, as the 1 s spacing per
   * destination is a limit (second timers may fire up to a second early or late). */
  req->timer = g_timeout_add (1000u << (req->tries - 1), lmn_resolver_on_request_timer, req);
  return G_SOURCE_REMOVE;
}

Request *
lmn_resolver_request_new (LmnResolver *r, const RequestKind *kind, const LispPrefix *dst,
                          gchar *key)
{
  Request *req = g_new0 (Request, 1);

  req->owner = r;
  req->kind = kind;
  req->dst = *dst;
  req->key = key;
  req->nonce = lisp_nonce64 ();
  return req;
}

void
lmn_resolver_request_start (LmnResolver *r, Request *req)
{
  g_hash_table_insert (r->by_nonce, &req->nonce, req);
  lmn_resolver_send_request (r, req);
  req->timer = g_timeout_add (1000, lmn_resolver_on_request_timer, req);
}
