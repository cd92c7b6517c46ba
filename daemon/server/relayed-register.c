/* Relayed registration, the map-server's side (relayed-register.h). Only the RTRs the
 * map-server itself names in its Info-Replies may relay: anyone else could otherwise make
 * us send Map-Notifys wherever it likes. The Map-Register inside is then handled as any
 * other (map-register.c), which sends its Map-Notify back through the RTR. */
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
