/* Encapsulated Control Message (RFC 9301 §5.8): a control message wrapped in its own IP and
 * UDP headers, so that a Map-Request for an EID is routed to the Map-Resolver. */
#include "lisp-message.h"
#include "inet-checksum.h"
#include "lisp-error.h"

#include <gnutls/crypto.h>
#include <string.h>

#define ECM_S (1u << 27)
#define ECM_D (1u << 26)
#define ECM_E (1u << 25)
#define ECM_M (1u << 24)

#define AD_TYPE_MS_RTR 2  /* NAT-traversal draft §4.4: MS-RTR authentication */
#define MS_RTR_HEADER  8  /* AD Type, Reserved, Key ID, Auth Data Length */
#define MS_RTR_MAC_LEN 32 /* HMAC-SHA-256 */

LispEcm *
lisp_ecm_new (void)
{
  LispEcm *m = g_new0 (LispEcm, 1);

  m->ip_version = 4;
  m->ttl = 64;
  m->sport = LISP_CONTROL_PORT;
  m->dport = LISP_CONTROL_PORT;
  return m;
}

void
lisp_ecm_free (LispEcm *m)
{
  if (m == NULL)
    return;
  g_clear_pointer (&m->security_data, g_bytes_unref);
  g_clear_pointer (&m->inner, g_bytes_unref);
  g_free (m);
}

/* The MS-RTR block has its own length; LISP-SEC's (AD type 1) is not handled yet. */
static gboolean
decode_security_data (LispReader *r, LispEcm *m, GError **error)
{
  gsize start = r->pos;
  guint8 ad_type;
  guint16 key_id, auth_len;

  if (!lisp_reader_u8 (r, "ECM AD Type", &ad_type, error))
    return FALSE;
  if (ad_type != AD_TYPE_MS_RTR)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_UNSUPPORTED,
                   "ECM authentication data of AD Type %u at offset %" G_GSIZE_FORMAT
                   " is not supported (only 2, MS-RTR)", ad_type, start);
      return FALSE;
    }
  if (!lisp_reader_skip (r, "ECM AD Reserved", 3, error) ||
      !lisp_reader_u16 (r, "MS-RTR Key ID", &key_id, error) ||
      !lisp_reader_u16 (r, "MS-RTR Auth Data Length", &auth_len, error) ||
      !lisp_reader_skip (r, "MS-RTR Auth Data", auth_len, error))
    return FALSE;
  m->security_data = g_bytes_new (r->data + start, r->pos - start);
  return TRUE;
}

static gboolean
decode_inner_ip (LispReader *r, LispEcm *m, gsize *ip_payload_len, GError **error)
{
  guint8 first;
  gsize at = r->pos;

  if (!lisp_reader_need (r, "inner IP version", 1, error))
    return FALSE;
  first = r->data[r->pos];
  m->ip_version = first >> 4;
  if (m->ip_version == 4)
    {
      guint8 hdr[20];
      gsize ihl = (first & 0x0f) * 4u;
      guint16 total;

      if (!lisp_reader_need (r, "inner IPv4 header", sizeof hdr, error))
        return FALSE;
      memcpy (hdr, r->data + r->pos, sizeof hdr);
      total = lisp_load_u16 (hdr + 2);
      if (ihl < 20 || total < ihl)
        {
          g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                       "inner IPv4 header at offset %" G_GSIZE_FORMAT
                       " has header length %" G_GSIZE_FORMAT " and total length %u", at, ihl, total);
          return FALSE;
        }
      if (hdr[9] != 17)
        {
          g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                       "inner IPv4 protocol %u at offset %" G_GSIZE_FORMAT " is not UDP",
                       hdr[9], at + 9);
          return FALSE;
        }
      if (!lisp_reader_need (r, "inner IPv4 packet (Total Length)", total, error) ||
          !lisp_reader_skip (r, "inner IPv4 header and options", ihl, error))
        return FALSE;
      m->ttl = hdr[8];
      memcpy (m->src, hdr + 12, 4);
      memcpy (m->dst, hdr + 16, 4);
      *ip_payload_len = total - ihl;
      return TRUE;
    }
  if (m->ip_version == 6)
    {
      guint8 hdr[40];
      guint16 payload;

      if (!lisp_reader_copy (r, "inner IPv6 header", hdr, sizeof hdr, error))
        return FALSE;
      payload = lisp_load_u16 (hdr + 4);
      if (hdr[6] != 17)
        {
          g_set_error (error, LISP_ERROR, LISP_ERROR_UNSUPPORTED,
                       "inner IPv6 next header %u at offset %" G_GSIZE_FORMAT
                       " is not UDP (extension headers are not supported)", hdr[6], at + 6);
          return FALSE;
        }
      if (!lisp_reader_need (r, "inner IPv6 payload (Payload Length)", payload, error))
        return FALSE;
      m->ttl = hdr[7];
      memcpy (m->src, hdr + 8, 16);
      memcpy (m->dst, hdr + 24, 16);
      *ip_payload_len = payload;
      return TRUE;
    }
  g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
               "inner IP version %u at offset %" G_GSIZE_FORMAT " is neither 4 nor 6",
               m->ip_version, at);
  return FALSE;
}

gboolean
lisp_ecm_decode (const guint8 *data, gsize len, LispEcm **out, GError **error)
{
  g_autoptr(LispEcm) m = lisp_ecm_new ();
  LispReader r;
  guint32 word0;
  gsize ip_payload_len;
  guint16 udp_len;

  lisp_reader_init (&r, data, len);
  if (!lisp_reader_u32 (&r, "ECM header", &word0, error))
    return FALSE;
  if (word0 >> 28 != LISP_TYPE_ECM)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "type %u is not an Encapsulated Control Message", word0 >> 28);
      return FALSE;
    }
  m->security = (word0 & ECM_S) != 0;
  m->ddt = (word0 & ECM_D) != 0;
  m->to_etr = (word0 & ECM_E) != 0;
  m->to_ms = (word0 & ECM_M) != 0;
  if (m->security && !decode_security_data (&r, m, error))
    return FALSE;
  if (!decode_inner_ip (&r, m, &ip_payload_len, error))
    return FALSE;
  if (!lisp_reader_u16 (&r, "inner UDP source port", &m->sport, error) ||
      !lisp_reader_u16 (&r, "inner UDP destination port", &m->dport, error) ||
      !lisp_reader_u16 (&r, "inner UDP length", &udp_len, error) ||
      !lisp_reader_u16 (&r, "inner UDP checksum", &m->udp_checksum, error))
    return FALSE;
  if (udp_len < 8 || udp_len > ip_payload_len)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "inner UDP length %u at offset %" G_GSIZE_FORMAT
                   " does not fit the inner IP payload of %" G_GSIZE_FORMAT " bytes",
                   udp_len, r.pos - 4, ip_payload_len);
      return FALSE;
    }
  /* A zero UDP checksum is accepted (lispers.net's lig sends one even over IPv6). */
  if (!lisp_reader_need (&r, "inner control message", udp_len - 8, error))
    return FALSE;
  m->inner = g_bytes_new (data + r.pos, udp_len - 8);
  *out = g_steal_pointer (&m);
  return TRUE;
}

GBytes *
lisp_ecm_encode (const LispEcm *m, GError **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize inner_len = m->inner != NULL ? g_bytes_get_size (m->inner) : 0;
  gsize udp_len = 8 + inner_len;
  gsize ip_at, udp_at;

  if (m->ip_version != 4 && m->ip_version != 6)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "inner IP version must be 4 or 6, not %u", m->ip_version);
      return NULL;
    }
  if (udp_len + 40 > G_MAXUINT16)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "inner control message of %" G_GSIZE_FORMAT " bytes is too long", inner_len);
      return NULL;
    }
  lisp_put_u32 (out, (guint32) LISP_TYPE_ECM << 28 |
                       (m->security_data != NULL ? ECM_S : 0) | (m->ddt ? ECM_D : 0) |
                       (m->to_etr ? ECM_E : 0) | (m->to_ms ? ECM_M : 0));
  if (m->security_data != NULL)
    lisp_put_bytes (out, g_bytes_get_data (m->security_data, NULL),
                    g_bytes_get_size (m->security_data));

  ip_at = out->len;
  if (m->ip_version == 4)
    {
      lisp_put_u8 (out, 0x45);
      lisp_put_u8 (out, 0);
      lisp_put_u16 (out, (guint16) (20 + udp_len));
      lisp_put_u32 (out, 0);        /* identification 0, no fragmentation flags */
      lisp_put_u8 (out, m->ttl);
      lisp_put_u8 (out, 17);
      lisp_put_u16 (out, 0);        /* header checksum, filled below */
      lisp_put_bytes (out, m->src, 4);
      lisp_put_bytes (out, m->dst, 4);
      lisp_set_u16 (out, ip_at + 10,
                    lisp_checksum_finish (lisp_checksum_add (0, out->data + ip_at, 20)));
    }
  else
    {
      lisp_put_u32 (out, 0x60000000u);
      lisp_put_u16 (out, (guint16) udp_len);
      lisp_put_u8 (out, 17);
      lisp_put_u8 (out, m->ttl);
      lisp_put_bytes (out, m->src, 16);
      lisp_put_bytes (out, m->dst, 16);
    }
  udp_at = out->len;
  lisp_put_u16 (out, m->sport);
  lisp_put_u16 (out, m->dport);
  lisp_put_u16 (out, (guint16) udp_len);
  lisp_put_u16 (out, 0);
  if (inner_len > 0)
    lisp_put_bytes (out, g_bytes_get_data (m->inner, NULL), inner_len);
  lisp_set_u16 (out, udp_at + 6,
                lisp_udp_checksum (m->ip_version, m->src, m->dst, out->data + udp_at, udp_len));
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

gboolean
lisp_ecm_to_rtr (const guint8 *data, gsize len)
{
  return len >= 4 && data[0] >> 4 == LISP_TYPE_ECM && (lisp_load_u32 (data) & ECM_E) != 0;
}

gboolean
lisp_ecm_relayed_to_ms (const guint8 *data, gsize len)
{
  return len >= 4 && data[0] >> 4 == LISP_TYPE_ECM && (lisp_load_u32 (data) & ECM_M) != 0;
}

/* ---- the MS-RTR authentication block ---- */

static gboolean
ms_rtr_mac (const LispEcm *m, const guint8 *key, gsize key_len, guint8 mac[MS_RTR_MAC_LEN],
            GError **error)
{
  gsize len = m->inner != NULL ? g_bytes_get_size (m->inner) : 0;
  int rc = gnutls_hmac_fast (GNUTLS_MAC_SHA256, key, key_len,
                             m->inner != NULL ? g_bytes_get_data (m->inner, NULL) : "", len, mac);

  if (rc < 0)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID, "MS-RTR HMAC-SHA-256: %s",
                   gnutls_strerror (rc));
      return FALSE;
    }
  return TRUE;
}

gboolean
lisp_ecm_ms_rtr_sign (LispEcm *m, const guint8 *key, gsize key_len, GError **error)
{
  guint8 block[MS_RTR_HEADER + MS_RTR_MAC_LEN] = { AD_TYPE_MS_RTR };

  block[4] = LISP_ECM_MS_RTR_KEY_ID >> 8;
  block[5] = LISP_ECM_MS_RTR_KEY_ID & 0xff;
  block[7] = MS_RTR_MAC_LEN;
  if (!ms_rtr_mac (m, key, key_len, block + MS_RTR_HEADER, error))
    return FALSE;
  g_clear_pointer (&m->security_data, g_bytes_unref);
  m->security_data = g_bytes_new (block, sizeof block);
  m->security = TRUE;
  return TRUE;
}

gboolean
lisp_ecm_ms_rtr_verify (const LispEcm *m, const guint8 *key, gsize key_len, GError **error)
{
  guint8 mac[MS_RTR_MAC_LEN];
  const guint8 *block;
  gsize len;
  guint16 key_id, mac_len;
  guint8 diff = 0;

  if (!m->security || m->security_data == NULL)
    {
      g_set_error_literal (error, LISP_ERROR, LISP_ERROR_INVALID,
                           "ECM without MS-RTR authentication data (S bit clear)");
      return FALSE;
    }
  /* The decoder checked the AD Type and that the length fits. */
  block = g_bytes_get_data (m->security_data, &len);
  key_id = lisp_load_u16 (block + 4);
  mac_len = lisp_load_u16 (block + 6);
  if (key_id != LISP_ECM_MS_RTR_KEY_ID || mac_len != MS_RTR_MAC_LEN)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_UNSUPPORTED,
                   "MS-RTR Key ID %u with %u bytes of Auth Data: we know Key ID %u "
                   "(HMAC-SHA-256, %u bytes)",
                   key_id, mac_len, LISP_ECM_MS_RTR_KEY_ID, MS_RTR_MAC_LEN);
      return FALSE;
    }
  if (!ms_rtr_mac (m, key, key_len, mac, error))
    return FALSE;
  for (guint i = 0; i < MS_RTR_MAC_LEN; i++)
    diff |= mac[i] ^ block[MS_RTR_HEADER + i];
  if (diff != 0)
    {
      g_set_error_literal (error, LISP_ERROR, LISP_ERROR_INVALID,
                           "MS-RTR authentication failed (wrong key or altered message)");
      return FALSE;
    }
  return TRUE;
}
