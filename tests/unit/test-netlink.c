/* The netlink monitor and the TUN against the real kernel, in a private network namespace
 * of this test process (it must run as root): interfaces come and go, carrier and addresses
 * change, and each change must reach the callback within 100 ms. */
#define _GNU_SOURCE
#include "netlink.h"
#include "private-netns.h"
#include "tun.h"

#include <arpa/inet.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
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
static guint seen_mtu;

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
  seen_mtu = state->mtu;
  seen.last_change = g_get_monotonic_time ();
}


typedef gboolean (*Predicate) (void);

/* Runs the main loop until predicate holds; returns how long that took after start (µs),
 * failing the test past limit_s seconds. */
static gint64
wait_until_within (Predicate predicate, gint64 start, const char *what, guint limit_s)
{
  gint64 deadline = g_get_monotonic_time () + limit_s * G_USEC_PER_SEC;

  while (!predicate ())
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for: %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (200);
    }
  return seen.last_change - start;
}

static gint64
wait_until (Predicate predicate, gint64 start, const char *what)
{
  return wait_until_within (predicate, start, what, 2);
}

/* Runs the main loop for ms milliseconds: for checking that nothing is reported. */
static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (200);
    }
}

static gboolean
has_ip (const LmnLinkState *state, const char *text)
{
  LmnIp ip = { 0 };

  ip.family = strchr (text, ':') != NULL ? 6 : 4;
  g_assert_cmpint (inet_pton (ip.family == 4 ? AF_INET : AF_INET6, text, ip.addr), ==, 1);
  for (guint i = 0; i < state->addresses->len; i++)
    {
      const LmnIp *a = &g_array_index (state->addresses, LmnIp, i);

      if (a->family == ip.family && memcmp (a->addr, ip.addr, ip.family == 4 ? 4 : 16) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean carrier_up (void) { return seen.carrier; }
static gboolean carrier_down (void) { return !seen.carrier; }
static gboolean two_addresses (void) { return seen.n_v4 == 1 && seen.n_v6 == 1; }
static gboolean no_ipv4 (void) { return seen.n_v4 == 0 && seen.n_v6 == 1; }
static gboolean gone (void) { return seen.ifindex == 0 && seen.n_v4 == 0 && seen.n_v6 == 0; }
static gboolean back (void) { return seen.ifindex != 0; }
static gboolean two_ipv6 (void) { return seen.n_v6 == 2; }
static gboolean one_ipv6 (void) { return seen.n_v6 == 1; }
static gboolean mtu_1400 (void) { return seen_mtu == 1400; }

static void
test_link_events (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnNetlink) nl = lmn_netlink_new (on_changed, NULL, &error);
  gint64 start, took;
  guint calls;
  memset (&seen, 0, sizeof seen);

  g_assert_no_error (error);
  /* Watching an interface that does not exist yet is fine. */
  g_assert_true (lmn_netlink_watch (nl, "up1", &error));
  g_assert_cmpuint (seen.calls, ==, 1);
  g_assert_cmpint (seen.ifindex, ==, 0);

  lmn_test_ip ("link add up1 type veth peer name r1");
  lmn_test_ip ("link set r1 up");
  start = g_get_monotonic_time ();
  lmn_test_ip ("link set up1 up");
  took = wait_until (carrier_up, start, "carrier up");
  g_test_message ("carrier up seen after %" G_GINT64_FORMAT " us", took);
  g_assert_cmpint (took, <, DEADLINE_US);
  g_assert_cmpint (seen.ifindex, >, 0);

  /* Changes elsewhere, or none at all, are not reported. */
  spin (50);
  calls = seen.calls;
  lmn_test_ip ("link set r1 mtu 1300");
  lmn_test_ip ("addr add 203.0.113.1/24 dev r1");
  spin (100);
  g_assert_cmpuint (seen.calls, ==, calls);

  start = g_get_monotonic_time ();
  lmn_test_ip ("link set up1 mtu 1400");
  took = wait_until (mtu_1400, start, "MTU 1400");
  g_assert_cmpint (took, <, DEADLINE_US);
  g_assert_cmpuint (seen.calls, ==, calls + 1);

  start = g_get_monotonic_time ();
  lmn_test_ip ("addr add 198.51.100.1/29 dev up1");
  lmn_test_ip ("addr add 2001:db8:100:1::1/64 dev up1 nodad");
  took = wait_until (two_addresses, start, "both addresses");
  g_assert_cmpint (took, <, DEADLINE_US);
  /* A link-local address is not an RLOC. */
  g_assert_cmpuint (lmn_netlink_get (nl, "up1")->addresses->len, ==, 2);
  g_assert_true (has_ip (lmn_netlink_get (nl, "up1"), "198.51.100.1"));
  g_assert_true (has_ip (lmn_netlink_get (nl, "up1"), "2001:db8:100:1::1"));

  /* An address under duplicate address detection is not usable yet; it is once DAD is
   * through (1 s and a random delay of up to 1 s here), and that is a change. */
  lmn_test_ip ("addr add 2001:db8:100:2::1/64 dev up1");
  spin (100);
  g_assert_cmpuint (seen.n_v6, ==, 1);
  start = g_get_monotonic_time ();
  took = wait_until_within (two_ipv6, start, "address past DAD", 5);
  g_test_message ("address usable after DAD, %" G_GINT64_FORMAT " us", took);
  g_assert_true (has_ip (lmn_netlink_get (nl, "up1"), "2001:db8:100:2::1"));
  lmn_test_ip ("addr del 2001:db8:100:2::1/64 dev up1");
  wait_until (one_ipv6, g_get_monotonic_time (), "second IPv6 address removed");

  start = g_get_monotonic_time ();
  lmn_test_ip ("addr del 198.51.100.1/29 dev up1");
  took = wait_until (no_ipv4, start, "IPv4 address removed");
  g_test_message ("address removal seen after %" G_GINT64_FORMAT " us", took);
  g_assert_cmpint (took, <, DEADLINE_US);

  start = g_get_monotonic_time ();
  lmn_test_ip ("link set r1 down");  /* the peer goes away: up1 loses its carrier */
  took = wait_until (carrier_down, start, "carrier lost");
  g_test_message ("carrier loss seen after %" G_GINT64_FORMAT " us", took);
  g_assert_cmpint (took, <, DEADLINE_US);

  lmn_test_ip ("link set r1 up");
  wait_until (carrier_up, g_get_monotonic_time (), "carrier back");

  start = g_get_monotonic_time ();
  lmn_test_ip ("link del up1");
  took = wait_until (gone, start, "interface deleted");
  g_assert_cmpint (took, <, DEADLINE_US);

  lmn_test_ip ("link add up1 type veth peer name r1");
  start = g_get_monotonic_time ();
  took = wait_until (back, start, "interface re-created");
  g_assert_cmpint (took, <, DEADLINE_US);
  g_assert_false (seen.carrier);

  /* Renamed away is gone; renamed back is there again. */
  lmn_test_ip ("link set up1 name up1-old");
  wait_until (gone, g_get_monotonic_time (), "interface renamed away");
  lmn_test_ip ("link set up1-old name up1");
  wait_until (back, g_get_monotonic_time (), "interface renamed back");
  lmn_test_ip ("link del up1");
  wait_until (gone, g_get_monotonic_time (), "interface deleted again");
}

static gboolean
two_hundred_addresses (void)
{
  return seen.n_v6 == 200;
}

static gboolean
no_addresses (void)
{
  return seen.n_v6 == 0;
}

/* Runs `ip -batch` on lines. */
static void
ip_batch (const char *lines)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *cmd = NULL;
  int fd = g_file_open_tmp ("lmn-batch-XXXXXX", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, lines, -1, &error));
  cmd = g_strdup_printf ("-batch %s", path);
  lmn_test_ip (cmd);
  g_unlink (path);
}

/* Thousands of events while the loop sleeps overrun the monitor socket (ENOBUFS): the
 * monitor must notice and end up with the kernel's state, not a partial or stale one.
 * Link messages are big (statistics), so MTU changes of the unwatched peer fill the
 * buffer quickly; the addresses deleted after them must not come back from events queued
 * before the overrun. */
static void
test_overrun (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnNetlink) nl = lmn_netlink_new (on_changed, NULL, &error);
  g_autoptr(GString) lines = g_string_new (NULL);
  const LmnLinkState *state;
  gint64 start;

  g_assert_no_error (error);
  lmn_test_ip ("link add up2 type veth peer name r2");
  lmn_test_ip ("link set r2 up");
  lmn_test_ip ("link set up2 up");
  g_assert_true (lmn_netlink_watch (nl, "up2", &error));
  wait_until (carrier_up, g_get_monotonic_time (), "carrier up");

  for (guint i = 1; i <= 300; i++)
    g_string_append_printf (lines, "addr add 2001:db8:200::%u/64 dev up2 nodad\n", i);
  for (guint i = 1; i <= 1500; i++)
    g_string_append_printf (lines, "link set r2 mtu %u\n", 1280 + i % 200);
  for (guint i = 1; i <= 100; i++)
    g_string_append_printf (lines, "addr del 2001:db8:200::%u/64 dev up2\n", i);
  start = g_get_monotonic_time ();
  ip_batch (lines->str);   /* the loop does not run meanwhile: the events pile up */
  wait_until (two_hundred_addresses, start, "200 addresses");
  g_test_message ("state caught up %" G_GINT64_FORMAT " us after the batch started, "
                  "%u resyncs", seen.last_change - start, lmn_netlink_get_resyncs (nl));
  g_assert_cmpuint (lmn_netlink_get_resyncs (nl), >, 0);
  spin (100);
  state = lmn_netlink_get (nl, "up2");
  g_assert_cmpuint (state->addresses->len, ==, 200);
  g_assert_false (has_ip (state, "2001:db8:200::1"));
  g_assert_false (has_ip (state, "2001:db8:200::100"));
  g_assert_true (has_ip (state, "2001:db8:200::101"));
  g_assert_true (has_ip (state, "2001:db8:200::300"));
  g_assert_true (state->carrier);

  g_string_truncate (lines, 0);
  g_string_append (lines, "addr flush dev up2 scope global\n");
  for (guint i = 1; i <= 1500; i++)
    g_string_append_printf (lines, "link set r2 mtu %u\n", 1280 + i % 200);
  g_string_append (lines, "link set r2 down\n");
  ip_batch (lines->str);
  wait_until (no_addresses, g_get_monotonic_time (), "all addresses removed");
  wait_until (carrier_down, g_get_monotonic_time (), "carrier lost");
  g_assert_cmpuint (lmn_netlink_get_resyncs (nl), >, 1);
  lmn_test_ip ("link del up2");
}

/* The route to dst in the main table as `ip -j route` shows it, or NULL. */
static JsonObject *
find_route (const char *family, const char *dst)
{
  g_autofree gchar *out = NULL;
  g_autofree gchar *cmd = g_strdup_printf ("ip -j %s route show table main", family);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *routes;

  g_assert_true (g_spawn_command_line_sync (cmd, &out, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  routes = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (routes); i++)
    {
      JsonObject *route = json_array_get_object_element (routes, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (route, "dst", ""), dst) == 0)
        return json_object_ref (route);
    }
  return NULL;
}

static void
assert_route (const char *family, const char *dst, const char *dev, const char *prefsrc,
              gint64 metric)
{
  g_autoptr(JsonObject) route = find_route (family, dst);

  g_assert_nonnull (route);
  g_assert_cmpstr (json_object_get_string_member_with_default (route, "dev", ""), ==, dev);
  g_assert_cmpstr (json_object_get_string_member_with_default (route, "protocol", ""), ==, "static");
  g_assert_cmpint (json_object_get_int_member_with_default (route, "metric", -1), ==, metric);
  g_assert_cmpstr (json_object_get_string_member_with_default (route, "prefsrc", NULL), ==, prefsrc);
}

static gboolean
no_addresses_on_tun (void)
{
  return seen.n_v4 == 0 && seen.n_v6 == 0;
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
  memset (&seen, 0, sizeof seen);

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
  assert_route ("-4", "192.0.2.128/25", "lmntest0", "192.0.2.1", 50);
  assert_route ("-6", "default", "lmntest0", NULL, 50);
  /* Adding again replaces the route with the same destination and metric (the metric is
   * part of a route's identity: another metric would add a second route). */
  g_assert_true (lmn_netlink_route (nl, lmn_tun_ifindex (tun), &site, NULL, 50, TRUE, &error));
  g_assert_no_error (error);
  assert_route ("-4", "192.0.2.128/25", "lmntest0", NULL, 50);
  g_assert_true (lmn_netlink_route (nl, lmn_tun_ifindex (tun), &site, &src, 50, TRUE, &error));
  g_assert_no_error (error);
  assert_route ("-4", "192.0.2.128/25", "lmntest0", "192.0.2.1", 50);

  /* Our own monitor sees the TUN up and both EIDs usable at once (IPv6 without DAD). */
  g_assert_true (lmn_netlink_watch (nl, "lmntest0", &error));
  g_assert_no_error (error);
  g_assert_true (lmn_netlink_get (nl, "lmntest0")->carrier);
  g_assert_cmpuint (lmn_netlink_get (nl, "lmntest0")->mtu, ==, 1400);
  g_assert_true (has_ip (lmn_netlink_get (nl, "lmntest0"), "192.0.2.1"));
  g_assert_true (has_ip (lmn_netlink_get (nl, "lmntest0"), "2001:db8:e1d::1"));

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
  g_assert_true (lmn_netlink_route (nl, lmn_tun_ifindex (tun), &def6, NULL, 50, FALSE, &error));
  g_assert_true (lmn_netlink_address (nl, lmn_tun_ifindex (tun), &eid, FALSE, &error));
  g_assert_true (lmn_netlink_address (nl, lmn_tun_ifindex (tun), &eid, FALSE, &error));
  g_assert_true (lmn_netlink_address (nl, lmn_tun_ifindex (tun), &eid6, FALSE, &error));
  g_assert_no_error (error);
  g_assert_null (find_route ("-4", "192.0.2.128/25"));
  g_assert_null (find_route ("-6", "default"));
  wait_until (no_addresses_on_tun, g_get_monotonic_time (), "EIDs removed");
  g_assert_cmpuint (lmn_netlink_get (nl, "lmntest0")->addresses->len, ==, 0);
}

static void
test_errors_name_the_problem (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnNetlink) nl = lmn_netlink_new (on_changed, NULL, &error);
  g_autoptr(LmnTun) tun = NULL;
  LispPrefix eid;
  memset (&seen, 0, sizeof seen);

  g_assert_true (lisp_prefix_parse ("192.0.2.1/32", &eid, NULL));
  g_assert_false (lmn_netlink_address (nl, 9999, &eid, TRUE, &error));
  g_assert_nonnull (strstr (error->message, "192.0.2.1/32"));
  g_assert_nonnull (strstr (error->message, "index 9999 (no such interface)"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (lmn_netlink_route (nl, 9999, &eid, NULL, 50, TRUE, &error));
  g_assert_nonnull (strstr (error->message, "route 192.0.2.1/32"));
  g_assert_nonnull (strstr (error->message, "index 9999"));
  g_test_message ("%s", error->message);
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
  if (!lmn_test_enter_private_netns ("test-netlink"))
    return 1;
  g_test_add_func ("/netlink/link-events", test_link_events);
  g_test_add_func ("/netlink/tun-addresses-and-routes", test_tun_addresses_and_routes);
  g_test_add_func ("/netlink/overrun", test_overrun);
  g_test_add_func ("/netlink/errors", test_errors_name_the_problem);
  return g_test_run ();
}
