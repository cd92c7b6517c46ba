/* The map-server's state kept across restarts: the last Map-Register nonce accepted from
 * each xTR-ID with each site key (map-register.c checks new ones against it), and which
 * prefixes were registered until when. Without the first, a restarted lispmn-server would
 * take any old captured Map-Register with a valid MAC and roll a site's locators back until
 * its next refresh; without the second, it would answer "natively-forward, 1 minute" for
 * nodes about to refresh, and peers would cache that past the refresh
 * (lmn_ms_unregistered_ttl).
 *
 * The state is a small text file, one line per xTR-ID, then one per registered prefix:
 *
 *   lispmn-server replay state 1
 *   KEY-ID XTR-ID(32 hex digits) NONCE(16 hex digits) COUNTING(0/1) SITE NAME
 *   eid PREFIX EXPIRES SITE NAME
 *
 * the xTR-IDs oldest first; EXPIRES is when the registration would lapse, in seconds since
 * the epoch (the monotonic clock does not survive a reboot). The nonces are map-register.c's
 * (lmn_ms_foreach_nonce, lmn_ms_restore_nonce); this file only writes and reads them. The
 * site goes by its name (last, since a name may hold spaces); lines of a site or key no
 * longer configured are skipped. The file is replaced whole (file-replace.h), from the main
 * loop on a timer and at shutdown, never per packet (main.c). */
#pragma once

#include <glib.h>
#include "map-server-types.h"

G_BEGIN_DECLS

/* Seconds between two writes of a changed replay state. */
#define LMN_REPLAY_STATE_INTERVAL 5

/* The replay state as text (above), at now (seconds, the map-server's clock) and real_now
 * (seconds since the epoch). */
gchar *lmn_replay_state_to_text (const LmnMapServer *ms, gint64 now, gint64 real_now);
/* Reads text into ms's replay state (nonces ms already has are overwritten; prefixes whose
 * registration has not lapsed become expected, lmn_map_server_expect); name stands for the
 * file in messages. Returns the number of entries taken, or -1 with an error when the text is
 * not a replay state (the map-server is left as it was). */
gint lmn_replay_state_from_text (LmnMapServer *ms, const char *text, const char *name, gint64 now,
                                 gint64 real_now, GError **error);

/* Whether the replay state changed since the last call of lmn_replay_state_mark_saved. */
gboolean lmn_replay_state_dirty (const LmnMapServer *ms);
void lmn_replay_state_mark_saved (LmnMapServer *ms);

/* The file: read at start (a missing file is an empty state: TRUE, *loaded 0) and written
 * (its directory created, mode 700, when missing). */
gboolean lmn_replay_state_load (LmnMapServer *ms, const char *path, gint64 now, gint64 real_now,
                                guint *loaded, GError **error);
gboolean lmn_replay_state_save (LmnMapServer *ms, const char *path, gint64 now, gint64 real_now,
                                GError **error);

G_END_DECLS
