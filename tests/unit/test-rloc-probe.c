/* The RLOC-probe schedule (rloc-probe-table.c), driven by hand with a clock and nonces of
 * our choosing: probes every interval, a miss after the retry time followed at once by
 * another probe, unreachable after three misses and still probed at the interval, back up
 * on an answer, nonces answering once only, forgetting locators no longer in use. */
#include "rloc-probe-table.h"

#define S G_USEC_PER_SEC
#define INTERVAL (60 * S)
#define RETRY (5 * S)

static guint64 next_nonce_value;

static guint64
counting_nonce (void)
{
  return ++next_nonce_value;
}

static const guint8 LOC_A[4] = { 198, 51, 100, 17 };
static const guint8 LOC_B[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

static LispPrefix
eid (void)
{
  static const guint8 a[4] = { 192, 0, 2, 128 };
  LispPrefix p;

  g_assert_true (lisp_prefix_init (&p, 0, 4, a, 25));
  return p;
}

/* Runs a round at now; returns how many probes were due, the first one's nonce in *nonce. */
static guint
round_at (LmnProbeTable *t, gint64 now, guint64 *nonce, guint *went_down, guint *missed)
{
  g_autoptr(GArray) down = g_array_new (FALSE, FALSE, sizeof (LmnProbeTarget));
  g_autoptr(GPtrArray) due = lmn_probe_table_due (t, now, counting_nonce, down, missed);

  if (nonce != NULL)
    *nonce = due->len > 0 ? ((LmnProbeTarget *) g_ptr_array_index (due, 0))->nonce : 0;
  if (went_down != NULL)
    *went_down = down->len;
  return due->len;
}

static void
test_schedule_and_answers (void)
{
  g_autoptr(LmnProbeTable) t = lmn_probe_table_new (INTERVAL, RETRY, 3, 0);
  LispPrefix p = eid ();
  const LmnProbeTarget *target;
  guint64 nonce, first;
  guint down, missed;
  gint64 now = 1000 * S;

  g_assert_cmpint (lmn_probe_table_next_event (t), ==, G_MAXINT64);
  lmn_probe_table_note_in_use (t, 4, LOC_A, &p, now);
  lmn_probe_table_note_in_use (t, 4, LOC_A, &p, now);   /* once per locator */
  g_assert_cmpuint (lmn_probe_table_size (t), ==, 1);
  g_assert_cmpuint (round_at (t, now, &first, NULL, NULL), ==, 1);
  g_assert_cmpuint (first, !=, 0);
  /* Nothing more is due until the probe is missed. */
  g_assert_cmpint (lmn_probe_table_next_event (t), ==, now + RETRY);
  g_assert_cmpuint (round_at (t, now + RETRY - 1, NULL, NULL, NULL), ==, 0);

  /* Answered after 30 ms: reachable, RTT known, next probe an interval after the first. */
  g_assert_cmpint (lmn_probe_table_answer (t, first, now + 30000, &target), ==, LMN_PROBE_ANSWER_OK);
  g_assert_nonnull (target);
  g_assert_cmpint (target->rtt, ==, 30000);
  g_assert_true (target->reachable);
  /* The same answer again (a replay) and a nonce never sent count for nothing. */
  g_assert_cmpint (lmn_probe_table_answer (t, first, now + 40000, NULL), ==, LMN_PROBE_ANSWER_UNKNOWN);
  g_assert_cmpint (lmn_probe_table_answer (t, 0xdeadbeef, now + 40000, NULL), ==, LMN_PROBE_ANSWER_UNKNOWN);
  g_assert_cmpint (lmn_probe_table_answer (t, 0, now + 40000, NULL), ==, LMN_PROBE_ANSWER_UNKNOWN);
  g_assert_cmpint (lmn_probe_table_next_event (t), ==, now + INTERVAL);
  g_assert_cmpuint (round_at (t, now + INTERVAL - 1, NULL, NULL, NULL), ==, 0);

  /* Silence: probe at +60 s, missed at +65 s and asked again at once, twice more: the
   * third miss (at +75 s) makes it unreachable. */
  now += INTERVAL;
  g_assert_cmpuint (round_at (t, now, &nonce, NULL, NULL), ==, 1);
  for (guint i = 1; i <= 3; i++)
    {
      guint n = round_at (t, now + i * RETRY, &nonce, &down, &missed);

      g_assert_cmpuint (missed, ==, 1);
      target = lmn_probe_table_find (t, 4, LOC_A);
      g_assert_cmpuint (target->misses, ==, i);
      g_assert_cmpuint (down, ==, i == 3 ? 1 : 0);
      g_assert_cmpint (target->reachable, ==, i < 3);
      /* Retries at once while reachable; once down, at the interval. */
      g_assert_cmpuint (n, ==, i < 3 ? 1 : 0);
    }
  g_assert_cmpint (lmn_probe_table_next_event (t), ==, now + 2 * RETRY + INTERVAL);
  /* A late answer to the last probe still counts: it is back. */
  nonce = lmn_probe_table_find (t, 4, LOC_A)->nonce;
  g_assert_cmpint (lmn_probe_table_answer (t, nonce, now + 3 * RETRY + S, &target), ==,
                   LMN_PROBE_ANSWER_NOW_UP);
  g_assert_true (target->reachable);
  g_assert_cmpuint (target->misses, ==, 0);
}

static void
test_down_stays_probed (void)
{
  g_autoptr(LmnProbeTable) t = lmn_probe_table_new (2 * S, RETRY, 3, 0);
  LispPrefix p = eid ();
  gint64 now = 50 * S;
  guint64 nonce = 0;
  guint down_total = 0, probes = 0;

  /* The retry time never exceeds the interval: with 2 s, a probe is missed after 2 s. */
  lmn_probe_table_note_in_use (t, 6, LOC_B, &p, now);
  for (gint64 at = now; at <= now + 20 * S; at += S)
    {
      guint down;

      probes += round_at (t, at, &nonce, &down, NULL);
      down_total += down;
    }
  g_assert_cmpuint (down_total, ==, 1);
  g_assert_false (lmn_probe_table_find (t, 6, LOC_B)->reachable);
  /* 0, 2, 4 s (missed at 2, 4, 6), then every 2 s whatever happens. */
  g_assert_cmpuint (probes, ==, 11);
  g_assert_cmpint (lmn_probe_table_answer (t, nonce, now + 21 * S, NULL), ==, LMN_PROBE_ANSWER_NOW_UP);
}

/* With slack, what is due a moment later is done now (the caller's timer is coarse). */
static void
test_slack (void)
{
  g_autoptr(LmnProbeTable) t = lmn_probe_table_new (INTERVAL, RETRY, 3, S / 2);
  LispPrefix p = eid ();
  guint missed;

  lmn_probe_table_note_in_use (t, 4, LOC_A, &p, 0);
  g_assert_cmpuint (round_at (t, 0, NULL, NULL, NULL), ==, 1);
  g_assert_cmpuint (round_at (t, RETRY - S / 2 - 1, NULL, NULL, &missed), ==, 0);
  g_assert_cmpuint (missed, ==, 0);
  /* half a second early: missed, and the next probe goes */
  g_assert_cmpuint (round_at (t, RETRY - S / 2, NULL, NULL, &missed), ==, 1);
  g_assert_cmpuint (missed, ==, 1);
}

/* A probe that could not leave is neither awaited nor missed. */
static void
test_unsent (void)
{
  g_autoptr(LmnProbeTable) t = lmn_probe_table_new (INTERVAL, RETRY, 3, 0);
  LispPrefix p = eid ();
  guint64 nonce;
  guint missed;

  lmn_probe_table_note_in_use (t, 4, LOC_A, &p, 0);
  g_assert_cmpuint (round_at (t, 0, &nonce, NULL, NULL), ==, 1);
  lmn_probe_table_unsent (t, nonce);
  g_assert_cmpint (lmn_probe_table_next_event (t), ==, INTERVAL);
  g_assert_cmpuint (round_at (t, RETRY, NULL, NULL, &missed), ==, 0);
  g_assert_cmpuint (missed, ==, 0);
  g_assert_cmpint (lmn_probe_table_answer (t, nonce, S, NULL), ==, LMN_PROBE_ANSWER_UNKNOWN);
  g_assert_true (lmn_probe_table_find (t, 4, LOC_A)->reachable);
  g_assert_cmpuint (round_at (t, INTERVAL, NULL, NULL, NULL), ==, 1);
}

static void
test_forget (void)
{
  g_autoptr(LmnProbeTable) t = lmn_probe_table_new (INTERVAL, RETRY, 3, 0);
  g_autoptr(GArray) gone = NULL;
  LispPrefix p = eid ();

  lmn_probe_table_note_in_use (t, 4, LOC_A, &p, 10 * S);
  lmn_probe_table_note_in_use (t, 6, LOC_B, &p, 20 * S);
  gone = lmn_probe_table_forget (t, 15 * S);
  g_assert_cmpuint (gone->len, ==, 1);
  g_assert_cmpuint (g_array_index (gone, LmnProbeTarget, 0).family, ==, 4);
  g_assert_null (lmn_probe_table_find (t, 4, LOC_A));
  g_assert_nonnull (lmn_probe_table_find (t, 6, LOC_B));
  g_assert_cmpuint (lmn_probe_table_size (t), ==, 1);
}

static void
test_bounded (void)
{
  g_autoptr(LmnProbeTable) t = lmn_probe_table_new (INTERVAL, RETRY, 3, 0);
  LispPrefix p = eid ();

  for (guint i = 0; i < LMN_PROBE_TARGETS_MAX + 10; i++)
    {
      guint8 a[4] = { 198, 51, (guint8) (i >> 8), (guint8) i };

      lmn_probe_table_note_in_use (t, 4, a, &p, S);
    }
  g_assert_cmpuint (lmn_probe_table_size (t), ==, LMN_PROBE_TARGETS_MAX);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rloc-probe/schedule-and-answers", test_schedule_and_answers);
  g_test_add_func ("/rloc-probe/down-stays-probed", test_down_stays_probed);
  g_test_add_func ("/rloc-probe/slack", test_slack);
  g_test_add_func ("/rloc-probe/unsent", test_unsent);
  g_test_add_func ("/rloc-probe/forget", test_forget);
  g_test_add_func ("/rloc-probe/bounded", test_bounded);
  return g_test_run ();
}
