/* Token buckets for what a daemon answers or does on behalf of senders it has not
 * authenticated (Map-Replies, RLOC-probe replies, negative replies, "wrong key"
 * Map-Notifys, lookups an SMR asks for): a bucket per source address, refilled at `rate`
 * tokens a second up to `burst`, and one bucket for all sources together, so that neither
 * one flooding address nor many spoofed ones get more than their share. The table of
 * sources is bounded: when full, the source heard from least recently is forgotten (it gets
 * a full bucket when it comes back, as a new source does). Pure: the time is passed in, in
 * microseconds of any monotonic clock. Both daemons use it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _LmnTokenBuckets LmnTokenBuckets;

/* rate, burst: per source; total_rate, total_burst: all sources together (total_rate 0: no
 * limit in all); max_sources: the sources remembered at most. */
LmnTokenBuckets *lmn_token_buckets_new (guint rate, guint burst, guint total_rate,
                                        guint total_burst, guint max_sources);
void lmn_token_buckets_free (LmnTokenBuckets *tb);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnTokenBuckets, lmn_token_buckets_free)

/* Takes one token from the bucket of the source (family 4 or 6, addr 4 or 16 bytes) and
 * one from the total at now (µs); FALSE, taking none, when either is empty. */
gboolean lmn_token_buckets_allow (LmnTokenBuckets *tb, guint8 family, const guint8 *addr,
                                  gint64 now_us);
/* How many sources it remembers. */
guint lmn_token_buckets_size (const LmnTokenBuckets *tb);

G_END_DECLS
