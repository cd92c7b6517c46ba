/* The Data-Map-Notify (NAT traversal, draft-ermagan-lisp-nat-traversal §4.5 and the WG
 * draft): the Map-Notify an RTR relays to a node behind a NAT as LISP data, so that it
 * comes back through the binding the node's data traffic opened. The UDP payload on port
 * 4341 is a data header with the I bit and instance ID 0xFFFFFF, then an IPv4 or IPv6
 * header, a UDP header and the Map-Notify: after the data header, exactly what follows an
 * Encapsulated Control Message's first word, so both are read by the same code. */
#pragma once

#include <glib.h>
#include "lisp-message.h"

G_BEGIN_DECLS

/* Decodes the whole UDP payload: the data header must carry instance ID 0xFFFFFF. *out gets
 * the inner addresses, ports and message as an LispEcm (its flags all clear). */
gboolean lisp_data_map_notify_decode (const guint8 *data, gsize len, LispEcm **out, GError **error);
/* The UDP payload carrying m's inner packet (m's ECM flags and security data are not
 * used): data header, inner IP and UDP headers with their checksums, message. */
GBytes *lisp_data_map_notify_encode (const LispEcm *m, GError **error);

G_END_DECLS
