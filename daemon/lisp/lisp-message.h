/* LISP control messages (RFC 9301 §5, draft-ermagan-lisp-nat-traversal §4) as C structures,
 * with decoders and encoders. Decoders never trust a count or a length: each is bounded by
 * what remains of the message, and a failure names the field and its byte offset.
 *
 * Reserved bits are sent as zero and ignored on receipt. Bytes after the last field a
 * message defines are tolerated (and counted in `trailing`), because deployed
 * implementations append data (see the quirks in each decoder). */
#pragma once

#include <glib.h>
#include "lisp-action.h"
#include "lisp-address.h"

G_BEGIN_DECLS

#define LISP_CONTROL_PORT 4342
#define LISP_DATA_PORT    4341

typedef enum {
  LISP_TYPE_MAP_REQUEST = 1,
  LISP_TYPE_MAP_REPLY = 2,
  LISP_TYPE_MAP_REGISTER = 3,
  LISP_TYPE_MAP_NOTIFY = 4,
  LISP_TYPE_MAP_NOTIFY_ACK = 5,
  LISP_TYPE_MAP_REFERRAL = 6,
  LISP_TYPE_INFO = 7,
  LISP_TYPE_ECM = 8,
} LispMessageType;

/* The type of a control message from its first byte; 0 when empty. */
guint        lisp_message_type      (const guint8 *data, gsize len);
const char  *lisp_message_type_name (guint type);

/* ---- records ------------------------------------------------------------------------ */

typedef struct {
  guint8       priority;    /* 255: not for unicast */
  guint8       weight;
  guint8       m_priority;
  guint8       m_weight;
  gboolean     local;       /* L: local to the replying ETR */
  gboolean     probed;      /* p: the locator an RLOC-probe was sent to */
  gboolean     reachable;   /* R */
  LispAddress *address;
} LispLocator;

typedef struct {
  guint32      ttl;           /* minutes; 0xffffffff = forever in some implementations */
  guint8       mask_len;
  guint8       action;        /* LispAction; meaningful when there are no locators */
  gboolean     authoritative; /* A */
  guint16      map_version;   /* 12 bits; 0 = not versioned */
  LispAddress *eid;
  GPtrArray   *locators;      /* LispLocator* */
} LispRecord;

LispLocator *lisp_locator_new  (LispAddress *address, guint8 priority, guint8 weight);
void         lisp_locator_free (LispLocator *l);
LispRecord  *lisp_record_new   (LispAddress *eid, guint8 mask_len, guint32 ttl);
void         lisp_record_free  (LispRecord *r);
LispRecord  *lisp_record_copy  (const LispRecord *r);
gboolean     lisp_record_decode (LispReader *r, guint index, LispRecord **out, GError **error);
/* Whether mask_len fits the family of eid (32 for IPv4, 128 for IPv6, through an IID LCAF). */
gboolean     lisp_eid_mask_check (const LispAddress *eid, guint8 mask_len, GError **error);
/* Whether rec can be encoded: an EID, at most 255 locators, a mask length that fits. */
gboolean     lisp_record_check  (const LispRecord *rec, GError **error);
void         lisp_record_encode (const LispRecord *rec, GByteArray *out);
/* A message's records: decode count of them, check or encode them all. */
GPtrArray   *lisp_records_new    (void);
gboolean     lisp_records_decode (LispReader *r, guint count, GPtrArray *records, GError **error);
gboolean     lisp_records_check  (const GPtrArray *records, GError **error);
void         lisp_records_encode (const GPtrArray *records, GByteArray *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LispRecord, lisp_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LispLocator, lisp_locator_free)

/* ---- the authentication block (Map-Register, Map-Notify(-Ack), Info) -------------------- */

/* Reads Key ID, Algorithm ID and the Authentication Data (its length checked against the
 * algorithm when it is a known one); offset is where the data starts in the message. */
gboolean     lisp_auth_block_decode (LispReader *r, guint8 *key_id, guint8 *alg_id, GBytes **data,
                                     gsize *offset, GError **error);
/* Writes the block with zeroed data of the length we send for alg_id; the caller signs the
 * finished message at offset (length bytes; 0 for LISP_AUTH_NONE). */
gboolean     lisp_auth_block_encode (GByteArray *out, guint8 key_id, guint8 alg_id, gsize *offset,
                                     gsize *length, GError **error);

/* ---- Map-Request (type 1) ----------------------------------------------------------- */

typedef struct {
  guint8       mask_len;
  LispAddress *eid;
} LispRequestRecord;

typedef struct {
  gboolean     authoritative;  /* A */
  gboolean     map_data;       /* M: a Map-Reply record follows (set by the encoder) */
  gboolean     probe;          /* P: RLOC-probe */
  gboolean     smr;            /* S: Solicit-Map-Request */
  gboolean     pitr;           /* p */
  gboolean     smr_invoked;    /* s */
  gboolean     local_xtr;      /* L */
  gboolean     dont_reply;     /* D */
  guint64      nonce;
  LispAddress *source_eid;     /* kind NONE when absent */
  GPtrArray   *itr_rlocs;      /* LispAddress*, 1..32 */
  GPtrArray   *records;        /* LispRequestRecord*, at least 1 */
  LispRecord  *map_reply;      /* the requester's own mapping (M), unverified; or NULL */
  gsize        trailing;
} LispMapRequest;

LispMapRequest *lisp_map_request_new    (void);
void            lisp_map_request_free   (LispMapRequest *m);
void            lisp_map_request_add_record (LispMapRequest *m, LispAddress *eid, guint8 mask_len);
gboolean        lisp_map_request_decode (const guint8 *data, gsize len, LispMapRequest **out,
                                         GError **error);
GBytes         *lisp_map_request_encode (const LispMapRequest *m, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LispMapRequest, lisp_map_request_free)

/* ---- Map-Reply (type 2) ------------------------------------------------------------- */

typedef struct {
  gboolean   probe;        /* P: answers an RLOC-probe */
  gboolean   echo_nonce;   /* E: the ETR can echo nonces */
  gboolean   security;     /* S: LISP-SEC data follows the records (kept in `trailing`) */
  guint64    nonce;
  GPtrArray *records;      /* LispRecord* */
  gsize      trailing;
} LispMapReply;

LispMapReply *lisp_map_reply_new    (void);
void          lisp_map_reply_free   (LispMapReply *m);
gboolean      lisp_map_reply_decode (const guint8 *data, gsize len, LispMapReply **out,
                                     GError **error);
GBytes       *lisp_map_reply_encode (const LispMapReply *m, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LispMapReply, lisp_map_reply_free)

/* ---- Map-Register (3), Map-Notify (4), Map-Notify-Ack (5) ---------------------------- */

/* The three share one layout: header flags, nonce, authentication block, records, and an
 * optional xTR-ID/site-ID trailer. */
typedef struct {
  guint8     type;            /* LISP_TYPE_MAP_REGISTER, _NOTIFY or _NOTIFY_ACK */
  /* Map-Register flags */
  gboolean   proxy_reply;     /* P */
  gboolean   lisp_sec;        /* S */
  gboolean   for_rtr;         /* R: register bit 7; notify bit 5 (NAT traversal) */
  gboolean   eid_notify;      /* E */
  gboolean   use_ttl;         /* T: expire by the record TTL */
  gboolean   merge;           /* a */
  gboolean   mobile_node;     /* m: bit 22, lispers.net */
  gboolean   want_notify;     /* M */
  /* all three */
  gboolean   has_xtr_id;      /* I: xTR-ID and site-ID follow the records */
  guint64    nonce;
  guint8     key_id;
  guint8     alg_id;          /* LispAuthAlg */
  GBytes    *auth_data;       /* as received; the encoder computes it */
  GPtrArray *records;         /* LispRecord* */
  guint8     xtr_id[16];
  guint64    site_id;

  /* Decoder outputs: where the authentication data sits (for lisp_auth_verify), and
   * whether a trailer was found although the I bit was clear (lispers.net Map-Notify). */
  gsize      auth_offset;
  gboolean   trailer_without_flag;
  gsize      trailing;
} LispMapRegister;

LispMapRegister *lisp_map_register_new    (guint8 type);
void             lisp_map_register_free   (LispMapRegister *m);
gboolean         lisp_map_register_decode (const guint8 *data, gsize len, LispMapRegister **out,
                                           GError **error);
/* Encodes and authenticates with key (alg_id and key_id from m; LISP_AUTH_NONE sends no MAC). */
GBytes          *lisp_map_register_encode (const LispMapRegister *m, const guint8 *key,
                                           gsize key_len, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LispMapRegister, lisp_map_register_free)

/* ---- Encapsulated Control Message (type 8) ------------------------------------------ */

typedef struct {
  gboolean  security;      /* S: LISP-SEC / MS-RTR authentication data follows */
  gboolean  ddt;           /* D */
  /* Bits 6 and 7: RFC 9301 names them E (for the ETR) and M (for the Map-Server); the
   * NAT-traversal draft (and OOR) use the same bits as R (for an RTR) and N (relayed by an
   * RTR to a Map-Server). */
  gboolean  to_etr;        /* E, or R */
  gboolean  to_ms;         /* M, or N */
  GBytes   *security_data; /* the authentication data block when S is set */
  guint8    ip_version;    /* 4 or 6 */
  guint8    src[16];
  guint8    dst[16];
  guint8    ttl;
  guint16   sport;
  guint16   dport;
  guint16   udp_checksum;  /* as received; 0 is accepted */
  GBytes   *inner;         /* the encapsulated control message */
} LispEcm;

LispEcm  *lisp_ecm_new    (void);
void      lisp_ecm_free   (LispEcm *m);
gboolean  lisp_ecm_decode (const guint8 *data, gsize len, LispEcm **out, GError **error);
/* Builds the inner IP and UDP headers (checksums included) around m->inner. */
GBytes   *lisp_ecm_encode (const LispEcm *m, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LispEcm, lisp_ecm_free)

/* The R (to an RTR) and N (relayed to a map-server) bits of an ECM, read without decoding
 * it, to route it; FALSE when data is not an ECM. */
gboolean lisp_ecm_to_rtr (const guint8 *data, gsize len);
gboolean lisp_ecm_relayed_to_ms (const guint8 *data, gsize len);

/* The MS-RTR authentication block (NAT traversal, ECM S bit): AD Type 2, 24 reserved bits,
 * MS-RTR Key ID (16), Auth Data Length (16), then an HMAC over the ECM's inner control
 * message (its UDP payload) with the key the map-server shares with its RTRs. We send
 * HMAC-SHA-256 (32 bytes) under Key ID 1. */
#define LISP_ECM_MS_RTR_KEY_ID 1
/* Sets m->security_data to the block authenticating m->inner with key. */
gboolean lisp_ecm_ms_rtr_sign (LispEcm *m, const guint8 *key, gsize key_len, GError **error);
/* Whether m carries an MS-RTR block whose HMAC over m->inner verifies with key (in constant
 * time); the error says why not. */
gboolean lisp_ecm_ms_rtr_verify (const LispEcm *m, const guint8 *key, gsize key_len,
                                 GError **error);

/* ---- Info-Request / Info-Reply (type 7, NAT traversal) ------------------------------- */

typedef struct {
  gboolean     reply;        /* R */
  guint64      nonce;
  guint8       key_id;
  guint8       alg_id;
  GBytes      *auth_data;
  guint32      ttl;          /* minutes */
  guint8       mask_len;
  LispAddress *eid;
  /* Request: kind NONE (RFC) or a name (lispers.net sends its host name).
   * Reply: the NAT-Traversal LCAF. */
  LispAddress *address;
  gsize        auth_offset;
  gboolean     nat_length_lied; /* lispers.net: NAT LCAF Length 16 whatever follows */
  gsize        trailing;
} LispInfo;

LispInfo *lisp_info_new    (gboolean reply);
void      lisp_info_free   (LispInfo *m);
gboolean  lisp_info_decode (const guint8 *data, gsize len, LispInfo **out, GError **error);
GBytes   *lisp_info_encode (const LispInfo *m, const guint8 *key, gsize key_len, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LispInfo, lisp_info_free)

G_END_DECLS
