/* NAT traversal for a mobile node behind NAT, in the data plane: a packet on UDP 4341
 * whose data header carries the control-message instance ID 0xFFFFFF (a Data-Map-Notify
 * from an RTR) is handed to the control plane (lmn_dataplane_set_control_func), and the
 * control plane sends from the data port (lmn_dataplane_send_from_data_port) to open and
 * keep the NAT binding the RTR sends back through. Apart from dataplane.c because it is
 * the control plane's use of the data plane's sockets, not the forwarding of packets. */
#include "dataplane-private.h"

#include "data-socket.h"
#include "lmn-ip.h"

#include <string.h>

void
lmn_dataplane_hand_off_control (LmnDataplane *dp, guint8 family, const guint8 *from,
                                const guint8 *to, const guint8 *data, gsize len)
{
  LmnIp src = { .family = family }, dst = { .family = family };

  memcpy (src.addr, from, lmn_ip_family_len (family));
  memcpy (dst.addr, to, lmn_ip_family_len (family));
  dp->control_func (data, len, &src, &dst, dp->control_data);
}

void
lmn_dataplane_set_control_func (LmnDataplane *dp, LmnDataControlFunc func, gpointer user_data)
{
  dp->control_func = func;
  dp->control_data = user_data;
}

gboolean
lmn_dataplane_send_from_data_port (LmnDataplane *dp, const LmnLocalRloc *rloc, const LmnIp *to,
                                   guint16 port, const guint8 *data, gsize len, GError **error)
{
  return lmn_data_socket_send_as (dp->sockets[rloc->family == 4 ? 0 : 1].fd, rloc, to, port, data,
                                  len, error);
}
