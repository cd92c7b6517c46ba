/* Registering through an RTR (NAT traversal), the message side without I/O: our
 * Map-Register wrapped in an Encapsulated Control Message with the R bit for the RTR, and
 * the verdict on the Data-Map-Notify the RTR relays back. The registration state machine is
 * registration.h's, one per uplink behind a NAT. */
#pragma once

#include <glib.h>
#include "lmn-ip.h"
#include "registration.h"

G_BEGIN_DECLS

typedef enum {
  LMN_DATA_NOTIFY_ACCEPTED,
  LMN_DATA_NOTIFY_BAD_MAC,    /* wrong MAC, key ID or algorithm */
  LMN_DATA_NOTIFY_BAD_NONCE,  /* authentic, but not for our outstanding Map-Register */
  LMN_DATA_NOTIFY_BAD_XTR_ID, /* authentic, but for another xTR */
  LMN_DATA_NOTIFY_MALFORMED,
} LmnDataNotifyVerdict;

/* The ECM (R=1) around map_register: inner IP from our private RLOC to the map-server,
 * inner UDP 4342 -> 4342. */
GBytes *lmn_rtr_registration_wrap (GBytes *map_register, const LmnIp *private_rloc,
                                   const LmnIp *map_server, GError **error);
/* The Map-Notify carried by a Data-Map-Notify (data: the whole UDP payload), for reg's
 * Map-Register through the RTR with our xtr_id. */
LmnDataNotifyVerdict lmn_rtr_registration_notify (LmnRegistration *reg, const guint8 xtr_id[16],
                                                  const guint8 *data, gsize len, gint64 now);
const char *lmn_data_notify_verdict_name (LmnDataNotifyVerdict verdict);

G_END_DECLS
