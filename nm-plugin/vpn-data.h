/* The lispmn VPN profile's vpn.data (and its one secret), read and checked: what
 * nm-lispmn-service turns into lispmnd's Configure call and into the IP configuration it
 * reports to NetworkManager. Every problem is reported naming the key:
 *   "vpn.data: eid: '192.0.2.300' is not an IPv4 or IPv6 address".
 * The keys are listed in nm-lispmn-service(8). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LMN_VPN_SECRET_MAP_SERVER_KEY "map-server-key"

/* Lists are short: a mobile node has one map-server, one or two resolvers. */
#define LMN_VPN_MAX_LIST 8

typedef struct {
  gboolean has_eid4, has_eid6;
  guint8   eid4[4];
  guint8   eid6[16];
  gchar   *map_server;          /* canonical address text */
  guint8   key_id;
  gchar   *algorithm;           /* "hmac-sha-256" or "hmac-sha-1" */
  GPtrArray *map_resolvers;     /* gchar*: canonical addresses; the map-server when unset */
  GPtrArray *proxy_etrs;        /* gchar* */
  gboolean has_instance_id;
  guint32  instance_id;
  gboolean has_mtu;
  guint32  mtu;
  gchar *nat_traversal; /* "auto", "on" or "off"; NULL: not in the profile */
  gboolean has_nat_keepalive;
  guint32 nat_keepalive_interval; /* seconds */
  GHashTable *priorities;       /* interface or connection id -> GUINT_TO_POINTER (value + 1) */
  GHashTable *weights;
} LmnVpnData;

/* keys[i] = values[i], n pairs (NMSettingVpn's data items). */
LmnVpnData *lmn_vpn_data_parse (const char *const *keys, const char *const *values, guint n,
                                GError **error);
void        lmn_vpn_data_free  (LmnVpnData *data);

/* One item checked alone, with the same message as in a whole profile (the editor marks
 * each field with it); the checks between keys (an MTU too small for an IPv6 EID, a
 * required key missing) are the whole profile's. */
gboolean lmn_vpn_data_check_item (const char *key, const char *value, GError **error);

/* The map-server key given in vpn.secrets: NULL when fine, else the reason. */
const char *lmn_vpn_data_check_key (const char *key);

/* A priority or weight from rloc-priority.NAME / rloc-weight.NAME; -1 when not set. */
gint        lmn_vpn_data_priority  (const LmnVpnData *data, const char *name);
gint        lmn_vpn_data_weight    (const LmnVpnData *data, const char *name);

/* The a{sv} of lispmnd's Configure (see data/org.lispmn.MobileNode1.xml), key included:
 * for the D-Bus call only, never to be logged. */
GVariant   *lmn_vpn_data_configure_settings (const LmnVpnData *data, const char *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnVpnData, lmn_vpn_data_free)

G_END_DECLS
