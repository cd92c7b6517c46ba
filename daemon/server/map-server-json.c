/* The map-server's state as JSON, for lispmn-server's state file (--state-file, read back
 * by --show): the sites without their keys, the registrations, the unsolicited Map-Notifys
 * awaiting their acknowledgement, and the counters. */
#include "map-server-json.h"

#include "map-notify.h"
#include "map-server-private.h"

#include <json-glib/json-glib.h>

static void
add_string (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, value);
}

static void
add_int (JsonBuilder *b, const char *member, gint64 value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, value);
}

static void
add_bool (JsonBuilder *b, const char *member, gboolean value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_boolean_value (b, value);
}

static void
add_site (JsonBuilder *b, const LmnSite *site)
{
  static const char *const proxy[] = { "follow", "always", "never" };

  json_builder_begin_object (b);
  add_string (b, "name", site->name);
  json_builder_set_member_name (b, "eid-prefixes");
  json_builder_begin_array (b);
  for (guint j = 0; j < site->prefixes->len; j++)
    {
      g_autofree gchar *p = lisp_prefix_to_string (&g_array_index (site->prefixes, LispPrefix, j));

      json_builder_add_string_value (b, p);
    }
  json_builder_end_array (b);
  add_bool (b, "accept-more-specifics", site->accept_more_specifics);
  add_string (b, "proxy-reply", proxy[site->proxy_reply]);
  add_bool (b, "increasing-nonces", site->increasing_nonces);
  json_builder_end_object (b);
}

static void
add_registration (JsonBuilder *b, const LmnSiteRegistration *reg, gint64 now)
{
  g_autofree gchar *prefix = lisp_prefix_to_string (&reg->prefix);
  g_autofree gchar *who = lmn_endpoint_to_string (&reg->registrant);

  json_builder_begin_object (b);
  add_string (b, "eid", prefix);
  add_string (b, "site", reg->site->name);
  add_string (b, "registered-by", who);
  add_int (b, "age", now - reg->last_refresh);
  add_int (b, "registered-for", now - reg->first_registered);
  add_int (b, "expires-in", lmn_site_registration_expiry (reg) - now);
  add_int (b, "ttl", reg->record->ttl);
  add_bool (b, "proxy-reply", lmn_site_registration_proxy_replies (reg));
  add_bool (b, "use-ttl", reg->use_ttl);
  if (reg->has_xtr_id)
    {
      g_autofree gchar *xtr_id = lmn_ms_hex (reg->xtr_id, 16);

      add_string (b, "xtr-id", xtr_id);
      add_int (b, "site-id", (gint64) reg->site_id);
    }
  json_builder_set_member_name (b, "locators");
  json_builder_begin_array (b);
  for (guint i = 0; i < reg->record->locators->len; i++)
    {
      const LispLocator *l = g_ptr_array_index (reg->record->locators, i);
      g_autofree gchar *addr = lisp_address_to_string (l->address);

      json_builder_begin_object (b);
      add_string (b, "address", addr);
      add_int (b, "priority", l->priority);
      add_int (b, "weight", l->weight);
      add_bool (b, "reachable", l->reachable);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
add_pending (JsonBuilder *b, const LmnPendingNotify *p, gint64 now)
{
  g_autofree gchar *prefix = lisp_prefix_to_string (&p->prefix);
  g_autofree gchar *to = lmn_endpoint_to_string (&p->to);
  g_autofree gchar *nonce = g_strdup_printf ("%016" G_GINT64_MODIFIER "x", p->nonce);

  json_builder_begin_object (b);
  add_string (b, "eid", prefix);
  add_string (b, "to", to);
  add_string (b, "nonce", nonce);
  add_int (b, "sent", p->sent);
  add_int (b, "next-in", p->next - now);
  json_builder_end_object (b);
}

gchar *
lmn_map_server_to_json (const LmnMapServer *ms, gint64 now)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sites");
  json_builder_begin_array (b);
  for (guint i = 0; i < ms->sites->len; i++)
    add_site (b, g_ptr_array_index (ms->sites, i));
  json_builder_end_array (b);

  json_builder_set_member_name (b, "registrations");
  json_builder_begin_array (b);
  for (guint i = 0; i < ms->registrations->len; i++)
    add_registration (b, g_ptr_array_index (ms->registrations, i), now);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "pending-map-notifys");
  json_builder_begin_array (b);
  for (guint i = 0; i < ms->pending->len; i++)
    add_pending (b, g_ptr_array_index (ms->pending, i), now);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "counters");
  json_builder_begin_object (b);
  for (guint c = 0; c < LMN_MS_N_COUNTERS; c++)
    add_int (b, lmn_ms_counter_name (c), (gint64) ms->counters[c]);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}
