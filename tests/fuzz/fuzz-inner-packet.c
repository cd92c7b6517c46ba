/* Inner packets come from the TUN and out of decapsulated datagrams: any bytes. The parser
 * must stay within them, and an ICMP error built about what it accepts must be well-formed;
 * the martian check and the path-MTU decision take any packet it accepts, and a "too big"
 * never names an MTU its sender may not use (below 1280 for IPv6, 68 for IPv4). */
#include "icmp-error.h"
#include "inner-packet.h"
#include "inner-source-check.h"
#include "path-mtu.h"
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
  FUZZ_CHECK (lmn_inner_source_check (ip.family, ip.src, NULL) <= LMN_DROP_N_REASONS);
  for (guint link = 0; link <= 1500; link += 100 + size % 7)
    {
      guint tell = 0;

      if (lmn_path_mtu_check (&ip, 56, link, &tell) == LMN_PATH_MTU_TOO_BIG)
        FUZZ_CHECK (tell >= (ip.family == 6 ? 1280u : 68u) && tell < ip.length);
    }
  return 0;
}
