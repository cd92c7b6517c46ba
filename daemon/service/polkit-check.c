#include "polkit-check.h"

#define ALLOW_USER_INTERACTION 1u  /* CheckAuthorization flags: let an agent ask a password */

typedef struct {
  GDBusMethodInvocation *invocation;
  gchar                 *action_id;
  LmnAuthorizedFunc      func;
  gpointer               user_data;
  GDestroyNotify         destroy;
} Check;

static void
check_free (Check *check)
{
  g_object_unref (check->invocation);
  if (check->destroy != NULL)
    check->destroy (check->user_data);
  g_free (check->action_id);
  g_free (check);
}

static void
on_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Check *check = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  gboolean authorized = FALSE, challenge = FALSE;

  if (reply == NULL)
    {
      g_dbus_method_invocation_return_error (check->invocation, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                                             "cannot ask polkit whether %s is allowed: %s",
                                             check->action_id, error->message);
    }
  else
    {
      g_variant_get (reply, "((bba{ss}))", &authorized, &challenge, NULL);
      if (authorized)
        check->func (check->invocation, check->user_data);
      else
        g_dbus_method_invocation_return_error (check->invocation, G_DBUS_ERROR,
                                               G_DBUS_ERROR_ACCESS_DENIED,
                                               "not authorized for %s%s", check->action_id,
                                               challenge ? " (authentication is needed)" : "");
    }
  check_free (check);
}

void
lmn_polkit_check (GDBusMethodInvocation *invocation, const char *action_id,
                  LmnAuthorizedFunc func, gpointer user_data)
{
  lmn_polkit_check_full (invocation, action_id, func, user_data, NULL);
}

void
lmn_polkit_check_full (GDBusMethodInvocation *invocation, const char *action_id,
                       LmnAuthorizedFunc func, gpointer user_data, GDestroyNotify destroy)
{
  Check *check = g_new0 (Check, 1);
  GVariantBuilder subject;

  check->invocation = g_object_ref (invocation);
  check->action_id = g_strdup (action_id);
  check->func = func;
  check->user_data = user_data;
  check->destroy = destroy;
  /* The subject is the caller's unique bus name: polkit resolves it to its process and
   * user itself, so a caller cannot claim to be someone else. */
  g_variant_builder_init (&subject, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&subject, "{sv}", "name",
                         g_variant_new_string (g_dbus_method_invocation_get_sender (invocation)));
  g_dbus_connection_call (g_dbus_method_invocation_get_connection (invocation),
                          "org.freedesktop.PolicyKit1", "/org/freedesktop/PolicyKit1/Authority",
                          "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization",
                          g_variant_new ("((sa{sv})sa{ss}us)", "system-bus-name", &subject,
                                         action_id, NULL, ALLOW_USER_INTERACTION, ""),
                          G_VARIANT_TYPE ("((bba{ss}))"), G_DBUS_CALL_FLAGS_NONE,
                          G_MAXINT /* an agent may take its time asking */, NULL, on_checked, check);
}
