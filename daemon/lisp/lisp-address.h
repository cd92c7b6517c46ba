/* LISP addresses as they travel in control messages: an AFI-encoded address (RFC 9301
 * §5, AFI numbers from IANA) or an LCAF (RFC 8060). EIDs in records, locators, ITR-RLOCs,
 * source EIDs and the NAT-traversal fields are all LispAddress values.
 *
 * A LispAddress is a heap value owned by whoever holds the pointer; LCAF kinds own their
 * nested addresses. Use g_autoptr(LispAddress). */
#pragma once

#include <glib.h>
#include "wire-buffer.h"

G_BEGIN_DECLS

typedef enum {
  LISP_AFI_NONE = 0,
  LISP_AFI_IPV4 = 1,
  LISP_AFI_IPV6 = 2,
  LISP_AFI_MAC = 6,
  LISP_AFI_NAME = 17,  /* Distinguished Name: NUL-terminated ASCII */
  LISP_AFI_LCAF = 16387,
} LispAfi;

typedef enum {
  LISP_LCAF_NULL = 0,
  LISP_LCAF_AFI_LIST = 1,
  LISP_LCAF_INSTANCE_ID = 2,
  LISP_LCAF_NAT_TRAVERSAL = 7,
  LISP_LCAF_ELP = 10,
} LispLcafType;

typedef enum {
  LISP_ADDRESS_NONE,        /* AFI 0: "no address" */
  LISP_ADDRESS_IPV4,
  LISP_ADDRESS_IPV6,
  LISP_ADDRESS_MAC,
  LISP_ADDRESS_NAME,
  LISP_ADDRESS_INSTANCE_ID, /* LCAF 2: iid + inner address */
  LISP_ADDRESS_AFI_LIST,    /* LCAF 1: items */
  LISP_ADDRESS_NAT,         /* LCAF 7: ports + four kinds of RLOC */
  LISP_ADDRESS_ELP,         /* LCAF 10: hops */
  LISP_ADDRESS_LCAF_OTHER,  /* any other LCAF, kept as raw body so it re-encodes unchanged */
} LispAddressKind;

typedef struct _LispAddress LispAddress;

/* ELP hop flags (RFC 8060 §4.9). */
#define LISP_ELP_LOOKUP 0x4
#define LISP_ELP_PROBE  0x2
#define LISP_ELP_STRICT 0x1

typedef struct {
  guint16      flags;    /* LISP_ELP_* */
  LispAddress *address;
} LispElpHop;

struct _LispAddress {
  LispAddressKind kind;
  guint8          bytes[16];   /* IPv4 (4), IPv6 (16) or MAC (6), network order */
  gchar          *name;        /* LISP_ADDRESS_NAME */

  /* LCAF header fields kept for re-encoding: */
  guint8          lcaf_flags;
  guint8          lcaf_type;   /* LISP_ADDRESS_LCAF_OTHER */
  guint8          lcaf_rsvd2;  /* for Instance-ID: the IID mask length */

  guint32         iid;         /* LISP_ADDRESS_INSTANCE_ID */
  LispAddress    *inner;       /* LISP_ADDRESS_INSTANCE_ID */

  GPtrArray      *items;       /* AFI_LIST: LispAddress*; ELP: LispElpHop*; NAT: RTR LispAddress* */

  /* LISP_ADDRESS_NAT (draft-ermagan-lisp-nat-traversal §4.2) */
  guint16         ms_port;
  guint16         etr_port;
  LispAddress    *global_etr;
  LispAddress    *ms_rloc;
  LispAddress    *private_etr;

  GBytes         *raw;         /* LISP_ADDRESS_LCAF_OTHER: the body after the Length field */
};

LispAddress *lisp_address_new            (LispAddressKind kind);
LispAddress *lisp_address_new_ipv4       (const guint8 addr[4]);
LispAddress *lisp_address_new_ipv6       (const guint8 addr[16]);
LispAddress *lisp_address_new_name       (const char *name);
/* Takes ownership of inner. */
LispAddress *lisp_address_new_instance_id (guint32 iid, guint8 mask_len, LispAddress *inner);
/* "192.0.2.1", "2001:db8::1", "[1000]192.0.2.1" (Instance-ID LCAF) */
LispAddress *lisp_address_parse          (const char *text, GError **error);
LispAddress *lisp_address_copy           (const LispAddress *a);
void         lisp_address_free           (LispAddress *a);
gboolean     lisp_address_equal          (const LispAddress *a, const LispAddress *b);
/* A readable form for logs and tests: "192.0.2.1", "[1000]203.0.113.130",
 * "(198.51.100.1, 'vm')", "'name'", "none", "elp{a -> b}" ... */
gchar       *lisp_address_to_string      (const LispAddress *a);
/* The IP address at the heart of a, looking through Instance-ID and AFI-list LCAFs: an
 * AFI-list locator carrying an address and a name yields the address. Returns the family
 * (4 or 6) and copies the bytes, or returns 0 when a holds no IP address. */
int          lisp_address_ip             (const LispAddress *a, guint8 out[16]);
/* The instance ID of an Instance-ID LCAF, 0 otherwise. */
guint32      lisp_address_iid            (const LispAddress *a);

void         lisp_elp_hop_free           (LispElpHop *hop);

/* Wire form. Decoding bounds every length by what remains in r (an LCAF never reads past
 * its own Length) and skips unknown LCAF types by their Length. */
gboolean     lisp_address_decode         (LispReader *r, const char *field, LispAddress **out,
                                          GError **error);
void         lisp_address_encode         (const LispAddress *a, GByteArray *out);
/* The NAT-Traversal LCAF body as lispers.net writes it in Info-Replies: its Length says 16
 * whatever follows, so the body is read to the end of r instead. *length_lied says whether
 * the declared length disagreed with the content. */
gboolean     lisp_address_decode_nat_to_end (LispReader *r, const char *field, LispAddress **out,
                                             gboolean *length_lied, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LispAddress, lisp_address_free)

G_END_DECLS
