/* lispmn-server's per-source token buckets (rate-limit.h): base/token-bucket.c keyed by an
 * endpoint's address, on the map-server core's clock in seconds. */
#include "rate-limit.h"

LmnRateLimit *
lmn_rate_limit_new (guint rate, guint burst, guint max_sources)
{
  return lmn_token_buckets_new (rate, burst, 0, 1, max_sources);
}

LmnRateLimit *
lmn_rate_limit_new_total (guint rate, guint burst, guint total_rate, guint total_burst,
                          guint max_sources)
{
  return lmn_token_buckets_new (rate, burst, total_rate, total_burst, max_sources);
}

void
lmn_rate_limit_free (LmnRateLimit *rl)
{
  lmn_token_buckets_free (rl);
}

gboolean
lmn_rate_limit_allow (LmnRateLimit *rl, const LmnEndpoint *from, gint64 now)
{
  return lmn_token_buckets_allow (rl, from->family, from->addr, now * G_USEC_PER_SEC);
}

guint
lmn_rate_limit_size (const LmnRateLimit *rl)
{
  return lmn_token_buckets_size (rl);
}
