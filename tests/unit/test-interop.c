/* lispmn-server against the Map-Registers the deployed LISP implementations send, byte for
 * byte from ../shared/vectors/foreign/, and against lispmnd's own: which refreshes the nonce
 * check lets through (increasing-nonces=, map-register.c).
 *
 *   lispers.net repeats one nonce in every Map-Register, with an xTR-ID (a deviation from
 *   nothing: RFC 9301 §5.6 gives the nonce no anti-replay role, but a strict check refuses
 *   every refresh and its registration expires after 180 s);
 *   OOR draws a new nonce for each Map-Register and sends no xTR-ID;
 *   lispmnd's nonces count up (a clock in microseconds), so a replay of its older
 *   Map-Registers, e.g. from before a move, must still be refused. */
#include "frame-check.h"
#include "lisp-auth.h"
#include "map-server.h"
#include "registration.h"

#include <string.h>

#define OOR_KEY "oorA-lab-key"
#define LN_KEY  "lnetF-secret-key"
#define MN_KEY  "mn-secret"
#define T0      1000
#define REFRESH 60 /* lispmnd's and lispers.net's refresh interval, seconds */

static const char *foreign_dir;

static const LmnEndpoint LN_ETR = { LISP_FAMILY_IPV4, { 198, 51, 100, 30 }, 4342 };
static const LmnEndpoint OOR_MN1 = { LISP_FAMILY_IPV4, { 198, 51, 100, 2 }, 4342 };
static const LmnEndpoint LISPMND = { LISP_FAMILY_IPV4, { 203, 0, 113, 9 }, 4342 };

static LmnSite *
site_new (const char *name, const char *const *prefixes, guint8 alg, const char *secret,
          LmnNonceCheck check)
{
  LmnSite *site = lmn_site_new (name);

  for (guint i = 0; prefixes[i] != NULL; i++)
    {
      LispPrefix p;

      g_assert_true (lisp_prefix_parse (prefixes[i], &p, NULL));
      g_array_append_val (site->prefixes, p);
    }
  lmn_site_add_key (site, 0, alg, secret);
  site->increasing_nonces = check;
  return site;
}

/* The sites of the two labs' xTRs and one of lispmnd, all with the same nonce check. */
static LmnMapServer *
server_new (LmnNonceCheck check)
{
  static const char *const ln[] = { "203.0.113.6/32", "2001:db8:e1d::6/128", NULL };
  static const char *const oor[] = { "192.0.2.1/32", "2001:db8:e1d::1/128", NULL };
  static const char *const mn[] = { "192.0.2.10/32", NULL };
  GPtrArray *sites = g_ptr_array_new ();

  g_ptr_array_add (sites, site_new ("lispersnet", ln, LISP_AUTH_HMAC_SHA256_128, LN_KEY, check));
  g_ptr_array_add (sites, site_new ("oor", oor, LISP_AUTH_HMAC_SHA1_96, OOR_KEY, check));
  g_ptr_array_add (sites, site_new ("mn", mn, LISP_AUTH_HMAC_SHA256_128, MN_KEY, check));
  return lmn_map_server_new (sites);
}

static const VFrame *
frame (const char *file, guint number)
{
  static GHashTable *captures;
  GPtrArray *frames;

  if (captures == NULL)
    captures = g_hash_table_new (g_str_hash, g_str_equal);
  frames = g_hash_table_lookup (captures, file);
  if (frames == NULL)
    {
      frames = vframes_load (foreign_dir, file);
      g_hash_table_insert (captures, (gpointer) file, frames);
    }
  g_assert_cmpuint (number, <=, frames->len);
  return g_ptr_array_index (frames, number - 1);
}

static gboolean
feed (LmnMapServer *ms, const guint8 *data, gsize len, const LmnEndpoint *from, gint64 now)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) lmn_datagram_free);

  return lmn_map_server_handle (ms, data, len, from, now, out);
}

static const LmnSiteRegistration *
registration_of (LmnMapServer *ms, const char *eid)
{
  const GPtrArray *regs = lmn_map_server_registrations (ms);

  for (guint i = 0; i < regs->len; i++)
    {
      const LmnSiteRegistration *reg = g_ptr_array_index (regs, i);
      g_autofree gchar *text = lisp_prefix_to_string (&reg->prefix);

      if (g_str_equal (text, eid))
        return reg;
    }
  return NULL;
}

/* Refreshes every REFRESH s for 10 minutes, with the registration's lifetime (180 s) run
 * out in between: alive at the end only if every refresh was accepted. */
static void
check_kept_alive (LmnMapServer *ms, const VFrame *const *frames, guint n_frames,
                  const LmnEndpoint *from, const char *eid)
{
  const LmnSiteRegistration *reg;
  gint64 now = T0;

  for (guint i = 0; i <= 10; i++, now += REFRESH)
    {
      const VFrame *f = frames[i % n_frames];

      lmn_map_server_expire (ms, now);
      g_assert_true (feed (ms, f->payload, f->payload_len, from, now));
    }
  now -= REFRESH;
  g_assert_cmpuint (lmn_map_server_expire (ms, now), ==, 0);
  reg = registration_of (ms, eid);
  g_assert_nonnull (reg);
  g_assert_cmpint (reg->first_registered, ==, T0);
  g_assert_cmpint (reg->last_refresh, ==, now);
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_DROP_REPLAYED_REGISTER), ==, 0);
}

/* lispers.net (lisp-etr.py): frame 1 of lispersnet-register.pcap, its nonce
 * 01dfdfdfddccbbaa the same in every refresh, xTR-ID present. Kept alive by default
 * (auto), refused from the second on with increasing-nonces=true. */
static void
test_lispersnet_repeated_nonce (void)
{
  const VFrame *f = frame ("lispersnet-register.pcap", 1);
  g_autoptr(LmnMapServer) ms = server_new (LMN_NONCES_AUTO);
  g_autoptr(LmnMapServer) strict = server_new (LMN_NONCES_ALWAYS);
  g_autoptr(LispMapRegister) m = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (lisp_map_register_decode (f->payload, f->payload_len, &m, &error));
  g_assert_cmphex (m->nonce, ==, G_GUINT64_CONSTANT (0x01dfdfdfddccbbaa));
  g_assert_true (m->has_xtr_id);
  check_kept_alive (ms, &f, 1, &LN_ETR, "203.0.113.6/32");
  g_assert_nonnull (registration_of (ms, "2001:db8:e1d::6/128"));

  g_assert_true (feed (strict, f->payload, f->payload_len, &LN_ETR, T0));
  g_assert_false (feed (strict, f->payload, f->payload_len, &LN_ETR, T0 + REFRESH));
  g_assert_cmpuint (lmn_map_server_counter (strict, LMN_MS_DROP_REPLAYED_REGISTER), ==, 1);
  g_assert_cmpuint (lmn_map_server_expire (strict, T0 + 180), ==, 2);
}

/* OOR: frames 1 and 2 of oor-register.pcap, two nonces drawn at random, no xTR-ID (so no
 * identity whose nonces could be followed): never checked, under every setting. */
static void
test_oor_random_nonces (void)
{
  const VFrame *frames[] = { frame ("oor-register.pcap", 1), frame ("oor-register.pcap", 2) };
  LmnNonceCheck checks[] = { LMN_NONCES_AUTO, LMN_NONCES_ALWAYS };

  for (guint c = 0; c < G_N_ELEMENTS (checks); c++)
    {
      g_autoptr(LmnMapServer) ms = server_new (checks[c]);

      for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
        {
          g_autoptr(LispMapRegister) m = NULL;

          g_assert_true (
            lisp_map_register_decode (frames[i]->payload, frames[i]->payload_len, &m, NULL));
          g_assert_false (m->has_xtr_id);
        }
      check_kept_alive (ms, frames, 2, &OOR_MN1, "192.0.2.1/32");
      g_assert_nonnull (registration_of (ms, "2001:db8:e1d::1/128"));
    }
}

/* lispmnd's Map-Registers, built by its own registration code, nonces from a clock in
 * microseconds as its registrar draws them; at the last, the node moved to new_rloc. */
static GPtrArray *
lispmnd_registers (guint n, const guint8 *new_rloc)
{
  LmnMapServerConfig server = { .key = (gchar *) MN_KEY,
                                .key_id = 0,
                                .algorithm = LISP_AUTH_HMAC_SHA256_128 };
  g_autoptr(LmnRegistration) reg = lmn_registration_new (&server);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  static const guint8 xtr_id[16] = { 0x5e, 0x1f };
  const guint8 eid[4] = { 192, 0, 2, 10 }, old_rloc[4] = { 198, 51, 100, 7 };
  guint64 clock = G_GUINT64_CONSTANT (1795000000000000);

  for (guint i = 0; i < n; i++, clock += REFRESH * G_USEC_PER_SEC)
    {
      g_autoptr(GPtrArray) recs = g_ptr_array_new_with_free_func (
        (GDestroyNotify) lisp_record_free);
      LispRecord *rec = lisp_record_new (lisp_address_new_ipv4 (eid), 32, 10);
      const guint8 *rloc = i + 1 == n ? new_rloc : old_rloc;
      GBytes *b;

      g_ptr_array_add (rec->locators, lisp_locator_new (lisp_address_new_ipv4 (rloc), 1, 100));
      g_ptr_array_add (recs, rec);
      b = lmn_registration_build (reg, recs, xtr_id, clock, (gint64) i, NULL);
      g_assert_nonnull (b);
      g_ptr_array_add (out, b);
    }
  return out;
}

static gboolean
feed_bytes (LmnMapServer *ms, GBytes *b, gint64 now)
{
  return feed (ms, g_bytes_get_data (b, NULL), g_bytes_get_size (b), &LISPMND, now);
}

/* lispmnd's nonces count up: from its second Map-Register on, a replay of an older one
 * (here the last before its move) is refused by default, and never with "false". */
static void
test_lispmnd_replay_refused (void)
{
  const guint8 moved[4] = { 203, 0, 113, 9 };
  g_autoptr(GPtrArray) regs = lispmnd_registers (3, moved);
  LmnNonceCheck checks[] = { LMN_NONCES_AUTO, LMN_NONCES_ALWAYS, LMN_NONCES_NEVER };

  for (guint c = 0; c < G_N_ELEMENTS (checks); c++)
    {
      g_autoptr(LmnMapServer) ms = server_new (checks[c]);
      const LmnSiteRegistration *reg;
      gboolean refused = checks[c] != LMN_NONCES_NEVER;

      for (guint i = 0; i < regs->len; i++)
        g_assert_true (feed_bytes (ms, regs->pdata[i], T0 + i * REFRESH));
      /* The Map-Register from before the move, and the one after it, again. */
      g_assert_cmpint (feed_bytes (ms, regs->pdata[1], T0 + 150), ==, !refused);
      g_assert_cmpint (feed_bytes (ms, regs->pdata[2], T0 + 151), ==, !refused);
      g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_DROP_REPLAYED_REGISTER), ==,
                        refused ? 2 : 0);
      reg = registration_of (ms, "192.0.2.10/32");
      g_assert_nonnull (reg);
      if (refused)
        g_assert_cmpmem (((LispLocator *) reg->record->locators->pdata[0])->address->bytes, 4,
                         moved, 4);
    }
}

/* An xTR-ID whose nonces are random (no deployed xTR seen doing so, but nothing forbids
 * it): random steps are never taken for counting, so auto checks none of them. */
static void
test_random_nonces_with_xtr_id (void)
{
  g_autoptr(LmnMapServer) ms = server_new (LMN_NONCES_AUTO);
  g_autoptr(GRand) rand = g_rand_new_with_seed (9301);
  LmnMapServerConfig server = { .key = (gchar *) MN_KEY, .algorithm = LISP_AUTH_HMAC_SHA256_128 };
  g_autoptr(LmnRegistration) reg = lmn_registration_new (&server);
  static const guint8 xtr_id[16] = { 0xa5 };
  const guint8 eid[4] = { 192, 0, 2, 10 }, rloc[4] = { 198, 51, 100, 7 };

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GPtrArray) recs = g_ptr_array_new_with_free_func (
        (GDestroyNotify) lisp_record_free);
      LispRecord *rec = lisp_record_new (lisp_address_new_ipv4 (eid), 32, 10);
      guint64 nonce = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
      g_autoptr(GBytes) b = NULL;

      g_ptr_array_add (rec->locators, lisp_locator_new (lisp_address_new_ipv4 (rloc), 1, 100));
      g_ptr_array_add (recs, rec);
      b = lmn_registration_build (reg, recs, xtr_id, nonce, (gint64) i, NULL);
      g_assert_true (feed_bytes (ms, b, T0 + i));
    }
  g_assert_cmpuint (lmn_map_server_counter (ms, LMN_MS_DROP_REPLAYED_REGISTER), ==, 0);
}

int
main (int argc, char **argv)
{
  g_autofree gchar *dir = NULL;

  g_test_init (&argc, &argv, NULL);
  dir = g_build_filename (vectors_dir (), "foreign", NULL);
  foreign_dir = dir;
  g_test_add_func ("/interop/nonces/lispersnet-repeated", test_lispersnet_repeated_nonce);
  g_test_add_func ("/interop/nonces/oor-random-no-xtr-id", test_oor_random_nonces);
  g_test_add_func ("/interop/nonces/lispmnd-replay-refused", test_lispmnd_replay_refused);
  g_test_add_func ("/interop/nonces/random-with-xtr-id", test_random_nonces_with_xtr_id);
  return g_test_run ();
}
