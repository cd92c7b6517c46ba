/* The test pcap reader (tests/common/pcap-reader.c) over arbitrary bytes: every frame's
 * payload lies inside its captured bytes, frames are numbered 1, 2, 3 ..., errors name the
 * frame, and nothing is read out of bounds. */
#include "fuzz-target.h"
#include "pcap-reader.h"

#include <string.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PcapReader) r = pcap_reader_new_from_data (data, size, "fuzz.pcap", &error);
  PcapFrame f;
  guint expected = 1;
  guint8 sum = 0;

  if (r == NULL) {
    g_assert_nonnull (error);
    return 0;
  }
  while (pcap_reader_next (r, &f, &error)) {
    g_assert_cmpuint (f.number, ==, expected);
    expected++;
    if (!f.is_udp)
      continue;
    g_assert_true (f.ip_version == 4 || f.ip_version == 6);
    g_assert_cmpuint (f.payload_len + 8, <=, f.cap_len);
    for (gsize i = 0; i < f.payload_len; i++)
      sum ^= f.payload[i];
  }
  if (error != NULL)
    g_assert_nonnull (strstr (error->message, "fuzz.pcap: frame "));
  (void) sum;
  return 0;
}
