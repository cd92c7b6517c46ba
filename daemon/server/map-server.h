/* The map-server and map-resolver of lispmn-server (RFC 9301 §8): a pure core with no
 * sockets and no clock. Every received datagram goes through lmn_map_server_handle() with
 * its source and the current time; what must be sent comes back as LmnDatagram values.
 *
 * Map-Server (map-register.c): a Map-Register is accepted only when one site holds every
 * record's EID-prefix (exactly, or a more specific one when the site accepts
 * more-specifics) and its key with the message's Key ID verifies the MAC. Anything else is
 * dropped, counted and logged (at info) with the reason, never the key. The one answer to a
 * refusal: when the site and Key ID are right but the MAC is not, and a Map-Notify was asked
 * for, an *unauthenticated* Map-Notify with the same nonce and no records goes back, so that
 * the xTR can tell its user "wrong key" instead of "no answer"; it carries nothing signed,
 * so it helps no forger. Registrations (site-registration.c) expire 180 s after the last
 * refresh, or after the record TTL when the T bit asks for it; an xTR whose registration
 * moved elsewhere is told with unsolicited Map-Notifys (map-notify.c).
 *
 * Map-Resolver (map-resolver.c): an ECM carrying a Map-Request is answered per requested
 * EID: a proxy Map-Reply, the ECM forwarded to the registered ETR, or a negative Map-Reply
 * (TTL 1 minute inside a site, 15 minutes outside every site).
 *
 * This file's types and the dispatch are in map-server.c, the state as JSON in
 * map-server-json.c. */
#pragma once

#include <glib.h>
#include "endpoint.h"
#include "lisp-message.h"
#include "lisp-prefix.h"
#include "site.h"
#include "site-registration.h"

G_BEGIN_DECLS

#define LMN_MS_TTL_UNREGISTERED 1       /* minutes, negative reply inside a site */
#define LMN_MS_TTL_NON_EID 15           /* minutes, negative reply outside every site */
/* Unsolicited Map-Notifys (RFC 9301 §5.7) are sent until a Map-Notify-Ack with their
 * nonce arrives: after the first, LMN_MS_NOTIFY_RETRY seconds apart twice, then with the
 * wait doubling, LMN_MS_NOTIFY_TRIES transmissions in all (0, 3, 6, 12, 24 and 48 s); they
 * are given up when a seventh would be due (96 s). */
#define LMN_MS_NOTIFY_RETRY 3
#define LMN_MS_NOTIFY_RETRY_MAX 60
#define LMN_MS_NOTIFY_TRIES 6
/* xTR-IDs whose last Map-Register nonce is remembered (the oldest is forgotten first). */
#define LMN_MS_NONCES_MAX 4096

/* One datagram to send. */
typedef struct {
  LmnEndpoint to;
  LmnEndpoint local;  /* the source address to use; family 0: the address the input that
                       * caused it was sent to */
  GBytes     *data;
} LmnDatagram;

void lmn_datagram_free (LmnDatagram *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnDatagram, lmn_datagram_free)

/* An unsolicited Map-Notify waiting for its Map-Notify-Ack. */
typedef struct {
  LispPrefix        prefix;   /* the registration it tells of */
  LmnEndpoint       to;
  LmnEndpoint       local;    /* sent from (family 0: any) */
  guint64           nonce;
  const LmnSiteKey *key;      /* the ack must verify with it */
  GBytes           *data;
  guint             sent;     /* transmissions so far */
  gint64            next;     /* seconds: the next retransmission, or giving up */
} LmnPendingNotify;

typedef enum {
  /* received */
  LMN_MS_RX_MAP_REQUEST,
  LMN_MS_RX_MAP_REPLY,
  LMN_MS_RX_MAP_REGISTER,
  LMN_MS_RX_MAP_NOTIFY,
  LMN_MS_RX_MAP_NOTIFY_ACK,
  LMN_MS_RX_ECM,
  LMN_MS_RX_INFO,
  LMN_MS_RX_OTHER,
  /* sent */
  LMN_MS_TX_MAP_NOTIFY,
  LMN_MS_TX_UNSOLICITED_NOTIFY,
  LMN_MS_TX_UNSOLICITED_NOTIFY_RETRANSMIT,
  LMN_MS_TX_AUTH_FAILED_NOTIFY,  /* an unauthenticated Map-Notify: "your key is wrong" */
  LMN_MS_TX_MAP_REPLY,
  LMN_MS_TX_NEGATIVE_REPLY,
  LMN_MS_TX_FORWARDED_ECM,
  /* registration events */
  LMN_MS_REGISTRATIONS_NEW,
  LMN_MS_REGISTRATIONS_REFRESHED,
  LMN_MS_REGISTRATIONS_MOVED,
  LMN_MS_REGISTRATIONS_EXPIRED,
  /* unsolicited Map-Notifys */
  LMN_MS_NOTIFY_ACKED,
  LMN_MS_NOTIFY_GAVE_UP,
  LMN_MS_REGISTRATIONS_WITHDRAWN,  /* record TTL 0 from the registrant */
  /* drops, by reason */
  LMN_MS_DROP_MALFORMED,
  LMN_MS_DROP_UNKNOWN_KEY_ID,
  LMN_MS_DROP_EID_NOT_ALLOWED,
  LMN_MS_DROP_BAD_MAC,
  LMN_MS_DROP_REPLAYED_REGISTER, /* authenticated, but its nonce is not above the last one */
  LMN_MS_DROP_UNEXPECTED_ACK,    /* a Map-Notify-Ack for no Map-Notify awaiting one */
  LMN_MS_DROP_UNSUPPORTED,       /* a message type or form we do not serve */
  LMN_MS_DROP_NO_ITR_RLOC,       /* a Map-Request without an IP ITR-RLOC to answer */
  LMN_MS_DROP_NO_ETR_LOCATOR,    /* a registration without an IP locator to forward to */
  LMN_MS_N_COUNTERS
} LmnMsCounter;

/* "rx-map-register", "drop-bad-mac" ... */
const char *lmn_ms_counter_name (LmnMsCounter c);

typedef struct _LmnMapServer LmnMapServer;

/* Takes ownership of the sites (LmnSite*). */
LmnMapServer *lmn_map_server_new  (GPtrArray *sites);
void          lmn_map_server_free (LmnMapServer *ms);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnMapServer, lmn_map_server_free)

/* Handles one datagram from `from` received at `now` (seconds, any monotonic clock) and
 * appends what to send (LmnDatagram*) to out. Returns TRUE when the state changed. */
gboolean lmn_map_server_handle (LmnMapServer *ms, const guint8 *msg, gsize len,
                                const LmnEndpoint *from, gint64 now, GPtrArray *out);
/* The same, for a datagram sent to our address `local` (may be NULL): retransmissions of
 * what it causes leave from there. */
gboolean lmn_map_server_handle_at (LmnMapServer *ms, const guint8 *msg, gsize len,
                                   const LmnEndpoint *from, const LmnEndpoint *local,
                                   gint64 now, GPtrArray *out);
/* Retransmits the unsolicited Map-Notifys that are due (appended to out) and gives up the
 * ones past their last try; call it every second. TRUE when the state changed. */
gboolean lmn_map_server_tick (LmnMapServer *ms, gint64 now, GPtrArray *out);
/* Seconds between the first retransmissions (default LMN_MS_NOTIFY_RETRY). */
void     lmn_map_server_set_notify_retry (LmnMapServer *ms, guint seconds);
/* LmnPendingNotify* */
const GPtrArray *lmn_map_server_pending_notifies (const LmnMapServer *ms);
/* Drops the registrations whose time is up; returns how many. */
guint    lmn_map_server_expire (LmnMapServer *ms, gint64 now);

const GPtrArray *lmn_map_server_sites         (const LmnMapServer *ms);
/* LmnSiteRegistration*, in no particular order */
const GPtrArray *lmn_map_server_registrations (const LmnMapServer *ms);
guint64          lmn_map_server_counter       (const LmnMapServer *ms, LmnMsCounter c);

/* The largest prefix holding (iid, family, addr) that overlaps no configured site prefix;
 * FALSE when the address lies inside a site. */
gboolean lmn_map_server_non_eid_prefix (const LmnMapServer *ms, guint32 iid, guint8 family,
                                        const guint8 *addr, LispPrefix *out);

/* The state as JSON (sites without their keys, registrations, counters). */
gchar   *lmn_map_server_to_json (const LmnMapServer *ms, gint64 now);

G_END_DECLS
