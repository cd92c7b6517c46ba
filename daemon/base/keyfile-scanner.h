/* Where groups and keys sit in a key file (GKeyFile syntax), for the two daemons'
 * configuration parsers: GKeyFile reads the values but names no line, so the text is
 * scanned once more to give every group and key its line, and every error the form
 * "FILE:LINE: [GROUP] KEY: reason". Also the spelling suggestions ("did you mean") for
 * unknown names, and the line of a syntax error GKeyFile refuses without saying where. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gchar *name;
  guint  line;
} LmnKeyfileKey;

typedef struct {
  gchar      *name;      /* the text between '[' and ']' */
  guint       line;
  const char *argument;  /* points into name: after its first space ("wlan0" of
                          * "uplink wlan0"); NULL without a space */
  guint       kind;      /* the parser's own classification; 0 until it sets one */
  GArray     *keys;      /* LmnKeyfileKey, in file order */
} LmnKeyfileGroup;

/* The first line-level mistake in the text, in line order. */
typedef enum {
  LMN_KEYFILE_OK,
  LMN_KEYFILE_BAD_LINE,          /* not a comment, a [group] or a key=value line */
  LMN_KEYFILE_KEY_OUTSIDE_GROUP, /* a key=value line before the first [group] */
  LMN_KEYFILE_GROUP_TWICE,       /* group; first_line is the first one's */
  LMN_KEYFILE_KEY_TWICE,         /* group, key; first_line is the first one's */
} LmnKeyfileProblemKind;

typedef struct {
  LmnKeyfileProblemKind  kind;
  guint                  line;
  guint                  first_line;
  const LmnKeyfileGroup *group;
  const char            *key;
} LmnKeyfileProblem;

/* Every group and key of data (up to a NUL) with its line, in file order (LmnKeyfileGroup*).
 * Lines are taken as GKeyFile takes them: split at '\n', whitespace around them ignored.
 * problem (may be NULL) is set to the first mistake; a repeated group or key is listed
 * again, the other lines with a mistake are left out. On text GKeyFile accepted, only
 * repetitions can be found (GKeyFile merges them). */
GPtrArray   *lmn_keyfile_scan          (const char *data, gsize len, LmnKeyfileProblem *problem);

gboolean     lmn_keyfile_group_has_key (const LmnKeyfileGroup *group, const char *key);
/* The line of the key's first occurrence in the group; the group's line without it. */
guint        lmn_keyfile_key_line      (const LmnKeyfileGroup *group, const char *key);

/* Sets "FILE:LINE: [GROUP] KEY: reason", or "FILE:LINE: [GROUP]: reason" when key is NULL. */
void         lmn_keyfile_set_error     (GError **error, GQuark domain, gint code, const char *file,
                                        guint line, const char *group, const char *key,
                                        const char *reason);

/* The candidate word is most likely a typo of (at most 2 edits, and at most a third of
 * it), or NULL. */
const char  *lmn_keyfile_closest       (const char *word, const char * const *candidates);

/* The first line of data GKeyFile refuses; 0 if it names none (it refuses the whole). */
guint        lmn_keyfile_syntax_error_line (const char *data, gsize len);

G_END_DECLS
