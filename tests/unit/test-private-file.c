/* A configuration file holding keys must be private (daemon/base/private-file.c): the rule
 * for modes and owners, and both daemons' loaders refusing a readable file with the command
 * that fixes it while a file without keys may stay readable. Also the excerpts that error
 * messages quote values with (daemon/base/text-excerpt.c). */
#include "lisp-auth.h"
#include "lispmnd-config.h"
#include "private-file.h"
#include "server-config.h"
#include "text-excerpt.h"
#include "test-table.h"

#include <glib/gstdio.h>
#include <string.h>

static const char mn_conf[] = "[lispmnd]\neids=192.0.2.10/32\n"
                              "[map-server 198.51.100.1]\nkey=not-a-real-key\n";
static const char mn_conf_keyless[] = "[lispmnd]\ntun=lmn7\nmtu=1400\n";
static const char server_conf[] = "[site home]\neid-prefixes=192.0.2.0/24\nkey=not-a-real-key\n";

typedef struct {
  const char *path;
  guint mode;
  guint uid;
  guint euid;
  const char *problem; /* NULL: fine */
} ModeCase;

static const ModeCase mode_cases[] = {
  { "/mode/600", 0100600, 0, 0, NULL },
  { "/mode/400", 0100400, 0, 0, NULL },
  { "/mode/644", 0100644, 0, 0,
    "holds keys but its mode 0644 lets everyone at it: run `chmod 600 F`" },
  { "/mode/640", 0100640, 0, 0,
    "holds keys but its mode 0640 lets its group at it: run `chmod 600 F`" },
  { "/mode/602", 0100602, 0, 0,
    "holds keys but its mode 0602 lets everyone at it: run `chmod 600 F`" },
  { "/mode/660", 0100660, 0, 0,
    "holds keys but its mode 0660 lets its group at it: run `chmod 600 F`" },
  /* Root's files are fine for everyone; a daemon's own files for it. */
  { "/owner/root-for-user", 0100600, 0, 1000, NULL },
  { "/owner/self", 0100600, 1000, 1000, NULL },
  { "/owner/other-user", 0100600, 1000, 0,
    "holds keys but belongs to user 1000, not to root or to the user this daemon runs as: "
    "run `chown root F`" },
};

static void
test_mode (gconstpointer data)
{
  const ModeCase *c = data;
  g_autofree gchar *problem = lmn_private_file_problem ("F", c->mode, c->uid, c->euid);

  g_assert_cmpstr (problem, ==, c->problem);
}

/* A file in a fresh directory with this text and mode; the directory in *dir. */
static gchar *
write_file (const char *name, const char *text, guint mode, gchar **dir)
{
  gchar *path;

  *dir = g_dir_make_tmp ("lmn-private-XXXXXX", NULL);
  g_assert_nonnull (*dir);
  path = g_build_filename (*dir, name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
  return path;
}

static void
remove_file (const char *path, const char *dir)
{
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_lispmnd_conf (void)
{
  g_autofree gchar *dir = NULL, *dir2 = NULL, *dir3 = NULL;
  g_autofree gchar *open = write_file ("lispmnd.conf", mn_conf, 0644, &dir);
  g_autofree gchar *closed = write_file ("lispmnd.conf", mn_conf, 0600, &dir2);
  g_autofree gchar *keyless = write_file ("lispmnd.conf", mn_conf_keyless, 0644, &dir3);
  g_autofree gchar *want = g_strdup_printf ("%s: holds keys but its mode 0644 lets everyone at "
                                            "it: run `chmod 600 %s`",
                                            open, open);
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnConfig) c = lmn_config_load (open, &error);

  g_assert_null (c);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM);
  g_assert_cmpstr (error->message, ==, want);
  /* The message names the file and the fix, never the key. */
  g_assert_null (strstr (error->message, "not-a-real-key"));
  g_clear_error (&error);

  c = lmn_config_load (closed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (c->map_servers->len, ==, 1);
  g_clear_pointer (&c, lmn_config_free);

  c = lmn_config_load (keyless, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (c->mtu, ==, 1400);

  remove_file (open, dir);
  remove_file (closed, dir2);
  remove_file (keyless, dir3);
}

static void
test_server_conf (void)
{
  g_autofree gchar *dir = NULL, *dir2 = NULL;
  g_autofree gchar *open = write_file ("lispmn-server.conf", server_conf, 0640, &dir);
  g_autofree gchar *closed = write_file ("lispmn-server.conf", server_conf, 0600, &dir2);
  g_autofree gchar *want = g_strdup_printf ("%s: holds keys but its mode 0640 lets its group "
                                            "at it: run `chmod 600 %s`",
                                            open, open);
  g_autoptr(GError) error = NULL;
  g_autoptr(LmnServerConfig) c = lmn_server_config_load (open, &error);

  g_assert_null (c);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM);
  g_assert_cmpstr (error->message, ==, want);
  g_clear_error (&error);

  c = lmn_server_config_load (closed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (c->sites->len, ==, 1);

  remove_file (open, dir);
  remove_file (closed, dir2);
}

typedef struct {
  const char *path;
  const char *text;
  const char *excerpt;
} ExcerptCase;

static const ExcerptCase excerpt_cases[] = {
  { "/excerpt/short", "192.0.2.1", "192.0.2.1" },
  { "/excerpt/40", "0123456789012345678901234567890123456789",
    "0123456789012345678901234567890123456789" },
  { "/excerpt/41", "01234567890123456789012345678901234567890",
    "0123456789012345678901234567890123456789…" },
  { "/excerpt/control", "a\nb\tc", "a?b?c" },
  { "/excerpt/invalid-utf8",
    "a\xff"
    "b",
    "a\xef\xbf\xbd"
    "b" },
  /* Forty characters, not forty bytes: a multi-byte character is never cut. */
  { "/excerpt/multibyte", "ééééééééééééééééééééééééééééééééééééééééé",
    "éééééééééééééééééééééééééééééééééééééééé…" },
  { "/excerpt/null", NULL, "" },
};

static void
test_excerpt (gconstpointer data)
{
  const ExcerptCase *c = data;
  g_autofree gchar *e = lmn_excerpt (c->text);

  g_assert_cmpstr (e, ==, c->excerpt);
  g_assert_true (g_utf8_validate (e, -1, NULL));
}

/* A megabyte of value gives a message of a line. */
static void
test_excerpt_huge (void)
{
  g_autofree gchar *huge = g_strnfill (1024 * 1024, '1');
  g_autofree gchar *reason = lmn_config_check_prefix (huge, 0, &(LispPrefix) { 0 });

  g_assert_nonnull (reason);
  g_assert_cmpuint (strlen (reason), <, 120);
  g_assert_true (g_str_has_prefix (reason, "'1111111111111111111111111111111111111111…'"));
}

/* One key length limit for every source of keys (lisp-auth.h): the longest is accepted, one
 * byte more refused, by both files (D-Bus and vpn.data have their own tests). */
static void
test_key_length (void)
{
  for (guint extra = 0; extra < 2; extra++)
    {
      g_autofree gchar *key = g_strnfill (LISP_AUTH_MAX_KEY_LENGTH + extra, 'k');
      g_autofree gchar *mn = g_strdup_printf ("[lispmnd]\neids=192.0.2.10/32\n"
                                              "[map-server 198.51.100.1]\nkey=%s\n",
                                              key);
      g_autofree gchar *server = g_strdup_printf ("[site home]\neid-prefixes=192.0.2.0/24\n"
                                                  "key=%s\n",
                                                  key);
      g_autoptr(GError) mn_error = NULL, server_error = NULL;
      g_autoptr(LmnConfig) c = lmn_config_load_data (mn, -1, "t.conf", &mn_error);
      g_autoptr(LmnServerConfig) s = lmn_server_config_load_data (server, strlen (server), "s.conf",
                                                                  &server_error);

      if (extra == 0)
        {
          g_assert_no_error (mn_error);
          g_assert_no_error (server_error);
          continue;
        }
      g_assert_cmpstr (mn_error->message, ==,
                       "t.conf:4: [map-server 198.51.100.1] key: longer than 512 bytes");
      g_assert_cmpstr (server_error->message, ==,
                       "s.conf:3: [site home] key: longer than 512 bytes");
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  TEST_ADD_TABLE (mode_cases, test_mode);
  g_test_add_func ("/load/lispmnd-conf", test_lispmnd_conf);
  g_test_add_func ("/load/server-conf", test_server_conf);
  g_test_add_func ("/key-length", test_key_length);
  TEST_ADD_TABLE (excerpt_cases, test_excerpt);
  g_test_add_func ("/excerpt/huge", test_excerpt_huge);
  return g_test_run ();
}
