/* notifier.c: desktop notifications on handovers and registration failures. */
#include "config.h"

#include "notifier.h"

#include <glib/gi18n.h>

#define SETTINGS_SCHEMA "org.lispmn.Applet"

struct _LmnNotifier
{
  GApplication *app;
  LmnNodeWatcher *watcher;
  GSettings *settings;   /* NULL when the schema is not installed: everything is on */
};

/* Whether the user wants notifications of this kind. */
static gboolean
wanted (LmnNotifier *self, const char *key)
{
  return self->settings == NULL || g_settings_get_boolean (self->settings, key);
}

char *
lmn_notifier_handover_text (const char *const *came, const char *const *went,
                            double reregistration_seconds)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (came != NULL && came[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) came);
      /* TRANSLATORS: %s is a list of addresses */
      g_string_append_printf (text, _("Now using %s."), list);
    }
  if (went != NULL && went[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) went);

      if (text->len > 0)
        g_string_append_c (text, ' ');
      /* TRANSLATORS: %s is a list of addresses */
      g_string_append_printf (text, _("No longer using %s."), list);
    }
  if (reregistration_seconds >= 0)
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append_printf (text, _("The map-servers confirmed it in %.1f s."), reregistration_seconds);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
on_handover (LmnNodeWatcher *watcher, char **came, char **went, double reregistration_seconds,
             LmnNotifier *self)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *body = NULL;

  if (!wanted (self, "notify-handover"))
    return;
  body = lmn_notifier_handover_text ((const char *const *) came, (const char *const *) went,
                                     reregistration_seconds);
  notification = g_notification_new (_("LISP mobile node: uplinks changed"));
  g_notification_set_body (notification, body);
  g_notification_set_default_action (notification, "app.details");
  /* one id: a newer handover replaces the older notification instead of piling up */
  g_application_send_notification (self->app, "handover", notification);
}

static void
on_registration_failed (LmnNodeWatcher *watcher, const char *map_server, const char *error,
                        LmnNotifier *self)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *body = NULL;

  if (!wanted (self, "notify-registration-failure"))
    return;
  /* TRANSLATORS: %s is the map-server's address */
  body = g_strdup_printf (_("Map-server %s rejected the registration: authentication failed. "
                            "Check the key in the mobile node's configuration."), map_server);
  if (error != NULL && *error != '\0')
    {
      g_autofree char *plain = g_steal_pointer (&body);
      body = g_strdup_printf ("%s\n(%s)", plain, error);
    }
  notification = g_notification_new (_("LISP registration failed"));
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action (notification, "app.details");
  g_application_send_notification (self->app, "registration-failed", notification);
}

void
lmn_notifier_vpn_failed (LmnNotifier *self, const char *message)
{
  g_autoptr(GNotification) notification = g_notification_new (_("The LISP connection failed"));

  g_notification_set_body (notification, message);
  g_application_send_notification (self->app, "vpn-failed", notification);
}

LmnNotifier *
lmn_notifier_new (GApplication *app, LmnNodeWatcher *watcher)
{
  LmnNotifier *self = g_new0 (LmnNotifier, 1);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  self->app = g_object_ref (app);
  self->watcher = g_object_ref (watcher);
  /* g_settings_new() aborts without its schema; an uninstalled build must still run. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SETTINGS_SCHEMA, TRUE);
  if (schema != NULL)
    self->settings = g_settings_new_full (schema, NULL, NULL);
  else
    g_warning ("The settings schema %s is not installed: every notification is on", SETTINGS_SCHEMA);
  g_signal_connect (watcher, "handover", G_CALLBACK (on_handover), self);
  g_signal_connect (watcher, "registration-failed", G_CALLBACK (on_registration_failed), self);
  return self;
}

void
lmn_notifier_free (LmnNotifier *self)
{
  if (self == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->watcher, self);
  g_clear_object (&self->watcher);
  g_clear_object (&self->app);
  g_clear_object (&self->settings);
  g_free (self);
}
