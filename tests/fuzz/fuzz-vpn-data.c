/* The NetworkManager profile's vpn.data (nm-plugin/vpn-data.c): the input is "KEY=VALUE"
 * items separated by ','. Never a crash; an accepted profile has an EID and a map-server,
 * and what it gives lispmnd's Configure is accepted by the daemon's own checks. */
#include "method-arguments.h"
#include "vpn-data.h"
#include "fuzz-target.h"

#include <string.h>

static const char base_text[] = "[lispmnd]\neids=192.0.2.99/32\nmanage-addresses=false\n";

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree gchar *text = size > 0 ? g_strndup ((const gchar *) data, size) : g_strdup ("");
  g_auto(GStrv) items = g_strsplit (text, ",", 64);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(LmnVpnData) parsed = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *eq = strchr (items[i], '=');

      if (eq == NULL)
        continue;
      g_ptr_array_add (keys, g_strstrip (g_strndup (items[i], eq - items[i])));
      g_ptr_array_add (values, g_strdup (eq + 1));
    }
  parsed = lmn_vpn_data_parse ((const char *const *) keys->pdata, (const char *const *) values->pdata,
                               keys->len, &error);
  if (parsed == NULL)
    {
      g_assert (error != NULL && g_str_has_prefix (error->message, "vpn.data: "));
      return 0;
    }
  g_assert (parsed->has_eid4 || parsed->has_eid6);
  g_assert (parsed->map_server != NULL && parsed->map_resolvers->len >= 1);
  {
    g_autoptr(LmnConfig) base = lmn_config_load_data (base_text, strlen (base_text), "base", NULL);
    g_autoptr(GVariant) settings = g_variant_ref_sink (lmn_vpn_data_configure_settings (parsed, "fuzz-key"));
    g_autoptr(LmnConfig) result = NULL;
    g_autoptr(GError) refused = NULL;

    g_assert (base != NULL);
    result = lmn_args_configure (base, settings, &refused);
    /* What the plugin checked, lispmnd accepts: a profile never fails later than it should. */
    if (result == NULL)
      g_error ("lispmnd refuses what the plugin accepted: %s", refused->message);
  }
  return 0;
}
