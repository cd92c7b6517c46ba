/* Registering through an RTR, the messages (rtr-registration.h). */
#include "rtr-registration.h"

#include "data-map-notify.h"

#include <gio/gio.h>
#include "lisp-auth.h"
#include "lisp-message.h"

#include <string.h>

/* The inner packet's hop limit: it is never routed as such, any value above 1 will do. */
#define INNER_TTL 64

GBytes *
lmn_rtr_registration_wrap (GBytes *map_register, const LmnIp *private_rloc, const LmnIp *map_server,
                           GError **error)
{
  g_autoptr(LispEcm) ecm = lisp_ecm_new ();
  GBytes *bytes;

  if (private_rloc->family != map_server->family)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "an IPv%u RLOC cannot register with an IPv%u map-server through an RTR",
                   private_rloc->family, map_server->family);
      return NULL;
    }
  ecm->to_etr = TRUE; /* R: for the RTR */
  ecm->ip_version = private_rloc->family;
  memcpy (ecm->src, private_rloc->addr, 16);
  memcpy (ecm->dst, map_server->addr, 16);
  ecm->ttl = INNER_TTL;
  ecm->sport = LISP_CONTROL_PORT;
  ecm->dport = LISP_CONTROL_PORT;
  ecm->inner = g_bytes_ref (map_register);
  bytes = lisp_ecm_encode (ecm, error);
  if (bytes == NULL)
    g_prefix_error (error, "wrapping the Map-Register for the RTR: ");
  return bytes;
}

LmnDataNotifyVerdict
lmn_rtr_registration_notify (LmnRegistration *reg, const guint8 xtr_id[16], const guint8 *data,
                             gsize len, gint64 now)
{
  g_autoptr(LispEcm) packet = NULL;
  g_autoptr(LispMapRegister) m = NULL;
  g_autoptr(GBytes) ack = NULL;
  const char *key = reg->server->key;
  const guint8 *notify;
  gsize notify_len, auth_len;

  if (!lisp_data_map_notify_decode (data, len, &packet, NULL))
    return LMN_DATA_NOTIFY_MALFORMED;
  notify = g_bytes_get_data (packet->inner, &notify_len);
  if (!lisp_map_register_decode (notify, notify_len, &m, NULL) || m->type != LISP_TYPE_MAP_NOTIFY)
    return LMN_DATA_NOTIFY_MALFORMED;
  /* Authenticity first: an unauthenticated message tells nothing about whose it is. */
  auth_len = m->auth_data != NULL ? g_bytes_get_size (m->auth_data) : 0;
  if (m->key_id != reg->server->key_id || m->alg_id != reg->server->algorithm ||
      !lisp_auth_verify (m->alg_id, (const guint8 *) key, strlen (key), notify, notify_len,
                         m->auth_offset, auth_len, NULL))
    return LMN_DATA_NOTIFY_BAD_MAC;
  if (!m->has_xtr_id || memcmp (m->xtr_id, xtr_id, 16) != 0)
    return LMN_DATA_NOTIFY_BAD_XTR_ID;
  /* Only the acknowledgement of our outstanding Map-Register counts; an unsolicited one is
   * not answered through the RTR. */
  switch (lmn_registration_notify (reg, notify, notify_len, now, &ack))
    {
    case LMN_NOTIFY_ACCEPTED:
      return LMN_DATA_NOTIFY_ACCEPTED;
    case LMN_NOTIFY_AUTH_FAILED:
      return LMN_DATA_NOTIFY_BAD_MAC;
    case LMN_NOTIFY_MALFORMED:
      return LMN_DATA_NOTIFY_MALFORMED;
    case LMN_NOTIFY_UNSOLICITED:
    case LMN_NOTIFY_REPLAYED:
      break;
    }
  return LMN_DATA_NOTIFY_BAD_NONCE;
}

const char *
lmn_data_notify_verdict_name (LmnDataNotifyVerdict verdict)
{
  switch (verdict)
    {
    case LMN_DATA_NOTIFY_ACCEPTED:
      return "accepted";
    case LMN_DATA_NOTIFY_BAD_MAC:
      return "wrong MAC";
    case LMN_DATA_NOTIFY_BAD_NONCE:
      return "not for our Map-Register (nonce)";
    case LMN_DATA_NOTIFY_BAD_XTR_ID:
      return "another xTR-ID";
    case LMN_DATA_NOTIFY_MALFORMED:
      return "malformed";
    }
  return "?";
}
