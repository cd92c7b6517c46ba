/* Counters of the control plane (UDP 4342): what was sent, accepted, and dropped and why.
 * They go into the state file under "control". */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  LMN_CTL_MAP_REQUEST_SENT,         /* resolver: first tries */
  LMN_CTL_MAP_REQUEST_RETRY,        /* resolver: retransmissions */
  LMN_CTL_MAP_REQUEST_GAVE_UP,      /* resolver: no answer after every try */
  LMN_CTL_MAP_REQUEST_RATE_LIMITED, /* a lookup refused by the 1/s-per-destination limit */
  LMN_CTL_MAP_REPLY_ACCEPTED,
  LMN_CTL_MAP_REPLY_UNSOLICITED,    /* nonce of no outstanding Map-Request */
  LMN_CTL_MAP_REPLY_RECORD_IGNORED, /* a record not covering what we asked for */
  LMN_CTL_MAP_REQUEST_ANSWERED,     /* ETR: authoritative Map-Replies sent */
  LMN_CTL_MAP_REQUEST_FOREIGN_EID,  /* ETR: asked for an EID that is not ours */
  LMN_CTL_SMR_RECEIVED,
  LMN_CTL_SMR_SENT, /* our mapping changed: told to a recent peer */
  LMN_CTL_SMR_INVOKED_SENT,
  LMN_CTL_MAP_REGISTER_SENT,
  LMN_CTL_MAP_NOTIFY_ACCEPTED,
  LMN_CTL_MAP_NOTIFY_AUTH_FAILED,
  LMN_CTL_MAP_NOTIFY_NONCE_MISMATCH, /* authenticated, but not for our last Map-Register */
  LMN_CTL_MAP_NOTIFY_UNKNOWN_SERVER, /* from an address that is no configured map-server */
  LMN_CTL_MAP_NOTIFY_ACK_SENT,       /* answers to unsolicited (authenticated) Map-Notifys */
  LMN_CTL_MAP_NOTIFY_REPLAYED,       /* authenticated, our nonce, but already acknowledged */
  LMN_CTL_RLOC_PROBE_SENT,
  LMN_CTL_RLOC_PROBE_ANSWERED,
  LMN_CTL_RLOC_PROBE_MISSED,      /* a probe left unanswered */
  LMN_CTL_RLOC_PROBE_UNSOLICITED, /* a probe reply with the nonce of no outstanding probe */
  LMN_CTL_INFO_REQUEST_SENT,      /* NAT discovery, retries included */
  LMN_CTL_INFO_REPLY_ACCEPTED,
  LMN_CTL_INFO_REPLY_BAD_NONCE,  /* no outstanding Info-Request of that uplink has it */
  LMN_CTL_INFO_REPLY_BAD_MAC,    /* wrong MAC, key ID or algorithm */
  LMN_CTL_RTR_MAP_REGISTER_SENT, /* ECM'd Map-Registers through an RTR (keepalives) */
  LMN_CTL_DATA_MAP_NOTIFY_ACCEPTED,
  LMN_CTL_DATA_MAP_NOTIFY_BAD_MAC,
  LMN_CTL_DATA_MAP_NOTIFY_BAD_NONCE, /* not for the outstanding Map-Register of that uplink */
  LMN_CTL_DATA_MAP_NOTIFY_BAD_XTR_ID,
  LMN_CTL_MALFORMED,
  LMN_CTL_UNEXPECTED_TYPE,
  LMN_CTL_SEND_FAILED,
  /* SMRs: the same again (no SMR-invoked Map-Request yet); that Map-Request came; none came
   * after every try. */
  LMN_CTL_SMR_RETRY,
  LMN_CTL_SMR_ANSWERED,
  LMN_CTL_SMR_UNANSWERED,
  /* ETR: an RLOC-probe naming no EID of ours, answered anyway */
  LMN_CTL_RLOC_PROBE_OTHER_RECORD,
  /* hardening (docs/hardening.md): an SMR for an EID not in the map-cache, ignored; an
   * SMR-invoked or data-triggered Map-Request over its token bucket, not sent; a Map-Reply
   * or RLOC-probe reply over its token bucket, not sent */
  LMN_CTL_SMR_NOT_CACHED,
  LMN_CTL_LOOKUP_RATE_LIMITED,
  LMN_CTL_ANSWER_RATE_LIMITED,
  /* map-cache entries evicted to make room (map-cache-limit=) */
  LMN_CTL_MAP_CACHE_EVICTED,
  LMN_CTL_N_COUNTERS
} LmnControlCounter;

typedef struct {
  guint64 n[LMN_CTL_N_COUNTERS];
} LmnControlCounters;

/* "map-reply-unsolicited" ... */
const char *lmn_control_counter_name (LmnControlCounter c);

G_END_DECLS
