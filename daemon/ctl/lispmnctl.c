/* lispmnctl: what lispmnd is doing, for people and (with --json) for scripts, over the
 * daemon's D-Bus API. */
#include "ctl-output.h"
#include "lmn-dbus-error.h"
#include "lmn-dbus-generated.h"
#include "lmn-dbus-names.h"

#include <arpa/inet.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

/* Exit codes (documented in lispmnctl(1)). */
enum {
  EXIT_OK = 0,
  EXIT_ERROR = 1,       /* the daemon is not running, or a call failed */
  EXIT_USAGE = 2,       /* wrong command or options */
  EXIT_NO_ANSWER = 3,   /* lig: no map-resolver answered */
};

/* Longer than the daemon's lookup takes at most (7 s, three tries). */
#define LOOKUP_CALL_TIMEOUT_MS 20000

static gboolean opt_json;

static void
print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree gchar *text = NULL;

  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, !g_str_equal (g_getenv ("LISPMNCTL_COMPACT") ?: "", "1"));
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

static void
print_list_line (const char *label, const gchar *const *items)
{
  g_autofree gchar *joined = items != NULL && items[0] != NULL ? g_strjoinv (", ", (gchar **) items)
                                                                : g_strdup ("none");

  g_print ("%-15s %s\n", label, joined);
}

/* Drops that are no fault: the kernel's own link-local and multicast traffic (IPv6
 * neighbour discovery, MLD) seen on the TUN, which never leaves the link. */
static gboolean
normal_drop (const char *reason)
{
  return g_str_equal (reason, "local-scope");
}

static void
print_counters (GVariant *counters)
{
  guint64 tx = 0, txb = 0, rx = 0, rxb = 0, drops = 0, local = 0;
  g_autoptr(GString) reasons = g_string_new (NULL);
  GVariantIter iter;
  const char *key;
  guint64 value;

  if (counters == NULL)
    return;
  g_variant_lookup (counters, "tx-packets", "t", &tx);
  g_variant_lookup (counters, "tx-bytes", "t", &txb);
  g_variant_lookup (counters, "rx-packets", "t", &rx);
  g_variant_lookup (counters, "rx-bytes", "t", &rxb);
  g_variant_iter_init (&iter, counters);
  while (g_variant_iter_next (&iter, "{&st}", &key, &value))
    if (g_str_has_prefix (key, "drops.") && value > 0)
      {
        if (normal_drop (key + 6))
          {
            local += value;
            continue;
          }
        drops += value;
        g_string_append_printf (reasons, "%s%s %" G_GUINT64_FORMAT, reasons->len ? ", " : "",
                                key + 6, value);
      }
  {
    g_autofree gchar *txs = g_format_size (txb), *rxs = g_format_size (rxb);

    g_print ("%-15s sent %" G_GUINT64_FORMAT " packets (%s), received %" G_GUINT64_FORMAT
             " packets (%s)\n", "Traffic:", tx, txs, rx, rxs);
  }
  g_print ("%-15s %" G_GUINT64_FORMAT "%s%s%s\n", "Dropped:", drops, reasons->len ? " (" : "",
           reasons->str, reasons->len ? ")" : "");
  if (local > 0)
    g_print ("%-15s %" G_GUINT64_FORMAT " link-local or multicast packets kept on the link "
             "(normal)\n",
             "Not sent:", local);
}

/* The JSON of a property: the D-Bus value, except that times are "seconds ago" as in the
 * state file (last-map-notify, null when never). */
static JsonNode *
property_json (const char *name, GVariant *value)
{
  JsonNode *node = json_gvariant_serialize (value);
  g_autoptr(GPtrArray) servers = NULL;
  JsonArray *array;

  if (!g_str_equal (name, "MapServers") || !JSON_NODE_HOLDS_ARRAY (node))
    return node;
  servers = lmn_ctl_dict_array (value);
  array = json_node_get_array (node);
  for (guint i = 0; i < servers->len && i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      gint64 ago = lmn_ctl_seconds_since_notify (g_ptr_array_index (servers, i));

      if (ago >= 0)
        json_object_set_int_member (o, "last-map-notify", ago);
      else
        json_object_set_null_member (o, "last-map-notify");
    }
  return node;
}

/* The D-Bus property names and their keys in JSON, which are spelt like every other key
 * (the state file's, the dictionaries' inside): lower case with dashes. */
static const struct {
  const char *property;
  const char *json;
} json_names[] = {
  { "State", "state" },
  { "Eids", "eids" },
  { "Rlocs", "rlocs" },
  { "MapServers", "map-servers" },
  { "MapResolvers", "map-resolvers" },
  { "ProxyEtrs", "proxy-etrs" },
  { "Counters", "counters" },
};

static const char *
json_name (const char *property)
{
  for (guint i = 0; i < G_N_ELEMENTS (json_names); i++)
    if (g_str_equal (json_names[i].property, property))
      return json_names[i].json;
  return property;
}

/* Every property, as one JSON object. */
static JsonNode *
properties_json (LmnDbusMobileNode1 *proxy)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (json_names); i++)
    {
      const char *name = json_names[i].property;
      g_autoptr(GVariant) v = g_dbus_proxy_get_cached_property (G_DBUS_PROXY (proxy), name);

      json_builder_set_member_name (b, json_names[i].json);
      json_builder_add_value (b,
                              v != NULL ? property_json (name, v) : json_node_new (JSON_NODE_NULL));
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static int
cmd_status (LmnDbusMobileNode1 *proxy, const char *arg)
{
  if (opt_json)
    {
      g_autoptr(JsonNode) node = properties_json (proxy);

      print_json (node);
      return EXIT_OK;
    }
  g_print ("%-15s %s\n", "State:", lmn_dbus_mobile_node1_get_state (proxy));
  print_list_line ("EIDs:", lmn_dbus_mobile_node1_get_eids (proxy));
  g_print ("RLOCs:\n");
  lmn_ctl_print_rlocs (lmn_dbus_mobile_node1_get_rlocs (proxy), "  ");
  g_print ("Map-servers:\n");
  lmn_ctl_print_map_servers (lmn_dbus_mobile_node1_get_map_servers (proxy), "  ");
  print_list_line ("Map-resolvers:", lmn_dbus_mobile_node1_get_map_resolvers (proxy));
  print_list_line ("Proxy-ETRs:", lmn_dbus_mobile_node1_get_proxy_etrs (proxy));
  print_counters (lmn_dbus_mobile_node1_get_counters (proxy));
  return EXIT_OK;
}

static int
cmd_property_list (LmnDbusMobileNode1 *proxy, const char *property)
{
  g_autoptr(GVariant) v = g_dbus_proxy_get_cached_property (G_DBUS_PROXY (proxy), property);

  if (opt_json)
    {
      g_autoptr(JsonNode) node = property_json (property, v);

      print_json (node);
    }
  else if (g_str_equal (property, "Rlocs"))
    lmn_ctl_print_rlocs (v, "");
  else
    lmn_ctl_print_map_servers (v, "");
  return EXIT_OK;
}

static int
cmd_rlocs (LmnDbusMobileNode1 *proxy, const char *arg)
{
  return cmd_property_list (proxy, "Rlocs");
}

static int
cmd_map_servers (LmnDbusMobileNode1 *proxy, const char *arg)
{
  return cmd_property_list (proxy, "MapServers");
}

static int
cmd_map_cache (LmnDbusMobileNode1 *proxy, const char *arg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) entries = NULL;
  GVariantIter iter;
  GVariant *e;

  if (!lmn_dbus_mobile_node1_call_get_map_cache_sync (proxy, &entries, NULL, &error))
    {
      g_printerr ("lispmnctl: reading the map-cache: %s\n", error->message);
      return EXIT_ERROR;
    }
  if (opt_json)
    {
      g_autoptr(JsonNode) node = json_gvariant_serialize (entries);

      print_json (node);
      return EXIT_OK;
    }
  if (g_variant_n_children (entries) == 0)
    g_print ("the map-cache is empty\n");
  g_variant_iter_init (&iter, entries);
  while ((e = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) locators = g_variant_lookup_value (e, "locators", G_VARIANT_TYPE ("aa{sv}"));
      gint64 ttl = -1;
      GVariantIter li;
      GVariant *l;

      g_variant_lookup (e, "ttl-left", "x", &ttl);
      g_print ("%-28s %-9s", lmn_ctl_dict_string (e, "prefix"), lmn_ctl_dict_string (e, "origin"));
      if (ttl >= 0)
        g_print (" expires in %" G_GINT64_FORMAT " s", ttl);
      if (locators == NULL || g_variant_n_children (locators) == 0)
        g_print (" negative: %s", lmn_ctl_dict_string (e, "action"));
      g_print ("\n");
      g_variant_iter_init (&li, locators);
      while (locators != NULL && (l = g_variant_iter_next_value (&li)) != NULL)
        {
          gboolean reachable = FALSE;

          g_variant_lookup (l, "reachable", "b", &reachable);
          g_print ("    %-28s priority %-3u weight %-3u %s\n", lmn_ctl_dict_string (l, "address"),
                   lmn_ctl_dict_byte (l, "priority"), lmn_ctl_dict_byte (l, "weight"),
                   reachable ? "reachable" : "unreachable");
          g_variant_unref (l);
        }
      g_variant_unref (e);
    }
  return EXIT_OK;
}

static int
cmd_flush (LmnDbusMobileNode1 *proxy, const char *arg)
{
  g_autoptr(GError) error = NULL;

  /* polkit may ask for a password through an agent: no short timeout. */
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (proxy), G_MAXINT);
  if (!lmn_dbus_mobile_node1_call_flush_map_cache_sync (proxy, NULL, &error))
    {
      g_dbus_error_strip_remote_error (error);
      g_printerr ("lispmnctl: flushing the map-cache: %s\n", error->message);
      return EXIT_ERROR;
    }
  if (!opt_json)
    g_print ("map-cache flushed (static mappings kept)\n");
  return EXIT_OK;
}

static gboolean
is_ip_address (const char *text)
{
  guint8 buf[16];

  return inet_pton (AF_INET, text, buf) == 1 || inet_pton (AF_INET6, text, buf) == 1;
}

/* The answer as the classic lig shows it: who answered and how fast, the mapping, and a
 * table of its locators. */
static void
print_lookup (const char *eid, GVariant *answer)
{
  g_autoptr(GVariant) locators = g_variant_lookup_value (answer, "locators", G_VARIANT_TYPE ("aa{sv}"));
  gboolean authoritative = FALSE;
  gdouble rtt = 0;
  guint32 ttl = 0;
  GVariantIter iter;
  GVariant *l;

  g_variant_lookup (answer, "rtt-ms", "d", &rtt);
  g_variant_lookup (answer, "ttl", "u", &ttl);
  g_variant_lookup (answer, "authoritative", "b", &authoritative);
  g_print ("Map-Request for %s via map-resolver %s: Map-Reply in %.1f ms\n", eid,
           lmn_ctl_dict_string (answer, "map-resolver"), rtt);
  g_print ("Mapping for %s:\n", eid);
  g_print ("  %-28s TTL %u min, %s\n", lmn_ctl_dict_string (answer, "prefix"), ttl,
           authoritative ? "authoritative" : "not authoritative");
  if (locators == NULL || g_variant_n_children (locators) == 0)
    {
      g_print ("  negative, action %s (no locators)\n", lmn_ctl_dict_string (answer, "action"));
      return;
    }
  g_print ("  %-28s %-6s %s\n", "Locator", "State", "Priority/Weight");
  g_variant_iter_init (&iter, locators);
  while ((l = g_variant_iter_next_value (&iter)) != NULL)
    {
      gboolean reachable = FALSE;

      g_variant_lookup (l, "reachable", "b", &reachable);
      g_print ("  %-28s %-6s %u/%u\n", lmn_ctl_dict_string (l, "address"),
               reachable ? "up" : "down", lmn_ctl_dict_byte (l, "priority"),
               lmn_ctl_dict_byte (l, "weight"));
      g_variant_unref (l);
    }
}

static int
cmd_lig (LmnDbusMobileNode1 *proxy, const char *eid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) answer = NULL;

  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (proxy), LOOKUP_CALL_TIMEOUT_MS);

  if (!lmn_dbus_mobile_node1_call_lookup_sync (proxy, eid, &answer, NULL, &error))
    {
      gboolean timeout = g_error_matches (error, LMN_DBUS_ERROR, LMN_DBUS_ERROR_TIMEOUT);
      gboolean invalid = g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);

      g_dbus_error_strip_remote_error (error);
      g_printerr ("lispmnctl: lig %s: %s\n", eid, error->message);
      return timeout ? EXIT_NO_ANSWER : invalid ? EXIT_USAGE : EXIT_ERROR;
    }
  if (opt_json)
    {
      g_autoptr(JsonNode) node = json_gvariant_serialize (answer);

      json_object_set_string_member (json_node_get_object (node), "eid", eid);
      print_json (node);
    }
  else
    print_lookup (eid, answer);
  return EXIT_OK;
}

/* The time of day monitor prints before each event. */
static gchar *
now_stamp (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%H:%M:%S");
}

/* One event of monitor --json: {"time": stamp, then each (member, JsonNode *) pair given,
 * NULL-terminated; the nodes are taken}. */
static void
print_event_json (const char *stamp, const char *first_member, ...)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  va_list args;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "time");
  json_builder_add_string_value (b, stamp);
  va_start (args, first_member);
  for (const char *member = first_member; member != NULL; member = va_arg (args, const char *))
    {
      json_builder_set_member_name (b, member);
      json_builder_add_value (b, va_arg (args, JsonNode *));
    }
  va_end (args);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  print_json (root);
}

/* One changed property for people: a line, or a table under it for the lists. */
static void
print_change (const char *stamp, const char *name, GVariant *value)
{
  if (g_str_equal (name, "Rlocs"))
    {
      g_print ("%s RLOCs:\n", stamp);
      lmn_ctl_print_rlocs (value, "  ");
    }
  else if (g_str_equal (name, "MapServers"))
    {
      g_print ("%s map-servers:\n", stamp);
      lmn_ctl_print_map_servers (value, "  ");
    }
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    g_print ("%s %s: %s\n", stamp, json_name (name), g_variant_get_string (value, NULL));
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autofree const gchar **items = g_variant_get_strv (value, NULL);
      g_autofree gchar *joined = items[0] != NULL ? g_strjoinv (", ", (gchar **) items)
                                                  : g_strdup ("none");

      g_print ("%s %s: %s\n", stamp, json_name (name), joined);
    }
}

static void
on_properties_changed (GDBusProxy *proxy, GVariant *changed, GStrv invalidated, gpointer user_data)
{
  g_autofree gchar *stamp = now_stamp ();
  GVariantIter iter;
  const char *name;
  GVariant *value;

  g_variant_iter_init (&iter, changed);
  while (g_variant_iter_next (&iter, "{&sv}", &name, &value))
    {
      if (opt_json)
        print_event_json (stamp, "property",
                          json_node_init_string (json_node_alloc (), json_name (name)), "value",
                          property_json (name, value), NULL);
      else if (!g_str_equal (name, "Counters"))
        print_change (stamp, name, value);
      g_variant_unref (value);
    }
}

static void
on_handover (LmnDbusMobileNode1 *proxy, const gchar *const *came, const gchar *const *went,
             gdouble seconds, gpointer user_data)
{
  g_autofree gchar *stamp = now_stamp ();
  g_autofree gchar *c = g_strjoinv (", ", (gchar **) came);
  g_autofree gchar *w = g_strjoinv (", ", (gchar **) went);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "came");
      json_builder_add_value (b, json_gvariant_serialize (g_variant_new_strv (came, -1)));
      json_builder_set_member_name (b, "went");
      json_builder_add_value (b, json_gvariant_serialize (g_variant_new_strv (went, -1)));
      json_builder_set_member_name (b, "reregistration-seconds");
      json_builder_add_double_value (b, seconds);
      json_builder_end_object (b);
      print_event_json (stamp, "handover", json_builder_get_root (b), NULL);
      return;
    }
  g_print ("%s handover: came [%s], went [%s]", stamp, c, w);
  if (seconds >= 0)
    g_print (", re-registered in %.3f s", seconds);
  g_print ("\n");
}

static int
cmd_monitor (LmnDbusMobileNode1 *proxy, const char *arg)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_setenv ("LISPMNCTL_COMPACT", "1", TRUE);  /* one JSON object per line */
  g_signal_connect (proxy, "g-properties-changed", G_CALLBACK (on_properties_changed), NULL);
  g_signal_connect (proxy, "handover", G_CALLBACK (on_handover), NULL);
  if (!opt_json)
    g_print ("following lispmnd (Ctrl-C to stop)\n");
  g_main_loop_run (loop);
  return EXIT_OK;
}

/* The commands: what main accepts, runs and lists in --help. */
typedef struct {
  const char *name;
  /* Its one argument, named in --help, or NULL for none. The only kind there is: an EID
   * address (IPv4 or IPv6). */
  const char *arg;
  int       (*run) (LmnDbusMobileNode1 *proxy, const char *arg);
  const char *summary;
  gboolean    needs_authorisation;   /* polkit's org.lispmn.MobileNode1.control */
} Command;

static const Command commands[] = {
  { "status", NULL, cmd_status, "state, EIDs, RLOCs, map-servers and traffic (the default)" },
  { "rlocs", NULL, cmd_rlocs, "the uplinks' RLOCs" },
  { "map-servers", NULL, cmd_map_servers, "the map-servers and their registration state" },
  { "map-cache", NULL, cmd_map_cache, "the mappings lispmnd holds" },
  { "lig", "EID", cmd_lig, "ask the map-resolvers for EID's mapping (not put in the map-cache)" },
  { "flush", NULL, cmd_flush, "forget the mappings learnt from the mapping system", TRUE },
  { "monitor", NULL, cmd_monitor, "follow changes and handovers as they happen" },
};

/* The usage line's parameter and the list of commands, for --help. */
static gchar *
usage (void)
{
  GString *text = g_string_new ("COMMAND\n\nCommands:");

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const Command *c = &commands[i];
      g_autofree gchar *synopsis = c->arg != NULL ? g_strdup_printf ("%s %s", c->name, c->arg)
                                                  : g_strdup (c->name);

      g_string_append_printf (text, "\n  %-13s %s%s", synopsis, c->summary,
                              c->needs_authorisation ? " (needs authorisation)" : "");
    }
  return g_string_free (text, FALSE);
}

static const Command *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

/* The command line after the options: the command and its argument, or a usage error. */
static const Command *
parse_command (int argc, char **argv, const char **arg)
{
  const Command *command = find_command (argc > 1 ? argv[1] : "status");
  int given_args = MAX (argc - 2, 0); /* bare lispmnctl: status, no argument */
  int wanted_args;

  if (command == NULL)
    {
      g_printerr ("lispmnctl: unknown command '%s' (try --help)\n", argv[1]);
      return NULL;
    }
  wanted_args = command->arg != NULL ? 1 : 0;
  if (given_args < wanted_args)
    {
      g_printerr ("lispmnctl: %s needs an EID address, e.g. 192.0.2.1 or 2001:db8::1 (try --help)\n",
                  command->name);
      return NULL;
    }
  if (given_args > wanted_args)
    {
      g_printerr ("lispmnctl: unexpected argument '%s' (try --help)\n", argv[2 + wanted_args]);
      return NULL;
    }
  *arg = wanted_args == 1 ? argv[2] : NULL;
  if (*arg != NULL && !is_ip_address (*arg))
    {
      g_printerr ("lispmnctl: %s: '%s' is not an IPv4 or IPv6 address (try --help)\n",
                  command->name, *arg);
      return NULL;
    }
  return command;
}

/* The daemon's object, or NULL (said on standard error) when it is not on the bus. */
static LmnDbusMobileNode1 *
connect_to_daemon (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnDbusMobileNode1) proxy = NULL;
  g_autofree gchar *owner = NULL;

  /* Never started through D-Bus activation: a lispmnd started to be looked at would only
   * report itself unconfigured, and hide that it was not running. */
  proxy = lmn_dbus_mobile_node1_proxy_new_for_bus_sync (G_BUS_TYPE_SYSTEM,
                                                        G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                                        LMN_DBUS_BUS_NAME, LMN_DBUS_OBJECT_PATH,
                                                        NULL, &error);
  if (proxy != NULL)
    owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (proxy));
  if (proxy == NULL || owner == NULL)
    {
      g_printerr ("lispmnctl: lispmnd is not running (%s is not on the system bus%s%s)\n",
                  LMN_DBUS_BUS_NAME, error != NULL ? ": " : "", error != NULL ? error->message : "");
      return NULL;
    }
  return g_steal_pointer (&proxy);
}

int
main (int argc, char **argv)
{
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &opt_json, "Print JSON for scripts", NULL },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL },
  };
  g_autofree gchar *parameters = usage ();
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnDbusMobileNode1) proxy = NULL;
  const Command *command;
  const char *arg = NULL;

  setlocale (LC_ALL, "");
  lmn_dbus_error_quark ();   /* the daemon's errors come back as LMN_DBUS_ERROR codes */
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, "Shows what lispmnd, the LISP mobile node, is doing.");
  g_option_context_set_description (context,
    "Exit status: 0 on success, 1 when lispmnd is not running or a request failed, 2 on a\n"
    "usage error (also a bad EID for lig), 3 when no map-resolver answered lig.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("lispmnctl: %s (try --help)\n", error->message);
      return EXIT_USAGE;
    }
  if (version)
    {
      g_print ("lispmnctl %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }
  command = parse_command (argc, argv, &arg);
  if (command == NULL)
    return EXIT_USAGE;
  proxy = connect_to_daemon ();
  if (proxy == NULL)
    return EXIT_ERROR;
  return command->run (proxy, arg);
}
