/* The node's configuration as a structure: what lispmnd (and lispmn-server's proxy) runs
 * with, however it was given (lispmnd.conf, lispmnd-config.h; D-Bus Configure,
 * config-settings.h). Also the checks its values get wherever they come from, so that
 * every source refuses the same things with the same words, and the defaults and limits. */
#pragma once

#include <glib.h>
#include "lisp-auth.h"
#include "lisp-prefix.h"
#include "lmn-ip.h"
#include "map-locator.h"

G_BEGIN_DECLS

typedef enum {
  LMN_MODE_MOBILE_NODE,
  LMN_MODE_XTR,
  LMN_MODE_PROXY,   /* proxy-ETR and proxy-ITR (RFC 6832) for the EID space in eids= */
} LmnMode;

typedef struct {
  gchar  *interface;
  guint8  priority;
  guint8  weight;
  gchar  *connection;  /* the uplink's NetworkManager connection id (SetRlocs), or NULL */
} LmnUplinkConfig;

LmnUplinkConfig *lmn_uplink_config_copy (const LmnUplinkConfig *u);
void             lmn_uplink_config_free (LmnUplinkConfig *u);

typedef struct {
  LmnIp        address;
  gchar       *key;        /* never logged */
  guint8       key_id;
  LispAuthAlg  algorithm;
} LmnMapServerConfig;

/* Wipes the key before freeing it. */
void             lmn_map_server_config_free (LmnMapServerConfig *ms);

typedef struct {
  LispPrefix prefix;
  GArray    *locators;  /* LispMapLocator */
  guint8     action;    /* LispAction, for an entry without locators */
} LmnMappingConfig;

void             lmn_mapping_config_free (LmnMappingConfig *m);

/* Whether the node registers through an RTR (NAT traversal): auto after discovery finds
 * a NAT, on always (with an RTR from the map-server's answer), off never (no discovery). */
typedef enum {
  LMN_NAT_TRAVERSAL_AUTO,
  LMN_NAT_TRAVERSAL_ON,
  LMN_NAT_TRAVERSAL_OFF,
} LmnNatTraversal;

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
  LmnNatTraversal nat_traversal;
  guint nat_keepalive_interval; /* seconds between Map-Registers through an RTR */
  guint map_cache_limit;        /* most map-cache entries; the least recently used go */
  GArray    *map_resolvers;   /* LmnIp */
  GArray    *proxy_etrs;      /* LispMapLocator */

  /* strict-source-check=: decapsulate only from the inner source mapping's locators, or
   * from proxy_itrs (LmnIp), the proxy-ETRs or our RTRs. */
  gboolean strict_source_check;
  GArray *proxy_itrs;

  GPtrArray *uplinks;         /* LmnUplinkConfig* */
  GPtrArray *map_servers;     /* LmnMapServerConfig* */
  GPtrArray *mappings;        /* LmnMappingConfig* */
  /* Not in the file: the UDP port of the control sockets, 4342; 0 = an ephemeral port, when
   * the program embedding the node (lispmn-server's proxy) owns 4342 and passes on what
   * arrives there (lmn_node_handle_control). */
  guint16    control_port;
} LmnConfig;

/* The defaults: a mobile node with no EIDs, uplinks, servers or mappings yet. */
LmnConfig *lmn_config_new       (const char *path);
/* A deep copy (keys included; freeing either wipes its own keys). */
LmnConfig *lmn_config_copy      (const LmnConfig *config);
void       lmn_config_free      (LmnConfig *config);

/* The checks the file's values get, for values from elsewhere (D-Bus Configure): NULL when
 * fine, else the reason ("'x' is not an IPv4 or IPv6 prefix"). */
gchar     *lmn_config_check_prefix    (const char *text, guint32 iid, LispPrefix *out);
/* Appends a routes= item ("default" is 0.0.0.0/0 and ::/0) to routes; NULL, or the reason
 * it is refused (not a prefix, listed twice). */
gchar     *lmn_config_add_route       (GArray *routes, const char *text);
/* One host packets go to: not 0.0.0.0, ::, a broadcast or a multicast address. */
gchar     *lmn_config_check_unicast   (const char *text, LmnIp *out);
/* "ADDRESS [PRIORITY [WEIGHT]]"; what names the list's entries in the reason
 * ("proxy-ETR", "locator"). */
gchar     *lmn_config_check_locator   (const char *entry, const char *what, LispMapLocator *out);
/* Decimal digits only (no sign, no spaces), at most max. */
gboolean   lmn_config_parse_decimal   (const char *text, guint64 max, guint64 *out);

/* nat-traversal= ("auto", "on", "off"): NULL, or the reason text is refused. */
gchar *lmn_config_check_nat_traversal (const char *text, LmnNatTraversal *out);
const char *lmn_config_nat_traversal_name (LmnNatTraversal mode);
/* nat-keepalive-interval=: NULL when within the limits below, else the reason. */
gchar *lmn_config_check_nat_keepalive (guint64 seconds);
#define LMN_CONFIG_NAT_KEEPALIVE_DEFAULT 20
#define LMN_CONFIG_NAT_KEEPALIVE_MIN     5
#define LMN_CONFIG_NAT_KEEPALIVE_MAX     3600
/* map-cache-limit=: NULL when within the limits below, else the reason. */
gchar *lmn_config_check_map_cache_limit (guint64 entries);
#define LMN_CONFIG_MAP_CACHE_LIMIT_DEFAULT 50000
#define LMN_CONFIG_MAP_CACHE_LIMIT_MIN     16
#define LMN_CONFIG_MAP_CACHE_LIMIT_MAX     10000000

/* Minimum MTUs the file accepts (mtu= 0 or at least these). */
#define LMN_CONFIG_MIN_MTU_IPV4 576
#define LMN_CONFIG_MIN_MTU_IPV6 1280
#define LMN_CONFIG_MAX_INSTANCE_ID 0xFFFFFFu  /* 24 bits: the data-plane header's field */
/* A locator's or uplink's priority and weight when none is given. */
#define LMN_CONFIG_DEFAULT_PRIORITY 1
#define LMN_CONFIG_DEFAULT_WEIGHT   100

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnConfig, lmn_config_free)

G_END_DECLS
