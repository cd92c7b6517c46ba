/* status-text.h: the words and icons the applet shows for the daemon's D-Bus properties.
 *
 * Pure functions of the property values (no GTK, no bus), so that the tray menu, the
 * tooltip and the details window say the same thing, and so that they can be tested alone.
 * Every function accepts values of the wrong shape (missing keys, wrong types) and shows
 * "?" for what it cannot read: the properties come from another process.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The icon for the overall state: @running is whether lispmnd is on the bus at all, @state
 * its State property, @map_servers its MapServers property (aa{sv}, may be NULL). */
const char *lmn_status_icon_name (gboolean running, const char *state, GVariant *map_servers);

/* "Registered", "Connecting", ... (translated) for a State value; unknown values are shown
 * as they are. */
char *lmn_status_state_label (const char *state);

/* The tooltip/title: the state, the first EID and the uplinks that are up, e.g.
 * "LISP: registered — 192.0.2.10/32 via up1, up2". @eids is "as", @rlocs "aa{sv}". */
char *lmn_status_summary (gboolean running, const char *state, GVariant *eids, GVariant *rlocs,
                          GVariant *map_servers);

/* "up", "down" (translated) for an RLOC's state; "?" for NULL. */
const char *lmn_status_rloc_state_label (const char *state);

/* "registered", "authentication failed — check the key", ... (translated) for a
 * map-server's state. */
char *lmn_status_map_server_state_label (const char *state);

/* One RLOC (a{sv}) as a line: "up1  198.51.100.1  priority 1, weight 50 — up". */
char *lmn_status_rloc_line (GVariant *rloc);

/* Where an RLOC behind a NAT is seen from outside, from lispmnd's "nat", "public-address",
 * "public-port" and "rtr" keys: "198.51.100.7:40123 via RTR 203.0.113.1"; NULL when it is
 * not behind a NAT or lispmnd does not say (an older lispmnd). */
char *lmn_status_rloc_nat (GVariant *rloc);

/* A Counters key for people: "tx-packets" -> "Packets sent", "drops.no-mapping" ->
 * "Dropped: no mapping", "control.map-notify-ack-sent" -> "Map-Notify-Ack sent". */
char *lmn_status_counter_label (const char *name);

/* One map-server (a{sv}) as a line: "198.51.100.2: registered, last registration 3 min ago",
 * with the last error when there is one. @now is seconds since the epoch. */
char *lmn_status_map_server_line (GVariant *map_server, gint64 now);

/* How long ago @then was, seen at @now (both seconds since the epoch): "just now",
 * "5 min ago", "2 h ago", "3 days ago"; "never" when @then is 0. */
char *lmn_status_age (gint64 then, gint64 now);

/* Whether any map-server of @map_servers (aa{sv}) is in state "auth-failed". */
gboolean lmn_status_any_auth_failed (GVariant *map_servers);

/* A string value of a dictionary (a{sv}), or NULL when absent or not a string. */
const char *lmn_status_lookup_string (GVariant *dict, const char *key);

G_END_DECLS
