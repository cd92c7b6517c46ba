/* Which remote locators to RLOC-probe when, and what their answers (or silence) say about
 * them (RFC 9301 §7.1, PROTOCOL.md §2.8): a table without I/O or clock. The prober
 * (rloc-prober.c) tells it which locators are in use, asks it what is due, sends those
 * probes with the nonces it hands out, and passes on the answers.
 *
 * Per locator: a probe every `interval`; one left unanswered for `retry` counts as a miss
 * and is followed at once by another; after `max_misses` misses in a row the locator is
 * unreachable (and still probed, every `interval`); an answer carrying the nonce of the
 * locator's last probe makes it reachable again. Each nonce answers once: a second answer
 * with it (a replay) is refused like a nonce never sent. */
#pragma once

#include <glib.h>
#include "lisp-prefix.h"

G_BEGIN_DECLS

#define LMN_PROBE_MAX_MISSES 3
#define LMN_PROBE_RETRY      (5 * G_USEC_PER_SEC)  /* at most; never longer than the interval */
#define LMN_PROBE_TARGETS_MAX 1024  /* locators probed at once; more are not probed */

typedef struct {
  guint8     family;        /* 4 or 6 */
  guint8     addr[16];
  LispPrefix eid;           /* a mapping listing this locator: the EID the probe asks for */
  guint64    nonce;         /* of the last probe; 0: none sent or already answered */
  gboolean   awaiting;      /* that probe is not answered and not yet counted as a miss */
  gint64     sent_at;       /* monotonic µs of the last probe, 0 = never */
  gint64     next_due;      /* when to probe next */
  gint64     last_in_use;   /* last time a mapping in use listed it */
  gint64     rtt;           /* µs, of the last answer; -1 before the first */
  guint      misses;        /* unanswered probes in a row */
  gboolean   reachable;
} LmnProbeTarget;

typedef enum {
  LMN_PROBE_ANSWER_OK,          /* the locator answered */
  LMN_PROBE_ANSWER_NOW_UP,      /* it answered and was unreachable until now */
  LMN_PROBE_ANSWER_UNKNOWN,     /* no probe of ours has this nonce (late, replayed or forged) */
} LmnProbeAnswer;

typedef struct _LmnProbeTable LmnProbeTable;

/* interval, retry and slack in µs. An event (a probe due, a probe missed) counts from
 * `slack` before its time on: a caller woken by a coarse timer (whole seconds) then does
 * not wait a whole extra tick for something due a moment later. */
LmnProbeTable *lmn_probe_table_new   (gint64 interval, gint64 retry, guint max_misses,
                                      gint64 slack);
void           lmn_probe_table_free  (LmnProbeTable *table);

/* A mapping in use (its prefix eid) lists this locator: probe it from now on. */
void           lmn_probe_table_note_in_use (LmnProbeTable *table, guint8 family, const guint8 *addr,
                                            const LispPrefix *eid, gint64 now);
/* Forgets the locators no mapping in use listed since `since`; returns their addresses
 * (LmnProbeTarget copies) so that the caller can undo what probing said of them. */
GArray        *lmn_probe_table_forget (LmnProbeTable *table, gint64 since);
/* Counts the misses due by now; appends to went_down (LmnProbeTarget copies) the locators
 * that just became unreachable, and returns the targets to probe now (pointers into the
 * table, valid until the next call), each with a fresh nonce from next_nonce. *missed
 * (may be NULL) gets the number of probes given up now. */
typedef guint64 (*LmnNonceFunc) (void);
GPtrArray     *lmn_probe_table_due   (LmnProbeTable *table, gint64 now, LmnNonceFunc next_nonce,
                                      GArray *went_down, guint *missed);
/* An RLOC-probe answer with this nonce arrived at now. On success *target (may be NULL)
 * points to the locator's entry. */
LmnProbeAnswer lmn_probe_table_answer (LmnProbeTable *table, guint64 nonce, gint64 now,
                                       const LmnProbeTarget **target);
/* The probe with this nonce could not be sent (no uplink of its family, say): it is not
 * waited for, and the next goes an interval after it. Our own lack of uplinks says nothing
 * of the locator. */
void           lmn_probe_table_unsent (LmnProbeTable *table, guint64 nonce);
/* The earliest time something is due (a probe or a miss), G_MAXINT64 when nothing is. */
gint64         lmn_probe_table_next_event (const LmnProbeTable *table);
/* NULL when the locator is not probed. */
const LmnProbeTarget *lmn_probe_table_find (const LmnProbeTable *table, guint8 family,
                                            const guint8 *addr);
guint          lmn_probe_table_size  (const LmnProbeTable *table);
const LmnProbeTarget *lmn_probe_table_get (const LmnProbeTable *table, guint i);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnProbeTable, lmn_probe_table_free)

G_END_DECLS
