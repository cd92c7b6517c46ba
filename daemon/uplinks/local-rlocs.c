#include "local-rlocs.h"

#include <gio/gio.h>

#include "lmn-ip.h"
#include "locator-choice.h"
#include "map-locator.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>


struct _LmnLocalRlocs {
  GPtrArray *interfaces;   /* gchar*, owned; slot i*2 is IPv4, i*2+1 IPv6 of interface i */
  GPtrArray *connections;  /* gchar* or NULL, owned: interface i's NetworkManager connection */
  GArray    *slots;        /* LmnLocalRloc */
  GArray    *advertised;   /* LmnIp: the locator set peers know, in its order */
  /* interface name -> GArray of LmnIp: every address an uplink with carrier has, the
   * replaced ones included (still ours while peers learn the new one) */
  GHashTable *present;
  guint32    status_bits;  /* derived from advertised and slots; read for every packet */
};

static void update_status_bits (LmnLocalRlocs *set);

static void
close_sockets (LmnLocalRloc *r)
{
  for (guint i = 0; i < LMN_SOCKETS_PER_RLOC; i++)
    {
      if (r->fds[i] >= 0)
        close (r->fds[i]);
      r->fds[i] = -1;
      r->ports[i] = 0;
    }
}

LmnLocalRlocs *
lmn_local_rlocs_new (void)
{
  LmnLocalRlocs *set = g_new0 (LmnLocalRlocs, 1);

  set->interfaces = g_ptr_array_new_with_free_func (g_free);
  set->connections = g_ptr_array_new_with_free_func (g_free);
  set->slots = g_array_new (FALSE, TRUE, sizeof (LmnLocalRloc));
  set->advertised = g_array_new (FALSE, TRUE, sizeof (LmnIp));
  set->present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_array_unref);
  return set;
}

void
lmn_local_rlocs_free (LmnLocalRlocs *set)
{
  if (set == NULL)
    return;
  for (guint i = 0; i < set->slots->len; i++)
    close_sockets (&g_array_index (set->slots, LmnLocalRloc, i));
  g_array_unref (set->slots);
  g_array_unref (set->advertised);
  g_hash_table_unref (set->present);
  g_ptr_array_unref (set->interfaces);
  g_ptr_array_unref (set->connections);
  g_free (set);
}

void
lmn_local_rlocs_add_uplink (LmnLocalRlocs *set, const char *interface, guint8 priority,
                            guint8 weight, const char *connection)
{
  gchar *name = g_strdup (interface);
  gchar *conn = g_strdup (connection);

  g_ptr_array_add (set->interfaces, name);
  g_ptr_array_add (set->connections, conn);
  for (guint8 family = 4; family <= 6; family += 2)
    {
      LmnLocalRloc r = { .interface = name, .connection = conn, .family = family,
                         .priority = priority, .weight = weight,
                         .ordinal = (guint8) set->slots->len };

      for (guint i = 0; i < LMN_SOCKETS_PER_RLOC; i++)
        r.fds[i] = -1;
      g_array_append_val (set->slots, r);
    }
}

static gboolean
open_socket (const LmnLocalRloc *r, int *fd_out, guint16 *port_out, GError **error)
{
  int fd = socket (lmn_ip_family_to_af (r->family), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   IPPROTO_UDP);
  int one = 1;
  struct sockaddr_storage ss;
  socklen_t sl;
  LmnIp bound;

  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "socket: %s", g_strerror (errno));
      return FALSE;
    }
  /* The kernel fragments an outer packet rather than refusing it: the data plane sends
   * larger ones only for inner packets that cannot shrink (dataplane/path-mtu.h). */
  if (r->family == 4)
    {
      int pmtu = IP_PMTUDISC_DONT;

      setsockopt (fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu);
      /* RFC 9300 §5.3: an ITR sends a zero UDP checksum. Over IPv6 we compute it all the
       * same: receivers drop zero-checksum IPv6 UDP unless they opted in (RFC 6936). */
      setsockopt (fd, SOL_SOCKET, SO_NO_CHECK, &one, sizeof one);
    }
  else
    {
      int pmtu = IPV6_PMTUDISC_DONT;

      setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
      setsockopt (fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu, sizeof pmtu);
    }
  /* The kernel reports a new IPv4 address before it adds the address's local route, and an
   * IPv6 address may still be tentative: a bind at once would fail (EADDRNOTAVAIL) and
   * leave the uplink without its RLOC until the link's next change. */
  if (r->family == 4)
    setsockopt (fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof one);
#ifdef IPV6_FREEBIND
  else
    setsockopt (fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof one);
#endif
  lmn_ip_bytes_to_sockaddr (r->family, r->addr, 0, &ss, &sl);
  if (setsockopt (fd, SOL_SOCKET, SO_BINDTODEVICE, r->interface, strlen (r->interface)) < 0 ||
      bind (fd, (struct sockaddr *) &ss, sl) < 0 ||
      getsockname (fd, (struct sockaddr *) &ss, &sl) < 0)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
      return FALSE;
    }
  *fd_out = fd;
  lmn_ip_from_sockaddr ((struct sockaddr *) &ss, &bound, port_out);
  return TRUE;
}

static gboolean
open_sockets (LmnLocalRloc *r)
{
  for (guint i = 0; i < LMN_SOCKETS_PER_RLOC; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!open_socket (r, &r->fds[i], &r->ports[i], &error))
        {
          g_warning ("uplink %s: cannot open an IPv%u socket for its RLOC: %s", r->interface,
                     r->family, error->message);
          close_sockets (r);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
has_ip (const GArray *addresses, const LmnIp *ip)
{
  for (guint i = 0; i < addresses->len; i++)
    if (lmn_ip_equal (&g_array_index (addresses, LmnIp, i), ip))
      return TRUE;
  return FALSE;
}

/* The address of r's family r uses: one added since the uplink's last report (a new
 * lease's address comes before the old one goes, and takes over at once), else the one it
 * uses if still there, else the first. before: the addresses of that last report, or NULL
 * (none with carrier since we watch). */
static const LmnIp *
choose_address (const LmnLocalRloc *r, const GArray *addresses, const GArray *before)
{
  const LmnIp *first = NULL, *current = NULL, *added = NULL;

  for (guint i = 0; addresses != NULL && i < addresses->len; i++)
    {
      const LmnIp *ip = &g_array_index (addresses, LmnIp, i);

      if (ip->family != r->family)
        continue;
      if (first == NULL)
        first = ip;
      if (r->known && memcmp (ip->addr, r->addr, lmn_ip_family_len (r->family)) == 0)
        current = ip;
      else if (before != NULL && !has_ip (before, ip))
        added = ip;
    }
  return added != NULL ? added : current != NULL ? current : first;
}

/* Applies one family's new address (or none) to a slot. */
static gboolean
update_slot (LmnLocalRloc *r, const LmnLinkState *state, const GArray *before)
{
  const LmnIp *addr = choose_address (r, state->addresses, before);
  gboolean was_up = r->up;
  gboolean moved = FALSE;
  gsize alen = lmn_ip_family_len (r->family);
  r->ifindex = state->ifindex;
  r->link_mtu = state->mtu;
  if (addr == NULL || !state->carrier)
    {
      close_sockets (r);
      r->up = FALSE;
      return was_up;
    }
  if (r->fds[0] < 0 || memcmp (r->addr, addr->addr, alen) != 0)
    {
      /* What was found about the old address says nothing of the new one's path. */
      r->nat = (LmnRlocNat) { .state = LMN_RLOC_NAT_PROBING };
      close_sockets (r);
      memcpy (r->addr, addr->addr, alen);
      r->known = TRUE;
      moved = TRUE;
      r->up = open_sockets (r);
    }
  return moved || was_up != r->up;
}

gboolean
lmn_local_rlocs_update (LmnLocalRlocs *set, const LmnLinkState *state)
{
  gboolean changed = FALSE;

  for (guint i = 0; i < set->slots->len; i++)
    {
      LmnLocalRloc *r = &g_array_index (set->slots, LmnLocalRloc, i);

      if (g_strcmp0 (r->interface, state->name) == 0)
        changed |= update_slot (r, state, g_hash_table_lookup (set->present, state->name));
    }
  if (state->carrier && state->addresses != NULL)
    g_hash_table_replace (set->present, g_strdup (state->name), g_array_copy (state->addresses));
  else
    g_hash_table_remove (set->present, state->name);
  update_status_bits (set);
  return changed;
}

guint
lmn_local_rlocs_size (const LmnLocalRlocs *set)
{
  return set->slots->len;
}

const LmnLocalRloc *
lmn_local_rlocs_get (const LmnLocalRlocs *set, guint i)
{
  return i < set->slots->len ? &g_array_index (set->slots, LmnLocalRloc, i) : NULL;
}

const LmnLocalRloc *
lmn_local_rlocs_choose (const LmnLocalRlocs *set, guint8 family, guint32 flow_hash)
{
  /* At most a few uplinks: a small array on the stack per packet costs nothing. */
  LispMapLocator candidates[32];
  guint index[32];
  guint n = 0;
  gint chosen;

  for (guint i = 0; i < set->slots->len && n < G_N_ELEMENTS (candidates); i++)
    {
      const LmnLocalRloc *r = &g_array_index (set->slots, LmnLocalRloc, i);

      if (!r->up || r->family != family)
        continue;
      lisp_map_locator_init (&candidates[n], family, r->addr, r->priority, r->weight, TRUE);
      index[n++] = i;
    }
  chosen = lisp_locator_choose (candidates, n, flow_hash, family);
  return chosen < 0 ? NULL : &g_array_index (set->slots, LmnLocalRloc, index[chosen]);
}

gboolean
lmn_local_rlocs_has_family (const LmnLocalRlocs *set, guint8 family)
{
  for (guint i = 0; i < set->slots->len; i++)
    {
      const LmnLocalRloc *r = &g_array_index (set->slots, LmnLocalRloc, i);

      if (r->up && r->family == family && r->priority != 255)
        return TRUE;
    }
  return FALSE;
}

/* Whether addr is the RLOC a slot uses now. */
static gboolean
is_used (const LmnLocalRlocs *set, guint8 family, const guint8 *addr)
{
  for (guint i = 0; i < set->slots->len; i++)
    {
      const LmnLocalRloc *r = &g_array_index (set->slots, LmnLocalRloc, i);

      if (r->up && r->family == family && memcmp (r->addr, addr, lmn_ip_family_len (family)) == 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
lmn_local_rlocs_is_ours (const LmnLocalRlocs *set, guint8 family, const guint8 *addr)
{
  GHashTableIter iter;
  gpointer value;

  if (is_used (set, family, addr))
    return TRUE;
  g_hash_table_iter_init (&iter, set->present);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    for (guint i = 0; i < ((GArray *) value)->len; i++)
      {
        const LmnIp *ip = &g_array_index ((GArray *) value, LmnIp, i);

        if (ip->family == family && memcmp (ip->addr, addr, lmn_ip_family_len (family)) == 0)
          return TRUE;
      }
  return FALSE;
}

void
lmn_local_rlocs_advertise (LmnLocalRlocs *set)
{
  g_array_set_size (set->advertised, 0);
  for (guint i = 0; i < set->slots->len; i++)
    {
      const LmnLocalRloc *r = &g_array_index (set->slots, LmnLocalRloc, i);
      LmnIp ip = { .family = r->family };

      if (!r->up)
        continue;
      memcpy (ip.addr, r->addr, lmn_ip_family_len (r->family));
      g_array_append_val (set->advertised, ip);
    }
  update_status_bits (set);
}

static void
update_status_bits (LmnLocalRlocs *set)
{
  set->status_bits = 0;
  for (guint i = 0; i < set->advertised->len && i < 32; i++)
    {
      const LmnIp *ip = &g_array_index (set->advertised, LmnIp, i);

      if (lmn_local_rlocs_is_ours (set, ip->family, ip->addr))
        set->status_bits |= 1u << i;
    }
}

guint32
lmn_local_rlocs_status_bits (const LmnLocalRlocs *set)
{
  return set->status_bits;
}

gboolean
lmn_local_rlocs_lost_advertised (const LmnLocalRlocs *set)
{
  /* A replaced address still reaches us, but only until it goes: peers must move now. */
  for (guint i = 0; i < set->advertised->len; i++)
    {
      const LmnIp *ip = &g_array_index (set->advertised, LmnIp, i);

      if (!is_used (set, ip->family, ip->addr))
        return TRUE;
    }
  return FALSE;
}

guint
lmn_local_rlocs_min_mtu (const LmnLocalRlocs *set)
{
  guint mtu = 0;

  for (guint i = 0; i < set->slots->len; i++)
    {
      const LmnLocalRloc *r = &g_array_index (set->slots, LmnLocalRloc, i);

      if (r->up && r->link_mtu > 0 && (mtu == 0 || r->link_mtu < mtu))
        mtu = r->link_mtu;
    }
  return mtu;
}

void
lmn_local_rlocs_set_uplinks (LmnLocalRlocs *set, const LmnUplinkConfig *const *uplinks, guint n)
{
  GPtrArray *old_names = set->interfaces;
  GPtrArray *old_connections = set->connections;
  GArray *old_slots = set->slots;

  set->interfaces = g_ptr_array_new_with_free_func (g_free);
  set->connections = g_ptr_array_new_with_free_func (g_free);
  set->slots = g_array_new (FALSE, TRUE, sizeof (LmnLocalRloc));
  for (guint i = 0; i < n; i++)
    {
      lmn_local_rlocs_add_uplink (set, uplinks[i]->interface, uplinks[i]->priority,
                                  uplinks[i]->weight, uplinks[i]->connection);
      /* Move the kept uplink's two slots (addresses, sockets) over. */
      for (guint j = 0; j < old_slots->len; j++)
        {
          LmnLocalRloc *o = &g_array_index (old_slots, LmnLocalRloc, j);
          LmnLocalRloc *r;

          if (o->interface == NULL || g_strcmp0 (o->interface, uplinks[i]->interface) != 0)
            continue;
          r = &g_array_index (set->slots, LmnLocalRloc, set->slots->len - (o->family == 4 ? 2 : 1));
          *r = (LmnLocalRloc) { .interface = r->interface,
                                .connection = r->connection,
                                .ifindex = o->ifindex,
                                .family = o->family,
                                .priority = uplinks[i]->priority,
                                .weight = uplinks[i]->weight,
                                .link_mtu = o->link_mtu,
                                .up = o->up,
                                .known = o->known,
                                .ordinal = r->ordinal,
                                .nat = o->nat };
          memcpy (r->addr, o->addr, 16);
          memcpy (r->fds, o->fds, sizeof r->fds);
          memcpy (r->ports, o->ports, sizeof r->ports);
          o->interface = NULL;   /* its sockets now belong to the new slot */
        }
    }
  for (guint j = 0; j < old_slots->len; j++)
    {
      LmnLocalRloc *o = &g_array_index (old_slots, LmnLocalRloc, j);

      if (o->interface != NULL)
        {
          g_hash_table_remove (set->present, o->interface);
          close_sockets (o);
        }
    }
  g_array_unref (old_slots);
  g_ptr_array_unref (old_names);
  g_ptr_array_unref (old_connections);
  update_status_bits (set);
}

const char *
lmn_rloc_nat_state_name (LmnRlocNatState state)
{
  switch (state)
    {
    case LMN_RLOC_NAT_OFF:
      return "off";
    case LMN_RLOC_NAT_PROBING:
      return "probing";
    case LMN_RLOC_NAT_UNKNOWN:
      return "unknown";
    case LMN_RLOC_NAT_PUBLIC:
      return "public";
    case LMN_RLOC_NAT_BEHIND:
      return "behind-nat";
    }
  return "unknown";
}

gboolean
lmn_local_rlocs_set_nat (LmnLocalRlocs *set, guint i, const LmnRlocNat *nat)
{
  LmnLocalRloc *r;
  gboolean rtr_changed;

  g_return_val_if_fail (i < set->slots->len, FALSE);
  r = &g_array_index (set->slots, LmnLocalRloc, i);
  rtr_changed = !lmn_ip_equal (&r->nat.rtr, &nat->rtr);
  r->nat = *nat;
  return rtr_changed;
}

gboolean
lmn_local_rlocs_all_via_rtr (const LmnLocalRlocs *set)
{
  guint n = 0;

  for (guint i = 0; i < set->slots->len; i++)
    {
      const LmnLocalRloc *r = &g_array_index (set->slots, LmnLocalRloc, i);

      if (!r->up)
        continue;
      if (!LMN_LOCAL_RLOC_VIA_RTR (r))
        return FALSE;
      n++;
    }
  return n > 0;
}
