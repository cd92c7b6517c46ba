/* Lookups (lmn_resolver_lookup, for D-Bus Lookup and lig): a Map-Request on request, with
 * the retries and fail-over of a miss, whose answer goes to a callback instead of the
 * map-cache. */
#include "resolver-private.h"

#include <gio/gio.h>

static void
lookup_complete (LmnResolver *r, Request *req, const LmnResolverAnswer *answer, const GError *error)
{
  LmnResolverAnswerFunc func = req->answer_func;
  gpointer data = req->answer_data;

  g_hash_table_remove (r->by_nonce, &req->nonce);
  g_hash_table_steal (r->lookups, req);
  lmn_resolver_request_free (req);
  func (answer, error, data);
}

/* The last try went unanswered. */
static void
lookup_expired (LmnResolver *r, Request *req)
{
  g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                         "no Map-Reply for %s after %u tries", req->key, req->tries);

  r->ctx.counters->n[LMN_CTL_MAP_REQUEST_GAVE_UP]++;
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
        r->ctx.counters->n[LMN_CTL_MAP_REPLY_RECORD_IGNORED]++;
    }
  if (answer.record == NULL)
    return;   /* not an answer: the retries go on */
  r->ctx.counters->n[LMN_CTL_MAP_REPLY_ACCEPTED]++;
  g_array_index (r->map_resolvers, LmnMapResolverState, index).replies++;
  answer.map_resolver = g_array_index (r->map_resolvers, LmnMapResolverState, index).address;
  answer.rtt = now - req->last_sent;
  lookup_complete (r, req, &answer, NULL);
}

/* A lookup: the answer goes to its callback, never into the map-cache. */
static const RequestKind lookup_kind = { lookup_answered, lookup_expired };

void
lmn_resolver_lookup_cancel_all (LmnResolver *r)
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
  req = lmn_resolver_request_new (r, &lookup_kind, dst, lisp_prefix_to_string (dst));
  req->answer_func = func;
  req->answer_data = user_data;
  /* What cannot be built now (no usable RLOC) is refused now, not after the retries. */
  first = lmn_resolver_build_request (r, req, error);
  if (first == NULL)
    {
      lmn_resolver_request_free (req);
      return FALSE;
    }
  g_hash_table_add (r->lookups, req);
  lmn_resolver_request_start (r, req);
  return TRUE;
}
