/* vpn-toggle.h: Connect/Disconnect of the lispmn NetworkManager profile, through libnm.
 *
 * The profile is the VPN connection whose service type is
 * org.freedesktop.NetworkManager.lispmn (the most recently used one when there are
 * several). When NetworkManager is not running, or there is no such profile, the toggle
 * cannot act and says why. Emits "changed" whenever its label or availability changes, and
 * "failed" (char *message) when NetworkManager refuses to connect or disconnect.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define LMN_VPN_SERVICE_TYPE "org.freedesktop.NetworkManager.lispmn"

#define LMN_TYPE_VPN_TOGGLE (lmn_vpn_toggle_get_type ())
G_DECLARE_FINAL_TYPE (LmnVpnToggle, lmn_vpn_toggle, LMN, VPN_TOGGLE, GObject)

LmnVpnToggle *lmn_vpn_toggle_new (void);

/* What the menu item says: "Connect “lisp”", "Disconnect “lisp”", or the reason it cannot,
 * e.g. "Connect (NetworkManager is not running)". */
char *lmn_vpn_toggle_dup_label (LmnVpnToggle *self);

/* Whether activating the item does something. */
gboolean lmn_vpn_toggle_can_toggle (LmnVpnToggle *self);

/* Connects the profile when it is down, disconnects it when it is up or coming up. */
void lmn_vpn_toggle_toggle (LmnVpnToggle *self);

G_END_DECLS
