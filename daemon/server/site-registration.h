/* A site's registration of one EID-prefix as lispmn-server holds it: the record the xTR
 * registered, who registered it and when, and when it expires. (lispmnd's own side of a
 * registration, towards one map-server, is LmnRegistration in control/registration.h.) */
#pragma once

#include <glib.h>
#include "endpoint.h"
#include "lisp-message.h"
#include "lisp-prefix.h"
#include "site.h"

G_BEGIN_DECLS

#define LMN_MS_DEFAULT_TIMEOUT 180      /* seconds: three missed 60 s refreshes */

typedef struct {
  LispPrefix     prefix;
  const LmnSite *site;
  LispRecord    *record;        /* as registered: TTL, locators with their flags */
  LmnEndpoint    registrant;    /* source of the last Map-Register */
  gboolean       proxy_reply;   /* P bit of the last Map-Register */
  gboolean       use_ttl;       /* T bit */
  gboolean       has_xtr_id;
  guint8         xtr_id[16];
  guint64        site_id;
  guint8         key_id;        /* the key that authenticated it, for unsolicited notifies */
  gint64         first_registered;  /* seconds, caller's clock */
  gint64         last_refresh;
  guint slot; /* its index in the map-server's registrations (ms-context.c) */
} LmnSiteRegistration;

LmnSiteRegistration *lmn_site_registration_new  (const LispPrefix *prefix, gint64 now);
void                 lmn_site_registration_free (LmnSiteRegistration *reg);
/* When the registration expires (seconds, caller's clock): 180 s after the last refresh,
 * or after the record TTL when the T bit asks for it. */
gint64   lmn_site_registration_expiry       (const LmnSiteRegistration *reg);
/* Whether the map-resolver answers for it (its site's proxy-reply= over the P bit). */
gboolean lmn_site_registration_proxy_replies (const LmnSiteRegistration *reg);

G_END_DECLS
