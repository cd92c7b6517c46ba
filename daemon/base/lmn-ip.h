/* An IP address without prefix length (an RLOC, a map-server, a resolver), and the few rules
 * every part of both daemons needs about addresses: the LISP family (4, 6) against the
 * socket family (AF_INET, AF_INET6), the text form, and the socket address. One place for
 * them, so that no file spells `family == 4 ? AF_INET : AF_INET6` or inet_ntop again. */
#pragma once

#include <gio/gio.h>
#include <netinet/in.h>
#include <sys/socket.h>

G_BEGIN_DECLS

typedef struct {
  guint8 family;     /* LISP_FAMILY_IPV4 or LISP_FAMILY_IPV6 */
  guint8 addr[16];
} LmnIp;

/* Room for the text of any address, its terminating NUL included. */
#define LMN_IP_TEXT_MAX INET6_ADDRSTRLEN

/* "192.0.2.1", "2001:db8::1" (strict: dotted quads only for IPv4); the error is
 * "'TEXT' is not an IPv4 or IPv6 address" (G_IO_ERROR_INVALID_ARGUMENT). */
gboolean     lmn_ip_parse           (const char *text, LmnIp *out, GError **error);
gchar       *lmn_ip_to_string       (const LmnIp *ip);
gboolean     lmn_ip_equal           (const LmnIp *a, const LmnIp *b);
/* For hash tables keyed by LmnIp* (with lmn_ip_equal). */
guint        lmn_ip_hash            (const LmnIp *ip);

/* LISP_FAMILY_IPV4 ↔ AF_INET, LISP_FAMILY_IPV6 ↔ AF_INET6; lmn_ip_family_from_af gives 0
 * for any other socket family. */
int          lmn_ip_family_to_af    (guint8 family);
guint8       lmn_ip_family_from_af  (int af);
/* The bytes an address of the family takes: 4 or 16. */
gsize        lmn_ip_family_len      (guint8 family);

/* The text of the address of family at addr (4 or 16 bytes), written into buf. */
const char  *lmn_ip_bytes_to_text   (guint8 family, const guint8 *addr,
                                     char buf[LMN_IP_TEXT_MAX]);

/* The socket address of the address of family at addr and port (host order). */
void         lmn_ip_bytes_to_sockaddr (guint8 family, const guint8 *addr, guint16 port,
                                       struct sockaddr_storage *ss, socklen_t *len);
void         lmn_ip_to_sockaddr     (const LmnIp *ip, guint16 port, struct sockaddr_storage *ss,
                                     socklen_t *len);
/* FALSE for a socket address that is neither IPv4 nor IPv6; port may be NULL. */
gboolean     lmn_ip_from_sockaddr   (const struct sockaddr *sa, LmnIp *ip, guint16 *port);

G_END_DECLS
