/* The ETR side of the resolver: a Map-Request for one of our EIDs (plain, or in an ECM from
 * a map-server) is answered with an authoritative Map-Reply listing our usable RLOCs; an
 * RLOC-probe (P bit) gets the same answer with the probed locator marked. A probe tests the
 * locator, not the EID (RFC 9301 §7.1), so it is answered whatever its EID-record says:
 * lispers.net probes with Source-EID = our EID and an EID-record of AFI 0. A Map-Request
 * with the S bit is an SMR, for resolver-smr.c; one asking for our EID may be the answer to
 * an SMR of ours, which resolver-smr.c is told. */
#include "resolver-private.h"

#include "lisp-message.h"
#include "own-mapping.h"

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
      r->ctx.counters->n[LMN_CTL_MALFORMED]++;
      g_debug ("Map-Request: %s", error->message);
      return;
    }
  if (m->smr)
    {
      lmn_resolver_handle_smr (r, m);
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
  /* The first ITR-RLOC we can reach from one of our RLOCs. */
  for (guint i = 0; i < m->itr_rlocs->len && dst.family == 0; i++)
    {
      int family = lisp_address_ip (g_ptr_array_index (m->itr_rlocs, i), dst.addr);

      if (family != 0 &&
          lmn_control_sockets_local (r->ctx.sockets, (guint8) family, &(LmnIp) { 0 }))
        dst.family = (guint8) family;
    }
  if (dst.family == 0)
    {
      r->ctx.counters->n[LMN_CTL_SEND_FAILED]++;
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
      g_debug ("Map-Reply: %s", error->message);
      return;
    }
  r->ctx.counters->n[LMN_CTL_MAP_REQUEST_ANSWERED]++;
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
      r->ctx.counters->n[LMN_CTL_MALFORMED]++;
      g_debug ("ECM: %s", error->message);
      return;
    }
  inner = g_bytes_get_data (ecm->inner, &inner_len);
  if (lisp_message_type (inner, inner_len) != LISP_TYPE_MAP_REQUEST)
    {
      r->ctx.counters->n[LMN_CTL_UNEXPECTED_TYPE]++;
      return;
    }
  answer_request (r, inner, inner_len, ecm->sport, local);
}

