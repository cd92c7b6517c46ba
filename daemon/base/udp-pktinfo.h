/* The local address of a UDP datagram, through IP_PKTINFO / IPV6_PKTINFO control messages:
 * which of a host's addresses a received datagram was sent to (a socket bound to the
 * wildcard does not say otherwise), and which one a datagram is sent from (so that an answer
 * leaves from the address its question went to). lispmnd's data plane and lispmn-server both
 * need it. */
#pragma once

#include <glib.h>
#include <sys/socket.h>
#include "lmn-ip.h"

G_BEGIN_DECLS

/* Room for one control message of either family (struct in6_pktinfo, the larger, is 20
 * bytes; udp-pktinfo.c checks). */
typedef union {
  char           buf[CMSG_SPACE (20)];
  struct cmsghdr align;
} LmnPktinfoBuffer;

/* Asks the kernel to tell the destination address of every datagram fd receives. */
gboolean lmn_pktinfo_enable      (int fd, guint8 family, GError **error);
/* The destination address of a received datagram, from the first PKTINFO control message of
 * family in msg (of either family when family is 0); FALSE without one. */
gboolean lmn_pktinfo_destination (struct msghdr *msg, guint8 family, LmnIp *out);
/* Makes msg, when sent, leave from addr (of family), with control as its control buffer. */
void     lmn_pktinfo_set_source  (struct msghdr *msg, LmnPktinfoBuffer *control, guint8 family,
                                  const guint8 *addr);

G_END_DECLS
