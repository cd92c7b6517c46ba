/* One Handover signal per move of the mobile node: which RLOCs came and went, and how long
 * the map-servers took to confirm the new set. A move is held back until every map-server
 * acknowledged a Map-Register sent after it (or for at most LMN_HANDOVER_WAIT_S seconds, or
 * not at all when there is no map-server); moves that follow one another before that are
 * reported together. */
#pragma once

#include <glib.h>
#include "node.h"

G_BEGIN_DECLS

#define LMN_HANDOVER_WAIT_S 10

typedef struct _LmnHandoverTracker LmnHandoverTracker;

/* seconds: from the first move to the last confirmation; -1 when not confirmed. */
typedef void (*LmnHandoverFunc) (const gchar *const *came, const gchar *const *went,
                                 gdouble seconds, gpointer user_data);

LmnHandoverTracker *lmn_handover_tracker_new  (LmnHandoverFunc func, gpointer user_data);
void                lmn_handover_tracker_free (LmnHandoverTracker *tracker);
/* The usable RLOCs changed (addresses as strings); node NULL when the node stopped. */
void                lmn_handover_tracker_moved (LmnHandoverTracker *tracker, LmnNode *node,
                                                const GPtrArray *came, const GPtrArray *went);
/* Something else changed (a map-server answered): report the move once confirmed. */
void                lmn_handover_tracker_update (LmnHandoverTracker *tracker, LmnNode *node);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnHandoverTracker, lmn_handover_tracker_free)

G_END_DECLS
