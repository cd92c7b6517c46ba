/* status-text.c: the words and icons the applet shows for the daemon's D-Bus properties. */
#include "config.h"

#include "status-text.h"

#include <string.h>

#include <glib/gi18n.h>

const char *
lmn_status_lookup_string (GVariant *dict, const char *key)
{
  g_autoptr(GVariant) value = NULL;

  if (dict == NULL || !g_variant_is_of_type (dict, G_VARIANT_TYPE_VARDICT))
    return NULL;
  value = g_variant_lookup_value (dict, key, G_VARIANT_TYPE_STRING);
  /* The string lives as long as the dictionary: the value is a part of it. */
  return value != NULL ? g_variant_get_string (value, NULL) : NULL;
}

static gboolean
lookup_byte (GVariant *dict, const char *key, guint8 *out)
{
  g_autoptr(GVariant) value = NULL;

  if (dict == NULL || !g_variant_is_of_type (dict, G_VARIANT_TYPE_VARDICT))
    return FALSE;
  value = g_variant_lookup_value (dict, key, G_VARIANT_TYPE_BYTE);
  if (value == NULL)
    return FALSE;
  *out = g_variant_get_byte (value);
  return TRUE;
}

static gboolean
lookup_int64 (GVariant *dict, const char *key, gint64 *out)
{
  g_autoptr(GVariant) value = NULL;

  if (dict == NULL || !g_variant_is_of_type (dict, G_VARIANT_TYPE_VARDICT))
    return FALSE;
  value = g_variant_lookup_value (dict, key, G_VARIANT_TYPE_INT64);
  if (value == NULL)
    return FALSE;
  *out = g_variant_get_int64 (value);
  return TRUE;
}

/* The children of an array of dictionaries, skipping anything else. */
static gboolean
is_dict_array (GVariant *array)
{
  return array != NULL && g_variant_is_of_type (array, G_VARIANT_TYPE ("aa{sv}"));
}

gboolean
lmn_status_any_auth_failed (GVariant *map_servers)
{
  if (!is_dict_array (map_servers))
    return FALSE;
  for (gsize i = 0; i < g_variant_n_children (map_servers); i++)
    {
      g_autoptr(GVariant) server = g_variant_get_child_value (map_servers, i);

      if (g_strcmp0 (lmn_status_lookup_string (server, "state"), "auth-failed") == 0)
        return TRUE;
    }
  return FALSE;
}

const char *
lmn_status_icon_name (gboolean running, const char *state, GVariant *map_servers)
{
  if (!running || state == NULL)
    return "lispmn-not-running";
  /* lispmnd runs, the mobile node is off (the VPN is down): nothing is wrong. */
  if (g_str_equal (state, "stopped"))
    return "lispmn-idle";
  /* A wrong key is the one failure the user must act on: it wins over everything else. */
  if (lmn_status_any_auth_failed (map_servers))
    return "lispmn-auth-failed";
  if (g_str_equal (state, "registered"))
    return "lispmn-registered";
  if (g_str_equal (state, "idle"))
    return "lispmn-idle";
  if (g_str_equal (state, "no-uplink"))
    return "lispmn-no-uplink";
  /* "connecting", "degraded" and anything a newer daemon may add */
  return "lispmn-connecting";
}

char *
lmn_status_state_label (const char *state)
{
  if (state == NULL)
    return g_strdup (_("unknown"));
  if (g_str_equal (state, "idle"))
    /* TRANSLATORS: the mobile node runs with static mappings only */
    return g_strdup (_("running, no map-server configured"));
  if (g_str_equal (state, "connecting"))
    return g_strdup (_("connecting"));
  if (g_str_equal (state, "registered"))
    return g_strdup (_("registered"));
  if (g_str_equal (state, "degraded"))
    return g_strdup (_("degraded"));
  if (g_str_equal (state, "no-uplink"))
    return g_strdup (_("no uplink"));
  if (g_str_equal (state, "stopped"))
    return g_strdup (_ ("not connected"));
  return g_strdup (state);
}

char *
lmn_status_map_server_state_label (const char *state)
{
  if (state == NULL)
    return g_strdup ("?");
  if (g_str_equal (state, "registering"))
    return g_strdup (_("registering"));
  if (g_str_equal (state, "registered"))
    return g_strdup (_("registered"));
  if (g_str_equal (state, "auth-failed"))
    return g_strdup (_("authentication failed — check the key"));
  if (g_str_equal (state, "unreachable"))
    return g_strdup (_("not answering"));
  return g_strdup (state);
}

char *
lmn_status_summary (gboolean running, const char *state, GVariant *eids, GVariant *rlocs,
                    GVariant *map_servers)
{
  g_autoptr(GPtrArray) up = g_ptr_array_new ();
  g_autofree char *state_label = NULL;
  g_autofree char *uplinks = NULL;
  const char *first_eid = NULL;

  if (!running)
    return g_strdup (_("LISP mobile node: lispmnd is not running"));
  /* Stopped: its uplinks are not RLOCs, which says nothing about the uplinks themselves. */
  if (g_strcmp0 (state, "stopped") == 0)
    return g_strdup (_ ("LISP mobile node: not connected"));
  /* The red icon's reason, rather than the "connecting" it goes on trying as. */
  if (lmn_status_any_auth_failed (map_servers))
    state_label = g_strdup (_ ("wrong key"));
  else
    state_label = lmn_status_state_label (state);
  if (eids != NULL && g_variant_is_of_type (eids, G_VARIANT_TYPE_STRING_ARRAY)
      && g_variant_n_children (eids) > 0)
    g_variant_get_child (eids, 0, "&s", &first_eid);
  if (is_dict_array (rlocs))
    {
      for (gsize i = 0; i < g_variant_n_children (rlocs); i++)
        {
          g_autoptr(GVariant) rloc = g_variant_get_child_value (rlocs, i);
          const char *iface = lmn_status_lookup_string (rloc, "interface");

          /* one entry per interface, however many addresses it has */
          if (iface != NULL && g_strcmp0 (lmn_status_lookup_string (rloc, "state"), "up") == 0
              && !g_ptr_array_find_with_equal_func (up, iface, g_str_equal, NULL))
            g_ptr_array_add (up, (gpointer) iface);
        }
    }
  g_ptr_array_add (up, NULL);
  uplinks = g_strjoinv (", ", (char **) up->pdata);
  if (first_eid == NULL)
    return g_strdup_printf (_("LISP mobile node: %s"), state_label);
  if (up->len == 1)
    /* TRANSLATORS: state, then the EID */
    return g_strdup_printf (_("LISP mobile node: %s — %s, no uplink"), state_label, first_eid);
  /* TRANSLATORS: state, the EID, then the interfaces whose RLOCs are up */
  return g_strdup_printf (_("LISP mobile node: %s — %s via %s"), state_label, first_eid, uplinks);
}

const char *
lmn_status_rloc_state_label (const char *state)
{
  if (g_strcmp0 (state, "up") == 0)
    return _("up");
  if (g_strcmp0 (state, "down") == 0)
    return _("down");
  return state != NULL ? state : "?";
}

/* The LISP message names as the RFCs write them: a counter name spells them in lower case. */
static const struct {
  const char *lower;
  const char *written;
} message_names[] = {
  { "map-register", "Map-Register" },
  { "map-notify-ack", "Map-Notify-Ack" },
  { "map-notify", "Map-Notify" },
  { "map-request", "Map-Request" },
  { "map-reply", "Map-Reply" },
  { "rloc-probe", "RLOC-probe" },
  { "smr", "SMR" },
  { "info-request", "Info-Request" },
  { "info-reply", "Info-Reply" },
  { "ecm", "ECM" },
};

/* "map-notify-ack-sent" -> "Map-Notify-Ack sent": message names kept, other dashes as
 * spaces, the first letter upper case. */
static char *
words_of (const char *name)
{
  g_autoptr(GString) text = g_string_new (NULL);

  while (*name != '\0')
    {
      gboolean matched = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (message_names) && !matched; i++)
        {
          gsize len = strlen (message_names[i].lower);

          if (strncmp (name, message_names[i].lower, len) == 0 &&
              (name[len] == '\0' || name[len] == '-'))
            {
              g_string_append (text, message_names[i].written);
              name += len;
              matched = TRUE;
            }
        }
      if (matched)
        continue;
      g_string_append_c (text, *name == '-' ? ' ' : *name);
      name++;
    }
  if (text->len > 0)
    text->str[0] = g_ascii_toupper (text->str[0]);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
lmn_status_counter_label (const char *name)
{
  if (name == NULL)
    return g_strdup ("?");
  if (g_str_equal (name, "tx-packets"))
    return g_strdup (_ ("Packets sent"));
  if (g_str_equal (name, "tx-bytes"))
    return g_strdup (_ ("Bytes sent"));
  if (g_str_equal (name, "rx-packets"))
    return g_strdup (_ ("Packets received"));
  if (g_str_equal (name, "rx-bytes"))
    return g_strdup (_ ("Bytes received"));
  if (g_str_equal (name, "icmp-sent"))
    return g_strdup (_ ("ICMP errors sent"));
  if (g_str_equal (name, "drops.local-scope"))
    /* TRANSLATORS: IPv6 neighbour discovery and the like, which never leave the link */
    return g_strdup (_ ("Not sent: link-local or multicast (normal)"));
  if (g_str_has_prefix (name, "drops."))
    {
      g_autofree char *words = words_of (name + strlen ("drops."));

      words[0] = g_ascii_tolower (words[0]);
      /* TRANSLATORS: %s is the reason, e.g. "no mapping" */
      return g_strdup_printf (_ ("Dropped: %s"), words);
    }
  if (g_str_has_prefix (name, "control."))
    return words_of (name + strlen ("control."));
  return words_of (name);
}

char *
lmn_status_rloc_nat (GVariant *rloc)
{
  /* Copies: a dictionary built in tree form (not from D-Bus) need not keep the strings of
   * values looked up in it. */
  g_autofree gchar *nat = g_strdup (lmn_status_lookup_string (rloc, "nat"));
  g_autofree gchar *public_address = g_strdup (lmn_status_lookup_string (rloc, "public-address"));
  g_autofree gchar *rtr = g_strdup (lmn_status_lookup_string (rloc, "rtr"));
  g_autoptr(GString) text = NULL;
  guint16 port = 0;

  if (nat == NULL || !g_str_equal (nat, "behind-nat"))
    return NULL;
  if (rloc != NULL && g_variant_is_of_type (rloc, G_VARIANT_TYPE_VARDICT))
    g_variant_lookup (rloc, "public-port", "q", &port);
  text = g_string_new (public_address != NULL && *public_address != '\0' ? public_address : "?");
  if (strchr (text->str, ':') != NULL && port != 0)
    {
      g_string_prepend_c (text, '[');
      g_string_append_c (text, ']');
    }
  if (port != 0)
    g_string_append_printf (text, ":%u", port);
  if (rtr != NULL && *rtr != '\0')
    /* TRANSLATORS: the RTR (re-encapsulating tunnel router) the traffic goes through */
    g_string_append_printf (text, _ (" via RTR %s"), rtr);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
lmn_status_rloc_line (GVariant *rloc)
{
  const char *iface = lmn_status_lookup_string (rloc, "interface");
  const char *address = lmn_status_lookup_string (rloc, "address");
  const char *state = lmn_status_lookup_string (rloc, "state");
  g_autofree char *nat = lmn_status_rloc_nat (rloc);
  const char *connection = lmn_status_lookup_string (rloc, "connection");
  g_autofree char *uplink = NULL;
  g_autofree char *priority = NULL;
  g_autofree char *weight = NULL;
  g_autofree char *behind_nat = NULL;
  const char *state_label;
  guint8 value;

  priority = lookup_byte (rloc, "priority", &value) ? g_strdup_printf ("%u", value) : g_strdup ("?");
  weight = lookup_byte (rloc, "weight", &value) ? g_strdup_printf ("%u", value) : g_strdup ("?");
  state_label = lmn_status_rloc_state_label (state);
  /* The NetworkManager connection's name says more to a person than the interface's. */
  if (connection != NULL && *connection != '\0')
    uplink = g_strdup_printf ("%s (%s)", iface != NULL ? iface : "?", connection);
  else
    uplink = g_strdup (iface != NULL ? iface : "?");
  if (nat != NULL)
    behind_nat = g_strdup_printf (_(" (behind NAT as %s)"), nat);
  /* TRANSLATORS: interface, address, priority, weight, state ("up" or "down"), then
   * optionally " (behind NAT as ADDRESS)" */
  return g_strdup_printf (_("%s  %s  priority %s, weight %s — %s%s"),
                          uplink, address != NULL ? address : "?",
                          priority, weight, state_label, behind_nat != NULL ? behind_nat : "");
}

char *
lmn_status_age (gint64 then, gint64 now)
{
  gint64 seconds = now - then;

  if (then <= 0)
    return g_strdup (_("never"));
  /* A clock that went backwards is not the user's concern: call it recent. */
  if (seconds < 60)
    return g_strdup (_("just now"));
  if (seconds < 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d min ago", "%d min ago", seconds / 60),
                            (int) (seconds / 60));
  if (seconds < 2 * 86400)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour ago", "%d hours ago", seconds / 3600),
                            (int) (seconds / 3600));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day ago", "%d days ago", seconds / 86400),
                          (int) (seconds / 86400));
}

char *
lmn_status_map_server_line (GVariant *map_server, gint64 now)
{
  const char *address = lmn_status_lookup_string (map_server, "address");
  const char *error = lmn_status_lookup_string (map_server, "last-error");
  g_autofree char *state = lmn_status_map_server_state_label (lmn_status_lookup_string (map_server, "state"));
  g_autofree char *age = NULL;
  g_autofree char *line = NULL;
  gint64 last = 0;

  lookup_int64 (map_server, "last-map-notify", &last);
  age = lmn_status_age (last, now);
  /* TRANSLATORS: map-server address, its state, then how long ago it last confirmed a
   * registration ("3 min ago", "never") */
  line = g_strdup_printf (_("%s: %s, last registration %s"), address != NULL ? address : "?", state, age);
  /* The state already says it for a wrong key; other errors are worth the words. */
  if (error != NULL && *error != '\0'
      && g_strcmp0 (lmn_status_lookup_string (map_server, "state"), "registered") != 0
      && g_strcmp0 (lmn_status_lookup_string (map_server, "state"), "auth-failed") != 0)
    return g_strdup_printf ("%s (%s)", line, error);
  return g_steal_pointer (&line);
}
