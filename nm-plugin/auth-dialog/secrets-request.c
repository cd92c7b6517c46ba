/* The decisions and texts of nm-lispmn-auth-dialog (see secrets-request.h). */
#include "secrets-request.h"

#include "vpn-data.h"

#include <NetworkManager.h>

#define UI_GROUP "VPN Plugin UI"

static NMSettingSecretFlags
key_flags (const LmnSecretsRequest *request)
{
  NMSettingSecretFlags flags = NM_SETTING_SECRET_FLAG_NONE;

  nm_vpn_service_plugin_get_secret_flags (request->data, LMN_VPN_SECRET_MAP_SERVER_KEY, &flags);
  return flags;
}

/* Hints name the secrets the service is missing: when it names some, and not ours, ours
 * is not needed. "x-vpn-message:" hints are messages, not secrets. */
static gboolean
hinted (const LmnSecretsRequest *request)
{
  gboolean secrets_named = FALSE;

  for (guint i = 0; request->hints != NULL && request->hints[i] != NULL; i++)
    {
      if (g_str_has_prefix (request->hints[i], "x-vpn-message:"))
        continue;
      if (g_str_equal (request->hints[i], LMN_VPN_SECRET_MAP_SERVER_KEY))
        return TRUE;
      secrets_named = TRUE;
    }
  return !secrets_named;
}

gboolean
lmn_secrets_request_should_ask (const LmnSecretsRequest *request)
{
  NMSettingSecretFlags flags = key_flags (request);
  const char *known = g_hash_table_lookup (request->secrets, LMN_VPN_SECRET_MAP_SERVER_KEY);

  if (flags & NM_SETTING_SECRET_FLAG_NOT_REQUIRED)
    return FALSE;
  if (!hinted (request))
    return FALSE;
  if (request->reprompt || (flags & NM_SETTING_SECRET_FLAG_NOT_SAVED))
    return TRUE;
  return known == NULL || known[0] == '\0';
}

gchar *
lmn_secrets_request_external_ui (const LmnSecretsRequest *request)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  const char *known = g_hash_table_lookup (request->secrets, LMN_VPN_SECRET_MAP_SERVER_KEY);
  g_autofree gchar *title = g_strdup_printf ("Authenticate VPN %s",
                                             request->name != NULL ? request->name : "");
  const char *description = request->reprompt
                              ? "The map-server refused the key. Enter the right one."
                              : "The map-server key is needed to register the EIDs.";

  g_key_file_set_integer (file, UI_GROUP, "Version", 2);
  g_key_file_set_string (file, UI_GROUP, "Description", description);
  g_key_file_set_string (file, UI_GROUP, "Title", title);
  g_key_file_set_string (file, LMN_VPN_SECRET_MAP_SERVER_KEY, "Value",
                         known != NULL && !request->reprompt ? known : "");
  g_key_file_set_string (file, LMN_VPN_SECRET_MAP_SERVER_KEY, "Label", "Map-server key");
  g_key_file_set_boolean (file, LMN_VPN_SECRET_MAP_SERVER_KEY, "IsSecret", TRUE);
  g_key_file_set_boolean (file, LMN_VPN_SECRET_MAP_SERVER_KEY, "ShouldAsk",
                          request->interactive && lmn_secrets_request_should_ask (request));
  return g_key_file_to_data (file, NULL, NULL);
}

gchar *
lmn_secrets_request_answer (const char *key)
{
  if (key == NULL || key[0] == '\0')
    return g_strdup ("\n\n");
  /* One key per line: a key with a newline cannot be said, and is no key lispmnd takes. */
  return g_strdup_printf ("%s\n%s\n\n\n", LMN_VPN_SECRET_MAP_SERVER_KEY, key);
}
