/* A site of lispmn-server (a [site NAME] group): the EID-prefixes its xTRs may register,
 * the keys they authenticate with, and how the map-resolver answers for them. */
#pragma once

#include <glib.h>
#include "lisp-message.h"
#include "lisp-prefix.h"

G_BEGIN_DECLS

typedef enum {
  LMN_PROXY_FOLLOW,  /* as the registrant's P bit says */
  LMN_PROXY_ALWAYS,
  LMN_PROXY_NEVER,
} LmnProxyMode;

/* Replays of Map-Registers (map-register.c). RFC 9301 §5.6 gives the nonce no anti-replay
 * role, and deployed xTRs differ: lispmnd's nonces grow (a clock), lispers.net sends the same
 * nonce every time, OOR random ones (without an xTR-ID, so never checked). */
typedef enum {
  LMN_NONCES_AUTO,   /* checked for the xTR-IDs seen counting up; the default */
  LMN_NONCES_ALWAYS, /* checked for every xTR-ID ("true") */
  LMN_NONCES_NEVER,  /* never checked ("false") */
} LmnNonceCheck;

typedef struct {
  guint8  key_id;
  guint8  algorithm;  /* LispAuthAlg */
  gchar  *secret;     /* never logged */
} LmnSiteKey;

typedef struct {
  gchar       *name;
  GArray      *prefixes;              /* LispPrefix */
  GPtrArray   *keys;                  /* LmnSiteKey* */
  gboolean     accept_more_specifics;
  LmnProxyMode proxy_reply;
  /* Which xTR-IDs must send each Map-Register under a nonce above the last one accepted
   * from them with that key, else it is a replay (increasing-nonces=). */
  LmnNonceCheck increasing_nonces;
} LmnSite;

LmnSite *lmn_site_new  (const char *name);
void     lmn_site_free (LmnSite *site);
void     lmn_site_add_key (LmnSite *site, guint8 key_id, guint8 algorithm, const char *secret);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnSite, lmn_site_free)

/* The site's key with this Key ID, or NULL. */
const LmnSiteKey *lmn_site_find_key (const LmnSite *site, guint8 key_id);
/* Whether the Map-Register, Map-Notify or Map-Notify-Ack m (decoded from msg) names the
 * key's algorithm and its MAC verifies with the key. */
gboolean lmn_site_key_verifies (const LmnSiteKey *key, const LispMapRegister *m,
                                const guint8 *msg, gsize len);
/* Whether the site may register p: one of its prefixes exactly, or one inside them when it
 * accepts more-specifics. */
gboolean lmn_site_allows (const LmnSite *site, const LispPrefix *p);
/* Whether one of the site's prefixes holds all of q. */
gboolean lmn_site_holds  (const LmnSite *site, const LispPrefix *q);

/* Whether outer holds all of inner. */
gboolean lmn_prefix_covers (const LispPrefix *outer, const LispPrefix *inner);

G_END_DECLS
