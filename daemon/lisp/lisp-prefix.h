/* An EID prefix as the map-cache and the data plane see it: instance ID, family, length and
 * the address bits (bits past the length always zero, so prefixes compare with memcmp). */
#pragma once

#include <glib.h>
#include "lisp-address.h"

G_BEGIN_DECLS

#define LISP_FAMILY_IPV4 4
#define LISP_FAMILY_IPV6 6

typedef struct {
  guint32 iid;       /* 24 bits used on the data plane; 32 in the LCAF */
  guint8  family;    /* LISP_FAMILY_IPV4 or LISP_FAMILY_IPV6 */
  guint8  len;       /* 0..32 or 0..128 */
  guint8  addr[16];  /* network order; IPv4 in the first 4 bytes */
} LispPrefix;

/* Builds a prefix, clearing the bits past len. FALSE if len is too long for the family. */
gboolean lisp_prefix_init       (LispPrefix *p, guint32 iid, guint8 family, const guint8 *addr,
                                 guint8 len);
/* "192.0.2.0/24", "2001:db8::/32", "[1000]192.0.2.1/32"; no "/len" means a host prefix. */
gboolean lisp_prefix_parse      (const char *text, LispPrefix *p, GError **error);
gchar   *lisp_prefix_to_string  (const LispPrefix *p);
/* From a record's EID and mask length (the EID may be wrapped in an Instance-ID LCAF). */
gboolean lisp_prefix_from_address (const LispAddress *eid, guint8 mask_len, LispPrefix *p,
                                   GError **error);
gboolean lisp_prefix_equal      (const LispPrefix *a, const LispPrefix *b);
/* Whether the host address (iid, family, addr) lies inside p. */
gboolean lisp_prefix_contains   (const LispPrefix *p, guint32 iid, guint8 family, const guint8 *addr);

G_END_DECLS
