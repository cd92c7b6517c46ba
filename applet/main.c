/* lispmn-applet: the LISP mobile node in the desktop panel.
 *
 * A GtkApplication (one instance per session) that follows lispmnd on the system bus and
 * shows it as a StatusNotifierItem with a menu, a details window and notifications.
 */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "details-window.h"
#include "node-watcher.h"
#include "notifier.h"
#include "tray-menu.h"
#ifdef HAVE_LIBNM
#include "vpn-toggle.h"
#endif

#define APPLICATION_ID "org.lispmn.Applet"

typedef struct
{
  GtkApplication *app;
  LmnNodeWatcher *watcher;
  GObject *vpn_toggle;
  LmnTray *tray;
  LmnNotifier *notifier;
  LmnDetailsWindow *details;   /* while open */
} Applet;

static void
details_destroyed (GtkWidget *window, Applet *applet)
{
  applet->details = NULL;
}

static void
show_details (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  Applet *applet = user_data;

  if (applet->details == NULL)
    {
      applet->details = lmn_details_window_new (applet->app, applet->watcher);
      g_signal_connect (applet->details, "destroy", G_CALLBACK (details_destroyed), applet);
    }
  gtk_window_present (GTK_WINDOW (applet->details));
}

static void
quit (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  Applet *applet = user_data;

  g_application_quit (G_APPLICATION (applet->app));
}

#ifdef HAVE_LIBNM
static void
vpn_failed (LmnVpnToggle *toggle, const char *message, Applet *applet)
{
  if (applet->notifier != NULL)
    lmn_notifier_vpn_failed (applet->notifier, message);
}
#endif

static void
startup (GApplication *app, Applet *applet)
{
  const GActionEntry actions[] = {
    { .name = "details", .activate = show_details },
    { .name = "quit", .activate = quit },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (app), actions, G_N_ELEMENTS (actions), applet);
  gtk_window_set_default_icon_name ("lispmn-registered");
  applet->watcher = lmn_node_watcher_new ();
#ifdef HAVE_LIBNM
  applet->vpn_toggle = G_OBJECT (lmn_vpn_toggle_new ());
#endif
  applet->tray = lmn_tray_new (app, applet->watcher, applet->vpn_toggle);
  applet->notifier = lmn_notifier_new (app, applet->watcher);
#ifdef HAVE_LIBNM
  g_signal_connect (applet->vpn_toggle, "failed", G_CALLBACK (vpn_failed), applet);
#endif
  /* No window to keep it alive: the panel icon is the application. */
  g_application_hold (app);
}

static void
activate (GApplication *app, Applet *applet)
{
  /* Started again while running: nothing new to show; the icon is already there. */
}

static void
shutdown (GApplication *app, Applet *applet)
{
  if (applet->details != NULL)
    gtk_widget_destroy (GTK_WIDGET (applet->details));
  g_clear_pointer (&applet->notifier, lmn_notifier_free);
  g_clear_pointer (&applet->tray, lmn_tray_free);
  g_clear_object (&applet->vpn_toggle);
  g_clear_object (&applet->watcher);
}

static int
handle_local_options (GApplication *app, GVariantDict *options, Applet *applet)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("lispmn-applet %s\n", PACKAGE_VERSION);
      return 0;
    }
  return -1;   /* go on */
}

int
main (int argc, char **argv)
{
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };
  g_autoptr(GtkApplication) app = NULL;
  Applet applet = { 0 };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_application_name (_("LISP Mobile Node"));

  app = gtk_application_new (APPLICATION_ID, G_APPLICATION_FLAGS_NONE);
  applet.app = app;
  g_application_add_main_option_entries (G_APPLICATION (app), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (app), NULL);
  g_application_set_option_context_summary (G_APPLICATION (app),
    _("Shows the LISP mobile node (lispmnd) in the desktop panel: its EIDs, uplinks and\n"
      "map-servers, with a details window and notifications on handovers."));
  g_signal_connect (app, "handle-local-options", G_CALLBACK (handle_local_options), &applet);
  g_signal_connect (app, "startup", G_CALLBACK (startup), &applet);
  g_signal_connect (app, "activate", G_CALLBACK (activate), &applet);
  g_signal_connect (app, "shutdown", G_CALLBACK (shutdown), &applet);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
