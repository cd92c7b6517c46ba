/* One member of the JSON object being built: its name, then its value. lispmn-server's
 * state file (map-server-json.c and the proxy's part, proxy-router.c) is written with these. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void lmn_json_add_string (JsonBuilder *b, const char *member, const char *value);
void lmn_json_add_int (JsonBuilder *b, const char *member, gint64 value);
void lmn_json_add_bool (JsonBuilder *b, const char *member, gboolean value);

G_END_DECLS
