/* The mobile node's own RLOCs: one per uplink and address family, each with the UDP sockets
 * its encapsulated packets leave from.
 *
 * Every socket is bound to its uplink device (SO_BINDTODEVICE) and address, so it follows
 * that uplink's own routes and ignores a default route through the TUN: packets never loop
 * back into lispmnd, and each uplink's traffic really leaves by that uplink. A small pool of
 * sockets per RLOC, each with its own ephemeral port, gives the outer UDP source port the
 * flow entropy RFC 9300 asks for (one flow, one socket) without raw sockets. */
#pragma once

#include <glib.h>
#include "node-config.h"
#include "netlink.h"

G_BEGIN_DECLS

#define LMN_SOCKETS_PER_RLOC 8

/* What NAT discovery found about an RLOC (the control plane's nat-traversal.c fills it in):
 * whether a NAT sits between it and the map-server, and the RTR its traffic and
 * registration go through when one does. */
typedef enum {
  LMN_RLOC_NAT_OFF,     /* nat-traversal=off: not looked for */
  LMN_RLOC_NAT_PROBING, /* the first Info-Request is outstanding */
  LMN_RLOC_NAT_UNKNOWN, /* no valid Info-Reply came */
  LMN_RLOC_NAT_PUBLIC,  /* the map-server saw our own address and port */
  LMN_RLOC_NAT_BEHIND,  /* it saw another: public_address:public_port */
} LmnRlocNatState;

typedef struct {
  LmnRlocNatState state;
  LmnIp public_address; /* family 0 unless behind a NAT */
  guint16 public_port;
  LmnIp rtr; /* family 0: none; else data and registration go there */
} LmnRlocNat;

/* "public", "behind-nat", "unknown", "probing", "off": the D-Bus API's words. */
const char *lmn_rloc_nat_state_name (LmnRlocNatState state);

typedef struct {
  const gchar *interface;   /* owned by the set */
  const gchar *connection;  /* the uplink's NetworkManager connection id, or NULL; owned too */
  int          ifindex;
  guint8       family;      /* 4 or 6 */
  guint8       addr[16];
  guint8       priority;
  guint8       weight;
  guint        link_mtu;    /* the uplink's MTU */
  gboolean     up;          /* carrier and an address: usable */
  gboolean     known;       /* it has had an address (addr is the last one) */
  guint8       ordinal;     /* position in the set: its locator-status bit */
  LmnRlocNat nat;           /* reset to probing when the address changes */
  int          fds[LMN_SOCKETS_PER_RLOC];
  guint16      ports[LMN_SOCKETS_PER_RLOC];
} LmnLocalRloc;

typedef struct _LmnLocalRlocs LmnLocalRlocs;

LmnLocalRlocs *lmn_local_rlocs_new      (void);
void           lmn_local_rlocs_free     (LmnLocalRlocs *set);
/* Declares an uplink (its slots start down); connection may be NULL. */
void           lmn_local_rlocs_add_uplink (LmnLocalRlocs *set, const char *interface,
                                           guint8 priority, guint8 weight,
                                           const char *connection);
/* Replaces the uplinks: those still listed keep their state (with the new priority and
 * weight), the others are closed, new ones start down. Ordinals follow the new order. */
void           lmn_local_rlocs_set_uplinks (LmnLocalRlocs *set, const LmnUplinkConfig *const *uplinks,
                                            guint n);
/* Applies the kernel's view of an uplink: picks a global address of each family (one added
 * since its last report, else the one in use, else the first),
 * (re)opens or closes the sockets. Returns TRUE when a usable RLOC came, went or changed.
 * A socket that cannot be opened leaves that RLOC down, with a warning naming why. */
gboolean       lmn_local_rlocs_update   (LmnLocalRlocs *set, const LmnLinkState *state);

guint          lmn_local_rlocs_size     (const LmnLocalRlocs *set);
const LmnLocalRloc *lmn_local_rlocs_get (const LmnLocalRlocs *set, guint i);
/* The RLOC a flow of this family leaves from (lowest priority, weight-proportional by
 * flow_hash), or NULL when no uplink of the family is up. */
const LmnLocalRloc *lmn_local_rlocs_choose (const LmnLocalRlocs *set, guint8 family,
                                            guint32 flow_hash);
gboolean       lmn_local_rlocs_has_family (const LmnLocalRlocs *set, guint8 family);
/* Whether addr is one of our usable RLOC addresses, or another address of an uplink with
 * carrier (one a newer address replaced: peers may still send to it). */
gboolean       lmn_local_rlocs_is_ours  (const LmnLocalRlocs *set, guint8 family,
                                         const guint8 *addr);
/* Takes the usable RLOCs, in order, as the locator set peers know: the one we just
 * registered (the same order as in our Map-Registers and Map-Replies). */
void           lmn_local_rlocs_advertise (LmnLocalRlocs *set);
/* The locator-status bits of the data header: bit n set while the n-th RLOC of the
 * advertised set is still usable (RFC 9300 §5.3: the bits follow the mapping peers hold). */
guint32        lmn_local_rlocs_status_bits (const LmnLocalRlocs *set);
/* Whether an RLOC of the advertised set is no longer usable, or was replaced by a newer
 * address of its uplink (peers may be sending to it, and should move now). */
gboolean       lmn_local_rlocs_lost_advertised (const LmnLocalRlocs *set);
/* Sets what NAT discovery found about RLOC i; TRUE when its RTR changed (the locator we
 * announce for it changes with it). */
gboolean lmn_local_rlocs_set_nat (LmnLocalRlocs *set, guint i, const LmnRlocNat *nat);
/* Whether RLOC r goes through an RTR. */
#define LMN_LOCAL_RLOC_VIA_RTR(r) ((r)->nat.rtr.family != 0)
/* Whether every usable RLOC goes through an RTR (and at least one is usable): the node then
 * sends everything to the RTRs and resolves nothing itself. */
gboolean lmn_local_rlocs_all_via_rtr (const LmnLocalRlocs *set);
/* The smallest MTU among usable uplinks, 0 when none is up. */
guint          lmn_local_rlocs_min_mtu  (const LmnLocalRlocs *set);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnLocalRlocs, lmn_local_rlocs_free)

G_END_DECLS
