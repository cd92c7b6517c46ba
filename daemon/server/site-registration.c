/* LmnSiteRegistration, and the map-server's table of them: finding, looking up, expiring. */
#include "site-registration.h"

#include "map-server-private.h"

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

guint
lmn_map_server_expire (LmnMapServer *ms, gint64 now)
{
  guint removed = 0;

  for (guint i = ms->registrations->len; i > 0; i--)
    {
      LmnSiteRegistration *reg = g_ptr_array_index (ms->registrations, i - 1);

      if (now >= lmn_site_registration_expiry (reg))
        {
          g_autofree gchar *p = lisp_prefix_to_string (&reg->prefix);

          g_info ("site %s: registration of %s expired", reg->site->name, p);
          g_ptr_array_remove_index_fast (ms->registrations, i - 1);
          ms->counters[LMN_MS_REGISTRATIONS_EXPIRED]++;
          removed++;
        }
    }
  return removed;
}

LmnSiteRegistration *
lmn_ms_find_registration (LmnMapServer *ms, const LispPrefix *prefix)
{
  for (guint i = 0; i < ms->registrations->len; i++)
    {
      LmnSiteRegistration *reg = g_ptr_array_index (ms->registrations, i);

      if (lisp_prefix_equal (&reg->prefix, prefix))
        return reg;
    }
  return NULL;
}

LmnSiteRegistration *
lmn_ms_lookup_registration (LmnMapServer *ms, const LispPrefix *q)
{
  LmnSiteRegistration *best = NULL;

  for (guint i = 0; i < ms->registrations->len; i++)
    {
      LmnSiteRegistration *reg = g_ptr_array_index (ms->registrations, i);

      if (lmn_prefix_covers (&reg->prefix, q) &&
          (best == NULL || reg->prefix.len > best->prefix.len))
        best = reg;
    }
  return best;
}
