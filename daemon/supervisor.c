#include "supervisor.h"

struct _LmnSupervisor {
  LmnConfig               *config;
  gchar                   *state_file;
  gboolean                 debug;
  LmnNode                 *node;
  LmnSupervisorChangedFunc changed;
  gpointer                 changed_data;
};

LmnSupervisor *
lmn_supervisor_new (LmnConfig *config, const char *state_file, gboolean debug)
{
  LmnSupervisor *sup = g_new0 (LmnSupervisor, 1);

  sup->config = config;
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
  lmn_config_free (sup->config);
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
on_node_changed (LmnNode *node, gpointer user_data)
{
  notify (user_data);
}

gboolean
lmn_supervisor_start (LmnSupervisor *sup, GError **error)
{
  if (sup->node != NULL)
    return TRUE;
  sup->node = lmn_node_new (sup->config, sup->state_file, sup->debug, error);
  if (sup->node == NULL)
    return FALSE;
  lmn_node_set_changed_func (sup->node, on_node_changed, sup);
  notify (sup);
  return TRUE;
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

void
lmn_supervisor_write_state (LmnSupervisor *sup)
{
  if (sup->node != NULL)
    lmn_node_write_state (sup->node);
}

void
lmn_supervisor_set_changed_func (LmnSupervisor *sup, LmnSupervisorChangedFunc func,
                                 gpointer user_data)
{
  sup->changed = func;
  sup->changed_data = user_data;
}
