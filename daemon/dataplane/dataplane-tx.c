/* Sending the batch of encapsulated packets (dataplane-private.h): one sendmmsg per run of
 * messages that leave from the same socket, and, where the kernel takes it, one UDP GSO
 * message (a UDP_SEGMENT control message) per run of equal-sized packets to the same
 * place, typically the segments of one TCP super-packet: the kernel then cuts the
 * datagrams itself, late, instead of taking each through the whole stack. A socket that
 * refuses UDP GSO turns it off, with one log line, and the packets go one by one. */
#define _GNU_SOURCE /* sendmmsg */
#include "dataplane-private.h"

#include "data-socket.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>

#define GSO_SEGMENTS_MAX 64    /* UDP_MAX_SEGMENTS of older kernels */
#define GSO_BYTES_MAX    65000 /* one UDP message, headers aside */

/* The control messages of one message: where it leaves from, and its GSO segment size. */
typedef struct {
  LmnPktinfoBuffer pktinfo;
  union {
    char buf[CMSG_SPACE (sizeof (guint16))];
    struct cmsghdr align;
  } segment;
} TxControl;

/* Where each message of the batch starts, and how many packets it carries. */
typedef struct {
  guint first;
  guint count;
} TxRun;

/* The messages of one flush, kept with the data plane (not on the stack: they are large). */
struct _LmnTxScratch {
  struct mmsghdr msgs[TX_MAX];
  struct iovec iovs[TX_MAX * 3];
  TxControl controls[TX_MAX];
  TxRun runs[TX_MAX];
};

void
lmn_tx_scratch_free (LmnTxScratch *scratch)
{
  g_free (scratch);
}

void
lmn_dataplane_make_room (LmnDataplane *dp)
{
  if (TUN_ARENA - dp->arena_used < 3 * PACKET_MAX || dp->n_tx + LMN_SEGMENTS_MAX > TX_MAX)
    lmn_dataplane_flush_tx (dp);
}

static gsize
udp_size (const TxPacket *tx)
{
  return LISP_DATA_HEADER_SIZE + tx->inner_len;
}

static gboolean
same_path (const TxPacket *a, const TxPacket *b)
{
  return a->fd == b->fd && a->to_len == b->to_len && memcmp (&a->to, &b->to, a->to_len) == 0 &&
         a->with_source == b->with_source &&
         (!a->with_source || (a->src_family == b->src_family && a->src_ifindex == b->src_ifindex &&
                              memcmp (a->src, b->src, 16) == 0));
}

/* How many packets from first on can go as one GSO message: the same path, all of the
 * first one's size but the last, which may be shorter. */
static guint
gso_run (LmnDataplane *dp, guint first)
{
  const TxPacket *a = &dp->tx[first];
  gsize size = udp_size (a), total = size;
  guint n = 1;

  if (!dp->udp_gso || !a->gso_ok)
    return 1;
  while (first + n < dp->n_tx && n < GSO_SEGMENTS_MAX)
    {
      const TxPacket *b = &dp->tx[first + n];

      if (!b->gso_ok || udp_size (b) > size || total + udp_size (b) > GSO_BYTES_MAX ||
          !same_path (a, b))
        break;
      total += udp_size (b);
      n++;
      if (udp_size (b) < size)
        break;
    }
  return n;
}

/* Fills msg for the run's packets (their I/O vectors copied to iov). */
static void
build_message (LmnDataplane *dp, const TxRun *run, struct msghdr *msg, struct iovec *iov,
               TxControl *control)
{
  TxPacket *tx = &dp->tx[run->first];
  guint n_iov = 0;

  memset (msg, 0, sizeof *msg);
  for (guint i = 0; i < run->count; i++)
    {
      memcpy (iov + n_iov, tx[i].iov, sizeof *iov * tx[i].n_iov);
      n_iov += tx[i].n_iov;
    }
  msg->msg_name = &tx->to;
  msg->msg_namelen = tx->to_len;
  msg->msg_iov = iov;
  msg->msg_iovlen = n_iov;
  if (tx->with_source)
    lmn_data_socket_set_source (msg, &control->pktinfo, tx->src_family, tx->src, tx->src_ifindex);
  if (run->count > 1)
    {
      struct cmsghdr *c = &control->segment.align;
      guint16 size = (guint16) udp_size (tx);

      /* After the source's message, if any: the two buffers follow each other. */
      if (msg->msg_control == NULL)
        msg->msg_control = control->segment.buf;
      else
        c = (struct cmsghdr *) (void *) ((char *) msg->msg_control + msg->msg_controllen);
      c->cmsg_level = SOL_UDP;
      c->cmsg_type = UDP_SEGMENT;
      c->cmsg_len = CMSG_LEN (sizeof size);
      memcpy (CMSG_DATA (c), &size, sizeof size);
      msg->msg_controllen += CMSG_SPACE (sizeof size);
    }
}
G_STATIC_ASSERT (G_STRUCT_OFFSET (TxControl, segment) == sizeof (LmnPktinfoBuffer));

static void
count_sent (LmnDataplane *dp, const TxRun *run)
{
  for (guint i = 0; i < run->count; i++)
    {
      dp->counters.tx_packets++;
      dp->counters.tx_bytes += dp->tx[run->first + i].inner_len;
    }
}

/* A GSO message the socket refused: its packets one by one; and when the refusal says the
 * socket or kernel cannot do UDP GSO at all, no more GSO. */
static void
send_one_by_one (LmnDataplane *dp, const TxRun *run, int saved)
{
  if (saved == EIO || saved == ENOPROTOOPT || saved == EOPNOTSUPP)
    {
      g_message ("UDP GSO refused (%s): sending one datagram per packet", g_strerror (saved));
      dp->udp_gso = FALSE;
    }
  for (guint i = 0; i < run->count; i++)
    {
      TxRun one = { run->first + i, 1 };
      struct msghdr msg;
      struct iovec iov[3];
      TxControl control;

      build_message (dp, &one, &msg, iov, &control);
      if (sendmsg (dp->tx[one.first].fd, &msg, MSG_DONTWAIT) < 0)
        dp->counters.drops[LMN_DROP_SEND_FAILED]++;
      else
        count_sent (dp, &one);
    }
}

/* UDP GSO needs UDP checksums: the kernel refuses it (EINVAL) on a socket that sends
 * zero checksums (SO_NO_CHECK, as RFC 9300 lets an ITR do over IPv4, and as the uplinks'
 * sockets are opened). TRUE when fd had them off and has them on now; the checksum is then
 * the NIC's work (or nobody's, on a veth). */
static gboolean
enable_checksums (int fd)
{
  int off = 0, zero = 0;
  socklen_t len = sizeof off;

  if (getsockopt (fd, SOL_SOCKET, SO_NO_CHECK, &off, &len) < 0 || !off)
    return FALSE;
  return setsockopt (fd, SOL_SOCKET, SO_NO_CHECK, &zero, sizeof zero) == 0;
}

/* Sends messages [start, end) of one socket; a refused message is counted (or, a GSO one,
 * retried packet by packet) and the rest tried again. */
static void
send_runs (LmnDataplane *dp, struct mmsghdr *msgs, const TxRun *runs, guint start, guint end)
{
  while (start < end)
    {
      int sent = sendmmsg (dp->tx[runs[start].first].fd, &msgs[start], end - start, MSG_DONTWAIT);
      int saved = errno;

      for (int i = 0; i < MAX (sent, 0); i++)
        count_sent (dp, &runs[start + (guint) i]);
      start += (guint) MAX (sent, 0);
      if (start >= end)
        break;
      if (runs[start].count > 1 && saved == EINVAL &&
          enable_checksums (dp->tx[runs[start].first].fd))
        continue;
      if (runs[start].count > 1)
        send_one_by_one (dp, &runs[start], saved);
      else
        dp->counters.drops[LMN_DROP_SEND_FAILED]++;
      start++;
    }
}

void
lmn_dataplane_flush_tx (LmnDataplane *dp)
{
  struct mmsghdr *msgs;
  TxRun *runs;
  guint n_msgs = 0, n_iov = 0, start = 0;

  if (dp->tx_scratch == NULL)
    dp->tx_scratch = g_new (LmnTxScratch, 1);
  msgs = dp->tx_scratch->msgs;
  runs = dp->tx_scratch->runs;

  for (guint i = 0; i < dp->n_tx; i += runs[n_msgs++].count)
    {
      runs[n_msgs].first = i;
      runs[n_msgs].count = gso_run (dp, i);
      build_message (dp, &runs[n_msgs], &msgs[n_msgs].msg_hdr, dp->tx_scratch->iovs + n_iov,
                     &dp->tx_scratch->controls[n_msgs]);
      n_iov += (guint) msgs[n_msgs].msg_hdr.msg_iovlen;
    }
  while (start < n_msgs)
    {
      guint end = start + 1;

      while (end < n_msgs && dp->tx[runs[end].first].fd == dp->tx[runs[start].first].fd)
        end++;
      send_runs (dp, msgs, runs, start, end);
      start = end;
    }
  dp->n_tx = 0;
  dp->arena_used = 0;
}
