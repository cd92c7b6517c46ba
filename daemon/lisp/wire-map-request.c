/* Map-Request (RFC 9301 §5.2): resolution, RLOC-probes (P) and SMRs (S, s). */
#include "lisp-message.h"
#include "lisp-error.h"

#define MREQ_A  (1u << 27)
#define MREQ_M  (1u << 26)
#define MREQ_P  (1u << 25)
#define MREQ_S  (1u << 24)
#define MREQ_PI (1u << 23)
#define MREQ_SI (1u << 22)
#define MREQ_L  (1u << 14)
#define MREQ_D  (1u << 13)
#define MREQ_ITR_RLOCS_MAX 32

static void
request_record_free (LispRequestRecord *rr)
{
  lisp_address_free (rr->eid);
  g_free (rr);
}

LispMapRequest *
lisp_map_request_new (void)
{
  LispMapRequest *m = g_new0 (LispMapRequest, 1);

  m->source_eid = lisp_address_new (LISP_ADDRESS_NONE);
  m->itr_rlocs = g_ptr_array_new_with_free_func ((GDestroyNotify) lisp_address_free);
  m->records = g_ptr_array_new_with_free_func ((GDestroyNotify) request_record_free);
  return m;
}

void
lisp_map_request_free (LispMapRequest *m)
{
  if (m == NULL)
    return;
  lisp_address_free (m->source_eid);
  g_ptr_array_unref (m->itr_rlocs);
  g_ptr_array_unref (m->records);
  lisp_record_free (m->map_reply);
  g_free (m);
}

void
lisp_map_request_add_record (LispMapRequest *m, LispAddress *eid, guint8 mask_len)
{
  LispRequestRecord *rr = g_new0 (LispRequestRecord, 1);

  rr->eid = eid;
  rr->mask_len = mask_len;
  g_ptr_array_add (m->records, rr);
}

gboolean
lisp_map_request_decode (const guint8 *data, gsize len, LispMapRequest **out, GError **error)
{
  g_autoptr(LispMapRequest) m = lisp_map_request_new ();
  LispReader r;
  guint32 word0;
  guint irc, count;

  lisp_reader_init (&r, data, len);
  if (!lisp_reader_u32 (&r, "Map-Request header", &word0, error))
    return FALSE;
  if (word0 >> 28 != LISP_TYPE_MAP_REQUEST)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID, "type %u is not a Map-Request", word0 >> 28);
      return FALSE;
    }
  m->authoritative = (word0 & MREQ_A) != 0;
  m->map_data = (word0 & MREQ_M) != 0;
  m->probe = (word0 & MREQ_P) != 0;
  m->smr = (word0 & MREQ_S) != 0;
  m->pitr = (word0 & MREQ_PI) != 0;
  m->smr_invoked = (word0 & MREQ_SI) != 0;
  m->local_xtr = (word0 & MREQ_L) != 0;
  m->dont_reply = (word0 & MREQ_D) != 0;
  irc = ((word0 >> 8) & 0x1f) + 1;  /* the field holds the count minus one */
  count = word0 & 0xff;
  if (count == 0)
    {
      g_set_error_literal (error, LISP_ERROR, LISP_ERROR_INVALID,
                           "Map-Request Record Count at offset 3 is 0: nothing is requested");
      return FALSE;
    }

  g_clear_pointer (&m->source_eid, lisp_address_free);
  if (!lisp_reader_u64 (&r, "Nonce", &m->nonce, error) ||
      !lisp_address_decode (&r, "Source-EID", &m->source_eid, error) ||
      !lisp_reader_need (&r, "ITR-RLOCs (IRC + 1 AFIs at least)", (gsize) irc * 2, error))
    return FALSE;
  for (guint i = 0; i < irc; i++)
    {
      LispAddress *rloc = NULL;

      if (!lisp_address_decode (&r, "ITR-RLOC", &rloc, error))
        {
          g_prefix_error (error, "ITR-RLOC %u of %u: ", i + 1, irc);
          return FALSE;
        }
      g_ptr_array_add (m->itr_rlocs, rloc);
    }
  /* Each request record takes 4 bytes at least: a lying count fails before any work. */
  if (!lisp_reader_need (&r, "request records (Record Count x 4 bytes at least)",
                         (gsize) count * 4, error))
    return FALSE;
  for (guint i = 0; i < count; i++)
    {
      guint8 reserved, mask_len;
      LispAddress *eid = NULL;

      if (!lisp_reader_u8 (&r, "request record Reserved", &reserved, error) ||
          !lisp_reader_u8 (&r, "request record EID mask-len", &mask_len, error) ||
          !lisp_address_decode (&r, "request record EID-Prefix", &eid, error))
        {
          g_prefix_error (error, "request record %u of %u: ", i + 1, count);
          return FALSE;
        }
      lisp_map_request_add_record (m, eid, mask_len);
    }
  if (m->map_data && !lisp_record_decode (&r, 0, &m->map_reply, error))
    {
      g_prefix_error (error, "Map-Reply record (M bit): ");
      return FALSE;
    }
  m->trailing = lisp_reader_remaining (&r);
  *out = g_steal_pointer (&m);
  return TRUE;
}

GBytes *
lisp_map_request_encode (const LispMapRequest *m, GError **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint32 word0 = (guint32) LISP_TYPE_MAP_REQUEST << 28;

  if (m->itr_rlocs->len < 1 || m->itr_rlocs->len > MREQ_ITR_RLOCS_MAX)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "a Map-Request carries 1 to %d ITR-RLOCs, not %u", MREQ_ITR_RLOCS_MAX,
                   m->itr_rlocs->len);
      return NULL;
    }
  if (m->records->len < 1 || m->records->len > 255)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "a Map-Request carries 1 to 255 records, not %u", m->records->len);
      return NULL;
    }
  for (guint i = 0; i < m->records->len; i++)
    {
      const LispRequestRecord *rr = g_ptr_array_index (m->records, i);

      if (rr->eid == NULL || !lisp_eid_mask_check (rr->eid, rr->mask_len, error))
        {
          if (rr->eid == NULL)
            g_set_error_literal (error, LISP_ERROR, LISP_ERROR_INVALID, "no EID");
          g_prefix_error (error, "request record %u: ", i);
          return NULL;
        }
    }
  if (m->map_reply != NULL && !lisp_record_check (m->map_reply, error))
    {
      g_prefix_error (error, "Map-Reply record: ");
      return NULL;
    }
  word0 |= (m->authoritative ? MREQ_A : 0) | (m->map_reply != NULL ? MREQ_M : 0) |
           (m->probe ? MREQ_P : 0) | (m->smr ? MREQ_S : 0) | (m->pitr ? MREQ_PI : 0) |
           (m->smr_invoked ? MREQ_SI : 0) | (m->local_xtr ? MREQ_L : 0) |
           (m->dont_reply ? MREQ_D : 0);
  word0 |= (m->itr_rlocs->len - 1) << 8 | m->records->len;
  lisp_put_u32 (out, word0);
  lisp_put_u64 (out, m->nonce);
  lisp_address_encode (m->source_eid, out);
  for (guint i = 0; i < m->itr_rlocs->len; i++)
    lisp_address_encode (g_ptr_array_index (m->itr_rlocs, i), out);
  for (guint i = 0; i < m->records->len; i++)
    {
      const LispRequestRecord *rr = g_ptr_array_index (m->records, i);

      lisp_put_u8 (out, 0);
      lisp_put_u8 (out, rr->mask_len);
      lisp_address_encode (rr->eid, out);
    }
  if (m->map_reply != NULL)
    lisp_record_encode (m->map_reply, out);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
