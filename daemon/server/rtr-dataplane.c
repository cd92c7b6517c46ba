/* The RTR's data-plane decisions (rtr-dataplane.h). */
#include "rtr-dataplane.h"

#include "lmn-ip.h"
#include "wire-data.h"

#include <string.h>

LmnRtrSource
lmn_rtr_check_source (LmnRtr *rtr, guint8 family, const guint8 *src, const guint8 *dst,
                      guint8 outer_family, const guint8 *from)
{
  const LmnNatBinding *b = lmn_rtr_find_node (rtr, 0, family, src);

  if (b == NULL)
    return lmn_rtr_find_node (rtr, 0, family, dst) != NULL ? LMN_RTR_SOURCE_TO_NODE
                                                           : LMN_RTR_SOURCE_OTHER;
  if (b->translated.family == outer_family &&
      memcmp (b->translated.addr, from, lmn_ip_family_len (outer_family)) == 0)
    {
      lmn_rtr_count (rtr, LMN_RTR_RX_DATA_FROM_NODE);
      return LMN_RTR_SOURCE_NODE;
    }
  lmn_rtr_count (rtr, LMN_RTR_DROP_DATA_UNVERIFIED);
  return LMN_RTR_SOURCE_FORGED;
}

gboolean
lmn_rtr_send_to_node (LmnRtr *rtr, const guint8 *packet, gsize len, guint8 family,
                      const guint8 *dst, LmnRtrSendFunc send, gpointer user_data)
{
  const LmnNatBinding *b = lmn_rtr_find_node (rtr, 0, family, dst);
  /* A plain header: instance 0, no nonce, no locator-status bits (the node has one RLOC
   * here, ours). */
  static const guint8 header[LISP_DATA_HEADER_SIZE];

  if (b == NULL)
    return FALSE;
  if (send (&b->rtr, &b->translated, header, sizeof header, packet, len, user_data))
    lmn_rtr_count (rtr, LMN_RTR_TX_DATA_TO_NODE);
  return TRUE;
}
