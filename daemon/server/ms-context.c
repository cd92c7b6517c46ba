/* The map-server's context (ms-context.h, map-server-types.h): the counters and their names, the
 * datagrams the handlers emit, the drop every refusal goes through, and the table of registrations
 * (finding, looking up, expiring). Below the handlers, which all use it. */
#include "ms-context.h"

#include "lmn-secret.h"
#include "log-limiter.h"
#include "map-resolver.h"
#include "rate-limit.h"

#include <stdarg.h>

static const char *const counter_names[LMN_MS_N_COUNTERS] = {
  [LMN_MS_RX_MAP_REQUEST] = "rx-map-request",
  [LMN_MS_RX_MAP_REPLY] = "rx-map-reply",
  [LMN_MS_RX_MAP_REGISTER] = "rx-map-register",
  [LMN_MS_RX_MAP_NOTIFY] = "rx-map-notify",
  [LMN_MS_RX_MAP_NOTIFY_ACK] = "rx-map-notify-ack",
  [LMN_MS_RX_ECM] = "rx-ecm",
  [LMN_MS_RX_INFO] = "rx-info",
  [LMN_MS_RX_RELAYED_REGISTER] = "rx-relayed-map-register",
  [LMN_MS_RX_OTHER] = "rx-other",
  [LMN_MS_TX_MAP_NOTIFY] = "tx-map-notify",
  [LMN_MS_TX_UNSOLICITED_NOTIFY] = "tx-unsolicited-map-notify",
  [LMN_MS_TX_UNSOLICITED_NOTIFY_RETRANSMIT] = "tx-unsolicited-map-notify-retransmit",
  [LMN_MS_TX_AUTH_FAILED_NOTIFY] = "tx-auth-failed-map-notify",
  [LMN_MS_TX_MAP_REPLY] = "tx-map-reply",
  [LMN_MS_TX_NEGATIVE_REPLY] = "tx-negative-map-reply",
  [LMN_MS_TX_FORWARDED_ECM] = "tx-forwarded-ecm",
  [LMN_MS_TX_INFO_REPLY] = "tx-info-reply",
  [LMN_MS_TX_RELAYED_NOTIFY] = "tx-map-notify-via-rtr",
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
  [LMN_MS_DROP_UNAUTHENTICATED_INFO] = "drop-unauthenticated-info",
  [LMN_MS_DROP_RATE_LIMITED] = "drop-rate-limited",
  [LMN_MS_DROP_RELAY_NOT_RTR] = "drop-relay-not-rtr",
  [LMN_MS_DROP_ANSWER_RATE_LIMITED] = "drop-answer-rate-limited",
  [LMN_MS_DROP_ANSWER_TOO_LARGE] = "drop-answer-larger-than-request",
  [LMN_MS_WRONG_KEY_NOTIFY_RATE_LIMITED] = "wrong-key-notify-rate-limited",
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

void
lmn_ms_emit (LmnMapServer *ms, GPtrArray *out, const LmnEndpoint *to, const LmnEndpoint *local,
             GBytes *data, LmnMsCounter c)
{
  LmnDatagram *d = g_new0 (LmnDatagram, 1);

  d->to = *to;
  if (local != NULL)
    d->local = *local;
  d->data = data;
  g_ptr_array_add (out, d);
  ms->counters[c]++;
}

gboolean
lmn_ms_drop (LmnMapServer *ms, LmnMsCounter reason, const LmnEndpoint *from, const char *format,
             ...)
{
  g_autofree gchar *who = lmn_endpoint_to_string (from);
  g_autofree gchar *why = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  ms->counters[reason]++;
  /* One line per dropped packet would let any sender fill the log. */
  lmn_log_limited (G_LOG_LEVEL_INFO, lmn_ms_counter_name (reason), "dropped a message from %s: %s",
                   who, why);
  return FALSE;
}

gchar *
lmn_ms_hex (const guint8 *b, gsize n)
{
  GString *s = g_string_sized_new (n * 2);

  for (gsize i = 0; i < n; i++)
    g_string_append_printf (s, "%02x", b[i]);
  return g_string_free (s, FALSE);
}

void
lmn_map_server_set_notify_retry (LmnMapServer *ms, guint seconds)
{
  ms->notify_retry = CLAMP (seconds, 1, LMN_MS_NOTIFY_RETRY_MAX);
}

void
lmn_map_server_set_answer_limits (LmnMapServer *ms, guint per_requester, guint total)
{
  lmn_rate_limit_free (ms->answer_limit);
  ms->answer_limit = lmn_rate_limit_new_total (per_requester, 2 * per_requester, total, 2 * total,
                                               LMN_MS_ANSWER_SOURCES);
}

const GPtrArray *
lmn_map_server_pending_notifies (const LmnMapServer *ms)
{
  return ms->pending;
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

void
lmn_map_server_set_rtrs (LmnMapServer *ms, const GArray *rtrs)
{
  g_array_set_size (ms->rtrs, 0);
  if (rtrs != NULL)
    g_array_append_vals (ms->rtrs, rtrs->data, rtrs->len);
}

const GArray *
lmn_map_server_rtrs (const LmnMapServer *ms)
{
  return ms->rtrs;
}

void
lmn_map_server_set_rtr_key (LmnMapServer *ms, const char *key)
{
  lmn_secret_free (ms->rtr_key);
  ms->rtr_key = g_strdup (key);
}

void
lmn_ms_add_registration (LmnMapServer *ms, LmnSiteRegistration *reg)
{
  reg->slot = ms->registrations->len;
  g_ptr_array_add (ms->registrations, reg);
  lmn_prefix_table_insert (ms->by_prefix, &reg->prefix, reg);
  lmn_ms_registration_refreshed (ms, reg);
}

void
lmn_ms_remove_registration (LmnMapServer *ms, LmnSiteRegistration *reg)
{
  guint slot = reg->slot;

  g_return_if_fail (slot < ms->registrations->len && ms->registrations->pdata[slot] == reg);
  lmn_prefix_table_remove (ms->by_prefix, &reg->prefix);
  g_ptr_array_remove_index_fast (ms->registrations, slot); /* frees reg */
  if (slot < ms->registrations->len)
    ((LmnSiteRegistration *) ms->registrations->pdata[slot])->slot = slot;
}

void
lmn_ms_registration_refreshed (LmnMapServer *ms, const LmnSiteRegistration *reg)
{
  if (reg->record != NULL)
    ms->next_expiry = MIN (ms->next_expiry, lmn_site_registration_expiry (reg));
}

/* Walks the registrations only when one is due: at most once a second under a steady
 * stream of refreshes, rather than at every message. */
guint
lmn_map_server_expire (LmnMapServer *ms, gint64 now)
{
  guint removed = 0;
  gint64 next = G_MAXINT64;

  if (now < ms->next_expiry)
    return 0;
  for (guint i = ms->registrations->len; i > 0; i--)
    {
      LmnSiteRegistration *reg = g_ptr_array_index (ms->registrations, i - 1);
      gint64 expiry = lmn_site_registration_expiry (reg);

      if (now >= expiry)
        {
          g_autofree gchar *p = lisp_prefix_to_string (&reg->prefix);

          g_info ("site %s: registration of %s expired", reg->site->name, p);
          lmn_ms_remove_registration (ms, reg);
          ms->counters[LMN_MS_REGISTRATIONS_EXPIRED]++;
          removed++;
        }
      else
        next = MIN (next, expiry);
    }
  ms->next_expiry = next;
  return removed;
}

LmnSiteRegistration *
lmn_ms_find_registration (LmnMapServer *ms, const LispPrefix *prefix)
{
  return lmn_prefix_table_find (ms->by_prefix, prefix);
}

LmnSiteRegistration *
lmn_ms_lookup_registration (LmnMapServer *ms, const LispPrefix *q)
{
  return lmn_prefix_table_covering (ms->by_prefix, q, NULL, NULL);
}
