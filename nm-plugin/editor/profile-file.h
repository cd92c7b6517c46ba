/* The lispmn profile file: a VPN profile as a key file, for
 * `nmcli connection import type lispmn file F` and the export back. One group, [lispmn],
 * holds the profile's name, its split mode, the map-server key and every vpn.data key under
 * the same name (see nm-lispmn-service(8)); the values are checked by vpn-data.c, the one
 * home of those checks, so a file is refused with the message a bad vpn.data gets.
 * Pure GLib: the plugin turns an LmnProfile into an NMConnection and back. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LMN_PROFILE_GROUP "lispmn"

typedef struct {
  gchar *name;       /* the connection's id; NULL when the file has none */
  gboolean split;    /* ipv4/ipv6.never-default: only the profile's routes through LISP */
  gchar *key;        /* the map-server key, NULL when not in the file */
  GPtrArray *keys;   /* gchar*: vpn.data keys, in the file's order */
  GPtrArray *values; /* gchar*: their values */
} LmnProfile;

LmnProfile *lmn_profile_new (void);
void lmn_profile_free (LmnProfile *profile);
/* Reads a profile file's text, every value checked ("vpn.data: eid: ..."). */
LmnProfile *lmn_profile_parse (const char *text, gsize length, GError **error);
/* The file's text for a profile: the keys sorted, so an export is reproducible. */
gchar *lmn_profile_to_text (const LmnProfile *profile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnProfile, lmn_profile_free)

G_END_DECLS
