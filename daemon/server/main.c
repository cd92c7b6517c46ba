#define _GNU_SOURCE  /* struct in6_pktinfo */
/* lispmn-server: the map-server and map-resolver a user runs for her mobile nodes, and with
 * a [proxy] group their proxy-ETR/ITR too. The protocol work is in map-server.c and
 * proxy-router.c; this file owns the sockets, the clock and the state file. */
#include "file-replace.h"
#include "map-server.h"
#include "proxy-router.h"
#include "server-config.h"
#include "udp-pktinfo.h"

#include "lisp-message.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#define DEFAULT_CONFIG SYSCONFDIR "/lispmn/lispmn-server.conf"
#define MAX_DATAGRAM 65535

typedef struct {
  LmnMapServer *ms;
  LmnProxyRouter *proxy;   /* NULL without [proxy] */
  GPtrArray    *sockets;   /* GSocket* */
  gchar        *state_file;
  GMainLoop    *loop;
} Server;

static gboolean verbose;

static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  if ((level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) && !verbose)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, NULL);
}

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
  if (s->proxy != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();

      if (json_parser_load_from_data (parser, json, -1, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          json_object_set_member (json_node_get_object (json_parser_get_root (parser)), "proxy",
                                  lmn_proxy_router_to_json (s->proxy));
          json_generator_set_root (gen, json_parser_get_root (parser));
          json_generator_set_pretty (gen, TRUE);
          g_free (json);
          json = json_generator_to_data (gen, NULL);
        }
    }
  if (!lmn_file_replace (s->state_file, json, &error))
    g_warning ("cannot write the state file: %s", error->message);
}

static GSocketAddress *
socket_address (const LmnEndpoint *e)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_bytes (
    e->addr, e->family == LISP_FAMILY_IPV4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);

  return g_inet_socket_address_new (inet, e->port);
}

static gchar *
endpoint_string (const LmnEndpoint *e)
{
  char buf[INET6_ADDRSTRLEN];

  return g_strdup (inet_ntop (e->family == LISP_FAMILY_IPV4 ? AF_INET : AF_INET6, e->addr, buf,
                              sizeof buf));
}

static gboolean
endpoint_from_socket_address (GSocketAddress *sa, LmnEndpoint *out)
{
  GInetAddress *inet;
  gsize size;

  if (!G_IS_INET_SOCKET_ADDRESS (sa))
    return FALSE;
  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (sa));
  size = g_inet_address_get_native_size (inet);
  memset (out, 0, sizeof *out);
  out->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (sa));
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    {
      const guint8 *b = g_inet_address_to_bytes (inet);
      static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

      /* A v4-mapped source (a dual-stack socket) is an IPv4 host. */
      if (memcmp (b, mapped, 12) == 0)
        {
          out->family = LISP_FAMILY_IPV4;
          memcpy (out->addr, b + 12, 4);
          return TRUE;
        }
      out->family = LISP_FAMILY_IPV6;
      memcpy (out->addr, b, 16);
      return TRUE;
    }
  out->family = LISP_FAMILY_IPV4;
  memcpy (out->addr, g_inet_address_to_bytes (inet), MIN (size, 4));
  return TRUE;
}

/* Sends out the datagrams one input produced, from the address that input was sent to
 * (local): a host with several addresses must answer from the one its clients know, or
 * they cannot match the answer to the server they asked. */
static void
send_all (Server *s, GPtrArray *out, const LmnEndpoint *local)
{
  for (guint i = 0; i < out->len; i++)
    {
      const LmnDatagram *d = g_ptr_array_index (out, i);
      GSocketFamily family = d->to.family == LISP_FAMILY_IPV4 ? G_SOCKET_FAMILY_IPV4
                                                              : G_SOCKET_FAMILY_IPV6;
      g_autoptr(GSocketAddress) to = socket_address (&d->to);
      struct sockaddr_storage native;
      GSocket *sock = NULL;
      gsize len;
      const guint8 *data = g_bytes_get_data (d->data, &len);
      LmnPktinfoBuffer control;
      struct iovec iov = { (void *) data, len };
      struct msghdr msg = { .msg_name = &native, .msg_iov = &iov, .msg_iovlen = 1 };
      const LmnEndpoint *source = d->local.family != 0 ? &d->local : local;

      for (guint j = 0; j < s->sockets->len && sock == NULL; j++)
        if (g_socket_get_family (g_ptr_array_index (s->sockets, j)) == family)
          sock = g_ptr_array_index (s->sockets, j);
      if (sock == NULL)
        {
          g_info ("no socket of the destination's family to send a reply");
          continue;
        }
      msg.msg_namelen = (socklen_t) g_socket_address_get_native_size (to);
      g_socket_address_to_native (to, &native, sizeof native, NULL);
      if (source != NULL && source->family == d->to.family)
        lmn_pktinfo_set_source (&msg, &control, source->family, source->addr);
      if (sendmsg (g_socket_get_fd (sock), &msg, MSG_DONTWAIT) < 0)
        g_info ("send: %s", g_strerror (errno));
    }
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

static gboolean
on_readable (GSocket *sock, GIOCondition condition, gpointer user_data)
{
  Server *s = user_data;
  static guint8 buf[MAX_DATAGRAM];

  /* Drain what is queued, a bounded number at a time to stay fair to the other socket. */
  for (guint n = 0; n < 64; n++)
    {
      g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_datagram_free);
      struct sockaddr_storage from = { 0 };
      LmnPktinfoBuffer control;
      struct iovec iov = { buf, sizeof buf };
      struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov,
                            .msg_iovlen = 1, .msg_control = control.buf,
                            .msg_controllen = sizeof control.buf };
      g_autoptr(GSocketAddress) from_address = NULL;
      LmnEndpoint source, local;
      gboolean have_local;
      gssize len = recvmsg (g_socket_get_fd (sock), &msg, MSG_DONTWAIT);

      if (len < 0)
        {
          if (errno != EAGAIN && errno != EWOULDBLOCK)
            g_info ("receive: %s", g_strerror (errno));
          break;
        }
      from_address = g_socket_address_new_from_native (&from, msg.msg_namelen);
      if (from_address == NULL || !endpoint_from_socket_address (from_address, &source))
        continue;
      have_local = local_address (&msg, &local);
      if (s->proxy != NULL && have_local &&
          lmn_proxy_router_wants (lisp_message_type (buf, (gsize) len)))
        {
          lmn_proxy_router_handle (s->proxy, buf, (gsize) len, source.family, source.addr,
                                   source.port, local.addr);
          continue;
        }
      if (lmn_map_server_handle_at (s->ms, buf, (gsize) len, &source, have_local ? &local : NULL,
                                    now_seconds (), out))
        write_state (s);
      send_all (s, out, have_local ? &local : NULL);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_tick (gpointer user_data)
{
  Server *s = user_data;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_datagram_free);

  /* Expiries, and the unsolicited Map-Notifys to send again (each from the address it
   * was first sent from). */
  if (lmn_map_server_tick (s->ms, now_seconds (), out))
    write_state (s);
  send_all (s, out, NULL);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_quit_signal (gpointer user_data)
{
  Server *s = user_data;

  g_message ("stopping");
  g_main_loop_quit (s->loop);
  return G_SOURCE_CONTINUE;
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
  GSocketFamily family = e->family == LISP_FAMILY_IPV4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6;

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
  if (!g_socket_set_option (sock, family == G_SOCKET_FAMILY_IPV6 ? IPPROTO_IPV6 : IPPROTO_IP,
                            family == G_SOCKET_FAMILY_IPV6 ? IPV6_RECVPKTINFO : IP_PKTINFO, 1, error))
    {
      g_prefix_error (error, "packet information on %s: ", text);
      return NULL;
    }
  g_socket_set_blocking (sock, FALSE);
  if (!g_socket_bind (sock, address, TRUE, error))
    {
      g_prefix_error (error, "cannot listen on %s: ", text);
      return NULL;
    }
  g_info ("listening on %s", text);
  return g_steal_pointer (&sock);
}

/* ---- --show ---- */

static gint64
member_int (JsonObject *o, const char *name)
{
  return json_object_has_member (o, name) ? json_object_get_int_member (o, name) : 0;
}

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
           ? json_node_get_string (n) : "?";
}

static int
show (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *counters;
  JsonArray *sites, *regs;

  if (!json_parser_load_from_file (parser, path, &error))
    {
      g_printerr ("lispmn-server: %s: %s\n", path, error->message);
      return EXIT_FAILURE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      !json_object_has_member ((root = json_node_get_object (json_parser_get_root (parser))), "sites") ||
      !json_object_has_member (root, "registrations") || !json_object_has_member (root, "counters"))
    {
      g_printerr ("lispmn-server: %s: not a lispmn-server state file\n", path);
      return EXIT_FAILURE;
    }
  sites = json_object_get_array_member (root, "sites");
  regs = json_object_get_array_member (root, "registrations");
  counters = json_object_get_object_member (root, "counters");
  if (sites == NULL || regs == NULL || counters == NULL)
    {
      g_printerr ("lispmn-server: %s: not a lispmn-server state file\n", path);
      return EXIT_FAILURE;
    }

  g_print ("Sites:\n");
  for (guint i = 0; i < json_array_get_length (sites); i++)
    {
      JsonObject *site = json_array_get_object_element (sites, i);
      JsonArray *prefixes = site != NULL ? json_object_get_array_member (site, "eid-prefixes") : NULL;

      if (site == NULL)
        continue;
      g_print ("  %s:", member_string (site, "name"));
      for (guint j = 0; prefixes != NULL && j < json_array_get_length (prefixes); j++)
        g_print (" %s", json_array_get_string_element (prefixes, j));
      g_print ("%s, proxy-reply %s\n",
               json_object_get_boolean_member_with_default (site, "accept-more-specifics", FALSE)
                 ? " (and more specifics)" : "",
               member_string (site, "proxy-reply"));
    }
  g_print ("\nRegistrations: %u\n", json_array_get_length (regs));
  for (guint i = 0; i < json_array_get_length (regs); i++)
    {
      JsonObject *reg = json_array_get_object_element (regs, i);
      JsonArray *locs = reg != NULL ? json_object_get_array_member (reg, "locators") : NULL;

      if (reg == NULL)
        continue;
      g_print ("  %s  site %s, by %s, refreshed %" G_GINT64_FORMAT " s ago, expires in %"
               G_GINT64_FORMAT " s%s\n", member_string (reg, "eid"), member_string (reg, "site"),
               member_string (reg, "registered-by"), member_int (reg, "age"),
               member_int (reg, "expires-in"),
               json_object_get_boolean_member_with_default (reg, "proxy-reply", FALSE)
                 ? ", proxy-replied" : "");
      for (guint j = 0; locs != NULL && j < json_array_get_length (locs); j++)
        {
          JsonObject *l = json_array_get_object_element (locs, j);

          if (l != NULL)
            g_print ("      locator %s  priority %" G_GINT64_FORMAT " weight %" G_GINT64_FORMAT "%s\n",
                     member_string (l, "address"), member_int (l, "priority"),
                     member_int (l, "weight"),
                     json_object_get_boolean_member_with_default (l, "reachable", TRUE)
                       ? "" : "  (down)");
        }
    }
  if (json_object_has_member (root, "proxy") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "proxy")))
    {
      JsonObject *proxy = json_object_get_object_member (root, "proxy");
      JsonArray *eids = json_object_get_array_member (proxy, "eids");
      JsonArray *rlocs = json_object_get_array_member (proxy, "rlocs");

      g_print ("\nProxy-ETR/ITR on %s for", member_string (proxy, "tun"));
      for (guint i = 0; eids != NULL && i < json_array_get_length (eids); i++)
        g_print (" %s", json_array_get_string_element (eids, i));
      g_print (", %" G_GINT64_FORMAT " mappings cached\n", member_int (proxy, "map-cache-entries"));
      for (guint i = 0; rlocs != NULL && i < json_array_get_length (rlocs); i++)
        {
          JsonObject *r = json_array_get_object_element (rlocs, i);

          if (r != NULL)
            g_print ("  RLOC %-10s %-28s %s\n", member_string (r, "interface"),
                     member_string (r, "address"), member_string (r, "state"));
        }
    }
  {
    JsonArray *pending = json_object_has_member (root, "pending-map-notifys")
                           ? json_object_get_array_member (root, "pending-map-notifys") : NULL;

    if (pending != NULL && json_array_get_length (pending) > 0)
      {
        g_print ("\nUnsolicited Map-Notifys awaiting their Map-Notify-Ack: %u\n",
                 json_array_get_length (pending));
        for (guint i = 0; i < json_array_get_length (pending); i++)
          {
            JsonObject *p = json_array_get_object_element (pending, i);

            if (p != NULL)
              g_print ("  %s to %s, nonce %s, sent %" G_GINT64_FORMAT " times, next in %"
                       G_GINT64_FORMAT " s\n", member_string (p, "eid"), member_string (p, "to"),
                       member_string (p, "nonce"), member_int (p, "sent"), member_int (p, "next-in"));
          }
      }
  }
  g_print ("\nCounters (non-zero):\n");
  {
    g_autoptr(GList) names = json_object_get_members (counters);

    for (GList *l = names; l != NULL; l = l->next)
      if (member_int (counters, l->data) != 0)
        g_print ("  %-28s %" G_GINT64_FORMAT "\n", (const char *) l->data,
                 member_int (counters, l->data));
  }
  return EXIT_SUCCESS;
}

int
main (int argc, char **argv)
{
  g_autofree gchar *config_path = NULL;
  g_autofree gchar *show_path = NULL;
  gboolean version = FALSE;
  Server s = { 0 };
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      "Configuration file (default " DEFAULT_CONFIG ")", "FILE" },
    { "state-file", 0, 0, G_OPTION_ARG_FILENAME, &s.state_file,
      "Write the state as JSON to FILE on changes and on SIGUSR1", "FILE" },
    { "show", 0, 0, G_OPTION_ARG_FILENAME, &show_path,
      "Print the state file FILE readably and exit", "FILE" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log informational messages", NULL },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- LISP map-server, map-resolver and proxy-ETR/ITR");
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnServerConfig) config = NULL;
  guint signals[3], tick;
  int status = EXIT_SUCCESS;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
    "Accepts authenticated Map-Registers for the configured sites (RFC 9301 §8) and\n"
    "answers Encapsulated Map-Requests on UDP port 4342; with a [proxy] group it is\n"
    "also the proxy-ETR and proxy-ITR of the EIDs listed there.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("lispmn-server: %s (try --help)\n", error->message);
      return EXIT_FAILURE;
    }
  if (version)
    {
      g_print ("lispmn-server %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }
  if (argc > 1)
    {
      g_printerr ("lispmn-server: unexpected argument '%s' (try --help)\n", argv[1]);
      return EXIT_FAILURE;
    }
  if (show_path != NULL)
    return show (show_path);
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);  /* the writer above does the filtering */
  g_log_set_writer_func (log_writer, NULL, NULL);

  config = lmn_server_config_load (config_path != NULL ? config_path : DEFAULT_CONFIG, &error);
  if (config == NULL)
    {
      g_printerr ("lispmn-server: %s\n", error->message);
      return EXIT_FAILURE;
    }
  s.sockets = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < config->listen->len; i++)
    {
      GSocket *sock = open_socket (&g_array_index (config->listen, LmnEndpoint, i), config->port,
                                   &error);

      if (sock == NULL)
        {
          g_printerr ("lispmn-server: %s\n", error->message);
          g_ptr_array_unref (s.sockets);
          g_free (s.state_file);
          return EXIT_FAILURE;
        }
      g_ptr_array_add (s.sockets, sock);
    }
  if (config->proxy != NULL)
    {
      const LmnServerProxyConfig *pc = config->proxy;
      g_autofree gchar *resolver = endpoint_string (&pc->map_resolver);

      g_ptr_array_add (pc->eids, NULL);
      g_ptr_array_add (pc->uplinks, NULL);
      s.proxy = lmn_proxy_router_new ((const gchar *const *) pc->eids->pdata,
                                      (const gchar *const *) pc->uplinks->pdata, pc->tun, resolver,
                                      config->path, verbose, &error);
      if (s.proxy == NULL)
        {
          g_printerr ("lispmn-server: %s\n", error->message);
          g_ptr_array_unref (s.sockets);
          g_free (s.state_file);
          return EXIT_FAILURE;
        }
    }
  s.ms = lmn_map_server_new (g_steal_pointer (&config->sites));
  lmn_map_server_set_notify_retry (s.ms, config->notify_retry);
  config->sites = g_ptr_array_new ();
  s.loop = g_main_loop_new (NULL, FALSE);
  for (guint i = 0; i < s.sockets->len; i++)
    {
      g_autoptr(GSource) source = g_socket_create_source (g_ptr_array_index (s.sockets, i),
                                                          G_IO_IN, NULL);

      g_source_set_callback (source, G_SOURCE_FUNC (on_readable), &s, NULL);
      g_source_attach (source, NULL);
    }
  tick = g_timeout_add_seconds (1, on_tick, &s);
  signals[0] = g_unix_signal_add (SIGTERM, on_quit_signal, &s);
  signals[1] = g_unix_signal_add (SIGINT, on_quit_signal, &s);
  signals[2] = g_unix_signal_add (SIGUSR1, on_usr1, &s);
  write_state (&s);
  g_message ("lispmn-server %s running: %u site(s)%s", PACKAGE_VERSION,
             lmn_map_server_sites (s.ms)->len, s.proxy != NULL ? ", proxy-ETR/ITR" : "");
  g_main_loop_run (s.loop);

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    g_source_remove (signals[i]);
  g_source_remove (tick);
  for (guint i = 0; i < s.sockets->len; i++)
    g_socket_close (g_ptr_array_index (s.sockets, i), NULL);
  g_ptr_array_unref (s.sockets);
  g_clear_pointer (&s.proxy, lmn_proxy_router_free);
  lmn_map_server_free (s.ms);
  g_main_loop_unref (s.loop);
  g_free (s.state_file);
  return status;
}
