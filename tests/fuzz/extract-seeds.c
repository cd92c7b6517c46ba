/* Builds the fuzz targets' seed corpora from the shared test captures.
 *
 *   extract-seeds --out DIR [--udp TARGET]... [--pcap TARGET]... [--lines TARGET=FILE]...
 *                 [--files TARGET=FILE:FILE...]... SOURCE...
 *
 * SOURCE is a pcap file or a directory whose *.pcap files are read. For every --udp TARGET,
 * DIR/TARGET/ receives every UDP payload of every capture, one file each, named after the
 * capture and the frame ("oor-register-0003"). For every --pcap TARGET, DIR/TARGET/ receives
 * the capture files themselves. For every --lines TARGET=FILE, DIR/TARGET/ receives each line
 * of FILE (a text seed, for targets that parse text); for every --files TARGET=FILE:FILE...,
 * each FILE whole (configuration files, for their parsers). Files left in DIR/TARGET/ by an earlier run are removed
 * first. A missing SOURCE is reported but not fatal: the replay tests then fail with a
 * message saying where the vectors are expected. */
#include "pcap-reader.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>

static gboolean
prepare_dir (const char *dir, GError **error)
{
  g_autoptr(GDir) d = NULL;
  const char *name;

  if (g_mkdir_with_parents (dir, 0755) != 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "cannot create %s: %s",
                 dir, g_strerror (errno));
    return FALSE;
  }
  d = g_dir_open (dir, 0, error);
  if (d == NULL)
    return FALSE;
  while ((name = g_dir_read_name (d)) != NULL) {
    g_autofree gchar *path = g_build_filename (dir, name, NULL);

    if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
      g_unlink (path);
  }
  return TRUE;
}

static gboolean
write_file (const char *dir, const char *name, const guint8 *data, gsize len, GError **error)
{
  g_autofree gchar *path = g_build_filename (dir, name, NULL);

  return g_file_set_contents (path, (const gchar *) data, (gssize) len, error);
}

static gboolean
extract (const char *path, const char *out, char **udp_targets, char **pcap_targets,
         guint *n_payloads, GError **error)
{
  g_autoptr(PcapReader) r = NULL;
  g_autofree gchar *base = g_path_get_basename (path);
  g_autofree gchar *contents = NULL;
  gsize len;
  PcapFrame f;
  guint i;

  if (g_str_has_suffix (base, ".pcap"))
    base[strlen (base) - 5] = '\0';

  if (!g_file_get_contents (path, &contents, &len, error))
    return FALSE;
  for (i = 0; pcap_targets != NULL && pcap_targets[i] != NULL; i++) {
    g_autofree gchar *dir = g_build_filename (out, pcap_targets[i], NULL);
    g_autofree gchar *name = g_strconcat (base, ".pcap", NULL);

    if (!write_file (dir, name, (const guint8 *) contents, len, error))
      return FALSE;
  }

  r = pcap_reader_new_from_data ((const guint8 *) contents, len, path, error);
  if (r == NULL)
    return FALSE;
  while (pcap_reader_next_udp (r, &f, error)) {
    g_autofree gchar *name = g_strdup_printf ("%s-%04u", base, f.number);

    for (i = 0; udp_targets != NULL && udp_targets[i] != NULL; i++) {
      g_autofree gchar *dir = g_build_filename (out, udp_targets[i], NULL);

      if (!write_file (dir, name, f.payload, f.payload_len, error))
        return FALSE;
    }
    (*n_payloads)++;
  }
  return error == NULL || *error == NULL;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
prepare_target_dirs (const char *out, char **targets, GError **error)
{
  for (char **t = targets; t != NULL && *t != NULL; t++) {
    g_autofree gchar *dir = g_build_filename (out, *t, NULL);

    if (!prepare_dir (dir, error))
      return FALSE;
  }
  return TRUE;
}

/* The capture files named by the arguments, sorted so the corpus is reproducible. */
static GPtrArray *
list_sources (int argc, char **argv, GError **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  for (int i = 1; i < argc; i++) {
    if (g_file_test (argv[i], G_FILE_TEST_IS_DIR)) {
      g_autoptr(GDir) d = g_dir_open (argv[i], 0, error);
      const char *name;

      if (d == NULL)
        return NULL;
      while ((name = g_dir_read_name (d)) != NULL) {
        if (g_str_has_suffix (name, ".pcap"))
          g_ptr_array_add (files, g_build_filename (argv[i], name, NULL));
      }
    } else if (g_file_test (argv[i], G_FILE_TEST_EXISTS)) {
      g_ptr_array_add (files, g_strdup (argv[i]));
    } else {
      g_printerr ("extract-seeds: warning: %s does not exist (the shared test vectors belong in "
                  "../shared/vectors beside the repository); no seeds from it\n", argv[i]);
    }
  }
  g_ptr_array_sort (files, compare_names);
  return g_steal_pointer (&files);
}

/* TARGET=FILE: each line of FILE becomes DIR/TARGET/line-NNNN. */
static gboolean
write_line_seeds (const char *out, const char *spec, GError **error)
{
  g_auto(GStrv) parts = g_strsplit (spec, "=", 2);
  g_autofree gchar *text = NULL;
  g_autofree gchar *dir = NULL;
  g_auto(GStrv) lines = NULL;

  if (parts[0] == NULL || parts[1] == NULL) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 "--lines takes TARGET=FILE, not '%s'", spec);
    return FALSE;
  }
  dir = g_build_filename (out, parts[0], NULL);
  if (!prepare_dir (dir, error) || !g_file_get_contents (parts[1], &text, NULL, error))
    return FALSE;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    g_autofree gchar *name = g_strdup_printf ("line-%04u", i + 1);
    g_autofree gchar *path = g_build_filename (dir, name, NULL);

    if (*lines[i] != '\0' && !g_file_set_contents (path, lines[i], -1, error))
      return FALSE;
  }
  return TRUE;
}

/* TARGET=FILE:FILE...: each FILE whole becomes DIR/TARGET/file-NN. */
static gboolean
write_file_seeds (const char *out, const char *spec, GError **error)
{
  g_auto(GStrv) parts = g_strsplit (spec, "=", 2);
  g_autofree gchar *dir = NULL;
  g_auto(GStrv) paths = NULL;

  if (parts[0] == NULL || parts[1] == NULL) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 "--files takes TARGET=FILE:FILE..., not '%s'", spec);
    return FALSE;
  }
  dir = g_build_filename (out, parts[0], NULL);
  if (!prepare_dir (dir, error))
    return FALSE;
  paths = g_strsplit (parts[1], ":", -1);
  for (guint i = 0; paths[i] != NULL; i++) {
    g_autofree gchar *text = NULL;
    g_autofree gchar *name = g_strdup_printf ("file-%02u", i + 1);
    g_autofree gchar *path = g_build_filename (dir, name, NULL);
    gsize len;

    if (!g_file_get_contents (paths[i], &text, &len, error) ||
        !g_file_set_contents (path, text, (gssize) len, error))
      return FALSE;
  }
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) ctx = NULL;
  g_autofree gchar *out = NULL;
  g_auto(GStrv) udp_targets = NULL, pcap_targets = NULL, line_targets = NULL, file_targets = NULL;
  g_autoptr(GPtrArray) files = NULL;
  guint n_payloads = 0;
  const GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Output directory", "DIR" },
    { "udp", 0, 0, G_OPTION_ARG_STRING_ARRAY, &udp_targets, "Target fed UDP payloads", "NAME" },
    { "pcap", 0, 0, G_OPTION_ARG_STRING_ARRAY, &pcap_targets, "Target fed whole captures", "NAME" },
    { "lines", 0, 0, G_OPTION_ARG_STRING_ARRAY, &line_targets, "Target fed each line of FILE", "NAME=FILE" },
    { "files", 0, 0, G_OPTION_ARG_STRING_ARRAY, &file_targets, "Target fed each FILE whole", "NAME=FILE:FILE..." },
    { NULL },
  };

  ctx = g_option_context_new ("SOURCE... - write fuzz seed corpora from pcap captures");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || out == NULL) {
    g_printerr ("extract-seeds: %s\n", error != NULL ? error->message : "--out is required");
    return 2;
  }
  if (!prepare_target_dirs (out, udp_targets, &error) ||
      !prepare_target_dirs (out, pcap_targets, &error) ||
      (files = list_sources (argc, argv, &error)) == NULL) {
    g_printerr ("extract-seeds: %s\n", error->message);
    return 1;
  }
  for (guint j = 0; line_targets != NULL && line_targets[j] != NULL; j++) {
    if (!write_line_seeds (out, line_targets[j], &error)) {
      g_printerr ("extract-seeds: %s\n", error->message);
      return 1;
    }
  }
  for (guint j = 0; file_targets != NULL && file_targets[j] != NULL; j++) {
    if (!write_file_seeds (out, file_targets[j], &error)) {
      g_printerr ("extract-seeds: %s\n", error->message);
      return 1;
    }
  }
  for (guint j = 0; j < files->len; j++) {
    if (!extract (files->pdata[j], out, udp_targets, pcap_targets, &n_payloads, &error)) {
      g_printerr ("extract-seeds: %s\n", error->message);
      return 1;
    }
  }
  g_print ("extract-seeds: %u UDP payloads from %u captures into %s\n", n_payloads, files->len,
           out);
  return 0;
}
