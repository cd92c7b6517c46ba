#define _GNU_SOURCE  /* struct in6_pktinfo */
/* IP_PKTINFO / IPV6_PKTINFO: a datagram's local address (udp-pktinfo.h). */
#include "udp-pktinfo.h"

#include "lisp-prefix.h"

#include <errno.h>
#include <gio/gio.h>
#include <netinet/in.h>
#include <string.h>

G_STATIC_ASSERT (CMSG_SPACE (sizeof (struct in6_pktinfo)) <= sizeof (LmnPktinfoBuffer));
G_STATIC_ASSERT (sizeof (struct in_pktinfo) <= sizeof (struct in6_pktinfo));

gboolean
lmn_pktinfo_enable (int fd, guint8 family, GError **error)
{
  int one = 1;
  int rc = family == LISP_FAMILY_IPV4
           ? setsockopt (fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one)
           : setsockopt (fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);

  if (rc < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "packet information: %s",
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
lmn_pktinfo_destination (struct msghdr *msg, guint8 family, LmnIp *out)
{
  for (struct cmsghdr *c = CMSG_FIRSTHDR (msg); c != NULL; c = CMSG_NXTHDR (msg, c))
    {
      if (family != LISP_FAMILY_IPV6 && c->cmsg_level == IPPROTO_IP &&
          c->cmsg_type == IP_PKTINFO)
        {
          struct in_pktinfo pi;

          memcpy (&pi, CMSG_DATA (c), sizeof pi);
          *out = (LmnIp) { .family = LISP_FAMILY_IPV4 };
          memcpy (out->addr, &pi.ipi_addr, 4);
          return TRUE;
        }
      if (family != LISP_FAMILY_IPV4 && c->cmsg_level == IPPROTO_IPV6 &&
          c->cmsg_type == IPV6_PKTINFO)
        {
          struct in6_pktinfo pi;

          memcpy (&pi, CMSG_DATA (c), sizeof pi);
          *out = (LmnIp) { .family = LISP_FAMILY_IPV6 };
          memcpy (out->addr, &pi.ipi6_addr, 16);
          return TRUE;
        }
    }
  return FALSE;
}

void
lmn_pktinfo_set_source (struct msghdr *msg, LmnPktinfoBuffer *control, guint8 family,
                        const guint8 *addr)
{
  struct cmsghdr *c;

  memset (control, 0, sizeof *control);
  msg->msg_control = control->buf;
  if (family == LISP_FAMILY_IPV4)
    {
      struct in_pktinfo pi = { 0 };

      memcpy (&pi.ipi_spec_dst, addr, 4);
      msg->msg_controllen = CMSG_SPACE (sizeof pi);
      c = CMSG_FIRSTHDR (msg);
      *c = (struct cmsghdr) { .cmsg_len = CMSG_LEN (sizeof pi), .cmsg_level = IPPROTO_IP,
                              .cmsg_type = IP_PKTINFO };
      memcpy (CMSG_DATA (c), &pi, sizeof pi);
    }
  else
    {
      struct in6_pktinfo pi = { 0 };

      memcpy (&pi.ipi6_addr, addr, 16);
      msg->msg_controllen = CMSG_SPACE (sizeof pi);
      c = CMSG_FIRSTHDR (msg);
      *c = (struct cmsghdr) { .cmsg_len = CMSG_LEN (sizeof pi), .cmsg_level = IPPROTO_IPV6,
                              .cmsg_type = IPV6_PKTINFO };
      memcpy (CMSG_DATA (c), &pi, sizeof pi);
    }
}
