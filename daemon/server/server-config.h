/* lispmn-server's configuration file (/etc/lispmn/lispmn-server.conf, GKeyFile syntax).
 *
 *   [lispmn-server]
 *   listen=0.0.0.0;::                 # addresses of the UDP 4342 sockets (default: both)
 *   port=4342                         # for tests; LISP uses 4342
 *   notify-retransmit-interval=3      # seconds before an unsolicited Map-Notify is resent
 *   answers-per-requester=50          # Map-Replies a second to one ITR-RLOC (reflection)
 *   answers-total=1000                # Map-Replies a second in all
 *
 *   [site ana]                        # one group per site
 *   eid-prefixes=192.0.2.0/24;[1000]2001:db8:e1d::/48
 *   key=secret                        # the password the site's xTRs register with
 *   key-id=0
 *   algorithm=hmac-sha-256            # or hmac-sha-1
 *   key2=newsecret                    # optional second key (roll-over): key2-id, key2-algorithm
 *   accept-more-specifics=true        # default false: only the exact prefixes
 *   proxy-reply=follow                # follow the registrant's P bit (default), always, never
 *   increasing-nonces=auto            # refuse a nonce not above the last: from xTR-IDs seen
 *                                     # counting up (auto), from all (true), never (false)
 *
 *   [map-server]                      # optional: NAT traversal
 *   rtrs=203.0.113.1;2001:db8::1      # the RTRs Info-Replies list, in order (default none)
 *   rtr-key=secret                    # optional: MS-RTR key shared with those RTRs
 *
 *   [rtr]                             # optional: also RTR for nodes behind NAT (needs [proxy])
 *   address=203.0.113.1               # its own addresses (one per family at most is used)
 *   map-servers=203.0.113.1           # where it may relay ECM'd Map-Registers
 *   ms-key=secret                     # optional: the map-servers' rtr-key=
 *   max-unverified=1024               # bound on NAT state not yet confirmed by a map-server
 *
 *   [proxy]                           # optional: also proxy-ETR and proxy-ITR (RFC 6832)
 *   eids=192.0.2.0/24;2001:db8:e1d::/48   # the EID space it attracts and decapsulates for
 *   uplinks=eth0                      # interfaces whose addresses are its RLOCs
 *   tun=lispmn-px0                    # its TUN device (default lispmn-px0)
 *   map-resolver=203.0.113.1          # where it looks EIDs up (default: the first
 *                                     # listen= address, i.e. this server)
 *
 * Every mistake is refused as "FILE:LINE: [GROUP] KEY: reason"; secrets are never printed. */
#pragma once

#include <glib.h>
#include "map-server.h"

G_BEGIN_DECLS

#define LMN_SERVER_CONFIG_ERROR (lmn_server_config_error_quark ())
GQuark lmn_server_config_error_quark (void);

typedef enum {
  LMN_SERVER_CONFIG_ERROR_SYNTAX,
  LMN_SERVER_CONFIG_ERROR_MISSING,
  LMN_SERVER_CONFIG_ERROR_INVALID,
  LMN_SERVER_CONFIG_ERROR_UNKNOWN,
} LmnServerConfigError;

/* The proxy-ETR/ITR that runs inside lispmn-server (proxy-router.c). */
typedef struct {
  GPtrArray  *eids;          /* gchar*, checked prefixes */
  GPtrArray  *uplinks;       /* gchar*, interface names */
  gchar      *tun;
  LmnEndpoint map_resolver;  /* port unset */
  /* map-cache-limit=, when given (else lispmnd.conf's default); checked by proxy-router.c */
  gboolean has_map_cache_limit;
  guint64 map_cache_limit;
} LmnServerProxyConfig;

#define LMN_SERVER_RTR_MAX_UNVERIFIED       1024
#define LMN_SERVER_RTR_MAX_UNVERIFIED_LIMIT 1000000

/* The RTR (rtr.c). */
typedef struct {
  GArray *addresses;   /* LmnEndpoint, port unset */
  GArray *map_servers; /* LmnEndpoint, port unset */
  gchar *ms_key;       /* NULL when unset; never logged */
  guint max_unverified;
} LmnServerRtrConfig;

typedef struct {
  gchar     *path;
  GArray    *listen;  /* LmnEndpoint (port unset) */
  guint16    port;
  guint      notify_retry;  /* seconds, LMN_MS_NOTIFY_RETRY by default */
  guint answer_rate;        /* answers-per-requester=, LMN_MS_ANSWER_RATE by default */
  guint answer_total_rate;  /* answers-total=, LMN_MS_ANSWER_TOTAL_RATE by default */
  GPtrArray *sites;   /* LmnSite* */
  LmnServerProxyConfig *proxy;  /* NULL without a [proxy] group */
  GArray *rtrs;                 /* LmnEndpoint (port unset): [map-server] rtrs= */
  gchar *rtr_key;               /* [map-server] rtr-key=, NULL when unset; never logged */
  LmnServerRtrConfig *rtr;      /* NULL without an [rtr] group */
} LmnServerConfig;

LmnServerConfig *lmn_server_config_load      (const char *path, GError **error);
/* name stands for the file in error messages. */
LmnServerConfig *lmn_server_config_load_data (const char *data, gsize len, const char *name,
                                              GError **error);
void             lmn_server_config_free      (LmnServerConfig *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnServerConfig, lmn_server_config_free)

G_END_DECLS
