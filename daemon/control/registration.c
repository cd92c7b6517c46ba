#include "registration.h"

#include "lisp-auth.h"

#include <string.h>

LmnRegistration *
lmn_registration_new (const LmnMapServerConfig *server)
{
  LmnRegistration *reg = g_new0 (LmnRegistration, 1);

  reg->server = server;
  reg->state = LMN_REG_REGISTERING;
  return reg;
}

void
lmn_registration_free (LmnRegistration *reg)
{
  if (reg == NULL)
    return;
  g_free (reg->last_error);
  g_free (reg);
}

const char *
lmn_registration_state_name (LmnRegState state)
{
  switch (state)
    {
    case LMN_REG_REGISTERING: return "registering";
    case LMN_REG_REGISTERED: return "registered";
    case LMN_REG_AUTH_FAILED: return "auth-failed";
    case LMN_REG_UNREACHABLE: return "unreachable";
    }
  return "unknown";
}

static void
set_error (LmnRegistration *reg, const char *text)
{
  g_free (reg->last_error);
  reg->last_error = g_strdup (text);
}

GBytes *
lmn_registration_build (LmnRegistration *reg, const GPtrArray *records, const guint8 xtr_id[16],
                        guint64 nonce, gint64 now, GError **error)
{
  g_autoptr(LispMapRegister) m = lisp_map_register_new (LISP_TYPE_MAP_REGISTER);
  const char *key = reg->server->key;
  GBytes *bytes;

  m->proxy_reply = TRUE;
  m->want_notify = TRUE;
  m->has_xtr_id = TRUE;
  memcpy (m->xtr_id, xtr_id, 16);
  m->site_id = 0;
  m->nonce = nonce;
  m->key_id = reg->server->key_id;
  m->alg_id = reg->server->algorithm;
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (m->records, lisp_record_copy (g_ptr_array_index (records, i)));
  bytes = lisp_map_register_encode (m, (const guint8 *) key, strlen (key), error);
  if (bytes == NULL)
    {
      g_prefix_error (error, "building the Map-Register: ");
      return NULL;
    }
  if (reg->last_sent != 0)
    {
      memmove (reg->old_nonces + 1, reg->old_nonces,
               (LMN_REGISTER_OLD_NONCES - 1) * sizeof reg->old_nonces[0]);
      reg->old_nonces[0] = reg->nonce;
    }
  reg->nonce = nonce;
  reg->awaiting = TRUE;
  reg->last_sent = now;
  return bytes;
}

void
lmn_registration_missed (LmnRegistration *reg)
{
  if (!reg->awaiting)
    return;
  reg->tries++;
  set_error (reg, "no Map-Notify");
  if (reg->tries >= LMN_REGISTER_TRIES && reg->state != LMN_REG_AUTH_FAILED)
    reg->state = LMN_REG_UNREACHABLE;
}

guint
lmn_registration_next_delay (const LmnRegistration *reg)
{
  guint delay = LMN_REGISTER_RETRY_FIRST;

  if (!reg->awaiting)
    return LMN_REGISTER_REFRESH;
  for (guint i = 0; i < reg->tries && delay < LMN_REGISTER_RETRY_CAP; i++)
    delay *= 2;
  return MIN (delay, LMN_REGISTER_RETRY_CAP);
}

void
lmn_registration_reset_backoff (LmnRegistration *reg)
{
  /* An unreachable server keeps its long delay: a move does not make it answer. */
  if (reg->state != LMN_REG_UNREACHABLE)
    reg->tries = 0;
}

/* Only a Map-Notify answering our outstanding Map-Register (its nonce) can say that our key
 * is wrong: anyone can send one with a made-up MAC, and three of those must not turn the node
 * "auth-failed" (the caller drops the others unheard). */
static void
auth_failed (LmnRegistration *reg, guint64 nonce, const char *why)
{
  g_autofree gchar *text = NULL;

  if (!reg->awaiting || nonce != reg->nonce)
    return;
  text = g_strdup_printf ("Map-Notify failed authentication: %s", why);
  reg->auth_failures++;
  set_error (reg, text);
  if (reg->auth_failures >= LMN_REGISTER_AUTH_FAILURES)
    reg->state = LMN_REG_AUTH_FAILED;
}

LmnNotifyVerdict
lmn_registration_notify (LmnRegistration *reg, const guint8 *data, gsize len, gint64 now,
                         GBytes **ack)
{
  g_autoptr(LispMapRegister) m = NULL;
  g_autoptr(GError) error = NULL;
  const char *key = reg->server->key;
  gsize auth_len;

  *ack = NULL;
  if (!lisp_map_register_decode (data, len, &m, &error) || m->type != LISP_TYPE_MAP_NOTIFY)
    return LMN_NOTIFY_MALFORMED;
  /* Never hash with an algorithm other than the one configured for this server. The Key ID
   * is not checked: only the algorithm and our key decide whether the MAC verifies, and OOR
   * answers a Map-Register of Key ID 1 with a Map-Notify of Key ID 0. */
  auth_len = m->auth_data != NULL ? g_bytes_get_size (m->auth_data) : 0;
  /* A map-server that refuses our MAC answers with an unauthenticated Map-Notify carrying
   * our nonce (RFC 9301 §5.7 leaves this open; lispmn-server does it): our key is wrong. */
  if (m->alg_id == LISP_AUTH_NONE && auth_len == 0)
    {
      auth_failed (reg, m->nonce, "the map-server refused our key (wrong key)");
      return LMN_NOTIFY_AUTH_FAILED;
    }
  if (m->alg_id != reg->server->algorithm)
    {
      auth_failed (reg, m->nonce, "unexpected algorithm");
      return LMN_NOTIFY_AUTH_FAILED;
    }
  if (!lisp_auth_verify (m->alg_id, (const guint8 *) key, strlen (key), data, len,
                         m->auth_offset, auth_len, &error))
    {
      auth_failed (reg, m->nonce, "wrong MAC");
      return LMN_NOTIFY_AUTH_FAILED;
    }
  reg->auth_failures = 0;
  /* The acknowledgement of a Map-Register acknowledged already, or of an earlier one: sent
   * again by someone who recorded it. It must not refresh anything. */
  if (reg->last_sent != 0 && m->nonce == reg->nonce && !reg->awaiting)
    return LMN_NOTIFY_REPLAYED;
  for (guint i = 0; i < LMN_REGISTER_OLD_NONCES; i++)
    if (reg->old_nonces[i] != 0 && m->nonce == reg->old_nonces[i])
      return LMN_NOTIFY_REPLAYED;
  if (m->nonce == reg->nonce && reg->last_sent != 0)
    {
      reg->state = LMN_REG_REGISTERED;
      reg->awaiting = FALSE;
      reg->tries = 0;
      reg->last_notify = now;
      g_clear_pointer (&reg->last_error, g_free);
      return LMN_NOTIFY_ACCEPTED;
    }
  /* The map-server tells us something on its own (RFC 9301 §5.7): acknowledge it with
   * the same nonce and records under a fresh MAC. */
  m->type = LISP_TYPE_MAP_NOTIFY_ACK;
  g_clear_pointer (&m->auth_data, g_bytes_unref);
  *ack = lisp_map_register_encode (m, (const guint8 *) key, strlen (key), NULL);
  return LMN_NOTIFY_UNSOLICITED;
}
