/* Inner packets come from the TUN and out of decapsulated datagrams: any bytes. The parser
 * must stay within them, and an ICMP error built about what it accepts must be well-formed. */
#include "icmp-error.h"
#include "inner-packet.h"
#include "fuzz-round-trip.h"
#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  LmnInnerPacket ip, err;
  guint8 out[LMN_ICMP_ERROR_MAX];
  gsize n;

  if (!lmn_inner_packet_parse (data, size, &ip))
    return 0;
  FUZZ_CHECK (ip.length <= size && (ip.family == 4 || ip.family == 6));
  for (guint kind = LMN_ICMP_UNREACHABLE; kind <= LMN_ICMP_TOO_BIG; kind++)
    {
      n = lmn_icmp_error_build (data, size, kind, 1400, out);
      FUZZ_CHECK (n <= LMN_ICMP_ERROR_MAX);
      if (n > 0)
        {
          FUZZ_CHECK (lmn_inner_packet_parse (out, n, &err));
          FUZZ_CHECK (err.family == ip.family && err.length == n);
        }
    }
  return 0;
}
