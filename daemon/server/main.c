#define _GNU_SOURCE  /* struct in6_pktinfo */
/* lispmn-server: the map-server and map-resolver a user runs for her mobile nodes, with a
 * [proxy] group their proxy-ETR/ITR too, and with an [rtr] group the RTR of those behind
 * NAT. The protocol work is in the map-server core (map-server.h), the RTR's (rtr.h) and
 * proxy-router.c, --show in server-show.c; this file owns the sockets, the clock and the
 * state file, and hands messages between the RTR and the map-server. */
#include "daemon-run.h"
#include "datagram-batch.h"
#include "log-limiter.h"
#include "file-replace.h"
#include "map-server.h"
#include "proxy-router.h"
#include "replay-state.h"
#include "rtr.h"
#include "server-config.h"
#include "server-show.h"
#include "udp-pktinfo.h"

#include "lisp-message.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#define DEFAULT_CONFIG SYSCONFDIR "/lispmn/lispmn-server.conf"
#define MAX_LOCAL_HOPS 4
#define STATE_INTERVAL G_USEC_PER_SEC    /* µs: the state file written at most this often */
#define RCVBUF         (4 * 1024 * 1024) /* bytes: some thousands of queued control messages */

typedef struct {
  LmnMapServer *ms;
  LmnProxyRouter *proxy;   /* NULL without [proxy] */
  LmnRtr *rtr;             /* NULL without [rtr] */
  GPtrArray    *sockets;   /* GSocket* */
  LmnRxBatch *rx;          /* what one socket's readiness brings in */
  LmnTxBatch *tx;          /* the answers, sent together at the end of each batch */
  GArray *own;             /* LmnEndpoint: our addresses (listen=, [rtr] address=) */
  guint16 port;            /* of the sockets: where our answers come from */
  const gchar  *state_file;  /* NULL: none */
  gint64 state_written;      /* µs, monotonic: when the state file was last written */
  guint state_timer;         /* the write of a change held back (state_changed), or 0 */
  const LmnLogLevels *levels;
  GMainLoop    *loop;
  const gchar *replay_file; /* the replay state (replay-state.h) */
} Server;

static gint64
now_seconds (void)
{
  return g_get_monotonic_time () / G_USEC_PER_SEC;
}

static void
write_state (Server *s)
{
  g_autofree gchar *json = NULL;
  g_autoptr(GError) error = NULL;

  if (s->state_file == NULL)
    return;
  json = lmn_map_server_to_json (s->ms, now_seconds ());
  if (s->proxy != NULL || s->rtr != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();

      if (json_parser_load_from_data (parser, json, -1, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          JsonObject *root = json_node_get_object (json_parser_get_root (parser));

          if (s->proxy != NULL)
            json_object_set_member (root, "proxy", lmn_proxy_router_to_json (s->proxy));
          if (s->rtr != NULL)
            json_object_set_member (root, "rtr", lmn_rtr_to_json (s->rtr, now_seconds ()));
          json_generator_set_root (gen, json_parser_get_root (parser));
          json_generator_set_pretty (gen, TRUE);
          g_free (json);
          json = json_generator_to_data (gen, NULL);
        }
    }
  if (!lmn_file_replace (s->state_file, json, &error))
    g_warning ("cannot write the state file: %s", error->message);
  s->state_written = g_get_monotonic_time ();
}

static gboolean
on_state_timer (gpointer user_data)
{
  Server *s = user_data;

  s->state_timer = 0;
  write_state (s);
  return G_SOURCE_REMOVE;
}

/* The state changed: written at once when the file is older than STATE_INTERVAL, else once
 * at the end of it. With thousands of registrations the file is megabytes, and writing it
 * at every Map-Register held a busy server to under a hundred of them a second; SIGUSR1
 * still writes it at once. */
static void
state_changed (Server *s)
{
  gint64 since = g_get_monotonic_time () - s->state_written;

  if (s->state_file == NULL || s->state_timer != 0)
    return;
  if (since >= STATE_INTERVAL)
    write_state (s);
  else
    s->state_timer = g_timeout_add ((guint) ((STATE_INTERVAL - since) / 1000) + 1, on_state_timer,
                                    s);
}

static GSocketAddress *
socket_address (const LmnEndpoint *e)
{
  struct sockaddr_storage native;
  socklen_t len;

  lmn_ip_bytes_to_sockaddr (e->family, e->addr, e->port, &native, &len);
  return g_socket_address_new_from_native (&native, len);
}

/* The source of a received datagram; FALSE when it is not an IP address. */
static gboolean
endpoint_from_sockaddr (const struct sockaddr *sa, LmnEndpoint *out)
{
  static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  LmnIp ip;

  memset (out, 0, sizeof *out);
  if (!lmn_ip_from_sockaddr (sa, &ip, &out->port))
    return FALSE;
  out->family = ip.family;
  memcpy (out->addr, ip.addr, sizeof out->addr);
  /* A v4-mapped source (a dual-stack socket) is an IPv4 host. */
  if (ip.family == LISP_FAMILY_IPV6 && memcmp (ip.addr, mapped, 12) == 0)
    {
      out->family = LISP_FAMILY_IPV4;
      memset (out->addr, 0, sizeof out->addr);
      memcpy (out->addr, ip.addr + 12, 4);
    }
  return TRUE;
}

/* Sends one datagram (iov) to `to` from source (NULL: the kernel's choice) through the
 * socket of its family. */
static gboolean
send_iov (Server *s, const LmnEndpoint *to, const LmnEndpoint *source, struct iovec *iov, gsize n)
{
  GSocketFamily family = (GSocketFamily) lmn_ip_family_to_af (to->family);
  struct sockaddr_storage native;
  GSocket *sock = NULL;
  LmnPktinfoBuffer control;
  struct msghdr msg = { .msg_name = &native, .msg_iov = iov, .msg_iovlen = n };

  for (guint j = 0; j < s->sockets->len && sock == NULL; j++)
    if (g_socket_get_family (g_ptr_array_index (s->sockets, j)) == family)
      sock = g_ptr_array_index (s->sockets, j);
  if (sock == NULL)
    {
      lmn_log_limited (G_LOG_LEVEL_INFO, "send-no-socket",
                       "no socket of the destination's family to send a reply");
      return FALSE;
    }
  lmn_ip_bytes_to_sockaddr (to->family, to->addr, to->port, &native, &msg.msg_namelen);
  if (source != NULL && source->family == to->family)
    lmn_pktinfo_set_source (&msg, &control, source->family, source->addr);
  if (sendmsg (g_socket_get_fd (sock), &msg, MSG_DONTWAIT) < 0)
    {
      lmn_log_limited (G_LOG_LEVEL_INFO, "send-failed", "send: %s", g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/* Queues the datagrams one input produced, to leave from the address that input was sent
 * to (local): a host with several addresses must answer from the one its clients know, or
 * they cannot match the answer to the server they asked. They go out when the batch is
 * flushed (lmn_tx_batch_flush), at the end of each batch of input. */
static void
send_all (Server *s, GPtrArray *out, const LmnEndpoint *local)
{
  for (guint i = 0; i < out->len; i++)
    {
      const LmnDatagram *d = g_ptr_array_index (out, i);
      GSocketFamily family = (GSocketFamily) lmn_ip_family_to_af (d->to.family);
      GSocket *sock = NULL;

      for (guint j = 0; j < s->sockets->len && sock == NULL; j++)
        if (g_socket_get_family (g_ptr_array_index (s->sockets, j)) == family)
          sock = g_ptr_array_index (s->sockets, j);
      if (sock == NULL)
        lmn_log_limited (G_LOG_LEVEL_INFO, "send-no-socket",
                         "no socket of the destination's family to send a reply");
      else
        lmn_tx_batch_add (s->tx, g_socket_get_fd (sock), &d->to,
                          d->local.family != 0 ? &d->local : local, d->data);
    }
}

/* The RTR's data to its nodes: from our port 4342 (rtr-dataplane.h). */
static gboolean
send_rtr_data (const LmnEndpoint *from, const LmnEndpoint *to, const guint8 *header,
               gsize header_len, const guint8 *packet, gsize len, gpointer user_data)
{
  struct iovec iov[2] = { { (void *) header, header_len }, { (void *) packet, len } };

  return send_iov (user_data, to, from, iov, 2);
}

/* The address a datagram was sent to, from its IP_PKTINFO / IPV6_PKTINFO. */
static gboolean
local_address (struct msghdr *msg, LmnEndpoint *out)
{
  LmnIp ip;

  if (!lmn_pktinfo_destination (msg, 0, &ip))
    return FALSE;
  *out = (LmnEndpoint) { .family = ip.family };
  memcpy (out->addr, ip.addr, sizeof ip.addr);
  return TRUE;
}

/* A datagram for the map-server or the RTR: an ECM with the R bit is the RTR's (a node's
 * Map-Register, a map-server's Map-Notify); with the N bit or neither, the map-server's
 * and map-resolver's. TRUE when the state changed. */
static gboolean
dispatch (Server *s, const guint8 *buf, gsize len, const LmnEndpoint *source,
          const LmnEndpoint *local, GPtrArray *out)
{
  if (s->rtr != NULL && lisp_ecm_to_rtr (buf, len))
    return lmn_rtr_handle (s->rtr, buf, len, source, local, now_seconds (), out);
  /* An RTR alone is no map-server or map-resolver: it must not answer for anything. */
  if (s->rtr != NULL && lmn_map_server_sites (s->ms)->len == 0)
    {
      lmn_rtr_count (s->rtr, LMN_RTR_DROP_UNSUPPORTED);
      return FALSE;
    }
  return lmn_map_server_handle_at (s->ms, buf, len, source, local, now_seconds (), out);
}

/* Whether e is this server: one of its own addresses at its port. */
static gboolean
is_self (const Server *s, const LmnEndpoint *e)
{
  if (e->port != s->port)
    return FALSE;
  for (guint i = 0; i < s->own->len; i++)
    if (lmn_endpoint_same_host (&g_array_index (s->own, LmnEndpoint, i), e))
      return TRUE;
  return FALSE;
}

/* Sends what one input produced. What the RTR sends to the map-server of the same process,
 * and the map-server's answer to it, are handed over in-process: through the socket they
 * would cost two more system calls each and, under a flood, could be lost to a full receive
 * buffer. A few hops at most (RTR, map-server, RTR). */
static void
deliver (Server *s, GPtrArray *out, const LmnEndpoint *local)
{
  g_autoptr(GPtrArray) remote = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_datagram_free);
  gboolean changed = FALSE;

  for (guint hop = 0; out->len > 0; hop++)
    {
      g_autoptr(GPtrArray) next = g_ptr_array_new_with_free_func (
        (GDestroyNotify) lmn_datagram_free);

      while (out->len > 0)
        {
          g_autoptr(LmnDatagram) d = g_ptr_array_steal_index (out, 0);
          LmnEndpoint from = d->local;

          from.port = s->port;
          if (hop < MAX_LOCAL_HOPS && d->local.family == d->to.family && is_self (s, &d->to))
            changed |= dispatch (s, g_bytes_get_data (d->data, NULL), g_bytes_get_size (d->data),
                                 &from, &d->to, next);
          else
            g_ptr_array_add (remote, g_steal_pointer (&d));
        }
      while (next->len > 0)
        g_ptr_array_add (out, g_ptr_array_steal_index (next, 0));
    }
  if (changed)
    state_changed (s);
  send_all (s, remote, local);
}

/* One received datagram: to the proxy, or to the RTR and the map-server. */
static void
handle_datagram (Server *s, const guint8 *buf, gsize len, struct msghdr *msg, GPtrArray *out)
{
  LmnEndpoint source, local;
  gboolean have_local;

  if (!endpoint_from_sockaddr (msg->msg_name, &source))
    return;
  have_local = local_address (msg, &local);
  local.port = s->port;
  if (s->proxy != NULL && have_local && lmn_proxy_router_wants (lisp_message_type (buf, len)))
    {
      lmn_proxy_router_handle (s->proxy, buf, len, source.family, source.addr, source.port,
                               local.addr);
      return;
    }
  if (dispatch (s, buf, len, &source, have_local ? &local : NULL, out))
    state_changed (s);
  deliver (s, out, have_local ? &local : NULL);
}

static gboolean
on_readable (GSocket *sock, GIOCondition condition, gpointer user_data)
{
  Server *s = user_data;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_datagram_free);
  /* One batch of what is queued at a time, to stay fair to the other socket. */
  gint n = lmn_rx_batch_receive (s->rx, g_socket_get_fd (sock));

  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    lmn_log_limited (G_LOG_LEVEL_INFO, "receive-failed", "receive: %s", g_strerror (errno));
  for (gint i = 0; i < n; i++)
    {
      gsize len;
      const guint8 *buf = lmn_rx_batch_data (s->rx, (guint) i, &len);

      handle_datagram (s, buf, len, lmn_rx_batch_msg (s->rx, (guint) i), out);
    }
  lmn_tx_batch_flush (s->tx);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_tick (gpointer user_data)
{
  Server *s = user_data;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_datagram_free);

  /* Expiries, and the unsolicited Map-Notifys to send again (each from the address it
   * was first sent from). */
  if (lmn_map_server_tick (s->ms, now_seconds (), out) |
      (s->rtr != NULL && lmn_rtr_tick (s->rtr, now_seconds ())))
    state_changed (s);
  deliver (s, out, NULL);
  lmn_tx_batch_flush (s->tx);
  return G_SOURCE_CONTINUE;
}

#define DEFAULT_REPLAY_STATE LOCALSTATEDIR "/lib/lispmn/lispmn-server.replay"

/* Seconds since the epoch: what the replay state's expiries survive a reboot in. */
static gint64
real_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* The replay state, when it changed: on a timer and at shutdown, never per packet. */
static void
save_replay_state (Server *s)
{
  g_autoptr(GError) error = NULL;

  if (lmn_replay_state_dirty (s->ms) &&
      !lmn_replay_state_save (s->ms, s->replay_file, now_seconds (), real_seconds (), &error))
    g_warning ("cannot write the replay state: %s", error->message);
}

static gboolean
on_replay_timer (gpointer user_data)
{
  save_replay_state (user_data);
  return G_SOURCE_CONTINUE;
}

/* The replay state of the server's earlier run: without it, a replayed old Map-Register
 * would be taken. A file that cannot be read is no reason not to serve: said loudly. */
static void
load_replay_state (Server *s)
{
  g_autoptr(GError) error = NULL;
  guint n;

  if (!lmn_replay_state_load (s->ms, s->replay_file, now_seconds (), real_seconds (), &n, &error))
    g_warning ("cannot read the replay state (old Map-Registers replayed now could be taken "
               "until each xTR registers again): %s",
               error->message);
  else
    g_info ("replay state: %u nonces and registered prefixes from %s", n, s->replay_file);
}

static gboolean
on_usr1 (gpointer user_data)
{
  write_state (user_data);
  return G_SOURCE_CONTINUE;
}

static GSocket *
open_socket (const LmnEndpoint *e, guint16 port, GError **error)
{
  LmnEndpoint bind_to = *e;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) sock = NULL;
  g_autofree gchar *text = NULL;
  GSocketFamily family = (GSocketFamily) lmn_ip_family_to_af (e->family);

  bind_to.port = port;
  address = socket_address (&bind_to);
  text = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (address));
  sock = g_socket_new (family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (sock == NULL)
    {
      g_prefix_error (error, "socket for %s: ", text);
      return NULL;
    }
  /* The IPv4 socket serves IPv4: the IPv6 one must not claim the port for both. */
  if (family == G_SOCKET_FAMILY_IPV6 &&
      !g_socket_set_option (sock, IPPROTO_IPV6, IPV6_V6ONLY, 1, error))
    {
      g_prefix_error (error, "IPV6_V6ONLY on %s: ", text);
      return NULL;
    }
  /* Where each datagram was sent to: the answers leave from that address (send_all). */
  if (!lmn_pktinfo_enable (g_socket_get_fd (sock), e->family, error))
    {
      g_prefix_error (error, "%s: ", text);
      return NULL;
    }
  /* Room for bursts (thousands of nodes refreshing at once): best effort, FORCE where we
   * are allowed to pass net.core.rmem_max, else what it allows. */
  if (setsockopt (g_socket_get_fd (sock), SOL_SOCKET, SO_RCVBUFFORCE, &(int) { RCVBUF },
                  sizeof (int)) < 0)
    setsockopt (g_socket_get_fd (sock), SOL_SOCKET, SO_RCVBUF, &(int) { RCVBUF }, sizeof (int));
  g_socket_set_blocking (sock, FALSE);
  if (!g_socket_bind (sock, address, TRUE, error))
    {
      g_prefix_error (error, "cannot listen on %s: ", text);
      return NULL;
    }
  g_info ("listening on %s", text);
  return g_steal_pointer (&sock);
}

/* The sockets on every listen= address, the proxy when there is a [proxy] group, and the
 * map-server with the configured sites (taken from config). */
static gboolean
server_start (Server *s, LmnServerConfig *config, GError **error)
{
  s->sockets = g_ptr_array_new_with_free_func (g_object_unref);
  s->rx = lmn_rx_batch_new ();
  s->tx = lmn_tx_batch_new ();
  for (guint i = 0; i < config->listen->len; i++)
    {
      GSocket *sock = open_socket (&g_array_index (config->listen, LmnEndpoint, i), config->port,
                                   error);

      if (sock == NULL)
        return FALSE;
      g_ptr_array_add (s->sockets, sock);
    }
  if (config->proxy != NULL)
    {
      s->proxy = lmn_proxy_router_new (config->proxy, config->path, s->levels->debug, error);
      if (s->proxy == NULL)
        return FALSE;
    }
  s->port = config->port;
  s->own = g_array_new (FALSE, TRUE, sizeof (LmnEndpoint));
  for (guint i = 0; i < config->listen->len; i++)
    {
      static const guint8 any[16];
      const LmnEndpoint *e = &g_array_index (config->listen, LmnEndpoint, i);

      if (memcmp (e->addr, any, sizeof any) != 0)
        g_array_append_val (s->own, *e);
    }
  if (config->rtr != NULL)
    g_array_append_vals (s->own, config->rtr->addresses->data, config->rtr->addresses->len);
  s->ms = lmn_map_server_new (g_steal_pointer (&config->sites));
  load_replay_state (s);
  lmn_map_server_set_notify_retry (s->ms, config->notify_retry);
  lmn_map_server_set_answer_limits (s->ms, config->answer_rate, config->answer_total_rate);
  lmn_map_server_set_rtrs (s->ms, config->rtrs);
  lmn_map_server_set_rtr_key (s->ms, config->rtr_key);
  if (config->rtr != NULL)
    {
      s->rtr = lmn_rtr_new (config->rtr);
      lmn_proxy_router_attach_rtr (s->proxy, s->rtr, send_rtr_data, s);
    }
  config->sites = g_ptr_array_new ();
  return TRUE;
}

/* Serves until SIGTERM or SIGINT. */
static void
server_run (Server *s)
{
  LmnDaemonSignals signals;
  guint tick, replay_timer;

  s->loop = g_main_loop_new (NULL, FALSE);
  for (guint i = 0; i < s->sockets->len; i++)
    {
      g_autoptr(GSource) source = g_socket_create_source (g_ptr_array_index (s->sockets, i),
                                                          G_IO_IN, NULL);

      g_source_set_callback (source, G_SOURCE_FUNC (on_readable), s, NULL);
      g_source_attach (source, NULL);
    }
  tick = g_timeout_add_seconds (1, on_tick, s);
  replay_timer = g_timeout_add_seconds (LMN_REPLAY_STATE_INTERVAL, on_replay_timer, s);
  lmn_daemon_signals_watch (&signals, s->loop, on_usr1, s);
  write_state (s);
  g_message ("lispmn-server %s running: %u site(s)%s%s", PACKAGE_VERSION,
             lmn_map_server_sites (s->ms)->len, s->proxy != NULL ? ", proxy-ETR/ITR" : "",
             s->rtr != NULL ? ", RTR" : "");
  g_main_loop_run (s->loop);

  lmn_daemon_signals_clear (&signals);
  g_source_remove (tick);
  g_source_remove (replay_timer);
  save_replay_state (s);
}

static void
server_clear (Server *s)
{
  if (s->state_timer != 0) /* a change not written yet */
    {
      g_clear_handle_id (&s->state_timer, g_source_remove);
      write_state (s);
    }
  g_clear_pointer (&s->tx, lmn_tx_batch_free); /* sends what is queued: before the sockets go */
  for (guint i = 0; s->sockets != NULL && i < s->sockets->len; i++)
    g_socket_close (g_ptr_array_index (s->sockets, i), NULL);
  g_clear_pointer (&s->sockets, g_ptr_array_unref);
  g_clear_pointer (&s->rx, lmn_rx_batch_free);
  g_clear_pointer (&s->proxy, lmn_proxy_router_free); /* first: its data plane calls the RTR */
  g_clear_pointer (&s->rtr, lmn_rtr_free);
  g_clear_pointer (&s->own, g_array_unref);
  g_clear_pointer (&s->ms, lmn_map_server_free);
  g_clear_pointer (&s->loop, g_main_loop_unref);
}

/* The daemon: reads the configuration, serves, and returns the exit status. */
static int
serve (const char *config_path, const char *state_file, const char *replay_file,
       const LmnLogLevels *levels)
{
  g_autoptr(LmnServerConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  Server s = { .state_file = state_file,
               .levels = levels,
               .replay_file = replay_file != NULL ? replay_file : DEFAULT_REPLAY_STATE };
  gboolean started;

  lmn_daemon_log_levels (levels);
  config = lmn_server_config_load (config_path != NULL ? config_path : DEFAULT_CONFIG, &error);
  started = config != NULL && server_start (&s, config, &error);
  if (started)
    server_run (&s);
  else
    g_printerr ("lispmn-server: %s\n", error->message);
  server_clear (&s);
  return started ? EXIT_SUCCESS : EXIT_FAILURE;
}

int
main (int argc, char **argv)
{
  g_autofree gchar *config_path = NULL;
  g_autofree gchar *show_path = NULL;
  g_autofree gchar *state_file = NULL;
  g_autofree gchar *replay_file = NULL;
  static LmnLogLevels levels;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      "Configuration file (default " DEFAULT_CONFIG ")", "FILE" },
    { "state-file", 0, 0, G_OPTION_ARG_FILENAME, &state_file,
      "Write the state as JSON to FILE on changes (at most once a second) and on SIGUSR1", "FILE" },
    { "show", 0, 0, G_OPTION_ARG_FILENAME, &show_path,
      "Print the state file FILE readably and exit", "FILE" },
    { "replay-state", 0, 0, G_OPTION_ARG_FILENAME, &replay_file,
      "Keep the last Map-Register nonces in FILE across restarts (default " DEFAULT_REPLAY_STATE
      ")",
      "FILE" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &levels.verbose, "Log informational messages", NULL },
    { NULL },
  };
  const LmnDaemonCommandLine command_line = {
    .program = "lispmn-server",
    .version = PACKAGE_VERSION,
    .parameters = "- LISP map-server, map-resolver, proxy-ETR/ITR and RTR",
    .summary = "Accepts authenticated Map-Registers for the configured sites (RFC 9301 §8),\n"
               "answers Encapsulated Map-Requests and NAT discovery's Info-Requests on UDP port\n"
               "4342; with a [proxy] group it is also the proxy-ETR and proxy-ITR of the EIDs\n"
               "listed there, and with an [rtr] group the RTR of mobile nodes behind NAT.",
    .entries = entries,
  };
  int status;

  setlocale (LC_ALL, "");
  if (!lmn_daemon_parse_args (&command_line, &argc, &argv, &status))
    return status;
  if (show_path != NULL)
    return lmn_server_show (show_path);
  levels.debug = levels.verbose; /* lispmn-server's --verbose shows debug messages too */
  return serve (config_path, state_file, replay_file, &levels);
}
