/* The kernel's view of interfaces and addresses, through libnl-3 (NETLINK_ROUTE):
 *
 *  - following uplinks: their index, carrier (IFF_LOWER_UP) and global addresses, live,
 *    reported through one callback as soon as the kernel announces a change;
 *  - managing the TUN when NetworkManager does not: EID addresses and routes through it.
 *
 * The monitor is a GSource on the netlink socket in the thread-default main context: no
 * polling, no thread. */
#pragma once

#include <glib.h>
#include "lmn-ip.h"
#include "lisp-prefix.h"

G_BEGIN_DECLS

typedef struct {
  gchar   *name;
  int      ifindex;       /* 0 while the interface does not exist */
  gboolean carrier;       /* IFF_UP and IFF_LOWER_UP */
  guint    mtu;
  GArray  *addresses;     /* LmnIp: global unicast addresses (no link-local, no tentative
                             or deprecated IPv6, no loopback) */
} LmnLinkState;

typedef struct _LmnNetlink LmnNetlink;

/* Called with the new state of a watched interface whenever its carrier, MTU or addresses
 * change (and once when the watch starts). May be NULL when only adding and removing
 * addresses and routes. */
typedef void (*LmnLinkChangedFunc) (const LmnLinkState *state, gpointer user_data);

LmnNetlink *lmn_netlink_new          (LmnLinkChangedFunc func, gpointer user_data, GError **error);
void        lmn_netlink_free         (LmnNetlink *nl);
/* Starts following an interface by name; it may not exist yet. */
gboolean    lmn_netlink_watch        (LmnNetlink *nl, const char *ifname, GError **error);
void        lmn_netlink_unwatch      (LmnNetlink *nl, const char *ifname);
const LmnLinkState *lmn_netlink_get  (LmnNetlink *nl, const char *ifname);
/* How often the monitor lost events (its socket buffer overran: ENOBUFS) and read every
 * watched interface again; for status output and tests. */
guint       lmn_netlink_get_resyncs  (LmnNetlink *nl);

/* Adds (or, with add FALSE, removes) an address or a route on an interface. An address that
 * is already there, or a route that already exists, is not an error. */
gboolean    lmn_netlink_address      (LmnNetlink *nl, int ifindex, const LispPrefix *prefix,
                                      gboolean add, GError **error);
gboolean    lmn_netlink_route        (LmnNetlink *nl, int ifindex, const LispPrefix *prefix,
                                      const LmnIp *source, guint metric, gboolean add,
                                      GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnNetlink, lmn_netlink_free)

G_END_DECLS
