/* lispmnd's configuration file (/etc/lispmn/lispmnd.conf, GKeyFile syntax).
 *
 *   [lispmnd]
 *   mode=mobile-node                  # or xtr: the EIDs are site prefixes routed through us;
 *                                     # or proxy: proxy-ETR/ITR for the EID space in eids=
 *   eids=192.0.2.10/32;2001:db8:e1d::10/128
 *   instance-id=0
 *   tun=lispmn0
 *   mtu=0                             # 0: smallest uplink MTU minus the 56-byte overhead
 *   manage-addresses=true             # assign EIDs and routes to the TUN (no NetworkManager)
 *   routes=default                    # prefixes routed into the TUN; 'default' = 0/0 and ::/0
 *   route-metric=50
 *   queue-length=16                   # packets held per destination awaiting a mapping
 *   map-resolvers=203.0.113.1
 *   proxy-etrs=203.0.113.2 1 100      # ADDRESS [PRIORITY [WEIGHT]]; ...
 *
 *   [uplink wlan0]                    # one group per uplink interface
 *   priority=1
 *   weight=50
 *
 *   [map-server 203.0.113.1]
 *   key=secret
 *   key-id=0
 *   algorithm=hmac-sha-256            # or hmac-sha-1
 *
 *   [mapping 192.0.2.128/25]          # a static map-cache entry
 *   locators=198.51.100.17 1 100;2001:db8:100:3::1 2 100
 *   action=natively-forward           # for an entry without locators
 *
 * Every mistake is refused with the file, line, group, key and reason:
 *   "lispmnd.conf:7: [uplink wlan0] priority: '300' is not a priority (0-255)".
 * data/lispmnd.conf is a commented example, lispmnd.conf(5) the full description. */
#pragma once

#include <glib.h>
#include "lisp-prefix.h"
#include "map-locator.h"

G_BEGIN_DECLS

#define LMN_CONFIG_ERROR (lmn_config_error_quark ())
GQuark lmn_config_error_quark (void);

typedef enum {
  LMN_CONFIG_ERROR_SYNTAX,   /* not GKeyFile syntax */
  LMN_CONFIG_ERROR_MISSING,  /* a required key or group is absent */
  LMN_CONFIG_ERROR_INVALID,  /* a value is malformed or out of range */
  LMN_CONFIG_ERROR_UNKNOWN,  /* an unknown group or key (likely a typo) */
} LmnConfigError;

typedef enum {
  LMN_MODE_MOBILE_NODE,
  LMN_MODE_XTR,
  LMN_MODE_PROXY,   /* proxy-ETR and proxy-ITR (RFC 6832) for the EID space in eids= */
} LmnMode;

typedef enum {
  LMN_AUTH_SHA1 = 1,    /* LISP_AUTH_HMAC_SHA1_96 */
  LMN_AUTH_SHA256 = 2,  /* LISP_AUTH_HMAC_SHA256_128 */
} LmnAuthAlg;

/* An IP address without prefix length (RLOCs of infrastructure). */
typedef struct {
  guint8 family;     /* LISP_FAMILY_IPV4 or LISP_FAMILY_IPV6 */
  guint8 addr[16];
} LmnIp;

typedef struct {
  gchar  *interface;
  guint8  priority;
  guint8  weight;
  gchar  *connection;  /* the uplink's NetworkManager connection id (SetRlocs), or NULL */
} LmnUplinkConfig;

/* An uplink with the file's default priority and weight. */
LmnUplinkConfig *lmn_uplink_config_new  (const char *interface);
LmnUplinkConfig *lmn_uplink_config_copy (const LmnUplinkConfig *u);
void             lmn_uplink_config_free (LmnUplinkConfig *u);

typedef struct {
  LmnIp   address;
  gchar  *key;        /* never logged */
  guint8  key_id;
  guint8  algorithm;  /* LmnAuthAlg */
} LmnMapServerConfig;

typedef struct {
  LispPrefix prefix;
  GArray    *locators;  /* LispMapLocator */
  guint8     action;    /* LispAction, for an entry without locators */
} LmnMappingConfig;

typedef struct {
  gchar     *path;
  LmnMode    mode;
  GArray    *eids;            /* LispPrefix; host prefixes for a mobile node */
  guint32    instance_id;
  gchar     *tun_name;
  guint      mtu;             /* 0: derived from the uplinks */
  gboolean   manage_addresses;
  GArray    *routes;          /* LispPrefix routed into the TUN */
  guint      route_metric;
  guint      queue_length;
  guint      rloc_probe_interval;  /* seconds between RLOC-probes of a peer locator; 0: off */
  GArray    *map_resolvers;   /* LmnIp */
  GArray    *proxy_etrs;      /* LispMapLocator */
  GPtrArray *uplinks;         /* LmnUplinkConfig* */
  GPtrArray *map_servers;     /* LmnMapServerConfig* */
  GPtrArray *mappings;        /* LmnMappingConfig* */
  /* Not in the file: the UDP port of the control sockets, 4342; 0 = an ephemeral port, when
   * the program embedding the node (lispmn-server's proxy) owns 4342 and passes on what
   * arrives there (lmn_node_handle_control). */
  guint16    control_port;
} LmnConfig;

/* The defaults of every key, no EIDs, uplinks or map-servers: for a configuration built
 * as a structure (lispmn-server's proxy); path names it in messages. */
LmnConfig *lmn_config_new       (const char *path);
LmnConfig *lmn_config_load      (const char *path, GError **error);
/* name stands for the file in error messages. */
LmnConfig *lmn_config_load_data (const char *data, gsize len, const char *name, GError **error);
void       lmn_config_free      (LmnConfig *config);

/* "192.0.2.1", "2001:db8::1" */
gboolean   lmn_ip_parse         (const char *text, LmnIp *out, GError **error);
gchar     *lmn_ip_to_string     (const LmnIp *ip);

/* A deep copy (keys included; freeing either wipes its own keys). */
LmnConfig *lmn_config_copy      (const LmnConfig *config);

/* The checks the file's values get, for values from elsewhere (D-Bus Configure): NULL when
 * fine, else the reason ("'x' is not an IPv4 or IPv6 prefix"). */
gchar     *lmn_config_check_prefix    (const char *text, guint32 iid, LispPrefix *out);
/* Appends a routes= item ("default" is 0.0.0.0/0 and ::/0) to routes; NULL, or the reason
 * it is refused (not a prefix, listed twice). */
gchar     *lmn_config_add_route       (GArray *routes, const char *text);
gchar     *lmn_config_check_unicast   (const char *text, LmnIp *out);
gchar     *lmn_config_check_interface (const char *name);
/* Minimum MTUs the file accepts (mtu= 0 or at least these). */
#define LMN_CONFIG_MIN_MTU_IPV4 576
#define LMN_CONFIG_MIN_MTU_IPV6 1280
#define LMN_CONFIG_MAX_INSTANCE_ID 0xFFFFFFu

/* The keys a group of this kind ("lispmnd", "uplink", "map-server", "mapping") may hold,
 * NULL-terminated; NULL for an unknown kind. For tools and tests that check the docs. */
const char * const *lmn_config_known_keys (const char *group_kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnConfig, lmn_config_free)

G_END_DECLS
