/* Reading lispmnd.conf's text, below its schema (lispmnd-config.c): the file itself, with
 * errno's reasons; its GKeyFile syntax, with the line GKeyFile refused (never quoting a line
 * that may hold a map-server's key); and each key's value with its place in the file, so
 * that every complaint reads "FILE:LINE: [GROUP] KEY: reason". */
#pragma once

#include <glib.h>
#include "keyfile-scanner.h"

G_BEGIN_DECLS

/* The error domain of lispmnd.conf (lmn_config_load and everything below it). */
#define LMN_CONFIG_ERROR (lmn_config_error_quark ())
GQuark lmn_config_error_quark (void);

typedef enum {
  LMN_CONFIG_ERROR_SYNTAX,   /* not GKeyFile syntax */
  LMN_CONFIG_ERROR_MISSING,  /* a required key or group is absent */
  LMN_CONFIG_ERROR_INVALID,  /* a value is malformed or out of range */
  LMN_CONFIG_ERROR_UNKNOWN,  /* an unknown group or key (likely a typo) */
} LmnConfigError;

typedef struct {
  const char *file;     /* the name errors start with */
  GKeyFile   *keyfile;
  GPtrArray  *groups;   /* LmnKeyfileGroup*, in file order */
} LmnConfReader;

/* One key being checked: enough to build "FILE:LINE: [GROUP] KEY: " and a hint. */
typedef struct {
  const LmnConfReader   *reader;
  const LmnKeyfileGroup *group;
  const char            *key;    /* NULL for an error about the group itself */
  guint                  line;   /* the key's line; the group's when the key is absent */
  const char            *value;  /* for the comment hint; never set for a map-server key */
} LmnConfWhere;

/* Sets the error "FILE:LINE: [GROUP] KEY: reason" (a hint added when the value holds a
 * '#'); always FALSE. */
gboolean      lmn_conf_fail         (const LmnConfWhere *w, GError **error, LmnConfigError code,
                                     const char *format, ...) G_GNUC_PRINTF (4, 5);
LmnConfWhere  lmn_conf_where_group  (const LmnConfReader *r, const LmnKeyfileGroup *g);
LmnConfWhere  lmn_conf_where_key    (const LmnConfReader *r, const LmnKeyfileGroup *g,
                                     const char *key);

/* Loads data into keyfile, or says where and why GKeyFile refused it. */
gboolean      lmn_conf_check_syntax (const char *data, gsize len, const char *file,
                                     GKeyFile *keyfile, GError **error);
/* The whole file (NUL-terminated), refusing directories, devices and big files. */
gchar        *lmn_conf_read_file    (const char *path, gsize *len, GError **error);

/* The value of key with surrounding whitespace removed; *out is NULL when the key is absent.
 * w is filled for the error messages about this key. */
gboolean      lmn_conf_get_string   (const LmnConfReader *r, const LmnKeyfileGroup *g,
                                     const char *key, LmnConfWhere *w, gchar **out,
                                     GError **error);
/* The ';'-separated entries of key, each stripped; *out is NULL when the key is absent. */
gboolean      lmn_conf_get_list     (const LmnConfReader *r, const LmnKeyfileGroup *g,
                                     const char *key, LmnConfWhere *w, gchar ***out,
                                     GError **error);
/* An unsigned number in 0..max, left alone when the key is absent; noun names it in
 * "'300' is not a priority (0-255)". */
gboolean      lmn_conf_get_number   (const LmnConfReader *r, const LmnKeyfileGroup *g,
                                     const char *key, const char *noun, guint64 max,
                                     guint64 *inout, GError **error);

G_END_DECLS
