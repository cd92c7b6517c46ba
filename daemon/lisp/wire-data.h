/* The LISP data-plane header (RFC 9300 §5.3): the 8 bytes between the outer UDP header
 * (port 4341) and the inner IP packet. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LISP_DATA_HEADER_SIZE 8
/* draft-ermagan-lisp-nat-traversal §4.5: this instance ID marks a control message carried
 * on the data port (Data-Map-Notify, data-plane Info-Request). */
#define LISP_DATA_IID_CONTROL 0xffffff

typedef struct {
  gboolean nonce_present;   /* N */
  gboolean lsb_enabled;     /* L */
  gboolean echo_nonce;      /* E: asks the peer to echo the nonce; needs N */
  gboolean map_version;     /* V: excludes N */
  gboolean iid_present;     /* I */
  gboolean reserved_flag;   /* R: unassigned, ignored on receipt, sent as 0 */
  guint8   key_id;          /* KK (RFC 8061): 0 = not encrypted */
  guint32  nonce;           /* 24 bits */
  guint16  source_version;  /* 12 bits */
  guint16  dest_version;    /* 12 bits */
  guint32  iid;             /* 24 bits */
  guint32  lsb;             /* 32 bits, or 8 when I is set */
} LispDataHeader;

/* Rejects E without N and N with V, the combinations RFC 9300 forbids. */
gboolean lisp_data_header_decode (const guint8 *data, gsize len, LispDataHeader *h,
                                  GError **error);
gboolean lisp_data_header_encode (const LispDataHeader *h, guint8 out[LISP_DATA_HEADER_SIZE],
                                  GError **error);

G_END_DECLS
