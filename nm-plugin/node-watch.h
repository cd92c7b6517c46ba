/* Watches lispmnd for the plugin once Configure succeeded: first for the verdict of its
 * registration (registration-verdict.h), so that the VPN is reported up only when a
 * map-server accepted it and fails with the reason otherwise; then, as long as the VPN is
 * up, for lispmnd going away or being stopped, so that NetworkManager never shows an active
 * VPN that a crashed or restarted, unconfigured lispmnd no longer carries. */
#pragma once

#include <gio/gio.h>
#include "registration-verdict.h"

G_BEGIN_DECLS

typedef struct _LmnNodeWatch LmnNodeWatch;

typedef enum {
  LMN_NODE_REGISTERED,  /* reported once */
  LMN_NODE_WRONG_KEY,   /* before LMN_NODE_REGISTERED only */
  LMN_NODE_UNREACHABLE, /* before LMN_NODE_REGISTERED only */
  LMN_NODE_GONE,        /* lispmnd left the bus or was replaced: the new one is unconfigured */
  LMN_NODE_STOPPED,     /* lispmnd's node was stopped on purpose (lispmnctl stop) */
} LmnNodeEvent;

/* reason: a sentence for the user for every event but LMN_NODE_REGISTERED (else NULL). */
typedef void (*LmnNodeEventFunc) (LmnNodeEvent event, const char *reason, gpointer user_data);

/* Starts watching the lispmnd that owns the bus name now (never starting one). */
LmnNodeWatch *lmn_node_watch_new (LmnNodeEventFunc func, gpointer user_data);
void lmn_node_watch_free (LmnNodeWatch *watch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnNodeWatch, lmn_node_watch_free)

G_END_DECLS
