#include "inet-checksum.h"

guint32
lisp_checksum_add (guint32 sum, const guint8 *data, gsize len)
{
  gsize i;

  for (i = 0; i + 1 < len; i += 2)
    sum += (guint32) (data[i] << 8 | data[i + 1]);
  if (i < len)
    sum += (guint32) data[i] << 8;
  /* Fold early so that long buffers cannot overflow 32 bits. */
  while (sum >> 16 && sum > 0xffff0000u)
    sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}

guint16
lisp_checksum_finish (guint32 sum)
{
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) ~sum;
}

guint16
lisp_udp_checksum (guint8 family, const guint8 *src, const guint8 *dst, const guint8 *udp,
                   gsize udp_len)
{
  gsize alen = family == 4 ? 4 : 16;
  guint8 tail[8] = { 0 };
  guint32 sum = 0;
  guint16 csum;

  sum = lisp_checksum_add (sum, src, alen);
  sum = lisp_checksum_add (sum, dst, alen);
  if (family == 4)
    {
      tail[1] = 17;
      tail[2] = (udp_len >> 8) & 0xff;
      tail[3] = udp_len & 0xff;
      sum = lisp_checksum_add (sum, tail, 4);
    }
  else
    {
      tail[0] = (udp_len >> 24) & 0xff;
      tail[1] = (udp_len >> 16) & 0xff;
      tail[2] = (udp_len >> 8) & 0xff;
      tail[3] = udp_len & 0xff;
      tail[7] = 17;
      sum = lisp_checksum_add (sum, tail, 8);
    }
  sum = lisp_checksum_add (sum, udp, udp_len);
  csum = lisp_checksum_finish (sum);
  return csum == 0 ? 0xffff : csum;
}
