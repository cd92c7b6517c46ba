/* The D-Bus Lookup method (the "lig" of LISP): a Map-Request for an EID through the
 * map-resolvers, answered with the Map-Reply's record, never installed in the map-cache.
 * Anyone may call it, so lookups are bounded: LMN_LOOKUPS_MAX in flight in all and
 * LMN_LOOKUPS_PER_CALLER per bus connection, and LMN_LOOKUPS_PER_SECOND started on average
 * (bursts of LMN_LOOKUPS_BURST), so that no caller can make the daemon flood the
 * map-resolvers; beyond, the call fails at once with org.freedesktop.DBus.Error.LimitsExceeded. */
#pragma once

#include <gio/gio.h>
#include "supervisor.h"

G_BEGIN_DECLS

#define LMN_LOOKUPS_MAX        16
#define LMN_LOOKUPS_PER_CALLER 4
#define LMN_LOOKUPS_PER_SECOND 10
#define LMN_LOOKUPS_BURST      20

typedef struct _LmnLookups LmnLookups;

LmnLookups *lmn_lookups_new  (LmnSupervisor *sup);
/* Calls still in flight are answered later with NotRunning, when the resolver goes. */
void        lmn_lookups_free (LmnLookups *lookups);
/* Starts the lookup of eid for invocation and answers it when done (or at once with an
 * error). */
void        lmn_lookups_start (LmnLookups *lookups, GDBusMethodInvocation *invocation,
                               const char *eid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnLookups, lmn_lookups_free)

G_END_DECLS
