/* Addresses without prefix length, and the family rules both daemons share (lmn-ip.h). */
#include "lmn-ip.h"

#include "lisp-prefix.h"

#include <arpa/inet.h>
#include <string.h>

gboolean
lmn_ip_parse (const char *text, LmnIp *out, GError **error)
{
  LmnIp ip = { 0 };

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  ip.family = strchr (text, ':') != NULL ? LISP_FAMILY_IPV6 : LISP_FAMILY_IPV4;
  if (inet_pton (lmn_ip_family_to_af (ip.family), text, ip.addr) != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'%s' is not an IPv4 or IPv6 address", text);
      return FALSE;
    }
  *out = ip;
  return TRUE;
}

gchar *
lmn_ip_to_string (const LmnIp *ip)
{
  char buf[LMN_IP_TEXT_MAX];

  g_return_val_if_fail (ip != NULL, NULL);

  if (ip->family != LISP_FAMILY_IPV4 && ip->family != LISP_FAMILY_IPV6)
    return g_strdup_printf ("(family %u)", ip->family);
  return g_strdup (lmn_ip_bytes_to_text (ip->family, ip->addr, buf));
}

gboolean
lmn_ip_equal (const LmnIp *a, const LmnIp *b)
{
  return a->family == b->family && memcmp (a->addr, b->addr, sizeof a->addr) == 0;
}

guint
lmn_ip_hash (const LmnIp *ip)
{
  guint h = ip->family;

  for (guint i = 0; i < sizeof ip->addr; i++)
    h = h * 31u + ip->addr[i];
  return h;
}

int
lmn_ip_family_to_af (guint8 family)
{
  return family == LISP_FAMILY_IPV4 ? AF_INET : AF_INET6;
}

guint8
lmn_ip_family_from_af (int af)
{
  if (af == AF_INET)
    return LISP_FAMILY_IPV4;
  if (af == AF_INET6)
    return LISP_FAMILY_IPV6;
  return 0;
}

gsize
lmn_ip_family_len (guint8 family)
{
  return family == LISP_FAMILY_IPV4 ? 4 : 16;
}

const char *
lmn_ip_bytes_to_text (guint8 family, const guint8 *addr, char buf[LMN_IP_TEXT_MAX])
{
  return inet_ntop (lmn_ip_family_to_af (family), addr, buf, LMN_IP_TEXT_MAX);
}

void
lmn_ip_bytes_to_sockaddr (guint8 family, const guint8 *addr, guint16 port,
                          struct sockaddr_storage *ss, socklen_t *len)
{
  memset (ss, 0, sizeof *ss);
  if (family == LISP_FAMILY_IPV4)
    {
      struct sockaddr_in *sin = (struct sockaddr_in *) ss;

      sin->sin_family = AF_INET;
      sin->sin_port = g_htons (port);
      memcpy (&sin->sin_addr, addr, 4);
      *len = sizeof *sin;
    }
  else
    {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ss;

      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = g_htons (port);
      memcpy (&sin6->sin6_addr, addr, 16);
      *len = sizeof *sin6;
    }
}

void
lmn_ip_to_sockaddr (const LmnIp *ip, guint16 port, struct sockaddr_storage *ss, socklen_t *len)
{
  lmn_ip_bytes_to_sockaddr (ip->family, ip->addr, port, ss, len);
}

gboolean
lmn_ip_from_sockaddr (const struct sockaddr *sa, LmnIp *ip, guint16 *port)
{
  memset (ip, 0, sizeof *ip);
  if (sa->sa_family == AF_INET)
    {
      const struct sockaddr_in *sin = (const struct sockaddr_in *) sa;

      ip->family = LISP_FAMILY_IPV4;
      memcpy (ip->addr, &sin->sin_addr, 4);
      if (port != NULL)
        *port = g_ntohs (sin->sin_port);
      return TRUE;
    }
  if (sa->sa_family == AF_INET6)
    {
      const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) sa;

      ip->family = LISP_FAMILY_IPV6;
      memcpy (ip->addr, &sin6->sin6_addr, 16);
      if (port != NULL)
        *port = g_ntohs (sin6->sin6_port);
      return TRUE;
    }
  return FALSE;
}
