/* NAT traversal on the mobile node (nat-traverser.h): one Path per RLOC (uplink and
 * family), with its discovery round and, behind a NAT, its registration through the RTR. */
#include "nat-traverser.h"
#include "log-limiter.h"

#include "lisp-auth.h"
#include "nat-discovery.h"
#include "rtr-registration.h"

#include <string.h>

typedef struct {
  LmnNatTraverser *owner;
  gchar *interface; /* with family, which RLOC of the set this is */
  guint8 family;
  LmnNatDiscovery discovery;
  gboolean started; /* discovery ran for discovery.local */
  guint discovery_timer;
  guint ms_index;       /* the map-server asked, in the configuration's list */
  LmnRegistration *reg; /* through discovery.result.rtr; NULL without one */
  guint keepalive_timer;
} Path;

struct _LmnNatTraverser {
  LmnControlContext ctx;
  LmnLocalRlocs *rlocs;
  LmnRegistrar *registrar;
  GPtrArray *paths; /* Path* */
  LmnNatChangedFunc changed;
  gpointer changed_data;
};

static void
path_stop_rtr (Path *p)
{
  g_clear_handle_id (&p->keepalive_timer, g_source_remove);
  g_clear_pointer (&p->reg, lmn_registration_free);
}

static void
path_free (Path *p)
{
  g_clear_handle_id (&p->discovery_timer, g_source_remove);
  path_stop_rtr (p);
  g_free (p->interface);
  g_free (p);
}

LmnNatTraverser *
lmn_nat_traverser_new (const LmnControlContext *ctx, LmnLocalRlocs *rlocs, LmnRegistrar *registrar)
{
  LmnNatTraverser *t = g_new0 (LmnNatTraverser, 1);

  t->ctx = *ctx;
  t->rlocs = rlocs;
  t->registrar = registrar;
  t->paths = g_ptr_array_new_with_free_func ((GDestroyNotify) path_free);
  return t;
}

void
lmn_nat_traverser_free (LmnNatTraverser *t)
{
  if (t == NULL)
    return;
  g_ptr_array_unref (t->paths);
  g_free (t);
}

void
lmn_nat_traverser_set_changed_func (LmnNatTraverser *t, LmnNatChangedFunc func, gpointer user_data)
{
  t->changed = func;
  t->changed_data = user_data;
}

/* The RLOC of the set p speaks for, and its index; NULL when it is gone. */
static const LmnLocalRloc *
path_rloc (const Path *p, guint *index)
{
  const LmnLocalRlocs *rlocs = p->owner->rlocs;

  for (guint i = 0; i < lmn_local_rlocs_size (rlocs); i++)
    {
      const LmnLocalRloc *r = lmn_local_rlocs_get (rlocs, i);

      if (r->family == p->family && g_strcmp0 (r->interface, p->interface) == 0)
        {
          if (index != NULL)
            *index = i;
          return r;
        }
    }
  return NULL;
}

static gchar *
path_name (const Path *p)
{
  char a[LMN_IP_TEXT_MAX];

  return g_strdup_printf ("uplink %s (%s)", p->interface,
                          lmn_ip_bytes_to_text (p->family, p->discovery.local.addr, a));
}

/* ---- registration through the RTR ---- */

static gboolean on_keepalive (gpointer user_data);

/* Our Map-Register in an ECM, from the RLOC's data port to the RTR. */
static gboolean
send_through_rtr (Path *p, GError **error)
{
  LmnNatTraverser *t = p->owner;
  const LmnMapServerConfig *ms = g_ptr_array_index (t->ctx.config->map_servers, p->ms_index);
  const LmnLocalRloc *r = path_rloc (p, NULL);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GBytes) map_register = NULL, ecm = NULL;

  if (r == NULL || !r->up || t->ctx.dataplane == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, "the RLOC is down");
      return FALSE;
    }
  records = lmn_registrar_records (t->registrar);
  map_register = lmn_registration_build (p->reg, records, lmn_registrar_xtr_id (t->registrar),
                                         lmn_registrar_next_nonce (t->registrar),
                                         g_get_monotonic_time (), error);
  if (map_register == NULL)
    return FALSE;
  ecm = lmn_rtr_registration_wrap (map_register, &p->discovery.local, &ms->address, error);
  if (ecm == NULL)
    return FALSE;
  return lmn_dataplane_send_from_data_port (t->ctx.dataplane, r, &p->discovery.result.rtr,
                                            LISP_CONTROL_PORT, g_bytes_get_data (ecm, NULL),
                                            g_bytes_get_size (ecm), error);
}

/* Sends the keepalive (a Map-Register through the RTR) and arms the next one: sooner while
 * the first ones go unanswered, as the registrar retries. */
static void
keepalive (Path *p)
{
  LmnNatTraverser *t = p->owner;
  g_autoptr(GError) error = NULL;
  guint interval = t->ctx.config->nat_keepalive_interval;
  guint delay;

  if (send_through_rtr (p, &error))
    t->ctx.counters->n[LMN_CTL_RTR_MAP_REGISTER_SENT]++;
  else
    {
      g_autofree gchar *name = path_name (p);

      t->ctx.counters->n[LMN_CTL_SEND_FAILED]++;
      g_debug ("%s: Map-Register through the RTR: %s", name, error->message);
    }
  delay = p->reg->state == LMN_REG_REGISTERED
            ? interval
            : MIN (lmn_registration_next_delay (p->reg), interval);
  g_clear_handle_id (&p->keepalive_timer, g_source_remove);
  p->keepalive_timer = g_timeout_add_seconds (delay, on_keepalive, p);
}

static gboolean
on_keepalive (gpointer user_data)
{
  Path *p = user_data;
  LmnRegState before = p->reg->state;

  p->keepalive_timer = 0;
  lmn_registration_missed (p->reg);
  if (p->reg->state != before)
    {
      g_autofree gchar *name = path_name (p);

      g_message ("%s: through the RTR: %s", name, lmn_registration_state_name (p->reg->state));
      lmn_registrar_follow_rtr_path (p->owner->registrar, p->ms_index, p->reg);
    }
  keepalive (p);
  return G_SOURCE_REMOVE;
}

/* ---- discovery ---- */

static gboolean on_discovery_timer (gpointer user_data);

/* The first map-server of the family: the one we ask and register with through an RTR. */
static gboolean
map_server_of (const LmnConfig *config, guint8 family, guint *index)
{
  for (guint i = 0; i < config->map_servers->len; i++)
    if (((LmnMapServerConfig *) g_ptr_array_index (config->map_servers, i))->address.family ==
        family)
      {
        *index = i;
        return TRUE;
      }
  return FALSE;
}

/* Writes p's verdict into its RLOC and starts or stops its registration through the RTR. */
static void
apply_verdict (Path *p)
{
  LmnNatTraverser *t = p->owner;
  const LmnRlocNat *nat = &p->discovery.result;
  gboolean rtr_changed;
  guint index;

  if (path_rloc (p, &index) == NULL)
    return;
  rtr_changed = lmn_local_rlocs_set_nat (t->rlocs, index, nat);
  if (rtr_changed)
    {
      g_autofree gchar *name = path_name (p);
      char a[LMN_IP_TEXT_MAX];

      path_stop_rtr (p);
      if (nat->rtr.family != 0)
        g_message ("%s: through the RTR %s", name,
                   lmn_ip_bytes_to_text (nat->rtr.family, nat->rtr.addr, a));
      else
        g_message ("%s: no RTR", name);
    }
  /* Our locators changed: the direct Map-Registers go first, so that the ones through the
   * RTR carry the higher nonces and are not taken for replays when they arrive later. */
  if (t->changed != NULL)
    t->changed (rtr_changed ? LMN_NAT_CHANGED_RTR : LMN_NAT_CHANGED_VERDICT, t->changed_data);
  if (rtr_changed && nat->rtr.family != 0)
    {
      p->reg = lmn_registration_new (g_ptr_array_index (t->ctx.config->map_servers, p->ms_index));
      keepalive (p);
    }
}

static void
send_info_request (Path *p)
{
  LmnNatTraverser *t = p->owner;
  const LmnMapServerConfig *ms = g_ptr_array_index (t->ctx.config->map_servers, p->ms_index);
  const LispPrefix *eid = &g_array_index (t->ctx.config->eids, LispPrefix, 0);
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GError) error = NULL;

  request = lmn_nat_discovery_build (&p->discovery, eid, lisp_nonce64 (), &error);
  if (request == NULL ||
      !lmn_control_sockets_send (t->ctx.sockets, &p->discovery.local, &ms->address,
                                 LISP_CONTROL_PORT, g_bytes_get_data (request, NULL),
                                 g_bytes_get_size (request), &error))
    {
      g_autofree gchar *name = path_name (p);

      t->ctx.counters->n[LMN_CTL_SEND_FAILED]++;
      g_debug ("%s: Info-Request: %s", name, error->message);
    }
  else
    t->ctx.counters->n[LMN_CTL_INFO_REQUEST_SENT]++;
  g_clear_handle_id (&p->discovery_timer, g_source_remove);
  p->discovery_timer = g_timeout_add (lmn_nat_discovery_next_wait (&p->discovery) * 1000,
                                      on_discovery_timer, p);
}

static gboolean
on_discovery_timer (gpointer user_data)
{
  Path *p = user_data;
  guint wait;

  p->discovery_timer = 0;
  if (!p->discovery.awaiting)
    {
      /* The next round. */
      send_info_request (p);
      return G_SOURCE_REMOVE;
    }
  wait = lmn_nat_discovery_missed (&p->discovery);
  if (wait > 0)
    {
      send_info_request (p);
      return G_SOURCE_REMOVE;
    }
  {
    g_autofree gchar *name = path_name (p);

    g_message ("%s: no Info-Reply from the map-server: NAT unknown", name);
  }
  apply_verdict (p);
  p->discovery_timer = g_timeout_add_seconds (LMN_NAT_DISCOVERY_PERIOD, on_discovery_timer, p);
  return G_SOURCE_REMOVE;
}

/* A new address for p's RLOC: a new round at once. */
static void
path_restart (Path *p, const LmnLocalRloc *r)
{
  LmnNatTraverser *t = p->owner;
  const LmnConfig *config = t->ctx.config;
  LmnIp local = { .family = r->family };
  guint index;

  memcpy (local.addr, r->addr, lmn_ip_family_len (r->family));
  g_clear_handle_id (&p->discovery_timer, g_source_remove);
  path_stop_rtr (p);
  p->started = TRUE;
  if (config->nat_traversal == LMN_NAT_TRAVERSAL_OFF || config->mode == LMN_MODE_PROXY ||
      config->eids->len == 0 || !map_server_of (config, r->family, &p->ms_index))
    {
      /* Off, or nobody to ask: the RLOC is used as it is. */
      lmn_nat_discovery_start (&p->discovery, NULL, &local, config->control_port);
      p->discovery.result.state = config->nat_traversal == LMN_NAT_TRAVERSAL_OFF
                                    ? LMN_RLOC_NAT_OFF
                                    : LMN_RLOC_NAT_UNKNOWN;
      if (path_rloc (p, &index) != NULL)
        lmn_local_rlocs_set_nat (t->rlocs, index, &p->discovery.result);
      return;
    }
  lmn_nat_discovery_start (&p->discovery, g_ptr_array_index (config->map_servers, p->ms_index),
                           &local, config->control_port);
  if (path_rloc (p, &index) != NULL)
    lmn_local_rlocs_set_nat (t->rlocs, index, &p->discovery.result);
  send_info_request (p);
}

void
lmn_nat_traverser_sync (LmnNatTraverser *t)
{
  /* Forget the RLOCs that are gone or down. */
  for (guint i = t->paths->len; i-- > 0;)
    {
      Path *p = g_ptr_array_index (t->paths, i);
      const LmnLocalRloc *r = path_rloc (p, NULL);

      if (r == NULL || !r->up)
        g_ptr_array_remove_index (t->paths, i);
    }
  for (guint i = 0; i < lmn_local_rlocs_size (t->rlocs); i++)
    {
      const LmnLocalRloc *r = lmn_local_rlocs_get (t->rlocs, i);
      Path *p = NULL;

      if (!r->up)
        continue;
      for (guint j = 0; j < t->paths->len && p == NULL; j++)
        {
          Path *q = g_ptr_array_index (t->paths, j);

          if (q->family == r->family && g_strcmp0 (q->interface, r->interface) == 0)
            p = q;
        }
      if (p == NULL)
        {
          p = g_new0 (Path, 1);
          p->owner = t;
          p->interface = g_strdup (r->interface);
          p->family = r->family;
          g_ptr_array_add (t->paths, p);
        }
      /* The address moved (the RLOC's verdict was reset with it) or this is new. */
      if (!p->started ||
          memcmp (p->discovery.local.addr, r->addr, lmn_ip_family_len (r->family)) != 0)
        path_restart (p, r);
    }
}

static Path *
path_at (LmnNatTraverser *t, const LmnIp *local)
{
  for (guint i = 0; i < t->paths->len; i++)
    {
      Path *p = g_ptr_array_index (t->paths, i);

      if (p->started && lmn_ip_equal (&p->discovery.local, local))
        return p;
    }
  return NULL;
}

void
lmn_nat_traverser_handle_info (LmnNatTraverser *t, const guint8 *data, gsize len,
                               const LmnIp *local)
{
  Path *p = path_at (t, local);
  LmnRlocNat before;
  g_autofree gchar *name = NULL;

  if (p == NULL || p->discovery.server == NULL)
    {
      t->ctx.counters->n[LMN_CTL_INFO_REPLY_BAD_NONCE]++;
      return;
    }
  before = p->discovery.result;
  name = path_name (p);
  switch (lmn_nat_discovery_reply (&p->discovery, data, len, t->ctx.config->nat_traversal))
    {
    case LMN_INFO_ACCEPTED:
      t->ctx.counters->n[LMN_CTL_INFO_REPLY_ACCEPTED]++;
      break;
    case LMN_INFO_BAD_NONCE:
      t->ctx.counters->n[LMN_CTL_INFO_REPLY_BAD_NONCE]++;
      lmn_log_limited (G_LOG_LEVEL_DEBUG, "info-reply-bad-nonce",
                       "%s: an Info-Reply with another nonce: dropped", name);
      return;
    case LMN_INFO_BAD_MAC:
      t->ctx.counters->n[LMN_CTL_INFO_REPLY_BAD_MAC]++;
      lmn_log_limited (G_LOG_LEVEL_INFO, "info-reply-bad-mac",
                       "%s: an Info-Reply failing authentication: dropped", name);
      return;
    case LMN_INFO_MALFORMED:
      t->ctx.counters->n[LMN_CTL_MALFORMED]++;
      return;
    }
  if (before.state != p->discovery.result.state ||
      !lmn_ip_equal (&before.public_address, &p->discovery.result.public_address) ||
      before.public_port != p->discovery.result.public_port)
    {
      char a[LMN_IP_TEXT_MAX];
      const LmnRlocNat *nat = &p->discovery.result;

      if (nat->state == LMN_RLOC_NAT_BEHIND)
        g_message ("%s: behind a NAT, seen as %s port %u", name,
                   lmn_ip_bytes_to_text (nat->public_address.family, nat->public_address.addr, a),
                   nat->public_port);
      else
        g_message ("%s: no NAT (public)", name);
    }
  g_clear_handle_id (&p->discovery_timer, g_source_remove);
  p->discovery_timer = g_timeout_add_seconds (LMN_NAT_DISCOVERY_PERIOD, on_discovery_timer, p);
  apply_verdict (p);
}

void
lmn_nat_traverser_handle_data_notify (LmnNatTraverser *t, const guint8 *data, gsize len,
                                      const LmnIp *local)
{
  Path *p = path_at (t, local);
  LmnRegState before;
  LmnDataNotifyVerdict verdict;
  static const LmnControlCounter counters[] = {
    [LMN_DATA_NOTIFY_ACCEPTED] = LMN_CTL_DATA_MAP_NOTIFY_ACCEPTED,
    [LMN_DATA_NOTIFY_BAD_MAC] = LMN_CTL_DATA_MAP_NOTIFY_BAD_MAC,
    [LMN_DATA_NOTIFY_BAD_NONCE] = LMN_CTL_DATA_MAP_NOTIFY_BAD_NONCE,
    [LMN_DATA_NOTIFY_BAD_XTR_ID] = LMN_CTL_DATA_MAP_NOTIFY_BAD_XTR_ID,
    [LMN_DATA_NOTIFY_MALFORMED] = LMN_CTL_MALFORMED,
  };

  /* Nothing outstanding through an RTR on that RLOC: no nonce it could match. */
  if (p == NULL || p->reg == NULL)
    {
      t->ctx.counters->n[LMN_CTL_DATA_MAP_NOTIFY_BAD_NONCE]++;
      return;
    }
  before = p->reg->state;
  verdict = lmn_rtr_registration_notify (p->reg, lmn_registrar_xtr_id (t->registrar), data, len,
                                         g_get_monotonic_time ());
  t->ctx.counters->n[counters[verdict]]++;
  if (verdict != LMN_DATA_NOTIFY_ACCEPTED)
    {
      g_autofree gchar *name = path_name (p);

      lmn_log_limited (G_LOG_LEVEL_INFO, lmn_data_notify_verdict_name (verdict),
                       "%s: a Data-Map-Notify dropped: %s", name,
                       lmn_data_notify_verdict_name (verdict));
      return;
    }
  if (before != LMN_REG_REGISTERED)
    {
      g_autofree gchar *name = path_name (p);

      g_message ("%s: registered through the RTR", name);
    }
  lmn_registrar_follow_rtr_path (t->registrar, p->ms_index, p->reg);
  /* The next keepalive a full interval from now. */
  g_clear_handle_id (&p->keepalive_timer, g_source_remove);
  p->keepalive_timer = g_timeout_add_seconds (t->ctx.config->nat_keepalive_interval, on_keepalive,
                                              p);
  /* Every acknowledgement counts, not only the first: the one for the Map-Register sent
   * after our locators changed is what lets the peers be told. */
  if (t->changed != NULL)
    t->changed (LMN_NAT_CHANGED_REGISTERED, t->changed_data);
}

void
lmn_nat_traverser_register_now (LmnNatTraverser *t)
{
  for (guint i = 0; i < t->paths->len; i++)
    {
      Path *p = g_ptr_array_index (t->paths, i);

      if (p->reg != NULL)
        {
          lmn_registration_reset_backoff (p->reg);
          keepalive (p);
        }
    }
}

const LmnRegistration *
lmn_nat_traverser_registration (const LmnNatTraverser *t, guint i)
{
  const LmnLocalRloc *r = lmn_local_rlocs_get (t->rlocs, i);

  for (guint j = 0; r != NULL && j < t->paths->len; j++)
    {
      const Path *p = g_ptr_array_index (t->paths, j);

      if (p->family == r->family && g_strcmp0 (p->interface, r->interface) == 0)
        return p->reg;
    }
  return NULL;
}
