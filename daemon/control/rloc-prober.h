/* RLOC probing (RFC 9301 §7.1): the remote locators of the mappings we are using are sent a
 * Map-Request with the P bit, straight to their control port, every rloc-probe-interval
 * seconds; three missed in a row (each given up after 5 s, or the interval when shorter)
 * make a locator unreachable, so that locator choice skips it, until one is answered
 * again. Only an answer with the nonce of a probe still unanswered counts. The schedule is
 * in rloc-probe-table.c; this file does the sending, the timer and the map-cache updates. */
#pragma once

#include <glib.h>
#include "control-context.h"
#include "rloc-probe-table.h"

G_BEGIN_DECLS

typedef struct _LmnRlocProber LmnRlocProber;

/* Keeps a copy of ctx (whose pointers must outlive the prober). Probes nothing when the
 * configured interval is 0 (the node then need not create one). */
LmnRlocProber *lmn_rloc_prober_new (const LmnControlContext *ctx);
void           lmn_rloc_prober_free (LmnRlocProber *prober);
/* A Map-Reply (type 2) from `from`: TRUE when it is the answer to an RLOC-probe (P bit) and
 * was dealt with here (accepted, or counted and dropped); FALSE for the resolver's. */
gboolean       lmn_rloc_prober_handle_reply (LmnRlocProber *prober, const guint8 *data, gsize len,
                                             const LmnIp *from);
/* The locators probed now (NULL past the last). */
guint                 lmn_rloc_prober_n_targets (const LmnRlocProber *prober);
const LmnProbeTarget *lmn_rloc_prober_get       (const LmnRlocProber *prober, guint i);
/* Whether probing found this remote locator unreachable. */
gboolean       lmn_rloc_prober_is_down (LmnRlocProber *prober, guint8 family, const guint8 *addr);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnRlocProber, lmn_rloc_prober_free)

G_END_DECLS
