/* EID records and their locators: the body shared by Map-Reply, Map-Register, Map-Notify
 * and Map-Notify-Ack (RFC 9301 §5.4). */
#include "lisp-message.h"
#include "lisp-error.h"

#define LOC_FLAG_LOCAL     0x0004
#define LOC_FLAG_PROBED    0x0002
#define LOC_FLAG_REACHABLE 0x0001

LispLocator *
lisp_locator_new (LispAddress *address, guint8 priority, guint8 weight)
{
  LispLocator *l = g_new0 (LispLocator, 1);

  l->address = address;
  l->priority = priority;
  l->weight = weight;
  l->m_priority = 255;
  l->reachable = TRUE;
  return l;
}

void
lisp_locator_free (LispLocator *l)
{
  if (l == NULL)
    return;
  lisp_address_free (l->address);
  g_free (l);
}

LispRecord *
lisp_record_new (LispAddress *eid, guint8 mask_len, guint32 ttl)
{
  LispRecord *r = g_new0 (LispRecord, 1);

  r->eid = eid;
  r->mask_len = mask_len;
  r->ttl = ttl;
  r->locators = g_ptr_array_new_with_free_func ((GDestroyNotify) lisp_locator_free);
  return r;
}

void
lisp_record_free (LispRecord *r)
{
  if (r == NULL)
    return;
  lisp_address_free (r->eid);
  g_ptr_array_unref (r->locators);
  g_free (r);
}

LispRecord *
lisp_record_copy (const LispRecord *r)
{
  LispRecord *c = lisp_record_new (lisp_address_copy (r->eid), r->mask_len, r->ttl);

  c->action = r->action;
  c->authoritative = r->authoritative;
  c->map_version = r->map_version;
  for (guint i = 0; i < r->locators->len; i++)
    {
      const LispLocator *l = g_ptr_array_index (r->locators, i);
      LispLocator *n = g_new0 (LispLocator, 1);

      *n = *l;
      n->address = lisp_address_copy (l->address);
      g_ptr_array_add (c->locators, n);
    }
  return c;
}

/* The EID's family limits its mask length; an EID we cannot place in a family (a name, an
 * unknown LCAF) is passed on with whatever mask the sender chose. at < 0: not decoding. */
static gboolean
check_mask_len (const LispAddress *eid, guint8 mask_len, gssize at, GError **error)
{
  guint8 ip[16];
  int family = lisp_address_ip (eid, ip);
  guint max = family == 4 ? 32 : family == 6 ? 128 : 255;

  if (eid->kind == LISP_ADDRESS_AFI_LIST)
    max = 255;  /* the first address's family need not be the prefix's */
  if (mask_len <= max)
    return TRUE;
  if (at >= 0)
    g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                 "EID mask-len %u at offset %" G_GSSIZE_FORMAT " exceeds %u for an IPv%d EID",
                 mask_len, at, max, family);
  else
    g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                 "EID mask-len %u exceeds %u for an IPv%d EID", mask_len, max, family);
  return FALSE;
}

gboolean
lisp_eid_mask_check (const LispAddress *eid, guint8 mask_len, GError **error)
{
  return check_mask_len (eid, mask_len, -1, error);
}

static gboolean
decode_locator (LispReader *r, guint index, LispLocator **out, GError **error)
{
  g_autoptr(LispLocator) l = g_new0 (LispLocator, 1);
  guint16 flags;

  if (!lisp_reader_u8 (r, "Priority", &l->priority, error) ||
      !lisp_reader_u8 (r, "Weight", &l->weight, error) ||
      !lisp_reader_u8 (r, "M Priority", &l->m_priority, error) ||
      !lisp_reader_u8 (r, "M Weight", &l->m_weight, error) ||
      !lisp_reader_u16 (r, "Locator flags", &flags, error) ||
      !lisp_address_decode (r, "Locator", &l->address, error))
    {
      g_prefix_error (error, "locator %u: ", index);
      return FALSE;
    }
  l->local = (flags & LOC_FLAG_LOCAL) != 0;
  l->probed = (flags & LOC_FLAG_PROBED) != 0;
  l->reachable = (flags & LOC_FLAG_REACHABLE) != 0;
  *out = g_steal_pointer (&l);
  return TRUE;
}

static gboolean
decode_record (LispReader *r, LispRecord **out, GError **error)
{
  g_autoptr(LispRecord) rec = lisp_record_new (NULL, 0, 0);
  guint8 loc_count;
  guint16 act_a, version;
  gsize eid_at;

  if (!lisp_reader_u32 (r, "Record TTL", &rec->ttl, error) ||
      !lisp_reader_u8 (r, "Locator Count", &loc_count, error) ||
      !lisp_reader_u8 (r, "EID mask-len", &rec->mask_len, error) ||
      !lisp_reader_u16 (r, "ACT/A/Reserved", &act_a, error) ||
      !lisp_reader_u16 (r, "Map-Version", &version, error))
    return FALSE;
  rec->action = act_a >> 13;
  rec->authoritative = (act_a & 0x1000) != 0;
  rec->map_version = version & 0x0fff;
  eid_at = r->pos;
  if (!lisp_address_decode (r, "EID-Prefix", &rec->eid, error) ||
      !check_mask_len (rec->eid, rec->mask_len, (gssize) eid_at, error))
    return FALSE;
  /* Each locator takes at least 8 bytes: a lying count fails here, before any work. */
  if (!lisp_reader_need (r, "locators (Locator Count x 8 bytes at least)", (gsize) loc_count * 8,
                         error))
    return FALSE;
  for (guint i = 0; i < loc_count; i++)
    {
      LispLocator *l = NULL;

      if (!decode_locator (r, i, &l, error))
        return FALSE;
      g_ptr_array_add (rec->locators, l);
    }
  *out = g_steal_pointer (&rec);
  return TRUE;
}

gboolean
lisp_record_decode (LispReader *r, guint index, LispRecord **out, GError **error)
{
  if (decode_record (r, out, error))
    return TRUE;
  g_prefix_error (error, "record %u: ", index);
  return FALSE;
}

gboolean
lisp_record_check (const LispRecord *rec, GError **error)
{
  if (rec->eid == NULL)
    {
      g_set_error_literal (error, LISP_ERROR, LISP_ERROR_INVALID, "record without an EID");
      return FALSE;
    }
  if (rec->locators->len > 255)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "record has %u locators; a record holds 255 at most", rec->locators->len);
      return FALSE;
    }
  return check_mask_len (rec->eid, rec->mask_len, -1, error);
}

void
lisp_record_encode (const LispRecord *rec, GByteArray *out)
{
  lisp_put_u32 (out, rec->ttl);
  lisp_put_u8 (out, (guint8) MIN (rec->locators->len, 255));
  lisp_put_u8 (out, rec->mask_len);
  lisp_put_u16 (out, (guint16) (((rec->action & 0x7) << 13) | (rec->authoritative ? 0x1000 : 0)));
  lisp_put_u16 (out, rec->map_version & 0x0fff);
  lisp_address_encode (rec->eid, out);
  for (guint i = 0; i < rec->locators->len && i < 255; i++)
    {
      const LispLocator *l = g_ptr_array_index (rec->locators, i);

      lisp_put_u8 (out, l->priority);
      lisp_put_u8 (out, l->weight);
      lisp_put_u8 (out, l->m_priority);
      lisp_put_u8 (out, l->m_weight);
      lisp_put_u16 (out, (l->local ? LOC_FLAG_LOCAL : 0) | (l->probed ? LOC_FLAG_PROBED : 0) |
                           (l->reachable ? LOC_FLAG_REACHABLE : 0));
      lisp_address_encode (l->address, out);
    }
}

/* The smallest record: 10 fixed bytes and a 2-byte EID-AFI. */
#define RECORD_MIN_SIZE 12

gboolean
lisp_records_decode (LispReader *r, guint count, GPtrArray *records, GError **error)
{
  /* A lying Record Count fails before anything is allocated. */
  if (!lisp_reader_need (r, "records (Record Count x 12 bytes at least)",
                         (gsize) count * RECORD_MIN_SIZE, error))
    return FALSE;
  for (guint i = 0; i < count; i++)
    {
      LispRecord *rec = NULL;

      if (!lisp_record_decode (r, i, &rec, error))
        return FALSE;
      g_ptr_array_add (records, rec);
    }
  return TRUE;
}

gboolean
lisp_records_check (const GPtrArray *records, GError **error)
{
  if (records->len > 255)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "%u records; a message holds 255 at most", records->len);
      return FALSE;
    }
  for (guint i = 0; i < records->len; i++)
    {
      if (!lisp_record_check (g_ptr_array_index (records, i), error))
        {
          g_prefix_error (error, "record %u: ", i);
          return FALSE;
        }
    }
  return TRUE;
}

void
lisp_records_encode (const GPtrArray *records, GByteArray *out)
{
  for (guint i = 0; i < records->len; i++)
    lisp_record_encode (g_ptr_array_index (records, i), out);
}

GPtrArray *
lisp_records_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) lisp_record_free);
}
