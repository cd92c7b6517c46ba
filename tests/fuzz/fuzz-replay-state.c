/* lispmn-server's replay state file (daemon/server/replay-state.c), as text: one input is a
 * whole file, '|' standing for a line break (so that a seed fits on one line of its seed
 * file). Never a crash; an accepted state written out and read into another server is written
 * the same again (a fixed point), and never holds more than LMN_MS_NONCES_MAX nonces and as
 * many expected prefixes. */
#include "map-server.h"
#include "replay-state.h"
#include "fuzz-target.h"
#include "lisp-auth.h"

#include <string.h>

static LmnMapServer *
make_server (void)
{
  GPtrArray *sites = g_ptr_array_new ();
  LmnSite *home = lmn_site_new ("home"), *other = lmn_site_new ("my site");

  lmn_site_add_key (home, 1, LISP_AUTH_HMAC_SHA256_128, "k");
  lmn_site_add_key (other, 3, LISP_AUTH_HMAC_SHA256_128, "k");
  g_ptr_array_add (sites, home);
  g_ptr_array_add (sites, other);
  return lmn_map_server_new (sites);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree gchar *text = size > 0 ? g_strndup ((const gchar *) data, size) : g_strdup ("");
  g_autoptr(LmnMapServer) first = make_server ();
  g_autoptr(LmnMapServer) second = make_server ();
  g_autofree gchar *written = NULL, *again = NULL;
  g_autoptr(GError) error = NULL;
  gint n;

  g_strdelimit (text, "|", '\n');
  n = lmn_replay_state_from_text (first, text, "fuzz", 1000, 1800000000, &error);
  if (n < 0)
    {
      g_assert (error != NULL && g_str_has_prefix (error->message, "fuzz"));
      return 0;
    }
  g_assert (error == NULL && n <= 2 * LMN_MS_NONCES_MAX);
  written = lmn_replay_state_to_text (first, 1000, 1800000000);
  g_assert (lmn_replay_state_from_text (second, written, "again", 5, 1800000000, NULL) >= 0);
  again = lmn_replay_state_to_text (second, 5, 1800000000);
  if (strcmp (written, again) != 0)
    g_error ("not a fixed point:\n%s\n---\n%s", written, again);
  return 0;
}
