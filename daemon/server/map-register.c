/* The map-server's Map-Register handling (RFC 9301 §8.2): which site and key a
 * Map-Register belongs to and whether it is authentic, whether it replays an older one
 * (RFC 9301 §5.6), and what each of its records does to the registrations: a new one, a
 * refresh, a move (the old xTR is told, map-notify.c), or a withdrawal (TTL 0). */
#include "map-register.h"

#include "map-notify.h"
#include "ms-context.h"

#include "lisp-auth.h"

#include <string.h>

/* The last nonce accepted from one xTR-ID with one site key. */
typedef struct {
  guint64 nonce;
  gint64 when;       /* seconds, to forget the oldest first */
  gboolean counting; /* its nonces were seen counting up: from now on each must be above */
  GList *link;       /* in the map-server's nonce_order; its data is this entry's key */
} LastNonce;

/* A nonce above the previous one by less than this was counted up, not drawn at random.
 * lispmnd's nonces are a count of seconds in the upper 32 bits and 32 random bits below
 * (registrar.c), so a refresh a minute later steps by about 60 * 2^32; older lispmnds
 * counted microseconds. 2^42 covers 1024 s of the first and 49 days of the second; random
 * nonces step so little once in 2^23 Map-Registers (and increasing-nonces=false turns the
 * check off for a site whose xTRs draw them at random). */
#define NONCE_COUNTING_STEP G_GUINT64_CONSTANT (0x40000000000)

/* Why a Map-Register is refused, or that it is not. */
typedef enum {
  REGISTER_AUTHENTIC,
  REGISTER_UNKNOWN_KEY_ID,   /* no site has a key with its Key ID */
  REGISTER_EID_NOT_ALLOWED,  /* no such site may register all its EID-prefixes */
  REGISTER_BAD_MAC,          /* no such site's key verifies it */
} RegisterVerdict;

/* One authentic Map-Register being applied. */
typedef struct {
  LmnMapServer          *ms;
  const LispMapRegister *m;
  const LmnSite         *site;
  const LmnSiteKey      *key;   /* the key that verified it */
  const LmnEndpoint     *from;
  const LmnEndpoint     *local;
  const LmnRelay *relay; /* NULL: sent to us directly */
  gint64                 now;
  GPtrArray             *out;
} Register;

/* ---- decoding and authentication ---- */

/* The Map-Register in msg, and its records' EID-prefixes (LispPrefix, in record order);
 * NULL when it is dropped. */
static GArray *
decode_register (LmnMapServer *ms, const guint8 *msg, gsize len, const LmnEndpoint *from,
                 LispMapRegister **out)
{
  g_autoptr(LispMapRegister) m = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) prefixes = g_array_new (FALSE, TRUE, sizeof (LispPrefix));

  if (!lisp_map_register_decode (msg, len, &m, &error))
    {
      lmn_ms_drop (ms, LMN_MS_DROP_MALFORMED, from, "Map-Register: %s", error->message);
      return NULL;
    }
  if (m->records->len == 0)
    {
      lmn_ms_drop (ms, LMN_MS_DROP_MALFORMED, from, "Map-Register without records");
      return NULL;
    }
  for (guint i = 0; i < m->records->len; i++)
    {
      const LispRecord *rec = g_ptr_array_index (m->records, i);
      LispPrefix p;

      if (!lisp_prefix_from_address (rec->eid, rec->mask_len, &p, &error))
        {
          lmn_ms_drop (ms, LMN_MS_DROP_EID_NOT_ALLOWED, from, "Map-Register record %u: %s", i,
                       error->message);
          return NULL;
        }
      g_array_append_val (prefixes, p);
    }
  *out = g_steal_pointer (&m);
  return g_steal_pointer (&prefixes);
}

/* A site whose key has the message's Key ID and whose prefixes hold every record; its key
 * must verify. Several sites may share a Key ID, so each candidate is tried. The verdict
 * is the furthest any site got: no key with that Key ID, no such site may register the
 * records, or none's key verifies. */
static RegisterVerdict
find_site (const LmnMapServer *ms, const LispMapRegister *m, const GArray *prefixes,
           const guint8 *msg, gsize len, const LmnSite **site, const LmnSiteKey **key)
{
  RegisterVerdict verdict = REGISTER_EID_NOT_ALLOWED;
  g_autoptr(GPtrArray) candidates = NULL;

  if (!lmn_site_index_has_key_id (ms->site_index, m->key_id))
    return REGISTER_UNKNOWN_KEY_ID;
  /* Only the sites that may register the first record (in configuration order) can hold
   * them all: looked up, not every site tried. */
  candidates = g_ptr_array_new ();
  lmn_site_index_allowing (ms->site_index, &g_array_index (prefixes, LispPrefix, 0), candidates);
  for (guint i = 0; i < candidates->len; i++)
    {
      const LmnSite *s = g_ptr_array_index (candidates, i);
      const LmnSiteKey *k = lmn_site_find_key (s, m->key_id);
      gboolean all = TRUE;

      if (k == NULL)
        continue;
      for (guint j = 1; j < prefixes->len && all; j++)
        all = lmn_site_allows (s, &g_array_index (prefixes, LispPrefix, j));
      if (!all)
        continue;
      verdict = REGISTER_BAD_MAC;
      if (lmn_site_key_verifies (k, m, msg, len))
        {
          *site = s;
          *key = k;
          return REGISTER_AUTHENTIC;
        }
    }
  return verdict;
}

/* Drops a refused Map-Register (verdict not REGISTER_AUTHENTIC) with its reason. A wrong
 * MAC for the right site and Key ID gets an unauthenticated Map-Notify back when one was
 * asked for: "wrong key", not silence (map-server.h); out NULL: no answer at all. */
static gboolean
refuse (LmnMapServer *ms, RegisterVerdict verdict, const LispMapRegister *m, const GArray *prefixes,
        const LmnEndpoint *from, gint64 now, GPtrArray *out)
{
  if (verdict == REGISTER_UNKNOWN_KEY_ID)
    return lmn_ms_drop (ms, LMN_MS_DROP_UNKNOWN_KEY_ID, from,
                        "Map-Register with unknown key ID %u", m->key_id);
  if (verdict == REGISTER_EID_NOT_ALLOWED)
    {
      g_autofree gchar *p = lisp_prefix_to_string (&g_array_index (prefixes, LispPrefix, 0));

      return lmn_ms_drop (ms, LMN_MS_DROP_EID_NOT_ALLOWED, from,
                          "Map-Register for %s%s: no site with key ID %u may register it", p,
                          prefixes->len > 1 ? " (and others)" : "", m->key_id);
    }
  /* Unauthenticated, to whatever source the Map-Register claims: limited, and never larger
   * than the Map-Register (a Map-Notify without records or MAC is 16 bytes). */
  if (m->want_notify && out != NULL && !lmn_rate_limit_allow (ms->wrong_key_limit, from, now))
    ms->counters[LMN_MS_WRONG_KEY_NOTIFY_RATE_LIMITED]++;
  else if (m->want_notify && out != NULL)
    {
      g_autoptr(LispMapRegister) notify = lisp_map_register_new (LISP_TYPE_MAP_NOTIFY);

      notify->nonce = m->nonce;
      notify->alg_id = LISP_AUTH_NONE;
      lmn_ms_emit (ms, out, from, NULL, lisp_map_register_encode (notify, NULL, 0, NULL),
                   LMN_MS_TX_AUTH_FAILED_NOTIFY);
    }
  return lmn_ms_drop (ms, LMN_MS_DROP_BAD_MAC, from,
                      "Map-Register with key ID %u: authentication failed (%s, %zu bytes)",
                      m->key_id, lisp_auth_alg_name (m->alg_id),
                      m->auth_data != NULL ? g_bytes_get_size (m->auth_data) : 0);
}

/* ---- replays ---- */

/* The key of last_nonces: which site key and which xTR. */
static GBytes *
nonce_key (const LmnSite *site, guint8 key_id, const guint8 xtr_id[16])
{
  guint8 buf[sizeof (gpointer) + 1 + 16];

  memcpy (buf, &site, sizeof (gpointer));
  buf[sizeof (gpointer)] = key_id;
  memcpy (buf + sizeof (gpointer) + 1, xtr_id, 16);
  return g_bytes_new (buf, sizeof buf);
}

/* Makes the entry of key the most recently heard from in nonce_order (adding it there if it
 * is not yet: an entry put in the table by other means is taken in on its first update). */
static void
touch_nonce (LmnMapServer *ms, gpointer key, LastNonce *last)
{
  if (last->link != NULL)
    g_queue_unlink (&ms->nonce_order, last->link);
  else
    {
      last->link = g_list_alloc ();
      last->link->data = key;
    }
  g_queue_push_tail_link (&ms->nonce_order, last->link);
}

static void
remember_nonce (LmnMapServer *ms, GBytes *id, guint64 nonce, gint64 now)
{
  gpointer key = NULL, value = NULL;
  LastNonce *last;

  if (!g_hash_table_lookup_extended (ms->last_nonces, id, &key, &value))
    {
      /* The one heard from least recently is forgotten first: the head of nonce_order. */
      if (g_hash_table_size (ms->last_nonces) >= LMN_MS_NONCES_MAX && ms->nonce_order.head != NULL)
        g_hash_table_remove (ms->last_nonces, g_queue_pop_head (&ms->nonce_order));
      key = g_bytes_ref (id);
      value = g_new0 (LastNonce, 1);
      g_hash_table_insert (ms->last_nonces, key, value);
    }
  else if (nonce > ((LastNonce *) value)->nonce &&
           nonce - ((LastNonce *) value)->nonce < NONCE_COUNTING_STEP)
    ((LastNonce *) value)->counting = TRUE;
  last = value;
  touch_nonce (ms, key, last);
  last->nonce = nonce;
  last->when = now;
  ms->nonce_changes++;
}

/* Authentic, but perhaps an old message sent again: it must not roll a newer registration
 * back. FALSE when it is dropped as a replay; *xtr is the key under which to remember its
 * nonce once applied, or NULL when the site does not check nonces.
 *
 * Only an xTR whose nonces grow can be told from a replay of its own old messages, and RFC
 * 9301 §5.6 does not ask xTRs for growing nonces: lispers.net repeats one nonce, OOR draws
 * them at random without an xTR-ID. So by default (auto) an xTR-ID is held to growing
 * nonces once it has shown them (counting, in remember_nonce), which lispmnd does from its
 * second Map-Register on; "true" holds every xTR-ID to them, "false" none. */
static gboolean
nonce_is_new (LmnMapServer *ms, const LmnSite *site, const LmnSiteKey *key,
              const LispMapRegister *m, const LmnEndpoint *from, GBytes **xtr)
{
  const LastNonce *last;
  g_autofree gchar *id = NULL;

  *xtr = NULL;
  if (site->increasing_nonces == LMN_NONCES_NEVER || !m->has_xtr_id)
    return TRUE;
  *xtr = nonce_key (site, key->key_id, m->xtr_id);
  last = g_hash_table_lookup (ms->last_nonces, *xtr);
  if (last == NULL || m->nonce > last->nonce ||
      (site->increasing_nonces == LMN_NONCES_AUTO && !last->counting))
    return TRUE;
  id = lmn_ms_hex (m->xtr_id, 16);
  return lmn_ms_drop (ms, LMN_MS_DROP_REPLAYED_REGISTER, from,
                      "Map-Register from xTR-ID %s with nonce %016" G_GINT64_MODIFIER "x, not "
                      "above the last accepted %016" G_GINT64_MODIFIER "x: a replay?",
                      id, m->nonce, last->nonce);
}

/* ---- applying the records ---- */

static gboolean
locators_equal (const LispRecord *a, const LispRecord *b)
{
  if (a->locators->len != b->locators->len)
    return FALSE;
  for (guint i = 0; i < a->locators->len; i++)
    {
      const LispLocator *la = g_ptr_array_index (a->locators, i);
      const LispLocator *lb = g_ptr_array_index (b->locators, i);

      if (!lisp_address_equal (la->address, lb->address))
        return FALSE;
    }
  return TRUE;
}

/* Record TTL 0: the registrant withdraws the mapping (RFC 9301: TTL 0 is "remove now"),
 * e.g. a mobile node going offline. Only its own: another xTR's registration of the prefix
 * stays. */
static void log_change (const Register *r, const LispPrefix *p, const char *what);

static void
withdraw (const Register *r, LmnSiteRegistration *reg, const LispPrefix *p)
{
  if (reg == NULL || (reg->has_xtr_id && r->m->has_xtr_id &&
                      memcmp (reg->xtr_id, r->m->xtr_id, 16) != 0))
    return;
  log_change (r, p, "withdrawn by");
  lmn_ms_remove_registration (r->ms, reg);
  r->ms->counters[LMN_MS_REGISTRATIONS_WITHDRAWN]++;
}

/* Tells the xTR that held the old locators of reg (RFC 9301 §5.7), at its control port,
 * until it acknowledges. The registrant itself needs no telling: neither the same host nor
 * the same xTR (same xTR-ID) from a new address, as a mobile node after a move. */
static void
tell_old_registrant (const Register *r, const LmnSiteRegistration *reg, const LispPrefix *p,
                     const LispRecord *rec)
{
  LmnEndpoint old = reg->registrant;

  if (lmn_endpoint_same_host (&reg->registrant, r->from) ||
      (reg->has_xtr_id && r->m->has_xtr_id && memcmp (reg->xtr_id, r->m->xtr_id, 16) == 0))
    return;
  old.port = LISP_CONTROL_PORT;
  lmn_ms_send_unsolicited (r->ms, r->out, p, &old, r->local, r->key, r->m, rec,
                           r->now);
}

/* Logs what a record did to the registration of p (at info): formatted only here, not for
 * the refreshes that are most of a busy map-server's Map-Registers. */
static void
log_change (const Register *r, const LispPrefix *p, const char *what)
{
  g_autofree gchar *text = lisp_prefix_to_string (p);
  g_autofree gchar *who = lmn_endpoint_to_string (r->from);

  g_info ("site %s: %s %s %s", r->site->name, text, what, who);
}

/* What one record of the Map-Register does to the registration of its prefix p. */
static void
apply_record (const Register *r, const LispRecord *rec, const LispPrefix *p)
{
  LmnMapServer *ms = r->ms;
  LmnSiteRegistration *reg = lmn_ms_find_registration (ms, p);

  if (rec->ttl == 0)
    {
      withdraw (r, reg, p);
      return;
    }
  if (reg == NULL)
    {
      reg = lmn_site_registration_new (p, r->now);
      lmn_ms_add_registration (ms, reg);
      ms->counters[LMN_MS_REGISTRATIONS_NEW]++;
      log_change (r, p, "registered by");
    }
  else if (!locators_equal (reg->record, rec))
    {
      ms->counters[LMN_MS_REGISTRATIONS_MOVED]++;
      log_change (r, p, "moved, now registered by");
      tell_old_registrant (r, reg, p, rec);
    }
  else
    ms->counters[LMN_MS_REGISTRATIONS_REFRESHED]++;

  lisp_record_free (reg->record);
  reg->record = lisp_record_copy (rec);
  reg->site = r->site;
  reg->registrant = *r->from;
  reg->proxy_reply = r->m->proxy_reply;
  reg->use_ttl = r->m->use_ttl;
  reg->has_xtr_id = r->m->has_xtr_id;
  memcpy (reg->xtr_id, r->m->xtr_id, 16);
  reg->site_id = r->m->site_id;
  reg->key_id = r->key->key_id;
  reg->last_refresh = r->now;
  lmn_ms_registration_refreshed (ms, reg);
}

/* A relayed registration's Map-Notify goes back to the RTR in an ECM with the R bit, addressed
 * inside from the map-server the node addressed to the node's private RLOC (so that the RTR
 * can hand it on as a Data-Map-Notify), signed with the MS-RTR key when there is one. */
static void
relay_notify (LmnMapServer *ms, const LmnRelay *relay, const LmnEndpoint *local, GBytes *notify,
              GPtrArray *out)
{
  g_autoptr(LispEcm) ecm = lisp_ecm_new ();
  g_autoptr(GError) error = NULL;
  GBytes *data;

  ecm->to_etr = TRUE;
  ecm->ip_version = relay->ip_version;
  memcpy (ecm->src, relay->ms, sizeof ecm->src);
  memcpy (ecm->dst, relay->node, sizeof ecm->dst);
  ecm->inner = notify;
  if (ms->rtr_key != NULL &&
      !lisp_ecm_ms_rtr_sign (ecm, (const guint8 *) ms->rtr_key, strlen (ms->rtr_key), &error))
    {
      g_warning ("cannot sign a Map-Notify for RTR: %s", error->message);
      return;
    }
  data = lisp_ecm_encode (ecm, &error);
  if (data == NULL)
    {
      g_warning ("cannot build the ECM of a Map-Notify for an RTR: %s", error->message);
      return;
    }
  lmn_ms_emit (ms, out, &relay->rtr, local, data, LMN_MS_TX_RELAYED_NOTIFY);
}

/* The Map-Notify the registrant asked for: its records back, under its key. */
static void
acknowledge (const Register *r)
{
  g_autoptr(GError) error = NULL;
  const LispMapRegister *m = r->m;
  GBytes *notify = lmn_ms_build_notify (r->key, m->nonce, m->records, m->has_xtr_id, m->xtr_id,
                                        m->site_id, &error);

  if (notify != NULL && r->relay != NULL)
    relay_notify (r->ms, r->relay, r->local, notify, r->out);
  else if (notify != NULL)
    lmn_ms_emit (r->ms, r->out, r->from, NULL, notify, LMN_MS_TX_MAP_NOTIFY);
  else
    g_warning ("cannot build a Map-Notify: %s", error->message);
}

gboolean
lmn_ms_handle_register (LmnMapServer *ms, const guint8 *msg, gsize len, const LmnEndpoint *from,
                        const LmnEndpoint *local, gint64 now, GPtrArray *out)
{
  return lmn_ms_handle_register_via (ms, msg, len, from, local, NULL, now, out);
}

gboolean
lmn_ms_handle_register_via (LmnMapServer *ms, const guint8 *msg, gsize len, const LmnEndpoint *from,
                            const LmnEndpoint *local, const LmnRelay *relay, gint64 now,
                            GPtrArray *out)
{
  g_autoptr(LispMapRegister) m = NULL;
  g_autoptr(GArray) prefixes = decode_register (ms, msg, len, from, &m);
  g_autoptr(GBytes) xtr = NULL;
  Register r = { .ms = ms, .from = from, .local = local, .relay = relay, .now = now, .out = out };
  RegisterVerdict verdict;

  if (prefixes == NULL)
    return FALSE;
  r.m = m;
  verdict = find_site (ms, m, prefixes, msg, len, &r.site, &r.key);
  /* A relayed refusal gets no "wrong key" Map-Notify: passed on by the RTR, unsigned, the
   * node would drop it anyway. */
  if (verdict != REGISTER_AUTHENTIC)
    return refuse (ms, verdict, m, prefixes, from, now, relay != NULL ? NULL : out);
  if (!nonce_is_new (ms, r.site, r.key, m, from, &xtr))
    return FALSE;
  for (guint i = 0; i < m->records->len; i++)
    apply_record (&r, g_ptr_array_index (m->records, i), &g_array_index (prefixes, LispPrefix, i));
  if (xtr != NULL)
    remember_nonce (ms, xtr, m->nonce, now);
  if (m->want_notify)
    acknowledge (&r);
  return TRUE;
}

/* ---- the replay state across restarts (replay-state.c) ---- */

void
lmn_ms_foreach_nonce (const LmnMapServer *ms, LmnNonceFunc func, gpointer user_data)
{
  GHashTableIter iter;
  gpointer k, v;

  g_hash_table_iter_init (&iter, ms->last_nonces);
  while (g_hash_table_iter_next (&iter, &k, &v))
    {
      const guint8 *b = g_bytes_get_data (k, NULL);
      const LastNonce *last = v;
      const LmnSite *site;

      /* nonce_key's layout: the site's address, the Key ID, the xTR-ID */
      memcpy (&site, b, sizeof (gpointer));
      func (site, b[sizeof (gpointer)], b + sizeof (gpointer) + 1, last->nonce, last->counting,
            last->when, user_data);
    }
}

void
lmn_ms_restore_nonce (LmnMapServer *ms, const LmnSite *site, guint8 key_id, const guint8 xtr_id[16],
                      guint64 nonce, gboolean counting, gint64 now)
{
  g_autoptr(GBytes) id = nonce_key (site, key_id, xtr_id);
  LastNonce *last;

  remember_nonce (ms, id, nonce, now);
  last = g_hash_table_lookup (ms->last_nonces, id);
  last->counting = counting;
}
