#include "control-counters.h"

static const char *const names[LMN_CTL_N_COUNTERS] = {
  [LMN_CTL_MAP_REQUEST_SENT] = "map-request-sent",
  [LMN_CTL_MAP_REQUEST_RETRY] = "map-request-retry",
  [LMN_CTL_MAP_REQUEST_GAVE_UP] = "map-request-gave-up",
  [LMN_CTL_MAP_REQUEST_RATE_LIMITED] = "map-request-rate-limited",
  [LMN_CTL_MAP_REPLY_ACCEPTED] = "map-reply-accepted",
  [LMN_CTL_MAP_REPLY_UNSOLICITED] = "map-reply-unsolicited",
  [LMN_CTL_MAP_REPLY_RECORD_IGNORED] = "map-reply-record-ignored",
  [LMN_CTL_MAP_REQUEST_ANSWERED] = "map-request-answered",
  [LMN_CTL_MAP_REQUEST_FOREIGN_EID] = "map-request-foreign-eid",
  [LMN_CTL_SMR_RECEIVED] = "smr-received",
  [LMN_CTL_SMR_SENT] = "smr-sent",
  [LMN_CTL_SMR_INVOKED_SENT] = "smr-invoked-sent",
  [LMN_CTL_MAP_REGISTER_SENT] = "map-register-sent",
  [LMN_CTL_MAP_NOTIFY_ACCEPTED] = "map-notify-accepted",
  [LMN_CTL_MAP_NOTIFY_AUTH_FAILED] = "map-notify-auth-failed",
  [LMN_CTL_MAP_NOTIFY_NONCE_MISMATCH] = "map-notify-nonce-mismatch",
  [LMN_CTL_MAP_NOTIFY_UNKNOWN_SERVER] = "map-notify-unknown-server",
  [LMN_CTL_MAP_NOTIFY_ACK_SENT] = "map-notify-ack-sent",
  [LMN_CTL_MAP_NOTIFY_REPLAYED] = "map-notify-replayed",
  [LMN_CTL_RLOC_PROBE_SENT] = "rloc-probe-sent",
  [LMN_CTL_RLOC_PROBE_ANSWERED] = "rloc-probe-answered",
  [LMN_CTL_RLOC_PROBE_MISSED] = "rloc-probe-missed",
  [LMN_CTL_RLOC_PROBE_UNSOLICITED] = "rloc-probe-reply-unsolicited",
  [LMN_CTL_INFO_REQUEST_SENT] = "info-request-sent",
  [LMN_CTL_INFO_REPLY_ACCEPTED] = "info-reply-accepted",
  [LMN_CTL_INFO_REPLY_BAD_NONCE] = "info-reply-bad-nonce",
  [LMN_CTL_INFO_REPLY_BAD_MAC] = "info-reply-bad-mac",
  [LMN_CTL_RTR_MAP_REGISTER_SENT] = "rtr-map-register-sent",
  [LMN_CTL_DATA_MAP_NOTIFY_ACCEPTED] = "data-map-notify-accepted",
  [LMN_CTL_DATA_MAP_NOTIFY_BAD_MAC] = "data-map-notify-bad-mac",
  [LMN_CTL_DATA_MAP_NOTIFY_BAD_NONCE] = "data-map-notify-bad-nonce",
  [LMN_CTL_DATA_MAP_NOTIFY_BAD_XTR_ID] = "data-map-notify-bad-xtr-id",
  [LMN_CTL_MALFORMED] = "malformed",
  [LMN_CTL_UNEXPECTED_TYPE] = "unexpected-type",
  [LMN_CTL_SEND_FAILED] = "send-failed",
  [LMN_CTL_SMR_RETRY] = "smr-retry",
  [LMN_CTL_SMR_ANSWERED] = "smr-answered",
  [LMN_CTL_SMR_UNANSWERED] = "smr-unanswered",
  [LMN_CTL_RLOC_PROBE_OTHER_RECORD] = "rloc-probe-other-record",
  [LMN_CTL_SMR_NOT_CACHED] = "smr-not-cached",
  [LMN_CTL_LOOKUP_RATE_LIMITED] = "lookup-rate-limited",
  [LMN_CTL_ANSWER_RATE_LIMITED] = "answer-rate-limited",
  [LMN_CTL_MAP_CACHE_EVICTED] = "map-cache-evicted",
};

const char *
lmn_control_counter_name (LmnControlCounter c)
{
  return (guint) c < LMN_CTL_N_COUNTERS ? names[c] : "unknown";
}
