/* A table of EID-prefixes (LispPrefix -> a pointer) for the map-server's hot paths: the exact
 * prefix in one hash lookup, and the prefixes that hold an address or prefix, longest first,
 * in one hash lookup for each prefix length the table holds in that family (a host prefix
 * table answers in one). The map-server keeps its registrations and its sites' prefixes in
 * such tables instead of scanning them (ms-context.c, site-index.c). */
#pragma once

#include <glib.h>
#include "lisp-prefix.h"

G_BEGIN_DECLS

typedef struct _LmnPrefixTable LmnPrefixTable;

LmnPrefixTable *lmn_prefix_table_new (void);
void lmn_prefix_table_free (LmnPrefixTable *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnPrefixTable, lmn_prefix_table_free)

/* Sets the value of p (not NULL), replacing any; p is copied. */
void lmn_prefix_table_insert (LmnPrefixTable *t, const LispPrefix *p, gpointer value);
/* FALSE when p was not in the table. */
gboolean lmn_prefix_table_remove (LmnPrefixTable *t, const LispPrefix *p);
/* The value of exactly p, or NULL. */
gpointer lmn_prefix_table_find (const LmnPrefixTable *t, const LispPrefix *p);
guint lmn_prefix_table_size (const LmnPrefixTable *t);

/* Calls func for each prefix that holds q (its length at most q's, the same instance and
 * family, q's address inside it), longest first, until func returns TRUE; returns the value
 * for which it did, or NULL. func NULL: the longest such prefix's value. */
typedef gboolean (*LmnPrefixVisit) (const LispPrefix *p, gpointer value, gpointer data);
gpointer lmn_prefix_table_covering (const LmnPrefixTable *t, const LispPrefix *q,
                                    LmnPrefixVisit func, gpointer data);

G_END_DECLS
