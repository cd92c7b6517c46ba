/* Packets waiting for a mapping: when a destination misses the map-cache and the resolver
 * is asked for it, its packets wait here (a few per destination, a bounded number in all)
 * until the mapping arrives or they have waited too long; then they are handed back, in
 * the order they came, to be encapsulated, sent to a proxy-ETR or answered with an ICMP
 * unreachable. Time is passed in. */
#pragma once

#include <glib.h>
#include "lisp-prefix.h"

G_BEGIN_DECLS

typedef enum {
  LMN_PENDING_FIRST,   /* queued, and the first for its destination: resolve it */
  LMN_PENDING_QUEUED,  /* queued behind others for the same destination */
  LMN_PENDING_FULL,    /* not queued: the destination's or the whole queue's limit is hit */
} LmnPendingResult;

typedef struct _LmnPendingQueue LmnPendingQueue;

/* Receives each packet taken out of the queue (the data is valid during the call). */
typedef void (*LmnPendingFunc) (const guint8 *packet, gsize len, gpointer user_data);

/* per_destination: packets kept per destination (0 disables queueing); total: in all. */
LmnPendingQueue  *lmn_pending_queue_new     (guint per_destination, guint total);
void              lmn_pending_queue_free    (LmnPendingQueue *q);
LmnPendingResult  lmn_pending_queue_push    (LmnPendingQueue *q, guint32 iid, guint8 family,
                                             const guint8 *dst, const guint8 *packet, gsize len,
                                             gint64 now);
/* Hands back every packet whose destination lies in prefix; returns how many. */
guint             lmn_pending_queue_release (LmnPendingQueue *q, const LispPrefix *prefix,
                                             LmnPendingFunc func, gpointer user_data);
/* Hands back the packets of every destination whose first packet came at or before
 * now - max_wait; returns how many. */
guint             lmn_pending_queue_expire  (LmnPendingQueue *q, gint64 now, gint64 max_wait,
                                             LmnPendingFunc func, gpointer user_data);
guint             lmn_pending_queue_length  (const LmnPendingQueue *q);
/* When the oldest destination will have waited max_wait; G_MAXINT64 when empty. */
gint64            lmn_pending_queue_next_expiry (const LmnPendingQueue *q, gint64 max_wait);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnPendingQueue, lmn_pending_queue_free)

G_END_DECLS
