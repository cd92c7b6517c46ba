/* Packets waiting for a mapping: limits per destination and in all, the first packet of a
 * destination signalled, release by the arriving prefix, expiry oldest first, order kept. */
#include "pending-queue.h"

#include <string.h>

static GPtrArray *handed;

static void
collect (const guint8 *packet, gsize len, gpointer user_data)
{
  g_ptr_array_add (handed, g_strndup ((const char *) packet, len));
}

static const guint8 A[4] = { 192, 0, 2, 200 }, B[4] = { 192, 0, 2, 201 };
static const guint8 C6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

static LmnPendingResult
push (LmnPendingQueue *q, const guint8 *dst, guint8 family, const char *text, gint64 now)
{
  return lmn_pending_queue_push (q, 0, family, dst, (const guint8 *) text, strlen (text), now);
}

static void
test_limits_and_first (void)
{
  g_autoptr(LmnPendingQueue) q = lmn_pending_queue_new (2, 3);

  g_assert_cmpint (push (q, A, 4, "a1", 10), ==, LMN_PENDING_FIRST);
  g_assert_cmpint (push (q, A, 4, "a2", 11), ==, LMN_PENDING_QUEUED);
  g_assert_cmpint (push (q, A, 4, "a3", 12), ==, LMN_PENDING_FULL);    /* per destination */
  g_assert_cmpint (push (q, B, 4, "b1", 13), ==, LMN_PENDING_FIRST);
  g_assert_cmpint (push (q, C6, 6, "c1", 14), ==, LMN_PENDING_FULL);   /* in all */
  g_assert_cmpuint (lmn_pending_queue_length (q), ==, 3);
  g_assert_cmpint (lmn_pending_queue_next_expiry (q, 100), ==, 110);
}

static void
test_release_by_prefix (void)
{
  g_autoptr(LmnPendingQueue) q = lmn_pending_queue_new (4, 100);
  LispPrefix p;

  handed = g_ptr_array_new_with_free_func (g_free);
  push (q, A, 4, "a1", 1);
  push (q, B, 4, "b1", 2);
  push (q, A, 4, "a2", 3);
  push (q, C6, 6, "c1", 4);
  g_assert_true (lisp_prefix_parse ("192.0.2.200/32", &p, NULL));
  g_assert_cmpuint (lmn_pending_queue_release (q, &p, collect, NULL), ==, 2);
  g_assert_cmpuint (handed->len, ==, 2);
  g_assert_cmpstr (handed->pdata[0], ==, "a1");
  g_assert_cmpstr (handed->pdata[1], ==, "a2");
  /* A covering prefix takes B too, not the IPv6 destination. */
  g_assert_true (lisp_prefix_parse ("192.0.2.0/24", &p, NULL));
  g_assert_cmpuint (lmn_pending_queue_release (q, &p, collect, NULL), ==, 1);
  g_assert_cmpuint (lmn_pending_queue_length (q), ==, 1);
  /* A is first again once released. */
  g_assert_cmpint (push (q, A, 4, "a3", 5), ==, LMN_PENDING_FIRST);
  g_ptr_array_unref (handed);
}

static void
test_expiry (void)
{
  g_autoptr(LmnPendingQueue) q = lmn_pending_queue_new (4, 100);

  handed = g_ptr_array_new_with_free_func (g_free);
  push (q, B, 4, "b1", 100);
  push (q, A, 4, "a1", 50);
  push (q, A, 4, "a2", 150);
  push (q, C6, 6, "c1", 300);
  /* At 200 with a wait of 100, the destinations first seen at or before 100 go, oldest
   * first, each with all its packets. */
  g_assert_cmpuint (lmn_pending_queue_expire (q, 200, 100, collect, NULL), ==, 3);
  g_assert_cmpstr (handed->pdata[0], ==, "a1");
  g_assert_cmpstr (handed->pdata[1], ==, "a2");
  g_assert_cmpstr (handed->pdata[2], ==, "b1");
  g_assert_cmpint (lmn_pending_queue_next_expiry (q, 100), ==, 400);
  g_assert_cmpuint (lmn_pending_queue_expire (q, 399, 100, collect, NULL), ==, 0);
  g_assert_cmpuint (lmn_pending_queue_expire (q, 400, 100, collect, NULL), ==, 1);
  g_assert_cmpint (lmn_pending_queue_next_expiry (q, 100), ==, G_MAXINT64);
  g_ptr_array_unref (handed);
}

static void
test_disabled (void)
{
  g_autoptr(LmnPendingQueue) q = lmn_pending_queue_new (0, 100);

  g_assert_cmpint (push (q, A, 4, "a1", 1), ==, LMN_PENDING_FULL);
  g_assert_cmpuint (lmn_pending_queue_length (q), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pending/limits-and-first", test_limits_and_first);
  g_test_add_func ("/pending/release-by-prefix", test_release_by_prefix);
  g_test_add_func ("/pending/expiry", test_expiry);
  g_test_add_func ("/pending/disabled", test_disabled);
  return g_test_run ();
}
