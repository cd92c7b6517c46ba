/* Whether lispmnd's registration after Configure lets the VPN be reported up: read from its
 * MapServers property (data/org.lispmn.MobileNode1.xml), so that NetworkManager never shows
 * "activated" for a mobile node that no map-server accepted. Pure: no bus, no clock. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  LMN_VERDICT_PENDING,     /* still registering: wait */
  LMN_VERDICT_REGISTERED,  /* a map-server acknowledged the registration */
  LMN_VERDICT_WRONG_KEY,   /* every map-server failed, one of them refused the key */
  LMN_VERDICT_UNREACHABLE, /* no map-server answered its Map-Registers */
} LmnVerdict;

/* map_servers: the aa{sv} of MapServers. *reason (may be NULL) gets the sentence for the
 * user when the verdict is a failure, e.g. "map-server 198.51.100.66 refused the key:
 * wrong key (Map-Notify failed authentication: ...)". No map-server at all registers. */
LmnVerdict lmn_registration_verdict (GVariant *map_servers, gchar **reason);

G_END_DECLS
