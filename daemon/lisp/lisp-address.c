#include "lisp-address.h"
#include "lisp-error.h"

#include <arpa/inet.h>
#include <string.h>

/* A name longer than this is not a host or site name; refusing it bounds the copy. */
#define LISP_NAME_MAX 255
/* LCAFs nest (an Instance-ID inside an AFI-list inside an ELP ...). Real messages nest two
 * deep at most; the limit stops a crafted message from exhausting the stack. */
#define LISP_LCAF_DEPTH_MAX 4

LispAddress *
lisp_address_new (LispAddressKind kind)
{
  LispAddress *a = g_new0 (LispAddress, 1);

  a->kind = kind;
  return a;
}

LispAddress *
lisp_address_new_ipv4 (const guint8 addr[4])
{
  LispAddress *a = lisp_address_new (LISP_ADDRESS_IPV4);

  memcpy (a->bytes, addr, 4);
  return a;
}

LispAddress *
lisp_address_new_ipv6 (const guint8 addr[16])
{
  LispAddress *a = lisp_address_new (LISP_ADDRESS_IPV6);

  memcpy (a->bytes, addr, 16);
  return a;
}

LispAddress *
lisp_address_new_name (const char *name)
{
  LispAddress *a = lisp_address_new (LISP_ADDRESS_NAME);

  a->name = g_strdup (name);
  return a;
}

LispAddress *
lisp_address_new_instance_id (guint32 iid, guint8 mask_len, LispAddress *inner)
{
  LispAddress *a = lisp_address_new (LISP_ADDRESS_INSTANCE_ID);

  a->iid = iid;
  a->lcaf_rsvd2 = mask_len;
  a->inner = inner;
  return a;
}

void
lisp_elp_hop_free (LispElpHop *hop)
{
  if (hop == NULL)
    return;
  lisp_address_free (hop->address);
  g_free (hop);
}

void
lisp_address_free (LispAddress *a)
{
  if (a == NULL)
    return;
  g_free (a->name);
  lisp_address_free (a->inner);
  lisp_address_free (a->global_etr);
  lisp_address_free (a->ms_rloc);
  lisp_address_free (a->private_etr);
  g_clear_pointer (&a->items, g_ptr_array_unref);
  g_clear_pointer (&a->raw, g_bytes_unref);
  g_free (a);
}

static GPtrArray *
new_item_array (LispAddressKind kind)
{
  if (kind == LISP_ADDRESS_ELP)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) lisp_elp_hop_free);
  return g_ptr_array_new_with_free_func ((GDestroyNotify) lisp_address_free);
}

static LispAddress *
copy_or_null (const LispAddress *a)
{
  return a != NULL ? lisp_address_copy (a) : NULL;
}

LispAddress *
lisp_address_copy (const LispAddress *a)
{
  LispAddress *c = g_new0 (LispAddress, 1);

  *c = *a;
  c->name = g_strdup (a->name);
  c->inner = copy_or_null (a->inner);
  c->global_etr = copy_or_null (a->global_etr);
  c->ms_rloc = copy_or_null (a->ms_rloc);
  c->private_etr = copy_or_null (a->private_etr);
  c->raw = a->raw != NULL ? g_bytes_ref (a->raw) : NULL;
  if (a->items != NULL)
    {
      c->items = new_item_array (a->kind);
      for (guint i = 0; i < a->items->len; i++)
        {
          if (a->kind == LISP_ADDRESS_ELP)
            {
              const LispElpHop *hop = g_ptr_array_index (a->items, i);
              LispElpHop *h = g_new0 (LispElpHop, 1);

              h->flags = hop->flags;
              h->address = copy_or_null (hop->address);
              g_ptr_array_add (c->items, h);
            }
          else
            g_ptr_array_add (c->items, copy_or_null (g_ptr_array_index (a->items, i)));
        }
    }
  return c;
}

static gboolean
equal_or_both_null (const LispAddress *a, const LispAddress *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return lisp_address_equal (a, b);
}

gboolean
lisp_address_equal (const LispAddress *a, const LispAddress *b)
{
  if (a->kind != b->kind)
    return FALSE;
  switch (a->kind)
    {
    case LISP_ADDRESS_NONE:
      return TRUE;
    case LISP_ADDRESS_IPV4:
      return memcmp (a->bytes, b->bytes, 4) == 0;
    case LISP_ADDRESS_IPV6:
      return memcmp (a->bytes, b->bytes, 16) == 0;
    case LISP_ADDRESS_MAC:
      return memcmp (a->bytes, b->bytes, 6) == 0;
    case LISP_ADDRESS_NAME:
      return g_strcmp0 (a->name, b->name) == 0;
    case LISP_ADDRESS_INSTANCE_ID:
      return a->iid == b->iid && a->lcaf_rsvd2 == b->lcaf_rsvd2 &&
             equal_or_both_null (a->inner, b->inner);
    case LISP_ADDRESS_NAT:
      if (a->ms_port != b->ms_port || a->etr_port != b->etr_port ||
          !equal_or_both_null (a->global_etr, b->global_etr) ||
          !equal_or_both_null (a->ms_rloc, b->ms_rloc) ||
          !equal_or_both_null (a->private_etr, b->private_etr))
        return FALSE;
      G_GNUC_FALLTHROUGH;
    case LISP_ADDRESS_AFI_LIST:
    case LISP_ADDRESS_ELP:
      if (a->items == NULL || b->items == NULL)
        return a->items == b->items;
      if (a->items->len != b->items->len)
        return FALSE;
      for (guint i = 0; i < a->items->len; i++)
        {
          if (a->kind == LISP_ADDRESS_ELP)
            {
              const LispElpHop *x = g_ptr_array_index (a->items, i);
              const LispElpHop *y = g_ptr_array_index (b->items, i);

              if (x->flags != y->flags || !equal_or_both_null (x->address, y->address))
                return FALSE;
            }
          else if (!equal_or_both_null (g_ptr_array_index (a->items, i),
                                        g_ptr_array_index (b->items, i)))
            return FALSE;
        }
      return TRUE;
    case LISP_ADDRESS_LCAF_OTHER:
      if (a->raw == NULL || b->raw == NULL)
        return a->lcaf_type == b->lcaf_type && a->raw == b->raw;
      return a->lcaf_type == b->lcaf_type && g_bytes_equal (a->raw, b->raw);
    }
  return FALSE;
}

LispAddress *
lisp_address_parse (const char *text, GError **error)
{
  guint8 buf[16];
  const char *p = text;
  guint32 iid = 0;
  gboolean has_iid = FALSE;
  LispAddress *a;

  if (text == NULL || *text == '\0')
    {
      g_set_error_literal (error, LISP_ERROR, LISP_ERROR_INVALID, "empty address");
      return NULL;
    }
  if (*p == '[')
    {
      gchar *end = NULL;
      guint64 v = g_ascii_strtoull (p + 1, &end, 10);

      if (end == p + 1 || *end != ']' || v > G_MAXUINT32)
        {
          g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                       "bad instance ID in address '%s': expected [0..4294967295]", text);
          return NULL;
        }
      iid = (guint32) v;
      has_iid = TRUE;
      p = end + 1;
    }
  if (inet_pton (AF_INET, p, buf) == 1)
    a = lisp_address_new_ipv4 (buf);
  else if (inet_pton (AF_INET6, p, buf) == 1)
    a = lisp_address_new_ipv6 (buf);
  else
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "'%s' is not an IPv4 or IPv6 address", text);
      return NULL;
    }
  if (has_iid)
    a = lisp_address_new_instance_id (iid, a->kind == LISP_ADDRESS_IPV4 ? 32 : 128, a);
  return a;
}

static void
append_string (GString *s, const LispAddress *a)
{
  char buf[INET6_ADDRSTRLEN];

  if (a == NULL)
    {
      g_string_append (s, "none");
      return;
    }
  switch (a->kind)
    {
    case LISP_ADDRESS_NONE:
      g_string_append (s, "none");
      break;
    case LISP_ADDRESS_IPV4:
      g_string_append (s, inet_ntop (AF_INET, a->bytes, buf, sizeof buf));
      break;
    case LISP_ADDRESS_IPV6:
      g_string_append (s, inet_ntop (AF_INET6, a->bytes, buf, sizeof buf));
      break;
    case LISP_ADDRESS_MAC:
      g_string_append_printf (s, "%02x:%02x:%02x:%02x:%02x:%02x", a->bytes[0], a->bytes[1],
                              a->bytes[2], a->bytes[3], a->bytes[4], a->bytes[5]);
      break;
    case LISP_ADDRESS_NAME:
      g_string_append_printf (s, "'%s'", a->name != NULL ? a->name : "");
      break;
    case LISP_ADDRESS_INSTANCE_ID:
      g_string_append_printf (s, "[%u]", a->iid);
      append_string (s, a->inner);
      break;
    case LISP_ADDRESS_AFI_LIST:
      g_string_append_c (s, '(');
      for (guint i = 0; a->items != NULL && i < a->items->len; i++)
        {
          if (i > 0)
            g_string_append (s, ", ");
          append_string (s, g_ptr_array_index (a->items, i));
        }
      g_string_append_c (s, ')');
      break;
    case LISP_ADDRESS_ELP:
      g_string_append (s, "elp{");
      for (guint i = 0; a->items != NULL && i < a->items->len; i++)
        {
          const LispElpHop *hop = g_ptr_array_index (a->items, i);

          if (i > 0)
            g_string_append (s, " -> ");
          append_string (s, hop->address);
          if (hop->flags != 0)
            g_string_append_printf (s, "/%s%s%s", hop->flags & LISP_ELP_LOOKUP ? "L" : "",
                                    hop->flags & LISP_ELP_PROBE ? "P" : "",
                                    hop->flags & LISP_ELP_STRICT ? "S" : "");
        }
      g_string_append_c (s, '}');
      break;
    case LISP_ADDRESS_NAT:
      g_string_append_printf (s, "nat{ms-port %u, etr-port %u, global-etr ", a->ms_port, a->etr_port);
      append_string (s, a->global_etr);
      g_string_append (s, ", ms ");
      append_string (s, a->ms_rloc);
      g_string_append (s, ", private-etr ");
      append_string (s, a->private_etr);
      for (guint i = 0; a->items != NULL && i < a->items->len; i++)
        {
          g_string_append (s, ", rtr ");
          append_string (s, g_ptr_array_index (a->items, i));
        }
      g_string_append_c (s, '}');
      break;
    case LISP_ADDRESS_LCAF_OTHER:
      g_string_append_printf (s, "lcaf{type %u, %" G_GSIZE_FORMAT " bytes}", a->lcaf_type,
                              a->raw != NULL ? g_bytes_get_size (a->raw) : 0);
      break;
    }
}

gchar *
lisp_address_to_string (const LispAddress *a)
{
  GString *s = g_string_new (NULL);

  append_string (s, a);
  return g_string_free (s, FALSE);
}

int
lisp_address_ip (const LispAddress *a, guint8 out[16])
{
  switch (a->kind)
    {
    case LISP_ADDRESS_IPV4:
      memcpy (out, a->bytes, 4);
      return 4;
    case LISP_ADDRESS_IPV6:
      memcpy (out, a->bytes, 16);
      return 6;
    case LISP_ADDRESS_INSTANCE_ID:
      return a->inner != NULL ? lisp_address_ip (a->inner, out) : 0;
    case LISP_ADDRESS_AFI_LIST:
      for (guint i = 0; a->items != NULL && i < a->items->len; i++)
        {
          const LispAddress *item = g_ptr_array_index (a->items, i);
          int family = item != NULL ? lisp_address_ip (item, out) : 0;

          if (family != 0)
            return family;
        }
      return 0;
    default:
      return 0;
    }
}

guint32
lisp_address_iid (const LispAddress *a)
{
  return a->kind == LISP_ADDRESS_INSTANCE_ID ? a->iid : 0;
}

/* ---- decoding ---------------------------------------------------------------------- */

static gboolean decode_address (LispReader *r, const char *field, guint depth,
                                LispAddress **out, GError **error);

static gboolean
decode_name (LispReader *r, const char *field, LispAddress **out, GError **error)
{
  gsize start = r->pos;
  gsize left = lisp_reader_remaining (r);
  const guint8 *nul = memchr (r->data + start, '\0', MIN (left, LISP_NAME_MAX + 1));
  gsize n;

  if (nul == NULL)
    {
      if (left > LISP_NAME_MAX)
        g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                     "%s: Distinguished Name at offset %" G_GSIZE_FORMAT
                     " is longer than %d bytes", field, start, LISP_NAME_MAX);
      else
        g_set_error (error, LISP_ERROR, LISP_ERROR_TRUNCATED,
                     "truncated: %s: Distinguished Name at offset %" G_GSIZE_FORMAT
                     " has no terminating NUL", field, start);
      return FALSE;
    }
  n = (gsize) (nul - (r->data + start));
  *out = lisp_address_new (LISP_ADDRESS_NAME);
  (*out)->name = g_strndup ((const char *) r->data + start, n);
  r->pos += n + 1;
  return TRUE;
}

/* The addresses of an AFI-list or the RTRs of a NAT LCAF: as many as the body holds. */
static gboolean
decode_address_list (LispReader *body, const char *field, guint depth, GPtrArray *items,
                     GError **error)
{
  while (lisp_reader_remaining (body) > 0)
    {
      LispAddress *item = NULL;

      if (!decode_address (body, field, depth, &item, error))
        return FALSE;
      g_ptr_array_add (items, item);
    }
  return TRUE;
}

static gboolean
decode_nat_body (LispReader *body, const char *field, guint depth, LispAddress *a,
                 GError **error)
{
  a->items = new_item_array (LISP_ADDRESS_NAT);
  if (!lisp_reader_u16 (body, "NAT LCAF MS UDP Port", &a->ms_port, error) ||
      !lisp_reader_u16 (body, "NAT LCAF ETR UDP Port", &a->etr_port, error) ||
      !decode_address (body, "NAT LCAF Global ETR RLOC", depth, &a->global_etr, error) ||
      !decode_address (body, "NAT LCAF MS RLOC", depth, &a->ms_rloc, error) ||
      !decode_address (body, "NAT LCAF Private ETR RLOC", depth, &a->private_etr, error))
    return FALSE;
  return decode_address_list (body, "NAT LCAF RTR RLOC", depth, a->items, error);
}

static gboolean
decode_lcaf (LispReader *r, const char *field, guint depth, LispAddress **out, GError **error)
{
  g_autoptr(LispAddress) a = NULL;
  guint8 rsvd1, flags, type, rsvd2;
  guint16 length;
  LispReader body;

  if (depth >= LISP_LCAF_DEPTH_MAX)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_UNSUPPORTED,
                   "%s: LCAF at offset %" G_GSIZE_FORMAT " nests deeper than %d levels",
                   field, r->pos, LISP_LCAF_DEPTH_MAX);
      return FALSE;
    }
  if (!lisp_reader_u8 (r, "LCAF Rsvd1", &rsvd1, error) ||
      !lisp_reader_u8 (r, "LCAF Flags", &flags, error) ||
      !lisp_reader_u8 (r, "LCAF Type", &type, error) ||
      !lisp_reader_u8 (r, "LCAF Rsvd2", &rsvd2, error) ||
      !lisp_reader_u16 (r, "LCAF Length", &length, error) ||
      !lisp_reader_sub (r, "LCAF body", length, &body, error))
    return FALSE;

  switch (type)
    {
    case LISP_LCAF_INSTANCE_ID:
      a = lisp_address_new (LISP_ADDRESS_INSTANCE_ID);
      if (!lisp_reader_u32 (&body, "Instance ID", &a->iid, error) ||
          !decode_address (&body, "Instance-ID LCAF address", depth + 1, &a->inner, error))
        return FALSE;
      break;
    case LISP_LCAF_AFI_LIST:
      a = lisp_address_new (LISP_ADDRESS_AFI_LIST);
      a->items = new_item_array (a->kind);
      if (!decode_address_list (&body, "AFI-List LCAF address", depth + 1, a->items, error))
        return FALSE;
      break;
    case LISP_LCAF_NAT_TRAVERSAL:
      a = lisp_address_new (LISP_ADDRESS_NAT);
      if (!decode_nat_body (&body, field, depth + 1, a, error))
        return FALSE;
      break;
    case LISP_LCAF_ELP:
      a = lisp_address_new (LISP_ADDRESS_ELP);
      a->items = new_item_array (a->kind);
      while (lisp_reader_remaining (&body) > 0)
        {
          LispElpHop *hop = g_new0 (LispElpHop, 1);

          g_ptr_array_add (a->items, hop);
          if (!lisp_reader_u16 (&body, "ELP hop flags", &hop->flags, error) ||
              !decode_address (&body, "ELP hop address", depth + 1, &hop->address, error))
            return FALSE;
          hop->flags &= LISP_ELP_LOOKUP | LISP_ELP_PROBE | LISP_ELP_STRICT;
        }
      break;
    default:
      /* RFC 8060: a receiver skips LCAF types it does not understand by their Length. */
      a = lisp_address_new (LISP_ADDRESS_LCAF_OTHER);
      a->lcaf_type = type;
      a->raw = g_bytes_new (body.data + body.pos, length);
      body.pos = body.end;
      break;
    }
  a->lcaf_flags = flags;
  a->lcaf_rsvd2 = rsvd2;
  /* Bytes left inside a known LCAF's Length are tolerated: future revisions may append. */
  *out = g_steal_pointer (&a);
  return TRUE;
}

static gboolean
decode_address (LispReader *r, const char *field, guint depth, LispAddress **out, GError **error)
{
  guint16 afi;
  gsize at = r->pos;

  if (!lisp_reader_u16 (r, field, &afi, error))
    return FALSE;
  switch (afi)
    {
    case LISP_AFI_NONE:
      *out = lisp_address_new (LISP_ADDRESS_NONE);
      return TRUE;
    case LISP_AFI_IPV4:
      *out = lisp_address_new (LISP_ADDRESS_IPV4);
      if (lisp_reader_copy (r, field, (*out)->bytes, 4, error))
        return TRUE;
      break;
    case LISP_AFI_IPV6:
      *out = lisp_address_new (LISP_ADDRESS_IPV6);
      if (lisp_reader_copy (r, field, (*out)->bytes, 16, error))
        return TRUE;
      break;
    case LISP_AFI_MAC:
      *out = lisp_address_new (LISP_ADDRESS_MAC);
      if (lisp_reader_copy (r, field, (*out)->bytes, 6, error))
        return TRUE;
      break;
    case LISP_AFI_NAME:
      return decode_name (r, field, out, error);
    case LISP_AFI_LCAF:
      if (decode_lcaf (r, field, depth, out, error))
        return TRUE;
      g_prefix_error (error, "%s: ", field);
      return FALSE;
    default:
      /* Without a length an unknown AFI cannot be skipped: the rest is unreadable. */
      g_set_error (error, LISP_ERROR, LISP_ERROR_UNSUPPORTED,
                   "%s: unknown AFI %u at offset %" G_GSIZE_FORMAT, field, afi, at);
      return FALSE;
    }
  g_clear_pointer (out, lisp_address_free);
  return FALSE;
}

gboolean
lisp_address_decode (LispReader *r, const char *field, LispAddress **out, GError **error)
{
  return decode_address (r, field, 0, out, error);
}

gboolean
lisp_address_decode_nat_to_end (LispReader *r, const char *field, LispAddress **out,
                                gboolean *length_lied, GError **error)
{
  LispReader strict = *r, lenient = *r, body;
  g_autoptr(GError) strict_error = NULL;
  g_autoptr(LispAddress) honest = NULL;
  g_autoptr(LispAddress) a = NULL;
  guint16 afi, length;
  guint8 type;
  gsize body_start;

  *length_lied = FALSE;
  /* First the honest reading: a NAT LCAF that ends where the message ends is taken as is. */
  if (decode_address (&strict, field, 0, &honest, &strict_error) &&
      honest->kind == LISP_ADDRESS_NAT && lisp_reader_remaining (&strict) == 0)
    {
      *r = strict;
      *out = g_steal_pointer (&honest);
      return TRUE;
    }

  /* Then lispers.net's reading: the Length is too short and the body runs to the end. */
  if (lisp_reader_u16 (&lenient, field, &afi, NULL) && afi == LISP_AFI_LCAF &&
      lisp_reader_skip (&lenient, "LCAF Rsvd1 and Flags", 2, NULL) &&
      lisp_reader_u8 (&lenient, "LCAF Type", &type, NULL) && type == LISP_LCAF_NAT_TRAVERSAL &&
      lisp_reader_skip (&lenient, "LCAF Rsvd2", 1, NULL) &&
      lisp_reader_u16 (&lenient, "LCAF Length", &length, NULL) &&
      length < lisp_reader_remaining (&lenient))
    {
      body_start = lenient.pos;
      lisp_reader_sub (&lenient, "LCAF body", lisp_reader_remaining (&lenient), &body, NULL);
      a = lisp_address_new (LISP_ADDRESS_NAT);
      if (decode_nat_body (&body, field, 1, a, NULL))
        {
          *length_lied = length != body.end - body_start;
          *r = lenient;
          *out = g_steal_pointer (&a);
          return TRUE;
        }
    }

  /* Neither: an honest NAT LCAF followed by trailing bytes, or the honest reading's error. */
  if (honest != NULL && honest->kind == LISP_ADDRESS_NAT)
    {
      *r = strict;
      *out = g_steal_pointer (&honest);
      return TRUE;
    }
  if (strict_error != NULL)
    g_propagate_error (error, g_steal_pointer (&strict_error));
  else
    g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                 "%s: expected a NAT-Traversal LCAF at offset %" G_GSIZE_FORMAT, field, r->pos);
  return FALSE;
}

/* ---- encoding ---------------------------------------------------------------------- */

/* Writes an LCAF header with a zero Length and returns the offset to patch. */
static gsize
begin_lcaf (GByteArray *out, const LispAddress *a, guint8 type)
{
  gsize at;

  lisp_put_u16 (out, LISP_AFI_LCAF);
  lisp_put_u8 (out, 0);
  lisp_put_u8 (out, a->lcaf_flags);
  lisp_put_u8 (out, type);
  lisp_put_u8 (out, a->lcaf_rsvd2);
  at = out->len;
  lisp_put_u16 (out, 0);
  return at;
}

static void
end_lcaf (GByteArray *out, gsize length_at)
{
  lisp_set_u16 (out, length_at, (guint16) (out->len - length_at - 2));
}

/* Parts a caller left NULL travel as AFI 0, "no address". */
static void
encode_or_none (const LispAddress *a, GByteArray *out)
{
  if (a != NULL)
    lisp_address_encode (a, out);
  else
    lisp_put_u16 (out, LISP_AFI_NONE);
}

void
lisp_address_encode (const LispAddress *a, GByteArray *out)
{
  gsize at;

  switch (a->kind)
    {
    case LISP_ADDRESS_NONE:
      lisp_put_u16 (out, LISP_AFI_NONE);
      break;
    case LISP_ADDRESS_IPV4:
      lisp_put_u16 (out, LISP_AFI_IPV4);
      lisp_put_bytes (out, a->bytes, 4);
      break;
    case LISP_ADDRESS_IPV6:
      lisp_put_u16 (out, LISP_AFI_IPV6);
      lisp_put_bytes (out, a->bytes, 16);
      break;
    case LISP_ADDRESS_MAC:
      lisp_put_u16 (out, LISP_AFI_MAC);
      lisp_put_bytes (out, a->bytes, 6);
      break;
    case LISP_ADDRESS_NAME:
      lisp_put_u16 (out, LISP_AFI_NAME);
      lisp_put_bytes (out, a->name != NULL ? a->name : "", a->name != NULL ? strlen (a->name) + 1 : 1);
      break;
    case LISP_ADDRESS_INSTANCE_ID:
      at = begin_lcaf (out, a, LISP_LCAF_INSTANCE_ID);
      lisp_put_u32 (out, a->iid);
      encode_or_none (a->inner, out);
      end_lcaf (out, at);
      break;
    case LISP_ADDRESS_AFI_LIST:
      at = begin_lcaf (out, a, LISP_LCAF_AFI_LIST);
      for (guint i = 0; a->items != NULL && i < a->items->len; i++)
        lisp_address_encode (g_ptr_array_index (a->items, i), out);
      end_lcaf (out, at);
      break;
    case LISP_ADDRESS_ELP:
      at = begin_lcaf (out, a, LISP_LCAF_ELP);
      for (guint i = 0; a->items != NULL && i < a->items->len; i++)
        {
          const LispElpHop *hop = g_ptr_array_index (a->items, i);

          lisp_put_u16 (out, hop->flags);
          encode_or_none (hop->address, out);
        }
      end_lcaf (out, at);
      break;
    case LISP_ADDRESS_NAT:
      at = begin_lcaf (out, a, LISP_LCAF_NAT_TRAVERSAL);
      lisp_put_u16 (out, a->ms_port);
      lisp_put_u16 (out, a->etr_port);
      for (guint i = 0; i < 3; i++)
        {
          const LispAddress *part = i == 0 ? a->global_etr : i == 1 ? a->ms_rloc : a->private_etr;

          encode_or_none (part, out);
        }
      for (guint i = 0; a->items != NULL && i < a->items->len; i++)
        lisp_address_encode (g_ptr_array_index (a->items, i), out);
      end_lcaf (out, at);
      break;
    case LISP_ADDRESS_LCAF_OTHER:
      at = begin_lcaf (out, a, a->lcaf_type);
      if (a->raw != NULL)
        lisp_put_bytes (out, g_bytes_get_data (a->raw, NULL), g_bytes_get_size (a->raw));
      end_lcaf (out, at);
      break;
    }
}
