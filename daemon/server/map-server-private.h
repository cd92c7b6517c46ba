/* What the map-server's files share and its callers do not see: the server's state and the
 * steps one file lends another. */
#pragma once

#include "map-server.h"

G_BEGIN_DECLS

struct _LmnMapServer {
  GPtrArray  *sites;          /* LmnSite* */
  GPtrArray  *registrations;  /* LmnSiteRegistration* */
  GPtrArray  *pending;        /* LmnPendingNotify* */
  GHashTable *last_nonces;    /* GBytes (site, key ID, xTR-ID) -> LastNonce (map-register.c) */
  guint       notify_retry;   /* seconds */
  guint64     counters[LMN_MS_N_COUNTERS];
};

/* map-server.c: appends a datagram to send to out (from local, when not NULL) and counts it
 * under c. Takes data. */
void     lmn_ms_emit (LmnMapServer *ms, GPtrArray *out, const LmnEndpoint *to,
                      const LmnEndpoint *local, GBytes *data, LmnMsCounter c);
/* Counts a refused message under reason and logs why, at info; returns FALSE. */
gboolean lmn_ms_drop (LmnMapServer *ms, LmnMsCounter reason, const LmnEndpoint *from,
                      const char *format, ...) G_GNUC_PRINTF (4, 5);

/* "00ff..." */
gchar   *lmn_ms_hex  (const guint8 *b, gsize n);

/* site-registration.c: the registration of exactly prefix, or the most specific one that
 * holds q; NULL when there is none. */
LmnSiteRegistration *lmn_ms_find_registration   (LmnMapServer *ms, const LispPrefix *prefix);
LmnSiteRegistration *lmn_ms_lookup_registration (LmnMapServer *ms, const LispPrefix *q);

/* The handlers of each message the server serves; TRUE when the state changed. */
gboolean lmn_ms_handle_register   (LmnMapServer *ms, const guint8 *msg, gsize len,
                                   const LmnEndpoint *from, const LmnEndpoint *local,
                                   gint64 now, GPtrArray *out);
void     lmn_ms_handle_ecm        (LmnMapServer *ms, const guint8 *msg, gsize len,
                                   const LmnEndpoint *from, GPtrArray *out);
gboolean lmn_ms_handle_notify_ack (LmnMapServer *ms, const guint8 *msg, gsize len,
                                   const LmnEndpoint *from);

/* map-notify.c: a Map-Notify carrying records, authenticated with key. */
GBytes  *lmn_ms_build_notify (const LmnSiteKey *key, guint64 nonce, GPtrArray *records,
                              gboolean has_xtr_id, const guint8 *xtr_id, guint64 site_id,
                              GError **error);
/* Tells `to`, which held the registration of prefix until now, of its new record (rec of
 * the Map-Register m), and keeps telling until it acknowledges (RFC 9301 §5.7). */
void     lmn_ms_send_unsolicited (LmnMapServer *ms, GPtrArray *out, const LispPrefix *prefix,
                                  const LmnEndpoint *to, const LmnEndpoint *local,
                                  const LmnSiteKey *key, const LispMapRegister *m,
                                  const LispRecord *rec, gint64 now);
void     lmn_pending_notify_free (LmnPendingNotify *p);

G_END_DECLS
