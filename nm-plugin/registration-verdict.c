#include "registration-verdict.h"

/* The sentence names the map-server and says what the user can do; lispmnd's last error
 * (never holding the key) follows for the details. */
static gchar *
failure_text (const char *address, const char *state, const char *last_error)
{
  g_autofree gchar *details = last_error != NULL && last_error[0] != '\0'
                                ? g_strdup_printf (" (%s)", last_error)
                                : NULL;

  if (g_str_equal (state, "auth-failed"))
    return g_strdup_printf ("map-server %s refused the key: wrong key; check "
                            "vpn.secrets map-server-key (and map-server-key-id, "
                            "map-server-algorithm) in the profile%s",
                            address, details != NULL ? details : "");
  return g_strdup_printf ("map-server %s is not answering (no Map-Notify after 3 "
                          "Map-Registers); check its address and that UDP port 4342 reaches it%s",
                          address, details != NULL ? details : "");
}

LmnVerdict
lmn_registration_verdict (GVariant *map_servers, gchar **reason)
{
  g_autofree gchar *wrong_key = NULL, *unreachable = NULL;
  gboolean pending = FALSE;
  LmnVerdict verdict;
  GVariantIter iter;
  GVariant *next;

  if (reason != NULL)
    *reason = NULL;
  if (map_servers == NULL || !g_variant_is_of_type (map_servers, G_VARIANT_TYPE ("aa{sv}")) ||
      g_variant_n_children (map_servers) == 0)
    return LMN_VERDICT_REGISTERED;
  g_variant_iter_init (&iter, map_servers);
  while ((next = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) server = next;
      const char *address = "?", *state = "", *last_error = NULL;

      g_variant_lookup (server, "address", "&s", &address);
      g_variant_lookup (server, "state", "&s", &state);
      g_variant_lookup (server, "last-error", "&s", &last_error);
      if (g_str_equal (state, "registered"))
        return LMN_VERDICT_REGISTERED;
      if (g_str_equal (state, "auth-failed") && wrong_key == NULL)
        wrong_key = failure_text (address, state, last_error);
      else if (g_str_equal (state, "unreachable") && unreachable == NULL)
        unreachable = failure_text (address, state, last_error);
      else if (!g_str_equal (state, "auth-failed") && !g_str_equal (state, "unreachable"))
        pending = TRUE;
    }
  /* One map-server is enough: wait while any may still accept us. */
  if (pending)
    return LMN_VERDICT_PENDING;
  verdict = wrong_key != NULL ? LMN_VERDICT_WRONG_KEY : LMN_VERDICT_UNREACHABLE;
  if (reason != NULL)
    *reason = verdict == LMN_VERDICT_WRONG_KEY ? g_steal_pointer (&wrong_key)
                                               : g_steal_pointer (&unreachable);
  return verdict;
}
