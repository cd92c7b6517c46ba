/* LmnSiteRegistration: one registered EID-prefix, its expiry and its proxy-reply rule. */
#include "site-registration.h"

LmnSiteRegistration *
lmn_site_registration_new (const LispPrefix *prefix, gint64 now)
{
  LmnSiteRegistration *reg = g_new0 (LmnSiteRegistration, 1);

  reg->prefix = *prefix;
  reg->first_registered = now;
  return reg;
}

void
lmn_site_registration_free (LmnSiteRegistration *reg)
{
  if (reg == NULL)
    return;
  lisp_record_free (reg->record);
  g_free (reg);
}

gint64
lmn_site_registration_expiry (const LmnSiteRegistration *reg)
{
  /* Record TTLs are minutes; 0xffffffff (forever, for some) stays in gint64 range. */
  if (reg->use_ttl)
    return reg->last_refresh + (gint64) reg->record->ttl * 60;
  return reg->last_refresh + LMN_MS_DEFAULT_TIMEOUT;
}

gboolean
lmn_site_registration_proxy_replies (const LmnSiteRegistration *reg)
{
  switch (reg->site->proxy_reply)
    {
    case LMN_PROXY_ALWAYS:
      return TRUE;
    case LMN_PROXY_NEVER:
      return FALSE;
    case LMN_PROXY_FOLLOW:
    default:
      return reg->proxy_reply;
    }
}
