/* Arbitrary datagrams into the map-server / map-resolver core, with one site and one
 * registration in place so that the resolver's every branch is reachable, and an
 * unsolicited Map-Notify awaiting its Map-Notify-Ack from the sender (the ack path), and RTRs
 * for Info-Replies to list. */
#include "map-server.h"
#include "lisp-auth.h"

#include <string.h>

#include "fuzz-target.h"

#define KEY "fuzz-key"

static LmnMapServer *
make_server (void)
{
  GPtrArray *sites = g_ptr_array_new ();
  LmnSite *site = lmn_site_new ("fuzz");
  LispPrefix p;

  lisp_prefix_parse ("192.0.2.0/24", &p, NULL);
  g_array_append_val (site->prefixes, p);
  lisp_prefix_parse ("2001:db8::/32", &p, NULL);
  g_array_append_val (site->prefixes, p);
  site->accept_more_specifics = TRUE;
  lmn_site_add_key (site, 0, LISP_AUTH_HMAC_SHA256_128, KEY);
  lmn_site_add_key (site, 1, LISP_AUTH_HMAC_SHA1_96, KEY);
  g_ptr_array_add (sites, site);
  return lmn_map_server_new (sites);
}

static void
register_one (LmnMapServer *ms, gboolean proxy, const char *locator, const LmnEndpoint *from,
              GPtrArray *out)
{
  g_autoptr(LispMapRegister) m = lisp_map_register_new (LISP_TYPE_MAP_REGISTER);
  LispRecord *rec = lisp_record_new (lisp_address_parse (proxy ? "192.0.2.1" : "192.0.2.2", NULL),
                                     32, 10);
  g_autoptr(GBytes) bytes = NULL;

  g_ptr_array_add (rec->locators, lisp_locator_new (lisp_address_parse (locator, NULL), 1, 100));
  g_ptr_array_add (m->records, rec);
  m->proxy_reply = proxy;
  m->want_notify = TRUE;
  m->alg_id = LISP_AUTH_HMAC_SHA256_128;
  bytes = lisp_map_register_encode (m, (const guint8 *) KEY, strlen (KEY), NULL);
  g_assert (bytes != NULL);
  g_assert (lmn_map_server_handle (ms, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   from, 0, out));
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr(LmnMapServer) ms = make_server ();
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_datagram_free);
  const LmnEndpoint from = { LISP_FAMILY_IPV4, { 198, 51, 100, 2 }, 4342 };
  const LmnEndpoint other = { LISP_FAMILY_IPV4, { 198, 51, 100, 3 }, 4342 };
  const LmnEndpoint local = { LISP_FAMILY_IPV4, { 203, 0, 113, 1 }, 4342 };
  g_autoptr(GArray) rtrs = g_array_new (FALSE, TRUE, sizeof (LmnEndpoint));

  /* Info-Replies list an RTR of each family. */
  g_array_append_val (rtrs, local);
  g_array_append_val (rtrs,
                      ((LmnEndpoint) { LISP_FAMILY_IPV6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } }));
  lmn_map_server_set_rtrs (ms, rtrs);

  register_one (ms, TRUE, "198.51.100.2", &from, out);
  register_one (ms, FALSE, "198.51.100.2", &from, out);
  /* 192.0.2.2 moves to another xTR: `from` is told, and must acknowledge. */
  register_one (ms, FALSE, "198.51.100.3", &other, out);
  g_assert (lmn_map_server_pending_notifies (ms)->len == 1);
  g_ptr_array_set_size (out, 0);
  lmn_map_server_handle_at (ms, data, size, &from, &local, 10, out);
  for (gint64 t = 11; t < 200; t++)
    lmn_map_server_tick (ms, t, out);
  g_assert (lmn_map_server_pending_notifies (ms)->len == 0);
  /* Whatever it answers must itself be well-formed for the library. */
  for (guint i = 0; i < out->len; i++)
    {
      const LmnDatagram *d = g_ptr_array_index (out, i);

      g_assert (d->data != NULL && g_bytes_get_size (d->data) > 0);
      g_assert (d->to.family == 4 || d->to.family == 6);
      if (lisp_message_type (g_bytes_get_data (d->data, NULL), g_bytes_get_size (d->data)) ==
          LISP_TYPE_INFO)
        {
          g_autoptr(LispInfo) reply = NULL;

          g_assert (lisp_info_decode (g_bytes_get_data (d->data, NULL), g_bytes_get_size (d->data),
                                      &reply, NULL));
          g_assert (reply->reply && reply->address->items->len == 2);
        }
    }
  lmn_map_server_expire (ms, 1000000);
  g_assert (lmn_map_server_registrations (ms)->len == 0);
  return 0;
}
