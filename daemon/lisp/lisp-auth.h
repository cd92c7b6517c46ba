/* Authentication of Map-Register, Map-Notify, Map-Notify-Ack and Info messages
 * (RFC 9301 §5.6, §12): an HMAC over the whole message with its Authentication Data field
 * zeroed, keyed with the raw bytes of the configured password.
 *
 * Deployed map-servers (OOR, lispers.net, Cisco) send full-length MACs (20 bytes for SHA-1,
 * 32 for SHA-256), so that is what we send; on receipt the full or the truncated length
 * (12 / 16 bytes, as the algorithms' names say) is accepted, compared in constant time. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  LISP_AUTH_NONE = 0,
  LISP_AUTH_HMAC_SHA1_96 = 1,
  LISP_AUTH_HMAC_SHA256_128 = 2,
} LispAuthAlg;

/* The longest key (password) accepted anywhere: D-Bus, lispmnd.conf, lispmn-server.conf and
 * NetworkManager's vpn.data. Far above any real password, low enough that no caller makes the
 * daemons hash or hold megabytes of key. */
#define LISP_AUTH_MAX_KEY_LENGTH 512

const char *lisp_auth_alg_name   (guint alg);
/* The names configuration files and settings give the algorithms: "hmac-sha-1" and
 * "hmac-sha-256". lisp_auth_alg_from_setting is FALSE for any other name;
 * lisp_auth_alg_setting is NULL for LISP_AUTH_NONE and unknown algorithms. */
gboolean    lisp_auth_alg_from_setting (const char *name, LispAuthAlg *out);
const char *lisp_auth_alg_setting      (guint alg);
/* The length we send: the full digest; 0 for LISP_AUTH_NONE and unknown algorithms. */
gsize       lisp_auth_send_length (guint alg);
/* Whether len is an Authentication Data Length we accept for alg. */
gboolean    lisp_auth_length_ok  (guint alg, gsize len);

/* Zeroes the auth_len bytes at auth_offset in msg, then writes the MAC there. */
gboolean    lisp_auth_sign       (guint alg, const guint8 *key, gsize key_len, guint8 *msg,
                                  gsize len, gsize auth_offset, gsize auth_len, GError **error);
/* Checks the MAC at auth_offset (auth_len bytes) against key. A message without
 * authentication (LISP_AUTH_NONE) never verifies. */
gboolean    lisp_auth_verify     (guint alg, const guint8 *key, gsize key_len, const guint8 *msg,
                                  gsize len, gsize auth_offset, gsize auth_len, GError **error);

/* Nonces from GnuTLS's CSPRNG (RFC 4086 asks for unpredictable nonces). */
guint64     lisp_nonce64         (void);
guint32     lisp_nonce24         (void);

G_END_DECLS
