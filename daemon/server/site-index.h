/* The map-server's index of its sites, built once from them (they do not change while it
 * runs): which sites hold or may register a prefix, in one hash lookup per prefix length
 * in use (prefix-table.h) rather than a scan of every site, and where the widest prefix
 * around an address that touches no site ends (the negative Map-Reply outside every site),
 * by binary search. With thousands of sites, each a user's, the scans were the cost of
 * every message. */
#pragma once

#include <glib.h>
#include "lisp-prefix.h"
#include "site.h"

G_BEGIN_DECLS

typedef struct _LmnSiteIndex LmnSiteIndex;

/* sites: LmnSite*, not copied: they must outlive the index, unchanged. */
LmnSiteIndex *lmn_site_index_new (const GPtrArray *sites);
void lmn_site_index_free (LmnSiteIndex *idx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnSiteIndex, lmn_site_index_free)

/* Whether some site has a key with this Key ID. */
gboolean lmn_site_index_has_key_id (const LmnSiteIndex *idx, guint8 key_id);
/* The sites that may register p (lmn_site_allows), in the order of the configuration,
 * into out (const LmnSite*); returns how many. */
guint lmn_site_index_allowing (const LmnSiteIndex *idx, const LispPrefix *p, GPtrArray *out);
/* The first site, in the order of the configuration, one of whose prefixes holds q; NULL
 * when none does. */
const LmnSite *lmn_site_index_holding (const LmnSiteIndex *idx, const LispPrefix *q);
/* The shortest length at which the prefix around the host address (iid, family, addr)
 * overlaps no site prefix, for an address that no site holds: one more than the most
 * leading bits it shares with a site prefix of its instance and family, 0 when there is
 * none. */
guint lmn_site_index_non_eid_len (const LmnSiteIndex *idx, guint32 iid, guint8 family,
                                  const guint8 *addr);

G_END_DECLS
