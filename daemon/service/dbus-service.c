#include "dbus-service.h"

#include "handover-tracker.h"
#include "lookup.h"
#include "method-arguments.h"
#include "node-state.h"
#include "polkit-check.h"
#include "lmn-dbus-generated.h"
#include "lmn-dbus-names.h"

#include <string.h>


struct _LmnDbusService {
  LmnSupervisor      *sup;
  LmnDbusMobileNode1 *skeleton;
  guint               owner_id;
  guint               counters_timer;
  LmnCounters         published;   /* the counters last put in the property */
  LmnControlCounters  published_control;
  GHashTable         *up_rlocs;    /* address strings usable at the last update */
  LmnHandoverTracker *handovers;
  LmnLookups         *lookups;
};

/* The addresses of the RLOCs that are up, from the Rlocs property's value. */
static GHashTable *
up_addresses (GVariant *rlocs)
{
  GHashTable *up = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GVariantIter iter;
  GVariant *next;

  g_variant_iter_init (&iter, rlocs);
  while ((next = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) rloc = next;
      const char *address, *state;

      if (g_variant_lookup (rloc, "state", "&s", &state) && g_str_equal (state, "up") &&
          g_variant_lookup (rloc, "address", "&s", &address))
        g_hash_table_add (up, g_strdup (address));
    }
  return up;
}

/* The RLOC-dependent properties, and the Handover signal when the usable set changed. */
static void
update_rlocs (LmnDbusService *svc, gboolean signal_handover)
{
  LmnNode *node = lmn_supervisor_get_node (svc->sup);
  g_autoptr(GVariant) rlocs = g_variant_ref_sink (lmn_node_state_rlocs (node, LMN_STATE_VIEW_DBUS));
  g_autoptr(GHashTable) up_now = up_addresses (rlocs);
  g_autoptr(GPtrArray) came = g_ptr_array_new ();
  g_autoptr(GPtrArray) went = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  lmn_dbus_mobile_node1_set_rlocs (svc->skeleton, rlocs);
  lmn_dbus_mobile_node1_set_state (svc->skeleton, lmn_node_state_name (node));
  lmn_dbus_mobile_node1_set_map_servers (svc->skeleton,
                                         lmn_node_state_map_servers (node, LMN_STATE_VIEW_DBUS));
  g_hash_table_iter_init (&iter, up_now);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (svc->up_rlocs, key))
      g_ptr_array_add (came, key);
  g_hash_table_iter_init (&iter, svc->up_rlocs);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (up_now, key))
      g_ptr_array_add (went, key);
  if (signal_handover)
    {
      lmn_handover_tracker_moved (svc->handovers, node, came, went);
      lmn_handover_tracker_update (svc->handovers, node);
    }
  g_hash_table_unref (svc->up_rlocs);
  svc->up_rlocs = g_steal_pointer (&up_now);
}

static void
on_handover (const gchar *const *came, const gchar *const *went, gdouble seconds,
             gpointer user_data)
{
  LmnDbusService *svc = user_data;

  lmn_dbus_mobile_node1_emit_handover (svc->skeleton, came, went, seconds);
}

static void
on_changed (LmnSupervisor *sup, gpointer user_data)
{
  update_rlocs (user_data, TRUE);
}

/* The counters move with every packet: publish them at most once a second, and only when
 * they moved, so that an idle daemon sends nothing. */
static gboolean
on_counters_timer (gpointer user_data)
{
  LmnDbusService *svc = user_data;
  LmnNode *node = lmn_supervisor_get_node (svc->sup);
  const LmnCounters *now;
  const LmnControlCounters *control;

  if (node == NULL)
    return G_SOURCE_CONTINUE;
  now = lmn_node_get_counters (node);
  control = lmn_node_get_control_counters (node);
  if (memcmp (now, &svc->published, sizeof *now) != 0 ||
      memcmp (control, &svc->published_control, sizeof *control) != 0)
    {
      svc->published = *now;
      svc->published_control = *control;
      lmn_dbus_mobile_node1_set_counters (svc->skeleton, lmn_node_state_counters (now, control));
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_get_map_cache (LmnDbusMobileNode1 *skeleton, GDBusMethodInvocation *invocation,
                  gpointer user_data)
{
  LmnDbusService *svc = user_data;
  LmnNode *node = lmn_supervisor_get_node (svc->sup);
  GVariant *entries = lmn_node_state_map_cache (node, LMN_STATE_VIEW_DBUS);

  lmn_dbus_mobile_node1_complete_get_map_cache (skeleton, invocation, entries);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
collect_learnt (const LispMapEntry *e, gpointer user_data)
{
  if (e->origin != LISP_MAP_ORIGIN_STATIC)
    g_array_append_val ((GArray *) user_data, e->prefix);
}

static void
flush_map_cache (GDBusMethodInvocation *invocation, gpointer user_data)
{
  LmnDbusService *svc = user_data;
  LmnNode *node = lmn_supervisor_get_node (svc->sup);
  LispMapCache *cache;
  g_autoptr(GArray) learnt = g_array_new (FALSE, FALSE, sizeof (LispPrefix));

  if (node == NULL)
    {
      g_dbus_method_invocation_return_error_literal (invocation, G_DBUS_ERROR, G_DBUS_ERROR_FAILED,
                                                     "the mobile node is stopped");
      return;
    }
  cache = lmn_node_get_map_cache (node);
  /* Collected first: the cache must not change while it is walked. */
  lisp_map_cache_foreach (cache, collect_learnt, learnt);
  for (guint i = 0; i < learnt->len; i++)
    lisp_map_cache_remove (cache, &g_array_index (learnt, LispPrefix, i));
  g_message ("map-cache flushed on request of %s: %u mappings forgotten",
             g_dbus_method_invocation_get_sender (invocation), learnt->len);
  lmn_dbus_mobile_node1_complete_flush_map_cache (svc->skeleton, invocation);
}

static gboolean
on_flush_map_cache (LmnDbusMobileNode1 *skeleton, GDBusMethodInvocation *invocation,
                    gpointer user_data)
{
  lmn_polkit_check (invocation, LMN_ACTION_CONTROL, flush_map_cache, user_data);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ---- Methods that change the node: arguments checked, then polkit asked ---- */

/* A call with good arguments (method-arguments.c), waiting for polkit to allow it. */
typedef struct {
  LmnDbusService *svc;
  gpointer        args;       /* what the arguments said; the handler may steal it */
  GDestroyNotify  args_free;
} CheckedCall;

static void
checked_call_free (gpointer data)
{
  CheckedCall *call = data;

  g_clear_pointer (&call->args, call->args_free);
  g_free (call);
}

/* Refuses the call at once when its arguments were bad (args NULL, error says why), else
 * runs func with a CheckedCall once polkit allows action. Checked before polkit is asked: a
 * bad call is refused the same for everyone. */
static gboolean
check_then_authorize (LmnDbusService *svc, GDBusMethodInvocation *invocation, gpointer args,
                      GDestroyNotify args_free, const GError *error, LmnAuthorizedFunc func)
{
  CheckedCall *call;

  if (args == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  call = g_new0 (CheckedCall, 1);
  call->svc = svc;
  call->args = args;
  call->args_free = args_free;
  lmn_polkit_check_full (invocation, LMN_ACTION_CONFIGURE, func, call, checked_call_free);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
set_rlocs (GDBusMethodInvocation *invocation, gpointer user_data)
{
  CheckedCall *call = user_data;
  GPtrArray *uplinks = call->args;

  g_message ("uplinks set by %s (%u)", g_dbus_method_invocation_get_sender (invocation),
             uplinks->len);
  /* Kept by the supervisor while the node is stopped, and across Configure. */
  lmn_supervisor_set_uplinks (call->svc->sup, (const LmnUplinkConfig *const *) uplinks->pdata,
                              uplinks->len);
  lmn_dbus_mobile_node1_complete_set_rlocs (call->svc->skeleton, invocation);
}

static gboolean
on_set_rlocs (LmnDbusMobileNode1 *skeleton, GDBusMethodInvocation *invocation, GVariant *list,
              gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *uplinks = lmn_args_set_rlocs (list, &error);

  return check_then_authorize (user_data, invocation, uplinks, (GDestroyNotify) g_ptr_array_unref,
                               error, set_rlocs);
}

static void
start (GDBusMethodInvocation *invocation, gpointer user_data)
{
  LmnDbusService *svc = user_data;
  g_autoptr(GError) error = NULL;

  if (!lmn_supervisor_start (svc->sup, &error))
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_FAILED,
                                             "cannot start the mobile node: %s", error->message);
      return;
    }
  lmn_dbus_mobile_node1_complete_start (svc->skeleton, invocation);
}

static void
stop (GDBusMethodInvocation *invocation, gpointer user_data)
{
  LmnDbusService *svc = user_data;

  lmn_supervisor_stop (svc->sup);
  lmn_dbus_mobile_node1_complete_stop (svc->skeleton, invocation);
}

static gboolean
on_start (LmnDbusMobileNode1 *skeleton, GDBusMethodInvocation *invocation, gpointer user_data)
{
  lmn_polkit_check (invocation, LMN_ACTION_CONTROL, start, user_data);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_stop (LmnDbusMobileNode1 *skeleton, GDBusMethodInvocation *invocation, gpointer user_data)
{
  lmn_polkit_check (invocation, LMN_ACTION_CONTROL, stop, user_data);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_lookup (LmnDbusMobileNode1 *skeleton, GDBusMethodInvocation *invocation, const gchar *eid,
           gpointer user_data)
{
  lmn_lookups_start (((LmnDbusService *) user_data)->lookups, invocation, eid);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* The properties that come from the configuration (none of them holds a key). */
static void
publish_config (LmnDbusService *svc)
{
  const LmnConfig *config = lmn_supervisor_get_config (svc->sup);
  g_auto(GStrv) eids = lmn_node_state_eids (config);
  g_auto(GStrv) resolvers = lmn_node_state_map_resolvers (config);
  g_auto(GStrv) petrs = lmn_node_state_proxy_etrs (config);

  lmn_dbus_mobile_node1_set_eids (svc->skeleton, (const gchar *const *) eids);
  lmn_dbus_mobile_node1_set_map_resolvers (svc->skeleton, (const gchar *const *) resolvers);
  lmn_dbus_mobile_node1_set_proxy_etrs (svc->skeleton, (const gchar *const *) petrs);
}

static void
configure (GDBusMethodInvocation *invocation, gpointer user_data)
{
  CheckedCall *call = user_data;
  LmnDbusService *svc = call->svc;
  LmnConfig *config = g_steal_pointer (&call->args);
  g_autoptr(GError) error = NULL;
  LmnNode *node;

  g_message ("new configuration from %s: %u EIDs, %u map-servers, %u map-resolvers",
             g_dbus_method_invocation_get_sender (invocation), config->eids->len,
             config->map_servers->len, config->map_resolvers->len);
  if (!lmn_supervisor_reconfigure (svc->sup, config, &error))
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_FAILED,
                                             "cannot start the mobile node with this configuration: %s",
                                             error->message);
      return;
    }
  publish_config (svc);
  update_rlocs (svc, TRUE);
  node = lmn_supervisor_get_node (svc->sup);
  lmn_dbus_mobile_node1_complete_configure (svc->skeleton, invocation,
                                            lmn_supervisor_get_config (svc->sup)->tun_name,
                                            lmn_node_get_mtu (node));
}

static gboolean
on_configure (LmnDbusMobileNode1 *skeleton, GDBusMethodInvocation *invocation,
              GVariant *settings, gpointer user_data)
{
  LmnDbusService *svc = user_data;
  g_autoptr(GError) error = NULL;
  LmnConfig *config;

  /* Over the file's configuration, not an earlier Configure's: each call says it all. */
  config = lmn_args_configure (lmn_supervisor_get_file_config (svc->sup), settings, &error);
  return check_then_authorize (svc, invocation, config, (GDestroyNotify) lmn_config_free, error,
                               configure);
}

static void
on_bus_acquired (GDBusConnection *connection, const gchar *name, gpointer user_data)
{
  LmnDbusService *svc = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (svc->skeleton), connection,
                                         LMN_DBUS_OBJECT_PATH, &error))
    g_warning ("cannot export %s on the system bus: %s", LMN_DBUS_OBJECT_PATH, error->message);
}

static void
on_name_lost (GDBusConnection *connection, const gchar *name, gpointer user_data)
{
  if (connection == NULL)
    g_message ("no system bus: the D-Bus API (%s) is not available", name);
  else
    g_warning ("cannot own %s on the system bus (another lispmnd, or no bus policy "
               "allowing it?): the D-Bus API is not available", name);
}

LmnDbusService *
lmn_dbus_service_new (LmnSupervisor *sup)
{
  LmnDbusService *svc = g_new0 (LmnDbusService, 1);

  svc->sup = sup;
  svc->skeleton = lmn_dbus_mobile_node1_skeleton_new ();
  svc->up_rlocs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  svc->handovers = lmn_handover_tracker_new (on_handover, svc);
  publish_config (svc);
  lmn_dbus_mobile_node1_set_counters (svc->skeleton, lmn_node_state_counters (&svc->published,
                                                                            &svc->published_control));
  update_rlocs (svc, FALSE);
  svc->lookups = lmn_lookups_new (sup);
  g_signal_connect (svc->skeleton, "handle-lookup", G_CALLBACK (on_lookup), svc);
  g_signal_connect (svc->skeleton, "handle-get-map-cache", G_CALLBACK (on_get_map_cache), svc);
  g_signal_connect (svc->skeleton, "handle-flush-map-cache", G_CALLBACK (on_flush_map_cache), svc);
  g_signal_connect (svc->skeleton, "handle-set-rlocs", G_CALLBACK (on_set_rlocs), svc);
  g_signal_connect (svc->skeleton, "handle-start", G_CALLBACK (on_start), svc);
  g_signal_connect (svc->skeleton, "handle-stop", G_CALLBACK (on_stop), svc);
  g_signal_connect (svc->skeleton, "handle-configure", G_CALLBACK (on_configure), svc);
  lmn_supervisor_set_changed_func (sup, on_changed, svc);
  svc->counters_timer = g_timeout_add_seconds (1, on_counters_timer, svc);
  svc->owner_id = g_bus_own_name (G_BUS_TYPE_SYSTEM, LMN_DBUS_BUS_NAME, G_BUS_NAME_OWNER_FLAGS_NONE,
                                  on_bus_acquired, NULL, on_name_lost, svc, NULL);
  return svc;
}

void
lmn_dbus_service_free (LmnDbusService *svc)
{
  if (svc == NULL)
    return;
  lmn_supervisor_set_changed_func (svc->sup, NULL, NULL);
  g_clear_handle_id (&svc->owner_id, g_bus_unown_name);
  g_clear_handle_id (&svc->counters_timer, g_source_remove);
  if (g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (svc->skeleton)) != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (svc->skeleton));
  g_clear_object (&svc->skeleton);
  g_clear_pointer (&svc->up_rlocs, g_hash_table_unref);
  g_clear_pointer (&svc->handovers, lmn_handover_tracker_free);
  g_clear_pointer (&svc->lookups, lmn_lookups_free);
  g_free (svc);
}
