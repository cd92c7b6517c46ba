/* What nm-lispmn-auth-dialog is asked and answers, without any UI: whether the map-server
 * key must be asked for (its flags, the hints NetworkManager passes, a reprompt), the
 * keyfile GNOME Shell reads in external UI mode, and the answer NetworkManager reads on
 * stdout ("KEY\nVALUE\n" lines, then an empty line). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gchar *name;          /* the connection's name (-n) */
  GHashTable *data;     /* vpn.data, from stdin */
  GHashTable *secrets;  /* vpn.secrets known so far, from stdin */
  GStrv hints;          /* -t: the secrets the service says it needs */
  gboolean reprompt;    /* -r: the last key was refused */
  gboolean interactive; /* -i: may ask */
} LmnSecretsRequest;

/* Whether the map-server key must be asked for; when not, the answer is the key known. */
gboolean lmn_secrets_request_should_ask (const LmnSecretsRequest *request);
/* The keyfile for GNOME Shell's external UI mode. */
gchar *lmn_secrets_request_external_ui (const LmnSecretsRequest *request);
/* NetworkManager's answer: the map-server key when there is one, then the end marker. */
gchar *lmn_secrets_request_answer (const char *key);

G_END_DECLS
