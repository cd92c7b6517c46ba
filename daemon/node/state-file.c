#include "state-file.h"

#include "file-replace.h"
#include "lisp-action.h"

#include <arpa/inet.h>
#include <json-glib/json-glib.h>

static void
add_ip (JsonBuilder *b, const char *member, guint8 family, const guint8 *addr)
{
  char buf[INET6_ADDRSTRLEN];

  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, inet_ntop (family == 4 ? AF_INET : AF_INET6, addr, buf, sizeof buf));
}

static void
add_int (JsonBuilder *b, const char *member, gint64 value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, value);
}

static void
add_prefix (JsonBuilder *b, const LispPrefix *p)
{
  g_autofree gchar *text = lisp_prefix_to_string (p);

  json_builder_add_string_value (b, text);
}

static void
add_locators (JsonBuilder *b, const LispMapLocator *locs, guint n)
{
  json_builder_set_member_name (b, "locators");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      json_builder_begin_object (b);
      add_ip (b, "address", locs[i].family, locs[i].addr);
      add_int (b, "priority", locs[i].priority);
      add_int (b, "weight", locs[i].weight);
      json_builder_set_member_name (b, "reachable");
      json_builder_add_boolean_value (b, locs[i].reachable);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_entry (const LispMapEntry *e, gpointer user_data)
{
  JsonBuilder *b = user_data;
  static const char *const origins[] = { "static", "map-reply", "map-notify" };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "prefix");
  add_prefix (b, &e->prefix);
  json_builder_set_member_name (b, "origin");
  json_builder_add_string_value (b, e->origin < G_N_ELEMENTS (origins) ? origins[e->origin] : "unknown");
  json_builder_set_member_name (b, "action");
  json_builder_add_string_value (b, lisp_action_name (e->action));
  add_locators (b, e->locators, e->n_locators);
  json_builder_end_object (b);
}

static void
add_ip_value (JsonBuilder *b, const char *member, const LmnIp *ip)
{
  add_ip (b, member, ip->family, ip->addr);
}

static void
add_control (JsonBuilder *b, const LmnRegistrar *registrar, const LmnResolver *resolver,
             const LmnControlCounters *control)
{
  gint64 now = g_get_monotonic_time ();

  if (registrar != NULL)
    {
      json_builder_set_member_name (b, "map-servers");
      json_builder_begin_array (b);
      for (guint i = 0; i < lmn_registrar_n_servers (registrar); i++)
        {
          const LmnRegistration *reg = lmn_registrar_get (registrar, i);

          /* Only the address: the key stays in the configuration. */
          json_builder_begin_object (b);
          add_ip_value (b, "address", &reg->server->address);
          json_builder_set_member_name (b, "state");
          json_builder_add_string_value (b, lmn_registration_state_name (reg->state));
          json_builder_set_member_name (b, "last-map-notify");
          if (reg->last_notify != 0)
            json_builder_add_int_value (b, (now - reg->last_notify) / G_USEC_PER_SEC);
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "last-error");
          if (reg->last_error != NULL)
            json_builder_add_string_value (b, reg->last_error);
          else
            json_builder_add_null_value (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  if (resolver != NULL)
    {
      json_builder_set_member_name (b, "map-resolvers");
      json_builder_begin_array (b);
      for (guint i = 0; i < lmn_resolver_n_map_resolvers (resolver); i++)
        {
          const LmnMapResolverState *mr = lmn_resolver_get_map_resolver (resolver, i);

          json_builder_begin_object (b);
          add_ip_value (b, "address", &mr->address);
          add_int (b, "requests-sent", (gint64) mr->requests_sent);
          add_int (b, "replies", (gint64) mr->replies);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  if (control != NULL)
    {
      json_builder_set_member_name (b, "control");
      json_builder_begin_object (b);
      if (resolver != NULL)
        add_int (b, "outstanding-requests", lmn_resolver_outstanding (resolver));
      for (guint i = 0; i < LMN_CTL_N_COUNTERS; i++)
        add_int (b, lmn_control_counter_name (i), (gint64) control->n[i]);
      json_builder_end_object (b);
    }
}

static void
add_probes (JsonBuilder *b, const LmnRlocProber *prober)
{
  json_builder_set_member_name (b, "rloc-probes");
  json_builder_begin_array (b);
  for (guint i = 0; i < lmn_rloc_prober_n_targets (prober); i++)
    {
      const LmnProbeTarget *t = lmn_rloc_prober_get (prober, i);
      g_autofree gchar *eid = lisp_prefix_to_string (&t->eid);

      json_builder_begin_object (b);
      add_ip (b, "address", t->family, t->addr);
      json_builder_set_member_name (b, "eid");
      json_builder_add_string_value (b, eid);
      json_builder_set_member_name (b, "reachable");
      json_builder_add_boolean_value (b, t->reachable);
      add_int (b, "misses", t->misses);
      json_builder_set_member_name (b, "rtt-ms");
      if (t->rtt >= 0)
        json_builder_add_double_value (b, (gdouble) t->rtt / 1000.0);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

gboolean
lmn_state_file_write (const char *path, const LmnConfig *config, const char *tun_name, guint mtu,
                      const LmnLocalRlocs *rlocs, LispMapCache *cache,
                      const LmnCounters *counters, const LmnRegistrar *registrar,
                      const LmnResolver *resolver, const LmnRlocProber *prober,
                      const LmnControlCounters *control,
                      GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree gchar *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mode");
  json_builder_add_string_value (b, config->mode == LMN_MODE_XTR ? "xtr" :
                                 config->mode == LMN_MODE_PROXY ? "proxy" : "mobile-node");
  json_builder_set_member_name (b, "eids");
  json_builder_begin_array (b);
  for (guint i = 0; i < config->eids->len; i++)
    add_prefix (b, &g_array_index (config->eids, LispPrefix, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "tun");
  json_builder_add_string_value (b, tun_name);
  add_int (b, "mtu", mtu);

  json_builder_set_member_name (b, "rlocs");
  json_builder_begin_array (b);
  for (guint i = 0; i < lmn_local_rlocs_size (rlocs); i++)
    {
      const LmnLocalRloc *r = lmn_local_rlocs_get (rlocs, i);

      /* A family the uplink never had an address of is not an RLOC at all. */
      if (!r->known)
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "interface");
      json_builder_add_string_value (b, r->interface);
      add_ip (b, "address", r->family, r->addr);
      add_int (b, "priority", r->priority);
      add_int (b, "weight", r->weight);
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, r->up ? "up" : "down");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "map-cache");
  json_builder_begin_array (b);
  lisp_map_cache_foreach (cache, add_entry, b);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "counters");
  json_builder_begin_object (b);
  add_int (b, "tx-packets", (gint64) counters->tx_packets);
  add_int (b, "tx-bytes", (gint64) counters->tx_bytes);
  add_int (b, "rx-packets", (gint64) counters->rx_packets);
  add_int (b, "rx-bytes", (gint64) counters->rx_bytes);
  add_int (b, "icmp-sent", (gint64) counters->icmp_sent);
  json_builder_set_member_name (b, "drops");
  json_builder_begin_object (b);
  for (guint i = 0; i < LMN_DROP_N_REASONS; i++)
    add_int (b, lmn_drop_reason_name (i), (gint64) counters->drops[i]);
  json_builder_end_object (b);
  json_builder_end_object (b);
  add_control (b, registrar, resolver, control);
  if (prober != NULL)
    add_probes (b, prober);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  if (!lmn_file_replace (path, text, error))
    {
      g_prefix_error (error, "writing the state file: ");
      return FALSE;
    }
  return TRUE;
}
