/* The remote RLOCs the data plane exchanged traffic with, and when it last did: the peers
 * to tell (SMR) when our own mapping changes, and the locators RLOC-probing knows are in
 * use. Bounded: past its size, new peers are not remembered until lmn_peer_table_recent
 * forgets old ones. */
#pragma once

#include <glib.h>
#include "lmn-ip.h"

G_BEGIN_DECLS

typedef struct _LmnPeerTable LmnPeerTable;

LmnPeerTable *lmn_peer_table_new      (guint max);
void          lmn_peer_table_free     (LmnPeerTable *t);
/* Traffic to or from this RLOC at now (monotonic µs). */
void          lmn_peer_table_note     (LmnPeerTable *t, guint8 family, const guint8 *addr,
                                       gint64 now);
/* When traffic last went to or came from this RLOC; 0 when not lately. */
gint64        lmn_peer_table_last_use (LmnPeerTable *t, guint8 family, const guint8 *addr);
/* The peers (LmnIp) seen since `since`; the others are forgotten. */
GArray       *lmn_peer_table_recent   (LmnPeerTable *t, gint64 since);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnPeerTable, lmn_peer_table_free)

G_END_DECLS
