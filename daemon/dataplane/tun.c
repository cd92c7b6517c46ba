#include "tun.h"

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
};

static gboolean
set_errno_error (GError **error, int saved, const char *format, const char *name)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), format, name, g_strerror (saved));
  return FALSE;
}

LmnTun *
lmn_tun_open (const char *name, GError **error)
{
  g_autoptr(LmnTun) tun = g_new0 (LmnTun, 1);
  struct ifreq ifr = { 0 };

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
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  g_strlcpy (ifr.ifr_name, name, IFNAMSIZ);
  if (ioctl (tun->fd, TUNSETIFF, &ifr) < 0)
    {
      set_errno_error (error, errno, "cannot create TUN device %s: %s", name);
      return NULL;
    }
  tun->name = g_strdup (ifr.ifr_name);
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

gssize
lmn_tun_read (LmnTun *tun, guint8 *buf, gsize size, GError **error)
{
  for (;;)
    {
      gssize n = read (tun->fd, buf, size);

      if (n >= 0)
        return n;
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return 0;
      set_errno_error (error, errno, "reading from %s: %s", tun->name);
      return -1;
    }
}

gboolean
lmn_tun_writev (LmnTun *tun, const struct iovec *iov, int iovcnt, GError **error)
{
  for (;;)
    {
      if (writev (tun->fd, iov, iovcnt) >= 0)
        return TRUE;
      if (errno != EINTR)
        return set_errno_error (error, errno, "writing to %s: %s", tun->name);
    }
}
