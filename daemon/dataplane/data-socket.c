/* The data plane's UDP 4341 sockets (data-socket.h). */
#define _GNU_SOURCE /* struct in6_pktinfo */
#include "data-socket.h"

#include "lisp-message.h"

#include <errno.h>
#include <gio/gio.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <unistd.h>

int
lmn_data_socket_open (guint8 family, int rcvbuf, GError **error)
{
  int fd = socket (lmn_ip_family_to_af (family), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   IPPROTO_UDP);
  int one = 1;
  struct sockaddr_storage ss;
  socklen_t sl;
  static const guint8 any[16] = { 0 };

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "IPv%u UDP socket: %s", family,
                   g_strerror (saved));
      return -1;
    }
  lmn_pktinfo_enable (fd, family, NULL);
  if (family == 6)
    {
      setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
      /* RFC 9300 / RFC 6936: an ETR accepts the zero UDP checksum ITRs may send over
       * IPv6; Linux drops such datagrams unless the socket asks for them. */
      setsockopt (fd, IPPROTO_UDP, UDP_NO_CHECK6_RX, &one, sizeof one);
    }
  setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  lmn_ip_bytes_to_sockaddr (family, any, LISP_DATA_PORT, &ss, &sl);
  if (bind (fd, (struct sockaddr *) &ss, sl) < 0)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot receive LISP data on UDP port %u over IPv%u: %s%s", LISP_DATA_PORT,
                   family, g_strerror (saved),
                   saved == EADDRINUSE ? " (is another LISP router running?)" : "");
      return -1;
    }
  return fd;
}

gboolean
lmn_data_socket_enable_gro (int fd, GError **error)
{
  int one = 1;

  if (setsockopt (fd, IPPROTO_UDP, UDP_GRO, &one, sizeof one) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "UDP GRO refused: %s",
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gsize
lmn_data_socket_gro_size (struct msghdr *msg)
{
  for (struct cmsghdr *c = CMSG_FIRSTHDR (msg); c != NULL; c = CMSG_NXTHDR (msg, c))
    if (c->cmsg_level == IPPROTO_UDP && c->cmsg_type == UDP_GRO)
      {
        int size;

        memcpy (&size, CMSG_DATA (c), sizeof size);
        return size > 0 ? (gsize) size : 0;
      }
  return 0;
}

void
lmn_data_socket_set_source (struct msghdr *msg, LmnPktinfoBuffer *control, guint8 family,
                            const guint8 *addr, int ifindex)
{
  struct cmsghdr *c;

  lmn_pktinfo_set_source (msg, control, family, addr);
  c = CMSG_FIRSTHDR (msg);
  /* The interface index sits elsewhere in the two structures; copies keep the control
   * buffer's alignment out of the question. */
  if (family == 4)
    {
      struct in_pktinfo pi;

      memcpy (&pi, CMSG_DATA (c), sizeof pi);
      pi.ipi_ifindex = ifindex;
      memcpy (CMSG_DATA (c), &pi, sizeof pi);
    }
  else
    {
      struct in6_pktinfo pi;

      memcpy (&pi, CMSG_DATA (c), sizeof pi);
      pi.ipi6_ifindex = ifindex;
      memcpy (CMSG_DATA (c), &pi, sizeof pi);
    }
}

gboolean
lmn_data_socket_send_as (int fd, const LmnLocalRloc *rloc, const LmnIp *to, guint16 port,
                         const guint8 *data, gsize len, GError **error)
{
  struct sockaddr_storage ss;
  struct iovec iov = { .iov_base = (void *) data, .iov_len = len };
  struct msghdr msg = { .msg_name = &ss, .msg_iov = &iov, .msg_iovlen = 1 };
  LmnPktinfoBuffer control;
  socklen_t sl;

  if (rloc->family != to->family)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "an IPv%u RLOC cannot send to an IPv%u address", rloc->family, to->family);
      return FALSE;
    }
  lmn_ip_to_sockaddr (to, port, &ss, &sl);
  msg.msg_namelen = sl;
  lmn_data_socket_set_source (&msg, &control, rloc->family, rloc->addr, rloc->ifindex);
  if (sendmsg (fd, &msg, MSG_DONTWAIT) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "sendmsg from port %u: %s",
                   LISP_DATA_PORT, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
