#include "lisp-prefix.h"
#include "lisp-error.h"
#include "addr-bits.h"

#include <arpa/inet.h>
#include <string.h>

static guint
family_max_len (guint8 family)
{
  switch (family)
    {
    case LISP_FAMILY_IPV4: return 32;
    case LISP_FAMILY_IPV6: return 128;
    default: return 0;
    }
}

gboolean
lisp_prefix_init (LispPrefix *p, guint32 iid, guint8 family, const guint8 *addr, guint8 len)
{
  g_return_val_if_fail (p != NULL, FALSE);
  g_return_val_if_fail (addr != NULL, FALSE);

  if (family != LISP_FAMILY_IPV4 && family != LISP_FAMILY_IPV6)
    return FALSE;
  if (len > family_max_len (family))
    return FALSE;

  memset (p, 0, sizeof *p);
  p->iid = iid;
  p->family = family;
  p->len = len;
  memcpy (p->addr, addr, family == LISP_FAMILY_IPV4 ? 4 : 16);
  lisp_addr_clear_from (p->addr, len);
  return TRUE;
}

/* A decimal number of 1..max_digits ASCII digits, nothing else: strtoul would accept
 * signs, spaces and hex, which have no place in a prefix. */
static gboolean
parse_decimal (const char *s, guint max_digits, guint64 *out)
{
  guint64 v = 0;
  guint n = 0;

  for (; *s != '\0'; s++, n++)
    {
      if (!g_ascii_isdigit (*s) || n >= max_digits)
        return FALSE;
      v = v * 10 + (guint64) (*s - '0');
    }
  if (n == 0)
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
lisp_prefix_parse (const char *text, LispPrefix *p, GError **error)
{
  const char *rest = text;
  const char *slash;
  guint32 iid = 0;
  guint8 family;
  guint8 addr[16] = { 0 };
  guint max_len;
  guint64 len;
  g_autofree gchar *addr_text = NULL;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (p != NULL, FALSE);

  if (*rest == '[')
    {
      const char *close = strchr (rest, ']');
      g_autofree gchar *iid_text = NULL;
      guint64 v;

      if (close == NULL)
        {
          g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                       "bad EID prefix “%s”: instance ID has no closing ‘]’", text);
          return FALSE;
        }
      iid_text = g_strndup (rest + 1, close - rest - 1);
      if (!parse_decimal (iid_text, 10, &v) || v > G_MAXUINT32)
        {
          g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                       "bad EID prefix “%s”: instance ID “%s” is not a number 0..%u",
                       text, iid_text, G_MAXUINT32);
          return FALSE;
        }
      iid = (guint32) v;
      rest = close + 1;
    }

  slash = strchr (rest, '/');
  addr_text = slash != NULL ? g_strndup (rest, slash - rest) : g_strdup (rest);

  /* inet_pton is strict (dotted quad only for IPv4), which is what a config file wants. */
  if (strchr (addr_text, ':') != NULL)
    {
      family = LISP_FAMILY_IPV6;
      if (inet_pton (AF_INET6, addr_text, addr) != 1)
        {
          g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                       "bad EID prefix “%s”: “%s” is not an IPv6 address", text, addr_text);
          return FALSE;
        }
    }
  else
    {
      family = LISP_FAMILY_IPV4;
      if (inet_pton (AF_INET, addr_text, addr) != 1)
        {
          g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                       "bad EID prefix “%s”: “%s” is not an IPv4 address", text, addr_text);
          return FALSE;
        }
    }

  max_len = family_max_len (family);
  if (slash == NULL)
    len = max_len;
  else if (!parse_decimal (slash + 1, 3, &len) || len > max_len)
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "bad EID prefix “%s”: length “%s” is not 0..%u", text, slash + 1, max_len);
      return FALSE;
    }

  /* Host bits past the length are cleared rather than refused ("192.0.2.1/24" is the
   * 192.0.2.0/24 prefix), matching lisp_prefix_init. */
  return lisp_prefix_init (p, iid, family, addr, (guint8) len);
}

gchar *
lisp_prefix_to_string (const LispPrefix *p)
{
  char buf[INET6_ADDRSTRLEN];

  g_return_val_if_fail (p != NULL, NULL);

  if (p->family != LISP_FAMILY_IPV4 && p->family != LISP_FAMILY_IPV6)
    return g_strdup_printf ("(family %u)/%u", p->family, p->len);
  inet_ntop (p->family == LISP_FAMILY_IPV4 ? AF_INET : AF_INET6, p->addr, buf, sizeof buf);
  if (p->iid != 0)
    return g_strdup_printf ("[%u]%s/%u", p->iid, buf, p->len);
  return g_strdup_printf ("%s/%u", buf, p->len);
}

gboolean
lisp_prefix_from_address (const LispAddress *eid, guint8 mask_len, LispPrefix *p,
                          GError **error)
{
  const LispAddress *ip = eid;
  guint32 iid = 0;
  guint8 family;

  g_return_val_if_fail (eid != NULL, FALSE);
  g_return_val_if_fail (p != NULL, FALSE);

  if (eid->kind == LISP_ADDRESS_INSTANCE_ID)
    {
      if (eid->inner == NULL)
        {
          g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                       "EID: Instance-ID LCAF %u wraps no address", eid->iid);
          return FALSE;
        }
      iid = eid->iid;
      ip = eid->inner;
    }

  switch (ip->kind)
    {
    case LISP_ADDRESS_IPV4:
      family = LISP_FAMILY_IPV4;
      break;
    case LISP_ADDRESS_IPV6:
      family = LISP_FAMILY_IPV6;
      break;
    default:
      g_set_error (error, LISP_ERROR, LISP_ERROR_UNSUPPORTED,
                   "EID: address kind %d%s is not an IPv4 or IPv6 EID", ip->kind,
                   ip != eid ? " inside an Instance-ID LCAF" : "");
      return FALSE;
    }

  if (mask_len > family_max_len (family))
    {
      g_set_error (error, LISP_ERROR, LISP_ERROR_INVALID,
                   "EID mask length %u is longer than %u for %s", mask_len,
                   family_max_len (family), family == LISP_FAMILY_IPV4 ? "IPv4" : "IPv6");
      return FALSE;
    }
  return lisp_prefix_init (p, iid, family, ip->bytes, mask_len);
}

gboolean
lisp_prefix_equal (const LispPrefix *a, const LispPrefix *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->iid == b->iid && a->family == b->family && a->len == b->len &&
         memcmp (a->addr, b->addr, sizeof a->addr) == 0;
}

gboolean
lisp_prefix_contains (const LispPrefix *p, guint32 iid, guint8 family, const guint8 *addr)
{
  g_return_val_if_fail (p != NULL && addr != NULL, FALSE);

  if (p->iid != iid || p->family != family)
    return FALSE;
  return lisp_addr_match (p->addr, addr, p->len);
}
