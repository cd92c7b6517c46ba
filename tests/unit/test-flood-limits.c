/* The limits against floods from strangers (docs/hardening.md), with the time injected:
 * the token buckets both daemons use (base/token-bucket.c) per source and in all, the log
 * limiter (base/log-limiter.c) and its summary line, and the Map-Register nonces
 * (registrar.c): 32 random bits below, and still growing. */
#include "log-limiter.h"
#include "registrar.h"
#include "token-bucket.h"

#include <string.h>

#define SEC ((gint64) G_USEC_PER_SEC)
#define T0  (1000 * SEC)

static const guint8 A[4] = { 192, 0, 2, 1 };
static const guint8 B[4] = { 192, 0, 2, 2 };
static const guint8 C[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

/* How many of n tries at now are allowed. */
static guint
allowed (LmnTokenBuckets *tb, guint8 family, const guint8 *addr, gint64 now, guint n)
{
  guint ok = 0;

  for (guint i = 0; i < n; i++)
    ok += lmn_token_buckets_allow (tb, family, addr, now);
  return ok;
}

static void
test_per_source (void)
{
  g_autoptr(LmnTokenBuckets) tb = lmn_token_buckets_new (10, 20, 0, 1, 16);

  /* The burst, then nothing more in the same instant. */
  g_assert_cmpuint (allowed (tb, 4, A, T0, 100), ==, 20);
  /* Another source has its own bucket; an IPv6 one too. */
  g_assert_cmpuint (allowed (tb, 4, B, T0, 100), ==, 20);
  g_assert_cmpuint (allowed (tb, 6, C, T0, 100), ==, 20);
  /* Refilled at the rate: 0.5 s gives 5 tokens, 100 ms one. */
  g_assert_cmpuint (allowed (tb, 4, A, T0 + SEC / 2, 100), ==, 5);
  g_assert_cmpuint (allowed (tb, 4, A, T0 + SEC / 2 + SEC / 10, 100), ==, 1);
  /* Ten seconds of 1000 tries a second: the rate gets through, 100, plus the 0.4 s of
   * refill since the last try above. */
  {
    guint ok = 0;

    for (gint64 t = T0 + SEC; t < T0 + 11 * SEC; t += SEC / 100)
      ok += allowed (tb, 4, A, t, 10);
    g_assert_cmpuint (ok, >=, 102);
    g_assert_cmpuint (ok, <=, 104);
  }
  /* An idle hour refills no more than the burst. */
  g_assert_cmpuint (allowed (tb, 4, A, T0 + 3600 * SEC, 100), ==, 20);
  /* A clock going back takes no token and gives none. */
  g_assert_cmpuint (allowed (tb, 4, B, T0 - SEC, 100), ==, 0);
}

static void
test_total (void)
{
  g_autoptr(LmnTokenBuckets) tb = lmn_token_buckets_new (10, 20, 50, 60, 4096);
  guint ok = 0;

  /* Many sources, each within its own share: the total stops them at its burst. */
  for (guint i = 0; i < 1000; i++)
    {
      guint8 addr[4] = { 198, 51, 100 + (i >> 8), i & 0xff };

      ok += allowed (tb, 4, addr, T0, 1);
    }
  g_assert_cmpuint (ok, ==, 60);
  /* One second later, the total's rate. */
  ok = 0;
  for (guint i = 0; i < 1000; i++)
    {
      guint8 addr[4] = { 203, 0, 113, i & 0xff };

      ok += allowed (tb, 4, addr, T0 + SEC, 1);
    }
  g_assert_cmpuint (ok, ==, 50);
  /* A refusal by the total takes no token of the source: it has its burst later. */
  g_assert_cmpuint (allowed (tb, 4, A, T0 + SEC, 5), ==, 0);
  g_assert_cmpuint (allowed (tb, 4, A, T0 + 3 * SEC, 100), ==, 20);
}

static void
test_bounded_table (void)
{
  g_autoptr(LmnTokenBuckets) tb = lmn_token_buckets_new (1, 2, 0, 1, 3);

  g_assert_cmpuint (allowed (tb, 4, A, T0, 5), ==, 2);
  g_assert_cmpuint (allowed (tb, 4, B, T0, 1), ==, 1);
  g_assert_cmpuint (allowed (tb, 6, C, T0, 1), ==, 1);
  g_assert_cmpuint (allowed (tb, 4, A, T0, 1), ==, 0); /* A is now the most recent */
  {
    const guint8 d[4] = { 192, 0, 2, 4 };

    g_assert_cmpuint (allowed (tb, 4, d, T0, 1), ==, 1); /* forgets B, the stalest */
  }
  g_assert_cmpuint (lmn_token_buckets_size (tb), ==, 3);
  g_assert_cmpuint (allowed (tb, 4, A, T0, 1), ==, 0); /* A was kept, still empty */
  g_assert_cmpuint (allowed (tb, 4, B, T0, 5), ==, 2); /* B comes back as new */
}

static void
test_log_limiter (void)
{
  g_autoptr(LmnLogLimiter) ll = lmn_log_limiter_new (3, 10);
  g_autoptr(GPtrArray) summaries = g_ptr_array_new_with_free_func (g_free);
  g_autofree gchar *summary = NULL;
  guint through = 0;

  for (guint i = 0; i < 1000; i++)
    {
      through += lmn_log_limiter_allow (ll, "bad-mac", T0 + i * 1000, &summary);
      g_assert_null (summary);
    }
  g_assert_cmpuint (through, ==, 3);
  /* Another reason has its own share. */
  g_assert_true (lmn_log_limiter_allow (ll, "malformed", T0, NULL));
  g_assert_cmpuint (lmn_log_limiter_suppressed (ll), ==, 997);
  /* Before the interval is over nothing is summed up. */
  g_assert_true (lmn_log_limiter_flush (ll, T0 + 5 * SEC, summaries));
  g_assert_cmpuint (summaries->len, ==, 0);
  /* The next line after the interval brings the summary first. */
  g_assert_true (lmn_log_limiter_allow (ll, "bad-mac", T0 + 12 * SEC, &summary));
  g_assert_cmpstr (summary, ==, "997 more like this (bad-mac) in the last 12s");
  g_clear_pointer (&summary, g_free);
  /* Held back again, then summed up by the flush once the window is over. */
  for (guint i = 0; i < 10; i++)
    lmn_log_limiter_allow (ll, "bad-mac", T0 + 13 * SEC, NULL);
  g_assert_false (lmn_log_limiter_flush (ll, T0 + 23 * SEC, summaries));
  g_assert_cmpuint (summaries->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (summaries, 0), ==,
                   "8 more like this (bad-mac) in the last 11s");
  /* A closed window is forgotten: the reason starts over. */
  g_assert_true (lmn_log_limiter_allow (ll, "bad-mac", T0 + 24 * SEC, &summary));
  g_assert_null (summary);
}

static void
test_nonces (void)
{
  const gint64 now = 1796000000; /* seconds since 1970, in 2026 */
  guint64 last = 0, n;

  /* The clock's seconds above, the random bits below, as drawn. */
  n = lmn_registrar_nonce_after (last, now, 0xdeadbeef);
  g_assert_cmphex (n, ==, ((guint64) now << 32) | 0xdeadbeef);
  /* Several in the same second (or a clock gone back): the count goes on, whatever the
   * random half. */
  for (guint i = 0; i < 100; i++)
    {
      guint64 next = lmn_registrar_nonce_after (n, i % 2 == 0 ? now : now - 3600, i * 7919u);

      g_assert_cmphex (next, >, n);
      g_assert_cmphex (next & 0xffffffffu, ==, i * 7919u);
      n = next;
    }
  /* The clock catching up takes over again. */
  g_assert_cmphex (lmn_registrar_nonce_after (n, now + 1000, 1) >> 32, ==, now + 1000);
  /* A nonce of an older lispmnd (microseconds) is below every new one. */
  g_assert_cmphex (lmn_registrar_nonce_after (0, now, 0), >, (guint64) now * G_USEC_PER_SEC);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/token-bucket/per-source", test_per_source);
  g_test_add_func ("/token-bucket/total", test_total);
  g_test_add_func ("/token-bucket/bounded-table", test_bounded_table);
  g_test_add_func ("/log-limiter/summary", test_log_limiter);
  g_test_add_func ("/registrar/nonces", test_nonces);
  return g_test_run ();
}
