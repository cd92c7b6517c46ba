/* The TUN device (IFF_TUN, IFF_NO_PI) that carries the EIDs' packets between the kernel
 * and lispmnd.
 *
 * Opened with offloads (the default; LISPMN_OFFLOAD=off in the environment turns them
 * off), the TUN has IFF_VNET_HDR and TUNSETOFFLOAD (TUN_F_CSUM, TSO4, TSO6, TSO_ECN): the
 * kernel hands over TCP super-packets of up to 64 KiB and packets with partial checksums,
 * each behind a virtio-net header (vnet-header.h), and takes such packets back. A kernel
 * that refuses them gets a plain TUN and one log line saying so. */
#pragma once

#include <glib.h>
#include <sys/uio.h>
#include "vnet-header.h"

G_BEGIN_DECLS

typedef struct _LmnTun LmnTun;

#define LMN_TUN_IOV_MAX 72 /* pieces of one packet written */

/* Creates (or attaches to) the TUN called name, non-blocking, not yet up; with offloads
 * unless lmn_tun_offload_wanted says otherwise. */
LmnTun     *lmn_tun_open      (const char *name, GError **error);
/* ... with offloads only when want_offload (and the kernel has them). */
LmnTun *lmn_tun_open_full (const char *name, gboolean want_offload, GError **error);
/* FALSE when the environment says LISPMN_OFFLOAD=off: the test hook for the fallback. */
gboolean lmn_tun_offload_wanted (void);
/* Whether the kernel hands us super-packets and partial checksums. */
gboolean lmn_tun_has_offload (const LmnTun *tun);
void        lmn_tun_close     (LmnTun *tun);
int         lmn_tun_fd        (const LmnTun *tun);
const char *lmn_tun_name      (const LmnTun *tun);
int         lmn_tun_ifindex   (const LmnTun *tun);
/* Sets the MTU and brings the link up (ioctl on the TUN itself: no netlink needed). */
gboolean    lmn_tun_set_mtu   (LmnTun *tun, guint mtu, GError **error);
gboolean    lmn_tun_set_up    (LmnTun *tun, gboolean up, GError **error);
/* One packet into buf (at most size bytes). Returns its length, 0 when nothing is waiting,
 * -1 with error set on a real failure. A partial checksum is completed; a super-packet is
 * returned as read (lmn_tun_read_vnet is the call for a TUN with offloads). */
gssize      lmn_tun_read      (LmnTun *tun, guint8 *buf, gsize size, GError **error);
/* The same, with the packet's virtio-net header in *vnet (zeros on a TUN without) and the
 * packet as the kernel gave it. */
gssize lmn_tun_read_vnet (LmnTun *tun, LmnVnetHdr *vnet, guint8 *buf, gsize size, GError **error);
/* Writes one packet given as an I/O vector (a header and the payload need no copy). */
gboolean    lmn_tun_writev    (LmnTun *tun, const struct iovec *iov, int iovcnt, GError **error);
/* ... behind the virtio-net header vnet (NULL: a whole, checksummed packet); at most
 * LMN_TUN_IOV_MAX pieces. */
gboolean lmn_tun_writev_vnet (LmnTun *tun, const LmnVnetHdr *vnet, const struct iovec *iov,
                              int iovcnt, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnTun, lmn_tun_close)

G_END_DECLS
