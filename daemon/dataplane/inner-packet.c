#include "inner-packet.h"

#include "wire-buffer.h"

gboolean
lmn_inner_packet_parse (const guint8 *data, gsize len, LmnInnerPacket *out)
{
  if (len < 1)
    return FALSE;
  switch (data[0] >> 4)
    {
    case 4:
      {
        gsize ihl = (gsize) (data[0] & 0x0f) * 4;
        guint16 total;

        if (len < LMN_IPV4_HEADER_MIN || ihl < LMN_IPV4_HEADER_MIN || ihl > len)
          return FALSE;
        total = lisp_load_u16 (data + 2);
        if (total < ihl || total > len)
          return FALSE;
        *out = (LmnInnerPacket) {
          .family = 4, .src = data + 12, .dst = data + 16, .length = total,
          .ttl = data[8], .tos = data[1], .dont_fragment = (data[6] & 0x40) != 0,
        };
        return TRUE;
      }
    case 6:
      {
        gsize total;

        if (len < LMN_IPV6_HEADER)
          return FALSE;
        total = LMN_IPV6_HEADER + lisp_load_u16 (data + 4);
        /* A jumbogram (Payload Length 0) never crosses a TUN of ordinary MTU. */
        if (total > len)
          return FALSE;
        *out = (LmnInnerPacket) {
          .family = 6, .src = data + 8, .dst = data + 24, .length = total,
          .ttl = data[7], .tos = (guint8) (((data[0] & 0x0f) << 4) | (data[1] >> 4)),
          .dont_fragment = TRUE,
        };
        return TRUE;
      }
    default:
      return FALSE;
    }
}
