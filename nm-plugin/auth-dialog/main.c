/* nm-lispmn-auth-dialog: asks for the lispmn VPN's map-server key when the profile does not
 * keep it ("ask every time"). NetworkManager's secret agent (GNOME Shell, nm-applet) runs
 * it with the connection on the command line and the profile's data and known secrets on
 * stdin. In GNOME Shell's external UI mode it only says what to ask (a keyfile on stdout)
 * and the shell asks in its own prompt; otherwise it shows a window, answers on stdout and
 * waits for "QUIT" on stdin, as the protocol wants. */
#include "secrets-request.h"

#include "vpn-data.h"

#include <NetworkManager.h>
#include <gtk/gtk.h>
#include <nma-vpn-password-dialog.h>
#include <stdio.h>
#include <string.h>

#define LMN_VPN_SERVICE "org.freedesktop.NetworkManager.lispmn"

/* The agent closes us by writing QUIT (or by closing stdin). */
static void
wait_for_quit (void)
{
  char line[128];

  while (fgets (line, sizeof line, stdin) != NULL)
    if (strncmp (line, "QUIT", 4) == 0)
      break;
}

/* The window of nm-applet's mode; NULL when cancelled. */
static gchar *
ask (const LmnSecretsRequest *request)
{
  g_autofree gchar *title = g_strdup_printf ("Authenticate VPN %s",
                                             request->name != NULL ? request->name : "");
  const char *message = request->reprompt ? "The map-server refused the key. Enter the right one."
                                          : "The map-server key is needed to register the EIDs.";
  GtkWidget *dialog = nma_vpn_password_dialog_new (title, message, NULL);
  gchar *key = NULL;

  nma_vpn_password_dialog_set_password_label (NMA_VPN_PASSWORD_DIALOG (dialog), "Map-server _key:");
  nma_vpn_password_dialog_set_show_password_secondary (NMA_VPN_PASSWORD_DIALOG (dialog), FALSE);
  nma_vpn_password_dialog_focus_password (NMA_VPN_PASSWORD_DIALOG (dialog));
  if (nma_vpn_password_dialog_run_and_block (NMA_VPN_PASSWORD_DIALOG (dialog)))
    key = g_strdup (nma_vpn_password_dialog_get_password (NMA_VPN_PASSWORD_DIALOG (dialog)));
  gtk_widget_destroy (dialog);
  return key;
}

int
main (int argc, char **argv)
{
  g_autofree gchar *uuid = NULL, *service = NULL;
  gboolean external_ui = FALSE;
  LmnSecretsRequest request = { 0 };
  g_autofree gchar *key = NULL, *answer = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry options[] = {
    { "reprompt", 'r', 0, G_OPTION_ARG_NONE, &request.reprompt, "Ask again (the key was refused)",
      NULL },
    { "uuid", 'u', 0, G_OPTION_ARG_STRING, &uuid, "The connection's UUID", "UUID" },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &request.name, "The connection's name", "NAME" },
    { "service", 's', 0, G_OPTION_ARG_STRING, &service, "The VPN service", "SERVICE" },
    { "allow-interaction", 'i', 0, G_OPTION_ARG_NONE, &request.interactive, "May ask the user",
      NULL },
    { "hint", 't', 0, G_OPTION_ARG_STRING_ARRAY, &request.hints, "A secret the service needs",
      "KEY" },
    { "external-ui-mode", 0, 0, G_OPTION_ARG_NONE, &external_ui, "Say what to ask (GNOME Shell)",
      NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (
    "- ask for the lispmn VPN's map-server key");

  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("nm-lispmn-auth-dialog: %s\n", error->message);
      return 1;
    }
  if (uuid == NULL || request.name == NULL || g_strcmp0 (service, LMN_VPN_SERVICE) != 0)
    {
      g_printerr ("nm-lispmn-auth-dialog: needs --uuid, --name and --service " LMN_VPN_SERVICE
                  " (it is run by NetworkManager's secret agent)\n");
      return 1;
    }
  if (!nm_vpn_service_plugin_read_vpn_details (0, &request.data, &request.secrets))
    {
      g_printerr ("nm-lispmn-auth-dialog: no connection details on stdin (DATA_KEY=..., DONE)\n");
      return 1;
    }
  if (external_ui)
    {
      g_autofree gchar *ui = lmn_secrets_request_external_ui (&request);

      fputs (ui, stdout);
      return 0;
    }
  key = g_strdup (g_hash_table_lookup (request.secrets, LMN_VPN_SECRET_MAP_SERVER_KEY));
  if (lmn_secrets_request_should_ask (&request) && request.interactive)
    {
      g_free (key);
      gtk_init (&argc, &argv);
      key = ask (&request);
      if (key == NULL)
        return 1;
    }
  if (key != NULL && strchr (key, '\n') != NULL)
    {
      g_printerr ("nm-lispmn-auth-dialog: a map-server key has no line break\n");
      return 1;
    }
  answer = lmn_secrets_request_answer (key);
  fputs (answer, stdout);
  fflush (stdout);
  wait_for_quit ();
  return 0;
}
