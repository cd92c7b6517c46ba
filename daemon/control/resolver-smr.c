/* Solicit-Map-Requests (RFC 9301 §6.6.2): sent to our peers when our mapping changed, so
 * that they look us up again; received from a peer whose mapping changed, when we look it up
 * again ourselves, through the mapping system.
 *
 * The layout of the SMRs we send is OOR's, which every deployed implementation accepts:
 * Source-EID = our EID (the one whose mapping changed), EID-record = the peer's own EID-prefix
 * as our map-cache holds it. OOR reads the record as the EID asked of it and drops an SMR
 * whose record is not its own; lispers.net and lispmnd read only the Source-EID. A peer we
 * hold no mapping for (a proxy-ITR sending us traffic) gets our EID as the record.
 *
 * Each SMR is sent again, 1, 2 and 4 s apart, until the peer's SMR-invoked Map-Request for
 * our EID arrives (step 5 of §6.6.2; resolver-etr.c reports it here), at most
 * LMN_SMR_TRIES times. The answer may never reach us (a map-server that answers for us
 * takes it), so the repetition is bounded and an unanswered round is only counted.
 *
 * An SMR received is not authenticated: it acts only for a source EID our map-cache holds
 * (RFC 9301 §6.1: "the ITR ... if it has a map-cache entry for the source EID"), so a
 * stranger naming fresh EIDs makes us look nothing up and cache nothing; and the lookups
 * SMRs cause are limited per sender and in all. */
#include "resolver-private.h"

#include "lisp-auth.h"
#include "log-limiter.h"
#include "lisp-message.h"
#include "own-mapping.h"

#include <string.h>

/* One SMR being repeated: our EID told to one peer RLOC. */
struct _PendingSmr {
  LmnResolver *owner;
  gchar *key; /* "PEER OUR-EID": the smrs key */
  LmnIp peer;
  LispPrefix own;    /* the Source-EID */
  LispPrefix theirs; /* the EID-record; the peer's EID-prefix, or our EID when unknown */
  guint tries;
  guint timer;
};

void
lmn_resolver_pending_smr_free (PendingSmr *smr)
{
  g_clear_handle_id (&smr->timer, g_source_remove);
  g_free (smr->key);
  g_free (smr);
}

void
lmn_resolver_handle_smr (LmnResolver *r, const LispMapRequest *m, const LmnIp *from)
{
  guint8 addr[16];
  int family = lisp_address_ip (m->source_eid, addr);
  guint32 iid = lisp_address_iid (m->source_eid);
  gint64 now = g_get_monotonic_time ();

  r->ctx.counters->n[LMN_CTL_SMR_RECEIVED]++;
  if (family == 0)
    return;
  if (lisp_map_cache_lookup (r->ctx.cache, iid, (guint8) family, addr, now) == NULL)
    {
      r->ctx.counters->n[LMN_CTL_SMR_NOT_CACHED]++;
      lmn_log_limited (G_LOG_LEVEL_DEBUG, "smr-not-cached",
                       "SMR for an EID we hold no mapping for: ignored");
      return;
    }
  if (!lmn_token_buckets_allow (r->smr_limit, from->family, from->addr, now))
    {
      r->ctx.counters->n[LMN_CTL_LOOKUP_RATE_LIMITED]++;
      lmn_log_limited (G_LOG_LEVEL_DEBUG, "lookup-rate-limited",
                       "SMR over its sender's share of lookups: ignored");
      return;
    }
  /* Look the sender up again, through the mapping system: the SMR itself may be forged. */
  lmn_resolver_request (r, iid, (guint8) family, addr, TRUE);
}

static void
send_smr (LmnResolver *r, PendingSmr *smr)
{
  g_autoptr(LispMapRequest) m = lisp_map_request_new ();
  g_autoptr(GBytes) wire = NULL;
  g_autoptr(GError) error = NULL;

  m->smr = TRUE;
  m->nonce = lisp_nonce64 ();
  g_clear_pointer (&m->source_eid, lisp_address_free);
  m->source_eid = lmn_prefix_to_address (&smr->own);
  lisp_map_request_add_record (m, lmn_prefix_to_address (&smr->theirs), smr->theirs.len);
  lmn_own_mapping_add_itr_rlocs (m, r->ctx.rlocs);
  smr->tries++;
  wire = lisp_map_request_encode (m, &error);
  if (wire == NULL ||
      !lmn_control_sockets_send (r->ctx.sockets, NULL, &smr->peer, LISP_CONTROL_PORT,
                                 g_bytes_get_data (wire, NULL), g_bytes_get_size (wire), &error))
    {
      r->ctx.counters->n[LMN_CTL_SEND_FAILED]++;
      lmn_log_limited (G_LOG_LEVEL_DEBUG, "send-failed", "SMR to %s: %s", smr->key, error->message);
      return;
    }
  r->ctx.counters->n[smr->tries == 1 ? LMN_CTL_SMR_SENT : LMN_CTL_SMR_RETRY]++;
}

static gboolean
on_smr_timer (gpointer user_data)
{
  PendingSmr *smr = user_data;
  LmnResolver *r = smr->owner;

  smr->timer = 0;
  if (smr->tries >= LMN_SMR_TRIES)
    {
      r->ctx.counters->n[LMN_CTL_SMR_UNANSWERED]++;
      g_info ("no SMR-invoked Map-Request from %s after %u SMRs", smr->key, smr->tries);
      g_hash_table_remove (r->smrs, smr->key);
      return G_SOURCE_REMOVE;
    }
  send_smr (r, smr);
  smr->timer = g_timeout_add (1000u << (smr->tries - 1), on_smr_timer, smr);
  return G_SOURCE_REMOVE;
}

typedef struct {
  const LmnIp *peer;
  const LispPrefix *own;
  gint64 now;
  const LispPrefix *best;
} PeerEidSearch;

/* A live map-cache entry reached through the peer: a prefix of the peer's, best one of our
 * EID's instance and family. */
static void
consider_entry (const LispMapEntry *e, gpointer user_data)
{
  PeerEidSearch *s = user_data;
  gboolean matches_own;

  if (e->expires_at <= s->now)
    return;
  for (guint i = 0; i < e->n_locators; i++)
    if (lisp_map_locator_is (&e->locators[i], s->peer->family, s->peer->addr))
      {
        matches_own = e->prefix.iid == s->own->iid && e->prefix.family == s->own->family;
        if (s->best == NULL ||
            (matches_own && (s->best->iid != s->own->iid || s->best->family != s->own->family)))
          s->best = &e->prefix;
        return;
      }
}

static void
start_smr (LmnResolver *r, const LmnIp *peer, const LispPrefix *own, gint64 now)
{
  PeerEidSearch search = { peer, own, now, NULL };
  PendingSmr *smr = g_new0 (PendingSmr, 1);
  g_autofree gchar *peer_text = lmn_ip_to_string (peer);
  g_autofree gchar *own_text = lisp_prefix_to_string (own);

  lisp_map_cache_foreach (r->ctx.cache, consider_entry, &search);
  smr->owner = r;
  smr->key = g_strdup_printf ("%s %s", peer_text, own_text);
  smr->peer = *peer;
  smr->own = *own;
  smr->theirs = search.best != NULL ? *search.best : *own;
  /* A new round replaces the one still running for the same peer and EID. */
  g_hash_table_replace (r->smrs, smr->key, smr);
  send_smr (r, smr);
  smr->timer = g_timeout_add (1000, on_smr_timer, smr);
}

void
lmn_resolver_send_smrs (LmnResolver *r, const GArray *peers)
{
  gint64 now = g_get_monotonic_time ();

  if (lmn_own_mapping_n_rlocs (r->ctx.rlocs) == 0)
    {
      g_debug ("no SMR: no usable RLOC");
      return;
    }
  for (guint e = 0; e < r->ctx.config->eids->len; e++)
    for (guint i = 0; i < peers->len; i++)
      start_smr (r, &g_array_index (peers, LmnIp, i),
                 &g_array_index (r->ctx.config->eids, LispPrefix, e), now);
}

/* Whether m came from smr's peer: the peer lists it among its ITR-RLOCs, or asks from an
 * EID of the prefix we named in the record. */
static gboolean
asked_by_peer (const PendingSmr *smr, const LispMapRequest *m)
{
  guint8 addr[16];
  int family;

  for (guint i = 0; i < m->itr_rlocs->len; i++)
    if (lisp_address_ip (g_ptr_array_index (m->itr_rlocs, i), addr) == smr->peer.family &&
        memcmp (addr, smr->peer.addr, lmn_ip_family_len (smr->peer.family)) == 0)
      return TRUE;
  family = lisp_address_ip (m->source_eid, addr);
  return family != 0 && !lisp_prefix_equal (&smr->theirs, &smr->own) &&
         lisp_prefix_contains (&smr->theirs, lisp_address_iid (m->source_eid), (guint8) family,
                               addr);
}

void
lmn_resolver_smr_answered (LmnResolver *r, const LispMapRequest *m, const LispPrefix *own)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, r->smrs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      PendingSmr *smr = value;

      if (lisp_prefix_equal (&smr->own, own) && asked_by_peer (smr, m))
        {
          r->ctx.counters->n[LMN_CTL_SMR_ANSWERED]++;
          g_hash_table_iter_remove (&iter);
        }
    }
}
