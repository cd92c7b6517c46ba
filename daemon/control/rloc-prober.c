/* RLOC probing (rloc-prober.h): the rounds, the probes sent, their answers and the
 * map-cache's reachability; the schedule per locator is rloc-probe-table.c's. */
#include "rloc-prober.h"
#include "log-limiter.h"

#include "lisp-auth.h"
#include "lisp-message.h"
#include "lmn-ip.h"
#include "own-mapping.h"
#include "rloc-probe-table.h"

#include <string.h>

/* A mapping is in use while traffic went to one of its locators within this many probe
 * intervals (and at least this long). */
#define IN_USE_INTERVALS 2
#define IN_USE_MIN (10 * G_USEC_PER_SEC)

struct _LmnRlocProber {
  LmnControlContext ctx;
  LmnProbeTable       *table;
  gint64               interval;   /* µs */
  guint                timer;
};

/* A copy of what a round needs of a map-cache entry (the cache may not change while it
 * is walked). */
typedef struct {
  LispPrefix     prefix;
  guint          n;
  LispMapLocator locators[LISP_MAP_LOCATORS_MAX];
} EntryCopy;

typedef struct {
  LmnRlocProber *p;
  GArray        *entries;  /* EntryCopy */
  gint64         now;
  gint64         since;    /* entries in use since then; or, when 0: */
  guint8         family;   /* entries listing this locator */
  const guint8  *addr;
} Collect;

static gboolean
recently_used (LmnRlocProber *p, const LispMapLocator *l, gint64 since)
{
  gint64 last = lmn_dataplane_peer_last_use (p->ctx.dataplane, l->family, l->addr);

  return last != 0 && last >= since;
}

static void
collect_entry (const LispMapEntry *e, gpointer user_data)
{
  Collect *c = user_data;
  gboolean wanted = FALSE;
  EntryCopy *copy;

  if (e->n_locators == 0 || e->expires_at <= c->now)
    return;
  for (guint i = 0; i < e->n_locators && !wanted; i++)
    wanted = c->since != 0 ? recently_used (c->p, &e->locators[i], c->since)
                           : lisp_map_locator_is (&e->locators[i], c->family, c->addr);
  if (!wanted)
    return;
  g_array_set_size (c->entries, c->entries->len + 1);
  copy = &g_array_index (c->entries, EntryCopy, c->entries->len - 1);
  copy->prefix = e->prefix;
  copy->n = e->n_locators;
  memcpy (copy->locators, e->locators, e->n_locators * sizeof (LispMapLocator));
}

/* The mappings in use since `since`, or (since 0) those listing family/addr. */
static GArray *
cache_entries (LmnRlocProber *p, gint64 now, gint64 since, guint8 family, const guint8 *addr)
{
  Collect c = { p, g_array_new (FALSE, FALSE, sizeof (EntryCopy)), now, since, family, addr };

  if (p->ctx.dataplane != NULL || since == 0)
    lisp_map_cache_foreach (p->ctx.cache, collect_entry, &c);
  return c.entries;
}

/* Marks the locator up or down in every mapping that lists it. */
static void
set_reachable (LmnRlocProber *p, guint8 family, const guint8 *addr, gboolean up)
{
  guint8 a[16] = { 0 };
  g_autoptr(GArray) entries = NULL;

  memcpy (a, addr, lmn_ip_family_len (family));
  entries = cache_entries (p, g_get_monotonic_time (), 0, family, a);
  for (guint i = 0; i < entries->len; i++)
    lisp_map_cache_set_reachable (p->ctx.cache, &g_array_index (entries, EntryCopy, i).prefix,
                                  family, a, up);
}

static void
send_probe (LmnRlocProber *p, const LmnProbeTarget *t)
{
  g_autoptr(LispMapRequest) m = lisp_map_request_new ();
  g_autoptr(GBytes) wire = NULL;
  g_autoptr(GError) error = NULL;
  LmnIp dst = { .family = t->family };

  m->probe = TRUE;
  m->nonce = t->nonce;
  lmn_own_mapping_set_source_eid (m, p->ctx.config, t->eid.family);
  lmn_own_mapping_add_itr_rlocs (m, p->ctx.rlocs);
  lisp_map_request_add_record (m, lmn_prefix_to_address (&t->eid), t->eid.len);
  memcpy (dst.addr, t->addr, 16);
  wire = lisp_map_request_encode (m, &error);
  if (wire == NULL ||
      !lmn_control_sockets_send (p->ctx.sockets, NULL, &dst, LISP_CONTROL_PORT,
                                 g_bytes_get_data (wire, NULL), g_bytes_get_size (wire), &error))
    {
      char a[LMN_IP_TEXT_MAX];

      p->ctx.counters->n[LMN_CTL_SEND_FAILED]++;
      g_debug ("RLOC-probe to %s: %s", lmn_ip_bytes_to_text (t->family, t->addr, a), error->message);
      lmn_probe_table_unsent (p->table, t->nonce);
      return;
    }
  p->ctx.counters->n[LMN_CTL_RLOC_PROBE_SENT]++;
}

static gboolean on_timer (gpointer user_data);

static void
arm (LmnRlocProber *p, gint64 now)
{
  gint64 next = MIN (lmn_probe_table_next_event (p->table), now + p->interval);
  gint64 seconds = (next - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;

  g_clear_handle_id (&p->timer, g_source_remove);
  /* Whole seconds: GLib wakes for them together with the daemon's other second timers
   * (the registration refresh), not on a wake-up of their own. */
  p->timer = g_timeout_add_seconds ((guint) CLAMP (seconds, 1, G_MAXUINT), on_timer, p);
}

/* One round: which locators are in use, which probes are missed, which are due. */
static void
round_now (LmnRlocProber *p)
{
  gint64 now = g_get_monotonic_time ();
  gint64 since = now - MAX (p->interval * IN_USE_INTERVALS, IN_USE_MIN);
  g_autoptr(GArray) entries = cache_entries (p, now, since, 0, NULL);
  g_autoptr(GArray) forgotten = NULL;
  g_autoptr(GArray) went_down = g_array_new (FALSE, FALSE, sizeof (LmnProbeTarget));
  g_autoptr(GPtrArray) due = NULL;
  guint missed = 0;

  for (guint i = 0; i < entries->len; i++)
    {
      EntryCopy *e = &g_array_index (entries, EntryCopy, i);

      for (guint j = 0; j < e->n; j++)
        if (e->locators[j].priority != 255)
          lmn_probe_table_note_in_use (p->table, e->locators[j].family, e->locators[j].addr,
                                       &e->prefix, now);
    }
  /* Nothing probes them any more: what probing said of them no longer holds. */
  forgotten = lmn_probe_table_forget (p->table, since);
  for (guint i = 0; i < forgotten->len; i++)
    {
      const LmnProbeTarget *t = &g_array_index (forgotten, LmnProbeTarget, i);

      if (!t->reachable)
        set_reachable (p, t->family, t->addr, TRUE);
    }

  due = lmn_probe_table_due (p->table, now, lisp_nonce64, went_down, &missed);
  p->ctx.counters->n[LMN_CTL_RLOC_PROBE_MISSED] += missed;
  for (guint i = 0; i < went_down->len; i++)
    {
      const LmnProbeTarget *t = &g_array_index (went_down, LmnProbeTarget, i);
      char a[LMN_IP_TEXT_MAX];

      g_message ("locator %s unreachable: %u RLOC-probes unanswered",
                 lmn_ip_bytes_to_text (t->family, t->addr, a), t->misses);
      set_reachable (p, t->family, t->addr, FALSE);
    }
  for (guint i = 0; i < due->len; i++)
    send_probe (p, g_ptr_array_index (due, i));
  arm (p, now);
}

static gboolean
on_timer (gpointer user_data)
{
  LmnRlocProber *p = user_data;

  p->timer = 0;
  round_now (p);
  return G_SOURCE_REMOVE;
}

static gboolean
locator_down (guint8 family, const guint8 *addr, gpointer user_data)
{
  return lmn_rloc_prober_is_down (user_data, family, addr);
}

LmnRlocProber *
lmn_rloc_prober_new (const LmnControlContext *ctx)
{
  LmnRlocProber *p = g_new0 (LmnRlocProber, 1);

  p->ctx = *ctx;
  p->interval = (gint64) ctx->config->rloc_probe_interval * G_USEC_PER_SEC;
  if (p->interval == 0)
    return p;
  /* Half a second of slack: the timer has whole seconds. */
  p->table = lmn_probe_table_new (p->interval, LMN_PROBE_RETRY, LMN_PROBE_MAX_MISSES,
                                  G_USEC_PER_SEC / 2);
  if (p->ctx.dataplane != NULL)
    lmn_dataplane_set_locator_down_func (p->ctx.dataplane, locator_down, p);
  arm (p, g_get_monotonic_time ());
  return p;
}

void
lmn_rloc_prober_free (LmnRlocProber *p)
{
  if (p == NULL)
    return;
  g_clear_handle_id (&p->timer, g_source_remove);
  if (p->ctx.dataplane != NULL && p->table != NULL)
    lmn_dataplane_set_locator_down_func (p->ctx.dataplane, NULL, NULL);
  g_clear_pointer (&p->table, lmn_probe_table_free);
  g_free (p);
}

guint
lmn_rloc_prober_n_targets (const LmnRlocProber *p)
{
  return p != NULL && p->table != NULL ? lmn_probe_table_size (p->table) : 0;
}

const LmnProbeTarget *
lmn_rloc_prober_get (const LmnRlocProber *p, guint i)
{
  return p != NULL && p->table != NULL ? lmn_probe_table_get (p->table, i) : NULL;
}

gboolean
lmn_rloc_prober_is_down (LmnRlocProber *p, guint8 family, const guint8 *addr)
{
  const LmnProbeTarget *t;

  if (p == NULL || p->table == NULL)
    return FALSE;
  t = lmn_probe_table_find (p->table, family, addr);
  return t != NULL && !t->reachable;
}

gboolean
lmn_rloc_prober_handle_reply (LmnRlocProber *p, const guint8 *data, gsize len, const LmnIp *from)
{
  g_autoptr(LispMapReply) m = NULL;
  g_autoptr(GError) error = NULL;
  const LmnProbeTarget *t = NULL;
  char a[LMN_IP_TEXT_MAX], b[LMN_IP_TEXT_MAX];

  /* Byte 0: type (4 bits), then P. Other replies are the resolver's. */
  if (len < 1 || (data[0] & 0x08) == 0)
    return FALSE;
  if (!lisp_map_reply_decode (data, len, &m, &error))
    {
      p->ctx.counters->n[LMN_CTL_MALFORMED]++;
      lmn_log_limited (G_LOG_LEVEL_DEBUG, "malformed", "RLOC-probe reply: %s", error->message);
      return TRUE;
    }
  /* Its records are the sender's word only (RFC 9301 §7.1): they are not installed. */
  switch (p->table != NULL ? lmn_probe_table_answer (p->table, m->nonce, g_get_monotonic_time (), &t)
                           : LMN_PROBE_ANSWER_UNKNOWN)
    {
    case LMN_PROBE_ANSWER_UNKNOWN:
      p->ctx.counters->n[LMN_CTL_RLOC_PROBE_UNSOLICITED]++;
      lmn_log_limited (G_LOG_LEVEL_DEBUG, "rloc-probe-reply-unsolicited",
                       "RLOC-probe reply from %s with nonce %016" G_GINT64_MODIFIER
                       "x: no such probe, dropped",
                       lmn_ip_bytes_to_text (from->family, from->addr, a), m->nonce);
      return TRUE;
    case LMN_PROBE_ANSWER_NOW_UP:
      g_message ("locator %s reachable again (RLOC-probe answered from %s)",
                 lmn_ip_bytes_to_text (t->family, t->addr, a), lmn_ip_bytes_to_text (from->family, from->addr, b));
      set_reachable (p, t->family, t->addr, TRUE);
      break;
    case LMN_PROBE_ANSWER_OK:
      break;
    }
  p->ctx.counters->n[LMN_CTL_RLOC_PROBE_ANSWERED]++;
  return TRUE;
}
