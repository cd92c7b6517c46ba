/* The RTR's control plane (rtr.h): relaying ECM'd Map-Registers to the map-server, and
 * turning the map-server's authenticated Map-Notifys into verified NAT bindings and
 * Data-Map-Notifys. */
#include "rtr.h"
#include "log-limiter.h"

#include "json-members.h"
#include "lmn-ip.h"
#include "lmn-secret.h"
#include "rate-limit.h"

#include "wire-data.h"

#include <stdarg.h>
#include <string.h>

struct _LmnRtr {
  GArray *addresses;   /* LmnEndpoint, port 4342 */
  GArray *map_servers; /* LmnEndpoint */
  gchar *ms_key;       /* NULL: none; never logged */
  LmnNatBindings *bindings;
  LmnRateLimit *register_limit;
  guint max_unverified;
  guint64 counters[LMN_RTR_N_COUNTERS];
};

static const char *const counter_names[LMN_RTR_N_COUNTERS] = {
  [LMN_RTR_RX_REGISTER] = "rx-ecm-map-register",
  [LMN_RTR_RX_NOTIFY] = "rx-ecm-map-notify",
  [LMN_RTR_TX_RELAYED_REGISTER] = "tx-relayed-map-register",
  [LMN_RTR_TX_DATA_MAP_NOTIFY] = "tx-data-map-notify",
  [LMN_RTR_NODES_VERIFIED] = "nodes-verified",
  [LMN_RTR_UNVERIFIED_EVICTED] = "unverified-evicted",
  [LMN_RTR_UNVERIFIED_EXPIRED] = "unverified-expired",
  [LMN_RTR_VERIFIED_EXPIRED] = "verified-expired",
  [LMN_RTR_DROP_MALFORMED] = "drop-malformed",
  [LMN_RTR_DROP_RATE_LIMITED] = "drop-rate-limited",
  [LMN_RTR_DROP_NO_XTR_ID] = "drop-no-xtr-id",
  [LMN_RTR_DROP_MS_NOT_ALLOWED] = "drop-map-server-not-allowed",
  [LMN_RTR_DROP_NOTIFY_NOT_FROM_MS] = "drop-notify-not-from-map-server",
  [LMN_RTR_DROP_BAD_MS_RTR_MAC] = "drop-bad-ms-rtr-mac",
  [LMN_RTR_DROP_UNSIGNED_NOTIFY] = "drop-unsigned-notify",
  [LMN_RTR_DROP_UNKNOWN_NONCE] = "drop-notify-unknown-nonce",
  [LMN_RTR_DROP_UNSUPPORTED] = "drop-unsupported",
  [LMN_RTR_RX_DATA_FROM_NODE] = "rx-data-from-node",
  [LMN_RTR_TX_DATA_TO_NODE] = "tx-data-to-node",
  [LMN_RTR_DROP_DATA_UNVERIFIED] = "drop-data-unverified-source",
};

const char *
lmn_rtr_counter_name (LmnRtrCounter c)
{
  return c < LMN_RTR_N_COUNTERS ? counter_names[c] : "unknown";
}

LmnRtr *
lmn_rtr_new (const LmnServerRtrConfig *config)
{
  LmnRtr *rtr = g_new0 (LmnRtr, 1);

  rtr->addresses = g_array_copy (config->addresses);
  for (guint i = 0; i < rtr->addresses->len; i++)
    g_array_index (rtr->addresses, LmnEndpoint, i).port = LISP_CONTROL_PORT;
  rtr->map_servers = g_array_copy (config->map_servers);
  rtr->ms_key = g_strdup (config->ms_key);
  rtr->max_unverified = config->max_unverified;
  rtr->bindings = lmn_nat_bindings_new (config->max_unverified);
  rtr->register_limit = lmn_rate_limit_new (LMN_RTR_REGISTER_RATE, LMN_RTR_REGISTER_BURST,
                                            LMN_RTR_REGISTER_SOURCES);
  return rtr;
}

void
lmn_rtr_free (LmnRtr *rtr)
{
  if (rtr == NULL)
    return;
  g_array_unref (rtr->addresses);
  g_array_unref (rtr->map_servers);
  lmn_secret_free (rtr->ms_key);
  lmn_nat_bindings_free (rtr->bindings);
  lmn_rate_limit_free (rtr->register_limit);
  g_free (rtr);
}

static gboolean drop (LmnRtr *rtr, LmnRtrCounter reason, const LmnEndpoint *from,
                      const char *format, ...) G_GNUC_PRINTF (4, 5);

/* Counts a refused message under reason and logs why, at info; returns FALSE. */
static gboolean
drop (LmnRtr *rtr, LmnRtrCounter reason, const LmnEndpoint *from, const char *format, ...)
{
  g_autofree gchar *who = lmn_endpoint_to_string (from);
  g_autofree gchar *why = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  rtr->counters[reason]++;
  lmn_log_limited (G_LOG_LEVEL_INFO, lmn_rtr_counter_name (reason),
                   "RTR: dropped a message from %s: %s", who, why);
  return FALSE;
}

static void
emit (LmnRtr *rtr, GPtrArray *out, const LmnEndpoint *to, const LmnEndpoint *local, GBytes *data,
      LmnRtrCounter c)
{
  LmnDatagram *d = g_new0 (LmnDatagram, 1);

  d->to = *to;
  if (local != NULL)
    d->local = *local;
  d->data = data;
  g_ptr_array_add (out, d);
  rtr->counters[c]++;
}

static gboolean
listed (const GArray *list, const LmnEndpoint *e)
{
  for (guint i = 0; i < list->len; i++)
    if (lmn_endpoint_same_host (&g_array_index (list, LmnEndpoint, i), e))
      return TRUE;
  return FALSE;
}

/* Our address of that family, or NULL. */
static const LmnEndpoint *
own_address (const LmnRtr *rtr, guint8 family)
{
  for (guint i = 0; i < rtr->addresses->len; i++)
    if (g_array_index (rtr->addresses, LmnEndpoint, i).family == family)
      return &g_array_index (rtr->addresses, LmnEndpoint, i);
  return NULL;
}

static LmnEndpoint
inner_endpoint (const LispEcm *ecm, const guint8 *addr, guint16 port)
{
  LmnEndpoint e = { .family = ecm->ip_version == 6 ? LISP_FAMILY_IPV6 : LISP_FAMILY_IPV4,
                    .port = port };

  memcpy (e.addr, addr, ecm->ip_version == 6 ? 16 : 4);
  return e;
}

/* ---- ECM'd Map-Registers from nodes ---- */

/* The binding the Map-Register m, relayed in ecm, would create. */
static gboolean
binding_from_register (LmnRtr *rtr, const LispEcm *ecm, const LispMapRegister *m,
                       const LmnEndpoint *from, const LmnEndpoint *local, gint64 now,
                       LmnNatBinding *b)
{
  g_autoptr(GArray) eids = g_array_new (FALSE, TRUE, sizeof (LispPrefix));

  for (guint i = 0; i < m->records->len; i++)
    {
      const LispRecord *rec = g_ptr_array_index (m->records, i);
      g_autoptr(GError) error = NULL;
      LispPrefix p;

      if (!lisp_prefix_from_address (rec->eid, rec->mask_len, &p, &error))
        return drop (rtr, LMN_RTR_DROP_MALFORMED, from, "Map-Register record %u: %s", i,
                     error->message);
      g_array_append_val (eids, p);
    }
  memset (b, 0, sizeof *b);
  memcpy (b->xtr_id, m->xtr_id, 16);
  b->translated = *from;
  if (local != NULL)
    b->rtr = *local;
  else if (own_address (rtr, from->family) != NULL)
    b->rtr = *own_address (rtr, from->family);
  b->rtr.port = LISP_CONTROL_PORT;
  b->ip_version = ecm->ip_version;
  memcpy (b->private_rloc, ecm->src, 16);
  b->eids = g_steal_pointer (&eids);
  b->since = now;
  return TRUE;
}

static gboolean
handle_register (LmnRtr *rtr, LispEcm *ecm, const LmnEndpoint *from, const LmnEndpoint *local,
                 gint64 now, GPtrArray *out)
{
  g_autoptr(LispMapRegister) m = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LispEcm) relay = lisp_ecm_new ();
  LmnEndpoint ms = inner_endpoint (ecm, ecm->dst, LISP_CONTROL_PORT);
  LmnNatBinding b;
  GBytes *data;

  rtr->counters[LMN_RTR_RX_REGISTER]++;
  if (!lmn_rate_limit_allow (rtr->register_limit, from, now))
    {
      rtr->counters[LMN_RTR_DROP_RATE_LIMITED]++; /* not logged: a flood would flood the log */
      return FALSE;
    }
  if (!lisp_map_register_decode (g_bytes_get_data (ecm->inner, NULL), g_bytes_get_size (ecm->inner),
                                 &m, &error))
    return drop (rtr, LMN_RTR_DROP_MALFORMED, from, "ECM'd Map-Register: %s", error->message);
  if (!m->has_xtr_id)
    return drop (rtr, LMN_RTR_DROP_NO_XTR_ID, from, "ECM'd Map-Register without xTR-ID");
  if (!listed (rtr->map_servers, &ms))
    {
      g_autofree gchar *who = lmn_endpoint_to_string (&ms);

      /* Else we would relay anything anywhere. */
      return drop (rtr, LMN_RTR_DROP_MS_NOT_ALLOWED, from,
                   "ECM'd Map-Register for %s, not one of map-servers=", who);
    }
  if (!binding_from_register (rtr, ecm, m, from, local, now, &b))
    return FALSE;
  if (lmn_nat_bindings_add_unverified (rtr->bindings, &b, m->nonce))
    rtr->counters[LMN_RTR_UNVERIFIED_EVICTED]++;

  /* The same inner IP and UDP headers and Map-Register, now with the N bit. */
  relay->to_ms = TRUE;
  relay->ip_version = ecm->ip_version;
  memcpy (relay->src, ecm->src, 16);
  memcpy (relay->dst, ecm->dst, 16);
  relay->ttl = ecm->ttl;
  relay->sport = ecm->sport;
  relay->dport = ecm->dport;
  relay->inner = g_bytes_ref (ecm->inner);
  data = lisp_ecm_encode (relay, &error);
  if (data == NULL)
    return drop (rtr, LMN_RTR_DROP_MALFORMED, from, "cannot relay: %s", error->message);
  emit (rtr, out, &ms, own_address (rtr, ms.family), data, LMN_RTR_TX_RELAYED_REGISTER);
  return FALSE; /* nothing served changed: not worth a state file under a flood */
}

/* ---- ECM'd Map-Notifys from map-servers ---- */

/* The Data-Map-Notify: data header with IID 0xFFFFFF, then exactly the inner IP and UDP
 * headers and Map-Notify of the map-server's ECM, which are what a Data-Map-Notify
 * carries (from the map-server to the node's private RLOC, 4342 to 4342). */
static GBytes *
data_map_notify (const LispEcm *ecm, GError **error)
{
  g_autoptr(LispEcm) inner = lisp_ecm_new ();
  g_autoptr(GBytes) ecm_bytes = NULL;
  LispDataHeader h = { .iid_present = TRUE, .iid = LISP_DATA_IID_CONTROL };
  guint8 header[LISP_DATA_HEADER_SIZE];
  GByteArray *out;
  gsize len;
  const guint8 *bytes;

  inner->ip_version = ecm->ip_version;
  memcpy (inner->src, ecm->src, 16);
  memcpy (inner->dst, ecm->dst, 16);
  inner->sport = LISP_CONTROL_PORT;
  inner->dport = LISP_CONTROL_PORT;
  inner->inner = g_bytes_ref (ecm->inner);
  ecm_bytes = lisp_ecm_encode (inner, error);
  if (ecm_bytes == NULL || !lisp_data_header_encode (&h, header, error))
    return NULL;
  bytes = g_bytes_get_data (ecm_bytes, &len);
  out = g_byte_array_sized_new (LISP_DATA_HEADER_SIZE + len - 4);
  g_byte_array_append (out, header, sizeof header);
  g_byte_array_append (out, bytes + 4, len - 4); /* without the ECM's own 4-byte header */
  return g_byte_array_free_to_bytes (out);
}

/* Whether the Map-Notify's ECM comes from the map-server: signed with our key, or, when we
 * have none, unsigned (the nonce match is then all that binds it to the node's request). */
static gboolean
authentic_notify (LmnRtr *rtr, const LispEcm *ecm, const LmnEndpoint *from)
{
  g_autoptr(GError) error = NULL;

  if (ecm->security)
    {
      if (rtr->ms_key == NULL)
        return drop (rtr, LMN_RTR_DROP_BAD_MS_RTR_MAC, from,
                     "Map-Notify signed by the map-server, but no [rtr] ms-key= to check it");
      if (!lisp_ecm_ms_rtr_verify (ecm, (const guint8 *) rtr->ms_key, strlen (rtr->ms_key), &error))
        return drop (rtr, LMN_RTR_DROP_BAD_MS_RTR_MAC, from, "Map-Notify: %s", error->message);
      return TRUE;
    }
  if (rtr->ms_key != NULL)
    return drop (rtr, LMN_RTR_DROP_UNSIGNED_NOTIFY, from,
                 "Map-Notify without MS-RTR authentication, but we have ms-key=");
  return TRUE;
}

static gboolean
handle_notify (LmnRtr *rtr, LispEcm *ecm, const LmnEndpoint *from, gint64 now, GPtrArray *out)
{
  g_autoptr(LispMapRegister) m = NULL;
  g_autoptr(GError) error = NULL;
  const LmnNatBinding *b;
  GBytes *data;

  rtr->counters[LMN_RTR_RX_NOTIFY]++;
  if (!listed (rtr->map_servers, from))
    return drop (rtr, LMN_RTR_DROP_NOTIFY_NOT_FROM_MS, from,
                 "ECM'd Map-Notify from a host not in map-servers=");
  if (!authentic_notify (rtr, ecm, from))
    return FALSE;
  if (!lisp_map_register_decode (g_bytes_get_data (ecm->inner, NULL), g_bytes_get_size (ecm->inner),
                                 &m, &error))
    return drop (rtr, LMN_RTR_DROP_MALFORMED, from, "ECM'd Map-Notify: %s", error->message);
  if (!m->has_xtr_id)
    return drop (rtr, LMN_RTR_DROP_NO_XTR_ID, from, "ECM'd Map-Notify without xTR-ID");
  b = lmn_nat_bindings_verify (rtr->bindings, m->xtr_id, m->nonce, now);
  if (b == NULL)
    return drop (rtr, LMN_RTR_DROP_UNKNOWN_NONCE, from,
                 "Map-Notify with nonce %016" G_GINT64_MODIFIER "x: no Map-Register of its "
                 "xTR-ID with that nonce is waiting",
                 m->nonce);
  rtr->counters[LMN_RTR_NODES_VERIFIED]++;
  data = data_map_notify (ecm, &error);
  if (data == NULL)
    {
      g_warning ("RTR: cannot build a Data-Map-Notify: %s", error->message);
      return TRUE;
    }
  emit (rtr, out, &b->translated, &b->rtr, data, LMN_RTR_TX_DATA_MAP_NOTIFY);
  return TRUE;
}

gboolean
lmn_rtr_handle (LmnRtr *rtr, const guint8 *msg, gsize len, const LmnEndpoint *from,
                const LmnEndpoint *local, gint64 now, GPtrArray *out)
{
  g_autoptr(LispEcm) ecm = NULL;
  g_autoptr(GError) error = NULL;
  guint type;

  if (!lisp_ecm_decode (msg, len, &ecm, &error))
    return drop (rtr, LMN_RTR_DROP_MALFORMED, from, "ECM: %s", error->message);
  type = lisp_message_type (g_bytes_get_data (ecm->inner, NULL), g_bytes_get_size (ecm->inner));
  if (type == LISP_TYPE_MAP_REGISTER)
    return handle_register (rtr, ecm, from, local, now, out);
  if (type == LISP_TYPE_MAP_NOTIFY)
    return handle_notify (rtr, ecm, from, now, out);
  return drop (rtr, LMN_RTR_DROP_UNSUPPORTED, from, "ECM for the RTR carrying a %s",
               lisp_message_type_name (type));
}

gboolean
lmn_rtr_tick (LmnRtr *rtr, gint64 now)
{
  guint unverified = 0;
  guint verified = lmn_nat_bindings_expire (rtr->bindings, now, &unverified);

  rtr->counters[LMN_RTR_UNVERIFIED_EXPIRED] += unverified;
  rtr->counters[LMN_RTR_VERIFIED_EXPIRED] += verified;
  return verified > 0;
}

const LmnNatBinding *
lmn_rtr_find_node (const LmnRtr *rtr, guint32 iid, guint8 family, const guint8 *addr)
{
  return lmn_nat_bindings_find_eid (rtr->bindings, iid, family, addr);
}

gboolean
lmn_rtr_is_own_address (const LmnRtr *rtr, guint8 family, const guint8 *addr)
{
  LmnEndpoint e = { .family = family };

  memcpy (e.addr, addr, lmn_ip_family_len (family));
  return listed (rtr->addresses, &e);
}

void
lmn_rtr_count (LmnRtr *rtr, LmnRtrCounter c)
{
  if (c < LMN_RTR_N_COUNTERS)
    rtr->counters[c]++;
}

guint64
lmn_rtr_counter (const LmnRtr *rtr, LmnRtrCounter c)
{
  return c < LMN_RTR_N_COUNTERS ? rtr->counters[c] : 0;
}

const LmnNatBindings *
lmn_rtr_bindings (const LmnRtr *rtr)
{
  return rtr->bindings;
}

/* ---- state ---- */

static gchar *
hex (const guint8 *b, gsize n)
{
  GString *s = g_string_sized_new (n * 2);

  for (gsize i = 0; i < n; i++)
    g_string_append_printf (s, "%02x", b[i]);
  return g_string_free (s, FALSE);
}

static void
add_node (JsonBuilder *b, const LmnNatBinding *n, gint64 now)
{
  g_autofree gchar *xtr_id = hex (n->xtr_id, 16);
  g_autofree gchar *translated = lmn_endpoint_to_string (&n->translated);
  char buf[LMN_IP_TEXT_MAX] = "?";

  json_builder_begin_object (b);
  lmn_json_add_string (b, "xtr-id", xtr_id);
  lmn_json_add_string (b, "translated", translated);
  lmn_json_add_string (b, "rtr-address", lmn_ip_bytes_to_text (n->rtr.family, n->rtr.addr, buf));
  lmn_json_add_string (b, "private-rloc",
                       lmn_ip_bytes_to_text (n->ip_version == 6 ? LISP_FAMILY_IPV6
                                                                : LISP_FAMILY_IPV4,
                                             n->private_rloc, buf));
  json_builder_set_member_name (b, "eids");
  json_builder_begin_array (b);
  for (guint i = 0; i < n->eids->len; i++)
    {
      g_autofree gchar *p = lisp_prefix_to_string (&g_array_index (n->eids, LispPrefix, i));

      json_builder_add_string_value (b, p);
    }
  json_builder_end_array (b);
  lmn_json_add_int (b, "verified-ago", now - n->since);
  lmn_json_add_int (b, "expires-in", n->since + LMN_NAT_VERIFIED_LIFETIME - now);
  json_builder_end_object (b);
}

JsonNode *
lmn_rtr_to_json (const LmnRtr *rtr, gint64 now)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const GPtrArray *nodes = lmn_nat_bindings_verified (rtr->bindings);
  char buf[LMN_IP_TEXT_MAX];

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "addresses");
  json_builder_begin_array (b);
  for (guint i = 0; i < rtr->addresses->len; i++)
    {
      const LmnEndpoint *e = &g_array_index (rtr->addresses, LmnEndpoint, i);

      json_builder_add_string_value (b, lmn_ip_bytes_to_text (e->family, e->addr, buf));
    }
  json_builder_end_array (b);
  lmn_json_add_int (b, "max-unverified", rtr->max_unverified);
  lmn_json_add_int (b, "unverified", lmn_nat_bindings_unverified (rtr->bindings));
  json_builder_set_member_name (b, "nodes");
  json_builder_begin_array (b);
  for (guint i = 0; i < nodes->len; i++)
    add_node (b, g_ptr_array_index (nodes, i), now);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "counters");
  json_builder_begin_object (b);
  for (guint c = 0; c < LMN_RTR_N_COUNTERS; c++)
    lmn_json_add_int (b, counter_names[c], (gint64) rtr->counters[c]);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
