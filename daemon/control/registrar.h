/* Registration of our EIDs with every configured map-server: a Map-Register (all EIDs,
 * all usable RLOCs, want-map-notify, proxy-reply, xTR-ID with site-ID 0) every 60 s and at
 * once when the RLOC set changes, retried while unacknowledged (see registration.h for the
 * per-server state machine). Map-Notifys arriving on the control sockets come here. */
#pragma once

#include <glib.h>
#include "node-config.h"
#include "control-counters.h"
#include "control-socket.h"
#include "local-rlocs.h"
#include "registration.h"

G_BEGIN_DECLS

typedef struct _LmnRegistrar LmnRegistrar;

/* Uses (does not own) everything passed; they must outlive it. Sends nothing yet. */
LmnRegistrar *lmn_registrar_new   (const LmnConfig *config, const LmnLocalRlocs *rlocs,
                                   LmnControlSockets *sockets, LmnControlCounters *counters);
void          lmn_registrar_free  (LmnRegistrar *registrar);
/* Registers with every map-server now (our RLOC set changed, or we just started). */
void          lmn_registrar_register_now (LmnRegistrar *registrar);
/* The same within LMN_REGISTER_COALESCE_MS: an uplink coming up reports its addresses one
 * by one, and one Map-Register with all of them beats a burst of partial ones. */
#define LMN_REGISTER_COALESCE_MS 100
void          lmn_registrar_register_soon (LmnRegistrar *registrar);
/* Withdraws our EIDs from every map-server we registered with (RFC 9301: a record
 * TTL of 0 asks the map-server to remove the mapping now instead of letting it time out in
 * 3 minutes): sent once, unacknowledged, when the node stops. */
void          lmn_registrar_deregister (LmnRegistrar *registrar);
/* A Map-Notify (type 4) received from from:port. */
void          lmn_registrar_handle_notify (LmnRegistrar *registrar, const guint8 *data, gsize len,
                                           const LmnIp *from, guint16 port, const LmnIp *local);
guint         lmn_registrar_n_servers (const LmnRegistrar *registrar);
/* Called when a map-server's state changes or it acknowledges a registration. */
typedef void (*LmnRegistrarChangedFunc) (gpointer user_data);
void          lmn_registrar_set_changed_func (LmnRegistrar *registrar, LmnRegistrarChangedFunc func,
                                              gpointer user_data);
const LmnRegistration *lmn_registrar_get (const LmnRegistrar *registrar, guint i);

/* NAT traversal (nat-traversal.c) registers through RTRs with the same records, xTR-ID and
 * nonce sequence as the Map-Registers sent here: */
/* The records of our next Map-Register (LispRecord*). */
GPtrArray *lmn_registrar_records (LmnRegistrar *registrar);
const guint8 *lmn_registrar_xtr_id (const LmnRegistrar *registrar);
/* A nonce above every earlier one: the map-server refuses a lower one as a replay. */
guint64 lmn_registrar_next_nonce (LmnRegistrar *registrar);
/* The nonce after last (pure): the upper 32 bits the wall clock's seconds, or one more than
 * last's when that is not above them, the lower 32 bits random. Strictly above last while
 * last's upper half is below 2^32 - 1. */
guint64 lmn_registrar_nonce_after (guint64 last, gint64 real_seconds, guint32 random);
/* When every usable RLOC goes through an RTR nothing is sent to map-server i directly: its
 * state is then that of path, our registration through an RTR. */
void lmn_registrar_follow_rtr_path (LmnRegistrar *registrar, guint i, const LmnRegistration *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnRegistrar, lmn_registrar_free)

G_END_DECLS
