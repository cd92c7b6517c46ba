/* The TUN device against the real kernel, in a private network namespace of this test
 * process (it must run as root): creation, MTU, up/down, and packets both ways — an ICMP
 * echo written with writev is answered by the kernel, and a datagram routed into the TUN
 * is read from it. */
#define _GNU_SOURCE
#include "netlink.h"
#include "private-netns.h"
#include "tun.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>


/* An ioctl on an interface by name, through a datagram socket, as a bystander sees it. */
static struct ifreq
query (const char *name, unsigned long request)
{
  struct ifreq ifr = { 0 };
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_strlcpy (ifr.ifr_name, name, IFNAMSIZ);
  g_assert_cmpint (ioctl (fd, request, &ifr), ==, 0);
  close (fd);
  return ifr;
}

/* The kernel's received-packets counter of an interface (/proc/net/dev is per namespace). */
static guint64
rx_packets (const char *name)
{
  g_autofree gchar *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree gchar *prefix = g_strdup_printf ("%s:", name);

  g_assert_true (g_file_get_contents ("/proc/net/dev", &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i] + strspn (lines[i], " ");
      guint64 bytes, packets;

      if (g_str_has_prefix (line, prefix) &&
          sscanf (line + strlen (prefix), "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                  &bytes, &packets) == 2)
        return packets;
    }
  g_assert_not_reached ();
}

static guint16
checksum (const guint8 *data, gsize len)
{
  guint32 sum = 0;

  for (gsize i = 0; i + 1 < len; i += 2)
    sum += (guint32) (data[i] << 8 | data[i + 1]);
  if (len & 1)
    sum += (guint32) data[len - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) ~sum;
}

/* The next IPv4 packet from the TUN, skipping whatever else the kernel sends there (IPv6
 * router solicitations, MLD); fails the test after 2 s. */
static gssize
read_ipv4 (LmnTun *tun, guint8 *buf, gsize size)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  for (;;)
    {
      struct pollfd pfd = { .fd = lmn_tun_fd (tun), .events = POLLIN };
      g_autoptr(GError) error = NULL;
      gint64 left = deadline - g_get_monotonic_time ();
      gssize n;

      g_assert_cmpint (left, >, 0);
      poll (&pfd, 1, (int) (left / 1000) + 1);
      n = lmn_tun_read (tun, buf, size, &error);
      g_assert_no_error (error);
      g_assert_cmpint (n, >=, 0);
      if (n >= 20 && buf[0] >> 4 == 4)
        return n;
    }
}

static void
test_open (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnTun) tun = lmn_tun_open ("lmntun0", &error);
  g_autoptr(LmnTun) again = NULL;
  guint8 buf[64];
  int flags;

  g_assert_no_error (error);
  g_assert_cmpstr (lmn_tun_name (tun), ==, "lmntun0");
  g_assert_cmpint (lmn_tun_ifindex (tun), ==, (int) if_nametoindex ("lmntun0"));
  flags = fcntl (lmn_tun_fd (tun), F_GETFL);
  g_assert_true (flags & O_NONBLOCK);
  g_assert_true (fcntl (lmn_tun_fd (tun), F_GETFD) & FD_CLOEXEC);
  /* Nothing waiting is not an error. */
  g_assert_cmpint (lmn_tun_read (tun, buf, sizeof buf, &error), ==, 0);
  g_assert_no_error (error);

  g_assert_true (lmn_tun_set_mtu (tun, 1380, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query ("lmntun0", SIOCGIFMTU).ifr_mtu, ==, 1380);
  g_assert_false (query ("lmntun0", SIOCGIFFLAGS).ifr_flags & IFF_UP);
  g_assert_true (lmn_tun_set_up (tun, TRUE, &error));
  g_assert_true (query ("lmntun0", SIOCGIFFLAGS).ifr_flags & IFF_UP);
  g_assert_true (lmn_tun_set_up (tun, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (query ("lmntun0", SIOCGIFFLAGS).ifr_flags & IFF_UP);

  /* Errors name the device and the reason. */
  g_assert_false (lmn_tun_set_mtu (tun, 20, &error));
  g_assert_nonnull (strstr (error->message, "lmntun0"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  again = lmn_tun_open ("lmntun0", &error);   /* in use by tun */
  g_assert_null (again);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "lmntun0"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  again = lmn_tun_open ("a-name-far-too-long-for-linux", &error);
  g_assert_null (again);
  g_assert_nonnull (strstr (error->message, "longer than 15"));

  /* Closing removes the (non-persistent) device. */
  g_clear_pointer (&tun, lmn_tun_close);
  g_assert_cmpuint (if_nametoindex ("lmntun0"), ==, 0);
}

/* A TUN with the EID 192.0.2.1/32 and the route 192.0.2.128/25 through it. */
static LmnTun *
tun_with_routes (LmnNetlink **nl_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnNetlink) nl = lmn_netlink_new (NULL, NULL, &error);
  g_autoptr(LmnTun) tun = lmn_tun_open ("lmntun1", &error);
  LispPrefix eid, site;

  g_assert_no_error (error);
  g_assert_true (lmn_tun_set_mtu (tun, 1400, &error));
  g_assert_true (lmn_tun_set_up (tun, TRUE, &error));
  g_assert_true (lisp_prefix_parse ("192.0.2.1/32", &eid, NULL));
  g_assert_true (lisp_prefix_parse ("192.0.2.128/25", &site, NULL));
  g_assert_true (lmn_netlink_address (nl, lmn_tun_ifindex (tun), &eid, TRUE, &error));
  g_assert_true (lmn_netlink_route (nl, lmn_tun_ifindex (tun), &site, NULL, 50, TRUE, &error));
  g_assert_no_error (error);
  *nl_out = g_steal_pointer (&nl);
  return g_steal_pointer (&tun);
}

/* An echo request from 192.0.2.130 written in three pieces reaches the kernel, which
 * answers through the TUN. */
static void
test_writev_icmp_echo (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnNetlink) nl = NULL;
  g_autoptr(LmnTun) tun = tun_with_routes (&nl);
  guint8 iph[20] = { 0x45, 0, 0, 0, 0x12, 0x34, 0x40, 0, 64, IPPROTO_ICMP, 0, 0,
                     192, 0, 2, 130, 192, 0, 2, 1 };
  guint8 icmp[8] = { 8, 0, 0, 0, 0xab, 0xcd, 0, 1 };
  const char payload[] = "lispmn echo payload";
  struct iovec iov[3] = {
    { iph, sizeof iph }, { icmp, sizeof icmp }, { (void *) payload, sizeof payload },
  };
  guint8 all[sizeof icmp + sizeof payload];
  guint8 reply[2048];
  guint64 before = rx_packets ("lmntun1");
  guint16 sum;
  gssize n;

  iph[2] = 0;
  iph[3] = sizeof iph + sizeof icmp + sizeof payload;
  sum = checksum (iph, sizeof iph);
  iph[10] = sum >> 8;
  iph[11] = sum & 0xff;
  memcpy (all, icmp, sizeof icmp);
  memcpy (all + sizeof icmp, payload, sizeof payload);
  sum = checksum (all, sizeof all);
  icmp[2] = sum >> 8;
  icmp[3] = sum & 0xff;

  g_assert_true (lmn_tun_writev (tun, iov, G_N_ELEMENTS (iov), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rx_packets ("lmntun1"), ==, before + 1);

  n = read_ipv4 (tun, reply, sizeof reply);
  g_assert_cmpint (n, ==, 20 + sizeof icmp + sizeof payload);
  g_assert_cmpuint (reply[9], ==, IPPROTO_ICMP);
  g_assert_cmpmem (reply + 12, 4, "\xc0\x00\x02\x01", 4);   /* from the EID */
  g_assert_cmpmem (reply + 16, 4, "\xc0\x00\x02\x82", 4);   /* to 192.0.2.130 */
  g_assert_cmpuint (reply[20], ==, 0);                      /* echo reply */
  g_assert_cmpmem (reply + 24, 4, icmp + 4, 4);             /* identifier, sequence */
  g_assert_cmpmem (reply + 28, sizeof payload, payload, sizeof payload);
  g_assert_cmpuint (checksum (reply, 20), ==, 0);
  g_assert_cmpuint (checksum (reply + 20, (gsize) n - 20), ==, 0);
}

/* A datagram a local socket sends to 192.0.2.130 is read from the TUN, whole. */
static void
test_read_udp (void)
{
  g_autoptr(LmnNetlink) nl = NULL;
  g_autoptr(LmnTun) tun = tun_with_routes (&nl);
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (4341) };
  struct sockaddr_in from = { .sin_family = AF_INET, .sin_port = htons (40000) };
  guint8 buf[2048];
  gssize n;
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  inet_pton (AF_INET, "192.0.2.130", &to.sin_addr);
  inet_pton (AF_INET, "192.0.2.1", &from.sin_addr);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &from, sizeof from), ==, 0);
  g_assert_cmpint (sendto (fd, "hello", 5, 0, (struct sockaddr *) &to, sizeof to), ==, 5);
  close (fd);

  n = read_ipv4 (tun, buf, sizeof buf);
  g_assert_cmpint (n, ==, 20 + 8 + 5);
  g_assert_cmpuint (buf[9], ==, IPPROTO_UDP);
  g_assert_cmpmem (buf + 12, 4, "\xc0\x00\x02\x01", 4);
  g_assert_cmpmem (buf + 16, 4, "\xc0\x00\x02\x82", 4);
  g_assert_cmpmem (buf + 20, 4, "\x9c\x40\x10\xf5", 4);   /* ports 40000 -> 4341 */
  g_assert_cmpmem (buf + 28, 5, "hello", 5);
}

/* Without /dev/net/tun the message says what to check. Runs in a child with its own mount
 * namespace, where an empty tmpfs hides /dev/net. */
static void
test_no_tun_device (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LmnTun) tun = NULL;

      g_assert_cmpint (unshare (CLONE_NEWNS), ==, 0);
      g_assert_cmpint (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), ==, 0);
      g_assert_cmpint (mount ("tmpfs", "/dev/net", "tmpfs", 0, NULL), ==, 0);
      tun = lmn_tun_open ("lmntun2", &error);
      g_assert_null (tun);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
      g_printerr ("%s\n", error->message);
      return;
    }
  g_test_trap_subprocess (NULL, 5 * G_USEC_PER_SEC, 0);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("cannot open /dev/net/tun: *is the tun module loaded?*");
}

/* Offloads by default on a kernel that has them (this one: 6.x); off when asked, which
 * LISPMN_OFFLOAD=off in the environment does for lmn_tun_open. */
static void
test_offloads (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnTun) tun = lmn_tun_open ("lmntun3", &error);
  g_autoptr(LmnTun) plain = lmn_tun_open_full ("lmntun4", FALSE, &error);

  g_assert_no_error (error);
  g_assert_true (lmn_tun_has_offload (tun));
  g_assert_false (lmn_tun_has_offload (plain));
  g_assert_true (lmn_tun_offload_wanted ());
  g_setenv ("LISPMN_OFFLOAD", "off", TRUE);
  g_assert_false (lmn_tun_offload_wanted ());
  g_unsetenv ("LISPMN_OFFLOAD");
}

/* The packets both ways again through a TUN without offloads: the fallback path. */
static void
test_without_offloads (gconstpointer data)
{
  GTestFunc func = (GTestFunc) data;

  g_setenv ("LISPMN_OFFLOAD", "off", TRUE);
  func ();
  g_unsetenv ("LISPMN_OFFLOAD");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Everything below happens in a network namespace of our own, gone when we exit. */
  if (!lmn_test_enter_private_netns ("test-tun"))
    return 1;
  g_test_add_func ("/tun/open", test_open);
  g_test_add_func ("/tun/writev-icmp-echo", test_writev_icmp_echo);
  g_test_add_func ("/tun/read-udp", test_read_udp);
  g_test_add_func ("/tun/offloads", test_offloads);
  g_test_add_data_func ("/tun/no-offload/writev-icmp-echo", (gconstpointer) test_writev_icmp_echo,
                        test_without_offloads);
  g_test_add_data_func ("/tun/no-offload/read-udp", (gconstpointer) test_read_udp,
                        test_without_offloads);
  g_test_add_func ("/tun/no-tun-device", test_no_tun_device);
  return g_test_run ();
}
