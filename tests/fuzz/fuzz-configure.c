/* The settings of D-Bus Configure (daemon/service/method-arguments.c), given as GVariant
 * text (a{sv}), laid over a fixed configuration: never a crash; an accepted result is a
 * configuration a node can run with (at least one EID, bounded lists); a refusal never quotes
 * a key. */
#include "method-arguments.h"
#include "fuzz-target.h"

#include <string.h>

static const char base_text[] =
  "[lispmnd]\n"
  "eids=192.0.2.99/32\n"
  "manage-addresses=false\n"
  "[map-server 198.51.100.1]\n"
  "key=base-key\n";

static guint
occurrences (const char *haystack, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree gchar *text = size > 0 ? g_strndup ((const gchar *) data, size) : g_strdup ("");
  g_autoptr(LmnConfig) base = NULL;
  g_autoptr(LmnConfig) result = NULL;
  g_autoptr(GVariant) settings = NULL;
  g_autoptr(GError) error = NULL;

  base = lmn_config_load_data (base_text, strlen (base_text), "base", NULL);
  g_assert (base != NULL);
  settings = g_variant_parse (G_VARIANT_TYPE_VARDICT, text, NULL, NULL, NULL);
  if (settings == NULL)
    return 0;
  result = lmn_args_configure (base, settings, &error);
  if (result == NULL)
    {
      g_autoptr(GVariant) servers = g_variant_lookup_value (settings, "map-servers",
                                                            G_VARIANT_TYPE ("aa{sv}"));

      g_assert (error != NULL && g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS));
      for (gsize i = 0; servers != NULL && i < g_variant_n_children (servers); i++)
        {
          g_autoptr(GVariant) server = g_variant_get_child_value (servers, i);
          const char *key = NULL;

          /* Short keys may match by chance ("a"), and the caller may have written the same
           * text into another value, which a message may quote: only a key found nowhere
           * else in the input must not appear. */
          if (g_variant_lookup (server, "key", "&s", &key) && strlen (key) >= 8 &&
              occurrences (text, key) == 1)
            g_assert (strstr (error->message, key) == NULL);
        }
      return 0;
    }
  g_assert (result->eids->len >= 1 && result->eids->len <= LMN_SETTINGS_MAX_EIDS);
  g_assert (result->map_servers->len <= LMN_SETTINGS_MAX_SERVERS);
  for (guint i = 0; i < result->map_servers->len; i++)
    {
      const LmnMapServerConfig *ms = g_ptr_array_index (result->map_servers, i);

      g_assert (ms->key != NULL && ms->key[0] != '\0');
    }
  return 0;
}
