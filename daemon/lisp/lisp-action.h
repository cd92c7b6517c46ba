/* The action of a negative mapping (Map-Reply ACT field, RFC 9301 §5.4): what to do with
 * traffic to an EID-prefix that has no locators. Shared by the wire codec and the map-cache. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  LISP_ACTION_NO_ACTION = 0,
  LISP_ACTION_NATIVELY_FORWARD = 1,
  LISP_ACTION_SEND_MAP_REQUEST = 2,
  LISP_ACTION_DROP = 3,
  LISP_ACTION_DROP_POLICY_DENIED = 4,
  LISP_ACTION_DROP_AUTH_FAILURE = 5,
} LispAction;

#define LISP_ACTION_LAST LISP_ACTION_DROP_AUTH_FAILURE

/* "natively-forward", "drop-auth-failure" ...; "unknown" for values past LISP_ACTION_LAST. */
const char *lisp_action_name (guint action);

G_END_DECLS
