/* lispmn-server --show: reads the JSON state file back and prints its sites, registrations,
 * proxy, pending Map-Notifys, non-zero counters and the RTR's nodes behind NAT. Missing members
 * print as "?" or 0: the file may come from another version. */
#include "server-show.h"

#include <json-glib/json-glib.h>
#include <stdlib.h>

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

static void
show_sites (JsonArray *sites)
{
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
}

static void
show_registrations (JsonArray *regs)
{
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
}

static void
show_proxy (JsonObject *proxy)
{
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

static void
show_pending (JsonArray *pending)
{
  if (pending == NULL || json_array_get_length (pending) == 0)
    return;
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

static void
show_counters (JsonObject *counters, const char *title)
{
  g_autoptr(GList) names = json_object_get_members (counters);

  g_print ("\n%s (non-zero):\n", title);
  for (GList *l = names; l != NULL; l = l->next)
    if (member_int (counters, l->data) != 0)
      g_print ("  %-31s %" G_GINT64_FORMAT "\n", (const char *) l->data,
               member_int (counters, l->data));
}

static JsonArray *
member_array (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  return n != NULL && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static void
show_rtr_node (JsonObject *n)
{
  JsonArray *eids = member_array (n, "eids");

  g_print ("  xTR-ID %s at %s (private %s, through %s), verified %" G_GINT64_FORMAT
           " s ago, expires in %" G_GINT64_FORMAT " s\n      EIDs",
           member_string (n, "xtr-id"), member_string (n, "translated"),
           member_string (n, "private-rloc"), member_string (n, "rtr-address"),
           member_int (n, "verified-ago"), member_int (n, "expires-in"));
  for (guint j = 0; eids != NULL && j < json_array_get_length (eids); j++)
    {
      JsonNode *e = json_array_get_element (eids, j);

      if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
        g_print (" %s", json_node_get_string (e));
    }
  g_print ("\n");
}

/* The RTR: its nodes behind NAT (verified bindings), the unverified ones, its counters. */
static void
show_rtr (JsonObject *rtr)
{
  JsonArray *nodes = member_array (rtr, "nodes");
  JsonNode *counters = json_object_get_member (rtr, "counters");
  guint n = nodes != NULL ? json_array_get_length (nodes) : 0;

  g_print ("\nRTR: %u node(s) behind NAT verified, %" G_GINT64_FORMAT
           " unverified (at most %" G_GINT64_FORMAT ")\n",
           n, member_int (rtr, "unverified"), member_int (rtr, "max-unverified"));
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (nodes, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        show_rtr_node (json_node_get_object (node));
    }
  if (counters != NULL && JSON_NODE_HOLDS_OBJECT (counters))
    show_counters (json_node_get_object (counters), "RTR counters");
}

int
lmn_server_show (const char *path)
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

  show_sites (sites);
  show_registrations (regs);
  if (json_object_has_member (root, "proxy") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "proxy")))
    show_proxy (json_object_get_object_member (root, "proxy"));
  show_pending (json_object_has_member (root, "pending-map-notifys")
                  ? json_object_get_array_member (root, "pending-map-notifys") : NULL);
  show_counters (counters, "Counters");
  if (json_object_has_member (root, "rtr") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "rtr")))
    show_rtr (json_object_get_object_member (root, "rtr"));
  return EXIT_SUCCESS;
}
