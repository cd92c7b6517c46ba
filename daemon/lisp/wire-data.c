#include "wire-data.h"
#include "lisp-error.h"
#include "wire-buffer.h"

#define DATA_N 0x80
#define DATA_L 0x40
#define DATA_E 0x20
#define DATA_V 0x10
#define DATA_I 0x08

static gboolean
check_flags (gboolean n, gboolean e, gboolean v, GError **error)
{
  if (e && !n)
    {
      g_set_error_literal (error, LISP_ERROR, LISP_ERROR_INVALID,
                           "data header flags at offset 0: E (echo-nonce request) is set without N (nonce)");
      return FALSE;
    }
  if (n && v)
    {
      g_set_error_literal (error, LISP_ERROR, LISP_ERROR_INVALID,
                           "data header flags at offset 0: N (nonce) and V (map-version) are both set");
      return FALSE;
    }
  return TRUE;
}

gboolean
lisp_data_header_decode (const guint8 *data, gsize len, LispDataHeader *h, GError **error)
{
  guint32 w1, w2;
  guint8 flags;

  if (len < LISP_DATA_HEADER_SIZE)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_TRUNCATED,
                   "truncated: LISP data header needs 8 bytes at offset 0, %" G_GSIZE_FORMAT " left",
                   len);
      return FALSE;
    }
  w1 = lisp_load_u32 (data);
  w2 = lisp_load_u32 (data + 4);
  flags = data[0];
  *h = (LispDataHeader) {
    .nonce_present = (flags & DATA_N) != 0,
    .lsb_enabled = (flags & DATA_L) != 0,
    .echo_nonce = (flags & DATA_E) != 0,
    .map_version = (flags & DATA_V) != 0,
    .iid_present = (flags & DATA_I) != 0,
    .reserved_flag = (flags & 0x04) != 0,
    .key_id = flags & 0x3,
  };
  if (!check_flags (h->nonce_present, h->echo_nonce, h->map_version, error))
    return FALSE;
  if (h->nonce_present)
    h->nonce = w1 & 0xffffff;
  if (h->map_version)
    {
      h->source_version = (w1 >> 12) & 0xfff;
      h->dest_version = w1 & 0xfff;
    }
  if (h->iid_present)
    {
      h->iid = w2 >> 8;
      h->lsb = h->lsb_enabled ? (w2 & 0xff) : 0;
    }
  else
    h->lsb = h->lsb_enabled ? w2 : 0;
  return TRUE;
}

gboolean
lisp_data_header_encode (const LispDataHeader *h, guint8 out[LISP_DATA_HEADER_SIZE],
                         GError **error)
{
  guint32 w1 = 0, w2 = 0;
  guint8 flags;

  if (!check_flags (h->nonce_present, h->echo_nonce, h->map_version, error))
    return FALSE;
  flags = (h->nonce_present ? DATA_N : 0) | (h->lsb_enabled ? DATA_L : 0) |
          (h->echo_nonce ? DATA_E : 0) | (h->map_version ? DATA_V : 0) |
          (h->iid_present ? DATA_I : 0) | (h->key_id & 0x3);
  if (h->nonce_present)
    w1 = h->nonce & 0xffffff;
  else if (h->map_version)
    w1 = (guint32) (h->source_version & 0xfff) << 12 | (h->dest_version & 0xfff);
  w1 |= (guint32) flags << 24;
  if (h->iid_present)
    w2 = (h->iid & 0xffffff) << 8 | (h->lsb_enabled ? (h->lsb & 0xff) : 0);
  else if (h->lsb_enabled)
    w2 = h->lsb;
  lisp_store_u32 (out, w1);
  lisp_store_u32 (out + 4, w2);
  return TRUE;
}
