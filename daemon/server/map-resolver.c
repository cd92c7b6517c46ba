/* The map-resolver (RFC 9301 §8.1): an ECM carrying a Map-Request is answered per requested
 * EID with a proxy Map-Reply from the registration, the ECM forwarded to the registered ETR
 * (which answers itself), or a negative Map-Reply: for the host inside a site (TTL 1 minute:
 * the site may register it at any moment), or for the widest prefix around it that touches
 * no site (15 minutes).
 *
 * Map-Requests are not authenticated and name the ITR-RLOC their answer goes to, so anyone
 * could aim our answers at a third host (RFC 9301 §16). The answer goes to the ITR-RLOC that
 * is the request's source address when one is (the ITR sent it itself), else to the first
 * one, as the RFC has it; answers are limited per ITR-RLOC and in all (token buckets), and
 * one larger than its request is not sent to an address other than the request's source,
 * so that a spoofer gets no amplification out of us. */
#include "map-resolver.h"

#include "ms-context.h"

/* ---- negative answers ---- */

static gboolean
inside_some_site (const LmnMapServer *ms, const LispPrefix *q)
{
  return lmn_site_index_holding (ms->site_index, q) != NULL;
}

gboolean
lmn_map_server_non_eid_prefix (const LmnMapServer *ms, guint32 iid, guint8 family,
                               const guint8 *addr, LispPrefix *out)
{
  guint8 max = family == LISP_FAMILY_IPV4 ? 32 : 128;
  LispPrefix host;

  if (!lisp_prefix_init (&host, iid, family, addr, max) || inside_some_site (ms, &host))
    return FALSE;
  /* The shortest length at which no site prefix overlaps: past the most leading bits the
   * address shares with any of them (the host prefix itself overlaps nothing, since it lies
   * outside every site). */
  lisp_prefix_init (out, iid, family, addr,
                    (guint8) lmn_site_index_non_eid_len (ms->site_index, iid, family, addr));
  return TRUE;
}

static LispAddress *
prefix_to_address (const LispPrefix *p)
{
  LispAddress *a = p->family == LISP_FAMILY_IPV4 ? lisp_address_new_ipv4 (p->addr)
                                                 : lisp_address_new_ipv6 (p->addr);

  if (p->iid != 0)
    a = lisp_address_new_instance_id (p->iid, 0, a);
  return a;
}

static LispRecord *
negative_record (const LispPrefix *p, guint32 ttl, gboolean authoritative)
{
  LispRecord *rec = lisp_record_new (prefix_to_address (p), p->len, ttl);

  rec->action = LISP_ACTION_NATIVELY_FORWARD;
  rec->authoritative = authoritative;
  return rec;
}

guint32
lmn_ms_unregistered_ttl (const LmnMapServer *ms, const LispPrefix *q, gint64 now)
{
  for (guint i = 0; ms->expected != NULL && i < ms->expected->len; i++)
    {
      const LmnExpected *e = &g_array_index (ms->expected, LmnExpected, i);

      /* Overlapping: one holds the other. */
      if (now < e->deadline &&
          (lmn_prefix_covers (&e->prefix, q) || lmn_prefix_covers (q, &e->prefix)))
        return 0;
    }
  return LMN_MS_TTL_UNREGISTERED;
}

/* The negative answer for q, which no registration holds. */
static LispRecord *
negative_answer (const LmnMapServer *ms, const LispPrefix *q, gint64 now)
{
  LispPrefix non_eid, host;

  if (!inside_some_site (ms, q) &&
      lmn_map_server_non_eid_prefix (ms, q->iid, q->family, q->addr, &non_eid))
    return negative_record (&non_eid, LMN_MS_TTL_NON_EID, FALSE);
  /* Inside a site, the host prefix, as lispers.net answers: the site may register
   * more-specifics around it at any moment. So too when q is wider than a site prefix. */
  lisp_prefix_init (&host, q->iid, q->family, q->addr, q->family == LISP_FAMILY_IPV4 ? 32 : 128);
  return negative_record (&host, lmn_ms_unregistered_ttl (ms, &host, now), TRUE);
}

/* ---- positive answers ---- */

/* The registration's record as a proxy reply: not authoritative, and no locator is local to
 * us (RFC 9301 §5.4). */
static LispRecord *
proxy_record (const LmnSiteRegistration *reg)
{
  LispRecord *rec = lisp_record_copy (reg->record);

  rec->authoritative = FALSE;
  for (guint j = 0; j < rec->locators->len; j++)
    {
      LispLocator *l = g_ptr_array_index (rec->locators, j);

      l->local = FALSE;
      l->probed = FALSE;
    }
  return rec;
}

/* Where to forward a Map-Request for reg: its first reachable unicast locator, else its
 * first locator with an IP address. */
static gboolean
etr_endpoint (const LmnSiteRegistration *reg, LmnEndpoint *out)
{
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < reg->record->locators->len; i++)
      {
        const LispLocator *l = g_ptr_array_index (reg->record->locators, i);

        if (pass == 0 && (!l->reachable || l->priority == 255))
          continue;
        if (lmn_endpoint_from_address (l->address, LISP_CONTROL_PORT, out))
          return TRUE;
      }
  return FALSE;
}

/* ---- the request ---- */

/* The Map-Request in the ECM msg; NULL when it is dropped. */
static LispMapRequest *
decode_request (LmnMapServer *ms, const guint8 *msg, gsize len, const LmnEndpoint *from,
                LispEcm **ecm)
{
  g_autoptr(LispMapRequest) req = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *inner;
  gsize inner_len;

  if (!lisp_ecm_decode (msg, len, ecm, &error))
    {
      lmn_ms_drop (ms, LMN_MS_DROP_MALFORMED, from, "ECM: %s", error->message);
      return NULL;
    }
  inner = g_bytes_get_data ((*ecm)->inner, &inner_len);
  if (lisp_message_type (inner, inner_len) != LISP_TYPE_MAP_REQUEST)
    {
      lmn_ms_drop (ms, LMN_MS_DROP_UNSUPPORTED, from, "ECM carrying a %s",
                   lisp_message_type_name (lisp_message_type (inner, inner_len)));
      return NULL;
    }
  if (!lisp_map_request_decode (inner, inner_len, &req, &error))
    {
      lmn_ms_drop (ms, LMN_MS_DROP_MALFORMED, from, "Map-Request in an ECM: %s", error->message);
      return NULL;
    }
  return g_steal_pointer (&req);
}

/* Answers one requested EID: a record for the reply, or the ECM msg forwarded to the ETR
 * that registered it. */
static void
answer_eid (LmnMapServer *ms, const LispRequestRecord *rr, const guint8 *msg, gsize len,
            const LmnEndpoint *from, gint64 now, GPtrArray *records, GPtrArray *out)
{
  g_autoptr(GError) error = NULL;
  LmnSiteRegistration *reg;
  LmnEndpoint etr;
  LispPrefix q;

  if (!lisp_prefix_from_address (rr->eid, rr->mask_len, &q, &error))
    {
      lmn_ms_drop (ms, LMN_MS_DROP_UNSUPPORTED, from,
                   "Map-Request for an EID we cannot look up: %s", error->message);
      return;
    }
  reg = lmn_ms_lookup_registration (ms, &q);
  if (reg == NULL)
    g_ptr_array_add (records, negative_answer (ms, &q, now));
  else if (lmn_site_registration_proxy_replies (reg))
    g_ptr_array_add (records, proxy_record (reg));
  /* The ETR answers itself: it gets the request as the ITR sent it. */
  else if (etr_endpoint (reg, &etr))
    lmn_ms_emit (ms, out, &etr, NULL, g_bytes_new (msg, len), LMN_MS_TX_FORWARDED_ECM);
  else
    lmn_ms_drop (ms, LMN_MS_DROP_NO_ETR_LOCATOR, from, "registration without an IP locator");
}

static void
send_reply (LmnMapServer *ms, const LispMapReply *reply, const LmnEndpoint *itr,
            const LmnEndpoint *from, gsize request_len, GPtrArray *out)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = lisp_map_reply_encode (reply, &error);
  gboolean negative = TRUE;

  if (bytes == NULL)
    {
      g_warning ("cannot build a Map-Reply: %s", error->message);
      return;
    }
  if (g_bytes_get_size (bytes) > request_len && !lmn_endpoint_same_host (itr, from))
    {
      lmn_ms_drop (ms, LMN_MS_DROP_ANSWER_TOO_LARGE, from,
                   "Map-Reply of %zu bytes to a %zu-byte request naming another ITR-RLOC",
                   g_bytes_get_size (bytes), request_len);
      g_bytes_unref (bytes);
      return;
    }
  for (guint i = 0; i < reply->records->len; i++)
    if (((LispRecord *) g_ptr_array_index (reply->records, i))->locators->len > 0)
      negative = FALSE;
  lmn_ms_emit (ms, out, itr, NULL, bytes,
               negative ? LMN_MS_TX_NEGATIVE_REPLY : LMN_MS_TX_MAP_REPLY);
}

/* The ITR-RLOC to answer: the one that is the request's source address, else the first
 * with an IP address; FALSE when there is none. */
static gboolean
choose_itr (const LispMapRequest *req, const LispEcm *ecm, const LmnEndpoint *from,
            LmnEndpoint *itr)
{
  gboolean have_itr = FALSE;

  for (guint i = 0; i < req->itr_rlocs->len; i++)
    {
      LmnEndpoint e;

      if (!lmn_endpoint_from_address (g_ptr_array_index (req->itr_rlocs, i), ecm->sport, &e))
        continue;
      if (lmn_endpoint_same_host (&e, from))
        {
          *itr = e;
          return TRUE;
        }
      if (!have_itr)
        *itr = e;
      have_itr = TRUE;
    }
  return have_itr;
}

void
lmn_ms_handle_ecm (LmnMapServer *ms, const guint8 *msg, gsize len, const LmnEndpoint *from,
                   gint64 now, GPtrArray *out)
{
  g_autoptr(LispEcm) ecm = NULL;
  g_autoptr(LispMapRequest) req = decode_request (ms, msg, len, from, &ecm);
  g_autoptr(LispMapReply) reply = NULL;
  LmnEndpoint itr = { 0 };
  gboolean have_itr;

  if (req == NULL)
    return;
  ms->counters[LMN_MS_RX_MAP_REQUEST]++;
  have_itr = choose_itr (req, ecm, from, &itr);
  /* Before any answer, forwarding included: whoever the answer would reach has its share. */
  if (!lmn_rate_limit_allow (ms->answer_limit, have_itr ? &itr : from, now))
    {
      lmn_ms_drop (ms, LMN_MS_DROP_ANSWER_RATE_LIMITED, from,
                   "Map-Request over its ITR-RLOC's share of answers");
      return;
    }

  reply = lisp_map_reply_new ();
  reply->nonce = req->nonce;
  for (guint i = 0; i < req->records->len; i++)
    answer_eid (ms, g_ptr_array_index (req->records, i), msg, len, from, now, reply->records, out);
  if (reply->records->len == 0)
    return;
  if (!have_itr)
    {
      lmn_ms_drop (ms, LMN_MS_DROP_NO_ITR_RLOC, from, "Map-Request without an IP ITR-RLOC");
      return;
    }
  send_reply (ms, reply, &itr, from, len, out);
}
