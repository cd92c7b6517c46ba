/* The node's state as GVariant, one producer per piece for the D-Bus API and the state file
 * (see node-state.h): what one shows, the other shows the same way unless LmnStateView says
 * otherwise. */
#include "node-state.h"

#include "lisp-action.h"
#include "lmn-ip.h"
#include "rloc-prober.h"

/* The data plane's counters other than drops, by name (the same names in both views). */
static const struct {
  const char *name;
  gsize       offset;
} counter_fields[] = {
  { "tx-packets", G_STRUCT_OFFSET (LmnCounters, tx_packets) },
  { "tx-bytes",   G_STRUCT_OFFSET (LmnCounters, tx_bytes) },
  { "rx-packets", G_STRUCT_OFFSET (LmnCounters, rx_packets) },
  { "rx-bytes",   G_STRUCT_OFFSET (LmnCounters, rx_bytes) },
  { "icmp-sent",  G_STRUCT_OFFSET (LmnCounters, icmp_sent) },
};

#define COUNTER_FIELD(c, i) G_STRUCT_MEMBER (guint64, (gpointer) (c), counter_fields[i].offset)

static void
add (GVariantBuilder *dict, const char *member, GVariant *value)
{
  g_variant_builder_add (dict, "{sv}", member, value);
}

static gchar *
address_string (guint8 family, const guint8 *addr)
{
  char buf[LMN_IP_TEXT_MAX];

  return g_strdup (lmn_ip_bytes_to_text (family, addr, buf));
}

static GVariant *
address_value (guint8 family, const guint8 *addr)
{
  return g_variant_new_take_string (address_string (family, addr));
}

/* What NAT discovery found about RLOC i (r), and the RTR it goes through; the state file
 * also says how the registration through that RTR goes. */
static void
add_nat (GVariantBuilder *d, LmnNode *node, guint i, const LmnLocalRloc *r, LmnStateView view)
{
  const LmnRlocNat *nat = &r->nat;
  gboolean behind = nat->state == LMN_RLOC_NAT_BEHIND;

  add (d, "nat", g_variant_new_string (lmn_rloc_nat_state_name (nat->state)));
  add (d, "public-address",
       behind ? address_value (nat->public_address.family, nat->public_address.addr)
              : g_variant_new_string (""));
  add (d, "public-port", g_variant_new_uint16 (behind ? nat->public_port : 0));
  add (d, "rtr",
       nat->rtr.family != 0 ? address_value (nat->rtr.family, nat->rtr.addr)
                            : g_variant_new_string (""));
  if (view == LMN_STATE_VIEW_FILE)
    {
      const LmnRegistration *reg = lmn_nat_traverser_registration (lmn_node_get_nat (node), i);

      add (d, "rtr-registration",
           g_variant_new_string (reg != NULL ? lmn_registration_state_name (reg->state) : ""));
    }
}

GVariant *
lmn_node_state_rlocs (LmnNode *node, LmnStateView view)
{
  LmnLocalRlocs *rlocs = node != NULL ? lmn_node_get_rlocs (node) : NULL;
  GVariantBuilder list;

  g_variant_builder_init (&list, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; rlocs != NULL && i < lmn_local_rlocs_size (rlocs); i++)
    {
      const LmnLocalRloc *r = lmn_local_rlocs_get (rlocs, i);
      GVariantBuilder d;

      /* A family the uplink never had an address of is not an RLOC at all. */
      if (!r->known)
        continue;
      g_variant_builder_init (&d, G_VARIANT_TYPE_VARDICT);
      add (&d, "interface", g_variant_new_string (r->interface));
      add (&d, "address", address_value (r->family, r->addr));
      if (view == LMN_STATE_VIEW_DBUS && r->connection != NULL)
        add (&d, "connection", g_variant_new_string (r->connection));
      add (&d, "priority", g_variant_new_byte (r->priority));
      add (&d, "weight", g_variant_new_byte (r->weight));
      add (&d, "state", g_variant_new_string (r->up ? "up" : "down"));
      add_nat (&d, node, i, r, view);
      g_variant_builder_add_value (&list, g_variant_builder_end (&d));
    }
  return g_variant_builder_end (&list);
}

GVariant *
lmn_node_state_locator (const char *address, guint8 priority, guint8 weight, gboolean reachable)
{
  GVariantBuilder d;

  g_variant_builder_init (&d, G_VARIANT_TYPE_VARDICT);
  add (&d, "address", g_variant_new_string (address));
  add (&d, "priority", g_variant_new_byte (priority));
  add (&d, "weight", g_variant_new_byte (weight));
  add (&d, "reachable", g_variant_new_boolean (reachable));
  return g_variant_builder_end (&d);
}

static GVariant *
locators_value (const LispMapEntry *e)
{
  GVariantBuilder list;

  g_variant_builder_init (&list, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < e->n_locators; i++)
    {
      const LispMapLocator *l = &e->locators[i];
      g_autofree gchar *address = address_string (l->family, l->addr);

      g_variant_builder_add_value (&list, lmn_node_state_locator (address, l->priority, l->weight,
                                                                  l->reachable));
    }
  return g_variant_builder_end (&list);
}

typedef struct {
  GVariantBuilder *list;
  LmnStateView     view;
  gint64           now;
  /* The file's walks: the first lists the positive and configured entries, the second the
   * negative learnt ones, so that a flood of the latter cannot hide the former. */
  gboolean negative_pass;
  guint max;
  guint listed;
  guint omitted;
} MapCacheWalk;

static const char *
origin_name (const LispMapEntry *e, LmnStateView view)
{
  static const char *const origins[] = { "static", "map-reply", "map-notify" };

  /* D-Bus knows two origins: configured, or learnt from the mapping system. */
  if (view == LMN_STATE_VIEW_DBUS)
    return e->origin == LISP_MAP_ORIGIN_STATIC ? "static" : "map-reply";
  return e->origin < G_N_ELEMENTS (origins) ? origins[e->origin] : "unknown";
}

static void
add_entry (const LispMapEntry *e, gpointer user_data)
{
  MapCacheWalk *walk = user_data;
  gboolean dbus = walk->view == LMN_STATE_VIEW_DBUS;
  GVariantBuilder d;

  /* D-Bus shows the mappings in use; the file everything the cache holds, up to its
   * bound. */
  if (dbus && e->expires_at != LISP_MAP_NEVER && e->expires_at <= walk->now)
    return;
  if (!dbus)
    {
      gboolean negative = e->n_locators == 0 && e->origin != LISP_MAP_ORIGIN_STATIC;

      if (negative != walk->negative_pass)
        return;
      if (walk->listed >= walk->max)
        {
          walk->omitted++;
          return;
        }
      walk->listed++;
    }
  g_variant_builder_init (&d, G_VARIANT_TYPE_VARDICT);
  add (&d, "prefix", g_variant_new_take_string (lisp_prefix_to_string (&e->prefix)));
  add (&d, "origin", g_variant_new_string (origin_name (e, walk->view)));
  add (&d, "action", g_variant_new_string (lisp_action_name (e->action)));
  if (dbus)
    add (&d, "ttl-left", g_variant_new_int64 (e->expires_at == LISP_MAP_NEVER ? -1 :
                                              (e->expires_at - walk->now) / G_USEC_PER_SEC));
  add (&d, "locators", locators_value (e));
  g_variant_builder_add_value (walk->list, g_variant_builder_end (&d));
}

GVariant *
lmn_node_state_map_cache_of (LispMapCache *cache, LmnStateView view, guint max, guint *omitted)
{
  GVariantBuilder list;
  MapCacheWalk walk = { &list, view, g_get_monotonic_time (), FALSE, max, 0, 0 };

  g_variant_builder_init (&list, G_VARIANT_TYPE ("aa{sv}"));
  if (cache != NULL)
    lisp_map_cache_foreach (cache, add_entry, &walk);
  if (cache != NULL && view == LMN_STATE_VIEW_FILE)
    {
      walk.negative_pass = TRUE;
      lisp_map_cache_foreach (cache, add_entry, &walk);
    }
  if (omitted != NULL)
    *omitted = walk.omitted;
  return g_variant_builder_end (&list);
}

GVariant *
lmn_node_state_map_cache (LmnNode *node, LmnStateView view)
{
  return lmn_node_state_map_cache_of (node != NULL ? lmn_node_get_map_cache (node) : NULL, view,
                                      LMN_STATE_FILE_MAP_CACHE_MAX, NULL);
}

/* Seconds ago (or null) in the file; wall-clock seconds (or 0) on D-Bus: a time a user can
 * read. Monotonic inside. */
static GVariant *
last_notify_value (gint64 last_notify, LmnStateView view, gint64 mono, gint64 real)
{
  if (view == LMN_STATE_VIEW_DBUS)
    return g_variant_new_int64 (last_notify == 0 ? 0
                                                 : (real - (mono - last_notify)) / G_USEC_PER_SEC);
  return g_variant_new_maybe (G_VARIANT_TYPE_INT64,
                              last_notify == 0 ? NULL
                                               : g_variant_new_int64 ((mono - last_notify) /
                                                                      G_USEC_PER_SEC));
}

static GVariant *
last_error_value (const char *last_error, LmnStateView view)
{
  if (view == LMN_STATE_VIEW_DBUS)
    return g_variant_new_string (last_error != NULL ? last_error : "");
  return g_variant_new_maybe (G_VARIANT_TYPE_STRING,
                              last_error != NULL ? g_variant_new_string (last_error) : NULL);
}

GVariant *
lmn_node_state_map_servers (LmnNode *node, LmnStateView view)
{
  LmnRegistrar *registrar = node != NULL ? lmn_node_get_registrar (node) : NULL;
  gint64 mono = g_get_monotonic_time (), real = g_get_real_time ();
  GVariantBuilder list;

  g_variant_builder_init (&list, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; registrar != NULL && i < lmn_registrar_n_servers (registrar); i++)
    {
      const LmnRegistration *reg = lmn_registrar_get (registrar, i);
      GVariantBuilder d;

      /* Only the address: the key stays in the configuration. */
      g_variant_builder_init (&d, G_VARIANT_TYPE_VARDICT);
      add (&d, "address", g_variant_new_take_string (lmn_ip_to_string (&reg->server->address)));
      add (&d, "state", g_variant_new_string (lmn_registration_state_name (reg->state)));
      add (&d, "last-map-notify", last_notify_value (reg->last_notify, view, mono, real));
      add (&d, "last-error", last_error_value (reg->last_error, view));
      g_variant_builder_add_value (&list, g_variant_builder_end (&d));
    }
  return g_variant_builder_end (&list);
}

GVariant *
lmn_node_state_counters (const LmnCounters *c, const LmnControlCounters *control)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{st}"));
  for (guint i = 0; i < G_N_ELEMENTS (counter_fields); i++)
    g_variant_builder_add (&b, "{st}", counter_fields[i].name, COUNTER_FIELD (c, i));
  for (guint i = 0; i < LMN_DROP_N_REASONS; i++)
    {
      g_autofree gchar *key = g_strdup_printf ("drops.%s", lmn_drop_reason_name (i));

      g_variant_builder_add (&b, "{st}", key, c->drops[i]);
    }
  for (guint i = 0; i < LMN_CTL_N_COUNTERS; i++)
    {
      g_autofree gchar *key = g_strdup_printf ("control.%s", lmn_control_counter_name (i));

      g_variant_builder_add (&b, "{st}", key, control->n[i]);
    }
  return g_variant_builder_end (&b);
}

const char *
lmn_node_state_name (LmnNode *node)
{
  LmnLocalRlocs *rlocs;
  LmnRegistrar *registrar;
  gboolean any_up = FALSE, any_down = FALSE;
  guint n, registered = 0;

  if (node == NULL)
    return "stopped";
  rlocs = lmn_node_get_rlocs (node);
  for (guint i = 0; i < lmn_local_rlocs_size (rlocs); i++)
    {
      const LmnLocalRloc *r = lmn_local_rlocs_get (rlocs, i);

      if (r->up)
        any_up = TRUE;
      else if (r->known)
        any_down = TRUE;
    }
  if (!any_up)
    return "no-uplink";
  registrar = lmn_node_get_registrar (node);
  n = lmn_registrar_n_servers (registrar);
  for (guint i = 0; i < n; i++)
    if (lmn_registrar_get (registrar, i)->state == LMN_REG_REGISTERED)
      registered++;
  if (n == 0)
    return any_down ? "degraded" : "idle";
  if (registered == 0)
    return "connecting";
  return registered < n || any_down ? "degraded" : "registered";
}

static gchar *
prefix_text (gconstpointer element)
{
  return lisp_prefix_to_string (element);
}

static gchar *
ip_text (gconstpointer element)
{
  return lmn_ip_to_string (element);
}

static gchar *
locator_text (gconstpointer element)
{
  const LispMapLocator *l = element;

  return address_string (l->family, l->addr);
}

/* The text of each element of a configuration's list. */
static GStrv
texts_of (GArray *list, gchar *(*to_text) (gconstpointer element))
{
  GPtrArray *out = g_ptr_array_new ();
  guint size = g_array_get_element_size (list);

  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add (out, to_text (list->data + (gsize) i * size));
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_free (out, FALSE);
}

GStrv
lmn_node_state_eids (const LmnConfig *config)
{
  return texts_of (config->eids, prefix_text);
}

GStrv
lmn_node_state_map_resolvers (const LmnConfig *config)
{
  return texts_of (config->map_resolvers, ip_text);
}

GStrv
lmn_node_state_proxy_etrs (const LmnConfig *config)
{
  return texts_of (config->proxy_etrs, locator_text);
}

/* ---- What only the state file shows ---- */

/* The file's counters: the fields, then the drops by reason in an object of their own. */
static GVariant *
file_counters_value (const LmnCounters *c)
{
  GVariantBuilder b, drops;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < G_N_ELEMENTS (counter_fields); i++)
    add (&b, counter_fields[i].name, g_variant_new_uint64 (COUNTER_FIELD (c, i)));
  g_variant_builder_init (&drops, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < LMN_DROP_N_REASONS; i++)
    add (&drops, lmn_drop_reason_name (i), g_variant_new_uint64 (c->drops[i]));
  add (&b, "drops", g_variant_builder_end (&drops));
  return g_variant_builder_end (&b);
}

static GVariant *
map_resolvers_value (const LmnResolver *resolver)
{
  GVariantBuilder list;

  g_variant_builder_init (&list, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < lmn_resolver_n_map_resolvers (resolver); i++)
    {
      const LmnMapResolverState *mr = lmn_resolver_get_map_resolver (resolver, i);
      GVariantBuilder d;

      g_variant_builder_init (&d, G_VARIANT_TYPE_VARDICT);
      add (&d, "address", g_variant_new_take_string (lmn_ip_to_string (&mr->address)));
      add (&d, "requests-sent", g_variant_new_uint64 (mr->requests_sent));
      add (&d, "replies", g_variant_new_uint64 (mr->replies));
      g_variant_builder_add_value (&list, g_variant_builder_end (&d));
    }
  return g_variant_builder_end (&list);
}

static GVariant *
control_value (const LmnResolver *resolver, const LmnControlCounters *control)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  if (resolver != NULL)
    add (&b, "outstanding-requests", g_variant_new_uint32 (lmn_resolver_outstanding (resolver)));
  for (guint i = 0; i < LMN_CTL_N_COUNTERS; i++)
    add (&b, lmn_control_counter_name (i), g_variant_new_uint64 (control->n[i]));
  return g_variant_builder_end (&b);
}

/* The locators probed now; rtt-ms null before the first answer. */
static GVariant *
probes_value (const LmnRlocProber *prober)
{
  GVariantBuilder list;

  g_variant_builder_init (&list, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < lmn_rloc_prober_n_targets (prober); i++)
    {
      const LmnProbeTarget *t = lmn_rloc_prober_get (prober, i);
      GVariantBuilder d;

      g_variant_builder_init (&d, G_VARIANT_TYPE_VARDICT);
      add (&d, "address", address_value (t->family, t->addr));
      add (&d, "eid", g_variant_new_take_string (lisp_prefix_to_string (&t->eid)));
      add (&d, "reachable", g_variant_new_boolean (t->reachable));
      add (&d, "misses", g_variant_new_uint32 (t->misses));
      add (&d, "rtt-ms", g_variant_new_maybe (G_VARIANT_TYPE_DOUBLE, t->rtt < 0 ? NULL :
                                              g_variant_new_double ((gdouble) t->rtt / 1000.0)));
      g_variant_builder_add_value (&list, g_variant_builder_end (&d));
    }
  return g_variant_builder_end (&list);
}

static const char *
mode_name (LmnMode mode)
{
  return mode == LMN_MODE_XTR ? "xtr" : mode == LMN_MODE_PROXY ? "proxy" : "mobile-node";
}

GVariant *
lmn_node_state_snapshot (LmnNode *node)
{
  const LmnConfig *config = lmn_node_get_config (node);
  LmnResolver *resolver = lmn_node_get_resolver (node);
  LmnRlocProber *prober = lmn_node_get_prober (node);
  g_auto(GStrv) eids = lmn_node_state_eids (config);
  LispMapCache *cache = lmn_node_get_map_cache (node);
  GVariantBuilder b;
  guint omitted = 0;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  add (&b, "mode", g_variant_new_string (mode_name (config->mode)));
  add (&b, "eids", g_variant_new_strv ((const gchar *const *) eids, -1));
  add (&b, "tun", g_variant_new_string (lmn_node_get_tun_name (node)));
  add (&b, "mtu", g_variant_new_uint32 (lmn_node_get_mtu (node)));
  add (&b, "rlocs", lmn_node_state_rlocs (node, LMN_STATE_VIEW_FILE));
  add (&b, "map-cache",
       lmn_node_state_map_cache_of (cache, LMN_STATE_VIEW_FILE, LMN_STATE_FILE_MAP_CACHE_MAX,
                                    &omitted));
  add (&b, "map-cache-size", g_variant_new_uint32 (lisp_map_cache_size (cache)));
  add (&b, "map-cache-limit", g_variant_new_uint32 (lisp_map_cache_get_limit (cache)));
  add (&b, "map-cache-omitted", g_variant_new_uint32 (omitted));
  add (&b, "counters", file_counters_value (lmn_node_get_counters (node)));
  if (lmn_node_get_registrar (node) != NULL)
    add (&b, "map-servers", lmn_node_state_map_servers (node, LMN_STATE_VIEW_FILE));
  if (resolver != NULL)
    add (&b, "map-resolvers", map_resolvers_value (resolver));
  add (&b, "control", control_value (resolver, lmn_node_get_control_counters (node)));
  if (prober != NULL)
    add (&b, "rloc-probes", probes_value (prober));
  return g_variant_builder_end (&b);
}
