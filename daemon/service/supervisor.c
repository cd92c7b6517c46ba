#include "supervisor.h"

#include "state-file.h"

struct _LmnSupervisor {
  LmnConfig               *config;
  LmnConfig               *file_config;  /* as read from the file: what Configure merges over */
  gchar                   *state_file;
  gboolean                 debug;
  LmnNode                 *node;
  GPtrArray               *uplinks;  /* LmnUplinkConfig* set by SetRlocs; NULL: the file's */
  LmnSupervisorChangedFunc changed;
  gpointer                 changed_data;
};

LmnSupervisor *
lmn_supervisor_new (LmnConfig *config, const char *state_file, gboolean debug)
{
  LmnSupervisor *sup = g_new0 (LmnSupervisor, 1);

  sup->config = config;
  sup->file_config = lmn_config_copy (config);
  sup->state_file = g_strdup (state_file);
  sup->debug = debug;
  return sup;
}

void
lmn_supervisor_free (LmnSupervisor *sup)
{
  if (sup == NULL)
    return;
  g_clear_pointer (&sup->node, lmn_node_free);
  g_clear_pointer (&sup->uplinks, g_ptr_array_unref);
  lmn_config_free (sup->config);
  lmn_config_free (sup->file_config);
  g_free (sup->state_file);
  g_free (sup);
}

static void
notify (LmnSupervisor *sup)
{
  if (sup->changed != NULL)
    sup->changed (sup, sup->changed_data);
}

static void
write_state (LmnSupervisor *sup)
{
  g_autoptr(GError) error = NULL;

  if (sup->state_file == NULL)
    return;
  if (!lmn_state_file_write (sup->state_file, sup->node, &error))
    g_warning ("%s: %s", sup->state_file, error->message);
}

/* The node's state changed: the state file first, then who watches (D-Bus). */
static void
on_node_changed (LmnNode *node, gpointer user_data)
{
  write_state (user_data);
  notify (user_data);
}

gboolean
lmn_supervisor_start (LmnSupervisor *sup, GError **error)
{
  if (sup->node != NULL)
    return TRUE;
  sup->node = lmn_node_new (sup->config, sup->debug, error);
  if (sup->node == NULL)
    return FALSE;
  write_state (sup);
  lmn_node_set_changed_func (sup->node, on_node_changed, sup);
  if (sup->uplinks != NULL)
    lmn_node_set_uplinks (sup->node, (const LmnUplinkConfig *const *) sup->uplinks->pdata,
                          sup->uplinks->len);
  notify (sup);
  return TRUE;
}

gboolean
lmn_supervisor_reconfigure (LmnSupervisor *sup, LmnConfig *config, GError **error)
{
  gboolean was_running = sup->node != NULL;
  LmnConfig *old = sup->config;

  /* The old node first: the new one may want the same TUN name and sockets. */
  g_clear_pointer (&sup->node, lmn_node_free);
  sup->config = config;
  if (lmn_supervisor_start (sup, error))
    {
      g_message ("mobile node restarted with a new configuration");
      lmn_config_free (old);
      return TRUE;
    }
  lmn_config_free (sup->config);
  sup->config = old;
  if (was_running)
    {
      g_autoptr(GError) again = NULL;

      if (!lmn_supervisor_start (sup, &again))
        g_warning ("cannot restart the mobile node with its previous configuration: %s",
                   again->message);
    }
  notify (sup);
  return FALSE;
}

void
lmn_supervisor_set_uplinks (LmnSupervisor *sup, const LmnUplinkConfig *const *uplinks, guint n)
{
  g_clear_pointer (&sup->uplinks, g_ptr_array_unref);
  sup->uplinks = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_uplink_config_free);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (sup->uplinks, lmn_uplink_config_copy (uplinks[i]));
  if (sup->node != NULL)
    lmn_node_set_uplinks (sup->node, uplinks, n);
}

void
lmn_supervisor_stop (LmnSupervisor *sup)
{
  if (sup->node == NULL)
    return;
  g_clear_pointer (&sup->node, lmn_node_free);
  g_message ("mobile node stopped");
  notify (sup);
}

LmnNode *
lmn_supervisor_get_node (LmnSupervisor *sup)
{
  return sup->node;
}

const LmnConfig *
lmn_supervisor_get_config (LmnSupervisor *sup)
{
  return sup->config;
}

const LmnConfig *
lmn_supervisor_get_file_config (LmnSupervisor *sup)
{
  return sup->file_config;
}

void
lmn_supervisor_write_state (LmnSupervisor *sup)
{
  if (sup->node != NULL)
    write_state (sup);
}

void
lmn_supervisor_set_changed_func (LmnSupervisor *sup, LmnSupervisorChangedFunc func,
                                 gpointer user_data)
{
  sup->changed = func;
  sup->changed_data = user_data;
}
