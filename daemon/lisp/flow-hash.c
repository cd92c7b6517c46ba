#include "flow-hash.h"
#include "wire-buffer.h"

/* Protocols whose first four bytes are a 16-bit source and destination port. */
static gboolean
has_ports (guint8 proto)
{
  switch (proto)
    {
    case 6:    /* TCP */
    case 17:   /* UDP */
    case 33:   /* DCCP */
    case 132:  /* SCTP */
    case 136:  /* UDP-Lite */
      return TRUE;
    default:
      return FALSE;
    }
}

/* A multiply-xorshift mixer over 64 bits: each word is folded in with a multiplication by
 * an odd constant, and the finaliser avalanches so that flows differing only in a port's
 * low bit land far apart (the locator choice uses the high bits). */
#define MIX_K1 G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)
#define MIX_K2 G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9)
#define MIX_K3 G_GUINT64_CONSTANT (0x94d049bb133111eb)

static inline guint64
mix_in (guint64 h, guint32 word)
{
  h ^= word;
  h *= MIX_K1;
  return h ^ (h >> 29);
}

static inline guint32
mix_final (guint64 h)
{
  h ^= h >> 30;
  h *= MIX_K2;
  h ^= h >> 27;
  h *= MIX_K3;
  h ^= h >> 31;
  return (guint32) (h >> 32) ^ (guint32) h;
}

static guint64
mix_bytes (guint64 h, const guint8 *p, gsize n)
{
  gsize i;

  for (i = 0; i + 4 <= n; i += 4)
    h = mix_in (h, lisp_load_u32 (p + i));
  return h;
}

/* Hashes (src, dst, proto[, ports]). l4 points at the transport header or is NULL. */
static guint32
hash_tuple (guint8 version, const guint8 *src, const guint8 *dst, gsize addr_len,
            guint8 proto, const guint8 *l4)
{
  guint64 h = MIX_K3 ^ version;

  h = mix_bytes (h, src, addr_len);
  h = mix_bytes (h, dst, addr_len);
  h = mix_in (h, proto);
  if (l4 != NULL)
    h = mix_in (h, lisp_load_u32 (l4));
  return mix_final (h);
}

/* Fragments of one datagram hash without ports, first fragment included: only the first
 * carries them, and if it took another RLOC than the rest the receiver would reassemble
 * from two paths (reordering, loss on either path losing the datagram). */
static guint32
hash_ipv4 (const guint8 *pkt, gsize len)
{
  gsize ihl;
  guint16 frag;
  guint8 proto;
  const guint8 *l4 = NULL;

  if (len < 20)
    return 0;
  ihl = (gsize) (pkt[0] & 0x0f) * 4;
  if (ihl < 20 || ihl > len)
    return 0;
  frag = lisp_load_u16 (pkt + 6);
  proto = pkt[9];
  /* MF flag or a fragment offset: any fragment. */
  if ((frag & 0x3fff) == 0 && has_ports (proto) && len - ihl >= 4)
    l4 = pkt + ihl;
  return hash_tuple (4, pkt + 12, pkt + 16, 4, proto, l4);
}

/* Walks IPv6 extension headers from *off (the header type in *next) towards the
 * transport header. Stops at the Fragment header, taking its Next Header as the protocol:
 * what follows it is the fragmentable part, payload bytes in all but the first fragment.
 * The number of headers is bounded, so a crafted chain costs nothing; a header running
 * past len ends the walk with *next still naming an extension header (no ports). */
static void
skip_ipv6_extensions (const guint8 *pkt, gsize len, gsize *off, guint8 *next,
                      gboolean *fragment)
{
  guint hops;

  for (hops = 0; hops < 8; hops++)
    {
      gsize ext_len;

      if (len - *off < 8)  /* every extension header is at least 8 bytes */
        return;
      switch (*next)
        {
        case 0:   /* Hop-by-Hop */
        case 43:  /* Routing */
        case 60:  /* Destination Options */
          ext_len = ((gsize) pkt[*off + 1] + 1) * 8;
          break;
        case 51:  /* AH: length in 4-byte units, minus 2 */
          ext_len = ((gsize) pkt[*off + 1] + 2) * 4;
          break;
        case 44:  /* Fragment */
          *next = pkt[*off];
          *off += 8;
          *fragment = TRUE;
          return;
        default:
          return;
        }
      if (ext_len > len - *off)
        return;
      *next = pkt[*off];
      *off += ext_len;
    }
}

static guint32
hash_ipv6 (const guint8 *pkt, gsize len)
{
  guint8 next;
  gsize off = 40;
  gboolean fragment = FALSE;
  const guint8 *l4 = NULL;

  if (len < 40)
    return 0;
  next = pkt[6];
  skip_ipv6_extensions (pkt, len, &off, &next, &fragment);
  if (!fragment && has_ports (next) && len - off >= 4)
    l4 = pkt + off;
  return hash_tuple (6, pkt + 8, pkt + 24, 16, next, l4);
}

guint32
lisp_flow_hash (const guint8 *ip_packet, gsize len)
{
  if (ip_packet == NULL || len < 1)
    return 0;
  switch (ip_packet[0] >> 4)
    {
    case 4: return hash_ipv4 (ip_packet, len);
    case 6: return hash_ipv6 (ip_packet, len);
    default: return 0;
    }
}
