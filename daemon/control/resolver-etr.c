/* The ETR side of the resolver: a Map-Request for one of our EIDs (plain, or in an ECM from
 * a map-server) is answered with an authoritative Map-Reply listing our usable RLOCs; an
 * RLOC-probe (P bit) gets the same answer with the probed locator marked. A probe tests the
 * locator, not the EID (RFC 9301 §7.1), so it is answered whatever its EID-record says:
 * lispers.net probes with Source-EID = our EID and an EID-record of AFI 0. A Map-Request
 * with the S bit is an SMR, for resolver-smr.c; one asking for our EID may be the answer to
 * an SMR of ours, which resolver-smr.c is told.
 *
 * Where the answer goes (RFC 9301 §16: Map-Requests are not authenticated, and anyone may
 * name a third host as ITR-RLOC): an RLOC-probe is answered only to the address it came
 * from, since it tests the path between that address and our RLOC. A Map-Request is
 * answered to an ITR-RLOC, as RFC 9301 §5.3 has it (a multihomed ITR may ask from one RLOC
 * and want the answer on another, and a map-server forwards the request to us in an ECM):
 * the ITR-RLOC that is the request's source address when there is one, else the first we
 * can reach. What bounds the reflection is the token bucket: answers per destination and in
 * all (LMN_RESOLVER_ANSWER_*), the rest counted as answer-rate-limited. */
#include "resolver-private.h"

#include "log-limiter.h"

#include "lisp-message.h"
#include "own-mapping.h"

#include <string.h>

/* The EID of ours a probe naming none of them is answered with: the one its Source-EID
 * names, or else our first. */
static const LispPrefix *
probe_eid (LmnResolver *r, const LispMapRequest *m)
{
  LispPrefix source;
  guint8 addr[16];
  int family = lisp_address_ip (m->source_eid, addr);
  const LispPrefix *own = NULL;

  if (family != 0 && lisp_prefix_init (&source, lisp_address_iid (m->source_eid), (guint8) family,
                                       addr, family == LISP_FAMILY_IPV4 ? 32 : 128))
    own = lmn_own_mapping_find (r->ctx.config, &source);
  if (own == NULL && r->ctx.config->eids->len > 0)
    own = &g_array_index (r->ctx.config->eids, LispPrefix, 0);
  return own;
}

/* Where the answer to m goes (see the top); FALSE when nowhere. from: the request's source
 * address (the outer one, or an ECM's inner one). */
static gboolean
answer_destination (LmnResolver *r, const LispMapRequest *m, const LmnIp *from, LmnIp *dst)
{
  LmnIp first = { 0 };

  if (m->probe)
    {
      *dst = *from;
      return lmn_control_sockets_local (r->ctx.sockets, from->family, &(LmnIp) { 0 });
    }
  for (guint i = 0; i < m->itr_rlocs->len; i++)
    {
      LmnIp itr = { 0 };
      int family = lisp_address_ip (g_ptr_array_index (m->itr_rlocs, i), itr.addr);

      if (family == 0 ||
          !lmn_control_sockets_local (r->ctx.sockets, (guint8) family, &(LmnIp) { 0 }))
        continue;
      itr.family = (guint8) family;
      if (lmn_ip_equal (&itr, from))
        {
          *dst = itr;
          return TRUE;
        }
      if (first.family == 0)
        first = itr;
    }
  *dst = first;
  return first.family != 0;
}

static void
answer_request (LmnResolver *r, const guint8 *data, gsize len, const LmnIp *from,
                guint16 reply_port, const LmnIp *local)
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
      r->ctx.counters->n[LMN_CTL_MALFORMED]++;
      lmn_log_limited (G_LOG_LEVEL_DEBUG, "malformed", "Map-Request: %s", error->message);
      return;
    }
  if (m->smr)
    {
      lmn_resolver_handle_smr (r, m, from);
      return;
    }
  asked = g_ptr_array_index (m->records, 0);
  if (lisp_prefix_from_address (asked->eid, asked->mask_len, &p, NULL) &&
      (own = lmn_own_mapping_find (r->ctx.config, &p)) != NULL)
    {
      if (!m->probe)
        lmn_resolver_smr_answered (r, m, own);
    }
  else if (m->probe && (own = probe_eid (r, m)) != NULL)
    r->ctx.counters->n[LMN_CTL_RLOC_PROBE_OTHER_RECORD]++;
  else
    {
      r->ctx.counters->n[LMN_CTL_MAP_REQUEST_FOREIGN_EID]++;
      return;
    }
  if (m->dont_reply)
    return;
  if (!answer_destination (r, m, from, &dst))
    {
      r->ctx.counters->n[LMN_CTL_SEND_FAILED]++;
      return;
    }
  if (!lmn_token_buckets_allow (r->answer_limit, dst.family, dst.addr, g_get_monotonic_time ()))
    {
      r->ctx.counters->n[LMN_CTL_ANSWER_RATE_LIMITED]++;
      lmn_log_limited (G_LOG_LEVEL_DEBUG, "answer-rate-limited",
                       "Map-Request over its destination's share of answers: not answered");
      return;
    }
  reply = lisp_map_reply_new ();
  reply->probe = m->probe;
  reply->nonce = m->nonce;
  g_ptr_array_add (reply->records,
                   lmn_own_mapping_record (own, r->ctx.rlocs, m->probe ? local : NULL));
  bytes = lisp_map_reply_encode (reply, &error);
  if (bytes == NULL ||
      !lmn_control_sockets_send (r->ctx.sockets, local, &dst, reply_port,
                                 g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    {
      r->ctx.counters->n[LMN_CTL_SEND_FAILED]++;
      lmn_log_limited (G_LOG_LEVEL_DEBUG, "send-failed", "Map-Reply: %s", error->message);
      return;
    }
  r->ctx.counters->n[LMN_CTL_MAP_REQUEST_ANSWERED]++;
}

void
lmn_resolver_handle_map_request (LmnResolver *r, const guint8 *data, gsize len, const LmnIp *from,
                                 guint16 port, const LmnIp *local)
{
  answer_request (r, data, len, from, port, local);
}

void
lmn_resolver_handle_ecm (LmnResolver *r, const guint8 *data, gsize len, const LmnIp *local)
{
  g_autoptr(LispEcm) ecm = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *inner;
  gsize inner_len;
  LmnIp source = { 0 };

  if (!lisp_ecm_decode (data, len, &ecm, &error))
    {
      r->ctx.counters->n[LMN_CTL_MALFORMED]++;
      lmn_log_limited (G_LOG_LEVEL_DEBUG, "malformed", "ECM: %s", error->message);
      return;
    }
  inner = g_bytes_get_data (ecm->inner, &inner_len);
  if (lisp_message_type (inner, inner_len) != LISP_TYPE_MAP_REQUEST)
    {
      r->ctx.counters->n[LMN_CTL_UNEXPECTED_TYPE]++;
      return;
    }
  /* The inner header's source stands for the request's: an ECM's outer source is the
   * map-server that passed it on. */
  source.family = ecm->ip_version == 4 ? LISP_FAMILY_IPV4 : LISP_FAMILY_IPV6;
  memcpy (source.addr, ecm->src, 16);
  answer_request (r, inner, inner_len, &source, ecm->sport, local);
}

