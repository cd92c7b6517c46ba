/* Relayed registration, the map-server's side (relayed-register.h). Only the RTRs the
 * map-server itself names in its Info-Replies may relay: anyone else could otherwise make
 * us send Map-Notifys wherever it likes. The Map-Notify's ECM is addressed, inside, from the
 * map-server the node addressed to the node's private RLOC, so that the RTR can hand it on
 * as a Data-Map-Notify without knowing anything of the registration. */
#include "relayed-register.h"

#include "map-register.h"
#include "ms-context.h"

#include <string.h>

static gboolean
is_listed_rtr (const LmnMapServer *ms, const LmnEndpoint *from)
{
  for (guint i = 0; i < ms->rtrs->len; i++)
    if (lmn_endpoint_same_host (&g_array_index (ms->rtrs, LmnEndpoint, i), from))
      return TRUE;
  return FALSE;
}

gboolean
lmn_ms_handle_relayed (LmnMapServer *ms, const guint8 *msg, gsize len, const LmnEndpoint *from,
                       const LmnEndpoint *local, gint64 now, GPtrArray *out)
{
  g_autoptr(LispEcm) ecm = NULL;
  g_autoptr(GError) error = NULL;
  LmnRelay relay = { .rtr = *from };
  const guint8 *inner;
  gsize inner_len;

  ms->counters[LMN_MS_RX_RELAYED_REGISTER]++;
  if (!is_listed_rtr (ms, from))
    return lmn_ms_drop (ms, LMN_MS_DROP_RELAY_NOT_RTR, from,
                        "relayed Map-Register (ECM with the N bit) from a host not in rtrs=");
  if (!lisp_ecm_decode (msg, len, &ecm, &error))
    return lmn_ms_drop (ms, LMN_MS_DROP_MALFORMED, from, "relayed ECM: %s", error->message);
  inner = g_bytes_get_data (ecm->inner, &inner_len);
  if (lisp_message_type (inner, inner_len) != LISP_TYPE_MAP_REGISTER)
    return lmn_ms_drop (ms, LMN_MS_DROP_UNSUPPORTED, from,
                        "relayed ECM carrying a %s, not a Map-Register",
                        lisp_message_type_name (lisp_message_type (inner, inner_len)));
  relay.ip_version = ecm->ip_version;
  memcpy (relay.ms, ecm->dst, sizeof relay.ms);
  memcpy (relay.node, ecm->src, sizeof relay.node);
  return lmn_ms_handle_register_via (ms, inner, inner_len, from, local, &relay, now, out);
}

void
lmn_ms_relay_notify (LmnMapServer *ms, const LmnRelay *relay, const LmnEndpoint *local,
                     GBytes *notify, GPtrArray *out)
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
