/* LmnEndpoint: printing it, taking it from a LISP address, comparing hosts. */
#include "endpoint.h"

#include "lmn-ip.h"

#include <string.h>

gchar *
lmn_endpoint_to_string (const LmnEndpoint *e)
{
  char buf[LMN_IP_TEXT_MAX] = "?";

  lmn_ip_bytes_to_text (e->family, e->addr, buf);
  return e->family == LISP_FAMILY_IPV4 ? g_strdup_printf ("%s:%u", buf, e->port)
                                       : g_strdup_printf ("[%s]:%u", buf, e->port);
}

gboolean
lmn_endpoint_from_address (const LispAddress *a, guint16 port, LmnEndpoint *out)
{
  int family = lisp_address_ip (a, out->addr);

  if (family != 4 && family != 6)
    return FALSE;
  out->family = (guint8) family;
  if (family == 4)
    memset (out->addr + 4, 0, 12);
  out->port = port;
  return TRUE;
}

LispAddress *
lmn_endpoint_to_address (const LmnEndpoint *e)
{
  return e->family == LISP_FAMILY_IPV4 ? lisp_address_new_ipv4 (e->addr)
                                       : lisp_address_new_ipv6 (e->addr);
}

gboolean
lmn_endpoint_same_host (const LmnEndpoint *a, const LmnEndpoint *b)
{
  return a->family == b->family &&
         memcmp (a->addr, b->addr, lmn_ip_family_len (a->family)) == 0;
}
