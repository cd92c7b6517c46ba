/* lispmn-server's datagrams in batches: up to LMN_BATCH_MAX received with one recvmmsg and
 * sent with one sendmmsg, so that a busy map-server spends its time on the messages rather
 * than on two system calls for each. The received ones carry their source and their
 * IP_PKTINFO / IPV6_PKTINFO (the address they were sent to); the sent ones leave from the
 * source address they were given. */
#pragma once

#include <glib.h>
#include <sys/socket.h>
#include "endpoint.h"

G_BEGIN_DECLS

#define LMN_BATCH_MAX 64

typedef struct _LmnRxBatch LmnRxBatch;

LmnRxBatch *lmn_rx_batch_new (void);
void lmn_rx_batch_free (LmnRxBatch *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnRxBatch, lmn_rx_batch_free)

/* Receives what fd has queued, LMN_BATCH_MAX datagrams at most, without blocking; returns
 * how many, 0 when there was none, -1 on an error (errno). */
gint lmn_rx_batch_receive (LmnRxBatch *b, int fd);
/* Datagram i of the last receive: its bytes, and its header (source address in msg_name,
 * control messages). */
const guint8 *lmn_rx_batch_data (const LmnRxBatch *b, guint i, gsize *len);
struct msghdr *lmn_rx_batch_msg (LmnRxBatch *b, guint i);

typedef struct _LmnTxBatch LmnTxBatch;

LmnTxBatch *lmn_tx_batch_new (void);
void lmn_tx_batch_free (LmnTxBatch *b); /* sends what is queued first */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnTxBatch, lmn_tx_batch_free)

/* Queues data (referenced) to `to` through fd, from source (NULL or family 0: the kernel's
 * choice); sends the queue when it is full. */
void lmn_tx_batch_add (LmnTxBatch *b, int fd, const LmnEndpoint *to, const LmnEndpoint *source,
                       GBytes *data);
/* Sends what is queued: one sendmmsg for each run of datagrams through the same socket.
 * A datagram the kernel refuses is logged (at info) and dropped. */
void lmn_tx_batch_flush (LmnTxBatch *b);

G_END_DECLS
