/* Where lispmn-server's datagrams come from and go to: an IP address and a UDP port. The
 * map-server core speaks only of these; main.c turns them into sockets' addresses. */
#pragma once

#include <glib.h>
#include "lisp-address.h"
#include "lisp-prefix.h"

G_BEGIN_DECLS

typedef struct {
  guint8  family;    /* LISP_FAMILY_IPV4 or LISP_FAMILY_IPV6 */
  guint8  addr[16];
  guint16 port;
} LmnEndpoint;

/* "192.0.2.1:4342", "[2001:db8::1]:4342" */
gchar   *lmn_endpoint_to_string    (const LmnEndpoint *e);
/* The IP address of a locator or ITR-RLOC as an endpoint; FALSE when it has none. */
gboolean lmn_endpoint_from_address (const LispAddress *a, guint16 port, LmnEndpoint *out);
/* The endpoint's address as a LISP address (IPv4 or IPv6). */
LispAddress *lmn_endpoint_to_address (const LmnEndpoint *e);
/* The same host, whatever the port. */
gboolean lmn_endpoint_same_host    (const LmnEndpoint *a, const LmnEndpoint *b);

G_END_DECLS
