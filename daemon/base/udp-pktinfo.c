#define _GNU_SOURCE  /* struct in6_pktinfo */
/* IP_PKTINFO / IPV6_PKTINFO: a datagram's local address (udp-pktinfo.h). */
#include "udp-pktinfo.h"

#include "lisp-prefix.h"

#include <errno.h>
#include <gio/gio.h>
#include <netinet/in.h>
#include <string.h>

G_STATIC_ASSERT (CMSG_SPACE (sizeof (struct in6_pktinfo)) <= sizeof (LmnPktinfoBuffer));

/* The two control messages alike: where each keeps the addresses. */
typedef struct {
  guint8 family;
  int    level;
  int    type;
  int    enable;    /* the socket option that asks for them */
  gsize  size;      /* of struct in_pktinfo / in6_pktinfo */
  gsize  received;  /* offset of the address a datagram was sent to */
  gsize  source;    /* offset of the address to send from */
} PktinfoKind;

static const PktinfoKind kinds[] = {
  { LISP_FAMILY_IPV4, IPPROTO_IP, IP_PKTINFO, IP_PKTINFO, sizeof (struct in_pktinfo),
    G_STRUCT_OFFSET (struct in_pktinfo, ipi_addr),
    G_STRUCT_OFFSET (struct in_pktinfo, ipi_spec_dst) },
  { LISP_FAMILY_IPV6, IPPROTO_IPV6, IPV6_PKTINFO, IPV6_RECVPKTINFO, sizeof (struct in6_pktinfo),
    G_STRUCT_OFFSET (struct in6_pktinfo, ipi6_addr),
    G_STRUCT_OFFSET (struct in6_pktinfo, ipi6_addr) },
};

static const PktinfoKind *
kind_of (guint8 family)
{
  return &kinds[family == LISP_FAMILY_IPV4 ? 0 : 1];
}

gboolean
lmn_pktinfo_enable (int fd, guint8 family, GError **error)
{
  const PktinfoKind *k = kind_of (family);
  int one = 1;

  if (setsockopt (fd, k->level, k->enable, &one, sizeof one) < 0)
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
    for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
      {
        const PktinfoKind *k = &kinds[i];

        if ((family != 0 && family != k->family) || c->cmsg_level != k->level ||
            c->cmsg_type != k->type)
          continue;
        *out = (LmnIp) { .family = k->family };
        memcpy (out->addr, CMSG_DATA (c) + k->received, lmn_ip_family_len (k->family));
        return TRUE;
      }
  return FALSE;
}

void
lmn_pktinfo_set_source (struct msghdr *msg, LmnPktinfoBuffer *control, guint8 family,
                        const guint8 *addr)
{
  const PktinfoKind *k = kind_of (family);
  struct cmsghdr *c;

  /* Zeroed: the rest of the pktinfo structure (interface index 0: the routing decides). */
  memset (control, 0, sizeof *control);
  msg->msg_control = control->buf;
  msg->msg_controllen = CMSG_SPACE (k->size);
  c = CMSG_FIRSTHDR (msg);
  *c = (struct cmsghdr) { .cmsg_len = CMSG_LEN (k->size), .cmsg_level = k->level,
                          .cmsg_type = k->type };
  memcpy (CMSG_DATA (c) + k->source, addr, lmn_ip_family_len (family));
}
