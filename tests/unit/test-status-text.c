/* The applet's words for the daemon's properties (applet/status-text.c) and its handover
 * notification text: right for good values, "?" rather than a crash for values of the wrong
 * shape, and translated when a translation is there. */
#include <locale.h>
#include <stdarg.h>
#include <glib.h>
#include <glib/gi18n.h>

#include "config.h"
#include "notifier.h"
#include "status-text.h"
#include "test-table.h"

/* A floating-free a{sv} of the given key, GVariant format, value... triples, NULL-terminated. */
static GVariant *
vardict (const char *key, ...)
{
  GVariantDict dict;
  va_list args;

  g_variant_dict_init (&dict, NULL);
  va_start (args, key);
  for (; key != NULL; key = va_arg (args, const char *))
    {
      const char *format = va_arg (args, const char *);

      g_variant_dict_insert_value (&dict, key, g_variant_new_va (format, NULL, &args));
    }
  va_end (args);
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

static GVariant *
rloc (const char *iface, const char *address, guint8 priority, guint8 weight, const char *state)
{
  return vardict ("interface", "s", iface, "address", "s", address, "priority", "y", priority,
                  "weight", "y", weight, "state", "s", state, NULL);
}

static GVariant *
map_server (const char *address, const char *state, gint64 last, const char *error)
{
  return vardict ("address", "s", address, "state", "s", state, "last-map-notify", "x", last,
                  "last-error", "s", error, NULL);
}

static GVariant *
array_of (GVariant *first, GVariant *second)
{
  GVariant *children[] = { first, second };

  return g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE_VARDICT, children, second != NULL ? 2 : 1));
}

/* The tray icon for a daemon that runs or not, its State and its MapServers: none, one that
 * registered, or that one and one that refused the key. */
typedef enum { NO_SERVERS, ONE_GOOD, ONE_BAD } Servers;

typedef struct {
  const char *path;
  gboolean running;
  const char *state;
  Servers servers;
  const char *icon;
} IconCase;

static const IconCase icon_cases[] = {
  { "/status-text/icons/not-running", FALSE, NULL, NO_SERVERS, "lispmn-not-running" },
  { "/status-text/icons/not-running-registered", FALSE, "registered", ONE_GOOD,
    "lispmn-not-running" },
  /* lispmnd runs but the VPN is down: not the "not running" icon */
  { "/status-text/icons/stopped", TRUE, "stopped", NO_SERVERS, "lispmn-idle" },
  { "/status-text/icons/registered", TRUE, "registered", ONE_GOOD, "lispmn-registered" },
  { "/status-text/icons/connecting", TRUE, "connecting", NO_SERVERS, "lispmn-connecting" },
  { "/status-text/icons/degraded", TRUE, "degraded", ONE_GOOD, "lispmn-connecting" },
  { "/status-text/icons/idle", TRUE, "idle", NO_SERVERS, "lispmn-idle" },
  { "/status-text/icons/no-uplink", TRUE, "no-uplink", ONE_GOOD, "lispmn-no-uplink" },
  /* a rejected key wins: it is what the user must fix */
  { "/status-text/icons/auth-failed", TRUE, "degraded", ONE_BAD, "lispmn-auth-failed" },
  /* a state a newer daemon may add */
  { "/status-text/icons/unknown-state", TRUE, "something-new", NO_SERVERS, "lispmn-connecting" },
};

static void
test_icon (gconstpointer data)
{
  const IconCase *row = data;
  g_autoptr(GVariant) ok = map_server ("198.51.100.2", "registered", 1000, "");
  g_autoptr(GVariant) bad = map_server ("203.0.113.5", "auth-failed", 0, "authentication failed");
  g_autoptr(GVariant) servers = NULL;

  if (row->servers != NO_SERVERS)
    servers = array_of (ok, row->servers == ONE_BAD ? bad : NULL);
  g_assert_cmpstr (lmn_status_icon_name (row->running, row->state, servers), ==, row->icon);
}

static GVariant *
parse_serialised (const char *text)
{
  g_autoptr(GVariant) tree = g_variant_ref_sink (g_variant_parse (NULL, text, NULL, NULL, NULL));
  g_autoptr(GBytes) bytes = g_variant_get_data_as_bytes (tree);

  return g_variant_ref_sink (g_variant_new_from_bytes (g_variant_get_type (tree), bytes, TRUE));
}

static void
test_rloc_lines (void)
{
  g_autoptr(GVariant) up = rloc ("up1", "198.51.100.1", 1, 50, "up");
  g_autoptr(GVariant) empty = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
  g_autoptr(GVariant) not_a_dict = g_variant_ref_sink (g_variant_new_string ("up1"));
  g_autofree char *line = lmn_status_rloc_line (up);
  g_autofree char *blank = lmn_status_rloc_line (empty);
  g_autofree char *nonsense = lmn_status_rloc_line (not_a_dict);
  g_autofree char *none = lmn_status_rloc_line (NULL);
  g_autofree char *natted = NULL;
  g_autofree char *wrong_types = NULL;
  GVariantDict dict;

  g_assert_cmpstr (line, ==, "up1  198.51.100.1  priority 1, weight 50 — up");
  g_assert_cmpstr (blank, ==, "?  ?  priority ?, weight ? — ?");
  g_assert_cmpstr (nonsense, ==, blank);
  g_assert_cmpstr (none, ==, blank);

  g_variant_dict_init (&dict, up);
  g_variant_dict_insert (&dict, "nat", "s", "behind-nat");
  g_variant_dict_insert (&dict, "public-address", "s", "203.0.113.7");
  {
    g_autoptr(GVariant) with_nat = g_variant_ref_sink (g_variant_dict_end (&dict));
    natted = lmn_status_rloc_line (with_nat);
  }
  g_assert_cmpstr (natted, ==, "up1  198.51.100.1  priority 1, weight 50 — up (behind NAT as 203.0.113.7)");

  /* lispmnd's NAT keys: the public address and port, and the RTR (in serialised form, as
   * values from D-Bus are) */
  {
    g_autoptr(GVariant) behind = parse_serialised (
      "{'interface': <'up1'>, 'address': <'203.0.113.205'>, 'priority': <byte 1>, "
      "'weight': <byte 50>, 'state': <'up'>, 'nat': <'behind-nat'>, "
      "'public-address': <'198.51.100.7'>, 'public-port': <uint16 40123>, "
      "'rtr': <'203.0.113.1'>}");
    g_autoptr(GVariant) public_rloc = parse_serialised (
      "{'interface': <'up1'>, 'address': <'198.51.100.1'>, 'nat': <'public'>, "
      "'public-address': <''>, 'public-port': <uint16 0>, 'rtr': <''>}");
    g_autoptr(GVariant) v6 = parse_serialised (
      "{'nat': <'behind-nat'>, 'public-address': <'2001:db8::7'>, 'public-port': <uint16 4342>}");
    g_autoptr(GVariant) odd = parse_serialised (
      "{'nat': <'behind-nat'>, 'public-port': <'not a number'>}");
    g_autofree char *behind_line = lmn_status_rloc_line (behind);
    g_autofree char *behind_nat = lmn_status_rloc_nat (behind);
    g_autofree char *public_nat = lmn_status_rloc_nat (public_rloc);
    g_autofree char *v6_nat = lmn_status_rloc_nat (v6);
    g_autofree char *odd_nat = lmn_status_rloc_nat (odd);

    g_assert_cmpstr (behind_nat, ==, "198.51.100.7:40123 via RTR 203.0.113.1");
    g_assert_cmpstr (behind_line, ==,
                     "up1  203.0.113.205  priority 1, weight 50 — up "
                     "(behind NAT as 198.51.100.7:40123 via RTR 203.0.113.1)");
    g_assert_null (public_nat);
    g_assert_cmpstr (v6_nat, ==, "[2001:db8::7]:4342");
    g_assert_cmpstr (odd_nat, ==, "?");
    g_assert_null (lmn_status_rloc_nat (NULL));
  }

  /* the uplink's NetworkManager connection, when lispmnd knows it */
  g_variant_dict_init (&dict, up);
  g_variant_dict_insert (&dict, "connection", "s", "Office Wi-Fi");
  {
    g_autoptr(GVariant) with_connection = g_variant_ref_sink (g_variant_dict_end (&dict));
    g_autofree char *named = lmn_status_rloc_line (with_connection);

    g_assert_cmpstr (named, ==, "up1 (Office Wi-Fi)  198.51.100.1  priority 1, weight 50 — up");
  }

  /* priority as a string, address as a number: shown as unknown, not misread */
  {
    g_autoptr(GVariant) odd = NULL;

    odd = vardict ("interface", "s", "up2", "address", "u", 7, "priority", "s", "1", "state", "s",
                   "down", NULL);
    wrong_types = lmn_status_rloc_line (odd);
  }
  g_assert_cmpstr (wrong_types, ==, "up2  ?  priority ?, weight ? — down");
}

static void
test_ages (void)
{
  const struct { gint64 then, now; const char *text; } cases[] = {
    { 0, 1000, "never" },
    { 1000, 1000, "just now" },
    { 1000, 1059, "just now" },
    { 2000, 1000, "just now" },        /* the clock went back */
    { 1000, 1060, "1 min ago" },
    { 1000, 1000 + 59 * 60 + 59, "59 min ago" },
    { 1000, 1000 + 3600, "1 hour ago" },
    { 1000, 1000 + 47 * 3600, "47 hours ago" },
    { 1000, 1000 + 3 * 86400, "3 days ago" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = lmn_status_age (cases[i].then, cases[i].now);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_map_server_lines (void)
{
  g_autoptr(GVariant) ok = map_server ("198.51.100.2", "registered", 1000, "");
  g_autoptr(GVariant) bad = map_server ("203.0.113.5", "auth-failed", 0, "authentication failed");
  g_autoptr(GVariant) silent = map_server ("203.0.113.6", "unreachable", 1000, "no Map-Notify after 3 tries");
  g_autofree char *ok_line = lmn_status_map_server_line (ok, 1000 + 180);
  g_autofree char *bad_line = lmn_status_map_server_line (bad, 1000);
  g_autofree char *silent_line = lmn_status_map_server_line (silent, 1000 + 7200);
  g_autofree char *garbage = lmn_status_map_server_line (NULL, 1000);

  g_assert_cmpstr (ok_line, ==, "198.51.100.2: registered, last registration 3 min ago");
  g_assert_cmpstr (bad_line, ==, "203.0.113.5: authentication failed — check the key, last registration never");
  g_assert_cmpstr (silent_line, ==,
                   "203.0.113.6: not answering, last registration 2 hours ago (no Map-Notify after 3 tries)");
  g_assert_cmpstr (garbage, ==, "?: ?, last registration never");
}

static void
test_summary (void)
{
  const char *eid_list[] = { "192.0.2.10/32", "2001:db8:e1d::10/128" };
  g_autoptr(GVariant) eids = g_variant_ref_sink (g_variant_new_strv (eid_list, 2));
  g_autoptr(GVariant) up1 = rloc ("up1", "198.51.100.1", 1, 50, "up");
  g_autoptr(GVariant) up1_v6 = rloc ("up1", "2001:db8:100:1::1", 1, 50, "up");
  g_autoptr(GVariant) up2_down = rloc ("up2", "198.51.100.9", 1, 50, "down");
  g_autoptr(GVariant) both_up1 = array_of (up1, up1_v6);
  g_autoptr(GVariant) only_down = array_of (up2_down, NULL);
  g_autoptr(GVariant) wrong = g_variant_ref_sink (g_variant_new_string ("not a list"));
  g_autoptr(GVariant) bad = map_server ("203.0.113.5", "auth-failed", 0, "wrong MAC");
  g_autoptr(GVariant) bad_servers = array_of (bad, NULL);
  g_autofree char *running = lmn_status_summary (TRUE, "registered", eids, both_up1, NULL);
  g_autofree char *no_uplink = lmn_status_summary (TRUE, "no-uplink", eids, only_down, NULL);
  g_autofree char *absent = lmn_status_summary (FALSE, NULL, NULL, NULL, NULL);
  g_autofree char *odd = lmn_status_summary (TRUE, "degraded", wrong, wrong, wrong);
  /* after nmcli connection down: the uplinks are fine, the VPN is off */
  g_autofree char *stopped = lmn_status_summary (TRUE, "stopped", eids, NULL, NULL);
  /* a rejected key reads as such, not as "connecting" */
  g_autofree char *wrong_key = lmn_status_summary (TRUE, "connecting", eids, both_up1, bad_servers);

  /* each interface once, however many addresses it has */
  g_assert_cmpstr (running, ==, "LISP mobile node: registered — 192.0.2.10/32 via up1");
  g_assert_cmpstr (no_uplink, ==, "LISP mobile node: no uplink — 192.0.2.10/32, no uplink");
  g_assert_cmpstr (absent, ==, "LISP mobile node: lispmnd is not running");
  g_assert_cmpstr (odd, ==, "LISP mobile node: degraded");
  g_assert_cmpstr (stopped, ==, "LISP mobile node: not connected");
  g_assert_cmpstr (wrong_key, ==, "LISP mobile node: wrong key — 192.0.2.10/32 via up1");
}

static void
test_counter_labels (void)
{
  static const char *const cases[][2] = {
    { "tx-packets", "Packets sent" },
    { "drops.no-mapping", "Dropped: no mapping" },
    { "drops.local-scope", "Not sent: link-local or multicast (normal)" },
    { "control.map-notify-ack-sent", "Map-Notify-Ack sent" },
    { "control.map-register-sent", "Map-Register sent" },
    { "control.smr-sent", "SMR sent" },
    { "control.outstanding-requests", "Outstanding requests" },
    { "control.map-replyish", "Map replyish" },
    { "something-new", "Something new" },
    { "drops.", "Dropped: " },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *label = lmn_status_counter_label (cases[i][0]);

      g_assert_cmpstr (label, ==, cases[i][1]);
    }
}

static void
test_handover_text (void)
{
  const char *came[] = { "198.51.100.9", NULL };
  const char *went[] = { "198.51.100.1", "2001:db8:100:1::1", NULL };
  const char *none[] = { NULL };
  g_autoptr(GVariant) rlocs = parse_serialised (
    "[{'interface': <'wlan0'>, 'address': <'198.51.100.1'>, 'state': <'down'>, "
    "'connection': <'Home Wi-Fi'>}, "
    "{'interface': <'wwan0'>, 'address': <'198.51.100.9'>, 'state': <'up'>}]");
  g_autoptr(GVariant) all_up = parse_serialised (
    "[{'interface': <'wlan0'>, 'address': <'198.51.100.1'>, 'state': <'up'>}, "
    "{'interface': <'wwan0'>, 'address': <'198.51.100.9'>, 'state': <'up'>}]");
  const char *both_came[] = { "198.51.100.1", "198.51.100.9", NULL };
  g_autofree char *both = lmn_notifier_handover_text (came, went, 0.25, NULL);
  g_autofree char *lost = lmn_notifier_handover_text (none, went, -1, NULL);
  g_autofree char *named = lmn_notifier_handover_text (came, went, 0.04, rlocs);

  g_assert_cmpstr (both, ==, "Now using 198.51.100.9. No longer using 198.51.100.1, 2001:db8:100:1::1. "
                             "The map-servers confirmed it in 0.2 s.");
  g_assert_cmpstr (lost, ==, "No longer using 198.51.100.1, 2001:db8:100:1::1.");
  /* names a person knows; no "confirmed it in 0.0 s" */
  g_assert_cmpstr (named, ==,
                   "Now using wwan0 (198.51.100.9). No longer using Home Wi-Fi "
                   "(198.51.100.1), 2001:db8:100:1::1.");

  /* connecting (everything came at once) and disconnecting are no handovers */
  g_assert_false (lmn_notifier_handover_is_move (both_came, none, "registered", all_up));
  g_assert_false (lmn_notifier_handover_is_move (none, both_came, "stopped", NULL));
  g_assert_true (lmn_notifier_handover_is_move (none, went, "registered", rlocs));
  {
    const char *one_came[] = { "198.51.100.9", NULL };

    /* wlan0 was there already: wwan0 coming is a move */
    g_assert_true (lmn_notifier_handover_is_move (one_came, none, "registered", all_up));
  }
}

/* With the Spanish catalogue built in po/, the same functions speak Spanish. */
static void
test_spanish (void)
{
  const char *localedir = g_getenv ("LISPMN_BUILD_LOCALEDIR");
  g_autofree char *state = NULL;
  g_autofree char *age = NULL;
  g_autoptr(GVariant) up = rloc ("up1", "198.51.100.1", 1, 50, "up");
  g_autofree char *line = NULL;

  g_assert_nonnull (localedir);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);   /* _() is gettext() in the default domain, as in the applet */
  g_setenv ("LANGUAGE", "es", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  state = lmn_status_state_label ("registered");
  age = lmn_status_age (1000, 1000 + 7200);
  line = lmn_status_rloc_line (up);
  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "C");
  g_assert_cmpstr (state, ==, "registrado");
  g_assert_cmpstr (age, ==, "hace 2 horas");
  g_assert_cmpstr (line, ==, "up1  198.51.100.1  prioridad 1, peso 50 — activo");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);
  TEST_ADD_TABLE (icon_cases, test_icon);
  g_test_add_func ("/status-text/rloc-lines", test_rloc_lines);
  g_test_add_func ("/status-text/ages", test_ages);
  g_test_add_func ("/status-text/map-server-lines", test_map_server_lines);
  g_test_add_func ("/status-text/summary", test_summary);
  g_test_add_func ("/status-text/handover-notification", test_handover_text);
  g_test_add_func ("/status-text/counter-labels", test_counter_labels);
  g_test_add_func ("/status-text/spanish", test_spanish);
  return g_test_run ();
}
