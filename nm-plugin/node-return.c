#include "node-return.h"

#include "lmn-dbus-names.h"

struct _LmnNodeReturn {
  guint watch; /* of the bus name */
  guint timeout;
  gboolean done; /* func was called: nothing more */
  LmnNodeReturnFunc func;
  gpointer user_data;
};

/* The caller may free the wait from func: nothing touches it afterwards. */
static void
finish (LmnNodeReturn *wait, gboolean back)
{
  if (wait->done)
    return;
  wait->done = TRUE;
  g_clear_handle_id (&wait->timeout, g_source_remove);
  wait->func (back, wait->user_data);
}

static void
on_appeared (GDBusConnection *bus, const char *name, const char *owner, gpointer user_data)
{
  finish (user_data, TRUE);
}

static gboolean
on_timeout (gpointer user_data)
{
  LmnNodeReturn *wait = user_data;

  wait->timeout = 0;
  finish (wait, FALSE);
  return G_SOURCE_REMOVE;
}

LmnNodeReturn *
lmn_node_return_new (guint timeout_s, LmnNodeReturnFunc func, gpointer user_data)
{
  LmnNodeReturn *wait = g_new0 (LmnNodeReturn, 1);

  wait->func = func;
  wait->user_data = user_data;
  wait->timeout = g_timeout_add_seconds (timeout_s, on_timeout, wait);
  /* Without auto-start: a lispmnd started by us would be one nobody supervises. */
  wait->watch = g_bus_watch_name (G_BUS_TYPE_SYSTEM, LMN_DBUS_BUS_NAME,
                                  G_BUS_NAME_WATCHER_FLAGS_NONE, on_appeared, NULL, wait, NULL);
  return wait;
}

void
lmn_node_return_free (LmnNodeReturn *wait)
{
  if (wait == NULL)
    return;
  g_clear_handle_id (&wait->timeout, g_source_remove);
  if (wait->watch != 0)
    g_bus_unwatch_name (wait->watch);
  g_free (wait);
}
