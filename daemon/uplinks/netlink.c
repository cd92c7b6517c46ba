#include "netlink.h"

#include "lmn-ip.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <linux/if_addr.h>
#include <linux/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

struct _LmnNetlink {
  struct nl_sock     *monitor;   /* subscribed to link and address events */
  struct nl_sock     *request;   /* dumps, and adding or removing addresses and routes */
  guint               watch;
  GHashTable         *links;     /* name -> LmnLinkState*: the watched interfaces */
  LmnLinkChangedFunc  func;
  gpointer            user_data;
  guint               resyncs;   /* times events were lost and everything was read again */
};

static void
link_state_free (LmnLinkState *state)
{
  g_free (state->name);
  g_array_unref (state->addresses);
  g_free (state);
}

static gboolean
set_nl_error (GError **error, int err, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what, nl_geterror (err));
  return FALSE;
}

static LmnLinkState *
state_by_ifindex (LmnNetlink *nl, int ifindex)
{
  GHashTableIter iter;
  LmnLinkState *state;

  g_hash_table_iter_init (&iter, nl->links);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
    if (state->ifindex == ifindex && ifindex != 0)
      return state;
  return NULL;
}

/* A usable RLOC address: global scope, and for IPv6 past duplicate address detection. */
static gboolean
address_usable (struct rtnl_addr *addr)
{
  unsigned int flags = rtnl_addr_get_flags (addr);

  if (rtnl_addr_get_scope (addr) != RT_SCOPE_UNIVERSE)
    return FALSE;
  if (rtnl_addr_get_family (addr) == AF_INET6 &&
      (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_DEPRECATED)) != 0)
    return FALSE;
  return TRUE;
}

static gboolean
address_to_ip (struct rtnl_addr *addr, LmnIp *ip)
{
  struct nl_addr *local = rtnl_addr_get_local (addr);
  int family = rtnl_addr_get_family (addr);

  memset (ip, 0, sizeof *ip);
  ip->family = lmn_ip_family_from_af (family);
  if (local == NULL || ip->family == 0 || nl_addr_get_len (local) != lmn_ip_family_len (ip->family))
    return FALSE;
  memcpy (ip->addr, nl_addr_get_binary_addr (local), nl_addr_get_len (local));
  return TRUE;
}

static gint
find_ip (GArray *addresses, const LmnIp *ip)
{
  for (guint i = 0; i < addresses->len; i++)
    {
      const LmnIp *a = &g_array_index (addresses, LmnIp, i);

      if (lmn_ip_equal (a, ip))
        return (gint) i;
    }
  return -1;
}

/* Adds or removes one address of a watched link; TRUE when that changed the set. */
static gboolean
apply_address (LmnLinkState *state, struct rtnl_addr *addr, gboolean present)
{
  LmnIp ip;
  gint at;

  if (!address_to_ip (addr, &ip))
    return FALSE;
  at = find_ip (state->addresses, &ip);
  present = present && address_usable (addr);
  if (present && at < 0)
    {
      g_array_append_val (state->addresses, ip);
      return TRUE;
    }
  if (!present && at >= 0)
    {
      g_array_remove_index (state->addresses, (guint) at);
      return TRUE;
    }
  return FALSE;
}

/* Applies a link's flags and MTU; TRUE when carrier, index or MTU changed. */
static gboolean
apply_link (LmnLinkState *state, struct rtnl_link *link, gboolean present)
{
  unsigned int flags = present ? rtnl_link_get_flags (link) : 0;
  gboolean carrier = (flags & IFF_UP) && (flags & IFF_LOWER_UP);
  int ifindex = present ? rtnl_link_get_ifindex (link) : 0;
  guint mtu = present ? rtnl_link_get_mtu (link) : 0;
  gboolean changed = carrier != state->carrier || ifindex != state->ifindex || mtu != state->mtu;

  state->carrier = carrier;
  state->ifindex = ifindex;
  state->mtu = mtu;
  if (!present && state->addresses->len > 0)
    {
      g_array_set_size (state->addresses, 0);
      changed = TRUE;
    }
  return changed;
}

static void
notify (LmnNetlink *nl, LmnLinkState *state)
{
  if (nl->func != NULL)
    nl->func (state, nl->user_data);
}

/* Reads the link and its addresses afresh (on watch, and after lost events). */
static gboolean
resync (LmnNetlink *nl, LmnLinkState *state, GError **error)
{
  struct rtnl_link *link = NULL;
  struct nl_cache *addrs = NULL;
  int err;

  err = rtnl_link_get_kernel (nl->request, 0, state->name, &link);
  apply_link (state, link, err >= 0 && link != NULL);
  if (link != NULL)
    rtnl_link_put (link);
  g_array_set_size (state->addresses, 0);
  if (state->ifindex == 0)
    return TRUE;
  err = rtnl_addr_alloc_cache (nl->request, &addrs);
  if (err < 0)
    return set_nl_error (error, err, "reading addresses");
  for (struct nl_object *o = nl_cache_get_first (addrs); o != NULL; o = nl_cache_get_next (o))
    {
      struct rtnl_addr *addr = (struct rtnl_addr *) o;

      if (rtnl_addr_get_ifindex (addr) == state->ifindex)
        apply_address (state, addr, TRUE);
    }
  nl_cache_free (addrs);
  return TRUE;
}

/* Same index, carrier, MTU and set of addresses (in any order)? */
static gboolean
state_equal (const LmnLinkState *a, const LmnLinkState *b)
{
  if (a->ifindex != b->ifindex || a->carrier != b->carrier || a->mtu != b->mtu ||
      a->addresses->len != b->addresses->len)
    return FALSE;
  for (guint i = 0; i < a->addresses->len; i++)
    if (find_ip (b->addresses, &g_array_index (a->addresses, LmnIp, i)) < 0)
      return FALSE;
  return TRUE;
}

/* Throws away what is still queued on the monitor: after an overrun those events are older
 * than the dump that follows, and replaying them would undo it (an address deleted while
 * its DELADDR was dropped would come back). Bounded, so a storm cannot hold the loop. */
static void
drain_monitor (LmnNetlink *nl)
{
  int fd = nl_socket_get_fd (nl->monitor);
  guint8 buf[8192];

  for (guint i = 0; i < 100000; i++)
    if (recv (fd, buf, sizeof buf, MSG_DONTWAIT) < 0 && errno != ENOBUFS && errno != EINTR)
      break;
}

/* Reads every watched link again and reports those that changed meanwhile. */
static void
resync_all (LmnNetlink *nl)
{
  GHashTableIter iter;
  LmnLinkState *state;

  nl->resyncs++;
  drain_monitor (nl);
  g_hash_table_iter_init (&iter, nl->links);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) before = g_array_copy (state->addresses);
      LmnLinkState old = *state;

      old.addresses = before;
      if (!resync (nl, state, &error))
        g_warning ("netlink: interface %s: %s", state->name, error->message);
      if (!state_equal (&old, state))
        notify (nl, state);
    }
}

static void
on_object (struct nl_object *obj, void *arg)
{
  LmnNetlink *nl = arg;
  int type = nl_object_get_msgtype (obj);

  if (type == RTM_NEWLINK || type == RTM_DELLINK)
    {
      struct rtnl_link *link = (struct rtnl_link *) obj;
      const char *name = rtnl_link_get_name (link);
      int ifindex = rtnl_link_get_ifindex (link);
      LmnLinkState *state = name != NULL ? g_hash_table_lookup (nl->links, name) : NULL;
      LmnLinkState *old = state_by_ifindex (nl, ifindex);

      /* A watched interface renamed away is gone for us. */
      if (old != NULL && old != state && apply_link (old, link, FALSE))
        notify (nl, old);
      if (state != NULL && apply_link (state, link, type == RTM_NEWLINK))
        {
          /* Newly (re)created: its addresses may already be there. */
          if (type == RTM_NEWLINK && state->addresses->len == 0)
            resync (nl, state, NULL);
          notify (nl, state);
        }
    }
  else if (type == RTM_NEWADDR || type == RTM_DELADDR)
    {
      struct rtnl_addr *addr = (struct rtnl_addr *) obj;
      LmnLinkState *state = state_by_ifindex (nl, rtnl_addr_get_ifindex (addr));

      if (state != NULL && apply_address (state, addr, type == RTM_NEWADDR))
        notify (nl, state);
    }
}

static int
on_message (struct nl_msg *msg, void *arg)
{
  nl_msg_parse (msg, on_object, arg);
  return NL_OK;
}

static gboolean
on_readable (gint fd, GIOCondition condition, gpointer user_data)
{
  LmnNetlink *nl = user_data;
  int err = nl_recvmsgs_default (nl->monitor);

  /* The kernel drops events when our buffer overflows (ENOBUFS): read everything again. */
  if (err < 0 && err != -NLE_AGAIN)
    {
      g_info ("netlink: %s; reading links and addresses again", nl_geterror (err));
      resync_all (nl);
    }
  return G_SOURCE_CONTINUE;
}

LmnNetlink *
lmn_netlink_new (LmnLinkChangedFunc func, gpointer user_data, GError **error)
{
  g_autoptr(LmnNetlink) nl = g_new0 (LmnNetlink, 1);
  int err;

  nl->func = func;
  nl->user_data = user_data;
  nl->links = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) link_state_free);
  nl->monitor = nl_socket_alloc ();
  nl->request = nl_socket_alloc ();
  if (nl->monitor == NULL || nl->request == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot allocate netlink sockets");
      return NULL;
    }
  nl_socket_disable_seq_check (nl->monitor);
  nl_socket_modify_cb (nl->monitor, NL_CB_VALID, NL_CB_CUSTOM, on_message, nl);
  if ((err = nl_connect (nl->monitor, NETLINK_ROUTE)) < 0 ||
      (err = nl_socket_add_memberships (nl->monitor, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
                                        RTNLGRP_IPV6_IFADDR, 0)) < 0 ||
      (err = nl_socket_set_nonblocking (nl->monitor)) < 0 ||
      (err = nl_connect (nl->request, NETLINK_ROUTE)) < 0)
    {
      set_nl_error (error, err, "cannot follow network interfaces through netlink");
      return NULL;
    }
  nl_socket_set_buffer_size (nl->monitor, 1 << 20, 0);
  nl->watch = g_unix_fd_add (nl_socket_get_fd (nl->monitor), G_IO_IN, on_readable, nl);
  return g_steal_pointer (&nl);
}

void
lmn_netlink_free (LmnNetlink *nl)
{
  if (nl == NULL)
    return;
  g_clear_handle_id (&nl->watch, g_source_remove);
  if (nl->monitor != NULL)
    nl_socket_free (nl->monitor);
  if (nl->request != NULL)
    nl_socket_free (nl->request);
  g_clear_pointer (&nl->links, g_hash_table_unref);
  g_free (nl);
}

gboolean
lmn_netlink_watch (LmnNetlink *nl, const char *ifname, GError **error)
{
  LmnLinkState *state;

  if (g_hash_table_contains (nl->links, ifname))
    return TRUE;
  state = g_new0 (LmnLinkState, 1);
  state->name = g_strdup (ifname);
  state->addresses = g_array_new (FALSE, TRUE, sizeof (LmnIp));
  g_hash_table_insert (nl->links, state->name, state);
  if (!resync (nl, state, error))
    {
      g_prefix_error (error, "interface %s: ", ifname);
      return FALSE;
    }
  notify (nl, state);
  return TRUE;
}

void
lmn_netlink_unwatch (LmnNetlink *nl, const char *ifname)
{
  g_hash_table_remove (nl->links, ifname);
}

guint
lmn_netlink_get_resyncs (LmnNetlink *nl)
{
  return nl->resyncs;
}

const LmnLinkState *
lmn_netlink_get (LmnNetlink *nl, const char *ifname)
{
  return g_hash_table_lookup (nl->links, ifname);
}

/* "lmntest0 (index 5)" or "index 9999 (no such interface)", for error messages: the
 * name is looked up only when something already failed. */
static gchar *
describe_ifindex (LmnNetlink *nl, int ifindex)
{
  struct rtnl_link *link = NULL;
  gchar *text;

  if (rtnl_link_get_kernel (nl->request, ifindex, NULL, &link) < 0 || link == NULL)
    return g_strdup_printf ("index %d (no such interface)", ifindex);
  text = g_strdup_printf ("%s (index %d)", rtnl_link_get_name (link), ifindex);
  rtnl_link_put (link);
  return text;
}

static struct nl_addr *
prefix_to_nl_addr (const LispPrefix *prefix)
{
  struct nl_addr *a = nl_addr_build (lmn_ip_family_to_af (prefix->family), prefix->addr,
                                     lmn_ip_family_len (prefix->family));

  if (a != NULL)
    nl_addr_set_prefixlen (a, prefix->len);
  return a;
}

gboolean
lmn_netlink_address (LmnNetlink *nl, int ifindex, const LispPrefix *prefix, gboolean add,
                     GError **error)
{
  struct rtnl_addr *addr = rtnl_addr_alloc ();
  struct nl_addr *local = prefix_to_nl_addr (prefix);
  g_autofree gchar *text = lisp_prefix_to_string (prefix);
  int err;

  rtnl_addr_set_ifindex (addr, ifindex);
  rtnl_addr_set_local (addr, local);
  /* An EID on the TUN is ours alone: usable at once, without duplicate detection. */
  if (prefix->family == LISP_FAMILY_IPV6)
    rtnl_addr_set_flags (addr, IFA_F_NODAD);
  err = add ? rtnl_addr_add (nl->request, addr, NLM_F_REPLACE) : rtnl_addr_delete (nl->request, addr, 0);
  rtnl_addr_put (addr);
  nl_addr_put (local);
  if (err == -NLE_EXIST || (!add && (err == -NLE_NOADDR || err == -NLE_OBJ_NOTFOUND)))
    err = 0;
  if (err < 0)
    {
      g_autofree gchar *dev = describe_ifindex (nl, ifindex);
      g_autofree gchar *what = g_strdup_printf ("cannot %s address %s on interface %s",
                                                add ? "add" : "remove", text, dev);

      return set_nl_error (error, err, what);
    }
  return TRUE;
}

gboolean
lmn_netlink_route (LmnNetlink *nl, int ifindex, const LispPrefix *prefix, const LmnIp *source,
                   guint metric, gboolean add, GError **error)
{
  struct rtnl_route *route = rtnl_route_alloc ();
  struct rtnl_nexthop *nh = rtnl_route_nh_alloc ();
  struct nl_addr *dst = prefix_to_nl_addr (prefix);
  struct nl_addr *src = NULL;
  g_autofree gchar *text = lisp_prefix_to_string (prefix);
  int family = lmn_ip_family_to_af (prefix->family);
  int err;

  rtnl_route_set_family (route, family);
  rtnl_route_set_dst (route, dst);
  rtnl_route_set_table (route, RT_TABLE_MAIN);
  rtnl_route_set_protocol (route, RTPROT_STATIC);
  rtnl_route_set_scope (route, RT_SCOPE_LINK);
  rtnl_route_set_priority (route, metric);
  if (source != NULL)
    {
      src = nl_addr_build (family, source->addr, lmn_ip_family_len (source->family));
      rtnl_route_set_pref_src (route, src);
    }
  rtnl_route_nh_set_ifindex (nh, ifindex);
  rtnl_route_add_nexthop (route, nh);
  err = add ? rtnl_route_add (nl->request, route, NLM_F_CREATE | NLM_F_REPLACE)
            : rtnl_route_delete (nl->request, route, 0);
  rtnl_route_put (route);
  nl_addr_put (dst);
  if (src != NULL)
    nl_addr_put (src);
  if (!add && (err == -NLE_OBJ_NOTFOUND || err == -NLE_NOADDR))
    err = 0;
  if (err < 0)
    {
      g_autofree gchar *dev = describe_ifindex (nl, ifindex);
      g_autofree gchar *what = g_strdup_printf ("cannot %s route %s through interface %s",
                                                add ? "add" : "remove", text, dev);

      return set_nl_error (error, err, what);
    }
  return TRUE;
}
