/* The data plane's UDP 4341 sockets, one per address family, bound to the wildcard: what
 * they are opened with, and sending from one as a given uplink's RLOC. NAT traversal needs
 * the latter: towards an RTR a node sends from port 4341 of the uplink's address (the one
 * fixed port whose NAT binding its keepalives hold open), and by that uplink rather than by
 * the route into the TUN; IP_PKTINFO / IPV6_PKTINFO say both. */
#pragma once

#include <glib.h>
#include <sys/socket.h>
#include "lmn-ip.h"
#include "local-rlocs.h"
#include "udp-pktinfo.h"

G_BEGIN_DECLS

/* A non-blocking socket bound to (wildcard, 4341) that reports each datagram's destination;
 * -1 with an error naming the port (and a likely cause) when it cannot be opened. */
int lmn_data_socket_open (guint8 family, int rcvbuf, GError **error);
/* Asks the kernel to hand over runs of datagrams of one flow as one (UDP_GRO): each
 * received message then says its segment size (lmn_data_socket_gro_size). */
gboolean lmn_data_socket_enable_gro (int fd, GError **error);
/* The segment size of a received message, 0 when it is one datagram. */
gsize lmn_data_socket_gro_size (struct msghdr *msg);
/* Makes msg, when sent, leave from addr (of family) by the interface ifindex, with control
 * as its control buffer. */
void lmn_data_socket_set_source (struct msghdr *msg, LmnPktinfoBuffer *control, guint8 family,
                                 const guint8 *addr, int ifindex);
/* Sends data from fd (of rloc's family) as rloc: its address, its uplink. */
gboolean lmn_data_socket_send_as (int fd, const LmnLocalRloc *rloc, const LmnIp *to, guint16 port,
                                  const guint8 *data, gsize len, GError **error);

G_END_DECLS
