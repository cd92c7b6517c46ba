/* The state file: the node's snapshot (node-state.c) as pretty-printed JSON, replacing the
 * file in one rename. */
#include "state-file.h"

#include "file-replace.h"
#include "node-state.h"

#include <json-glib/json-glib.h>

gboolean
lmn_state_file_write (const char *path, LmnNode *node, GError **error)
{
  g_autoptr(GVariant) snapshot = g_variant_ref_sink (lmn_node_state_snapshot (node));
  g_autoptr(JsonNode) root = json_gvariant_serialize (snapshot);
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree gchar *text = NULL;

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
