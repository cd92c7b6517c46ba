/* Packets waiting for a mapping: a map-cache miss asks the resolver (the control plane
 * sends a Map-Request) and the packet waits in the pending queue until the mapping is
 * installed (lmn_dataplane_mapping_added) or LMN_DATAPLANE_MAX_WAIT runs out, when it goes
 * to the proxy-ETRs or gets an ICMP unreachable. Kept apart from dataplane.c, the per-packet
 * path, because it is the data plane's one dialogue with the control plane's resolver. */
#include "dataplane-private.h"

#include "flow-hash.h"

#include <string.h>

static void schedule_pending_expiry (LmnDataplane *dp, gint64 now);

/* A miss: wait for the resolver when there is one, else proxy-ETR or ICMP at once. */
void
lmn_dataplane_handle_miss (LmnDataplane *dp, const guint8 *packet, const LmnInnerPacket *ip,
                           guint32 hash, gint64 now)
{
  if (dp->resolve == NULL)
    {
      lmn_dataplane_send_unmapped (dp, packet, ip, hash, now);
      return;
    }
  switch (
    lmn_pending_queue_push (dp->pending, dp->iid, ip->family, ip->dst, packet, ip->length, now))
    {
    case LMN_PENDING_FIRST:
      dp->resolve (dp->iid, ip->family, ip->dst, dp->resolve_data);
      schedule_pending_expiry (dp, now);
      break;
    case LMN_PENDING_QUEUED:
      break;
    case LMN_PENDING_FULL:
      lmn_dataplane_drop (dp, LMN_DROP_QUEUE_FULL, ip);
      break;
    }
}

/* ---- packets waiting for a mapping ------------------------------------------------------ */

typedef struct {
  LmnDataplane *dp;
  gint64 now;
  gboolean expired;
} PendingContext;

/* A packet out of the pending queue: into the arena (the queue frees its copy), then on
 * its way as if it had just been read from the TUN. */
static void
on_pending_packet (const guint8 *packet, gsize len, gpointer user_data)
{
  PendingContext *ctx = user_data;
  LmnDataplane *dp = ctx->dp;
  guint8 *buf;
  LmnInnerPacket ip;

  lmn_dataplane_make_room (dp);
  buf = dp->tun_arena + dp->arena_used;
  memcpy (buf, packet, len);
  dp->arena_used += (len + 7) & ~(gsize) 7;
  if (!ctx->expired)
    lmn_dataplane_handle_outbound (dp, buf, len, ctx->now);
  else if (lmn_inner_packet_parse (buf, len, &ip))
    lmn_dataplane_send_unmapped (dp, buf, &ip, lisp_flow_hash (buf, ip.length), ctx->now);
}

static gboolean
on_pending_expiry (gpointer user_data)
{
  LmnDataplane *dp = user_data;
  PendingContext ctx = { dp, g_get_monotonic_time (), TRUE };

  dp->pending_timer = 0;
  lmn_pending_queue_expire (dp->pending, ctx.now, LMN_DATAPLANE_MAX_WAIT, on_pending_packet, &ctx);
  lmn_dataplane_flush_tx (dp);
  schedule_pending_expiry (dp, ctx.now);
  return G_SOURCE_REMOVE;
}

static void
schedule_pending_expiry (LmnDataplane *dp, gint64 now)
{
  gint64 at = lmn_pending_queue_next_expiry (dp->pending, LMN_DATAPLANE_MAX_WAIT);

  if (dp->pending_timer != 0 || at == G_MAXINT64)
    return;
  dp->pending_timer = g_timeout_add ((guint) MAX (1, (at - now + 999) / 1000), on_pending_expiry,
                                     dp);
}

void
lmn_dataplane_set_resolver (LmnDataplane *dp, LmnResolveFunc func, gpointer user_data)
{
  dp->resolve = func;
  dp->resolve_data = user_data;
}

void
lmn_dataplane_mapping_added (LmnDataplane *dp, const LispPrefix *prefix)
{
  PendingContext ctx = { dp, g_get_monotonic_time (), FALSE };
  const LispMapEntry *entry = lisp_map_cache_lookup_exact (dp->cache, prefix, ctx.now);

  /* A fresh mapping says nothing of reachability: what probing learnt still holds. */
  for (guint i = 0; entry != NULL && i < entry->n_locators; i++)
    if (entry->locators[i].reachable && lmn_dataplane_probed_down (dp, &entry->locators[i]))
      {
        guint8 addr[16];

        memcpy (addr, entry->locators[i].addr, 16);
        lisp_map_cache_set_reachable (dp->cache, prefix, entry->locators[i].family, addr, FALSE);
      }
  if (lmn_pending_queue_release (dp->pending, prefix, on_pending_packet, &ctx) > 0)
    lmn_dataplane_flush_tx (dp);
}
