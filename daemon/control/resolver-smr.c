/* Solicit-Map-Requests (RFC 9301 §6.1): sent to our peers when our mapping changed, so that
 * they look us up again; received from a peer whose mapping changed, when we look it up
 * again ourselves, through the mapping system. */
#include "resolver-private.h"

#include "lisp-auth.h"
#include "lisp-message.h"
#include "own-mapping.h"

void
lmn_resolver_handle_smr (LmnResolver *r, const LispMapRequest *m)
{
  guint8 addr[16];
  int family = lisp_address_ip (m->source_eid, addr);

  /* Look the sender up again, through the mapping system: the SMR itself may be forged. */
  r->ctx.counters->n[LMN_CTL_SMR_RECEIVED]++;
  if (family != 0)
    lmn_resolver_request (r, lisp_address_iid (m->source_eid), (guint8) family, addr, TRUE);
}

void
lmn_resolver_send_smrs (LmnResolver *r, const GArray *peers)
{
  for (guint e = 0; e < r->ctx.config->eids->len; e++)
    {
      const LispPrefix *eid = &g_array_index (r->ctx.config->eids, LispPrefix, e);
      g_autoptr(LispMapRequest) m = lisp_map_request_new ();
      g_autoptr(GBytes) wire = NULL;
      g_autoptr(GError) error = NULL;

      m->smr = TRUE;
      m->nonce = lisp_nonce64 ();
      g_clear_pointer (&m->source_eid, lisp_address_free);
      m->source_eid = lmn_prefix_to_address (eid);
      lisp_map_request_add_record (m, lmn_prefix_to_address (eid), eid->len);
      lmn_own_mapping_add_itr_rlocs (m, r->ctx.rlocs);
      wire = lisp_map_request_encode (m, &error);
      if (wire == NULL)
        {
          g_debug ("no SMR for %s: %s", "our EID", error->message);
          return;   /* no usable RLOC: nothing can be sent at all */
        }
      for (guint i = 0; i < peers->len; i++)
        {
          const LmnIp *peer = &g_array_index (peers, LmnIp, i);
          g_autoptr(GError) send_error = NULL;

          if (lmn_control_sockets_send (r->ctx.sockets, NULL, peer, LISP_CONTROL_PORT,
                                        g_bytes_get_data (wire, NULL), g_bytes_get_size (wire),
                                        &send_error))
            r->ctx.counters->n[LMN_CTL_SMR_SENT]++;
          else
            r->ctx.counters->n[LMN_CTL_SEND_FAILED]++;
        }
    }
}
