/* Arbitrary datagrams into the RTR's control plane, as they come (an ECM, or anything) and
 * wrapped in an ECM with the R bit, from a node and from its map-server, with an unverified
 * and a verified binding in place; and the data-plane lookups after. Whatever it sends must
 * be well-formed. */
#include "rtr.h"
#include "lisp-auth.h"

#include <string.h>

#include "fuzz-target.h"

#define KEY "fuzz-ms-rtr"

static const LmnEndpoint MS = { LISP_FAMILY_IPV4, { 203, 0, 113, 1 }, 4342 };
static const LmnEndpoint RTR = { LISP_FAMILY_IPV4, { 203, 0, 113, 2 }, 4342 };
static const LmnEndpoint NODE = { LISP_FAMILY_IPV4, { 198, 51, 100, 9 }, 31337 };

static LmnRtr *
make_rtr (void)
{
  LmnServerRtrConfig config = { .max_unverified = 4, .ms_key = KEY };
  LmnRtr *rtr;

  config.addresses = g_array_new (FALSE, TRUE, sizeof (LmnEndpoint));
  config.map_servers = g_array_new (FALSE, TRUE, sizeof (LmnEndpoint));
  g_array_append_val (config.addresses, RTR);
  g_array_append_val (config.map_servers, MS);
  rtr = lmn_rtr_new (&config);
  g_array_unref (config.addresses);
  g_array_unref (config.map_servers);
  return rtr;
}

/* An ECM with the R bit around inner (from the node's private RLOC to the map-server). */
static GBytes *
wrap (const guint8 *inner, gsize len, gboolean sign)
{
  g_autoptr(LispEcm) ecm = lisp_ecm_new ();

  ecm->to_etr = TRUE;
  memcpy (ecm->src, (guint8[]) { 198, 51, 100, 9 }, 4);
  memcpy (ecm->dst, MS.addr, 4);
  ecm->inner = g_bytes_new (inner, len);
  if (sign)
    g_assert (lisp_ecm_ms_rtr_sign (ecm, (const guint8 *) KEY, strlen (KEY), NULL));
  return lisp_ecm_encode (ecm, NULL);
}

/* A node's Map-Register, relayed (unverified), with this nonce. */
static void
register_node (LmnRtr *rtr, guint64 nonce, GPtrArray *out)
{
  g_autoptr(LispMapRegister) m = lisp_map_register_new (LISP_TYPE_MAP_REGISTER);
  g_autoptr(GBytes) reg = NULL;
  g_autoptr(GBytes) ecm = NULL;

  g_ptr_array_add (m->records, lisp_record_new (lisp_address_parse ("192.0.2.9", NULL), 32, 3));
  m->has_xtr_id = TRUE;
  m->xtr_id[0] = 1;
  m->nonce = nonce;
  reg = lisp_map_register_encode (m, NULL, 0, NULL);
  ecm = wrap (g_bytes_get_data (reg, NULL), g_bytes_get_size (reg), FALSE);
  lmn_rtr_handle (rtr, g_bytes_get_data (ecm, NULL), g_bytes_get_size (ecm), &NODE, &RTR, 0, out);
  if (nonce == 1)
    {
      /* the map-server's answer verifies it */
      g_autoptr(GBytes) notify = NULL;

      m->type = LISP_TYPE_MAP_NOTIFY;
      notify = lisp_map_register_encode (m, NULL, 0, NULL);
      g_bytes_unref (ecm);
      ecm = wrap (g_bytes_get_data (notify, NULL), g_bytes_get_size (notify), TRUE);
      g_assert (lmn_rtr_handle (rtr, g_bytes_get_data (ecm, NULL), g_bytes_get_size (ecm), &MS,
                                &RTR, 0, out));
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr(LmnRtr) rtr = make_rtr ();
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_datagram_free);
  g_autoptr(GBytes) wrapped = wrap (data, size, FALSE);
  g_autoptr(GBytes) wrapped_signed = wrap (data, size, TRUE);
  const guint8 eid[4] = { 192, 0, 2, 9 };

  register_node (rtr, 1, out);
  register_node (rtr, 2, out);
  g_assert (lmn_rtr_find_node (rtr, 0, LISP_FAMILY_IPV4, eid) != NULL);
  lmn_rtr_handle (rtr, data, size, &NODE, &RTR, 1, out);
  lmn_rtr_handle (rtr, data, size, &MS, &RTR, 1, out);
  if (wrapped != NULL)
    {
      lmn_rtr_handle (rtr, g_bytes_get_data (wrapped, NULL), g_bytes_get_size (wrapped), &NODE,
                      NULL, 1, out);
      lmn_rtr_handle (rtr, g_bytes_get_data (wrapped, NULL), g_bytes_get_size (wrapped), &MS, &RTR,
                      1, out);
    }
  if (wrapped_signed != NULL)
    lmn_rtr_handle (rtr, g_bytes_get_data (wrapped_signed, NULL), g_bytes_get_size (wrapped_signed),
                    &MS, &RTR, 1, out);
  g_assert (lmn_nat_bindings_unverified (lmn_rtr_bindings (rtr)) <= 4);
  for (guint i = 0; i < out->len; i++)
    {
      const LmnDatagram *d = g_ptr_array_index (out, i);

      g_assert (d->data != NULL && g_bytes_get_size (d->data) > 0);
      g_assert (d->to.family == 4 || d->to.family == 6);
    }
  lmn_rtr_tick (rtr, 1000);
  g_assert (lmn_rtr_find_node (rtr, 0, LISP_FAMILY_IPV4, eid) == NULL);
  g_assert (lmn_nat_bindings_unverified (lmn_rtr_bindings (rtr)) == 0);
  return 0;
}
