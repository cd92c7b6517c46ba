/* NAT discovery for one RLOC (nat-discovery.h): Info-Requests out, the Info-Reply's verdict
 * in, no sockets and no clock. */
#include "nat-discovery.h"

#include "lisp-auth.h"
#include "lisp-message.h"
#include "own-mapping.h"

#include <string.h>

void
lmn_nat_discovery_start (LmnNatDiscovery *d, const LmnMapServerConfig *server, const LmnIp *local,
                         guint16 local_port)
{
  *d = (LmnNatDiscovery) { .server = server,
                           .local = *local,
                           .local_port = local_port,
                           .result = { .state = LMN_RLOC_NAT_PROBING } };
}

GBytes *
lmn_nat_discovery_build (LmnNatDiscovery *d, const LispPrefix *eid, guint64 nonce, GError **error)
{
  g_autoptr(LispInfo) m = lisp_info_new (FALSE);
  const char *key = d->server->key;
  GBytes *bytes;

  if (!d->awaiting)
    {
      d->nonce = nonce;
      d->tries = 0;
    }
  m->nonce = d->nonce;
  m->key_id = d->server->key_id;
  m->alg_id = d->server->algorithm;
  m->ttl = 0;
  m->mask_len = eid->len;
  lisp_address_free (m->eid);
  m->eid = lmn_prefix_to_address (eid);
  bytes = lisp_info_encode (m, (const guint8 *) key, strlen (key), error);
  if (bytes == NULL)
    {
      g_prefix_error (error, "building the Info-Request: ");
      return NULL;
    }
  d->awaiting = TRUE;
  d->tries++;
  return bytes;
}

guint
lmn_nat_discovery_next_wait (const LmnNatDiscovery *d)
{
  guint wait = LMN_NAT_DISCOVERY_FIRST_WAIT;

  for (guint i = 1; i < d->tries; i++)
    wait *= 2;
  return wait;
}

guint
lmn_nat_discovery_missed (LmnNatDiscovery *d)
{
  if (!d->awaiting)
    return 0;
  if (d->tries < LMN_NAT_DISCOVERY_TRIES)
    return lmn_nat_discovery_next_wait (d) * 2;
  /* A NAT found before may be gone, or the map-server is: either way we cannot tell. */
  d->awaiting = FALSE;
  d->result = (LmnRlocNat) { .state = LMN_RLOC_NAT_UNKNOWN };
  return 0;
}

/* The first RTR of family in the NAT LCAF's list. */
static gboolean
first_rtr (const LispAddress *nat, guint8 family, LmnIp *out)
{
  for (guint i = 0; nat->items != NULL && i < nat->items->len; i++)
    {
      guint8 addr[16] = { 0 };

      if (lisp_address_ip (g_ptr_array_index (nat->items, i), addr) == family)
        {
          out->family = family;
          memcpy (out->addr, addr, 16);
          return TRUE;
        }
    }
  return FALSE;
}

/* What the map-server saw against what we sent from. */
static LmnInfoVerdict
decide (LmnNatDiscovery *d, const LispAddress *nat, LmnNatTraversal mode)
{
  LmnIp seen = { 0 }, rtr = { 0 };
  int family = nat->global_etr != NULL ? lisp_address_ip (nat->global_etr, seen.addr) : 0;
  gboolean translated;

  if (family != d->local.family)
    return LMN_INFO_MALFORMED; /* no Global ETR RLOC of the family we asked from */
  seen.family = (guint8) family;
  translated = !lmn_ip_equal (&seen, &d->local) || nat->etr_port != d->local_port;
  d->result = (LmnRlocNat) { .state = translated ? LMN_RLOC_NAT_BEHIND : LMN_RLOC_NAT_PUBLIC };
  if (translated)
    {
      d->result.public_address = seen;
      d->result.public_port = nat->etr_port;
    }
  if ((mode == LMN_NAT_TRAVERSAL_ON || (mode == LMN_NAT_TRAVERSAL_AUTO && translated)) &&
      first_rtr (nat, d->local.family, &rtr))
    d->result.rtr = rtr;
  return LMN_INFO_ACCEPTED;
}

LmnInfoVerdict
lmn_nat_discovery_reply (LmnNatDiscovery *d, const guint8 *data, gsize len, LmnNatTraversal mode)
{
  g_autoptr(LispInfo) m = NULL;
  const char *key = d->server->key;
  gsize auth_len;

  if (!lisp_info_decode (data, len, &m, NULL) || !m->reply || m->address->kind != LISP_ADDRESS_NAT)
    return LMN_INFO_MALFORMED;
  if (!d->awaiting || m->nonce != d->nonce)
    return LMN_INFO_BAD_NONCE;
  /* Never hash with an algorithm or key other than the one configured for this server. */
  auth_len = m->auth_data != NULL ? g_bytes_get_size (m->auth_data) : 0;
  if (m->key_id != d->server->key_id || m->alg_id != d->server->algorithm ||
      !lisp_auth_verify (m->alg_id, (const guint8 *) key, strlen (key), data, len, m->auth_offset,
                         auth_len, NULL))
    return LMN_INFO_BAD_MAC;
  if (decide (d, m->address, mode) != LMN_INFO_ACCEPTED)
    return LMN_INFO_MALFORMED;
  d->awaiting = FALSE;
  d->ttl = m->ttl;
  return LMN_INFO_ACCEPTED;
}
