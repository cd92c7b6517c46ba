/* The TUN device (IFF_TUN, IFF_NO_PI) that carries the EIDs' packets between the kernel
 * and lispmnd.
 *
 * Reads and writes take whole IP packets. The interface is batch-shaped on purpose: a
 * later version reads TCP super-packets with a virtio-net header (IFF_VNET_HDR, offloads)
 * behind the same calls. */
#pragma once

#include <glib.h>
#include <sys/uio.h>

G_BEGIN_DECLS

typedef struct _LmnTun LmnTun;

/* Creates (or attaches to) the TUN called name, non-blocking, not yet up. */
LmnTun     *lmn_tun_open      (const char *name, GError **error);
void        lmn_tun_close     (LmnTun *tun);
int         lmn_tun_fd        (const LmnTun *tun);
const char *lmn_tun_name      (const LmnTun *tun);
int         lmn_tun_ifindex   (const LmnTun *tun);
/* Sets the MTU and brings the link up (ioctl on the TUN itself: no netlink needed). */
gboolean    lmn_tun_set_mtu   (LmnTun *tun, guint mtu, GError **error);
gboolean    lmn_tun_set_up    (LmnTun *tun, gboolean up, GError **error);
/* One packet into buf (at most size bytes). Returns its length, 0 when nothing is waiting,
 * -1 with error set on a real failure. */
gssize      lmn_tun_read      (LmnTun *tun, guint8 *buf, gsize size, GError **error);
/* Writes one packet given as an I/O vector (a header and the payload need no copy). */
gboolean    lmn_tun_writev    (LmnTun *tun, const struct iovec *iov, int iovcnt, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnTun, lmn_tun_close)

G_END_DECLS
