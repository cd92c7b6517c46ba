/* lispmnctl's human output of lispmnd's list properties: RLOCs and map-servers as tables
 * whose columns fit their widest cell (long IPv6 addresses included), RLOCs by priority,
 * the NAT state of each RLOC when lispmnd reports it; and the helpers reading the
 * properties' dictionaries, which never fail on a missing key (an older daemon). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *lmn_ctl_dict_string (GVariant *dict, const char *key); /* "" when absent */
guint lmn_ctl_dict_byte (GVariant *dict, const char *key);         /* 0 when absent */
/* The aa{sv}'s dictionaries, in an array that owns them (empty for NULL). */
GPtrArray *lmn_ctl_dict_array (GVariant *list);
/* Seconds since a map-server's last-map-notify (epoch seconds), -1 when never. */
gint64 lmn_ctl_seconds_since_notify (GVariant *map_server);

void lmn_ctl_print_rlocs (GVariant *rlocs, const char *indent);
void lmn_ctl_print_map_servers (GVariant *map_servers, const char *indent);

G_END_DECLS
