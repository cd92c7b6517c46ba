/* Packets captured from two other LISP implementations, OOR and lispers.net
 * (../shared/vectors/foreign/, described frame by frame in its README.md).
 *
 * Every frame of every capture must decode with the library (ECMs down to their inner
 * message, data packets down to the data header, lispers.net's data-plane Info-Request
 * down to the Info message after it), and the facts the README states are checked file
 * by file: message types, flags, nonces shared by request and answer, EIDs, TTLs,
 * locators, LCAFs, the MACs with the README's keys, and each producer quirk, with a comment
 * saying why the decoder accepts it. Finally every decoded message is encoded again by the
 * library: the result must decode to the same fields, and must be the captured bytes
 * themselves except where a producer's quirk cannot be reproduced (listed, with the reason,
 * in reencode_exceptions[]). */
#include "frame-check.h"
#include "inet-checksum.h"
#include "lisp-auth.h"
#include "lisp-message.h"
#include "wire-data.h"

#define OOR_KEY    "oorA-lab-key"
#define LN_KEY     "lnetF-secret-key"
#define LN_NAT_KEY "lnetF-nat-key"

/* The captures of the README, with their frame counts: a file added to or missing from the
 * folder, or a frame more or less, fails /foreign/files. */
static const struct {
  const char *name;
  guint       n_frames;
} files[] = {
  { "oor-register.pcap", 4 },
  { "oor-resolve.pcap", 8 },
  { "oor-smr-probe.pcap", 6 },
  { "oor-data.pcap", 4 },
  { "lispersnet-register.pcap", 3 },
  { "lispersnet-resolve.pcap", 12 },
  { "lispersnet-nat.pcap", 7 },
};

static const char *foreign_dir;
static GHashTable *captures;  /* file name -> GPtrArray of VFrame* */

static GPtrArray *
capture (const char *name)
{
  GPtrArray *frames = g_hash_table_lookup (captures, name);

  if (frames == NULL)
    {
      frames = vframes_load (foreign_dir, name);
      g_hash_table_insert (captures, (gpointer) name, frames);
    }
  return frames;
}

static const VFrame *
frame (const char *name, guint number)
{
  GPtrArray *frames = capture (name);

  if (number < 1 || number > frames->len)
    g_error ("%s has no frame %u (%u frames)", name, number, frames->len);
  return g_ptr_array_index (frames, number - 1);
}

/* The key of the README's table for a capture's Map-Register/Map-Notify frames. */
static const char *
key_for (const char *file)
{
  if (g_str_equal (file, "oor-register.pcap"))
    return OOR_KEY;
  if (g_str_equal (file, "lispersnet-register.pcap"))
    return LN_KEY;
  if (g_str_equal (file, "lispersnet-nat.pcap"))
    return LN_NAT_KEY;
  return NULL;
}

/* ---- decoding, failures naming the frame ------------------------------------------------ */

static void
check_ports (const VFrame *f, const char *what, guint sport, guint dport)
{
  if (sport != 0)
    VCHECK_UINT (f, what, "UDP source port", f->sport, sport);
  VCHECK_UINT (f, what, "UDP destination port", f->dport, dport);
}

static void
check_outer (const VFrame *f, const char *what, const char *src, const char *dst)
{
  VCHECK_IP (f, what, "outer source", f->family, f->src, src);
  VCHECK_IP (f, what, "outer destination", f->family, f->dst, dst);
}

static LispMapRegister *
get_register (const VFrame *f, guint type)
{
  LispMapRegister *m = NULL;

  VDECODE_MESSAGE (f, lisp_message_type_name (type), type, lisp_map_register_decode, f->payload,
                   f->payload_len, &m);
  return m;
}

static LispMapRequest *
get_request_from (const VFrame *f, const char *what, const guint8 *data, gsize len)
{
  LispMapRequest *m = NULL;

  VDECODE_MESSAGE (f, what, LISP_TYPE_MAP_REQUEST, lisp_map_request_decode, data, len, &m);
  return m;
}

static LispMapRequest *
get_request (const VFrame *f)
{
  return get_request_from (f, "Map-Request", f->payload, f->payload_len);
}

/* An ECM and the Map-Request inside it. */
static LispMapRequest *
get_ecm_request (const VFrame *f, LispEcm **ecm_out)
{
  g_autoptr(LispEcm) ecm = NULL;
  gsize len;
  const guint8 *inner;
  LispMapRequest *m;

  VCHECK_UINT (f, "ECM", "message type", lisp_message_type (f->payload, f->payload_len),
               LISP_TYPE_ECM);
  VDECODE (f, "ECM", lisp_ecm_decode, f->payload, f->payload_len, &ecm);
  inner = g_bytes_get_data (ecm->inner, &len);
  m = get_request_from (f, "ECM inner Map-Request", inner, len);
  if (ecm_out != NULL)
    *ecm_out = g_steal_pointer (&ecm);
  return m;
}

static LispMapReply *
get_reply (const VFrame *f)
{
  LispMapReply *m = NULL;

  VDECODE_MESSAGE (f, "Map-Reply", LISP_TYPE_MAP_REPLY, lisp_map_reply_decode, f->payload,
                   f->payload_len, &m);
  return m;
}

static LispInfo *
get_info_from (const VFrame *f, const guint8 *data, gsize len)
{
  LispInfo *m = NULL;

  VDECODE_MESSAGE (f, "Info", LISP_TYPE_INFO, lisp_info_decode, data, len, &m);
  return m;
}

static LispInfo *
get_info (const VFrame *f)
{
  return get_info_from (f, f->payload, f->payload_len);
}

static void
get_data (const VFrame *f, LispDataHeader *h)
{
  VCHECK_UINT (f, "data", "UDP destination port", f->dport, LISP_DATA_PORT);
  VDECODE (f, "data", lisp_data_header_decode, f->payload, f->payload_len, h);
}

/* The nonce of a control frame (of the Map-Request inside an ECM). */
static guint64
frame_nonce (const VFrame *f)
{
  switch (lisp_message_type (f->payload, f->payload_len))
    {
    case LISP_TYPE_MAP_REGISTER:
    case LISP_TYPE_MAP_NOTIFY:
      {
        g_autoptr(LispMapRegister) m = get_register (f, lisp_message_type (f->payload, f->payload_len));
        return m->nonce;
      }
    case LISP_TYPE_MAP_REQUEST:
      {
        g_autoptr(LispMapRequest) m = get_request (f);
        return m->nonce;
      }
    case LISP_TYPE_ECM:
      {
        g_autoptr(LispMapRequest) m = get_ecm_request (f, NULL);
        return m->nonce;
      }
    case LISP_TYPE_MAP_REPLY:
      {
        g_autoptr(LispMapReply) m = get_reply (f);
        return m->nonce;
      }
    case LISP_TYPE_INFO:
      {
        g_autoptr(LispInfo) m = get_info (f);
        return m->nonce;
      }
    default:
      g_error ("%s frame %u has no nonce", f->file, f->number);
    }
}

/* ---- field checks ------------------------------------------------------------------------ */

#define L_ 1  /* locator flags for check_locator */
#define P_ 2
#define R_ 4

static void
check_locator (const VFrame *f, const char *what, const LispLocator *l, const char *address,
               guint priority, guint weight, guint m_priority, guint m_weight, guint flags)
{
  VCHECK_ADDR_STR (f, what, "locator", l->address, address);
  VCHECK_UINTS (f, what, { "locator priority", l->priority, priority },
                { "locator weight", l->weight, weight },
                { "locator M priority", l->m_priority, m_priority },
                { "locator M weight", l->m_weight, m_weight });
  VCHECK_BOOL (f, what, "locator L (local)", l->local, flags & L_);
  VCHECK_BOOL (f, what, "locator p (probed)", l->probed, flags & P_);
  VCHECK_BOOL (f, what, "locator R (reachable)", l->reachable, flags & R_);
}

/* The address and mask, TTL, A bit, action and locator count of a record. */
static void
check_record (const VFrame *f, const char *what, const LispRecord *rec, const char *eid,
              guint mask_len, guint ttl, gboolean authoritative, guint action, guint n_locators)
{
  VCHECK_ADDR_STR (f, what, "EID", rec->eid, eid);
  VCHECK_BOOL (f, what, "record A (authoritative)", rec->authoritative, authoritative);
  VCHECK_UINTS (f, what, { "EID mask-len", rec->mask_len, mask_len },
                { "record TTL", rec->ttl, ttl }, { "record ACT", rec->action, action },
                { "record Map-Version", rec->map_version, 0 },
                { "locator count", rec->locators->len, n_locators });
}

static const LispRecord *
only_record (const VFrame *f, const char *what, GPtrArray *records)
{
  VCHECK_UINT (f, what, "record count", records->len, 1);
  return g_ptr_array_index (records, 0);
}

static const LispLocator *
locator (const GPtrArray *records, guint record, guint n)
{
  const LispRecord *rec = g_ptr_array_index (records, record);

  return g_ptr_array_index (rec->locators, n);
}

/* The Map-Register flags, as a string of the letters set: "PITM" ... */
static gchar *
register_flags (const LispMapRegister *m)
{
  return g_strdup_printf ("%s%s%s%s%s%s%s%s%s", m->proxy_reply ? "P" : "", m->lisp_sec ? "S" : "",
                          m->has_xtr_id ? "I" : "", m->for_rtr ? "R" : "",
                          m->eid_notify ? "E" : "", m->use_ttl ? "T" : "", m->merge ? "a" : "",
                          m->mobile_node ? "m" : "", m->want_notify ? "M" : "");
}

static gchar *
request_flags (const LispMapRequest *m)
{
  return g_strdup_printf ("%s%s%s%s%s%s%s%s", m->authoritative ? "A" : "", m->map_data ? "M" : "",
                          m->probe ? "P" : "", m->smr ? "S" : "", m->pitr ? "p" : "",
                          m->smr_invoked ? "s" : "", m->local_xtr ? "L" : "",
                          m->dont_reply ? "D" : "");
}

#define CHECK_FLAGS(f, what, flags_of, m, expected)                                        \
  do {                                                                                     \
    g_autofree gchar *cf_ = flags_of (m);                                                  \
    VCHECK ((f), (what), g_str_equal (cf_, (expected)), "flags are '%s', expected '%s'",   \
            cf_, (expected));                                                              \
  } while (0)

static void
check_auth (const VFrame *f, const char *what, const LispMapRegister *m, guint alg, guint len)
{
  VCHECK_UINT (f, what, "Key ID", m->key_id, 0);
  VCHECK_UINT (f, what, "Algorithm ID", m->alg_id, alg);
  VCHECK_UINT (f, what, "Authentication Data Length", g_bytes_get_size (m->auth_data), len);
  VCHECK_UINT (f, what, "offset of the authentication data", m->auth_offset, 16);
}

static void
check_xtr_id (const VFrame *f, const char *what, const LispMapRegister *m, const char *hex)
{
  g_autofree gchar *got = vhex (m->xtr_id, sizeof m->xtr_id);

  VCHECK (f, what, g_str_equal (got, hex), "xTR-ID is %s, expected %s", got, hex);
}

static void
check_nonce_pair (const char *file, guint request, guint answer)
{
  const VFrame *q = frame (file, request), *a = frame (file, answer);
  guint64 nq = frame_nonce (q), na = frame_nonce (a);

  VCHECK (a, "answer", nq == na, "nonce %016" G_GINT64_MODIFIER "x differs from frame %u's %016"
          G_GINT64_MODIFIER "x", na, request, nq);
}

/* The inner header of an ECM: IP version, addresses and UDP ports 4342 -> 4342. */
static void
check_ecm_inner (const VFrame *f, const LispEcm *ecm, guint version, const char *src,
                 const char *dst)
{
  VCHECK (f, "ECM", !ecm->security && !ecm->ddt && !ecm->to_etr && !ecm->to_ms,
          "ECM flags S, D, E, M are not all clear");
  VCHECK_UINT (f, "ECM", "inner IP version", ecm->ip_version, version);
  VCHECK_IP (f, "ECM", "inner source", version, ecm->src, src);
  VCHECK_IP (f, "ECM", "inner destination", version, ecm->dst, dst);
  VCHECK_UINT (f, "ECM", "inner UDP source port", ecm->sport, LISP_CONTROL_PORT);
  VCHECK_UINT (f, "ECM", "inner UDP destination port", ecm->dport, LISP_CONTROL_PORT);
}

static void
check_request_body (const VFrame *f, const char *what, const LispMapRequest *m,
                    const char *source_eid, const char *itr_rloc, const char *eid, guint mask_len)
{
  const LispRequestRecord *rr;

  VCHECK_ADDR_STR (f, what, "source EID", m->source_eid, source_eid);
  VCHECK_UINT (f, what, "ITR-RLOC count", m->itr_rlocs->len, 1);
  VCHECK_ADDR_STR (f, what, "ITR-RLOC", g_ptr_array_index (m->itr_rlocs, 0), itr_rloc);
  VCHECK_UINT (f, what, "record count", m->records->len, 1);
  rr = g_ptr_array_index (m->records, 0);
  VCHECK_ADDR_STR (f, what, "requested EID", rr->eid, eid);
  VCHECK_UINT (f, what, "requested EID mask-len", rr->mask_len, mask_len);
  VCHECK (f, what, m->map_reply == NULL, "carries a Map-Reply record");
}

/* The two captures of a forwarded ECM carry the very same LISP payload. */
static void
check_same_payload (const VFrame *a, const VFrame *b)
{
  VCHECK (b, "forwarded ECM", a->payload_len == b->payload_len &&
          memcmp (a->payload, b->payload, a->payload_len) == 0,
          "UDP payload differs from frame %u's", a->number);
}

/* ---- /foreign/files, /foreign/decode-all ---------------------------------------------- */

static void
test_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (foreign_dir, 0, &error);
  const char *name;
  guint n_pcaps = 0;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gboolean described = FALSE;

      if (!g_str_has_suffix (name, ".pcap"))
        continue;
      n_pcaps++;
      for (guint i = 0; i < G_N_ELEMENTS (files); i++)
        described = described || g_str_equal (files[i].name, name);
      if (!described)
        g_error ("foreign/%s is not checked by this test", name);
    }
  g_assert_cmpuint (n_pcaps, ==, G_N_ELEMENTS (files));
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      GPtrArray *frames = capture (files[i].name);

      if (frames->len != files[i].n_frames)
        g_error ("%s has %u frames, the README describes %u", files[i].name, frames->len,
                 files[i].n_frames);
      for (guint n = 0; n < frames->len; n++)
        g_assert_cmpuint (((VFrame *) g_ptr_array_index (frames, n))->number, ==, n + 1);
    }
}

enum { K_REGISTER, K_NOTIFY, K_REQUEST, K_ECM, K_REPLY, K_INFO, K_DATA, K_DATA_INFO, N_KINDS };

/* Decodes any frame by its port and message type: the data port's header (and the Info
 * message a control-IID header carries), or a control message (an ECM with its inner
 * message). Returns its K_ kind. */
static guint
decode_any (const VFrame *f)
{
  if (f->dport == LISP_DATA_PORT)
    {
      LispDataHeader h;

      get_data (f, &h);
      if (h.iid_present && h.iid == LISP_DATA_IID_CONTROL)
        {
          lisp_info_free (get_info_from (f, f->payload + LISP_DATA_HEADER_SIZE,
                                         f->payload_len - LISP_DATA_HEADER_SIZE));
          return K_DATA_INFO;
        }
      VCHECK (f, "data", f->payload_len > LISP_DATA_HEADER_SIZE &&
              (f->payload[8] >> 4 == 4 || f->payload[8] >> 4 == 6),
              "no inner IPv4 or IPv6 packet after the data header");
      return K_DATA;
    }
  VCHECK (f, "control", f->sport == LISP_CONTROL_PORT || f->dport == LISP_CONTROL_PORT,
          "UDP %u -> %u is neither the data nor the control port", f->sport, f->dport);
  switch (lisp_message_type (f->payload, f->payload_len))
    {
    case LISP_TYPE_MAP_REGISTER:
      lisp_map_register_free (get_register (f, LISP_TYPE_MAP_REGISTER));
      return K_REGISTER;
    case LISP_TYPE_MAP_NOTIFY:
      lisp_map_register_free (get_register (f, LISP_TYPE_MAP_NOTIFY));
      return K_NOTIFY;
    case LISP_TYPE_MAP_REQUEST:
      lisp_map_request_free (get_request (f));
      return K_REQUEST;
    case LISP_TYPE_ECM:
      lisp_map_request_free (get_ecm_request (f, NULL));
      return K_ECM;
    case LISP_TYPE_MAP_REPLY:
      lisp_map_reply_free (get_reply (f));
      return K_REPLY;
    case LISP_TYPE_INFO:
      lisp_info_free (get_info (f));
      return K_INFO;
    default:
      VCHECK (f, "control", FALSE, "unexpected message type %u",
              lisp_message_type (f->payload, f->payload_len));
      return N_KINDS;
    }
}

static void
test_decode_all (void)
{
  /* How many frames of each kind the README lists over all captures. */
  static const guint expected[N_KINDS] = {
    [K_REGISTER] = 5, [K_NOTIFY] = 4, [K_REQUEST] = 2, [K_ECM] = 13, [K_REPLY] = 11,
    [K_INFO] = 4, [K_DATA] = 4, [K_DATA_INFO] = 1,
  };
  guint counts[N_KINDS + 1] = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      GPtrArray *frames = capture (files[i].name);

      for (guint n = 0; n < frames->len; n++)
        counts[decode_any (g_ptr_array_index (frames, n))]++;
    }
  for (guint k = 0; k < N_KINDS; k++)
    g_assert_cmpuint (counts[k], ==, expected[k]);
}

/* ---- MACs ----------------------------------------------------------------------------- */

static void
test_macs (void)
{
  static const struct {
    const char *file;
    guint       first, last;
    const char *key;
    guint       alg;
    guint       len;
  } macs[] = {
    { "oor-register.pcap", 1, 4, OOR_KEY, LISP_AUTH_HMAC_SHA1_96, 20 },
    { "lispersnet-register.pcap", 1, 3, LN_KEY, LISP_AUTH_HMAC_SHA256_128, 32 },
    { "lispersnet-nat.pcap", 6, 7, LN_NAT_KEY, LISP_AUTH_HMAC_SHA256_128, 32 },
  };
  static const char *const wrong_keys[] = { OOR_KEY, LN_KEY, LN_NAT_KEY, "oorA-lab-kez",
                                            "lnetF-secret-keY", "" };
  guint verified = 0, authenticated = 0;

  for (guint i = 0; i < G_N_ELEMENTS (macs); i++)
    for (guint n = macs[i].first; n <= macs[i].last; n++)
      {
        const VFrame *f = frame (macs[i].file, n);
        guint type = lisp_message_type (f->payload, f->payload_len);
        g_autoptr(LispMapRegister) m = get_register (f, type);
        g_autoptr(GError) error = NULL;
        g_autofree guint8 *tampered = NULL;
        gsize auth_len = g_bytes_get_size (m->auth_data);
        const char *what = lisp_message_type_name (type);
        gboolean ok;

        /* Full-length MACs: 20 bytes of HMAC-SHA-1, 32 of HMAC-SHA-256 (quirk 1). */
        check_auth (f, what, m, macs[i].alg, macs[i].len);
        ok = lisp_auth_verify (m->alg_id, (const guint8 *) macs[i].key, strlen (macs[i].key),
                               f->payload, f->payload_len, m->auth_offset, auth_len, &error);
        VCHECK (f, what, ok && error == NULL, "MAC does not verify with '%s': %s", macs[i].key,
                error != NULL ? error->message : "FALSE without an error");
        for (guint k = 0; k < G_N_ELEMENTS (wrong_keys); k++)
          {
            if (g_str_equal (wrong_keys[k], macs[i].key))
              continue;
            ok = lisp_auth_verify (m->alg_id, (const guint8 *) wrong_keys[k],
                                   strlen (wrong_keys[k]), f->payload, f->payload_len,
                                   m->auth_offset, auth_len, &error);
            VCHECK (f, what, !ok && g_error_matches (error, LISP_ERROR, LISP_ERROR_AUTH),
                    "MAC verifies with the wrong key '%s'", wrong_keys[k]);
            g_clear_error (&error);
          }
        /* The MAC covers the last byte: for lispers.net's Map-Notify that is the site-ID of
         * the trailer its I bit does not announce (quirk 2). */
        tampered = g_memdup2 (f->payload, f->payload_len);
        tampered[f->payload_len - 1] ^= 0x01;
        ok = lisp_auth_verify (m->alg_id, (const guint8 *) macs[i].key, strlen (macs[i].key),
                               tampered, f->payload_len, m->auth_offset, auth_len, &error);
        VCHECK (f, what, !ok, "MAC verifies although the last byte was changed");
        g_clear_error (&error);
        verified++;
      }
  g_assert_cmpuint (verified, ==, 9);

  /* No other frame carries a MAC: the Info messages have Key ID 0 and no authentication
   * data, and every Map-Register and Map-Notify is in the table above. */
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      GPtrArray *frames = capture (files[i].name);

      for (guint n = 0; n < frames->len; n++)
        {
          const VFrame *f = g_ptr_array_index (frames, n);
          guint type = lisp_message_type (f->payload, f->payload_len);

          if (f->dport == LISP_DATA_PORT)
            continue;
          if (type == LISP_TYPE_MAP_REGISTER || type == LISP_TYPE_MAP_NOTIFY)
            authenticated++;
          if (type == LISP_TYPE_INFO)
            {
              g_autoptr(LispInfo) m = get_info (f);

              VCHECK_UINT (f, "Info", "Key ID", m->key_id, 0);
              VCHECK_UINT (f, "Info", "Algorithm ID", m->alg_id, LISP_AUTH_NONE);
              VCHECK_UINT (f, "Info", "Authentication Data Length",
                           g_bytes_get_size (m->auth_data), 0);
            }
        }
    }
  g_assert_cmpuint (authenticated, ==, verified);
}

/* ---- the captures, one by one --------------------------------------------------------- */

static void
test_oor_register (void)
{
  const char *file = "oor-register.pcap";
  const char *eids[] = { "192.0.2.1", "2001:db8:e1d::1" };
  const guint masks[] = { 32, 128 };

  for (guint i = 0; i < 2; i++)
    {
      const VFrame *fr = frame (file, 1 + i), *fn = frame (file, 3 + i);
      g_autoptr(LispMapRegister) reg = get_register (fr, LISP_TYPE_MAP_REGISTER);
      g_autoptr(LispMapRegister) notify = get_register (fn, LISP_TYPE_MAP_NOTIFY);
      const gsize records_at = 16 + 20;
      guint differences = 0;
      gsize at = 0;

      /* Map-Register: M only, no xTR-ID, from port 4342, SHA-1 with a 20-byte MAC. */
      check_outer (fr, "Map-Register", "198.51.100.2", "203.0.113.2");
      check_ports (fr, "Map-Register", LISP_CONTROL_PORT, LISP_CONTROL_PORT);
      CHECK_FLAGS (fr, "Map-Register", register_flags, reg, "M");
      check_auth (fr, "Map-Register", reg, LISP_AUTH_HMAC_SHA1_96, 20);
      check_record (fr, "Map-Register", only_record (fr, "Map-Register", reg->records), eids[i],
                    masks[i], 10, TRUE, LISP_ACTION_NO_ACTION, 1);
      check_locator (fr, "Map-Register", locator (reg->records, 0, 0), "198.51.100.2", 1, 100, 255,
                     0, L_ | R_);
      VCHECK_BOOL (fr, "Map-Register", "trailer_without_flag", reg->trailer_without_flag, FALSE);

      /* The Map-Notify answers with the same nonce and record, except that OOR's MS clears
       * the locator's L bit (quirk 3): flags 0x0001 instead of 0x0005. Only the ETR may say
       * a locator is local to it, so the MS echoing the record is right to clear it; the
       * decoder just reports the bit. */
      check_outer (fn, "Map-Notify", "203.0.113.2", "198.51.100.2");
      check_ports (fn, "Map-Notify", LISP_CONTROL_PORT, LISP_CONTROL_PORT);
      VCHECK_UINT (fn, "Map-Notify", "nonce", notify->nonce, reg->nonce);
      VCHECK (fn, "Map-Notify", !notify->has_xtr_id && !notify->for_rtr &&
              !notify->trailer_without_flag, "I or R bit set, or a trailer");
      check_auth (fn, "Map-Notify", notify, LISP_AUTH_HMAC_SHA1_96, 20);
      check_record (fn, "Map-Notify", only_record (fn, "Map-Notify", notify->records), eids[i],
                    masks[i], 10, TRUE, LISP_ACTION_NO_ACTION, 1);
      check_locator (fn, "Map-Notify", locator (notify->records, 0, 0), "198.51.100.2", 1, 100,
                     255, 0, R_);
      /* ... so the records are not byte-identical: exactly one byte differs, 0x05 -> 0x01. */
      VCHECK_UINT (fn, "Map-Notify", "length", fn->payload_len, fr->payload_len);
      for (gsize b = records_at; b < fn->payload_len; b++)
        if (fn->payload[b] != fr->payload[b])
          {
            differences++;
            at = b;
          }
      VCHECK (fn, "Map-Notify", differences == 1 && fr->payload[at] == 0x05 &&
              fn->payload[at] == 0x01,
              "records differ from the Map-Register's in %u bytes, expected only the L bit",
              differences);
    }
  check_nonce_pair (file, 1, 3);
  check_nonce_pair (file, 2, 4);
}

static void
test_oor_resolve (void)
{
  const char *file = "oor-resolve.pcap";
  static const struct {
    guint       request;        /* ECM frame; request + 1 forwards it, request + 2 answers */
    guint       version;
    const char *source, *target;
    guint       mask_len;
  } queries[] = {
    { 1, 4, "192.0.2.1", "192.0.2.2", 32 },
    { 4, 6, "2001:db8:e1d::1", "2001:db8:e1d::2", 128 },
    { 7, 4, "192.0.2.1", "192.0.2.99", 32 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      const VFrame *fq = frame (file, queries[i].request);
      const VFrame *ff = frame (file, queries[i].request + 1);
      g_autoptr(LispEcm) ecm = NULL;
      g_autoptr(LispMapRequest) m = get_ecm_request (fq, &ecm);

      check_outer (fq, "ECM", "198.51.100.2", "203.0.113.2");
      check_ports (fq, "ECM", LISP_CONTROL_PORT, LISP_CONTROL_PORT);
      check_ecm_inner (fq, ecm, queries[i].version, queries[i].source, queries[i].target);
      CHECK_FLAGS (fq, "ECM inner Map-Request", request_flags, m, "");
      check_request_body (fq, "ECM inner Map-Request", m, queries[i].source, "198.51.100.2",
                          queries[i].target, queries[i].mask_len);
      VCHECK (fq, "ECM", m->nonce != 0, "nonce is 0");
      if (queries[i].request == 7)
        {
          /* Not registered: the MS answers itself, there is no forwarded copy. */
          VCHECK_UINT (ff, "negative Map-Reply", "message type",
                       lisp_message_type (ff->payload, ff->payload_len), LISP_TYPE_MAP_REPLY);
          continue;
        }
      /* The MS forwards the ECM to the registered ETR (MN2) unchanged. */
      check_outer (ff, "forwarded ECM", "203.0.113.2", "198.51.100.18");
      check_same_payload (fq, ff);
    }

  for (guint n = 3; n <= 6; n += 3)
    {
      const VFrame *f = frame (file, n);
      g_autoptr(LispMapReply) m = get_reply (f);

      check_outer (f, "Map-Reply", "198.51.100.18", "198.51.100.2");
      VCHECK (f, "Map-Reply", !m->probe && !m->echo_nonce && !m->security, "P, E or S set");
      check_record (f, "Map-Reply", only_record (f, "Map-Reply", m->records), queries[n / 3 - 1].target,
                    queries[n / 3 - 1].mask_len, 10, TRUE, LISP_ACTION_NO_ACTION, 1);
      check_locator (f, "Map-Reply", locator (m->records, 0, 0), "198.51.100.18", 1, 100, 255, 0,
                     L_ | R_);
    }
  {
    const VFrame *f = frame (file, 8);
    g_autoptr(LispMapReply) m = get_reply (f);

    /* Negative reply: no locators, Natively-Forward, 1 minute (OOR's TTL for a configured
     * but unregistered EID), and OOR sets the A bit on it. */
    check_outer (f, "negative Map-Reply", "203.0.113.2", "198.51.100.2");
    check_record (f, "negative Map-Reply", only_record (f, "negative Map-Reply", m->records),
                  "192.0.2.99", 32, 1, TRUE, LISP_ACTION_NATIVELY_FORWARD, 0);
  }
  check_nonce_pair (file, 1, 2);
  check_nonce_pair (file, 1, 3);
  check_nonce_pair (file, 4, 5);
  check_nonce_pair (file, 4, 6);
  check_nonce_pair (file, 7, 8);
}

static void
test_oor_smr_probe (void)
{
  const char *file = "oor-smr-probe.pcap";

  {
    /* The SMR: S bit, and OOR sends it with nonce 0 (quirk 7). The nonce only matches
     * replies to requests; an SMR asks for no reply to itself (the receiver sends a fresh
     * SMR-invoked request), so 0 is harmless and the decoder takes it as it is. */
    const VFrame *f = frame (file, 1);
    g_autoptr(LispMapRequest) m = get_request (f);

    check_outer (f, "SMR", "198.51.100.3", "198.51.100.18");
    check_ports (f, "SMR", LISP_CONTROL_PORT, LISP_CONTROL_PORT);
    CHECK_FLAGS (f, "SMR", request_flags, m, "S");
    VCHECK_UINT (f, "SMR", "nonce", m->nonce, 0);
    check_request_body (f, "SMR", m, "192.0.2.1", "198.51.100.3", "192.0.2.2", 32);
  }
  {
    const VFrame *f = frame (file, 2);
    g_autoptr(LispEcm) ecm = NULL;
    g_autoptr(LispMapRequest) m = get_ecm_request (f, &ecm);

    check_outer (f, "ECM", "198.51.100.18", "203.0.113.2");
    check_ecm_inner (f, ecm, 4, "192.0.2.2", "192.0.2.1");
    CHECK_FLAGS (f, "SMR-invoked Map-Request", request_flags, m, "s");
    VCHECK (f, "SMR-invoked Map-Request", m->nonce != 0, "nonce is 0");
    check_request_body (f, "SMR-invoked Map-Request", m, "192.0.2.2", "198.51.100.18",
                        "192.0.2.1", 32);
    check_outer (frame (file, 3), "forwarded ECM", "203.0.113.2", "198.51.100.3");
    check_same_payload (f, frame (file, 3));
  }
  {
    const VFrame *f = frame (file, 4);
    g_autoptr(LispMapReply) m = get_reply (f);

    check_outer (f, "Map-Reply", "198.51.100.3", "198.51.100.18");
    VCHECK (f, "Map-Reply", !m->probe, "P set");
    check_record (f, "Map-Reply", only_record (f, "Map-Reply", m->records), "192.0.2.1", 32, 10,
                  TRUE, LISP_ACTION_NO_ACTION, 1);
    check_locator (f, "Map-Reply", locator (m->records, 0, 0), "198.51.100.3", 1, 100, 255, 0,
                   L_ | R_);
  }
  {
    const VFrame *f = frame (file, 5);
    g_autoptr(LispMapRequest) m = get_request (f);

    check_outer (f, "RLOC-probe", "198.51.100.3", "198.51.100.18");
    CHECK_FLAGS (f, "RLOC-probe", request_flags, m, "P");
    VCHECK (f, "RLOC-probe", m->nonce != 0, "nonce is 0");
    check_request_body (f, "RLOC-probe", m, "none", "198.51.100.3", "192.0.2.2", 32);
  }
  {
    const VFrame *f = frame (file, 6);
    g_autoptr(LispMapReply) m = get_reply (f);

    check_outer (f, "RLOC-probe reply", "198.51.100.18", "198.51.100.3");
    VCHECK (f, "RLOC-probe reply", m->probe && !m->echo_nonce && !m->security,
            "flags are not P alone");
    check_record (f, "RLOC-probe reply", only_record (f, "RLOC-probe reply", m->records),
                  "192.0.2.2", 32, 10, TRUE, LISP_ACTION_NO_ACTION, 1);
    /* Locator flags 0x0007: L, p (the probed one) and R. */
    check_locator (f, "RLOC-probe reply", locator (m->records, 0, 0), "198.51.100.18", 1, 100,
                   255, 0, L_ | P_ | R_);
  }
  check_nonce_pair (file, 2, 3);
  check_nonce_pair (file, 2, 4);
  check_nonce_pair (file, 5, 6);
}

static void
test_oor_data (void)
{
  static const struct {
    const char *outer_src, *outer_dst;
    guint       version;
    const char *src, *dst;
    guint       icmp_type;
  } packets[] = {
    { "198.51.100.2", "198.51.100.18", 4, "192.0.2.1", "192.0.2.2", 8 },
    { "198.51.100.18", "198.51.100.2", 4, "192.0.2.2", "192.0.2.1", 0 },
    { "198.51.100.2", "198.51.100.18", 6, "2001:db8:e1d::1", "2001:db8:e1d::2", 128 },
    { "198.51.100.18", "198.51.100.2", 6, "2001:db8:e1d::2", "2001:db8:e1d::1", 129 },
  };
  static const guint8 zeros[LISP_DATA_HEADER_SIZE] = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (packets); i++)
    {
      const VFrame *f = frame ("oor-data.pcap", i + 1);
      const guint8 *ip = f->payload + LISP_DATA_HEADER_SIZE;
      gsize ip_len = f->payload_len - LISP_DATA_HEADER_SIZE;
      LispDataHeader h;

      check_outer (f, "data", packets[i].outer_src, packets[i].outer_dst);
      check_ports (f, "data", LISP_DATA_PORT, LISP_DATA_PORT);
      /* OOR's data header is 8 zero bytes (quirk 7): no nonce, no locator-status bits, no
       * instance ID. All of these are optional, so it is a valid header meaning "nothing". */
      VCHECK (f, "data", memcmp (f->payload, zeros, sizeof zeros) == 0, "header is not all zero");
      get_data (f, &h);
      VCHECK (f, "data", !h.nonce_present && !h.lsb_enabled && !h.echo_nonce && !h.map_version &&
              !h.iid_present && !h.reserved_flag && h.key_id == 0, "a flag is set");
      VCHECK (f, "data", h.nonce == 0 && h.lsb == 0 && h.iid == 0 && h.source_version == 0 &&
              h.dest_version == 0, "a field is not zero");
      VCHECK_UINT (f, "data", "inner IP version", ip[0] >> 4, packets[i].version);
      if (packets[i].version == 4)
        {
          gsize ihl = (ip[0] & 0x0f) * 4u;

          VCHECK_UINT (f, "data", "inner protocol", ip[9], 1);
          VCHECK_IP (f, "data", "inner source", 4, ip + 12, packets[i].src);
          VCHECK_IP (f, "data", "inner destination", 4, ip + 16, packets[i].dst);
          VCHECK_UINT (f, "data", "inner IPv4 total length", lisp_load_u16 (ip + 2), ip_len);
          VCHECK_UINT (f, "data", "ICMP type", ip[ihl], packets[i].icmp_type);
        }
      else
        {
          VCHECK_UINT (f, "data", "inner next header", ip[6], 58);
          VCHECK_IP (f, "data", "inner source", 6, ip + 8, packets[i].src);
          VCHECK_IP (f, "data", "inner destination", 6, ip + 24, packets[i].dst);
          VCHECK_UINT (f, "data", "inner IPv6 payload length", lisp_load_u16 (ip + 4), ip_len - 40);
          VCHECK_UINT (f, "data", "ICMPv6 type", ip[40], packets[i].icmp_type);
        }
    }
}

static void
test_lispersnet_register (void)
{
  const char *file = "lispersnet-register.pcap";
  const char *xtr_id = "0000000000000000d4ae65a6e9d1e6bd";
  const VFrame *f1 = frame (file, 1), *f2 = frame (file, 2), *f3 = frame (file, 3);
  g_autoptr(LispMapRegister) reg = get_register (f1, LISP_TYPE_MAP_REGISTER);
  g_autoptr(LispMapRegister) notify = get_register (f2, LISP_TYPE_MAP_NOTIFY);
  g_autoptr(LispMapRegister) liar = get_register (f3, LISP_TYPE_MAP_REGISTER);
  const LispRecord *rec;

  /* lisp-etr.py: P, I, T, M; two records; xTR-ID and site-ID 0 at the end. */
  check_outer (f1, "Map-Register", "198.51.100.30", "198.51.100.10");
  VCHECK (f1, "Map-Register", f1->sport != LISP_CONTROL_PORT, "sent from port 4342");
  check_ports (f1, "Map-Register", 0, LISP_CONTROL_PORT);
  CHECK_FLAGS (f1, "Map-Register", register_flags, reg, "PITM");
  check_auth (f1, "Map-Register", reg, LISP_AUTH_HMAC_SHA256_128, 32);
  VCHECK_UINT (f1, "Map-Register", "record count", reg->records->len, 2);
  check_record (f1, "Map-Register", g_ptr_array_index (reg->records, 0), "203.0.113.6", 32, 3,
                TRUE, LISP_ACTION_NO_ACTION, 1);
  check_locator (f1, "Map-Register", locator (reg->records, 0, 0), "198.51.100.30", 1, 100, 255, 0,
                 L_ | R_);
  check_record (f1, "Map-Register", g_ptr_array_index (reg->records, 1), "2001:db8:e1d::6", 128, 3,
                TRUE, LISP_ACTION_NO_ACTION, 1);
  check_locator (f1, "Map-Register", locator (reg->records, 1, 0), "198.51.100.30", 1, 100, 255, 0,
                 L_ | R_);
  check_xtr_id (f1, "Map-Register", reg, xtr_id);
  VCHECK_UINT (f1, "Map-Register", "site-ID", reg->site_id, 0);
  VCHECK_BOOL (f1, "Map-Register", "trailer_without_flag", reg->trailer_without_flag, FALSE);

  /* The Map-Notify: same nonce and records, I bit clear, and yet it ends with the
   * Map-Register's xTR-ID and site-ID (quirk 2). lispers.net copies them and its MAC covers
   * them (test_macs), so they are part of the message: the decoder reads the 24 bytes as the
   * trailer and says so with trailer_without_flag, instead of refusing the Map-Notify or
   * leaving the bytes unexplained. */
  check_outer (f2, "Map-Notify", "198.51.100.10", "198.51.100.30");
  check_ports (f2, "Map-Notify", LISP_CONTROL_PORT, f1->sport);
  VCHECK_UINT (f2, "Map-Notify", "nonce", notify->nonce, reg->nonce);
  VCHECK_BOOL (f2, "Map-Notify", "I (xTR-ID present)", notify->has_xtr_id, FALSE);
  VCHECK_BOOL (f2, "Map-Notify", "R", notify->for_rtr, FALSE);
  VCHECK_BOOL (f2, "Map-Notify", "trailer_without_flag", notify->trailer_without_flag, TRUE);
  check_xtr_id (f2, "Map-Notify", notify, xtr_id);
  VCHECK_UINT (f2, "Map-Notify", "site-ID", notify->site_id, 0);
  check_auth (f2, "Map-Notify", notify, LISP_AUTH_HMAC_SHA256_128, 32);
  VCHECK (f2, "Map-Notify", f2->payload_len == f1->payload_len &&
          memcmp (f2->payload + 48, f1->payload + 48, f1->payload_len - 48) == 0,
          "records and trailer differ from the Map-Register's");
  VCHECK_UINT (f2, "Map-Notify", "record count", notify->records->len, 2);
  for (guint r = 0; r < 2; r++)
    {
      const LispRecord *a = g_ptr_array_index (reg->records, r);
      g_autofree gchar *eid = lisp_address_to_string (a->eid);

      check_record (f2, "Map-Notify", g_ptr_array_index (notify->records, r), eid, a->mask_len, 3,
                    TRUE, LISP_ACTION_NO_ACTION, 1);
      check_locator (f2, "Map-Notify", locator (notify->records, r, 0), "198.51.100.30", 1, 100,
                     255, 0, L_ | R_);
    }

  /* liar.py: T bit only (no M: no Map-Notify follows, and the capture has none), the EID
   * as an Instance-ID LCAF even for IID 0, the locator as an AFI-List LCAF of the address
   * and a Distinguished Name (quirk 9). */
  check_outer (f3, "liar.py Map-Register", "198.51.100.30", "198.51.100.10");
  check_ports (f3, "liar.py Map-Register", 0, LISP_CONTROL_PORT);
  CHECK_FLAGS (f3, "liar.py Map-Register", register_flags, liar, "T");
  check_auth (f3, "liar.py Map-Register", liar, LISP_AUTH_HMAC_SHA256_128, 32);
  rec = only_record (f3, "liar.py Map-Register", liar->records);
  check_record (f3, "liar.py Map-Register", rec, "[0]203.0.113.7", 32, 60, FALSE,
                LISP_ACTION_NO_ACTION, 1);
  VCHECK_UINT (f3, "liar.py Map-Register", "EID kind", rec->eid->kind, LISP_ADDRESS_INSTANCE_ID);
  VCHECK_UINT (f3, "liar.py Map-Register", "EID instance ID", lisp_address_iid (rec->eid), 0);
  /* liar.py leaves the IID LCAF's mask-length byte (Rsvd2) at 0. */
  VCHECK_UINT (f3, "liar.py Map-Register", "IID mask-len", rec->eid->lcaf_rsvd2, 0);
  VCHECK_UINT (f3, "liar.py Map-Register", "locator kind", locator (liar->records, 0, 0)->address->kind,
               LISP_ADDRESS_AFI_LIST);
  /* As captured: M priority 0 and no locator flag at all (not even R). */
  check_locator (f3, "liar.py Map-Register", locator (liar->records, 0, 0),
                 "(198.51.100.30, 'liar-vm')", 1, 100, 0, 0, 0);
  VCHECK (f3, "liar.py Map-Register", !liar->has_xtr_id && !liar->trailer_without_flag,
          "has a trailer");
  check_nonce_pair (file, 1, 2);
}

static void
test_lispersnet_resolve (void)
{
  const char *file = "lispersnet-resolve.pcap";
  static const struct {
    guint       version;   /* of the inner header */
    const char *eid;       /* what lig asks for */
    guint       mask_len;
  } queries[] = {
    { 4, "203.0.113.6", 32 },
    { 6, "2001:db8:e1d::6", 128 },
    { 4, "203.0.113.99", 32 },
    { 6, "2001:db8:e1d::99", 128 },
    { 4, "[1000]203.0.113.130", 32 },
    { 4, "198.51.100.200", 32 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      const VFrame *f = frame (file, 2 * i + 1);
      g_autoptr(LispEcm) ecm = NULL;
      g_autoptr(LispMapRequest) m = get_ecm_request (f, &ecm);
      guint8 target[16];
      g_autofree gchar *target_text = NULL;
      const guint8 *inner_ip = f->payload + 4;

      check_outer (f, "lig ECM", "198.51.100.30", "198.51.100.10");
      VCHECK (f, "lig ECM", f->sport != LISP_CONTROL_PORT, "sent from port 4342");
      check_ports (f, "lig ECM", 0, LISP_CONTROL_PORT);
      CHECK_FLAGS (f, "lig Map-Request", request_flags, m, "");
      /* Source-EID AFI 0 and one IPv4 ITR-RLOC. */
      check_request_body (f, "lig Map-Request", m, "none", "198.51.100.30", queries[i].eid,
                          queries[i].mask_len);
      VCHECK_UINT (f, "lig ECM", "inner IP version", ecm->ip_version, queries[i].version);
      lisp_address_ip (((LispRequestRecord *) g_ptr_array_index (m->records, 0))->eid, target);
      target_text = vip (queries[i].version, target);
      /* lig sends an inner UDP checksum of 0 over IPv4 and IPv6 alike (quirk 8). RFC 8200
       * forbids 0 over IPv6, but the checksum of an ECM's inner header protects nothing the
       * outer one does not, and the Map-Resolver (here lispers.net's) accepts it: so does
       * the decoder. */
      VCHECK_UINT (f, "lig ECM", "inner UDP checksum", ecm->udp_checksum, 0);
      if (queries[i].version == 4)
        {
          /* Inner IPv4: from the ITR RLOC to the EID, ID 0, no DF, TTL 128. */
          check_ecm_inner (f, ecm, 4, "198.51.100.30", target_text);
          VCHECK_UINT (f, "lig ECM", "inner IPv4 identification", lisp_load_u16 (inner_ip + 4), 0);
          VCHECK_UINT (f, "lig ECM", "inner IPv4 flags/fragment", lisp_load_u16 (inner_ip + 6), 0);
          VCHECK_UINT (f, "lig ECM", "inner TTL", ecm->ttl, 128);
        }
      else
        {
          /* Inner IPv6: source = destination = the queried EID (quirk 8). The inner source
           * is only where a Map-Resolver could answer; replies go to the ITR-RLOCs, so the
           * decoder has no reason to refuse it. */
          check_ecm_inner (f, ecm, 6, target_text, target_text);
          VCHECK (f, "lig ECM", memcmp (ecm->src, ecm->dst, 16) == 0,
                  "inner IPv6 source differs from the destination");
        }
      if (i == 4)
        {
          const LispRequestRecord *rr = g_ptr_array_index (m->records, 0);

          VCHECK_UINT (f, "lig Map-Request", "EID kind", rr->eid->kind, LISP_ADDRESS_INSTANCE_ID);
          VCHECK_UINT (f, "lig Map-Request", "instance ID", lisp_address_iid (rr->eid), 1000);
        }
      check_nonce_pair (file, 2 * i + 1, 2 * i + 2);
    }

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      const VFrame *f = frame (file, 2 * i + 2);
      g_autoptr(LispMapReply) m = get_reply (f);
      const LispRecord *rec = only_record (f, "Map-Reply", m->records);

      check_outer (f, "Map-Reply", "198.51.100.10", "198.51.100.30");
      check_ports (f, "Map-Reply", LISP_CONTROL_PORT, LISP_CONTROL_PORT);
      VCHECK (f, "Map-Reply", !m->probe && !m->echo_nonce && !m->security, "P, E or S set");
      switch (i)
        {
        case 0:
        case 1:
          /* Proxy reply: 1440 minutes, A clear (a Map-Server is not authoritative), the
           * locator's flags R only (not local to the MS). */
          check_record (f, "proxy Map-Reply", rec, queries[i].eid, queries[i].mask_len, 1440,
                        FALSE, LISP_ACTION_NO_ACTION, 1);
          check_locator (f, "proxy Map-Reply", locator (m->records, 0, 0), "198.51.100.30", 1, 100,
                         255, 0, R_);
          break;
        case 2:
        case 3:
          /* Inside a configured site, not registered: negative, Natively-Forward, 1 min. */
          check_record (f, "negative Map-Reply", rec, queries[i].eid, queries[i].mask_len, 1,
                        FALSE, LISP_ACTION_NATIVELY_FORWARD, 0);
          break;
        case 4:
          /* The NAT'd site: EID as an IID LCAF, the RTR as its only locator, an AFI-List
           * LCAF of its address and the name 'RTR', priority 254. */
          check_record (f, "proxy Map-Reply (NAT)", rec, "[1000]203.0.113.130", 32, 15, FALSE,
                        LISP_ACTION_NO_ACTION, 1);
          VCHECK_UINT (f, "proxy Map-Reply (NAT)", "EID kind", rec->eid->kind,
                       LISP_ADDRESS_INSTANCE_ID);
          VCHECK_UINT (f, "proxy Map-Reply (NAT)", "locator kind",
                       locator (m->records, 0, 0)->address->kind, LISP_ADDRESS_AFI_LIST);
          check_locator (f, "proxy Map-Reply (NAT)", locator (m->records, 0, 0),
                         "(198.51.100.20, 'RTR')", 254, 0, 255, 0, R_);
          break;
        case 5:
          /* Outside every site: negative, Natively-Forward, 15 minutes. */
          check_record (f, "negative Map-Reply", rec, queries[i].eid, queries[i].mask_len, 15,
                        FALSE, LISP_ACTION_NATIVELY_FORWARD, 0);
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

/* What lispers.net's Info-Reply (frames 2, 5) says in its NAT-Traversal LCAF. */
static void
check_info_reply (const VFrame *f, const LispInfo *m)
{
  const LispAddress *nat = m->address;

  VCHECK_BOOL (f, "Info-Reply", "R", m->reply, TRUE);
  VCHECK_UINT (f, "Info-Reply", "TTL", m->ttl, 0);
  VCHECK_UINT (f, "Info-Reply", "EID mask-len", m->mask_len, 0);
  VCHECK_ADDR_STR (f, "Info-Reply", "EID", m->eid, "none");
  VCHECK_UINT (f, "Info-Reply", "address kind", nat->kind, LISP_ADDRESS_NAT);
  /* Quirk 5: the LCAF header says Length 16, but 23 bytes of NAT-Traversal content follow
   * (the fields below). Trusting the Length would cut the private ETR name in half and lose
   * the RTR, which is what a node behind a NAT needs most; lispers.net is the NAT-traversal
   * implementation deployed, so the decoder reads the body to the end of the message and
   * reports the lie in nat_length_lied. */
  VCHECK_UINT (f, "Info-Reply", "NAT LCAF Length field", lisp_load_u16 (f->payload + 30), 16);
  VCHECK_BOOL (f, "Info-Reply", "nat_length_lied", m->nat_length_lied, TRUE);
  VCHECK_UINT (f, "Info-Reply", "NAT MS UDP port", nat->ms_port, 0);
  VCHECK_UINT (f, "Info-Reply", "NAT ETR UDP port", nat->etr_port, 30397);
  VCHECK_ADDR_STR (f, "Info-Reply", "NAT global ETR RLOC", nat->global_etr, "198.51.100.1");
  VCHECK_ADDR_STR (f, "Info-Reply", "NAT MS RLOC", nat->ms_rloc, "none");
  /* The private ETR RLOC is the host name, not an address. */
  VCHECK_UINT (f, "Info-Reply", "NAT private ETR kind", nat->private_etr->kind, LISP_ADDRESS_NAME);
  VCHECK_ADDR_STR (f, "Info-Reply", "NAT private ETR RLOC", nat->private_etr, "'vm'");
  VCHECK_UINT (f, "Info-Reply", "NAT RTR count", nat->items->len, 1);
  VCHECK_ADDR_STR (f, "Info-Reply", "NAT RTR RLOC", g_ptr_array_index (nat->items, 0),
                   "198.51.100.20");
}

/* lispers.net's Info-Request: no authentication, TTL 0, EID-AFI 0, then its host name. */
static void
check_info_request (const VFrame *f, const LispInfo *m)
{
  VCHECK_BOOL (f, "Info-Request", "R", m->reply, FALSE);
  VCHECK_UINT (f, "Info-Request", "TTL", m->ttl, 0);
  VCHECK_UINT (f, "Info-Request", "EID mask-len", m->mask_len, 0);
  VCHECK_ADDR_STR (f, "Info-Request", "EID", m->eid, "none");
  /* Quirk 4: where the draft has AFI 0, lispers.net puts AFI 17 with its host name 'vm' (and
   * drops Info-Requests without one). The field carries no meaning for the receiver, so the
   * decoder accepts any address there and hands it on. */
  VCHECK_UINT (f, "Info-Request", "address kind", m->address->kind, LISP_ADDRESS_NAME);
  VCHECK_ADDR_STR (f, "Info-Request", "host name", m->address, "'vm'");
}

static void
test_lispersnet_nat (void)
{
  const char *file = "lispersnet-nat.pcap";
  const char *xtr_id = "000000000000000022a72ea242bdb909";

  for (guint n = 1; n <= 3; n += 2)
    {
      const VFrame *f = frame (file, n);
      g_autoptr(LispInfo) m = get_info (f);

      check_outer (f, "Info-Request", "192.0.2.2", "198.51.100.10");
      check_ports (f, "Info-Request", 43583, LISP_CONTROL_PORT);
      check_info_request (f, m);
    }
  VCHECK (frame (file, 3), "Info-Request", frame_nonce (frame (file, 1)) !=
          frame_nonce (frame (file, 3)), "same nonce as frame 1");
  for (guint n = 2; n <= 5; n += 3)
    {
      const VFrame *f = frame (file, n);
      g_autoptr(LispInfo) m = get_info (f);

      check_outer (f, "Info-Reply", "198.51.100.10", "192.0.2.2");
      check_ports (f, "Info-Reply", LISP_CONTROL_PORT, 43583);
      check_info_reply (f, m);
    }
  check_nonce_pair (file, 1, 2);
  check_nonce_pair (file, 3, 5);

  {
    /* Quirk 6: an Info-Request to the RTR on the data port, behind a data header with the
     * I bit and IID 0xFFFFFF, which the NAT-traversal draft reserves for control messages
     * on the data port; the Info-Request follows the 8 bytes directly, without inner IP or
     * UDP header. */
    const VFrame *f = frame (file, 4);
    LispDataHeader h;
    g_autoptr(LispInfo) m = NULL;

    check_outer (f, "data-plane Info-Request", "192.0.2.2", "198.51.100.20");
    check_ports (f, "data-plane Info-Request", 43583, LISP_DATA_PORT);
    get_data (f, &h);
    VCHECK (f, "data-plane Info-Request", h.iid_present && !h.nonce_present && !h.lsb_enabled &&
            !h.echo_nonce && !h.map_version && h.key_id == 0, "flags are not I alone");
    VCHECK_UINT (f, "data-plane Info-Request", "instance ID", h.iid, LISP_DATA_IID_CONTROL);
    VCHECK_UINT (f, "data-plane Info-Request", "LSBs", h.lsb, 0);
    m = get_info_from (f, f->payload + LISP_DATA_HEADER_SIZE, f->payload_len - LISP_DATA_HEADER_SIZE);
    check_info_request (f, m);
    VCHECK_UINT (f, "data-plane Info-Request", "Algorithm ID", m->alg_id, LISP_AUTH_NONE);
  }
  {
    const VFrame *f6 = frame (file, 6), *f7 = frame (file, 7);
    g_autoptr(LispMapRegister) reg = get_register (f6, LISP_TYPE_MAP_REGISTER);
    g_autoptr(LispMapRegister) notify = get_register (f7, LISP_TYPE_MAP_NOTIFY);
    const LispRecord *rec = only_record (f6, "Map-Register", reg->records);

    check_outer (f6, "Map-Register", "192.0.2.2", "198.51.100.10");
    check_ports (f6, "Map-Register", 43583, LISP_CONTROL_PORT);
    CHECK_FLAGS (f6, "Map-Register", register_flags, reg, "ITM");
    check_auth (f6, "Map-Register", reg, LISP_AUTH_HMAC_SHA256_128, 32);
    check_record (f6, "Map-Register", rec, "[1000]203.0.113.130", 32, 3, TRUE,
                  LISP_ACTION_NO_ACTION, 2);
    VCHECK_UINT (f6, "Map-Register", "EID kind", rec->eid->kind, LISP_ADDRESS_INSTANCE_ID);
    VCHECK_UINT (f6, "Map-Register", "instance ID", lisp_address_iid (rec->eid), 1000);
    /* (a) the translated RLOC, named after the host and the translated port; (b) the RTR. */
    VCHECK_UINT (f6, "Map-Register", "locator kind", locator (reg->records, 0, 0)->address->kind,
                 LISP_ADDRESS_AFI_LIST);
    check_locator (f6, "Map-Register", locator (reg->records, 0, 0), "(198.51.100.1, 'vm@tp-30397')",
                   0, 0, 255, 0, L_ | R_);
    VCHECK_UINT (f6, "Map-Register", "locator kind", locator (reg->records, 0, 1)->address->kind,
                 LISP_ADDRESS_AFI_LIST);
    check_locator (f6, "Map-Register", locator (reg->records, 0, 1), "(198.51.100.20, 'RTR')",
                   254, 0, 255, 0, R_);
    check_xtr_id (f6, "Map-Register", reg, xtr_id);
    VCHECK_UINT (f6, "Map-Register", "site-ID", reg->site_id, 0);

    /* As in lispersnet-register.pcap frame 2 (quirk 2): I bit clear, trailer present. */
    check_outer (f7, "Map-Notify", "198.51.100.10", "192.0.2.2");
    check_ports (f7, "Map-Notify", LISP_CONTROL_PORT, 43583);
    VCHECK_BOOL (f7, "Map-Notify", "I (xTR-ID present)", notify->has_xtr_id, FALSE);
    VCHECK_BOOL (f7, "Map-Notify", "trailer_without_flag", notify->trailer_without_flag, TRUE);
    check_xtr_id (f7, "Map-Notify", notify, xtr_id);
    VCHECK_UINT (f7, "Map-Notify", "site-ID", notify->site_id, 0);
    check_auth (f7, "Map-Notify", notify, LISP_AUTH_HMAC_SHA256_128, 32);
    VCHECK (f7, "Map-Notify", f7->payload_len == f6->payload_len &&
            memcmp (f7->payload + 48, f6->payload + 48, f6->payload_len - 48) == 0,
            "records and trailer differ from the Map-Register's");
    check_nonce_pair (file, 6, 7);
  }
}

/* ---- re-encoding ---------------------------------------------------------------------- */

/* Every field of a decoded message as text, so that two decodings compare in one step and
 * a difference shows in the failure message. Decoder outputs that describe the input bytes
 * (auth_offset, trailing, trailer_without_flag, nat_length_lied) and the MAC bytes are left
 * out: the callers check them. */
static void
describe_address (GString *s, const LispAddress *a)
{
  g_autofree gchar *text = lisp_address_to_string (a);

  g_string_append (s, text);
  if (a->kind >= LISP_ADDRESS_INSTANCE_ID)
    g_string_append_printf (s, "{lcaf flags %u rsvd2 %u}", a->lcaf_flags, a->lcaf_rsvd2);
}

static void
describe_record (GString *s, const LispRecord *rec)
{
  g_string_append_printf (s, " record[ttl %u mask %u act %u A %d version %u eid ", rec->ttl,
                          rec->mask_len, rec->action, rec->authoritative, rec->map_version);
  describe_address (s, rec->eid);
  for (guint i = 0; i < rec->locators->len; i++)
    {
      const LispLocator *l = g_ptr_array_index (rec->locators, i);

      g_string_append_printf (s, " loc(%u/%u/%u/%u %s%s%s ", l->priority, l->weight, l->m_priority,
                              l->m_weight, l->local ? "L" : "", l->probed ? "p" : "",
                              l->reachable ? "R" : "");
      describe_address (s, l->address);
      g_string_append_c (s, ')');
    }
  g_string_append_c (s, ']');
}

static void
describe_records (GString *s, const GPtrArray *records)
{
  for (guint i = 0; i < records->len; i++)
    describe_record (s, g_ptr_array_index (records, i));
}

static gchar *
describe_register (const LispMapRegister *m, gboolean with_trailer)
{
  g_autofree gchar *flags = register_flags (m);
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "type %u flags %s nonce %016" G_GINT64_MODIFIER "x key %u alg %u "
                          "authlen %" G_GSIZE_FORMAT, m->type, flags, m->nonce, m->key_id,
                          m->alg_id, g_bytes_get_size (m->auth_data));
  describe_records (s, m->records);
  if (with_trailer)
    {
      g_autofree gchar *x = vhex (m->xtr_id, sizeof m->xtr_id);

      g_string_append_printf (s, " xtr-id %s site-id %" G_GUINT64_FORMAT, x, m->site_id);
    }
  return g_string_free (s, FALSE);
}

static gchar *
describe_request (const LispMapRequest *m)
{
  g_autofree gchar *flags = request_flags (m);
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "flags %s nonce %016" G_GINT64_MODIFIER "x source ", flags, m->nonce);
  describe_address (s, m->source_eid);
  for (guint i = 0; i < m->itr_rlocs->len; i++)
    {
      g_string_append (s, " itr ");
      describe_address (s, g_ptr_array_index (m->itr_rlocs, i));
    }
  for (guint i = 0; i < m->records->len; i++)
    {
      const LispRequestRecord *rr = g_ptr_array_index (m->records, i);

      g_string_append_printf (s, " request /%u ", rr->mask_len);
      describe_address (s, rr->eid);
    }
  if (m->map_reply != NULL)
    describe_record (s, m->map_reply);
  return g_string_free (s, FALSE);
}

static gchar *
describe_reply (const LispMapReply *m)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "P %d E %d S %d nonce %016" G_GINT64_MODIFIER "x", m->probe,
                          m->echo_nonce, m->security, m->nonce);
  describe_records (s, m->records);
  return g_string_free (s, FALSE);
}

static gchar *
describe_info (const LispInfo *m)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "R %d nonce %016" G_GINT64_MODIFIER "x key %u alg %u authlen %"
                          G_GSIZE_FORMAT " ttl %u mask %u eid ", m->reply, m->nonce, m->key_id,
                          m->alg_id, g_bytes_get_size (m->auth_data), m->ttl, m->mask_len);
  describe_address (s, m->eid);
  g_string_append (s, " address ");
  describe_address (s, m->address);
  return g_string_free (s, FALSE);
}

static gchar *
describe_ecm (const LispEcm *m)
{
  gsize len = m->ip_version == 6 ? 16 : 4;
  g_autofree gchar *src = vhex (m->src, len), *dst = vhex (m->dst, len);
  g_autofree gchar *inner = vhex (g_bytes_get_data (m->inner, NULL), g_bytes_get_size (m->inner));

  return g_strdup_printf ("S %d D %d E %d M %d IPv%u %s -> %s ttl %u udp %u -> %u inner %s",
                          m->security, m->ddt, m->to_etr, m->to_ms, m->ip_version, src, dst,
                          m->ttl, m->sport, m->dport, inner);
}

static gchar *
describe_data (const LispDataHeader *h)
{
  return g_strdup_printf ("N %d L %d E %d V %d I %d R %d KK %u nonce %u versions %u/%u iid %u "
                          "lsb %u", h->nonce_present, h->lsb_enabled, h->echo_nonce,
                          h->map_version, h->iid_present, h->reserved_flag, h->key_id, h->nonce,
                          h->source_version, h->dest_version, h->iid, h->lsb);
}

#define CHECK_SAME(f, what, before, after)                                                 \
  VCHECK ((f), (what), g_str_equal ((before), (after)),                                    \
          "re-encoding decodes to other fields:\n  captured:   %s\n  re-encoded: %s",       \
          (before), (after))

#define CHECK_ENCODED(f, what, bytes, error)                                               \
  VCHECK ((f), (what), (bytes) != NULL && (error) == NULL, "does not encode: %s",           \
          (error) != NULL ? (error)->message : "NULL without an error")

static GBytes *reencode_control (const VFrame *f, const guint8 *data, gsize len);

static GBytes *
reencode_register (const VFrame *f, const guint8 *data, gsize len)
{
  const char *what = "re-encoded Map-Register/Notify";
  const char *key = key_for (f->file);
  g_autoptr(GError) error = NULL;
  g_autoptr(LispMapRegister) m = NULL, again = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autofree gchar *before = NULL, *after = NULL;
  gboolean ok;

  VCHECK (f, what, key != NULL, "no key in the README for this capture");
  ok = lisp_map_register_decode (data, len, &m, &error);
  VCHECK_DECODED (f, what, ok, error);
  out = lisp_map_register_encode (m, (const guint8 *) key, strlen (key), &error);
  CHECK_ENCODED (f, what, out, error);
  ok = lisp_map_register_decode (g_bytes_get_data (out, NULL), g_bytes_get_size (out), &again,
                                 &error);
  VCHECK_DECODED (f, what, ok, error);
  /* A trailer without the I bit cannot be re-encoded (has_xtr_id would set the bit): the
   * comparison leaves the trailer out for such a message, and the re-encoding has none. */
  before = describe_register (m, !m->trailer_without_flag);
  after = describe_register (again, !m->trailer_without_flag);
  CHECK_SAME (f, what, before, after);
  VCHECK (f, what, !again->trailer_without_flag && again->trailing == 0,
          "the re-encoding has a trailer or trailing bytes");
  /* The encoder signs with the key: its MAC verifies, and fails with another key. */
  ok = lisp_auth_verify (again->alg_id, (const guint8 *) key, strlen (key),
                         g_bytes_get_data (out, NULL), g_bytes_get_size (out), again->auth_offset,
                         g_bytes_get_size (again->auth_data), &error);
  VCHECK (f, what, ok && error == NULL, "the re-encoded MAC does not verify with '%s': %s", key,
          error != NULL ? error->message : "FALSE without an error");
  ok = lisp_auth_verify (again->alg_id, (const guint8 *) "wrong", 5, g_bytes_get_data (out, NULL),
                         g_bytes_get_size (out), again->auth_offset,
                         g_bytes_get_size (again->auth_data), NULL);
  VCHECK (f, what, !ok, "the re-encoded MAC verifies with a wrong key");
  return g_steal_pointer (&out);
}

/* How one kind of message is decoded, encoded again and described, for round_trip(). */
typedef gboolean (*DecodeFunc) (const guint8 *data, gsize len, gpointer *out, GError **error);
typedef GBytes *(*EncodeFunc) (gconstpointer m, GError **error);
typedef gchar *(*DescribeFunc) (gconstpointer m);

typedef struct {
  const char *what;
  DecodeFunc decode;
  EncodeFunc encode;
  DescribeFunc describe;
} Codec;

/* No foreign Info message is authenticated: no key needed. */
static GBytes *
encode_info_unkeyed (const LispInfo *m, GError **error)
{
  return lisp_info_encode (m, NULL, 0, error);
}

static const Codec request_codec = { "re-encoded Map-Request", (DecodeFunc) lisp_map_request_decode,
                                     (EncodeFunc) lisp_map_request_encode,
                                     (DescribeFunc) describe_request };
static const Codec reply_codec = { "re-encoded Map-Reply", (DecodeFunc) lisp_map_reply_decode,
                                   (EncodeFunc) lisp_map_reply_encode,
                                   (DescribeFunc) describe_reply };
static const Codec info_codec = { "re-encoded Info", (DecodeFunc) lisp_info_decode,
                                  (EncodeFunc) encode_info_unkeyed, (DescribeFunc) describe_info };
static const Codec ecm_codec = { "re-encoded ECM", (DecodeFunc) lisp_ecm_decode,
                                 (EncodeFunc) lisp_ecm_encode, (DescribeFunc) describe_ecm };

/* Decodes data, encodes the message again and decodes that: both decodings must describe
 * the same fields. Returns the re-encoding; *m and *again are the two decodings, for the
 * caller's own checks (the caller frees them). */
static GBytes *
round_trip (const VFrame *f, const Codec *c, const guint8 *data, gsize len, gpointer *m,
            gpointer *again)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autofree gchar *before = NULL, *after = NULL;
  gboolean ok;

  ok = c->decode (data, len, m, &error);
  VCHECK_DECODED (f, c->what, ok, error);
  out = c->encode (*m, &error);
  CHECK_ENCODED (f, c->what, out, error);
  ok = c->decode (g_bytes_get_data (out, NULL), g_bytes_get_size (out), again, &error);
  VCHECK_DECODED (f, c->what, ok, error);
  before = c->describe (*m);
  after = c->describe (*again);
  CHECK_SAME (f, c->what, before, after);
  return g_steal_pointer (&out);
}

static GBytes *
reencode_request (const VFrame *f, const guint8 *data, gsize len)
{
  g_autoptr(LispMapRequest) m = NULL, again = NULL;

  return round_trip (f, &request_codec, data, len, (gpointer *) &m, (gpointer *) &again);
}

static GBytes *
reencode_reply (const VFrame *f, const guint8 *data, gsize len)
{
  g_autoptr(LispMapReply) m = NULL, again = NULL;

  return round_trip (f, &reply_codec, data, len, (gpointer *) &m, (gpointer *) &again);
}

static GBytes *
reencode_info (const VFrame *f, const guint8 *data, gsize len)
{
  g_autoptr(LispInfo) m = NULL, again = NULL;
  GBytes *out = round_trip (f, &info_codec, data, len, (gpointer *) &m, (gpointer *) &again);

  VCHECK_UINT (f, info_codec.what, "Algorithm ID", m->alg_id, LISP_AUTH_NONE);
  /* Our encoder writes the true NAT LCAF Length. */
  VCHECK_BOOL (f, info_codec.what, "nat_length_lied", again->nat_length_lied, FALSE);
  return out;
}

static GBytes *
reencode_ecm (const VFrame *f, const guint8 *data, gsize len)
{
  const char *what = ecm_codec.what;
  g_autoptr(LispEcm) m = NULL, again = NULL;
  g_autoptr(GBytes) inner = NULL;
  GBytes *out = round_trip (f, &ecm_codec, data, len, (gpointer *) &m, (gpointer *) &again);

  /* The inner message re-encodes byte for byte: no producer puts a quirk inside its ECMs. */
  inner = reencode_control (f, g_bytes_get_data (m->inner, NULL), g_bytes_get_size (m->inner));
  VCHECK (f, what, g_bytes_equal (inner, m->inner), "the inner message re-encodes differently");
  /* The encoder computes the inner UDP checksum; where the sender did too, they agree. */
  VCHECK (f, what, again->udp_checksum != 0 &&
          (m->udp_checksum == 0 || m->udp_checksum == again->udp_checksum),
          "inner UDP checksum 0x%04x, the sender's was 0x%04x", again->udp_checksum,
          m->udp_checksum);
  if (m->ip_version == 4)
    {
      /* The sender's inner IPv4 header checksum is right (sums to 0). */
      gsize ihl = (data[4] & 0x0f) * 4u;

      VCHECK (f, what, lisp_checksum_finish (lisp_checksum_add (0, data + 4, ihl)) == 0,
              "the captured inner IPv4 header checksum is wrong");
    }
  return out;
}

static GBytes *
reencode_control (const VFrame *f, const guint8 *data, gsize len)
{
  switch (lisp_message_type (data, len))
    {
    case LISP_TYPE_MAP_REGISTER:
    case LISP_TYPE_MAP_NOTIFY:
    case LISP_TYPE_MAP_NOTIFY_ACK:
      return reencode_register (f, data, len);
    case LISP_TYPE_MAP_REQUEST:
      return reencode_request (f, data, len);
    case LISP_TYPE_MAP_REPLY:
      return reencode_reply (f, data, len);
    case LISP_TYPE_INFO:
      return reencode_info (f, data, len);
    case LISP_TYPE_ECM:
      return reencode_ecm (f, data, len);
    default:
      VCHECK (f, "re-encoding", FALSE, "unexpected message type %u", lisp_message_type (data, len));
      return NULL;
    }
}

/* The UDP payload as the library writes it: the data header re-encoded (and the control
 * message a control-IID header carries), the inner packet as it was. */
static GBytes *
reencode_frame (const VFrame *f)
{
  if (f->dport == LISP_DATA_PORT)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GByteArray) out = g_byte_array_new ();
      guint8 header[LISP_DATA_HEADER_SIZE];
      LispDataHeader h, again;
      g_autofree gchar *before = NULL, *after = NULL;
      gboolean ok;

      get_data (f, &h);
      ok = lisp_data_header_encode (&h, header, &error);
      VCHECK (f, "re-encoded data header", ok && error == NULL, "does not encode: %s",
              error != NULL ? error->message : "FALSE without an error");
      ok = lisp_data_header_decode (header, sizeof header, &again, &error);
      VCHECK_DECODED (f, "re-encoded data header", ok, error);
      before = describe_data (&h);
      after = describe_data (&again);
      CHECK_SAME (f, "re-encoded data header", before, after);
      g_byte_array_append (out, header, sizeof header);
      if (h.iid_present && h.iid == LISP_DATA_IID_CONTROL)
        {
          g_autoptr(GBytes) inner = reencode_control (f, f->payload + LISP_DATA_HEADER_SIZE,
                                                      f->payload_len - LISP_DATA_HEADER_SIZE);

          g_byte_array_append (out, g_bytes_get_data (inner, NULL), g_bytes_get_size (inner));
        }
      else
        g_byte_array_append (out, f->payload + LISP_DATA_HEADER_SIZE,
                             f->payload_len - LISP_DATA_HEADER_SIZE);
      return g_byte_array_free_to_bytes (g_steal_pointer (&out));
    }
  return reencode_control (f, f->payload, f->payload_len);
}

/* Why a re-encoding is not the captured bytes. */
typedef enum {
  /* OOR fills the inner IPv4 header of its ECMs with an Identification and the DF flag;
   * the encoder writes ID 0 and no flags (nothing reassembles or fragments an inner
   * header), so bytes 4-7 of that header and its checksum differ. */
  DIFF_ECM_IPV4_ID_DF,
  /* lig's inner UDP checksum is 0 (quirk 8); the encoder computes one. */
  DIFF_ECM_UDP_CHECKSUM_0,
  /* lispers.net's Map-Notify trailer without the I bit (quirk 2): the encoder writes the
   * xTR-ID only with the I bit (has_xtr_id), so the re-encoding ends without the 24 bytes,
   * and its MAC, over other bytes, differs. */
  DIFF_NOTIFY_TRAILER,
  /* lispers.net's NAT LCAF Length 16 (quirk 5): the encoder writes the true length, 23. */
  DIFF_NAT_LENGTH,
} Diff;

static const struct {
  const char *file;
  guint       frame;
  Diff        diff;
} reencode_exceptions[] = {
  { "oor-resolve.pcap", 1, DIFF_ECM_IPV4_ID_DF },
  { "oor-resolve.pcap", 2, DIFF_ECM_IPV4_ID_DF },
  { "oor-resolve.pcap", 7, DIFF_ECM_IPV4_ID_DF },
  { "oor-smr-probe.pcap", 2, DIFF_ECM_IPV4_ID_DF },
  { "oor-smr-probe.pcap", 3, DIFF_ECM_IPV4_ID_DF },
  { "lispersnet-register.pcap", 2, DIFF_NOTIFY_TRAILER },
  { "lispersnet-resolve.pcap", 1, DIFF_ECM_UDP_CHECKSUM_0 },
  { "lispersnet-resolve.pcap", 3, DIFF_ECM_UDP_CHECKSUM_0 },
  { "lispersnet-resolve.pcap", 5, DIFF_ECM_UDP_CHECKSUM_0 },
  { "lispersnet-resolve.pcap", 7, DIFF_ECM_UDP_CHECKSUM_0 },
  { "lispersnet-resolve.pcap", 9, DIFF_ECM_UDP_CHECKSUM_0 },
  { "lispersnet-resolve.pcap", 11, DIFF_ECM_UDP_CHECKSUM_0 },
  { "lispersnet-nat.pcap", 2, DIFF_NAT_LENGTH },
  { "lispersnet-nat.pcap", 5, DIFF_NAT_LENGTH },
  { "lispersnet-nat.pcap", 7, DIFF_NOTIFY_TRAILER },
};

/* The re-encoding has the captured length and differs only at the listed offsets, and
 * somewhere. */
static void
check_differs_only_at (const VFrame *f, GBytes *again, const gsize *allowed, guint n_allowed)
{
  gsize len;
  const guint8 *b = g_bytes_get_data (again, &len);
  guint differences = 0;

  VCHECK_UINT (f, "re-encoding", "length", len, f->payload_len);
  for (gsize i = 0; i < len; i++)
    {
      gboolean ok = FALSE;

      if (b[i] == f->payload[i])
        continue;
      differences++;
      for (guint k = 0; k < n_allowed; k++)
        ok = ok || allowed[k] == i;
      VCHECK (f, "re-encoding", ok, "byte %" G_GSIZE_FORMAT " differs: 0x%02x captured, 0x%02x "
              "re-encoded", i, f->payload[i], b[i]);
    }
  VCHECK (f, "re-encoding", differences > 0, "no byte differs although a quirk was expected");
}

static void
check_difference (const VFrame *f, Diff diff, GBytes *again)
{
  gsize len;
  const guint8 *b = g_bytes_get_data (again, &len);
  const guint8 *p = f->payload;

  switch (diff)
    {
    case DIFF_ECM_IPV4_ID_DF:
      {
        /* ECM header (4 bytes), then the inner IPv4 header. */
        static const gsize at[] = { 4 + 4, 4 + 5, 4 + 6, 4 + 7, 4 + 10, 4 + 11 };

        VCHECK (f, "re-encoding", lisp_load_u16 (p + 4 + 4) != 0 || (p[4 + 6] & 0x40),
                "inner IPv4 header has neither an ID nor DF");
        check_differs_only_at (f, again, at, G_N_ELEMENTS (at));
        break;
      }
    case DIFF_ECM_UDP_CHECKSUM_0:
      {
        gsize udp = 4 + (p[4] >> 4 == 4 ? (p[4] & 0x0f) * 4u : 40u);
        const gsize at[] = { udp + 6, udp + 7 };

        VCHECK_UINT (f, "re-encoding", "captured inner UDP checksum", lisp_load_u16 (p + udp + 6), 0);
        check_differs_only_at (f, again, at, G_N_ELEMENTS (at));
        break;
      }
    case DIFF_NOTIFY_TRAILER:
      {
        /* Same header (type, flags, nonce, Key ID, Algorithm ID, 32-byte auth length) and
         * records; the MAC and the 24 trailer bytes differ. */
        const gsize auth_end = 16 + 32;

        VCHECK_UINT (f, "re-encoding", "length", len, f->payload_len - 24);
        VCHECK (f, "re-encoding", memcmp (b, p, 16) == 0 &&
                memcmp (b + auth_end, p + auth_end, len - auth_end) == 0,
                "header or records differ");
        break;
      }
    case DIFF_NAT_LENGTH:
      {
        /* Header 16 bytes, TTL 4, reserved and mask 2, EID-AFI 0 2, then the LCAF whose
         * Length field is at offset 6 inside it. */
        static const gsize at[] = { 30, 31 };

        check_differs_only_at (f, again, at, G_N_ELEMENTS (at));
        VCHECK_UINT (f, "re-encoding", "re-encoded NAT LCAF Length", lisp_load_u16 (b + 30),
                     f->payload_len - 32);
        break;
      }
    }
}

static void
test_reencode (void)
{
  guint identical = 0, explained = 0;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      GPtrArray *frames = capture (files[i].name);

      for (guint n = 0; n < frames->len; n++)
        {
          const VFrame *f = g_ptr_array_index (frames, n);
          g_autoptr(GBytes) again = reencode_frame (f);
          gsize len;
          const guint8 *b = g_bytes_get_data (again, &len);
          gboolean same = len == f->payload_len && memcmp (b, f->payload, len) == 0;
          gint exception = -1;

          for (guint e = 0; e < G_N_ELEMENTS (reencode_exceptions); e++)
            if (g_str_equal (reencode_exceptions[e].file, f->file) &&
                reencode_exceptions[e].frame == f->number)
              exception = (gint) e;
          if (exception < 0)
            {
              g_autofree gchar *hex_a = vhex (f->payload, f->payload_len), *hex_b = vhex (b, len);

              VCHECK (f, "re-encoding", same, "is not byte-identical:\n  captured:   %s\n"
                      "  re-encoded: %s", hex_a, hex_b);
              identical++;
            }
          else
            {
              check_difference (f, reencode_exceptions[exception].diff, again);
              explained++;
            }
        }
    }
  g_assert_cmpuint (explained, ==, G_N_ELEMENTS (reencode_exceptions));
  g_assert_cmpuint (identical + explained, ==, 44);
}

int
main (int argc, char **argv)
{
  g_autofree gchar *dir = NULL;
  int rc;

  g_test_init (&argc, &argv, NULL);
  dir = g_build_filename (vectors_dir (), "foreign", NULL);
  foreign_dir = dir;
  captures = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                    (GDestroyNotify) g_ptr_array_unref);

  g_test_add_func ("/foreign/files", test_files);
  g_test_add_func ("/foreign/decode-all", test_decode_all);
  g_test_add_func ("/foreign/macs", test_macs);
  g_test_add_func ("/foreign/oor-register", test_oor_register);
  g_test_add_func ("/foreign/oor-resolve", test_oor_resolve);
  g_test_add_func ("/foreign/oor-smr-probe", test_oor_smr_probe);
  g_test_add_func ("/foreign/oor-data", test_oor_data);
  g_test_add_func ("/foreign/lispersnet-register", test_lispersnet_register);
  g_test_add_func ("/foreign/lispersnet-resolve", test_lispersnet_resolve);
  g_test_add_func ("/foreign/lispersnet-nat", test_lispersnet_nat);
  g_test_add_func ("/foreign/re-encode", test_reencode);
  rc = g_test_run ();
  g_hash_table_unref (captures);
  return rc;
}
