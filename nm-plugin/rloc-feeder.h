/* The RLOC feeder: follows NetworkManager's active connections through libnm and hands
 * lispmnd every usable uplink (uplink-ranking.c decides which, and their priorities) in one
 * SetRlocs call per change. It also tells when NetworkManager moved the VPN to another base
 * device, because NetworkManager then needs the VPN's configuration again to put its gateway
 * route there. */
#pragma once

#include <NetworkManager.h>
#include "lmn-dbus-generated.h"
#include "vpn-data.h"

G_BEGIN_DECLS

typedef struct _LmnRlocFeeder LmnRlocFeeder;

typedef void (*LmnBaseChangedFunc) (const char *base_interface, gpointer user_data);

/* Uses client, lispmnd and data (they must outlive it); vpn_uuid is the VPN profile's, tun
 * the TUN device's name (never an RLOC, nor is any VPN). Sends the first SetRlocs at once. */
LmnRlocFeeder *lmn_rloc_feeder_new  (NMClient *client, LmnDbusMobileNode1 *lispmnd,
                                     const LmnVpnData *data, const char *vpn_uuid,
                                     const char *tun, LmnBaseChangedFunc base_changed,
                                     gpointer user_data);
void           lmn_rloc_feeder_free (LmnRlocFeeder *feeder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnRlocFeeder, lmn_rloc_feeder_free)

G_END_DECLS
