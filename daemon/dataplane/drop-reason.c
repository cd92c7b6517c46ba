#include "drop-reason.h"

static const char *const names[LMN_DROP_N_REASONS] = {
  [LMN_DROP_MALFORMED_OUTER] = "malformed-outer",
  [LMN_DROP_NOT_OUR_RLOC] = "not-our-rloc",
  [LMN_DROP_INSTANCE_ID] = "wrong-instance-id",
  [LMN_DROP_MALFORMED_INNER] = "malformed-inner",
  [LMN_DROP_NOT_OUR_EID] = "not-our-eid",
  [LMN_DROP_NOT_FROM_EID] = "not-from-our-eid",
  [LMN_DROP_LOCAL_SCOPE] = "local-scope",
  [LMN_DROP_NO_MAPPING] = "no-mapping",
  [LMN_DROP_QUEUE_FULL] = "queue-full",
  [LMN_DROP_NEGATIVE_MAPPING] = "negative-mapping",
  [LMN_DROP_NO_REMOTE_RLOC] = "no-remote-rloc",
  [LMN_DROP_NO_LOCAL_RLOC] = "no-local-rloc",
  [LMN_DROP_TOO_BIG] = "too-big",
  [LMN_DROP_SEND_FAILED] = "send-failed",
  [LMN_DROP_TUN_WRITE_FAILED] = "tun-write-failed",
};

const char *
lmn_drop_reason_name (LmnDropReason reason)
{
  return reason < LMN_DROP_N_REASONS ? names[reason] : "unknown";
}
