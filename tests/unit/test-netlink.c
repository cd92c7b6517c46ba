/* The netlink monitor and the TUN against the real kernel, in a private network namespace
 * of this test process (it must run as root): interfaces come and go, carrier and addresses
 * change, and each change must reach the callback within 100 ms. */
#define _GNU_SOURCE
#include "netlink.h"
#include "tun.h"

#include <arpa/inet.h>
#include <linux/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <errno.h>

#define DEADLINE_US (100 * 1000)

typedef struct {
  guint        calls;
  gboolean     carrier;
  int          ifindex;
  guint        n_v4, n_v6;
  gint64       last_change;
} Seen;

static Seen seen;

static void
on_changed (const LmnLinkState *state, gpointer user_data)
{
  seen.calls++;
  seen.carrier = state->carrier;
  seen.ifindex = state->ifindex;
  seen.n_v4 = seen.n_v6 = 0;
  for (guint i = 0; i < state->addresses->len; i++)
    {
      if (g_array_index (state->addresses, LmnIp, i).family == 4)
        seen.n_v4++;
      else
        seen.n_v6++;
    }
  seen.last_change = g_get_monotonic_time ();
}

static void
ip (const char *args)
{
  g_autofree gchar *cmd = g_strdup_printf ("ip %s", args);
  g_autoptr(GError) error = NULL;
  gint status;

  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_exit_status (status, NULL))
    g_error ("'%s' failed", cmd);
}

typedef gboolean (*Predicate) (void);

/* Runs the main loop until predicate holds; returns how long that took after start (µs),
 * failing the test past 2 s. */
static gint64
wait_until (Predicate predicate, gint64 start, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  while (!predicate ())
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for: %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (200);
    }
  return seen.last_change - start;
}

static gboolean carrier_up (void) { return seen.carrier; }
static gboolean carrier_down (void) { return !seen.carrier; }
static gboolean two_addresses (void) { return seen.n_v4 == 1 && seen.n_v6 == 1; }
static gboolean no_ipv4 (void) { return seen.n_v4 == 0 && seen.n_v6 == 1; }
static gboolean gone (void) { return seen.ifindex == 0 && seen.n_v4 == 0 && seen.n_v6 == 0; }
static gboolean back (void) { return seen.ifindex != 0; }

static void
test_link_events (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnNetlink) nl = lmn_netlink_new (on_changed, NULL, &error);
  gint64 start, took;

  g_assert_no_error (error);
  /* Watching an interface that does not exist yet is fine. */
  g_assert_true (lmn_netlink_watch (nl, "up1", &error));
  g_assert_cmpuint (seen.calls, ==, 1);
  g_assert_cmpint (seen.ifindex, ==, 0);

  ip ("link add up1 type veth peer name r1");
  ip ("link set r1 up");
  start = g_get_monotonic_time ();
  ip ("link set up1 up");
  took = wait_until (carrier_up, start, "carrier up");
  g_test_message ("carrier up seen after %" G_GINT64_FORMAT " us", took);
  g_assert_cmpint (seen.ifindex, >, 0);

  start = g_get_monotonic_time ();
  ip ("addr add 198.51.100.1/29 dev up1");
  ip ("addr add 2001:db8:100:1::1/64 dev up1 nodad");
  took = wait_until (two_addresses, start, "both addresses");
  g_assert_cmpint (took, <, DEADLINE_US);
  /* A link-local address is not an RLOC. */
  g_assert_cmpuint (lmn_netlink_get (nl, "up1")->addresses->len, ==, 2);

  start = g_get_monotonic_time ();
  ip ("addr del 198.51.100.1/29 dev up1");
  took = wait_until (no_ipv4, start, "IPv4 address removed");
  g_test_message ("address removal seen after %" G_GINT64_FORMAT " us", took);
  g_assert_cmpint (took, <, DEADLINE_US);

  start = g_get_monotonic_time ();
  ip ("link set r1 down");  /* the peer goes away: up1 loses its carrier */
  took = wait_until (carrier_down, start, "carrier lost");
  g_test_message ("carrier loss seen after %" G_GINT64_FORMAT " us", took);
  g_assert_cmpint (took, <, DEADLINE_US);

  ip ("link set r1 up");
  wait_until (carrier_up, g_get_monotonic_time (), "carrier back");

  start = g_get_monotonic_time ();
  ip ("link del up1");
  took = wait_until (gone, start, "interface deleted");
  g_assert_cmpint (took, <, DEADLINE_US);

  ip ("link add up1 type veth peer name r1");
  wait_until (back, g_get_monotonic_time (), "interface re-created");
  ip ("link del up1");
}

static gboolean
route_listed (const char *family, const char *needle)
{
  g_autofree gchar *out = NULL;
  g_autofree gchar *cmd = g_strdup_printf ("ip %s route show table main", family);

  g_assert_true (g_spawn_command_line_sync (cmd, &out, NULL, NULL, NULL));
  return strstr (out, needle) != NULL;
}

static void
test_tun_addresses_and_routes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnNetlink) nl = lmn_netlink_new (on_changed, NULL, &error);
  g_autoptr(LmnTun) tun = lmn_tun_open ("lmntest0", &error);
  LispPrefix eid, eid6, site, def6;
  LmnIp src = { .family = 4, .addr = { 192, 0, 2, 1 } };
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (9999) };
  guint8 buf[2048];
  gssize n = 0;
  int fd;

  g_assert_no_error (error);
  g_assert_cmpstr (lmn_tun_name (tun), ==, "lmntest0");
  g_assert_true (lmn_tun_set_mtu (tun, 1400, &error));
  g_assert_true (lmn_tun_set_up (tun, TRUE, &error));
  g_assert_true (lisp_prefix_parse ("192.0.2.1/32", &eid, NULL));
  g_assert_true (lisp_prefix_parse ("2001:db8:e1d::1/128", &eid6, NULL));
  g_assert_true (lisp_prefix_parse ("192.0.2.128/25", &site, NULL));
  g_assert_true (lisp_prefix_parse ("::/0", &def6, NULL));
  g_assert_true (lmn_netlink_address (nl, lmn_tun_ifindex (tun), &eid, TRUE, &error));
  g_assert_true (lmn_netlink_address (nl, lmn_tun_ifindex (tun), &eid6, TRUE, &error));
  /* Adding twice is not an error. */
  g_assert_true (lmn_netlink_address (nl, lmn_tun_ifindex (tun), &eid, TRUE, &error));
  g_assert_true (lmn_netlink_route (nl, lmn_tun_ifindex (tun), &site, &src, 50, TRUE, &error));
  g_assert_true (lmn_netlink_route (nl, lmn_tun_ifindex (tun), &def6, NULL, 50, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (route_listed ("-4", "192.0.2.128/25 dev lmntest0"));
  g_assert_true (route_listed ("-4", "src 192.0.2.1 metric 50"));
  g_assert_true (route_listed ("-6", "default dev lmntest0"));

  /* A datagram routed into the TUN is read from it, with our EID as its source. */
  fd = socket (AF_INET, SOCK_DGRAM, 0);
  inet_pton (AF_INET, "192.0.2.130", &to.sin_addr);
  g_assert_cmpint (sendto (fd, "hello", 5, 0, (struct sockaddr *) &to, sizeof to), ==, 5);
  close (fd);
  /* The kernel's own IPv6 messages (router solicitations, MLD) may come first. */
  for (guint i = 0; i < 200 && (n == 0 || buf[0] >> 4 != 4); i++)
    {
      n = lmn_tun_read (tun, buf, sizeof buf, &error);
      if (n == 0)
        g_usleep (1000);
    }
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 20 + 8 + 5);
  g_assert_cmpmem (buf + 12, 4, "\xc0\x00\x02\x01", 4);
  g_assert_cmpmem (buf + 16, 4, "\xc0\x00\x02\x82", 4);

  /* Removal, twice. */
  g_assert_true (lmn_netlink_route (nl, lmn_tun_ifindex (tun), &site, &src, 50, FALSE, &error));
  g_assert_true (lmn_netlink_route (nl, lmn_tun_ifindex (tun), &site, &src, 50, FALSE, &error));
  g_assert_true (lmn_netlink_address (nl, lmn_tun_ifindex (tun), &eid, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (route_listed ("-4", "192.0.2.128/25"));
}

static void
test_errors_name_the_problem (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnNetlink) nl = lmn_netlink_new (on_changed, NULL, &error);
  g_autoptr(LmnTun) tun = NULL;
  LispPrefix eid;

  g_assert_true (lisp_prefix_parse ("192.0.2.1/32", &eid, NULL));
  g_assert_false (lmn_netlink_address (nl, 9999, &eid, TRUE, &error));
  g_assert_nonnull (strstr (error->message, "192.0.2.1/32"));
  g_assert_nonnull (strstr (error->message, "9999"));
  g_clear_error (&error);
  tun = lmn_tun_open ("a-name-far-too-long-for-linux", &error);
  g_assert_null (tun);
  g_assert_nonnull (strstr (error->message, "longer than 15"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Everything below happens in a network namespace of our own, gone when we exit. */
  if (unshare (CLONE_NEWNET) != 0)
    {
      g_printerr ("test-netlink needs root and network namespaces: unshare: %s\n", g_strerror (errno));
      return 1;
    }
  ip ("link set lo up");
  g_test_add_func ("/netlink/link-events", test_link_events);
  g_test_add_func ("/netlink/tun-addresses-and-routes", test_tun_addresses_and_routes);
  g_test_add_func ("/netlink/errors", test_errors_name_the_problem);
  return g_test_run ();
}
