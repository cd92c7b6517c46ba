#include "map-server.h"

#include "lisp-auth.h"
#include "lisp-error.h"

#include <arpa/inet.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* The last nonce accepted from one xTR-ID with one site key. */
typedef struct {
  guint64 nonce;
  gint64  when;   /* seconds, to forget the oldest first */
} LastNonce;

struct _LmnMapServer {
  GPtrArray  *sites;          /* LmnSite* */
  GPtrArray  *registrations;  /* LmnSiteRegistration* */
  GPtrArray  *pending;        /* LmnPendingNotify* */
  GHashTable *last_nonces;    /* GBytes (site, key ID, xTR-ID) -> LastNonce* */
  guint       notify_retry;   /* seconds */
  guint64     counters[LMN_MS_N_COUNTERS];
};

static const char *const counter_names[LMN_MS_N_COUNTERS] = {
  [LMN_MS_RX_MAP_REQUEST] = "rx-map-request",
  [LMN_MS_RX_MAP_REPLY] = "rx-map-reply",
  [LMN_MS_RX_MAP_REGISTER] = "rx-map-register",
  [LMN_MS_RX_MAP_NOTIFY] = "rx-map-notify",
  [LMN_MS_RX_MAP_NOTIFY_ACK] = "rx-map-notify-ack",
  [LMN_MS_RX_ECM] = "rx-ecm",
  [LMN_MS_RX_INFO] = "rx-info",
  [LMN_MS_RX_OTHER] = "rx-other",
  [LMN_MS_TX_MAP_NOTIFY] = "tx-map-notify",
  [LMN_MS_TX_UNSOLICITED_NOTIFY] = "tx-unsolicited-map-notify",
  [LMN_MS_TX_UNSOLICITED_NOTIFY_RETRANSMIT] = "tx-unsolicited-map-notify-retransmit",
  [LMN_MS_TX_AUTH_FAILED_NOTIFY] = "tx-auth-failed-map-notify",
  [LMN_MS_TX_MAP_REPLY] = "tx-map-reply",
  [LMN_MS_TX_NEGATIVE_REPLY] = "tx-negative-map-reply",
  [LMN_MS_TX_FORWARDED_ECM] = "tx-forwarded-ecm",
  [LMN_MS_REGISTRATIONS_NEW] = "registrations-new",
  [LMN_MS_REGISTRATIONS_REFRESHED] = "registrations-refreshed",
  [LMN_MS_REGISTRATIONS_MOVED] = "registrations-moved",
  [LMN_MS_REGISTRATIONS_EXPIRED] = "registrations-expired",
  [LMN_MS_NOTIFY_ACKED] = "unsolicited-map-notify-acked",
  [LMN_MS_NOTIFY_GAVE_UP] = "unsolicited-map-notify-gave-up",
  [LMN_MS_REGISTRATIONS_WITHDRAWN] = "registrations-withdrawn",
  [LMN_MS_DROP_MALFORMED] = "drop-malformed",
  [LMN_MS_DROP_UNKNOWN_KEY_ID] = "drop-unknown-key-id",
  [LMN_MS_DROP_EID_NOT_ALLOWED] = "drop-eid-not-allowed",
  [LMN_MS_DROP_BAD_MAC] = "drop-bad-mac",
  [LMN_MS_DROP_REPLAYED_REGISTER] = "drop-replayed-map-register",
  [LMN_MS_DROP_UNEXPECTED_ACK] = "drop-unexpected-map-notify-ack",
  [LMN_MS_DROP_UNSUPPORTED] = "drop-unsupported",
  [LMN_MS_DROP_NO_ITR_RLOC] = "drop-no-itr-rloc",
  [LMN_MS_DROP_NO_ETR_LOCATOR] = "drop-no-etr-locator",
};

const char *
lmn_ms_counter_name (LmnMsCounter c)
{
  return c < LMN_MS_N_COUNTERS ? counter_names[c] : "unknown";
}

void
lmn_datagram_free (LmnDatagram *d)
{
  if (d == NULL)
    return;
  g_bytes_unref (d->data);
  g_free (d);
}

/* ---- sites ---- */

static void
site_key_free (gpointer data)
{
  LmnSiteKey *k = data;

  /* The secret should not linger in freed memory. */
  if (k->secret != NULL)
    memset (k->secret, 0, strlen (k->secret));
  g_free (k->secret);
  g_free (k);
}

LmnSite *
lmn_site_new (const char *name)
{
  LmnSite *site = g_new0 (LmnSite, 1);

  site->name = g_strdup (name);
  site->prefixes = g_array_new (FALSE, TRUE, sizeof (LispPrefix));
  site->keys = g_ptr_array_new_with_free_func (site_key_free);
  site->proxy_reply = LMN_PROXY_FOLLOW;
  site->increasing_nonces = TRUE;
  return site;
}

void
lmn_site_free (LmnSite *site)
{
  if (site == NULL)
    return;
  g_free (site->name);
  g_array_unref (site->prefixes);
  g_ptr_array_unref (site->keys);
  g_free (site);
}

void
lmn_site_add_key (LmnSite *site, guint8 key_id, guint8 algorithm, const char *secret)
{
  LmnSiteKey *k = g_new0 (LmnSiteKey, 1);

  k->key_id = key_id;
  k->algorithm = algorithm;
  k->secret = g_strdup (secret);
  g_ptr_array_add (site->keys, k);
}

static const LmnSiteKey *
site_find_key (const LmnSite *site, guint8 key_id)
{
  for (guint i = 0; i < site->keys->len; i++)
    {
      const LmnSiteKey *k = g_ptr_array_index (site->keys, i);

      if (k->key_id == key_id)
        return k;
    }
  return NULL;
}

/* ---- prefixes and addresses ---- */

static gboolean
bits_match (const guint8 *a, const guint8 *b, guint len)
{
  guint bytes = len / 8, rest = len % 8;

  if (memcmp (a, b, bytes) != 0)
    return FALSE;
  if (rest == 0)
    return TRUE;
  return ((a[bytes] ^ b[bytes]) & (guint8) (0xff << (8 - rest))) == 0;
}

/* Whether outer holds all of inner. */
static gboolean
prefix_covers (const LispPrefix *outer, const LispPrefix *inner)
{
  return outer->iid == inner->iid && outer->family == inner->family &&
         inner->len >= outer->len && bits_match (outer->addr, inner->addr, outer->len);
}

static gboolean
prefixes_overlap (const LispPrefix *a, const LispPrefix *b)
{
  return a->iid == b->iid && a->family == b->family &&
         bits_match (a->addr, b->addr, MIN (a->len, b->len));
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

static gchar *
endpoint_to_string (const LmnEndpoint *e)
{
  char buf[INET6_ADDRSTRLEN] = "?";

  inet_ntop (e->family == LISP_FAMILY_IPV4 ? AF_INET : AF_INET6, e->addr, buf, sizeof buf);
  return e->family == LISP_FAMILY_IPV4 ? g_strdup_printf ("%s:%u", buf, e->port)
                                       : g_strdup_printf ("[%s]:%u", buf, e->port);
}

/* The IP address of a locator or ITR-RLOC as an endpoint; FALSE when it has none. */
static gboolean
endpoint_from_address (const LispAddress *a, guint16 port, LmnEndpoint *out)
{
  int family = lisp_address_ip (a, out->addr);

  if (family != 4 && family != 6)
    return FALSE;
  out->family = (guint8) family;
  if (family == 4)
    memset (out->addr + 4, 0, 12);
  out->port = port;
  return TRUE;
}

/* The same host, whatever the port. */
static gboolean
same_host (const LmnEndpoint *a, const LmnEndpoint *b)
{
  return a->family == b->family &&
         memcmp (a->addr, b->addr, a->family == LISP_FAMILY_IPV4 ? 4 : 16) == 0;
}

static void
emit (LmnMapServer *ms, GPtrArray *out, const LmnEndpoint *to, GBytes *data, LmnMsCounter c)
{
  LmnDatagram *d = g_new0 (LmnDatagram, 1);

  d->to = *to;
  d->data = data;
  g_ptr_array_add (out, d);
  ms->counters[c]++;
}

static void
emit_from (LmnMapServer *ms, GPtrArray *out, const LmnEndpoint *to, const LmnEndpoint *local,
           GBytes *data, LmnMsCounter c)
{
  emit (ms, out, to, data, c);
  if (local != NULL)
    ((LmnDatagram *) g_ptr_array_index (out, out->len - 1))->local = *local;
}

/* ---- the server ---- */

static void
registration_free (gpointer data)
{
  LmnSiteRegistration *reg = data;

  lisp_record_free (reg->record);
  g_free (reg);
}

static void
pending_free (gpointer data)
{
  LmnPendingNotify *p = data;

  g_bytes_unref (p->data);
  g_free (p);
}

LmnMapServer *
lmn_map_server_new (GPtrArray *sites)
{
  LmnMapServer *ms = g_new0 (LmnMapServer, 1);

  ms->sites = sites;
  g_ptr_array_set_free_func (ms->sites, (GDestroyNotify) lmn_site_free);
  ms->registrations = g_ptr_array_new_with_free_func (registration_free);
  ms->pending = g_ptr_array_new_with_free_func (pending_free);
  ms->last_nonces = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                           (GDestroyNotify) g_bytes_unref, g_free);
  ms->notify_retry = LMN_MS_NOTIFY_RETRY;
  return ms;
}

void
lmn_map_server_set_notify_retry (LmnMapServer *ms, guint seconds)
{
  ms->notify_retry = CLAMP (seconds, 1, LMN_MS_NOTIFY_RETRY_MAX);
}

const GPtrArray *
lmn_map_server_pending_notifies (const LmnMapServer *ms)
{
  return ms->pending;
}

void
lmn_map_server_free (LmnMapServer *ms)
{
  if (ms == NULL)
    return;
  g_ptr_array_unref (ms->pending);
  g_hash_table_unref (ms->last_nonces);
  g_ptr_array_unref (ms->registrations);
  g_ptr_array_unref (ms->sites);
  g_free (ms);
}

const GPtrArray *
lmn_map_server_sites (const LmnMapServer *ms)
{
  return ms->sites;
}

const GPtrArray *
lmn_map_server_registrations (const LmnMapServer *ms)
{
  return ms->registrations;
}

guint64
lmn_map_server_counter (const LmnMapServer *ms, LmnMsCounter c)
{
  return c < LMN_MS_N_COUNTERS ? ms->counters[c] : 0;
}

gint64
lmn_site_registration_expiry (const LmnSiteRegistration *reg)
{
  /* Record TTLs are minutes; 0xffffffff (forever, for some) stays in gint64 range. */
  if (reg->use_ttl)
    return reg->last_refresh + (gint64) reg->record->ttl * 60;
  return reg->last_refresh + LMN_MS_DEFAULT_TIMEOUT;
}

guint
lmn_map_server_expire (LmnMapServer *ms, gint64 now)
{
  guint removed = 0;

  for (guint i = ms->registrations->len; i > 0; i--)
    {
      LmnSiteRegistration *reg = g_ptr_array_index (ms->registrations, i - 1);

      if (now >= lmn_site_registration_expiry (reg))
        {
          g_autofree gchar *p = lisp_prefix_to_string (&reg->prefix);

          g_info ("site %s: registration of %s expired", reg->site->name, p);
          g_ptr_array_remove_index_fast (ms->registrations, i - 1);
          ms->counters[LMN_MS_REGISTRATIONS_EXPIRED]++;
          removed++;
        }
    }
  return removed;
}

static LmnSiteRegistration *
find_registration (LmnMapServer *ms, const LispPrefix *prefix)
{
  for (guint i = 0; i < ms->registrations->len; i++)
    {
      LmnSiteRegistration *reg = g_ptr_array_index (ms->registrations, i);

      if (lisp_prefix_equal (&reg->prefix, prefix))
        return reg;
    }
  return NULL;
}

/* The most specific registration holding the prefix q. */
static LmnSiteRegistration *
lookup_registration (LmnMapServer *ms, const LispPrefix *q)
{
  LmnSiteRegistration *best = NULL;

  for (guint i = 0; i < ms->registrations->len; i++)
    {
      LmnSiteRegistration *reg = g_ptr_array_index (ms->registrations, i);

      if (prefix_covers (&reg->prefix, q) && (best == NULL || reg->prefix.len > best->prefix.len))
        best = reg;
    }
  return best;
}

/* Whether site may register p. */
static gboolean
site_allows (const LmnSite *site, const LispPrefix *p)
{
  for (guint i = 0; i < site->prefixes->len; i++)
    {
      const LispPrefix *sp = &g_array_index (site->prefixes, LispPrefix, i);

      if (site->accept_more_specifics ? prefix_covers (sp, p) : lisp_prefix_equal (sp, p))
        return TRUE;
    }
  return FALSE;
}

static gboolean
inside_some_site (const LmnMapServer *ms, const LispPrefix *q)
{
  for (guint i = 0; i < ms->sites->len; i++)
    {
      const LmnSite *site = g_ptr_array_index (ms->sites, i);

      for (guint j = 0; j < site->prefixes->len; j++)
        if (prefix_covers (&g_array_index (site->prefixes, LispPrefix, j), q))
          return TRUE;
    }
  return FALSE;
}

gboolean
lmn_map_server_non_eid_prefix (const LmnMapServer *ms, guint32 iid, guint8 family,
                               const guint8 *addr, LispPrefix *out)
{
  guint8 max = family == LISP_FAMILY_IPV4 ? 32 : 128;
  LispPrefix host;

  if (!lisp_prefix_init (&host, iid, family, addr, max) || inside_some_site (ms, &host))
    return FALSE;
  /* Shortest first: the first length at which no site prefix overlaps is the answer. The
   * host prefix itself overlaps nothing, since it lies outside every site. */
  for (guint len = 0; len <= max; len++)
    {
      LispPrefix candidate;
      gboolean overlap = FALSE;

      lisp_prefix_init (&candidate, iid, family, addr, (guint8) len);
      for (guint i = 0; i < ms->sites->len && !overlap; i++)
        {
          const LmnSite *site = g_ptr_array_index (ms->sites, i);

          for (guint j = 0; j < site->prefixes->len && !overlap; j++)
            overlap = prefixes_overlap (&g_array_index (site->prefixes, LispPrefix, j), &candidate);
        }
      if (!overlap)
        {
          *out = candidate;
          return TRUE;
        }
    }
  *out = host;
  return TRUE;
}

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

/* A Map-Notify carrying records, authenticated with key. */
static GBytes *
build_notify (const LmnSiteKey *key, guint64 nonce, GPtrArray *records, gboolean has_xtr_id,
              const guint8 *xtr_id, guint64 site_id, GError **error)
{
  g_autoptr(LispMapRegister) n = lisp_map_register_new (LISP_TYPE_MAP_NOTIFY);

  n->nonce = nonce;
  n->key_id = key->key_id;
  n->alg_id = key->algorithm;
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (n->records, lisp_record_copy (g_ptr_array_index (records, i)));
  n->has_xtr_id = has_xtr_id;
  if (has_xtr_id)
    {
      memcpy (n->xtr_id, xtr_id, 16);
      n->site_id = site_id;
    }
  return lisp_map_register_encode (n, (const guint8 *) key->secret, strlen (key->secret), error);
}

static gboolean
drop (LmnMapServer *ms, LmnMsCounter reason, const LmnEndpoint *from, const char *format, ...)
  G_GNUC_PRINTF (4, 5);

static gboolean
drop (LmnMapServer *ms, LmnMsCounter reason, const LmnEndpoint *from, const char *format, ...)
{
  g_autofree gchar *who = endpoint_to_string (from);
  g_autofree gchar *why = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  ms->counters[reason]++;
  g_info ("dropped a message from %s: %s", who, why);
  return FALSE;
}

/* ---- replays and unsolicited Map-Notifys ---- */

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

static gchar *
hex (const guint8 *b, gsize n)
{
  GString *s = g_string_sized_new (n * 2);

  for (gsize i = 0; i < n; i++)
    g_string_append_printf (s, "%02x", b[i]);
  return g_string_free (s, FALSE);
}

static void
remember_nonce (LmnMapServer *ms, GBytes *id, guint64 nonce, gint64 now)
{
  LastNonce *last = g_hash_table_lookup (ms->last_nonces, id);

  if (last == NULL)
    {
      if (g_hash_table_size (ms->last_nonces) >= LMN_MS_NONCES_MAX)
        {
          GHashTableIter iter;
          gpointer k, v, oldest = NULL;
          gint64 when = G_MAXINT64;

          /* Rare (thousands of xTRs): a linear walk is fine. */
          g_hash_table_iter_init (&iter, ms->last_nonces);
          while (g_hash_table_iter_next (&iter, &k, &v))
            if (((LastNonce *) v)->when < when)
              {
                when = ((LastNonce *) v)->when;
                oldest = k;
              }
          g_hash_table_remove (ms->last_nonces, oldest);
        }
      last = g_new0 (LastNonce, 1);
      g_hash_table_insert (ms->last_nonces, g_bytes_ref (id), last);
    }
  last->nonce = nonce;
  last->when = now;
}

/* Seconds to wait after the sent-th transmission of an unsolicited Map-Notify. */
static gint64
notify_delay (const LmnMapServer *ms, guint sent)
{
  return sent < 3 ? (gint64) ms->notify_retry : (gint64) ms->notify_retry << (sent - 2);
}

/* Tells `to`, which held the registration of prefix until now, of its new locators, and
 * keeps telling until it acknowledges (RFC 9301 §5.7). */
static void
send_unsolicited (LmnMapServer *ms, GPtrArray *out, const LispPrefix *prefix, const LmnEndpoint *to,
                  const LmnEndpoint *local, const LmnSiteKey *key, const LispMapRegister *m,
                  const LispRecord *rec, gint64 now)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  LmnPendingNotify *p;
  guint64 nonce = lisp_nonce64 ();
  GBytes *notify;

  g_ptr_array_add (records, (gpointer) rec);
  notify = build_notify (key, nonce, records, m->has_xtr_id, m->xtr_id, m->site_id, &error);
  if (notify == NULL)
    {
      g_warning ("cannot build a Map-Notify: %s", error->message);
      return;
    }
  /* The news replaces older news of the same registration to the same xTR. */
  for (guint i = ms->pending->len; i-- > 0;)
    {
      LmnPendingNotify *old = g_ptr_array_index (ms->pending, i);

      if (lisp_prefix_equal (&old->prefix, prefix) && same_host (&old->to, to))
        g_ptr_array_remove_index (ms->pending, i);
    }
  p = g_new0 (LmnPendingNotify, 1);
  p->prefix = *prefix;
  p->to = *to;
  if (local != NULL)
    p->local = *local;
  p->nonce = nonce;
  p->key = key;
  p->data = g_bytes_ref (notify);
  p->sent = 1;
  p->next = now + notify_delay (ms, 1);
  g_ptr_array_add (ms->pending, p);
  emit_from (ms, out, to, local, notify, LMN_MS_TX_UNSOLICITED_NOTIFY);
}

gboolean
lmn_map_server_tick (LmnMapServer *ms, gint64 now, GPtrArray *out)
{
  gboolean changed;

  g_return_val_if_fail (ms != NULL && out != NULL, FALSE);

  changed = lmn_map_server_expire (ms, now) > 0;
  for (guint i = ms->pending->len; i-- > 0;)
    {
      LmnPendingNotify *p = g_ptr_array_index (ms->pending, i);

      if (now < p->next)
        continue;
      changed = TRUE;
      if (p->sent >= LMN_MS_NOTIFY_TRIES)
        {
          g_autofree gchar *who = endpoint_to_string (&p->to);
          g_autofree gchar *prefix = lisp_prefix_to_string (&p->prefix);

          g_info ("no Map-Notify-Ack from %s for the news of %s after %u Map-Notifys: given up",
                  who, prefix, p->sent);
          ms->counters[LMN_MS_NOTIFY_GAVE_UP]++;
          g_ptr_array_remove_index (ms->pending, i);
          continue;
        }
      p->sent++;
      p->next = now + notify_delay (ms, p->sent);
      emit_from (ms, out, &p->to, p->local.family != 0 ? &p->local : NULL, g_bytes_ref (p->data),
                 LMN_MS_TX_UNSOLICITED_NOTIFY_RETRANSMIT);
    }
  return changed;
}

/* The answer to one of our unsolicited Map-Notifys: same nonce, from the xTR it went to,
 * under the same key. */
static gboolean
handle_notify_ack (LmnMapServer *ms, const guint8 *msg, gsize len, const LmnEndpoint *from)
{
  g_autoptr(LispMapRegister) m = NULL;
  g_autoptr(GError) error = NULL;

  if (!lisp_map_register_decode (msg, len, &m, &error))
    return drop (ms, LMN_MS_DROP_MALFORMED, from, "Map-Notify-Ack: %s", error->message);
  for (guint i = 0; i < ms->pending->len; i++)
    {
      LmnPendingNotify *p = g_ptr_array_index (ms->pending, i);
      g_autofree gchar *prefix = NULL;

      if (p->nonce != m->nonce || !same_host (&p->to, from))
        continue;
      if (m->key_id != p->key->key_id || m->alg_id != p->key->algorithm ||
          !lisp_auth_verify (m->alg_id, (const guint8 *) p->key->secret, strlen (p->key->secret),
                             msg, len, m->auth_offset,
                             m->auth_data != NULL ? g_bytes_get_size (m->auth_data) : 0, NULL))
        return drop (ms, LMN_MS_DROP_BAD_MAC, from, "Map-Notify-Ack: authentication failed");
      prefix = lisp_prefix_to_string (&p->prefix);
      g_info ("the news of %s acknowledged after %u Map-Notifys", prefix, p->sent);
      ms->counters[LMN_MS_NOTIFY_ACKED]++;
      g_ptr_array_remove_index (ms->pending, i);
      return TRUE;
    }
  return drop (ms, LMN_MS_DROP_UNEXPECTED_ACK, from,
               "Map-Notify-Ack with nonce %016" G_GINT64_MODIFIER "x: no Map-Notify awaits it",
               m->nonce);
}

static gboolean
handle_register (LmnMapServer *ms, const guint8 *msg, gsize len, const LmnEndpoint *from,
                 const LmnEndpoint *local, gint64 now, GPtrArray *out)
{
  g_autoptr(GBytes) xtr = NULL;
  g_autoptr(LispMapRegister) m = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) prefixes = g_array_new (FALSE, TRUE, sizeof (LispPrefix));
  const LmnSite *site = NULL;
  const LmnSiteKey *key = NULL;
  gboolean key_id_known = FALSE, eid_allowed = FALSE;

  if (!lisp_map_register_decode (msg, len, &m, &error))
    return drop (ms, LMN_MS_DROP_MALFORMED, from, "Map-Register: %s", error->message);
  if (m->records->len == 0)
    return drop (ms, LMN_MS_DROP_MALFORMED, from, "Map-Register without records");
  for (guint i = 0; i < m->records->len; i++)
    {
      const LispRecord *rec = g_ptr_array_index (m->records, i);
      LispPrefix p;

      if (!lisp_prefix_from_address (rec->eid, rec->mask_len, &p, &error))
        return drop (ms, LMN_MS_DROP_EID_NOT_ALLOWED, from, "Map-Register record %u: %s", i,
                     error->message);
      g_array_append_val (prefixes, p);
    }

  /* A site whose key has this Key ID and whose prefixes hold every record; its key must
   * verify. Several sites may share a Key ID, so each candidate is tried. */
  for (guint i = 0; i < ms->sites->len && key == NULL; i++)
    {
      const LmnSite *s = g_ptr_array_index (ms->sites, i);
      const LmnSiteKey *k = site_find_key (s, m->key_id);
      gboolean all = TRUE;

      if (k == NULL)
        continue;
      key_id_known = TRUE;
      for (guint j = 0; j < prefixes->len && all; j++)
        all = site_allows (s, &g_array_index (prefixes, LispPrefix, j));
      if (!all)
        continue;
      eid_allowed = TRUE;
      if (k->algorithm != m->alg_id)
        continue;
      if (lisp_auth_verify (m->alg_id, (const guint8 *) k->secret, strlen (k->secret), msg, len,
                            m->auth_offset, m->auth_data != NULL ? g_bytes_get_size (m->auth_data) : 0,
                            NULL))
        {
          site = s;
          key = k;
        }
    }
  if (!key_id_known)
    return drop (ms, LMN_MS_DROP_UNKNOWN_KEY_ID, from, "Map-Register with unknown key ID %u",
                 m->key_id);
  if (!eid_allowed)
    {
      g_autofree gchar *p = lisp_prefix_to_string (&g_array_index (prefixes, LispPrefix, 0));

      return drop (ms, LMN_MS_DROP_EID_NOT_ALLOWED, from,
                   "Map-Register for %s%s: no site with key ID %u may register it", p,
                   prefixes->len > 1 ? " (and others)" : "", m->key_id);
    }
  if (key == NULL && m->want_notify)
    {
      g_autoptr(LispMapRegister) notify = lisp_map_register_new (LISP_TYPE_MAP_NOTIFY);

      notify->nonce = m->nonce;
      notify->alg_id = LISP_AUTH_NONE;
      emit (ms, out, from, lisp_map_register_encode (notify, NULL, 0, NULL),
            LMN_MS_TX_AUTH_FAILED_NOTIFY);
    }
  if (key == NULL)
    return drop (ms, LMN_MS_DROP_BAD_MAC, from,
                 "Map-Register with key ID %u: authentication failed (%s, %zu bytes)",
                 m->key_id, lisp_auth_alg_name (m->alg_id),
                 m->auth_data != NULL ? g_bytes_get_size (m->auth_data) : 0);
  /* Authentic, but perhaps an old message sent again: it must not roll a newer
   * registration back (RFC 9301 §5.6). */
  if (site->increasing_nonces && m->has_xtr_id)
    {
      const LastNonce *last;

      xtr = nonce_key (site, key->key_id, m->xtr_id);
      last = g_hash_table_lookup (ms->last_nonces, xtr);
      if (last != NULL && m->nonce <= last->nonce)
        {
          g_autofree gchar *id = hex (m->xtr_id, 16);

          return drop (ms, LMN_MS_DROP_REPLAYED_REGISTER, from,
                       "Map-Register from xTR-ID %s with nonce %016" G_GINT64_MODIFIER "x, not "
                       "above the last accepted %016" G_GINT64_MODIFIER "x: a replay?",
                       id, m->nonce, last->nonce);
        }
    }

  for (guint i = 0; i < m->records->len; i++)
    {
      const LispRecord *rec = g_ptr_array_index (m->records, i);
      const LispPrefix *p = &g_array_index (prefixes, LispPrefix, i);
      LmnSiteRegistration *reg = find_registration (ms, p);
      g_autofree gchar *text = lisp_prefix_to_string (p);
      g_autofree gchar *who = endpoint_to_string (from);

      /* Record TTL 0: the registrant withdraws the mapping (RFC 9301: TTL 0 is "remove now"), e.g. a mobile
       * node going offline. Only its own: another xTR's registration of the prefix stays. */
      if (rec->ttl == 0)
        {
          if (reg != NULL && (!reg->has_xtr_id || !m->has_xtr_id ||
                              memcmp (reg->xtr_id, m->xtr_id, 16) == 0))
            {
              g_info ("site %s: %s withdrawn by %s", site->name, text, who);
              g_ptr_array_remove (ms->registrations, reg);
              ms->counters[LMN_MS_REGISTRATIONS_WITHDRAWN]++;
            }
          continue;
        }
      if (reg == NULL)
        {
          reg = g_new0 (LmnSiteRegistration, 1);
          reg->prefix = *p;
          reg->first_registered = now;
          g_ptr_array_add (ms->registrations, reg);
          ms->counters[LMN_MS_REGISTRATIONS_NEW]++;
          g_info ("site %s: %s registered by %s", site->name, text, who);
        }
      else if (!locators_equal (reg->record, rec))
        {
          ms->counters[LMN_MS_REGISTRATIONS_MOVED]++;
          g_info ("site %s: %s moved, now registered by %s", site->name, text, who);
          /* Tell the xTR that held the old locators (RFC 9301 §5.7), at its control port,
           * until it acknowledges. The registrant itself needs no telling: neither the
           * same host nor the same xTR (same xTR-ID) from a new address, as a mobile
           * node after a move. */
          if (!same_host (&reg->registrant, from) &&
              !(reg->has_xtr_id && m->has_xtr_id && memcmp (reg->xtr_id, m->xtr_id, 16) == 0))
            {
              LmnEndpoint old = reg->registrant;

              old.port = LISP_CONTROL_PORT;
              send_unsolicited (ms, out, p, &old, local, key, m, rec, now);
            }
        }
      else
        ms->counters[LMN_MS_REGISTRATIONS_REFRESHED]++;

      lisp_record_free (reg->record);
      reg->record = lisp_record_copy (rec);
      reg->site = site;
      reg->registrant = *from;
      reg->proxy_reply = m->proxy_reply;
      reg->use_ttl = m->use_ttl;
      reg->has_xtr_id = m->has_xtr_id;
      memcpy (reg->xtr_id, m->xtr_id, 16);
      reg->site_id = m->site_id;
      reg->key_id = key->key_id;
      reg->last_refresh = now;
    }

  if (xtr != NULL)
    remember_nonce (ms, xtr, m->nonce, now);
  if (m->want_notify)
    {
      GBytes *notify = build_notify (key, m->nonce, m->records, m->has_xtr_id, m->xtr_id,
                                     m->site_id, &error);

      if (notify != NULL)
        emit (ms, out, from, notify, LMN_MS_TX_MAP_NOTIFY);
      else
        g_warning ("cannot build a Map-Notify: %s", error->message);
    }
  return TRUE;
}

static LispRecord *
negative_record (const LispPrefix *p, guint32 ttl, gboolean authoritative)
{
  LispRecord *rec = lisp_record_new (prefix_to_address (p), p->len, ttl);

  rec->action = LISP_ACTION_NATIVELY_FORWARD;
  rec->authoritative = authoritative;
  return rec;
}

static gboolean
proxy_replies (const LmnSiteRegistration *reg)
{
  switch (reg->site->proxy_reply)
    {
    case LMN_PROXY_ALWAYS:
      return TRUE;
    case LMN_PROXY_NEVER:
      return FALSE;
    case LMN_PROXY_FOLLOW:
    default:
      return reg->proxy_reply;
    }
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
        if (endpoint_from_address (l->address, LISP_CONTROL_PORT, out))
          return TRUE;
      }
  return FALSE;
}

static void
handle_ecm (LmnMapServer *ms, const guint8 *msg, gsize len, const LmnEndpoint *from,
            GPtrArray *out)
{
  g_autoptr(LispEcm) ecm = NULL;
  g_autoptr(LispMapRequest) req = NULL;
  g_autoptr(LispMapReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  LmnEndpoint itr = { 0 };
  gboolean have_itr = FALSE;
  const guint8 *inner;
  gsize inner_len;

  if (!lisp_ecm_decode (msg, len, &ecm, &error))
    {
      drop (ms, LMN_MS_DROP_MALFORMED, from, "ECM: %s", error->message);
      return;
    }
  inner = g_bytes_get_data (ecm->inner, &inner_len);
  if (lisp_message_type (inner, inner_len) != LISP_TYPE_MAP_REQUEST)
    {
      drop (ms, LMN_MS_DROP_UNSUPPORTED, from, "ECM carrying a %s",
            lisp_message_type_name (lisp_message_type (inner, inner_len)));
      return;
    }
  if (!lisp_map_request_decode (inner, inner_len, &req, &error))
    {
      drop (ms, LMN_MS_DROP_MALFORMED, from, "Map-Request in an ECM: %s", error->message);
      return;
    }
  ms->counters[LMN_MS_RX_MAP_REQUEST]++;
  for (guint i = 0; i < req->itr_rlocs->len && !have_itr; i++)
    have_itr = endpoint_from_address (g_ptr_array_index (req->itr_rlocs, i), ecm->sport, &itr);

  reply = lisp_map_reply_new ();
  reply->nonce = req->nonce;
  for (guint i = 0; i < req->records->len; i++)
    {
      const LispRequestRecord *rr = g_ptr_array_index (req->records, i);
      LmnSiteRegistration *reg;
      LispPrefix q, non_eid;
      g_autoptr(GError) eid_error = NULL;

      if (!lisp_prefix_from_address (rr->eid, rr->mask_len, &q, &eid_error))
        {
          drop (ms, LMN_MS_DROP_UNSUPPORTED, from, "Map-Request for an EID we cannot look up: %s",
                eid_error->message);
          continue;
        }
      reg = lookup_registration (ms, &q);
      if (reg != NULL && !proxy_replies (reg))
        {
          LmnEndpoint etr;

          /* The ETR answers itself: it gets the request as the ITR sent it. */
          if (etr_endpoint (reg, &etr))
            emit (ms, out, &etr, g_bytes_new (msg, len), LMN_MS_TX_FORWARDED_ECM);
          else
            drop (ms, LMN_MS_DROP_NO_ETR_LOCATOR, from, "registration without an IP locator");
          continue;
        }
      if (reg != NULL)
        {
          LispRecord *rec = lisp_record_copy (reg->record);

          /* A proxy reply is not authoritative and no locator is local to us (§5.4). */
          rec->authoritative = FALSE;
          for (guint j = 0; j < rec->locators->len; j++)
            {
              LispLocator *l = g_ptr_array_index (rec->locators, j);

              l->local = FALSE;
              l->probed = FALSE;
            }
          g_ptr_array_add (reply->records, rec);
        }
      else if (inside_some_site (ms, &q))
        {
          LispPrefix host;

          /* The host prefix, as lispers.net answers: the site may register more-specifics
           * around it at any moment. */
          lisp_prefix_init (&host, q.iid, q.family, q.addr, q.family == LISP_FAMILY_IPV4 ? 32 : 128);
          g_ptr_array_add (reply->records, negative_record (&host, LMN_MS_TTL_UNREGISTERED, TRUE));
        }
      else if (lmn_map_server_non_eid_prefix (ms, q.iid, q.family, q.addr, &non_eid))
        g_ptr_array_add (reply->records, negative_record (&non_eid, LMN_MS_TTL_NON_EID, FALSE));
      else
        {
          /* q is wider than a site prefix: answer for the host prefix of its address. */
          LispPrefix host;

          lisp_prefix_init (&host, q.iid, q.family, q.addr, q.family == LISP_FAMILY_IPV4 ? 32 : 128);
          g_ptr_array_add (reply->records, negative_record (&host, LMN_MS_TTL_UNREGISTERED, TRUE));
        }
    }
  if (reply->records->len == 0)
    return;
  if (!have_itr)
    {
      drop (ms, LMN_MS_DROP_NO_ITR_RLOC, from, "Map-Request without an IP ITR-RLOC");
      return;
    }
  {
    GBytes *bytes = lisp_map_reply_encode (reply, &error);
    gboolean negative = TRUE;

    if (bytes == NULL)
      {
        g_warning ("cannot build a Map-Reply: %s", error->message);
        return;
      }
    for (guint i = 0; i < reply->records->len; i++)
      if (((LispRecord *) g_ptr_array_index (reply->records, i))->locators->len > 0)
        negative = FALSE;
    emit (ms, out, &itr, bytes, negative ? LMN_MS_TX_NEGATIVE_REPLY : LMN_MS_TX_MAP_REPLY);
  }
}

gboolean
lmn_map_server_handle (LmnMapServer *ms, const guint8 *msg, gsize len, const LmnEndpoint *from,
                       gint64 now, GPtrArray *out)
{
  return lmn_map_server_handle_at (ms, msg, len, from, NULL, now, out);
}

gboolean
lmn_map_server_handle_at (LmnMapServer *ms, const guint8 *msg, gsize len, const LmnEndpoint *from,
                          const LmnEndpoint *local, gint64 now, GPtrArray *out)
{
  gboolean changed;

  g_return_val_if_fail (ms != NULL && from != NULL && out != NULL, FALSE);

  changed = lmn_map_server_expire (ms, now) > 0;
  switch (lisp_message_type (msg, len))
    {
    case LISP_TYPE_MAP_REGISTER:
      ms->counters[LMN_MS_RX_MAP_REGISTER]++;
      changed |= handle_register (ms, msg, len, from, local, now, out);
      break;
    case LISP_TYPE_ECM:
      ms->counters[LMN_MS_RX_ECM]++;
      handle_ecm (ms, msg, len, from, out);
      break;
    case LISP_TYPE_MAP_NOTIFY_ACK:
      ms->counters[LMN_MS_RX_MAP_NOTIFY_ACK]++;
      changed |= handle_notify_ack (ms, msg, len, from);
      break;
    case LISP_TYPE_MAP_REQUEST:
      ms->counters[LMN_MS_RX_MAP_REQUEST]++;
      drop (ms, LMN_MS_DROP_UNSUPPORTED, from, "Map-Request not encapsulated in an ECM");
      break;
    case LISP_TYPE_MAP_REPLY:
      ms->counters[LMN_MS_RX_MAP_REPLY]++;
      drop (ms, LMN_MS_DROP_UNSUPPORTED, from, "unsolicited Map-Reply");
      break;
    case LISP_TYPE_MAP_NOTIFY:
      ms->counters[LMN_MS_RX_MAP_NOTIFY]++;
      drop (ms, LMN_MS_DROP_UNSUPPORTED, from, "Map-Notify sent to a map-server");
      break;
    case LISP_TYPE_INFO:
      ms->counters[LMN_MS_RX_INFO]++;
      drop (ms, LMN_MS_DROP_UNSUPPORTED, from, "Info messages (NAT traversal) not served yet");
      break;
    default:
      ms->counters[LMN_MS_RX_OTHER]++;
      if (len == 0)
        drop (ms, LMN_MS_DROP_MALFORMED, from, "empty datagram");
      else
        drop (ms, LMN_MS_DROP_UNSUPPORTED, from, "message type %u", lisp_message_type (msg, len));
      break;
    }
  return changed;
}

/* ---- JSON state ---- */

static void
add_string (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, value);
}

static void
add_int (JsonBuilder *b, const char *member, gint64 value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, value);
}

static void
add_bool (JsonBuilder *b, const char *member, gboolean value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_boolean_value (b, value);
}

static void
add_registration (JsonBuilder *b, const LmnSiteRegistration *reg, gint64 now)
{
  g_autofree gchar *prefix = lisp_prefix_to_string (&reg->prefix);
  g_autofree gchar *who = endpoint_to_string (&reg->registrant);

  json_builder_begin_object (b);
  add_string (b, "eid", prefix);
  add_string (b, "site", reg->site->name);
  add_string (b, "registered-by", who);
  add_int (b, "age", now - reg->last_refresh);
  add_int (b, "registered-for", now - reg->first_registered);
  add_int (b, "expires-in", lmn_site_registration_expiry (reg) - now);
  add_int (b, "ttl", reg->record->ttl);
  add_bool (b, "proxy-reply", proxy_replies (reg));
  add_bool (b, "use-ttl", reg->use_ttl);
  if (reg->has_xtr_id)
    {
      g_autoptr(GString) hex = g_string_new (NULL);

      for (guint i = 0; i < 16; i++)
        g_string_append_printf (hex, "%02x", reg->xtr_id[i]);
      add_string (b, "xtr-id", hex->str);
      add_int (b, "site-id", (gint64) reg->site_id);
    }
  json_builder_set_member_name (b, "locators");
  json_builder_begin_array (b);
  for (guint i = 0; i < reg->record->locators->len; i++)
    {
      const LispLocator *l = g_ptr_array_index (reg->record->locators, i);
      g_autofree gchar *addr = lisp_address_to_string (l->address);

      json_builder_begin_object (b);
      add_string (b, "address", addr);
      add_int (b, "priority", l->priority);
      add_int (b, "weight", l->weight);
      add_bool (b, "reachable", l->reachable);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

gchar *
lmn_map_server_to_json (const LmnMapServer *ms, gint64 now)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sites");
  json_builder_begin_array (b);
  for (guint i = 0; i < ms->sites->len; i++)
    {
      const LmnSite *site = g_ptr_array_index (ms->sites, i);
      static const char *const proxy[] = { "follow", "always", "never" };

      json_builder_begin_object (b);
      add_string (b, "name", site->name);
      json_builder_set_member_name (b, "eid-prefixes");
      json_builder_begin_array (b);
      for (guint j = 0; j < site->prefixes->len; j++)
        {
          g_autofree gchar *p = lisp_prefix_to_string (&g_array_index (site->prefixes, LispPrefix, j));

          json_builder_add_string_value (b, p);
        }
      json_builder_end_array (b);
      add_bool (b, "accept-more-specifics", site->accept_more_specifics);
      add_string (b, "proxy-reply", proxy[site->proxy_reply]);
      add_bool (b, "increasing-nonces", site->increasing_nonces);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "registrations");
  json_builder_begin_array (b);
  for (guint i = 0; i < ms->registrations->len; i++)
    add_registration (b, g_ptr_array_index (ms->registrations, i), now);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "pending-map-notifys");
  json_builder_begin_array (b);
  for (guint i = 0; i < ms->pending->len; i++)
    {
      const LmnPendingNotify *p = g_ptr_array_index (ms->pending, i);
      g_autofree gchar *prefix = lisp_prefix_to_string (&p->prefix);
      g_autofree gchar *to = endpoint_to_string (&p->to);
      g_autofree gchar *nonce = g_strdup_printf ("%016" G_GINT64_MODIFIER "x", p->nonce);

      json_builder_begin_object (b);
      add_string (b, "eid", prefix);
      add_string (b, "to", to);
      add_string (b, "nonce", nonce);
      add_int (b, "sent", p->sent);
      add_int (b, "next-in", p->next - now);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "counters");
  json_builder_begin_object (b);
  for (guint c = 0; c < LMN_MS_N_COUNTERS; c++)
    add_int (b, counter_names[c], (gint64) ms->counters[c]);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}
