#include "control-socket.h"

#include "lisp-message.h"
#include "lmn-ip.h"

#include <gio/gio.h>
#include <glib-unix.h>

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_DATAGRAM 9216

typedef struct {
  LmnControlSockets *owner;
  gchar  *interface;
  LmnIp   local;
  int     fd;
  guint   watch;
} ControlSocket;

struct _LmnControlSockets {
  LmnControlRecvFunc func;
  gpointer           user_data;
  GPtrArray         *sockets;   /* ControlSocket* */
  guint16            port;      /* bound to; 0 = ephemeral */
};

static void
control_socket_free (ControlSocket *s)
{
  g_clear_handle_id (&s->watch, g_source_remove);
  if (s->fd >= 0)
    close (s->fd);
  g_free (s->interface);
  g_free (s);
}

static gboolean
on_readable (int fd, GIOCondition cond, gpointer user_data)
{
  ControlSocket *s = user_data;
  LmnControlSockets *cs = s->owner;
  /* A few datagrams per wake-up, then back to the loop: control traffic is light. */
  for (guint i = 0; i < 16; i++)
    {
      guint8 buf[MAX_DATAGRAM];
      struct sockaddr_storage ss;
      socklen_t sl = sizeof ss;
      LmnIp from;
      guint16 port;
      ssize_t n = recvfrom (fd, buf, sizeof buf, 0, (struct sockaddr *) &ss, &sl);

      if (n < 0)
        break;
      if (!lmn_ip_from_sockaddr ((struct sockaddr *) &ss, &from, &port))
        continue;
      cs->func (lisp_message_type (buf, (gsize) n), buf, (gsize) n, &from, port, &s->local,
                cs->user_data);
      /* The callback may have synced the sockets and freed this one. */
      if (!g_ptr_array_find (cs->sockets, s, NULL))
        return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static int
open_control_socket (const char *interface, const LmnIp *local, guint16 port, GError **error)
{
  int fd = socket (lmn_ip_family_to_af (local->family), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   IPPROTO_UDP);
  int one = 1;
  struct sockaddr_storage ss;
  socklen_t sl;

  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "socket: %s", g_strerror (errno));
      return -1;
    }
  if (local->family == 6)
    setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  else /* the address's local route may not be in yet (local-rlocs.c, open_socket) */
    setsockopt (fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof one);
  lmn_ip_to_sockaddr (local, port, &ss, &sl);
  /* REUSEADDR: a peer daemon in the same namespace (or our own previous socket of an
   * address that came back) may hold the port on another address. */
  if (setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
      setsockopt (fd, SOL_SOCKET, SO_BINDTODEVICE, interface, strlen (interface)) < 0 ||
      bind (fd, (struct sockaddr *) &ss, sl) < 0)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
      return -1;
    }
  return fd;
}

LmnControlSockets *
lmn_control_sockets_new (guint16 port, LmnControlRecvFunc func, gpointer user_data)
{
  LmnControlSockets *cs = g_new0 (LmnControlSockets, 1);

  cs->port = port;
  cs->func = func;
  cs->user_data = user_data;
  cs->sockets = g_ptr_array_new_with_free_func ((GDestroyNotify) control_socket_free);
  return cs;
}

void
lmn_control_sockets_free (LmnControlSockets *cs)
{
  if (cs == NULL)
    return;
  g_ptr_array_unref (cs->sockets);
  g_free (cs);
}

static gboolean
socket_matches (const ControlSocket *s, const LmnLocalRloc *r)
{
  return g_strcmp0 (s->interface, r->interface) == 0 && s->local.family == r->family &&
         memcmp (s->local.addr, r->addr, lmn_ip_family_len (r->family)) == 0;
}

gboolean
lmn_control_sockets_sync (LmnControlSockets *cs, const LmnLocalRlocs *rlocs)
{
  gboolean changed = FALSE;

  /* Close what is no longer a usable RLOC. */
  for (guint i = cs->sockets->len; i-- > 0;)
    {
      ControlSocket *s = g_ptr_array_index (cs->sockets, i);
      gboolean keep = FALSE;

      for (guint j = 0; j < lmn_local_rlocs_size (rlocs) && !keep; j++)
        {
          const LmnLocalRloc *r = lmn_local_rlocs_get (rlocs, j);

          keep = r->up && socket_matches (s, r);
        }
      if (!keep)
        {
          g_ptr_array_remove_index (cs->sockets, i);
          changed = TRUE;
        }
    }
  /* Open the new ones, in the RLOC set's order. */
  for (guint j = 0; j < lmn_local_rlocs_size (rlocs); j++)
    {
      const LmnLocalRloc *r = lmn_local_rlocs_get (rlocs, j);
      g_autoptr(GError) error = NULL;
      gboolean have = FALSE;
      ControlSocket *s;
      LmnIp local = { .family = r->family };
      int fd;

      if (!r->up)
        continue;
      for (guint i = 0; i < cs->sockets->len && !have; i++)
        have = socket_matches (g_ptr_array_index (cs->sockets, i), r);
      if (have)
        continue;
      memcpy (local.addr, r->addr, lmn_ip_family_len (r->family));
      fd = open_control_socket (r->interface, &local, cs->port, &error);
      if (fd < 0)
        {
          g_warning ("uplink %s: cannot open the IPv%u control socket (UDP %u): %s", r->interface,
                     r->family, cs->port, error->message);
          continue;
        }
      s = g_new0 (ControlSocket, 1);
      s->owner = cs;
      s->interface = g_strdup (r->interface);
      s->local = local;
      s->fd = fd;
      s->watch = g_unix_fd_add (fd, G_IO_IN, on_readable, s);
      g_ptr_array_add (cs->sockets, s);
      changed = TRUE;
    }
  return changed;
}

static ControlSocket *
find_socket (LmnControlSockets *cs, const LmnIp *local, guint8 family)
{
  if (local != NULL)
    for (guint i = 0; i < cs->sockets->len; i++)
      {
        ControlSocket *s = g_ptr_array_index (cs->sockets, i);

        if (s->local.family == local->family &&
            memcmp (s->local.addr, local->addr, lmn_ip_family_len (local->family)) == 0)
          return s;
      }
  for (guint i = 0; i < cs->sockets->len; i++)
    {
      ControlSocket *s = g_ptr_array_index (cs->sockets, i);

      if (s->local.family == family)
        return s;
    }
  return NULL;
}

gboolean
lmn_control_sockets_send (LmnControlSockets *cs, const LmnIp *local, const LmnIp *dst,
                          guint16 port, const guint8 *data, gsize len, GError **error)
{
  ControlSocket *s = find_socket (cs, local, dst->family);
  struct sockaddr_storage ss;
  socklen_t sl;

  if (s != NULL && s->local.family != dst->family)
    s = find_socket (cs, NULL, dst->family);
  if (s == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE,
                   "no usable IPv%u RLOC to send from", dst->family);
      return FALSE;
    }
  lmn_ip_to_sockaddr (dst, port, &ss, &sl);
  if (sendto (s->fd, data, len, 0, (struct sockaddr *) &ss, sl) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "sendto: %s",
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
lmn_control_sockets_local (LmnControlSockets *cs, guint8 family, LmnIp *out)
{
  ControlSocket *s = find_socket (cs, NULL, family);

  if (s == NULL)
    return FALSE;
  *out = s->local;
  return TRUE;
}
