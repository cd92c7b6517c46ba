/* Why the data plane dropped a packet. Every drop is counted under exactly one reason; the
 * names are what the state file, the D-Bus API and the logs show. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  LMN_DROP_MALFORMED_OUTER,   /* on 4341: too short, or a LISP header the RFC forbids */
  LMN_DROP_NOT_OUR_RLOC,      /* on 4341 but addressed to none of our RLOCs */
  LMN_DROP_INSTANCE_ID,       /* the header's instance ID is not ours */
  LMN_DROP_MALFORMED_INNER,   /* the inner packet is not a well-formed IPv4/IPv6 packet */
  LMN_DROP_NOT_OUR_EID,       /* decapsulated, but the inner destination is not our EID */
  LMN_DROP_NOT_FROM_EID,      /* from the TUN with a source that is not one of our EIDs */
  LMN_DROP_LOCAL_SCOPE,       /* from the TUN, link-local or multicast: never leaves the link
                                 (the kernel's own IPv6 neighbour and MLD messages) */
  LMN_DROP_NO_MAPPING,        /* no mapping and no proxy-ETR (an ICMP unreachable was sent) */
  LMN_DROP_QUEUE_FULL,        /* waiting for a mapping, and the queue was full */
  LMN_DROP_NEGATIVE_MAPPING,  /* a negative mapping says drop */
  LMN_DROP_NO_REMOTE_RLOC,    /* the mapping has no usable locator */
  LMN_DROP_NO_LOCAL_RLOC,     /* no uplink of the needed family is up */
  LMN_DROP_TOO_BIG,           /* larger than the path allows (an ICMP too-big was sent) */
  LMN_DROP_SEND_FAILED,       /* the uplink socket refused it */
  LMN_DROP_TUN_WRITE_FAILED,  /* the TUN refused a decapsulated packet */
  LMN_DROP_N_REASONS
} LmnDropReason;

/* "malformed-outer", "not-our-rloc", ... */
const char *lmn_drop_reason_name (LmnDropReason reason);

G_END_DECLS
