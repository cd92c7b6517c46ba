/* The Map-Request the message tests build on: the mobile node (EID 192.0.2.10, ITR-RLOCs
 * 198.51.100.10 and 2001:db8:100::10) asking for 192.0.2.200/32; each test sets its flags
 * and adds what it needs. Header-only, for the tests that link the protocol library. */
#pragma once

#include "lisp-message.h"
#include "parse-address.h"

static inline LispMapRequest *
test_map_request_from_mn (guint64 nonce)
{
  LispMapRequest *m = lisp_map_request_new ();

  m->nonce = nonce;
  lisp_address_free (m->source_eid);
  m->source_eid = test_address ("192.0.2.10");
  g_ptr_array_add (m->itr_rlocs, test_address ("198.51.100.10"));
  g_ptr_array_add (m->itr_rlocs, test_address ("2001:db8:100::10"));
  lisp_map_request_add_record (m, test_address ("192.0.2.200"), 32);
  return m;
}
