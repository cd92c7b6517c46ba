/* Map-cache benchmark: inserts N random prefixes (half IPv4 /8../32, half IPv6
 * /16../128), then does N lookups twice, and reports insert and lookup rates, the heap
 * bytes per entry as the allocator counts them (glibc mallinfo2), and the lookups' hit
 * ratio.
 *
 *   bench-map-cache [--count N] [--seed S] [--locators L] [--flows F]
 *
 * "random destinations": every lookup is for another address, the worst case (no packet
 * ever follows another of its flow). Half of them target an address inside a random
 * inserted prefix (they must hit); the other half are uniformly random addresses (they
 * mostly miss in IPv6).
 * "packets of F flows": what the data plane sees, packets of F concurrent flows
 * interleaved at random (each packet's destination drawn from F of the targets above).
 *
 * Rates are given per second of the benchmark's own CPU time (the machine may be busy with
 * other work; wall-clock rates are printed too). */
#include "map-cache.h"

#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#define HAVE_MALLINFO2 1
#endif

/* splitmix64: a small, fast PRNG whose sequence depends only on the seed. */
static guint64
next_random (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static void
random_bytes (guint64 *state, guint8 *out, gsize n)
{
  gsize i;

  for (i = 0; i < n; i += 8)
    {
      guint64 r = next_random (state);

      memcpy (out + i, &r, MIN (8, n - i));
    }
}

/* Heap bytes in use, or -1 where the allocator cannot say (not glibc, or a sanitizer's
 * allocator, which reports 0). */
static gint64
heap_in_use (void)
{
#ifdef HAVE_MALLINFO2
  struct mallinfo2 mi = mallinfo2 ();

  /* Blocks malloc took from mmap() (hblkhd) are in use too. */
  return mi.uordblks > 0 ? (gint64) (mi.uordblks + mi.hblkhd) : -1;
#else
  return -1;
#endif
}

typedef struct {
  guint8 family;
  guint8 addr[16];
} Target;

/* This thread's CPU time in µs. */
static gint64
cpu_time (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

typedef struct {
  gdouble wall_s;
  gdouble cpu_s;
  guint64 hits;
  guint64 checksum;
} Run;

/* Looks up targets[order[i]] (targets[i] without order) for i < count. */
static Run
run_lookups (LispMapCache *cache, const Target *targets, const guint32 *order, gint64 count)
{
  Run r = { 0 };
  gint64 w0 = g_get_monotonic_time (), c0 = cpu_time ();

  for (gint64 i = 0; i < count; i++)
    {
      const Target *t = &targets[order != NULL ? order[i] : i];
      const LispMapEntry *e = lisp_map_cache_lookup (cache, 0, t->family, t->addr, 1);

      if (e != NULL)
        {
          r.hits++;
          r.checksum += e->prefix.len;
        }
    }
  r.cpu_s = (cpu_time () - c0) / 1e6;
  r.wall_s = (g_get_monotonic_time () - w0) / 1e6;
  return r;
}

static void
print_run (const char *what, const Run *r, gint64 count)
{
  g_print ("  %-26s %14.0f /s   (%.0f ns each; wall clock %.0f /s)\n", what, count / r->cpu_s,
           r->cpu_s * 1e9 / count, count / r->wall_s);
}

int
main (int argc, char **argv)
{
  gint64 count = 1000000;
  gint64 seed = 1;
  gint n_locators = 1;
  gint64 flows = 1000;
  GOptionEntry entries[] = {
    { "flows", 'f', 0, G_OPTION_ARG_INT64, &flows, "Concurrent flows of the packet run", "F" },
    { "count", 'n', 0, G_OPTION_ARG_INT64, &count, "Prefixes to insert and lookups to do", "N" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Random seed", "S" },
    { "locators", 'l', 0, G_OPTION_ARG_INT, &n_locators, "Locators per entry (0..8)", "L" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- map-cache benchmark");
  g_autoptr(GError) error = NULL;
  g_autofree LispPrefix *prefixes = NULL;
  g_autofree Target *targets = NULL;
  g_autofree guint32 *packets = NULL;
  Run random_run, flow_run;
  LispMapLocator locators[8];
  LispMapCache *cache;
  guint64 state;
  gint64 heap_before, heap_after, t0, t1;
  gdouble insert_s, lookup_s, bytes_per_entry;
  guint64 hits = 0, checksum = 0;
  guint size;
  gint64 i;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-map-cache: %s\n", error->message);
      return 2;
    }
  if (count < 2 || count > 100000000 || n_locators < 0 || n_locators > 8 || flows < 1 ||
      flows > count)
    {
      g_printerr ("bench-map-cache: --count must be 2..100000000, --locators 0..8 and --flows "
                  "1..count\n");
      return 2;
    }

  /* Everything random is drawn before measuring, so the timed loops and the heap figure
   * only see the map-cache. */
  state = (guint64) seed;
  prefixes = g_new (LispPrefix, count);
  for (i = 0; i < count; i++)
    {
      guint8 addr[16];
      gboolean v4 = i % 2 == 0;
      guint64 r = next_random (&state);

      random_bytes (&state, addr, 16);
      lisp_prefix_init (&prefixes[i], 0, v4 ? LISP_FAMILY_IPV4 : LISP_FAMILY_IPV6, addr,
                        v4 ? 8 + r % 25 : 16 + r % 113);
    }
  targets = g_new (Target, count);
  for (i = 0; i < count; i++)
    {
      Target *t = &targets[i];

      random_bytes (&state, t->addr, 16);
      if (i % 2 == 0)
        {
          /* Inside an inserted prefix: its bits, then random host bits. */
          const LispPrefix *p = &prefixes[next_random (&state) % count];
          guint b;

          t->family = p->family;
          for (b = 0; b < p->len; b++)
            {
              guint8 mask = 0x80 >> (b % 8);

              t->addr[b / 8] = (t->addr[b / 8] & ~mask) | (p->addr[b / 8] & mask);
            }
        }
      else
        t->family = next_random (&state) % 2 ? LISP_FAMILY_IPV4 : LISP_FAMILY_IPV6;
      if (t->family == LISP_FAMILY_IPV4)
        memset (t->addr + 4, 0, 12);
    }
  /* The packet run: each packet from one of the first `flows` targets (themselves random). */
  packets = g_new (guint32, count);
  for (i = 0; i < count; i++)
    packets[i] = (guint32) (next_random (&state) % (guint64) flows);
  for (i = 0; i < n_locators; i++)
    {
      const guint8 rloc[4] = { 198, 51, 100, (guint8) (i + 1) };

      lisp_map_locator_init (&locators[i], LISP_FAMILY_IPV4, rloc, 1, 100 / n_locators, TRUE);
    }

  heap_before = heap_in_use ();
  t0 = cpu_time ();
  cache = lisp_map_cache_new ();
  for (i = 0; i < count; i++)
    {
      if (!lisp_map_cache_insert (cache, &prefixes[i], locators, n_locators,
                                  LISP_ACTION_NO_ACTION, 1440, LISP_MAP_ORIGIN_MAP_REPLY, 0,
                                  0, &error))
        {
          g_printerr ("bench-map-cache: insert failed: %s\n", error->message);
          return 1;
        }
    }
  t1 = cpu_time ();
  size = lisp_map_cache_size (cache);

  random_run = run_lookups (cache, targets, NULL, count);
  flow_run = run_lookups (cache, targets, packets, count);
  /* After the lookups, so that what they allocate (the memo in front of the trie) counts. */
  heap_after = heap_in_use ();
  hits = random_run.hits;
  checksum = random_run.checksum;

  insert_s = (t1 - t0) / 1e6;
  lookup_s = random_run.cpu_s;
  bytes_per_entry = heap_before >= 0 && heap_after >= 0
                    ? (gdouble) (heap_after - heap_before) / size : -1;

  g_print ("map-cache benchmark: %" G_GINT64_FORMAT " random prefixes (seed %" G_GINT64_FORMAT
           ", %d locator%s each), %" G_GINT64_FORMAT " lookups\n",
           count, seed, n_locators, n_locators == 1 ? "" : "s", count);
  g_print ("  %-26s %14u   (duplicates replaced)\n", "distinct entries", size);
  g_print ("  %-26s %14.0f /s   (%.0f ns each)\n", "inserts", count / insert_s,
           insert_s * 1e9 / count);
  print_run ("lookups, random dest.", &random_run, count);
  g_print ("  %-26s %14.1f %%\n", "  hit ratio", 100.0 * random_run.hits / count);
  print_run ("lookups, packets of flows", &flow_run, count);
  g_print ("  %-26s %14.1f %%   (%" G_GINT64_FORMAT " flows)\n", "  hit ratio",
           100.0 * flow_run.hits / count, flows);
  if (bytes_per_entry >= 0)
    g_print ("  %-26s %14.1f B    (%.1f MiB in all, glibc mallinfo2)\n", "heap per entry",
             bytes_per_entry, (heap_after - heap_before) / 1048576.0);
  else
    g_print ("  %-26s %14s\n", "heap per entry", "n/a (no mallinfo2 figure)");
  g_print ("RESULT bench=map-cache count=%" G_GINT64_FORMAT " seed=%" G_GINT64_FORMAT
           " locators=%d entries=%u inserts_per_s=%.0f lookups_per_s=%.0f"
           " bytes_per_entry=%.1f hit_ratio=%.4f checksum=%" G_GUINT64_FORMAT
           " flows=%" G_GINT64_FORMAT " flow_lookups_per_s=%.0f flow_hit_ratio=%.4f"
           " flow_checksum=%" G_GUINT64_FORMAT "\n",
           count, seed, n_locators, size, count / insert_s, count / lookup_s, bytes_per_entry,
           (gdouble) hits / count, checksum, flows, count / flow_run.cpu_s,
           (gdouble) flow_run.hits / count, flow_run.checksum);

  lisp_map_cache_free (cache);
  return 0;
}
