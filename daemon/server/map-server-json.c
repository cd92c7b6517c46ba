/* The map-server's state as JSON, for lispmn-server's state file (--state-file, read back
 * by --show): the sites without their keys, the registrations, the unsolicited Map-Notifys
 * awaiting their acknowledgement, and the counters. */
#include "map-server-json.h"

#include "json-members.h"
#include "map-notify.h"
#include "ms-context.h"

static void
add_site (JsonBuilder *b, const LmnSite *site)
{
  static const char *const proxy[] = { "follow", "always", "never" };
  static const char *const nonce_check[] = { "auto", "true", "false" };

  json_builder_begin_object (b);
  lmn_json_add_string (b, "name", site->name);
  json_builder_set_member_name (b, "eid-prefixes");
  json_builder_begin_array (b);
  for (guint j = 0; j < site->prefixes->len; j++)
    {
      g_autofree gchar *p = lisp_prefix_to_string (&g_array_index (site->prefixes, LispPrefix, j));

      json_builder_add_string_value (b, p);
    }
  json_builder_end_array (b);
  lmn_json_add_bool (b, "accept-more-specifics", site->accept_more_specifics);
  lmn_json_add_string (b, "proxy-reply", proxy[site->proxy_reply]);
  lmn_json_add_string (b, "increasing-nonces", nonce_check[site->increasing_nonces]);
  json_builder_end_object (b);
}

static void
add_registration (JsonBuilder *b, const LmnSiteRegistration *reg, gint64 now)
{
  g_autofree gchar *prefix = lisp_prefix_to_string (&reg->prefix);
  g_autofree gchar *who = lmn_endpoint_to_string (&reg->registrant);

  json_builder_begin_object (b);
  lmn_json_add_string (b, "eid", prefix);
  lmn_json_add_string (b, "site", reg->site->name);
  lmn_json_add_string (b, "registered-by", who);
  lmn_json_add_int (b, "age", now - reg->last_refresh);
  lmn_json_add_int (b, "registered-for", now - reg->first_registered);
  lmn_json_add_int (b, "expires-in", lmn_site_registration_expiry (reg) - now);
  lmn_json_add_int (b, "ttl", reg->record->ttl);
  lmn_json_add_bool (b, "proxy-reply", lmn_site_registration_proxy_replies (reg));
  lmn_json_add_bool (b, "use-ttl", reg->use_ttl);
  if (reg->has_xtr_id)
    {
      g_autofree gchar *xtr_id = lmn_ms_hex (reg->xtr_id, 16);

      lmn_json_add_string (b, "xtr-id", xtr_id);
      lmn_json_add_int (b, "site-id", (gint64) reg->site_id);
    }
  json_builder_set_member_name (b, "locators");
  json_builder_begin_array (b);
  for (guint i = 0; i < reg->record->locators->len; i++)
    {
      const LispLocator *l = g_ptr_array_index (reg->record->locators, i);
      g_autofree gchar *addr = lisp_address_to_string (l->address);

      json_builder_begin_object (b);
      lmn_json_add_string (b, "address", addr);
      lmn_json_add_int (b, "priority", l->priority);
      lmn_json_add_int (b, "weight", l->weight);
      lmn_json_add_bool (b, "reachable", l->reachable);
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
  lmn_json_add_string (b, "eid", prefix);
  lmn_json_add_string (b, "to", to);
  lmn_json_add_string (b, "nonce", nonce);
  lmn_json_add_int (b, "sent", p->sent);
  lmn_json_add_int (b, "next-in", p->next - now);
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
    lmn_json_add_int (b, lmn_ms_counter_name (c), (gint64) ms->counters[c]);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}
