/* The map-server's context: what its files share and its callers do not see, the server's
 * state and the steps every handler uses. ms-context.c implements it and the accessors of
 * map-server-types.h. */
#pragma once

#include "map-server-types.h"
#include "prefix-table.h"
#include "rate-limit.h"
#include "site-index.h"

G_BEGIN_DECLS

/* A prefix registered before a restart, whose registration would last until deadline. */
typedef struct {
  LispPrefix prefix;
  gint64 deadline; /* seconds, the caller's clock */
} LmnExpected;

struct _LmnMapServer {
  GPtrArray *sites;         /* LmnSite* */
  GPtrArray *registrations; /* LmnSiteRegistration*: add and remove them through
                             * lmn_ms_add_registration and lmn_ms_remove_registration */
  LmnSiteIndex *site_index; /* the sites' prefixes and keys, looked up */
  LmnPrefixTable *by_prefix; /* the registrations by prefix */
  gint64 next_expiry;        /* no registration expires before (G_MAXINT64: none) */
  GPtrArray *pending;       /* LmnPendingNotify* */
  GHashTable *last_nonces;  /* GBytes (site, key ID, xTR-ID) -> LastNonce (map-register.c) */
  GQueue nonce_order;       /* last_nonces' keys, least recently updated first */
  guint notify_retry;       /* seconds */
  GArray *rtrs;             /* LmnEndpoint: the RTRs Info-Replies list, port unset */
  LmnRateLimit *info_limit; /* Info-Requests per source address */
  LmnRateLimit *answer_limit;    /* answers to ECM'd Map-Requests, per ITR-RLOC (map-resolver.c) */
  LmnRateLimit *wrong_key_limit; /* "wrong key" Map-Notifys, per source (map-register.c) */
  gchar *rtr_key;           /* MS-RTR key, NULL when unset; never logged */
  guint64 counters[LMN_MS_N_COUNTERS];
  guint64 nonce_changes;              /* last_nonces changed this often, */
  guint64 nonce_changes_saved;        /* this often when last saved (replay-state.c) */
  guint64 registration_changes_saved; /* the registrations' changes then (replay-state.c) */
  GArray *expected; /* LmnExpected, NULL when none: registered before a restart (map-resolver.c) */
};

/* Appends a datagram to send to out (from local, when not NULL) and counts it under c.
 * Takes data. */
void lmn_ms_emit (LmnMapServer *ms, GPtrArray *out, const LmnEndpoint *to, const LmnEndpoint *local,
                  GBytes *data, LmnMsCounter c);
/* Counts a refused message under reason and logs why, at info; returns FALSE. */
gboolean lmn_ms_drop (LmnMapServer *ms, LmnMsCounter reason, const LmnEndpoint *from,
                      const char *format, ...) G_GNUC_PRINTF (4, 5);

/* "00ff..." */
gchar *lmn_ms_hex (const guint8 *b, gsize n);

/* The registration of exactly prefix, or the most specific one that holds q; NULL when
 * there is none. */
/* Adds reg (taken) to the registrations; reg->prefix must be new. */
void lmn_ms_add_registration (LmnMapServer *ms, LmnSiteRegistration *reg);
/* Removes reg from the registrations and frees it. */
void lmn_ms_remove_registration (LmnMapServer *ms, LmnSiteRegistration *reg);
/* To call when reg was refreshed: its expiry may have come closer (a shorter record TTL). */
void lmn_ms_registration_refreshed (LmnMapServer *ms, const LmnSiteRegistration *reg);

LmnSiteRegistration *lmn_ms_find_registration (LmnMapServer *ms, const LispPrefix *prefix);
LmnSiteRegistration *lmn_ms_lookup_registration (LmnMapServer *ms, const LispPrefix *q);

G_END_DECLS
