/* The map-server's state as JSON (map-server-json.c), for lispmn-server's state file. */
#pragma once

#include "map-server-types.h"

G_BEGIN_DECLS

/* The state as JSON (sites without their keys, registrations, counters). */
gchar *lmn_map_server_to_json (const LmnMapServer *ms, gint64 now);

G_END_DECLS
