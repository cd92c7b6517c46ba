/* notifier.c: desktop notifications on handovers and registration failures. A handover
 * tells a move the user did not make (an uplink lost or found), in the uplinks' names: the
 * node starting or stopping because the user connected or disconnected is no news. */
#include "config.h"

#include "notifier.h"

#include "status-text.h"

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

/* The RLOC dictionary of @address in @rlocs (aa{sv}), or NULL. */
static GVariant *
find_rloc (GVariant *rlocs, const char *address)
{
  if (rlocs == NULL || !g_variant_is_of_type (rlocs, G_VARIANT_TYPE ("aa{sv}")))
    return NULL;
  for (gsize i = 0; i < g_variant_n_children (rlocs); i++)
    {
      g_autoptr(GVariant) rloc = g_variant_get_child_value (rlocs, i);

      if (g_strcmp0 (lmn_status_lookup_string (rloc, "address"), address) == 0)
        return g_steal_pointer (&rloc);
    }
  return NULL;
}

/* "Home Wi-Fi (198.51.100.1)", "up1 (198.51.100.1)": the uplink's NetworkManager connection
 * or interface, which a person knows, with the address; the address alone when unknown. */
static char *
addresses_text (const char *const *addresses, GVariant *rlocs)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; addresses[i] != NULL; i++)
    {
      g_autoptr(GVariant) rloc = find_rloc (rlocs, addresses[i]);
      const char *name = lmn_status_lookup_string (rloc, "connection");

      if (name == NULL || *name == '\0')
        name = lmn_status_lookup_string (rloc, "interface");
      if (text->len > 0)
        g_string_append (text, ", ");
      if (name != NULL && *name != '\0')
        g_string_append_printf (text, "%s (%s)", name, addresses[i]);
      else
        g_string_append (text, addresses[i]);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
lmn_notifier_handover_text (const char *const *came, const char *const *went,
                            double reregistration_seconds, GVariant *rlocs)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (came != NULL && came[0] != NULL)
    {
      g_autofree char *list = addresses_text (came, rlocs);
      /* TRANSLATORS: %s is a list of uplinks, e.g. "Home Wi-Fi (198.51.100.1)" */
      g_string_append_printf (text, _("Now using %s."), list);
    }
  if (went != NULL && went[0] != NULL)
    {
      g_autofree char *list = addresses_text (went, rlocs);

      if (text->len > 0)
        g_string_append_c (text, ' ');
      /* TRANSLATORS: %s is a list of uplinks, e.g. "Home Wi-Fi (198.51.100.1)" */
      g_string_append_printf (text, _("No longer using %s."), list);
    }
  /* Under a tenth of a second is "at once": no figure that reads like a fault. */
  if (reregistration_seconds >= 0.1)
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append_printf (text, _("The map-servers confirmed it in %.1f s."), reregistration_seconds);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
rloc_is_up (GVariant *rlocs, const char *address)
{
  g_autoptr(GVariant) rloc = find_rloc (rlocs, address);

  return g_strcmp0 (lmn_status_lookup_string (rloc, "state"), "up") == 0;
}

gboolean
lmn_notifier_handover_is_move (const char *const *came, const char *const *went, const char *state,
                               GVariant *rlocs)
{
  gboolean came_any = came != NULL && came[0] != NULL;
  gboolean went_any = went != NULL && went[0] != NULL;

  /* Disconnected (the node stopped): every RLOC went, on purpose. */
  if (g_strcmp0 (state, "stopped") == 0 || (!came_any && !went_any))
    return FALSE;
  /* Connected: nothing went, and every RLOC up now is one that came, so there was none. */
  if (came_any && !went_any && rlocs != NULL &&
      g_variant_is_of_type (rlocs, G_VARIANT_TYPE ("aa{sv}")))
    {
      for (gsize i = 0; i < g_variant_n_children (rlocs); i++)
        {
          g_autoptr(GVariant) rloc = g_variant_get_child_value (rlocs, i);
          const char *address = lmn_status_lookup_string (rloc, "address");

          if (rloc_is_up (rlocs, address) && !g_strv_contains (came, address))
            return TRUE;
        }
      return FALSE;
    }
  return TRUE;
}

static void
set_icon (GNotification *notification, const char *icon_name)
{
  g_autoptr(GIcon) icon = g_themed_icon_new (icon_name);

  g_notification_set_icon (notification, icon);
}

/* Whether NetworkManager runs the node (the plugin names each uplink's connection): the key
 * is then in the VPN profile, not in a lispmnd.conf. */
static gboolean
run_by_networkmanager (LmnNodeWatcher *watcher)
{
  g_autoptr(GVariant) rlocs = lmn_node_watcher_dup_property (watcher, "Rlocs");

  if (rlocs == NULL || !g_variant_is_of_type (rlocs, G_VARIANT_TYPE ("aa{sv}")))
    return FALSE;
  for (gsize i = 0; i < g_variant_n_children (rlocs); i++)
    {
      g_autoptr(GVariant) rloc = g_variant_get_child_value (rlocs, i);
      const char *connection = lmn_status_lookup_string (rloc, "connection");

      if (connection != NULL && *connection != '\0')
        return TRUE;
    }
  return FALSE;
}

static void
on_handover (LmnNodeWatcher *watcher, char **came, char **went, double reregistration_seconds,
             LmnNotifier *self)
{
  g_autoptr(GNotification) notification = NULL;
  g_autoptr(GVariant) rlocs = lmn_node_watcher_dup_property (watcher, "Rlocs");
  g_autofree char *state = lmn_node_watcher_dup_state (watcher);
  g_autofree char *body = NULL;

  if (!wanted (self, "notify-handover") ||
      !lmn_notifier_handover_is_move ((const char *const *) came, (const char *const *) went, state,
                                      rlocs))
    return;
  body = lmn_notifier_handover_text ((const char *const *) came, (const char *const *) went,
                                     reregistration_seconds, rlocs);
  notification = g_notification_new (_("LISP mobile node: uplinks changed"));
  g_notification_set_body (notification, body);
  set_icon (notification, "lispmn-registered");
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
  if (run_by_networkmanager (watcher))
    /* TRANSLATORS: %s is the map-server's address */
    body = g_strdup_printf (_ ("Map-server %s rejected the registration: wrong key. Check the "
                               "key (map-server-key) of the LISP VPN connection in "
                               "NetworkManager."),
                            map_server);
  else
    /* TRANSLATORS: %s is the map-server's address */
    body = g_strdup_printf (_ ("Map-server %s rejected the registration: authentication failed. "
                               "Check the key in the mobile node's configuration."),
                            map_server);
  if (error != NULL && *error != '\0')
    {
      g_autofree char *plain = g_steal_pointer (&body);
      body = g_strdup_printf ("%s\n(%s)", plain, error);
    }
  notification = g_notification_new (_("LISP registration failed"));
  g_notification_set_body (notification, body);
  set_icon (notification, "lispmn-auth-failed");
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action (notification, "app.details");
  g_application_send_notification (self->app, "registration-failed", notification);
}

void
lmn_notifier_vpn_failed (LmnNotifier *self, const char *message)
{
  g_autoptr(GNotification) notification = g_notification_new (_("The LISP connection failed"));

  g_notification_set_body (notification, message);
  set_icon (notification, "lispmn-not-running");
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
