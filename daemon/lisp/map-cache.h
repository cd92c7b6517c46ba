/* The map-cache: EID-prefix -> locator set mappings learnt from Map-Replies or configured,
 * looked up by longest-prefix match per (instance ID, address family).
 *
 * Time: every `now` argument is a monotonic clock in microseconds, as returned by
 * g_get_monotonic_time(). The cache never reads a clock itself.
 *
 * Lifetime: a const LispMapEntry * returned by a lookup stays valid until the next call
 * that modifies the cache (insert, remove, expire, flush, free). Reachability changes
 * update the entry in place and keep pointers valid. */
#pragma once

#include <glib.h>
#include "lisp-action.h"
#include "lisp-prefix.h"
#include "map-locator.h"

G_BEGIN_DECLS

/* Where an entry came from. Static entries never expire whatever their TTL. */
typedef enum {
  LISP_MAP_ORIGIN_STATIC = 0,     /* configuration */
  LISP_MAP_ORIGIN_MAP_REPLY = 1,  /* a Map-Reply to our Map-Request (positive or negative) */
  LISP_MAP_ORIGIN_MAP_NOTIFY = 2, /* a publish/subscribe Map-Notify */
} LispMapOrigin;

#define LISP_MAP_ORIGIN_LAST LISP_MAP_ORIGIN_MAP_NOTIFY

#define LISP_MAP_VERSION_MAX 0xfff   /* Map-Version numbers are 12 bits (RFC 9302) */
#define LISP_MAP_LOCATORS_MAX 255    /* a record's Locator Count is one byte */
#define LISP_MAP_NEVER G_MAXINT64    /* expires_at of an entry that never expires */

typedef struct {
  LispPrefix      prefix;
  LispMapLocator *locators;     /* n_locators of them; none for a negative entry */
  gint64          expires_at;   /* monotonic µs; LISP_MAP_NEVER for static entries;
                                 * expires_at - ttl is when it was installed */
  guint32         ttl_minutes;  /* as received */
  guint16         map_version;  /* 0..0xfff, 0 = unversioned */
  guint8          n_locators;
  guint8          action;       /* LispAction */
  guint8          origin;       /* LispMapOrigin */
} LispMapEntry;

typedef struct _LispMapCache LispMapCache;

LispMapCache *lisp_map_cache_new    (void);
void          lisp_map_cache_free   (LispMapCache *cache);

/* Installs a mapping, replacing any entry with the same prefix. The locators are copied.
 * A TTL of 0 (for a non-static origin) means "delete now": any existing entry of the
 * prefix is removed and nothing is installed. FALSE with LISP_ERROR_INVALID when the
 * prefix, action, origin, version, locator count or a locator's family is out of range,
 * with LISP_ERROR_UNSUPPORTED when the cache is at its limit with configured entries
 * alone. */
gboolean      lisp_map_cache_insert (LispMapCache *cache, const LispPrefix *prefix,
                                     const LispMapLocator *locators, guint n_locators,
                                     LispAction action, guint32 ttl_minutes,
                                     LispMapOrigin origin, guint16 map_version, gint64 now,
                                     GError **error);

/* Longest-prefix match among the entries not expired at `now`; NULL on a miss. addr
 * holds 4 (IPv4) or 16 (IPv6) bytes. The entry found counts as used (for eviction).
 * A lookup writes (the memo of recent destinations, the entry's use): two threads must not
 * look up in one cache at the same time without a lock. */
const LispMapEntry *lisp_map_cache_lookup       (LispMapCache *cache, guint32 iid, guint8 family,
                                                 const guint8 *addr, gint64 now);
/* The entry of exactly this prefix, unless expired at `now`. */
const LispMapEntry *lisp_map_cache_lookup_exact (LispMapCache *cache, const LispPrefix *prefix,
                                                 gint64 now);

/* Removes the entry of exactly this prefix (expired or not); FALSE if there was none. */
gboolean      lisp_map_cache_remove (LispMapCache *cache, const LispPrefix *prefix);
/* Removes every entry expired at `now` and returns how many. */
guint         lisp_map_cache_expire (LispMapCache *cache, gint64 now);
/* Removes everything. */
void          lisp_map_cache_flush  (LispMapCache *cache);
/* Number of entries held, including expired ones not yet removed by _expire(). */
guint         lisp_map_cache_size   (LispMapCache *cache);

/* The most entries the cache holds (0, the default of a new cache: no limit). When a new
 * prefix comes into a full cache, the least recently used entries make room first
 * (expired ones, then negative ones, then the rest; configured entries never), a 64th of
 * the limit at a time. Inserting and looking up an entry (lisp_map_cache_lookup, the data
 * plane's) count as using it. Lowering the limit below the size evicts at once. */
void lisp_map_cache_set_limit (LispMapCache *cache, guint limit, gint64 now);
guint lisp_map_cache_get_limit (LispMapCache *cache);
/* How many entries were evicted to make room since the cache was made. */
guint64 lisp_map_cache_evictions (LispMapCache *cache);

/* Sets the reachable flag of every locator with this address in the entry of exactly
 * this prefix. Returns the number of locators found (0: no such entry or locator). */
guint         lisp_map_cache_set_reachable (LispMapCache *cache, const LispPrefix *prefix,
                                            guint8 family, const guint8 *addr,
                                            gboolean reachable);

/* Calls func on every entry, expired ones included (callers can compare expires_at).
 * func must not modify the cache. Entries of one (iid, family) come in address order,
 * shorter prefixes before the longer ones they contain. */
typedef void (*LispMapCacheFunc) (const LispMapEntry *entry, gpointer user_data);
void          lisp_map_cache_foreach (LispMapCache *cache, LispMapCacheFunc func,
                                      gpointer user_data);

/* Verifies the trie's structure (for tests and debugging); FALSE with an error naming
 * the first broken invariant. O(size). */
gboolean      lisp_map_cache_check (LispMapCache *cache, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LispMapCache, lisp_map_cache_free)

G_END_DECLS
