/* main() for fuzz targets in builds without libFuzzer: replays a corpus through
 * LLVMFuzzerTestOneInput, so every target runs as an ordinary test in every build (and under
 * the sanitizers in a sanitizer build).
 *
 *   fuzz-NAME [--no-prefixes] FILE-OR-DIRECTORY...
 *
 * Each file is fed as is and, unless --no-prefixes, also cut to every shorter length, which
 * exercises the truncation paths that real seeds rarely reach. Each input sits in a buffer of
 * exactly its size, so AddressSanitizer sees any read past the end. Exits non-zero when no
 * input was found: a replay of nothing proves nothing. */
#include "fuzz-target.h"

#include <glib.h>
#include <string.h>

__attribute__((weak)) int LLVMFuzzerInitialize (int *argc, char ***argv);

static guint64 n_runs;

static void
run_one (const guint8 *data, gsize len)
{
  guint8 *copy = g_malloc (len > 0 ? len : 1);

  if (len > 0)
    memcpy (copy, data, len);
  LLVMFuzzerTestOneInput (len > 0 ? copy : NULL, len);
  g_free (copy);
  n_runs++;
}

static gboolean
replay_file (const char *path, gboolean prefixes)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *contents = NULL;
  gsize len, cut;

  if (!g_file_get_contents (path, &contents, &len, &error)) {
    g_printerr ("%s\n", error->message);
    return FALSE;
  }
  if (g_getenv ("FUZZ_REPLAY_VERBOSE") != NULL)
    g_printerr ("replaying %s (%" G_GSIZE_FORMAT " bytes)\n", path, len);
  if (prefixes) {
    for (cut = 0; cut < len; cut++)
      run_one ((const guint8 *) contents, cut);
  }
  run_one ((const guint8 *) contents, len);
  return TRUE;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

int
main (int argc, char **argv)
{
  gboolean prefixes = TRUE;
  guint n_files = 0;
  int i;

  if (LLVMFuzzerInitialize != NULL)
    LLVMFuzzerInitialize (&argc, &argv);

  for (i = 1; i < argc; i++) {
    if (strcmp (argv[i], "--no-prefixes") == 0) {
      prefixes = FALSE;
      continue;
    }
    if (g_file_test (argv[i], G_FILE_TEST_IS_DIR)) {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, &error);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;
      guint j;

      if (dir == NULL) {
        g_printerr ("%s\n", error->message);
        return 1;
      }
      while ((name = g_dir_read_name (dir)) != NULL) {
        g_autofree gchar *path = g_build_filename (argv[i], name, NULL);

        if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
          g_ptr_array_add (names, g_steal_pointer (&path));
      }
      g_ptr_array_sort (names, compare_names);
      for (j = 0; j < names->len; j++) {
        if (!replay_file (names->pdata[j], prefixes))
          return 1;
        n_files++;
      }
    } else {
      if (!replay_file (argv[i], prefixes))
        return 1;
      n_files++;
    }
  }

  if (n_files == 0) {
    g_printerr ("%s: no seed inputs found in the arguments; the seeds are extracted at build "
                "time from ../shared/vectors, which must be checked out beside the repository\n",
                argv[0]);
    return 1;
  }
  g_print ("%s: replayed %u files as %" G_GUINT64_FORMAT " inputs%s\n", argv[0], n_files, n_runs,
           prefixes ? " (each also cut to every shorter length)" : "");
  return 0;
}
