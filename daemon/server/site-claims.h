/* The EID-prefixes the [site] groups read so far claim, for the configuration parser to
 * refuse a site whose prefixes overlap another's (authorisation would be ambiguous). Kept
 * in order, so that each new prefix is checked against two neighbours, not every earlier
 * site's prefixes: a file of 100,000 sites is read in a second rather than in hours. */
#pragma once

#include <glib.h>
#include "lisp-prefix.h"
#include "site.h"

G_BEGIN_DECLS

typedef struct _LmnSiteClaims LmnSiteClaims;

LmnSiteClaims *lmn_site_claims_new (void);
void lmn_site_claims_free (LmnSiteClaims *claims);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnSiteClaims, lmn_site_claims_free)

/* Claims every prefix of site (which must outlive claims) for it. */
void lmn_site_claims_add (LmnSiteClaims *claims, const LmnSite *site);
/* A claimed prefix that overlaps p (holds it or lies in it), and *site the site that claims
 * it; NULL when none does. */
const LispPrefix *lmn_site_claims_overlap (const LmnSiteClaims *claims, const LispPrefix *p,
                                           const LmnSite **site);

G_END_DECLS
