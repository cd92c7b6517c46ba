#include "node-watch.h"

#include "lmn-dbus-generated.h"
#include "lmn-dbus-names.h"

struct _LmnNodeWatch {
  LmnDbusMobileNode1 *proxy;
  GCancellable *cancellable;
  gchar *owner; /* the unique name of the lispmnd we watch */
  gboolean registered;
  gboolean done; /* a failure or GONE was reported: nothing more */
  LmnNodeEventFunc func;
  gpointer user_data;
};

static void
report (LmnNodeWatch *watch, LmnNodeEvent event, const char *reason)
{
  if (watch->done)
    return;
  if (event == LMN_NODE_REGISTERED)
    watch->registered = TRUE;
  else
    watch->done = TRUE;
  watch->func (event, reason, watch->user_data);
}

/* Called on every change: the caller may free the watch from its callback, so nothing
 * touches it after report(). */
static void
evaluate (LmnNodeWatch *watch)
{
  const char *state = lmn_dbus_mobile_node1_get_state (watch->proxy);
  g_autofree gchar *reason = NULL;
  LmnVerdict verdict;

  if (state != NULL && g_str_equal (state, "stopped"))
    {
      report (watch, LMN_NODE_STOPPED, "lispmnd's mobile node was stopped (lispmnctl stop?)");
      return;
    }
  if (watch->registered)
    return;
  verdict = lmn_registration_verdict (lmn_dbus_mobile_node1_get_map_servers (watch->proxy),
                                      &reason);
  switch (verdict)
    {
    case LMN_VERDICT_PENDING:
      break;
    case LMN_VERDICT_REGISTERED:
      report (watch, LMN_NODE_REGISTERED, NULL);
      break;
    case LMN_VERDICT_WRONG_KEY:
      report (watch, LMN_NODE_WRONG_KEY, reason);
      break;
    case LMN_VERDICT_UNREACHABLE:
      report (watch, LMN_NODE_UNREACHABLE, reason);
      break;
    }
}

static void
on_properties_changed (GDBusProxy *proxy, GVariant *changed, GStrv invalidated, gpointer user_data)
{
  evaluate (user_data);
}

static void
on_owner (GObject *proxy, GParamSpec *pspec, gpointer user_data)
{
  LmnNodeWatch *watch = user_data;
  g_autofree gchar *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (proxy));

  /* A new owner is a restarted lispmnd: it does not have our configuration. */
  if (g_strcmp0 (owner, watch->owner) != 0)
    report (watch, LMN_NODE_GONE,
            owner == NULL ? "lispmnd exited (crashed or was stopped)"
                          : "lispmnd was restarted and lost the connection's configuration");
}

static void
on_proxy (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  LmnDbusMobileNode1 *proxy = lmn_dbus_mobile_node1_proxy_new_for_bus_finish (result, &error);
  LmnNodeWatch *watch;

  if (proxy == NULL)
    {
      g_autofree gchar *reason = NULL;

      /* Cancelled: the watch is freed already. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      reason = g_strdup_printf ("cannot watch lispmnd: %s", error->message);
      report (user_data, LMN_NODE_GONE, reason);
      return;
    }
  watch = user_data;
  watch->proxy = proxy;
  watch->owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (proxy));
  if (watch->owner == NULL)
    {
      report (watch, LMN_NODE_GONE, "lispmnd exited (crashed or was stopped)");
      return;
    }
  g_signal_connect (proxy, "notify::g-name-owner", G_CALLBACK (on_owner), watch);
  g_signal_connect (proxy, "g-properties-changed", G_CALLBACK (on_properties_changed), watch);
  evaluate (watch);
}

LmnNodeWatch *
lmn_node_watch_new (LmnNodeEventFunc func, gpointer user_data)
{
  LmnNodeWatch *watch = g_new0 (LmnNodeWatch, 1);

  watch->func = func;
  watch->user_data = user_data;
  watch->cancellable = g_cancellable_new ();
  /* Never through D-Bus activation: a lispmnd started now would not be configured. */
  lmn_dbus_mobile_node1_proxy_new_for_bus (G_BUS_TYPE_SYSTEM, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                           LMN_DBUS_BUS_NAME, LMN_DBUS_OBJECT_PATH,
                                           watch->cancellable, on_proxy, watch);
  return watch;
}

void
lmn_node_watch_free (LmnNodeWatch *watch)
{
  if (watch == NULL)
    return;
  g_cancellable_cancel (watch->cancellable);
  g_clear_object (&watch->cancellable);
  if (watch->proxy != NULL)
    g_signal_handlers_disconnect_by_data (watch->proxy, watch);
  g_clear_object (&watch->proxy);
  g_free (watch->owner);
  g_free (watch);
}
