/* The map-server's types, below its message handlers: the constants they follow, the
 * datagrams they produce, the counters they keep, and the read side of the object's tables
 * of sites and registrations (kept in ms-context.c). The handlers (map-register.c,
 * map-resolver.c, map-notify.c) build on this; map-server.c, on top, owns the object's life
 * and dispatches each datagram to them. */
#pragma once

#include <glib.h>
#include "endpoint.h"
#include "lisp-message.h"
#include "lisp-prefix.h"
#include "site.h"
#include "site-registration.h"

G_BEGIN_DECLS

#define LMN_MS_TTL_UNREGISTERED 1  /* minutes, negative reply inside a site */
#define LMN_MS_TTL_NON_EID      15 /* minutes, negative reply outside every site */
/* Unsolicited Map-Notifys (RFC 9301 §5.7) are sent until a Map-Notify-Ack with their
 * nonce arrives: after the first, LMN_MS_NOTIFY_RETRY seconds apart twice, then with the
 * wait doubling, LMN_MS_NOTIFY_TRIES transmissions in all (0, 3, 6, 12, 24 and 48 s); they
 * are given up when a seventh would be due (96 s). */
#define LMN_MS_NOTIFY_RETRY     3
#define LMN_MS_NOTIFY_RETRY_MAX 60
#define LMN_MS_NOTIFY_TRIES     6
/* xTR-IDs whose last Map-Register nonce is remembered (the oldest is forgotten first). */
#define LMN_MS_NONCES_MAX 131072

/* One datagram to send. */
typedef struct {
  LmnEndpoint to;
  LmnEndpoint local; /* the source address to use; family 0: the address the input that
                      * caused it was sent to */
  GBytes *data;
} LmnDatagram;

void lmn_datagram_free (LmnDatagram *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnDatagram, lmn_datagram_free)

typedef enum {
  /* received */
  LMN_MS_RX_MAP_REQUEST,
  LMN_MS_RX_MAP_REPLY,
  LMN_MS_RX_MAP_REGISTER,
  LMN_MS_RX_MAP_NOTIFY,
  LMN_MS_RX_MAP_NOTIFY_ACK,
  LMN_MS_RX_ECM,
  LMN_MS_RX_INFO,
  LMN_MS_RX_RELAYED_REGISTER, /* an ECM with the N bit: a Map-Register relayed by an RTR */
  LMN_MS_RX_OTHER,
  /* sent */
  LMN_MS_TX_MAP_NOTIFY,
  LMN_MS_TX_UNSOLICITED_NOTIFY,
  LMN_MS_TX_UNSOLICITED_NOTIFY_RETRANSMIT,
  LMN_MS_TX_AUTH_FAILED_NOTIFY, /* an unauthenticated Map-Notify: "your key is wrong" */
  LMN_MS_TX_MAP_REPLY,
  LMN_MS_TX_NEGATIVE_REPLY,
  LMN_MS_TX_FORWARDED_ECM,
  LMN_MS_TX_INFO_REPLY,
  LMN_MS_TX_RELAYED_NOTIFY, /* a Map-Notify in an ECM to the RTR that relayed its register */
  /* registration events */
  LMN_MS_REGISTRATIONS_NEW,
  LMN_MS_REGISTRATIONS_REFRESHED,
  LMN_MS_REGISTRATIONS_MOVED,
  LMN_MS_REGISTRATIONS_EXPIRED,
  /* unsolicited Map-Notifys */
  LMN_MS_NOTIFY_ACKED,
  LMN_MS_NOTIFY_GAVE_UP,
  LMN_MS_REGISTRATIONS_WITHDRAWN, /* record TTL 0 from the registrant */
  /* drops, by reason */
  LMN_MS_DROP_MALFORMED,
  LMN_MS_DROP_UNKNOWN_KEY_ID,
  LMN_MS_DROP_EID_NOT_ALLOWED,
  LMN_MS_DROP_BAD_MAC,
  LMN_MS_DROP_REPLAYED_REGISTER,    /* authenticated, but its nonce is not above the last one */
  LMN_MS_DROP_UNEXPECTED_ACK,       /* a Map-Notify-Ack for no Map-Notify awaiting one */
  LMN_MS_DROP_UNSUPPORTED,          /* a message type or form we do not serve */
  LMN_MS_DROP_NO_ITR_RLOC,          /* a Map-Request without an IP ITR-RLOC to answer */
  LMN_MS_DROP_NO_ETR_LOCATOR,       /* a registration without an IP locator to forward to */
  LMN_MS_DROP_UNAUTHENTICATED_INFO, /* an Info-Request without a MAC */
  LMN_MS_DROP_RATE_LIMITED,         /* over its source address's share (Info-Requests) */
  LMN_MS_DROP_RELAY_NOT_RTR,        /* a relayed Map-Register from a host not in rtrs= */
  /* answers to ECM'd Map-Requests over their ITR-RLOC's share or the total */
  LMN_MS_DROP_ANSWER_RATE_LIMITED,
  /* an answer larger than its request, to an ITR-RLOC that is not the request's source */
  LMN_MS_DROP_ANSWER_TOO_LARGE,
  /* a "wrong key" Map-Notify withheld: over its source's share or the total */
  LMN_MS_WRONG_KEY_NOTIFY_RATE_LIMITED,
  LMN_MS_N_COUNTERS
} LmnMsCounter;

/* "rx-map-register", "drop-bad-mac" ... */
const char *lmn_ms_counter_name (LmnMsCounter c);

typedef struct _LmnMapServer LmnMapServer;

/* A prefix that was registered before a restart (read back from the replay state), whose
 * registration would have lasted until deadline (seconds, the clock of every now): until it
 * is registered again or the deadline passes, negative replies for it are not to be cached
 * (lmn_ms_unregistered_ttl, map-resolver.h). */
void lmn_map_server_expect (LmnMapServer *ms, const LispPrefix *prefix, gint64 deadline);
/* Seconds between the first retransmissions (default LMN_MS_NOTIFY_RETRY). */
void lmn_map_server_set_notify_retry (LmnMapServer *ms, guint seconds);
/* The Map-Replies a second to one ITR-RLOC and in all (bursts of two seconds' worth). */
void lmn_map_server_set_answer_limits (LmnMapServer *ms, guint per_requester, guint total);
/* LmnPendingNotify* */
const GPtrArray *lmn_map_server_pending_notifies (const LmnMapServer *ms);
/* Drops the registrations whose time is up; returns how many. */
guint lmn_map_server_expire (LmnMapServer *ms, gint64 now);

const GPtrArray *lmn_map_server_sites (const LmnMapServer *ms);
/* LmnSiteRegistration*, in no particular order */
const GPtrArray *lmn_map_server_registrations (const LmnMapServer *ms);
guint64 lmn_map_server_counter (const LmnMapServer *ms, LmnMsCounter c);

/* The RTRs Info-Replies list (LmnEndpoint, port unset), in order; copied. */
void lmn_map_server_set_rtrs (LmnMapServer *ms, const GArray *rtrs);
const GArray *lmn_map_server_rtrs (const LmnMapServer *ms);
/* The MS-RTR key ([map-server] rtr-key=) that signs the Map-Notifys sent through RTRs;
 * NULL: they go unsigned. Copied. */
void lmn_map_server_set_rtr_key (LmnMapServer *ms, const char *key);

G_END_DECLS
