/* The editor's small table of uplinks: per uplink (an interface or a connection id) its
 * RLOC priority and weight, the vpn.data keys rloc-priority.NAME and rloc-weight.NAME. */
#pragma once

#include "gtk-compat.h"

#include <NetworkManager.h>

G_BEGIN_DECLS

typedef struct _LmnUplinks LmnUplinks;

/* The rows of s_vpn's keys (s_vpn may be NULL) and an empty one; changed is called on
 * every edit. */
LmnUplinks *lmn_uplinks_new (NMSettingVpn *s_vpn, void (*changed) (gpointer), gpointer data);
void lmn_uplinks_free (LmnUplinks *uplinks);
GtkWidget *lmn_uplinks_widget (LmnUplinks *uplinks);
/* Appends the table's vpn.data items; every bad cell is marked with the vpn.data check's
 * message. FALSE (error set: the first problem) when one is bad. */
gboolean lmn_uplinks_collect (LmnUplinks *uplinks, GPtrArray *keys, GPtrArray *values,
                              GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnUplinks, lmn_uplinks_free)

G_END_DECLS
