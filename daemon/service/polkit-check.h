/* Asking polkit whether the sender of a D-Bus call may perform an action, without blocking
 * the main loop: CheckAuthorization on org.freedesktop.PolicyKit1 is called asynchronously,
 * and the method call is answered when polkit answers. */
#pragma once

#include "lmn-dbus-names.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/* Called with the invocation when the sender is authorised; otherwise the invocation is
 * answered with org.freedesktop.DBus.Error.AccessDenied naming the action (or with an
 * error saying polkit could not be asked) and func is not called. */
typedef void (*LmnAuthorizedFunc) (GDBusMethodInvocation *invocation, gpointer user_data);

void lmn_polkit_check      (GDBusMethodInvocation *invocation, const char *action_id,
                            LmnAuthorizedFunc func, gpointer user_data);
/* The same, freeing user_data with destroy once the check is over, whatever its outcome. */
void lmn_polkit_check_full (GDBusMethodInvocation *invocation, const char *action_id,
                            LmnAuthorizedFunc func, gpointer user_data, GDestroyNotify destroy);

G_END_DECLS
