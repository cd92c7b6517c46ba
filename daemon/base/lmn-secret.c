/* Wiping secrets before they are freed (lmn-secret.h). */
#include "lmn-secret.h"

#include <string.h>

void
lmn_secret_free (gchar *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}
