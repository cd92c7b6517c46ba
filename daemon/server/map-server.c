/* The map-server object: its life and the dispatch of each received datagram to the
 * handler of its message type (map-register.c, map-resolver.c, map-notify.c,
 * info-request.c). The top of
 * the map-server's files: nothing below includes map-server.h. */
#include "map-server.h"

#include "info-request.h"
#include "map-register.h"
#include "map-resolver.h"
#include "relayed-register.h"
#include "ms-context.h"

#include "lmn-secret.h"

LmnMapServer *
lmn_map_server_new (GPtrArray *sites)
{
  LmnMapServer *ms = g_new0 (LmnMapServer, 1);

  ms->sites = sites;
  g_ptr_array_set_free_func (ms->sites, (GDestroyNotify) lmn_site_free);
  ms->registrations = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_site_registration_free);
  ms->site_index = lmn_site_index_new (ms->sites);
  ms->by_prefix = lmn_prefix_table_new ();
  ms->next_expiry = G_MAXINT64;
  ms->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_pending_notify_free);
  ms->last_nonces = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                           (GDestroyNotify) g_bytes_unref, g_free);
  ms->notify_retry = LMN_MS_NOTIFY_RETRY;
  ms->rtrs = g_array_new (FALSE, TRUE, sizeof (LmnEndpoint));
  ms->info_limit = lmn_rate_limit_new (LMN_MS_INFO_RATE, LMN_MS_INFO_BURST, LMN_MS_INFO_SOURCES);
  ms->answer_limit = lmn_rate_limit_new_total (LMN_MS_ANSWER_RATE, LMN_MS_ANSWER_BURST,
                                               LMN_MS_ANSWER_TOTAL_RATE, LMN_MS_ANSWER_TOTAL_BURST,
                                               LMN_MS_ANSWER_SOURCES);
  ms->wrong_key_limit = lmn_rate_limit_new_total (LMN_MS_WRONG_KEY_RATE, LMN_MS_WRONG_KEY_BURST,
                                                  LMN_MS_WRONG_KEY_TOTAL_RATE,
                                                  LMN_MS_WRONG_KEY_TOTAL_BURST,
                                                  LMN_MS_WRONG_KEY_SOURCES);
  return ms;
}

void
lmn_map_server_free (LmnMapServer *ms)
{
  if (ms == NULL)
    return;
  g_ptr_array_unref (ms->pending);
  lmn_rate_limit_free (ms->info_limit);
  lmn_rate_limit_free (ms->answer_limit);
  lmn_rate_limit_free (ms->wrong_key_limit);
  lmn_secret_free (ms->rtr_key);
  g_array_unref (ms->rtrs);
  g_queue_clear (&ms->nonce_order); /* its data are last_nonces' keys */
  g_hash_table_unref (ms->last_nonces);
  g_ptr_array_unref (ms->registrations);
  lmn_prefix_table_free (ms->by_prefix);
  lmn_site_index_free (ms->site_index);
  g_ptr_array_unref (ms->sites);
  g_clear_pointer (&ms->expected, g_array_unref);
  g_free (ms);
}

void
lmn_map_server_expect (LmnMapServer *ms, const LispPrefix *prefix, gint64 deadline)
{
  LmnExpected e = { *prefix, deadline };

  if (ms->expected == NULL)
    ms->expected = g_array_new (FALSE, FALSE, sizeof (LmnExpected));
  g_array_append_val (ms->expected, e);
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
      /* The N bit: relayed by an RTR (a Map-Register); otherwise for the map-resolver. */
      if (lisp_ecm_relayed_to_ms (msg, len))
        changed |= lmn_ms_handle_relayed (ms, msg, len, from, local, now, out);
      else
        lmn_ms_handle_ecm (ms, msg, len, from, now, out);
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
      lmn_ms_handle_info (ms, msg, len, from, local, now, out);
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
