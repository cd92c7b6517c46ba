/* Waits, for the plugin, for lispmnd to be on the system bus again after it went away while
 * the VPN was up (a crash that systemd restarts, an upgrade): the plugin then configures the
 * new lispmnd at once, and gives up with a reason when none comes back in time. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _LmnNodeReturn LmnNodeReturn;

/* back: TRUE when a lispmnd owns the bus name (again), FALSE when the time ran out. */
typedef void (*LmnNodeReturnFunc) (gboolean back, gpointer user_data);

/* Calls func once, at most timeout_s seconds from now (at once when lispmnd is there
 * already). Never starts lispmnd itself. */
LmnNodeReturn *lmn_node_return_new (guint timeout_s, LmnNodeReturnFunc func, gpointer user_data);
void lmn_node_return_free (LmnNodeReturn *wait);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnNodeReturn, lmn_node_return_free)

G_END_DECLS
