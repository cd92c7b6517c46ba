/* LmnSite: a site's prefixes and keys, and which prefixes it may register. */
#include "site.h"

#include "lisp-auth.h"
#include "lmn-secret.h"

#include <string.h>

static void
site_key_free (gpointer data)
{
  LmnSiteKey *k = data;

  lmn_secret_free (k->secret);
  g_free (k);
}

LmnSite *
lmn_site_new (const char *name)
{
  LmnSite *site = g_new0 (LmnSite, 1);

  site->name = g_strdup (name);
  site->prefixes = g_array_new (FALSE, TRUE, sizeof (LispPrefix));
  site->keys = g_ptr_array_new_with_free_func (site_key_free);
  site->proxy_reply = LMN_PROXY_FOLLOW;
  site->increasing_nonces = LMN_NONCES_AUTO;
  return site;
}

void
lmn_site_free (LmnSite *site)
{
  if (site == NULL)
    return;
  g_free (site->name);
  g_array_unref (site->prefixes);
  g_ptr_array_unref (site->keys);
  g_free (site);
}

void
lmn_site_add_key (LmnSite *site, guint8 key_id, guint8 algorithm, const char *secret)
{
  LmnSiteKey *k = g_new0 (LmnSiteKey, 1);

  k->key_id = key_id;
  k->algorithm = algorithm;
  k->secret = g_strdup (secret);
  g_ptr_array_add (site->keys, k);
}

const LmnSiteKey *
lmn_site_find_key (const LmnSite *site, guint8 key_id)
{
  for (guint i = 0; i < site->keys->len; i++)
    {
      const LmnSiteKey *k = g_ptr_array_index (site->keys, i);

      if (k->key_id == key_id)
        return k;
    }
  return NULL;
}

gboolean
lmn_site_key_verifies (const LmnSiteKey *key, const LispMapRegister *m, const guint8 *msg,
                       gsize len)
{
  return m->alg_id == key->algorithm &&
         lisp_auth_verify (m->alg_id, (const guint8 *) key->secret, strlen (key->secret), msg,
                           len, m->auth_offset,
                           m->auth_data != NULL ? g_bytes_get_size (m->auth_data) : 0, NULL);
}

gboolean
lmn_prefix_covers (const LispPrefix *outer, const LispPrefix *inner)
{
  return inner->len >= outer->len &&
         lisp_prefix_contains (outer, inner->iid, inner->family, inner->addr);
}

gboolean
lmn_site_allows (const LmnSite *site, const LispPrefix *p)
{
  for (guint i = 0; i < site->prefixes->len; i++)
    {
      const LispPrefix *sp = &g_array_index (site->prefixes, LispPrefix, i);

      if (site->accept_more_specifics ? lmn_prefix_covers (sp, p) : lisp_prefix_equal (sp, p))
        return TRUE;
    }
  return FALSE;
}

gboolean
lmn_site_holds (const LmnSite *site, const LispPrefix *q)
{
  for (guint i = 0; i < site->prefixes->len; i++)
    if (lmn_prefix_covers (&g_array_index (site->prefixes, LispPrefix, i), q))
      return TRUE;
  return FALSE;
}
