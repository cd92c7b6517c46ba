/* Map-Notifys the map-server sends (map-notify.c): the builder map-register.c answers with,
 * and the unsolicited ones (RFC 9301 §5.7) retransmitted until acknowledged. */
#pragma once

#include "map-server-types.h"

G_BEGIN_DECLS

/* An unsolicited Map-Notify waiting for its Map-Notify-Ack. */
typedef struct {
  LispPrefix prefix; /* the registration it tells of */
  LmnEndpoint to;
  LmnEndpoint local; /* sent from (family 0: any) */
  guint64 nonce;
  const LmnSiteKey *key; /* the ack must verify with it */
  GBytes *data;
  guint sent;  /* transmissions so far */
  gint64 next; /* seconds: the next retransmission, or giving up */
} LmnPendingNotify;

void lmn_pending_notify_free (LmnPendingNotify *p);

/* Retransmits the unsolicited Map-Notifys that are due (appended to out) and gives up the
 * ones past their last try; call it every second. TRUE when the state changed. */
gboolean lmn_map_server_tick (LmnMapServer *ms, gint64 now, GPtrArray *out);

/* A Map-Notify carrying records, authenticated with key. */
GBytes *lmn_ms_build_notify (const LmnSiteKey *key, guint64 nonce, GPtrArray *records,
                             gboolean has_xtr_id, const guint8 *xtr_id, guint64 site_id,
                             GError **error);
/* Tells `to`, which held the registration of prefix until now, of its new record (rec of
 * the Map-Register m), and keeps telling until it acknowledges (RFC 9301 §5.7). */
void lmn_ms_send_unsolicited (LmnMapServer *ms, GPtrArray *out, const LispPrefix *prefix,
                              const LmnEndpoint *to, const LmnEndpoint *local,
                              const LmnSiteKey *key, const LispMapRegister *m,
                              const LispRecord *rec, gint64 now);
/* A Map-Notify-Ack: ends the retransmission it answers. TRUE when the state changed. */
gboolean lmn_ms_handle_notify_ack (LmnMapServer *ms, const guint8 *msg, gsize len,
                                   const LmnEndpoint *from);

G_END_DECLS
