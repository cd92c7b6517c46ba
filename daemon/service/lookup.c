#include "lookup.h"

#include "lisp-action.h"
#include "lmn-dbus-error.h"
#include "method-arguments.h"
#include "node-state.h"
#include "resolver.h"


struct _LmnLookups {
  LmnSupervisor *sup;
  GHashTable    *per_caller;  /* unique bus name -> lookups in flight (GUINT_TO_POINTER) */
  GHashTable    *pending;     /* Pending* in flight (not owned: each frees itself) */
  gdouble        tokens;      /* lookups that may start now (a token bucket) */
  gint64         refilled_at;
};

typedef struct {
  LmnLookups            *owner;   /* NULL once the owner is gone */
  GDBusMethodInvocation *invocation;
  gchar                 *sender;
  gchar                 *eid;
  gint64                 started;
} Pending;

LmnLookups *
lmn_lookups_new (LmnSupervisor *sup)
{
  LmnLookups *l = g_new0 (LmnLookups, 1);

  l->sup = sup;
  l->per_caller = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  l->pending = g_hash_table_new (NULL, NULL);
  l->tokens = LMN_LOOKUPS_BURST;
  l->refilled_at = g_get_monotonic_time ();
  return l;
}

void
lmn_lookups_free (LmnLookups *l)
{
  GHashTableIter iter;
  gpointer p;

  if (l == NULL)
    return;
  /* The resolver still holds their callbacks: they are answered (NotRunning) when it goes. */
  g_hash_table_iter_init (&iter, l->pending);
  while (g_hash_table_iter_next (&iter, &p, NULL))
    ((Pending *) p)->owner = NULL;
  g_hash_table_unref (l->pending);
  g_hash_table_unref (l->per_caller);
  g_free (l);
}

static guint
caller_count (LmnLookups *l, const char *sender)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (l->per_caller, sender));
}

static void
caller_add (LmnLookups *l, const char *sender, int delta)
{
  guint n = caller_count (l, sender) + delta;

  if (n == 0)
    g_hash_table_remove (l->per_caller, sender);
  else
    g_hash_table_insert (l->per_caller, g_strdup (sender), GUINT_TO_POINTER (n));
}

/* Whether one more lookup may start now (and takes its token). */
static gboolean
take_token (LmnLookups *l)
{
  gint64 now = g_get_monotonic_time ();

  l->tokens = MIN (LMN_LOOKUPS_BURST,
                   l->tokens + (now - l->refilled_at) * (gdouble) LMN_LOOKUPS_PER_SECOND / G_USEC_PER_SEC);
  l->refilled_at = now;
  if (l->tokens < 1)
    return FALSE;
  l->tokens -= 1;
  return TRUE;
}

static GVariant *
locators_variant (const LispRecord *rec)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < rec->locators->len; i++)
    {
      const LispLocator *loc = g_ptr_array_index (rec->locators, i);
      g_autofree gchar *address = lisp_address_to_string (loc->address);

      /* reachable: the R bit, as the replier sent it. */
      g_variant_builder_add_value (&b, lmn_node_state_locator (address, loc->priority, loc->weight,
                                                               loc->reachable));
    }
  return g_variant_builder_end (&b);
}

static GVariant *
answer_variant (const LmnResolverAnswer *answer)
{
  const LispRecord *rec = answer->record;
  g_autofree gchar *resolver = lmn_ip_to_string (&answer->map_resolver);
  g_autofree gchar *prefix = NULL;
  LispPrefix p;
  GVariantDict d;

  /* The resolver checked that the record's prefix is one (it covers the EID asked). */
  prefix = lisp_prefix_from_address (rec->eid, rec->mask_len, &p, NULL)
           ? lisp_prefix_to_string (&p) : lisp_address_to_string (rec->eid);
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "prefix", "s", prefix);
  g_variant_dict_insert (&d, "action", "s", lisp_action_name (rec->action));
  g_variant_dict_insert (&d, "ttl", "u", rec->ttl);
  g_variant_dict_insert (&d, "authoritative", "b", rec->authoritative);
  g_variant_dict_insert (&d, "map-resolver", "s", resolver);
  g_variant_dict_insert (&d, "rtt-ms", "d", answer->rtt / 1000.0);
  g_variant_dict_insert_value (&d, "locators", locators_variant (rec));
  return g_variant_dict_end (&d);
}

static void
pending_free (Pending *p)
{
  g_object_unref (p->invocation);
  g_free (p->sender);
  g_free (p->eid);
  g_free (p);
}

static void
on_answer (const LmnResolverAnswer *answer, const GError *error, gpointer user_data)
{
  Pending *p = user_data;

  if (answer != NULL)
    {
      g_info ("Lookup of %s for %s: %s, %u locators", p->eid, p->sender,
              lisp_action_name (answer->record->action), answer->record->locators->len);
      g_dbus_method_invocation_return_value (p->invocation,
                                             g_variant_new ("(@a{sv})", answer_variant (answer)));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_dbus_method_invocation_return_error (p->invocation, LMN_DBUS_ERROR, LMN_DBUS_ERROR_TIMEOUT,
                                           "no map-resolver answered for %s within %.0f s (%s)",
                                           p->eid, (g_get_monotonic_time () - p->started) / 1e6,
                                           error->message);
  else
    g_dbus_method_invocation_return_error (p->invocation, LMN_DBUS_ERROR, LMN_DBUS_ERROR_NOT_RUNNING,
                                           "lookup of %s: %s", p->eid, error->message);
  if (p->owner != NULL)
    {
      caller_add (p->owner, p->sender, -1);
      g_hash_table_remove (p->owner->pending, p);
    }
  pending_free (p);
}

void
lmn_lookups_start (LmnLookups *l, GDBusMethodInvocation *invocation, const char *eid)
{
  LmnNode *node = lmn_supervisor_get_node (l->sup);
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  g_autoptr(GError) error = NULL;
  LispPrefix dst;
  LmnIp ip;
  Pending *p;

  /* A peer-to-peer connection has no sender: one name stands for it. */
  if (sender == NULL)
    sender = "";
  if (!lmn_args_lookup (eid, &ip, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }
  if (node == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, LMN_DBUS_ERROR, LMN_DBUS_ERROR_NOT_RUNNING,
                                             "the mobile node is stopped: cannot look %s up", eid);
      return;
    }
  if (g_hash_table_size (l->pending) >= LMN_LOOKUPS_MAX ||
      caller_count (l, sender) >= LMN_LOOKUPS_PER_CALLER)
    {
      gboolean mine = caller_count (l, sender) >= LMN_LOOKUPS_PER_CALLER;

      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_LIMITS_EXCEEDED,
                                             "too many lookups in flight (%u %s, at most %u): "
                                             "try again when one has finished",
                                             mine ? caller_count (l, sender) : g_hash_table_size (l->pending),
                                             mine ? "of this caller" : "in all",
                                             mine ? LMN_LOOKUPS_PER_CALLER : LMN_LOOKUPS_MAX);
      return;
    }
  if (!take_token (l))
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_LIMITS_EXCEEDED,
                                             "too many lookups (more than %d a second): try again "
                                             "in a moment", LMN_LOOKUPS_PER_SECOND);
      return;
    }
  lisp_prefix_init (&dst, lmn_node_get_config (node)->instance_id, ip.family, ip.addr,
                    ip.family == LISP_FAMILY_IPV4 ? 32 : 128);
  p = g_new0 (Pending, 1);
  p->owner = l;
  p->invocation = g_object_ref (invocation);
  p->sender = g_strdup (sender);
  p->eid = g_strdup (eid);
  p->started = g_get_monotonic_time ();
  if (!lmn_resolver_lookup (lmn_node_get_resolver (node), &dst, on_answer, p, &error))
    {
      g_dbus_method_invocation_return_error (invocation, LMN_DBUS_ERROR,
                                             g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
                                             ? LMN_DBUS_ERROR_NO_MAP_RESOLVER : LMN_DBUS_ERROR_NO_UPLINK,
                                             "cannot look %s up: %s", eid, error->message);
      pending_free (p);
      return;
    }
  g_hash_table_add (l->pending, p);
  caller_add (l, sender, +1);
}
