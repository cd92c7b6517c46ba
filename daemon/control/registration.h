/* Our registration with one map-server, as a state machine without I/O or clock: the
 * registrar (registrar.c) feeds it the Map-Registers it sends, the Map-Notifys that arrive
 * and its timer's expiries, with the time passed in, and sends what it returns.
 *
 *   registering --Map-Notify (MAC ok, our nonce)--> registered
 *        |  no Map-Notify after 3 tries                 ^
 *        v                                              | Map-Notify ok
 *   unreachable (retrying at up to 60 s) ---------------+
 *   3 consecutive Map-Notifys failing authentication --> auth-failed (until one verifies)
 *
 * Retries follow 3, 6, 12 ... 60 s; a registration is refreshed every 60 s. */
#pragma once

#include <glib.h>
#include "node-config.h"
#include "lisp-message.h"

G_BEGIN_DECLS

#define LMN_REGISTER_REFRESH      60  /* seconds between Map-Registers */
#define LMN_REGISTER_RETRY_FIRST   3  /* seconds to wait for a Map-Notify first */
#define LMN_REGISTER_RETRY_CAP    60
#define LMN_REGISTER_TRIES         3  /* unanswered Map-Registers before "unreachable" */
#define LMN_REGISTER_AUTH_FAILURES 3  /* bad Map-Notifys in a row before "auth-failed" */
#define LMN_REGISTER_OLD_NONCES    8  /* earlier Map-Register nonces whose Map-Notifys are replays */

typedef enum {
  LMN_REG_REGISTERING,
  LMN_REG_REGISTERED,
  LMN_REG_AUTH_FAILED,
  LMN_REG_UNREACHABLE,
} LmnRegState;

typedef enum {
  LMN_NOTIFY_ACCEPTED,    /* our last Map-Register was acknowledged */
  LMN_NOTIFY_AUTH_FAILED, /* wrong MAC or algorithm: ignored */
  LMN_NOTIFY_UNSOLICITED, /* MAC fine, nonce not ours: answer with the Map-Notify-Ack */
  LMN_NOTIFY_REPLAYED,    /* MAC fine, but for a Map-Register already acknowledged or
                           * superseded: an old message sent again, ignored */
  LMN_NOTIFY_MALFORMED,
} LmnNotifyVerdict;

typedef struct {
  const LmnMapServerConfig *server;   /* not owned */
  LmnRegState state;
  guint64     nonce;          /* of the last Map-Register */
  gboolean    awaiting;       /* that Map-Register has not been acknowledged yet */
  guint       tries;          /* Map-Registers unanswered in a row */
  guint       auth_failures;  /* Map-Notifys failing authentication in a row */
  gint64      last_sent;      /* monotonic µs, 0 = never */
  gint64      last_notify;    /* monotonic µs of the last accepted Map-Notify, 0 = never */
  gchar      *last_error;     /* NULL when none; never holds the key */
  guint64     old_nonces[LMN_REGISTER_OLD_NONCES];  /* of the Map-Registers before the last */
} LmnRegistration;

LmnRegistration *lmn_registration_new   (const LmnMapServerConfig *server);
void             lmn_registration_free  (LmnRegistration *reg);
const char      *lmn_registration_state_name (LmnRegState state);

/* The Map-Register of records (LispRecord*), with nonce, authenticated with the server's
 * key; from now on only a Map-Notify with this nonce acknowledges it. */
GBytes          *lmn_registration_build (LmnRegistration *reg, const GPtrArray *records,
                                         const guint8 xtr_id[16], guint64 nonce, gint64 now,
                                         GError **error);
/* The timer expired while a Map-Register was unanswered: counts the miss. */
void             lmn_registration_missed (LmnRegistration *reg);
/* Seconds until the timer should fire after a Map-Register was sent (or acknowledged). */
guint            lmn_registration_next_delay (const LmnRegistration *reg);
/* Our mapping changed: the next retries start again from the shortest delay. */
void             lmn_registration_reset_backoff (LmnRegistration *reg);
/* A Map-Notify from this server. For LMN_NOTIFY_UNSOLICITED *ack holds the Map-Notify-Ack
 * to send back (same nonce and records, MAC recomputed). */
LmnNotifyVerdict lmn_registration_notify (LmnRegistration *reg, const guint8 *data, gsize len,
                                          gint64 now, GBytes **ack);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnRegistration, lmn_registration_free)

G_END_DECLS
