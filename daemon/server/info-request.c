/* NAT discovery, the map-server's side (info-request.h). The Info-Request must be
 * authenticated with the key of the site whose prefixes hold the EID-prefix it carries: the
 * answer reveals our RTRs and costs us a MAC, so anonymous senders get nothing, and every
 * source is rate-limited before the MAC is even computed. */
#include "info-request.h"

#include "ms-context.h"
#include "rate-limit.h"

#include "lisp-auth.h"

#include <string.h>

/* *key: the key, with the request's Key ID, of the site whose prefixes hold the request's
 * EID-prefix, when the MAC verifies with it; otherwise the request is dropped and FALSE
 * returned. */
static gboolean
authenticate (LmnMapServer *ms, const LispInfo *m, const guint8 *msg, gsize len,
              const LmnEndpoint *from, const LmnSiteKey **key)
{
  g_autoptr(GError) error = NULL;
  gsize mac_len = m->auth_data != NULL ? g_bytes_get_size (m->auth_data) : 0;
  const LmnSite *site = NULL;
  LispPrefix p;

  if (m->alg_id == LISP_AUTH_NONE || mac_len == 0)
    return lmn_ms_drop (ms, LMN_MS_DROP_UNAUTHENTICATED_INFO, from,
                        "Info-Request without authentication");
  if (!lisp_prefix_from_address (m->eid, m->mask_len, &p, &error))
    return lmn_ms_drop (ms, LMN_MS_DROP_EID_NOT_ALLOWED, from, "Info-Request EID-prefix: %s",
                        error->message);
  site = lmn_site_index_holding (ms->site_index, &p);
  if (site == NULL)
    {
      g_autofree gchar *text = lisp_prefix_to_string (&p);

      return lmn_ms_drop (ms, LMN_MS_DROP_EID_NOT_ALLOWED, from,
                          "Info-Request for %s: no site holds it", text);
    }
  *key = lmn_site_find_key (site, m->key_id);
  if (*key == NULL)
    return lmn_ms_drop (ms, LMN_MS_DROP_UNKNOWN_KEY_ID, from,
                        "Info-Request with key ID %u, which site %s does not have", m->key_id,
                        site->name);
  if (m->alg_id != (*key)->algorithm ||
      !lisp_auth_verify (m->alg_id, (const guint8 *) (*key)->secret, strlen ((*key)->secret), msg,
                         len, m->auth_offset, mac_len, NULL))
    return lmn_ms_drop (ms, LMN_MS_DROP_BAD_MAC, from,
                        "Info-Request for site %s with key ID %u: authentication failed (%s)",
                        site->name, m->key_id, lisp_auth_alg_name (m->alg_id));
  return TRUE;
}

/* The NAT-Traversal LCAF of the reply: what we saw of the request, and our RTRs. */
static LispAddress *
nat_lcaf (const LmnMapServer *ms, const LmnEndpoint *from, const LmnEndpoint *local)
{
  LispAddress *nat = lisp_address_new (LISP_ADDRESS_NAT);

  nat->ms_port = local != NULL && local->port != 0 ? local->port : LISP_CONTROL_PORT;
  nat->etr_port = from->port;
  nat->global_etr = lmn_endpoint_to_address (from);
  nat->ms_rloc = local != NULL ? lmn_endpoint_to_address (local)
                               : lisp_address_new (LISP_ADDRESS_NONE);
  nat->private_etr = lisp_address_new (LISP_ADDRESS_NONE);
  nat->items = g_ptr_array_new_with_free_func ((GDestroyNotify) lisp_address_free);
  for (guint i = 0; i < ms->rtrs->len; i++)
    g_ptr_array_add (nat->items,
                     lmn_endpoint_to_address (&g_array_index (ms->rtrs, LmnEndpoint, i)));
  return nat;
}

void
lmn_ms_handle_info (LmnMapServer *ms, const guint8 *msg, gsize len, const LmnEndpoint *from,
                    const LmnEndpoint *local, gint64 now, GPtrArray *out)
{
  g_autoptr(LispInfo) m = NULL;
  g_autoptr(LispInfo) reply = NULL;
  g_autoptr(GError) error = NULL;
  const LmnSiteKey *key = NULL;
  GBytes *data;

  if (!lmn_rate_limit_allow (ms->info_limit, from, now))
    {
      /* Not logged: a flood would flood the log too. */
      ms->counters[LMN_MS_DROP_RATE_LIMITED]++;
      return;
    }
  if (!lisp_info_decode (msg, len, &m, &error))
    {
      lmn_ms_drop (ms, LMN_MS_DROP_MALFORMED, from, "Info message: %s", error->message);
      return;
    }
  if (m->reply)
    {
      lmn_ms_drop (ms, LMN_MS_DROP_UNSUPPORTED, from, "Info-Reply sent to a map-server");
      return;
    }
  if (!authenticate (ms, m, msg, len, from, &key))
    return;
  reply = lisp_info_new (TRUE);
  reply->nonce = m->nonce;
  reply->key_id = key->key_id;
  reply->alg_id = key->algorithm;
  reply->ttl = LMN_MS_INFO_REPLY_TTL;
  reply->mask_len = m->mask_len;
  lisp_address_free (reply->eid);
  reply->eid = lisp_address_copy (m->eid);
  lisp_address_free (reply->address);
  reply->address = nat_lcaf (ms, from, local);
  data = lisp_info_encode (reply, (const guint8 *) key->secret, strlen (key->secret), &error);
  if (data == NULL)
    {
      g_warning ("cannot build an Info-Reply: %s", error->message);
      return;
    }
  lmn_ms_emit (ms, out, from, local, data, LMN_MS_TX_INFO_REPLY);
}
