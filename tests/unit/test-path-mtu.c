/* The ITR's path-MTU decision (daemon/dataplane/path-mtu.c, RFC 9300 §7): packets that fit
 * go as they are; those that cannot shrink (IPv6 up to 1280 bytes, IPv4 without DF) are
 * fragmented outside; the others get "too big" with the MTU that fits, never below 1280
 * for IPv6 (which IPv6 hosts would ignore: the black hole of issue 15). */
#include "path-mtu.h"
#include "test-table.h"

typedef struct {
  const char *path;
  guint8 family;
  gsize length;
  gboolean dont_fragment;
  gsize overhead;
  guint link_mtu;
  LmnPathMtuVerdict verdict;
  guint tell_mtu; /* for LMN_PATH_MTU_TOO_BIG */
} MtuCase;

#define V4 (20 + 8 + 8) /* outer IPv4, UDP, LISP */
#define V6 (40 + 8 + 8)

static const MtuCase cases[] = {
  { "/path-mtu/fits/ipv4", 4, 1464, TRUE, V4, 1500, LMN_PATH_MTU_FITS, 0 },
  { "/path-mtu/fits/ipv6-exactly", 6, 1444, TRUE, V6, 1500, LMN_PATH_MTU_FITS, 0 },
  { "/path-mtu/fits/unknown-link-mtu", 6, 9000, TRUE, V6, 0, LMN_PATH_MTU_FITS, 0 },
  { "/path-mtu/too-big/ipv4-df", 4, 1500, TRUE, V4, 1500, LMN_PATH_MTU_TOO_BIG, 1464 },
  { "/path-mtu/too-big/ipv6-large", 6, 1500, TRUE, V6, 1500, LMN_PATH_MTU_TOO_BIG, 1444 },
  { "/path-mtu/too-big/ipv6-one-over", 6, 1445, TRUE, V6, 1500, LMN_PATH_MTU_TOO_BIG, 1444 },
  /* the case: a 1280-byte uplink would make the answer 1224 */
  { "/path-mtu/too-big/ipv6-tells-1280", 6, 1500, TRUE, V6, 1280, LMN_PATH_MTU_TOO_BIG, 1280 },
  { "/path-mtu/too-big/ipv6-1281", 6, 1281, TRUE, V6, 1280, LMN_PATH_MTU_TOO_BIG, 1280 },
  { "/path-mtu/too-big/ipv4-df-small-link", 4, 1300, TRUE, V4, 1280, LMN_PATH_MTU_TOO_BIG, 1244 },
  { "/path-mtu/fragment/ipv6-1280", 6, 1280, TRUE, V6, 1280, LMN_PATH_MTU_FRAGMENT, 0 },
  { "/path-mtu/fragment/ipv6-1280-over-ipv4", 6, 1280, TRUE, V4, 1280, LMN_PATH_MTU_FRAGMENT, 0 },
  { "/path-mtu/fragment/ipv6-small", 6, 1250, TRUE, V6, 1280, LMN_PATH_MTU_FRAGMENT, 0 },
  { "/path-mtu/fragment/ipv4-no-df", 4, 1500, FALSE, V4, 1500, LMN_PATH_MTU_FRAGMENT, 0 },
  { "/path-mtu/fragment/ipv4-no-df-large", 4, 9000, FALSE, V6, 1280, LMN_PATH_MTU_FRAGMENT, 0 },
  { "/path-mtu/fragment/ipv4-tiny-link", 4, 100, TRUE, V4, 100, LMN_PATH_MTU_FRAGMENT, 0 },
};

static void
test_verdict (gconstpointer data)
{
  const MtuCase *c = data;
  LmnInnerPacket ip = { .family = c->family,
                        .length = c->length,
                        .dont_fragment = c->family == 6 || c->dont_fragment };
  guint tell = 0;

  g_assert_cmpint (lmn_path_mtu_check (&ip, c->overhead, c->link_mtu, &tell), ==, c->verdict);
  if (c->verdict == LMN_PATH_MTU_TOO_BIG)
    {
      g_assert_cmpuint (tell, ==, c->tell_mtu);
      /* what the sender is told must fit or be fragmented, never answered again */
      ip.length = tell;
      g_assert_cmpint (lmn_path_mtu_check (&ip, c->overhead, c->link_mtu, &tell), !=,
                       LMN_PATH_MTU_TOO_BIG);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  TEST_ADD_TABLE (cases, test_verdict);
  return g_test_run ();
}
