/* The map-server object: its counters, its life, what it holds, and the dispatch of each
 * received datagram to the handler of its message type (map-register.c, map-resolver.c,
 * map-notify.c). */
#include "map-server-private.h"

#include <stdarg.h>

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
  g_info ("dropped a message from %s: %s", who, why);
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

LmnMapServer *
lmn_map_server_new (GPtrArray *sites)
{
  LmnMapServer *ms = g_new0 (LmnMapServer, 1);

  ms->sites = sites;
  g_ptr_array_set_free_func (ms->sites, (GDestroyNotify) lmn_site_free);
  ms->registrations = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_site_registration_free);
  ms->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_pending_notify_free);
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
      changed |= lmn_ms_handle_register (ms, msg, len, from, local, now, out);
      break;
    case LISP_TYPE_ECM:
      ms->counters[LMN_MS_RX_ECM]++;
      lmn_ms_handle_ecm (ms, msg, len, from, out);
      break;
    case LISP_TYPE_MAP_NOTIFY_ACK:
      ms->counters[LMN_MS_RX_MAP_NOTIFY_ACK]++;
      changed |= lmn_ms_handle_notify_ack (ms, msg, len, from);
      break;
    case LISP_TYPE_MAP_REQUEST:
      ms->counters[LMN_MS_RX_MAP_REQUEST]++;
      lmn_ms_drop (ms, LMN_MS_DROP_UNSUPPORTED, from, "Map-Request not encapsulated in an ECM");
      break;
    case LISP_TYPE_MAP_REPLY:
      ms->counters[LMN_MS_RX_MAP_REPLY]++;
      lmn_ms_drop (ms, LMN_MS_DROP_UNSUPPORTED, from, "unsolicited Map-Reply");
      break;
    case LISP_TYPE_MAP_NOTIFY:
      ms->counters[LMN_MS_RX_MAP_NOTIFY]++;
      lmn_ms_drop (ms, LMN_MS_DROP_UNSUPPORTED, from, "Map-Notify sent to a map-server");
      break;
    case LISP_TYPE_INFO:
      ms->counters[LMN_MS_RX_INFO]++;
      lmn_ms_drop (ms, LMN_MS_DROP_UNSUPPORTED, from,
                   "Info messages (NAT traversal) not served yet");
      break;
    default:
      ms->counters[LMN_MS_RX_OTHER]++;
      if (len == 0)
        lmn_ms_drop (ms, LMN_MS_DROP_MALFORMED, from, "empty datagram");
      else
        lmn_ms_drop (ms, LMN_MS_DROP_UNSUPPORTED, from, "message type %u",
                     lisp_message_type (msg, len));
      break;
    }
  return changed;
}
