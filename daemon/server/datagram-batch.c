/* LmnRxBatch and LmnTxBatch (datagram-batch.h): fixed arrays of message headers, reused for
 * every batch, so that receiving and sending allocate nothing. */
#define _GNU_SOURCE /* recvmmsg, sendmmsg */
#include "datagram-batch.h"

#include "log-limiter.h"

#include "udp-pktinfo.h"

#include <errno.h>
#include <string.h>

#define MAX_DATAGRAM 65535

struct _LmnRxBatch {
  struct mmsghdr hdr[LMN_BATCH_MAX];
  struct iovec iov[LMN_BATCH_MAX];
  struct sockaddr_storage from[LMN_BATCH_MAX];
  LmnPktinfoBuffer control[LMN_BATCH_MAX];
  guint8 *buf; /* LMN_BATCH_MAX * MAX_DATAGRAM: only the pages datagrams fill are touched */
};

LmnRxBatch *
lmn_rx_batch_new (void)
{
  LmnRxBatch *b = g_new0 (LmnRxBatch, 1);

  b->buf = g_malloc ((gsize) LMN_BATCH_MAX * MAX_DATAGRAM);
  return b;
}

void
lmn_rx_batch_free (LmnRxBatch *b)
{
  if (b == NULL)
    return;
  g_free (b->buf);
  g_free (b);
}

gint
lmn_rx_batch_receive (LmnRxBatch *b, int fd)
{
  for (guint i = 0; i < LMN_BATCH_MAX; i++)
    {
      b->iov[i] = (struct iovec) { b->buf + (gsize) i * MAX_DATAGRAM, MAX_DATAGRAM };
      b->hdr[i].msg_hdr = (struct msghdr) {
        .msg_name = &b->from[i],
        .msg_namelen = sizeof b->from[i],
        .msg_iov = &b->iov[i],
        .msg_iovlen = 1,
        .msg_control = b->control[i].buf,
        .msg_controllen = sizeof b->control[i].buf,
      };
      b->hdr[i].msg_len = 0;
    }
  return recvmmsg (fd, b->hdr, LMN_BATCH_MAX, MSG_DONTWAIT, NULL);
}

const guint8 *
lmn_rx_batch_data (const LmnRxBatch *b, guint i, gsize *len)
{
  *len = b->hdr[i].msg_len;
  return b->iov[i].iov_base;
}

struct msghdr *
lmn_rx_batch_msg (LmnRxBatch *b, guint i)
{
  return &b->hdr[i].msg_hdr;
}

struct _LmnTxBatch {
  guint n;
  int fd[LMN_BATCH_MAX];
  GBytes *data[LMN_BATCH_MAX];
  struct mmsghdr hdr[LMN_BATCH_MAX];
  struct iovec iov[LMN_BATCH_MAX];
  struct sockaddr_storage to[LMN_BATCH_MAX];
  LmnPktinfoBuffer control[LMN_BATCH_MAX];
};

LmnTxBatch *
lmn_tx_batch_new (void)
{
  return g_new0 (LmnTxBatch, 1);
}

void
lmn_tx_batch_free (LmnTxBatch *b)
{
  if (b == NULL)
    return;
  lmn_tx_batch_flush (b);
  g_free (b);
}

void
lmn_tx_batch_add (LmnTxBatch *b, int fd, const LmnEndpoint *to, const LmnEndpoint *source,
                  GBytes *data)
{
  guint i;
  gsize len;
  struct msghdr *msg;

  if (b->n == LMN_BATCH_MAX)
    lmn_tx_batch_flush (b);
  i = b->n++;
  b->fd[i] = fd;
  b->data[i] = g_bytes_ref (data);
  b->iov[i].iov_base = (void *) g_bytes_get_data (data, &len);
  b->iov[i].iov_len = len;
  msg = &b->hdr[i].msg_hdr;
  *msg = (struct msghdr) { .msg_name = &b->to[i], .msg_iov = &b->iov[i], .msg_iovlen = 1 };
  lmn_ip_bytes_to_sockaddr (to->family, to->addr, to->port, &b->to[i], &msg->msg_namelen);
  if (source != NULL && source->family == to->family)
    lmn_pktinfo_set_source (msg, &b->control[i], source->family, source->addr);
}

/* Sends datagrams [first, end), all through the same socket; skips one the kernel refuses. */
static void
send_run (LmnTxBatch *b, guint first, guint end)
{
  while (first < end)
    {
      int sent = sendmmsg (b->fd[first], &b->hdr[first], end - first, MSG_DONTWAIT);

      if (sent <= 0)
        {
          lmn_log_limited (G_LOG_LEVEL_INFO, "send-failed", "send: %s", g_strerror (errno));
          sent = 1; /* drop that one, go on with the others */
        }
      first += (guint) sent;
    }
}

void
lmn_tx_batch_flush (LmnTxBatch *b)
{
  guint first = 0;

  for (guint i = 1; i <= b->n; i++)
    if (i == b->n || b->fd[i] != b->fd[first])
      {
        send_run (b, first, i);
        first = i;
      }
  for (guint i = 0; i < b->n; i++)
    g_bytes_unref (b->data[i]);
  b->n = 0;
}
