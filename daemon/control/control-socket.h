/* The control plane's UDP 4342 sockets: one per usable local RLOC, bound to (RLOC, 4342)
 * and to the RLOC's uplink (SO_BINDTODEVICE), so control messages leave by the uplink whose
 * address they carry and never loop into the TUN. They follow the RLOC set: sync() after
 * every change opens, moves and closes them. Received datagrams go to one callback with
 * their LISP message type already read. */
#pragma once

#include <glib.h>
#include "lmn-ip.h"
#include "local-rlocs.h"

G_BEGIN_DECLS

typedef struct _LmnControlSockets LmnControlSockets;

/* from/from_port: the sender; local: our RLOC it was sent to. type: lisp_message_type(). */
typedef void (*LmnControlRecvFunc) (guint type, const guint8 *data, gsize len,
                                    const LmnIp *from, guint16 from_port, const LmnIp *local,
                                    gpointer user_data);

/* port: what the sockets bind to, LISP_CONTROL_PORT or 0 for an ephemeral one. */
LmnControlSockets *lmn_control_sockets_new  (guint16 port, LmnControlRecvFunc func,
                                             gpointer user_data);
void               lmn_control_sockets_free (LmnControlSockets *cs);
/* One socket per usable RLOC of rlocs, no other. Returns TRUE when the set changed. A
 * socket that cannot be opened is left out with a warning. */
gboolean           lmn_control_sockets_sync (LmnControlSockets *cs, const LmnLocalRlocs *rlocs);
/* Sends from local's socket when local is one of ours, else from the first socket of the
 * destination's family. FALSE with an error when there is none or sendto fails. */
gboolean           lmn_control_sockets_send (LmnControlSockets *cs, const LmnIp *local,
                                             const LmnIp *dst, guint16 port,
                                             const guint8 *data, gsize len, GError **error);
/* The local address the family's first socket is bound to (for an ECM's inner source). */
gboolean           lmn_control_sockets_local (LmnControlSockets *cs, guint8 family, LmnIp *out);
/* Number of open sockets. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnControlSockets, lmn_control_sockets_free)

G_END_DECLS
