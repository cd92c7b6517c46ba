#include "registrar.h"
#include "log-limiter.h"

#include "lisp-auth.h"
#include "own-mapping.h"

#include <string.h>

typedef struct {
  LmnRegistrar    *owner;
  LmnRegistration *reg;
  guint            timer;
} Server;

struct _LmnRegistrar {
  const LmnConfig       *config;
  const LmnLocalRlocs   *rlocs;
  LmnControlSockets     *sockets;
  LmnControlCounters    *counters;
  GPtrArray             *servers;    /* Server* */
  guint                  soon;       /* the coalescing timer of register_soon() */
  guint8                 xtr_id[16]; /* random, stable for the daemon's life */
  guint64                last_nonce; /* of the last Map-Register */
  LmnRegistrarChangedFunc changed;
  gpointer               changed_data;
};

static void
server_free (Server *s)
{
  g_clear_handle_id (&s->timer, g_source_remove);
  lmn_registration_free (s->reg);
  g_free (s);
}

LmnRegistrar *
lmn_registrar_new (const LmnConfig *config, const LmnLocalRlocs *rlocs, LmnControlSockets *sockets,
                   LmnControlCounters *counters)
{
  LmnRegistrar *registrar = g_new0 (LmnRegistrar, 1);
  guint64 a = lisp_nonce64 (), b = lisp_nonce64 ();

  registrar->config = config;
  registrar->rlocs = rlocs;
  registrar->sockets = sockets;
  registrar->counters = counters;
  memcpy (registrar->xtr_id, &a, 8);
  memcpy (registrar->xtr_id + 8, &b, 8);
  registrar->servers = g_ptr_array_new_with_free_func ((GDestroyNotify) server_free);
  for (guint i = 0; i < config->map_servers->len; i++)
    {
      Server *s = g_new0 (Server, 1);

      s->owner = registrar;
      s->reg = lmn_registration_new (g_ptr_array_index (config->map_servers, i));
      g_ptr_array_add (registrar->servers, s);
    }
  return registrar;
}

void
lmn_registrar_free (LmnRegistrar *registrar)
{
  if (registrar == NULL)
    return;
  g_clear_handle_id (&registrar->soon, g_source_remove);
  g_ptr_array_unref (registrar->servers);
  g_free (registrar);
}

static gboolean on_timer (gpointer user_data);

static void
arm (Server *s, guint seconds)
{
  g_clear_handle_id (&s->timer, g_source_remove);
  /* The minute refresh may share its wake-up with other timers; retries keep their
   * spacing. */
  if (seconds >= LMN_REGISTER_REFRESH)
    s->timer = g_timeout_add_seconds (seconds, on_timer, s);
  else
    s->timer = g_timeout_add (seconds * 1000, on_timer, s);
}

guint64
lmn_registrar_nonce_after (guint64 last, gint64 real_seconds, guint32 random)
{
  guint64 upper = MAX ((last >> 32) + 1, (guint64) MAX (real_seconds, 0) & 0xffffffffu);

  /* After the year 2106 the seconds no longer fit: the count goes on from the last one. */
  if (upper > 0xffffffffu)
    upper = 0xffffffffu;
  return upper << 32 | random;
}

/* Map-Register nonces only grow (RFC 9301 §5.6: the map-server refuses one not above the
 * last it accepted from our xTR-ID, a replay), and a Map-Notify counts as ours, even as a
 * "wrong key" one, only when it repeats the nonce of our outstanding Map-Register: so the
 * lower 32 bits are drawn from GnuTLS, not guessable from the clock, and the upper 32 count
 * seconds, growing across restarts too. */
guint64
lmn_registrar_next_nonce (LmnRegistrar *registrar)
{
  registrar->last_nonce = lmn_registrar_nonce_after (registrar->last_nonce,
                                                     g_get_real_time () / G_USEC_PER_SEC,
                                                     (guint32) lisp_nonce64 ());
  return registrar->last_nonce;
}

static GPtrArray *
own_records (LmnRegistrar *registrar)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) lisp_record_free);

  for (guint i = 0; i < registrar->config->eids->len; i++)
    g_ptr_array_add (records, lmn_own_mapping_record (&g_array_index (registrar->config->eids,
                                                                      LispPrefix, i),
                                                      registrar->rlocs, NULL));
  return records;
}

/* One Map-Register with these records to s's map-server, under a nonce above every earlier
 * one (the map-server drops a lower one as a replay); counted either way. */
static gboolean
send_records (Server *s, GPtrArray *records, GError **error)
{
  LmnRegistrar *registrar = s->owner;
  g_autoptr(GBytes) bytes = lmn_registration_build (s->reg, records, registrar->xtr_id,
                                                    lmn_registrar_next_nonce (registrar),
                                                    g_get_monotonic_time (), error);

  if (bytes == NULL ||
      !lmn_control_sockets_send (registrar->sockets, NULL, &s->reg->server->address,
                                 LISP_CONTROL_PORT, g_bytes_get_data (bytes, NULL),
                                 g_bytes_get_size (bytes), error))
    {
      registrar->counters->n[LMN_CTL_SEND_FAILED]++;
      return FALSE;
    }
  registrar->counters->n[LMN_CTL_MAP_REGISTER_SENT]++;
  return TRUE;
}

/* Sends one Map-Register to s (when we have an RLOC to register) and arms its timer. */
static void
send_register (Server *s)
{
  LmnRegistrar *registrar = s->owner;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *addr = lmn_ip_to_string (&s->reg->server->address);

  /* Nothing to register; the RLOC change that brings one sends at once. Behind NATs only,
   * the Map-Registers go through the RTRs (nat-traversal.c). */
  if (lmn_own_mapping_n_rlocs (registrar->rlocs) == 0 ||
      lmn_local_rlocs_all_via_rtr (registrar->rlocs))
    {
      arm (s, LMN_REGISTER_REFRESH);
      return;
    }
  records = own_records (registrar);
  if (send_records (s, records, &error))
    g_debug ("map-server %s: Map-Register sent", addr);
  else
    g_debug ("map-server %s: %s", addr, error->message);
  arm (s, lmn_registration_next_delay (s->reg));
}

static gboolean
on_timer (gpointer user_data)
{
  Server *s = user_data;
  LmnRegState before = s->reg->state;

  s->timer = 0;
  lmn_registration_missed (s->reg);
  if (s->reg->state != before)
    {
      g_autofree gchar *addr = lmn_ip_to_string (&s->reg->server->address);

      g_message ("map-server %s: %s", addr, lmn_registration_state_name (s->reg->state));
      if (s->owner->changed != NULL)
        s->owner->changed (s->owner->changed_data);
    }
  send_register (s);
  return G_SOURCE_REMOVE;
}

static gboolean
on_soon (gpointer user_data)
{
  LmnRegistrar *registrar = user_data;

  registrar->soon = 0;
  lmn_registrar_register_now (registrar);
  return G_SOURCE_REMOVE;
}

void
lmn_registrar_register_soon (LmnRegistrar *registrar)
{
  if (registrar->soon == 0 && registrar->servers->len > 0)
    registrar->soon = g_timeout_add (LMN_REGISTER_COALESCE_MS, on_soon, registrar);
}

void
lmn_registrar_register_now (LmnRegistrar *registrar)
{
  g_clear_handle_id (&registrar->soon, g_source_remove);
  for (guint i = 0; i < registrar->servers->len; i++)
    {
      Server *s = g_ptr_array_index (registrar->servers, i);

      lmn_registration_reset_backoff (s->reg);
      send_register (s);
    }
}

void
lmn_registrar_deregister (LmnRegistrar *registrar)
{
  if (lmn_own_mapping_n_rlocs (registrar->rlocs) == 0)
    return;   /* no socket to send from, and nobody could reach us anyway */
  for (guint i = 0; i < registrar->servers->len; i++)
    {
      Server *s = g_ptr_array_index (registrar->servers, i);
      g_autoptr(GPtrArray) records = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree gchar *addr = lmn_ip_to_string (&s->reg->server->address);

      /* Only a server that holds (or may hold) our mapping needs telling. */
      if (s->reg->last_sent == 0)
        continue;
      records = own_records (registrar);
      for (guint j = 0; j < records->len; j++)
        ((LispRecord *) records->pdata[j])->ttl = 0;
      if (send_records (s, records, &error))
        g_message ("map-server %s: EIDs withdrawn (Map-Register with TTL 0)", addr);
      else
        g_message ("map-server %s: cannot withdraw the EIDs: %s", addr, error->message);
    }
}

void
lmn_registrar_handle_notify (LmnRegistrar *registrar, const guint8 *data, gsize len,
                             const LmnIp *from, guint16 port, const LmnIp *local)
{
  g_autofree gchar *addr = lmn_ip_to_string (from);

  for (guint i = 0; i < registrar->servers->len; i++)
    {
      Server *s = g_ptr_array_index (registrar->servers, i);
      const LmnIp *ms = &s->reg->server->address;
      g_autoptr(GBytes) ack = NULL;
      g_autoptr(GError) error = NULL;
      LmnRegState before = s->reg->state;

      if (ms->family != from->family ||
          memcmp (ms->addr, from->addr, lmn_ip_family_len (from->family)) != 0)
        continue;
      switch (lmn_registration_notify (s->reg, data, len, g_get_monotonic_time (), &ack))
        {
        case LMN_NOTIFY_ACCEPTED:
          registrar->counters->n[LMN_CTL_MAP_NOTIFY_ACCEPTED]++;
          if (before != LMN_REG_REGISTERED)
            g_message ("map-server %s: registered", addr);
          arm (s, lmn_registration_next_delay (s->reg));
          if (registrar->changed != NULL)
            registrar->changed (registrar->changed_data);
          break;
        case LMN_NOTIFY_AUTH_FAILED:
          registrar->counters->n[LMN_CTL_MAP_NOTIFY_AUTH_FAILED]++;
          if (s->reg->state != before)
            {
              g_warning ("map-server %s: Map-Notifys fail authentication (wrong key?)", addr);
              if (registrar->changed != NULL)
                registrar->changed (registrar->changed_data);
            }
          break;
        case LMN_NOTIFY_UNSOLICITED:
          /* Typically: one of our EIDs was registered by another xTR since. */
          g_info ("map-server %s: an unsolicited Map-Notify (a registration changed): acknowledged",
                  addr);
          registrar->counters->n[LMN_CTL_MAP_NOTIFY_NONCE_MISMATCH]++;
          if (ack != NULL &&
              lmn_control_sockets_send (registrar->sockets, local, from, port,
                                        g_bytes_get_data (ack, NULL), g_bytes_get_size (ack), &error))
            registrar->counters->n[LMN_CTL_MAP_NOTIFY_ACK_SENT]++;
          else
            registrar->counters->n[LMN_CTL_SEND_FAILED]++;
          break;
        case LMN_NOTIFY_REPLAYED:
          registrar->counters->n[LMN_CTL_MAP_NOTIFY_REPLAYED]++;
          lmn_log_limited (G_LOG_LEVEL_DEBUG, "map-notify-replayed",
                           "map-server %s: a Map-Notify for an earlier Map-Register (replayed?): "
                           "ignored",
                           addr);
          break;
        case LMN_NOTIFY_MALFORMED:
          registrar->counters->n[LMN_CTL_MALFORMED]++;
          break;
        }
      return;
    }
  registrar->counters->n[LMN_CTL_MAP_NOTIFY_UNKNOWN_SERVER]++;
  lmn_log_limited (G_LOG_LEVEL_DEBUG, "map-notify-unknown-server",
                   "Map-Notify from %s, which is no map-server of ours: dropped", addr);
}

guint
lmn_registrar_n_servers (const LmnRegistrar *registrar)
{
  return registrar->servers->len;
}

const LmnRegistration *
lmn_registrar_get (const LmnRegistrar *registrar, guint i)
{
  return i < registrar->servers->len
           ? ((Server *) g_ptr_array_index (registrar->servers, i))->reg : NULL;
}

void
lmn_registrar_set_changed_func (LmnRegistrar *registrar, LmnRegistrarChangedFunc func,
                                gpointer user_data)
{
  registrar->changed = func;
  registrar->changed_data = user_data;
}

GPtrArray *
lmn_registrar_records (LmnRegistrar *registrar)
{
  return own_records (registrar);
}

const guint8 *
lmn_registrar_xtr_id (const LmnRegistrar *registrar)
{
  return registrar->xtr_id;
}

void
lmn_registrar_follow_rtr_path (LmnRegistrar *registrar, guint i, const LmnRegistration *path)
{
  Server *s;
  LmnRegState before;

  if (i >= registrar->servers->len || !lmn_local_rlocs_all_via_rtr (registrar->rlocs))
    return;
  s = g_ptr_array_index (registrar->servers, i);
  before = s->reg->state;
  s->reg->state = path->state;
  s->reg->last_notify = path->last_notify;
  s->reg->awaiting = FALSE; /* nothing of ours is outstanding there */
  g_free (s->reg->last_error);
  s->reg->last_error = g_strdup (path->last_error);
  if (s->reg->state != before && registrar->changed != NULL)
    registrar->changed (registrar->changed_data);
}
