/* vpn-toggle.h: Connect/Disconnect of the lispmn NetworkManager profiles, through libnm.
 *
 * The profiles are the VPN connections whose service type is
 * org.freedesktop.NetworkManager.lispmn. While none is active, each can be connected (the
 * most recently used first); while one is active or coming up, it can be disconnected (the
 * plugin runs one at a time). When NetworkManager is not running, or there is no such
 * profile, the toggle cannot act and says why. Emits "changed" whenever its label or availability
 * changes, and "failed" (char *message) when NetworkManager refuses to connect or disconnect.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define LMN_VPN_SERVICE_TYPE "org.freedesktop.NetworkManager.lispmn"

#define LMN_TYPE_VPN_TOGGLE (lmn_vpn_toggle_get_type ())
G_DECLARE_FINAL_TYPE (LmnVpnToggle, lmn_vpn_toggle, LMN, VPN_TOGGLE, GObject)

LmnVpnToggle *lmn_vpn_toggle_new (void);

/* One menu item: what it says ("Connect “lisp”", "Disconnect “lisp”", or the reason it
 * cannot act, e.g. "Connect (NetworkManager is not running)"), whether it acts, and the
 * profile it acts on (NULL for a reason). */
typedef struct {
  char *label;
  char *uuid;
  gboolean enabled;
} LmnVpnChoice;

void lmn_vpn_choice_free (LmnVpnChoice *choice);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnVpnChoice, lmn_vpn_choice_free)

/* The items, at least one (LmnVpnChoice *, owned by the array). */
GPtrArray *lmn_vpn_toggle_dup_choices (LmnVpnToggle *self);

/* Connects the profile @uuid when none is active; disconnects the active one when it is
 * @uuid. Anything else (a stale menu) does nothing. */
void lmn_vpn_toggle_toggle (LmnVpnToggle *self, const char *uuid);

G_END_DECLS
