/* Unsolicited Map-Notifys (RFC 9301 §5.7): when a registration moves, the xTR that held it
 * is told, again and again with the wait doubling, until its Map-Notify-Ack arrives or
 * LMN_MS_NOTIFY_TRIES transmissions went unanswered. Also the Map-Notify builder that
 * map-register.c answers with. */
#include "map-notify.h"

#include "ms-context.h"

#include "lisp-auth.h"

#include <string.h>

void
lmn_pending_notify_free (LmnPendingNotify *p)
{
  if (p == NULL)
    return;
  g_bytes_unref (p->data);
  g_free (p);
}

GBytes *
lmn_ms_build_notify (const LmnSiteKey *key, guint64 nonce, GPtrArray *records,
                     gboolean has_xtr_id, const guint8 *xtr_id, guint64 site_id, GError **error)
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

/* Seconds to wait after the sent-th transmission of an unsolicited Map-Notify. */
static gint64
notify_delay (const LmnMapServer *ms, guint sent)
{
  return sent < 3 ? (gint64) ms->notify_retry : (gint64) ms->notify_retry << (sent - 2);
}

void
lmn_ms_send_unsolicited (LmnMapServer *ms, GPtrArray *out, const LispPrefix *prefix,
                         const LmnEndpoint *to, const LmnEndpoint *local, const LmnSiteKey *key,
                         const LispMapRegister *m, const LispRecord *rec, gint64 now)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  LmnPendingNotify *p;
  guint64 nonce = lisp_nonce64 ();
  GBytes *notify;

  g_ptr_array_add (records, (gpointer) rec);
  notify = lmn_ms_build_notify (key, nonce, records, m->has_xtr_id, m->xtr_id, m->site_id, &error);
  if (notify == NULL)
    {
      g_warning ("cannot build a Map-Notify: %s", error->message);
      return;
    }
  /* The news replaces older news of the same registration to the same xTR. */
  for (guint i = ms->pending->len; i-- > 0;)
    {
      LmnPendingNotify *old = g_ptr_array_index (ms->pending, i);

      if (lisp_prefix_equal (&old->prefix, prefix) && lmn_endpoint_same_host (&old->to, to))
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
  lmn_ms_emit (ms, out, to, local, notify, LMN_MS_TX_UNSOLICITED_NOTIFY);
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
          g_autofree gchar *who = lmn_endpoint_to_string (&p->to);
          g_autofree gchar *prefix = lisp_prefix_to_string (&p->prefix);

          g_info ("no Map-Notify-Ack from %s for the news of %s after %u Map-Notifys: given up",
                  who, prefix, p->sent);
          ms->counters[LMN_MS_NOTIFY_GAVE_UP]++;
          g_ptr_array_remove_index (ms->pending, i);
          continue;
        }
      p->sent++;
      p->next = now + notify_delay (ms, p->sent);
      lmn_ms_emit (ms, out, &p->to, p->local.family != 0 ? &p->local : NULL,
                   g_bytes_ref (p->data), LMN_MS_TX_UNSOLICITED_NOTIFY_RETRANSMIT);
    }
  return changed;
}

/* The answer to one of our unsolicited Map-Notifys: same nonce, from the xTR it went to,
 * under the same key. */
gboolean
lmn_ms_handle_notify_ack (LmnMapServer *ms, const guint8 *msg, gsize len,
                          const LmnEndpoint *from)
{
  g_autoptr(LispMapRegister) m = NULL;
  g_autoptr(GError) error = NULL;

  if (!lisp_map_register_decode (msg, len, &m, &error))
    return lmn_ms_drop (ms, LMN_MS_DROP_MALFORMED, from, "Map-Notify-Ack: %s", error->message);
  for (guint i = 0; i < ms->pending->len; i++)
    {
      LmnPendingNotify *p = g_ptr_array_index (ms->pending, i);
      g_autofree gchar *prefix = NULL;

      if (p->nonce != m->nonce || !lmn_endpoint_same_host (&p->to, from))
        continue;
      if (m->key_id != p->key->key_id || !lmn_site_key_verifies (p->key, m, msg, len))
        return lmn_ms_drop (ms, LMN_MS_DROP_BAD_MAC, from,
                            "Map-Notify-Ack: authentication failed");
      prefix = lisp_prefix_to_string (&p->prefix);
      g_info ("the news of %s acknowledged after %u Map-Notifys", prefix, p->sent);
      ms->counters[LMN_MS_NOTIFY_ACKED]++;
      g_ptr_array_remove_index (ms->pending, i);
      return TRUE;
    }
  return lmn_ms_drop (ms, LMN_MS_DROP_UNEXPECTED_ACK, from,
                      "Map-Notify-Ack with nonce %016" G_GINT64_MODIFIER "x: "
                      "no Map-Notify awaits it",
                      m->nonce);
}
