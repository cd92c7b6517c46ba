/* Receiving LISP data on UDP 4341 and writing the decapsulated packets into the TUN
 * (dataplane-private.h). Datagrams are read with recvmmsg; with UDP GRO a message holds a
 * run of datagrams of one flow, which is cut back into them here. With a TUN that takes
 * offloads, the decapsulated packets of the whole batch go through the coalescer
 * (gro-coalescer.h) and leave as few TUN writes as it can make of them. */
#define _GNU_SOURCE /* recvmmsg, struct in6_pktinfo */
#include "dataplane-private.h"

#include "data-socket.h"
#include "lisp-message.h"

#include <netinet/in.h>
#include <string.h>

/* The control messages of one received message: its destination and its GRO size. */
typedef union {
  char buf[CMSG_SPACE (sizeof (struct in6_pktinfo)) + CMSG_SPACE (sizeof (int))];
  struct cmsghdr align;
} RxControl;

static void
write_one (LmnDataplane *dp, const LmnVnetHdr *vnet, const struct iovec *iov, guint n_iov,
           guint n_packets, gsize bytes)
{
  if (!lmn_tun_writev_vnet (dp->tun, vnet, iov, (int) n_iov, NULL))
    {
      dp->counters.drops[LMN_DROP_TUN_WRITE_FAILED] += n_packets;
      return;
    }
  dp->counters.rx_packets += n_packets;
  dp->counters.rx_bytes += bytes;
}

/* Writes what the coalescer holds into the TUN, and empties it. */
static void
flush_gro (LmnDataplane *dp)
{
  guint n = lmn_gro_n_outputs (dp->gro);

  for (guint i = 0; i < n; i++)
    {
      struct iovec iov[LMN_GRO_IOV_MAX];
      guint8 hdr[LMN_GRO_HEADER_MAX];
      LmnVnetHdr vnet;
      guint n_packets;
      gsize bytes;
      guint n_iov = lmn_gro_output (dp->gro, i, &vnet, hdr, iov, &n_packets, &bytes);

      write_one (dp, vnet.gso_type != LMN_VNET_GSO_NONE ? &vnet : NULL, iov, n_iov, n_packets,
                 bytes);
    }
  lmn_gro_reset (dp->gro);
}

void
lmn_dataplane_deliver (LmnDataplane *dp, const guint8 *packet, const LmnInnerPacket *ip)
{
  struct iovec iov = { (void *) packet, ip->length };

  if (dp->gro == NULL)
    {
      write_one (dp, NULL, &iov, 1, 1, ip->length);
      return;
    }
  if (!lmn_gro_add (dp->gro, packet, ip->length))
    {
      flush_gro (dp);
      lmn_gro_add (dp->gro, packet, ip->length);
    }
}

/* One received message: a datagram, or with UDP GRO a run of them of seg bytes each (the
 * last may be shorter). */
static void
handle_message (LmnDataplane *dp, guint8 family, const LmnIp *from, const LmnIp *to,
                const guint8 *data, gsize len, gsize seg, gint64 now)
{
  if (seg == 0 || seg >= len)
    {
      lmn_dataplane_handle_inbound (dp, family, from->addr, to->addr, data, len, now);
      return;
    }
  for (gsize off = 0; off < len; off += seg)
    lmn_dataplane_handle_inbound (dp, family, from->addr, to->addr, data + off,
                                  MIN (seg, len - off), now);
}

gboolean
lmn_dataplane_on_udp_readable (gint fd, GIOCondition condition, gpointer user_data)
{
  DataSocket *sock = user_data;
  LmnDataplane *dp = sock->dp;
  struct mmsghdr msgs[UDP_BATCH];
  struct iovec iovs[UDP_BATCH];
  RxControl cmsgs[UDP_BATCH];
  struct sockaddr_storage froms[UDP_BATCH];
  gint64 now = g_get_monotonic_time ();
  int n;

  memset (msgs, 0, sizeof msgs);
  for (guint i = 0; i < UDP_BATCH; i++)
    {
      iovs[i].iov_base = dp->udp_bufs + (gsize) i * PACKET_MAX;
      iovs[i].iov_len = PACKET_MAX;
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_control = cmsgs[i].buf;
      msgs[i].msg_hdr.msg_controllen = sizeof cmsgs[i].buf;
      msgs[i].msg_hdr.msg_name = &froms[i];
      msgs[i].msg_hdr.msg_namelen = sizeof froms[i];
    }
  n = recvmmsg (fd, msgs, UDP_BATCH, MSG_DONTWAIT, NULL);
  for (int i = 0; i < n; i++)
    {
      LmnIp from, to;

      if ((msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0 ||
          !lmn_pktinfo_destination (&msgs[i].msg_hdr, sock->family, &to) ||
          !lmn_ip_from_sockaddr ((struct sockaddr *) &froms[i], &from, NULL))
        {
          lmn_dataplane_drop (dp, LMN_DROP_MALFORMED_OUTER, NULL);
          continue;
        }
      handle_message (dp, sock->family, &from, &to, iovs[i].iov_base, msgs[i].msg_len,
                      lmn_data_socket_gro_size (&msgs[i].msg_hdr), now);
    }
  if (dp->gro != NULL)
    flush_gro (dp);
  return G_SOURCE_CONTINUE;
}
