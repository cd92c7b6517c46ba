/* Re-coalescing decapsulated TCP segments into super-packets for the TUN
 * (gro-coalescer.h). */
#include "gro-coalescer.h"

#include "inet-checksum.h"
#include "wire-buffer.h"

#include <string.h>

#define TCP_PSH  0x08
#define TCP_ACK  0x10
#define OPEN_MAX 32 /* flows with a super-packet open at once */

/* What a packet that may be coalesced looks like. */
typedef struct {
  guint8 family;
  gsize l4, hl, payload;
  guint32 seq;
  guint16 id;
  gboolean psh;
} TcpView;

typedef struct {
  const guint8 *data;
  gsize len;
  gint next;
} Member;

typedef struct {
  const guint8 *first;
  gsize first_len;
  TcpView v; /* of the first packet; v.hl == 0: passed on as it came */
  guint32 next_seq;
  guint16 next_id;
  gsize total; /* bytes of the super-packet */
  guint n;
  gint head, tail; /* the members after the first */
  gboolean psh;
} Item;

struct _LmnGro {
  Item items[LMN_GRO_PACKETS];
  guint n_items;
  Member members[LMN_GRO_PACKETS];
  guint n_members;
  guint open[OPEN_MAX]; /* items still taking segments */
  guint n_open;
};

LmnGro *
lmn_gro_new (void)
{
  return g_new0 (LmnGro, 1);
}

void
lmn_gro_free (LmnGro *gro)
{
  g_free (gro);
}

void
lmn_gro_reset (LmnGro *gro)
{
  gro->n_items = gro->n_members = gro->n_open = 0;
}

guint
lmn_gro_n_outputs (const LmnGro *gro)
{
  return gro->n_items;
}

static guint32
pseudo_sum (guint8 family, const guint8 *packet, gsize tcp_len)
{
  guint8 tail[4] = { 0, 0, 0, 6 };
  guint32 sum = lisp_checksum_add (0, family == 4 ? packet + 12 : packet + 8, family == 4 ? 8 : 32);

  return lisp_checksum_add (sum + (guint32) tcp_len, tail, 4);
}

/* The IP part of the view: no options, no fragment, TCP, the length the packet has. */
static gboolean
view_ip (const guint8 *p, gsize len, TcpView *v)
{
  if (len < 40)
    return FALSE;
  v->family = p[0] >> 4;
  if (v->family == 4)
    {
      v->id = lisp_load_u16 (p + 4);
      v->l4 = 20;
      return p[0] == 0x45 && p[9] == 6 && (lisp_load_u16 (p + 6) & 0x3fff) == 0 &&
             lisp_load_u16 (p + 2) == len;
    }
  v->l4 = 40;
  return v->family == 6 && p[6] == 6 && lisp_load_u16 (p + 4) + 40u == len && len >= 60;
}

static gboolean
view_packet (const guint8 *p, gsize len, TcpView *v)
{
  const guint8 *tcp;
  gsize doff;

  if (!view_ip (p, len, v))
    return FALSE;
  tcp = p + v->l4;
  doff = (gsize) (tcp[12] >> 4) * 4;
  if (doff < 20 || v->l4 + doff >= len || (tcp[13] & ~TCP_PSH) != TCP_ACK)
    return FALSE;
  v->hl = v->l4 + doff;
  v->payload = len - v->hl;
  v->seq = lisp_load_u32 (tcp + 4);
  v->psh = (tcp[13] & TCP_PSH) != 0;
  /* The kernel takes a partial checksum on trust: check the one we have. */
  return lisp_checksum_finish (
           lmn_checksum_add_fast (pseudo_sum (v->family, p, len - v->l4), tcp, len - v->l4)) == 0;
}

/* Same flow: addresses and ports. */
static gboolean
same_flow (const Item *it, const guint8 *p, const TcpView *v)
{
  const guint8 *a = it->first;

  if (it->v.family != v->family)
    return FALSE;
  if (v->family == 4)
    return memcmp (a + 12, p + 12, 8) == 0 && memcmp (a + 20, p + 20, 4) == 0;
  return memcmp (a + 8, p + 8, 32) == 0 && memcmp (a + 40, p + 40, 4) == 0;
}

/* Whether p is exactly the next segment of the open super-packet it. */
static gboolean
can_join (const Item *it, const guint8 *p, const TcpView *v)
{
  const guint8 *a = it->first, *ta = a + it->v.l4, *tb = p + v->l4;

  if (v->hl != it->v.hl || v->seq != it->next_seq || v->payload > it->v.payload ||
      it->total + v->payload > G_MAXUINT16 || it->n >= LMN_GRO_SEGMENTS)
    return FALSE;
  if (v->family == 4 && (v->id != it->next_id || a[1] != p[1] || a[6] != p[6] || a[8] != p[8]))
    return FALSE;
  if (v->family == 6 && (memcmp (a, p, 4) != 0 || a[7] != p[7]))
    return FALSE;
  /* Acknowledgement, header length, window; the options. */
  return memcmp (ta + 8, tb + 8, 5) == 0 && memcmp (ta + 14, tb + 14, 2) == 0 &&
         memcmp (ta + 20, tb + 20, v->hl - v->l4 - 20) == 0;
}

static void
close_open (LmnGro *gro, guint k)
{
  gro->open[k] = gro->open[--gro->n_open];
}

/* A packet that cannot join anything (not TCP, other flags, a bad checksum) may still
 * belong to an open flow: what is open between the same hosts goes first, as it is. */
static void
close_same_hosts (LmnGro *gro, const guint8 *p, gsize len)
{
  guint8 family = len > 0 ? p[0] >> 4 : 0;
  gsize off = family == 4 ? 12 : 8, n = family == 4 ? 8 : 32;
  gboolean known = (family == 4 || family == 6) && len >= off + n;

  /* Backwards: closing moves the last open one into the place of the closed one. */
  for (guint k = gro->n_open; k-- > 0;)
    {
      const guint8 *a = gro->items[gro->open[k]].first;

      if (!known || ((a[0] >> 4) == family && memcmp (a + off, p + off, n) == 0))
        close_open (gro, k);
    }
}

static void
join (LmnGro *gro, guint k, const guint8 *p, const TcpView *v)
{
  Item *it = &gro->items[gro->open[k]];
  gint m = (gint) gro->n_members++;

  gro->members[m] = (Member) { p + v->hl, v->payload, -1 };
  if (it->tail >= 0)
    gro->members[it->tail].next = m;
  else
    it->head = m;
  it->tail = m;
  it->n++;
  it->total += v->payload;
  it->next_seq += (guint32) v->payload;
  it->next_id++;
  /* PSH, or a short segment, ends what the sender sent as one. */
  if (v->psh || v->payload < it->v.payload)
    {
      it->psh = v->psh;
      close_open (gro, k);
    }
}

static void
start_item (LmnGro *gro, const guint8 *p, gsize len, const TcpView *v)
{
  Item *it = &gro->items[gro->n_items];

  *it = (Item) { .first = p, .first_len = len, .n = 1, .head = -1, .tail = -1, .total = len };
  if (v == NULL)
    {
      gro->n_items++;
      return;
    }
  it->v = *v;
  it->next_seq = v->seq + (guint32) v->payload;
  it->next_id = (guint16) (v->id + 1);
  it->psh = v->psh;
  if (!v->psh)
    {
      if (gro->n_open == OPEN_MAX)
        close_open (gro, 0);
      gro->open[gro->n_open++] = gro->n_items;
    }
  gro->n_items++;
}

gboolean
lmn_gro_add (LmnGro *gro, const guint8 *packet, gsize len)
{
  TcpView v;

  if (gro->n_items == LMN_GRO_PACKETS)
    return FALSE;
  if (!view_packet (packet, len, &v))
    {
      close_same_hosts (gro, packet, len);
      start_item (gro, packet, len, NULL);
      return TRUE;
    }
  for (guint k = 0; k < gro->n_open; k++)
    {
      const Item *it = &gro->items[gro->open[k]];

      if (!same_flow (it, packet, &v))
        continue;
      if (can_join (it, packet, &v))
        {
          join (gro, k, packet, &v);
          return TRUE;
        }
      /* Out of order, or different: what is open goes as it is, in order. */
      close_open (gro, k);
      break;
    }
  start_item (gro, packet, len, &v);
  return TRUE;
}

/* The headers of a super-packet: its lengths, PSH from its last segment, and the partial
 * checksum the kernel finishes: the pseudo-header's sum, not inverted. */
static void
build_header (const Item *it, guint8 *hdr)
{
  gsize tcp_len = it->total - it->v.l4;
  guint32 sum;

  memcpy (hdr, it->first, it->v.hl);
  if (it->v.family == 4)
    {
      hdr[2] = (guint8) (it->total >> 8), hdr[3] = (guint8) it->total;
      hdr[10] = hdr[11] = 0;
      sum = lisp_checksum_finish (lisp_checksum_add (0, hdr, 20));
      hdr[10] = (guint8) (sum >> 8), hdr[11] = (guint8) sum;
    }
  else
    hdr[4] = (guint8) ((it->total - 40) >> 8), hdr[5] = (guint8) (it->total - 40);
  if (it->psh)
    hdr[it->v.l4 + 13] |= TCP_PSH;
  sum = pseudo_sum (it->v.family, hdr, tcp_len);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  hdr[it->v.l4 + 16] = (guint8) (sum >> 8);
  hdr[it->v.l4 + 17] = (guint8) sum;
}

guint
lmn_gro_output (const LmnGro *gro, guint i, LmnVnetHdr *vnet, guint8 *hdr, struct iovec *iov,
                guint *n_packets, gsize *bytes)
{
  const Item *it = &gro->items[i];
  guint n_iov = 2;

  memset (vnet, 0, sizeof *vnet);
  *n_packets = it->n;
  /* The packets' own lengths, as if each had been written alone. */
  *bytes = it->total + (it->n - 1) * it->v.hl;
  if (it->n == 1)
    {
      iov[0].iov_base = (void *) it->first;
      iov[0].iov_len = it->first_len;
      return 1;
    }
  build_header (it, hdr);
  *vnet = (LmnVnetHdr) { .flags = LMN_VNET_F_NEEDS_CSUM,
                         .gso_type = it->v.family == 4 ? LMN_VNET_GSO_TCPV4 : LMN_VNET_GSO_TCPV6,
                         .hdr_len = (guint16) it->v.hl,
                         .gso_size = (guint16) it->v.payload,
                         .csum_start = (guint16) it->v.l4,
                         .csum_offset = 16 };
  iov[0].iov_base = hdr;
  iov[0].iov_len = it->v.hl;
  iov[1].iov_base = (void *) (it->first + it->v.hl);
  iov[1].iov_len = it->first_len - it->v.hl;
  for (gint m = it->head; m >= 0; m = gro->members[m].next)
    {
      iov[n_iov].iov_base = (void *) gro->members[m].data;
      iov[n_iov++].iov_len = gro->members[m].len;
    }
  return n_iov;
}
