/* The TUN device (tun.h): creation with or without offloads, MTU and link state, and
 * reads and writes through the virtio-net header when the device has one. */
#include "tun.h"

#include "vnet-header.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

struct _LmnTun {
  int    fd;
  int    ctl;       /* an AF_INET datagram socket: the handle for interface ioctls */
  gchar *name;
  int    ifindex;
  gboolean vnet;    /* every packet is preceded by a virtio-net header */
  gboolean offload; /* ... and the kernel hands us super-packets and partial checksums */
};

static gboolean
set_errno_error (GError **error, int saved, const char *format, const char *name)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), format, name, g_strerror (saved));
  return FALSE;
}

/* The offloads lispmnd can take: partial checksums and TCP super-packets (with ECN). */
#define OFFLOADS (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN)

/* TUNSETIFF, with a virtio-net header and offloads when asked for and the kernel has them;
 * without, and one log line saying why, when it has not. */
static gboolean
create (LmnTun *tun, const char *name, gboolean want_offload, GError **error)
{
  struct ifreq ifr = { 0 };

  ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (want_offload ? IFF_VNET_HDR : 0);
  g_strlcpy (ifr.ifr_name, name, IFNAMSIZ);
  if (ioctl (tun->fd, TUNSETIFF, &ifr) < 0)
    {
      /* A kernel without IFF_VNET_HDR refuses the unknown flag as invalid. */
      if (!want_offload || errno != EINVAL)
        return set_errno_error (error, errno, "cannot create TUN device %s: %s", name);
      g_message ("TUN %s: no offloads (IFF_VNET_HDR refused: %s): one packet per read", name,
                 g_strerror (errno));
      return create (tun, name, FALSE, error);
    }
  tun->vnet = want_offload;
  if (tun->vnet && ioctl (tun->fd, TUNSETOFFLOAD, (unsigned long) OFFLOADS) < 0)
    g_message ("TUN %s: no offloads (TUNSETOFFLOAD refused: %s): one packet per read", name,
               g_strerror (errno));
  else
    tun->offload = tun->vnet;
  return TRUE;
}

gboolean
lmn_tun_offload_wanted (void)
{
  const char *env = g_getenv ("LISPMN_OFFLOAD");

  return env == NULL || g_strcmp0 (env, "off") != 0;
}

LmnTun *
lmn_tun_open (const char *name, GError **error)
{
  gboolean wanted = lmn_tun_offload_wanted ();

  if (!wanted)
    g_message ("TUN %s: offloads off (LISPMN_OFFLOAD=off): one packet per read", name);
  return lmn_tun_open_full (name, wanted, error);
}

LmnTun *
lmn_tun_open_full (const char *name, gboolean want_offload, GError **error)
{
  g_autoptr(LmnTun) tun = g_new0 (LmnTun, 1);

  tun->fd = tun->ctl = -1;
  if (strlen (name) >= IFNAMSIZ)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "TUN name '%s' is longer than %d characters", name, IFNAMSIZ - 1);
      return NULL;
    }
  tun->fd = open ("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (tun->fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot open /dev/net/tun: %s%s", g_strerror (saved),
                   saved == ENOENT ? " (is the tun module loaded?)" :
                   saved == EACCES || saved == EPERM ? " (lispmnd needs CAP_NET_ADMIN)" : "");
      return NULL;
    }
  if (!create (tun, name, want_offload, error))
    return NULL;
  tun->name = g_strdup (name);
  tun->ifindex = (int) if_nametoindex (tun->name);
  tun->ctl = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (tun->ctl < 0 || tun->ifindex == 0)
    {
      set_errno_error (error, errno, "TUN device %s: %s", tun->name);
      return NULL;
    }
  return g_steal_pointer (&tun);
}

void
lmn_tun_close (LmnTun *tun)
{
  if (tun == NULL)
    return;
  if (tun->fd >= 0)
    close (tun->fd);
  if (tun->ctl >= 0)
    close (tun->ctl);
  g_free (tun->name);
  g_free (tun);
}

int
lmn_tun_fd (const LmnTun *tun)
{
  return tun->fd;
}

const char *
lmn_tun_name (const LmnTun *tun)
{
  return tun->name;
}

int
lmn_tun_ifindex (const LmnTun *tun)
{
  return tun->ifindex;
}

gboolean
lmn_tun_set_mtu (LmnTun *tun, guint mtu, GError **error)
{
  struct ifreq ifr = { 0 };

  g_strlcpy (ifr.ifr_name, tun->name, IFNAMSIZ);
  ifr.ifr_mtu = (int) mtu;
  if (ioctl (tun->ctl, SIOCSIFMTU, &ifr) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot set the MTU of %s to %u: %s", tun->name, mtu, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
lmn_tun_set_up (LmnTun *tun, gboolean up, GError **error)
{
  struct ifreq ifr = { 0 };

  g_strlcpy (ifr.ifr_name, tun->name, IFNAMSIZ);
  if (ioctl (tun->ctl, SIOCGIFFLAGS, &ifr) < 0)
    return set_errno_error (error, errno, "cannot read the flags of %s: %s", tun->name);
  if (up)
    ifr.ifr_flags |= IFF_UP;
  else
    ifr.ifr_flags &= ~IFF_UP;
  if (ioctl (tun->ctl, SIOCSIFFLAGS, &ifr) < 0)
    return set_errno_error (error, errno, "cannot bring %s up or down: %s", tun->name);
  return TRUE;
}

gboolean
lmn_tun_has_offload (const LmnTun *tun)
{
  return tun->offload;
}

gssize
lmn_tun_read_vnet (LmnTun *tun, LmnVnetHdr *vnet, guint8 *buf, gsize size, GError **error)
{
  guint8 hdr[LMN_VNET_HDR_SIZE];
  struct iovec iov[2] = { { hdr, sizeof hdr }, { buf, size } };

  for (;;)
    {
      gssize n = tun->vnet ? readv (tun->fd, iov, 2) : read (tun->fd, buf, size);

      if (n >= 0 && !tun->vnet)
        {
          memset (vnet, 0, sizeof *vnet);
          return n;
        }
      if (n >= LMN_VNET_HDR_SIZE)
        {
          lmn_vnet_hdr_decode (hdr, vnet);
          return n - LMN_VNET_HDR_SIZE;
        }
      if (n >= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "reading from %s: %zd bytes, shorter than a virtio-net header", tun->name,
                       n);
          return -1;
        }
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return 0;
      set_errno_error (error, errno, "reading from %s: %s", tun->name);
      return -1;
    }
}

gssize
lmn_tun_read (LmnTun *tun, guint8 *buf, gsize size, GError **error)
{
  LmnVnetHdr vnet;
  const char *why;
  gssize n = lmn_tun_read_vnet (tun, &vnet, buf, size, error);

  if (n > 0 && vnet.gso_type == LMN_VNET_GSO_NONE && (vnet.flags & LMN_VNET_F_NEEDS_CSUM) &&
      lmn_vnet_hdr_check (&vnet, buf, (gsize) n, &why))
    lmn_vnet_complete_checksum (&vnet, buf, (gsize) n);
  return n;
}

gboolean
lmn_tun_writev_vnet (LmnTun *tun, const LmnVnetHdr *vnet, const struct iovec *iov, int iovcnt,
                     GError **error)
{
  static const LmnVnetHdr none = { 0 };
  guint8 hdr[LMN_VNET_HDR_SIZE];
  struct iovec all[LMN_TUN_IOV_MAX + 1];

  if (!tun->vnet)
    return lmn_tun_writev (tun, iov, iovcnt, error);
  if (iovcnt > LMN_TUN_IOV_MAX)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "writing to %s: %d pieces, at most %d", tun->name, iovcnt, LMN_TUN_IOV_MAX);
      return FALSE;
    }
  lmn_vnet_hdr_encode (vnet != NULL ? vnet : &none, hdr);
  all[0].iov_base = hdr;
  all[0].iov_len = sizeof hdr;
  memcpy (all + 1, iov, sizeof *iov * (gsize) iovcnt);
  for (;;)
    {
      if (writev (tun->fd, all, iovcnt + 1) >= 0)
        return TRUE;
      if (errno != EINTR)
        return set_errno_error (error, errno, "writing to %s: %s", tun->name);
    }
}

gboolean
lmn_tun_writev (LmnTun *tun, const struct iovec *iov, int iovcnt, GError **error)
{
  if (tun->vnet)
    return lmn_tun_writev_vnet (tun, NULL, iov, iovcnt, error);
  for (;;)
    {
      if (writev (tun->fd, iov, iovcnt) >= 0)
        return TRUE;
      if (errno != EINTR)
        return set_errno_error (error, errno, "writing to %s: %s", tun->name);
    }
}
