/* The arguments of lispmnd's D-Bus methods (see data/org.lispmn.MobileNode1.xml), checked
 * and read in one place: Configure's settings (a{sv}) laid over a configuration, every key as
 * strictly as the file's (lispmnd-config.c); SetRlocs' uplinks; Lookup's EID. A problem is
 * refused with G_DBUS_ERROR_INVALID_ARGS naming the argument and the reason, never quoting a
 * key (secret). Methods without arguments (Start, Stop, FlushMapCache, GetMapCache) have
 * nothing here. */
#pragma once

#include <gio/gio.h>
#include "lisp-auth.h"
#include "lispmnd-config.h"

G_BEGIN_DECLS

/* Bounds on lists: far above any real use, low enough that a hostile caller cannot make
 * the daemon build huge Map-Registers or hold megabytes. */
#define LMN_SETTINGS_MAX_EIDS        16
#define LMN_SETTINGS_MAX_SERVERS      8
#define LMN_SETTINGS_MAX_ADDRESSES    8
#define LMN_SETTINGS_MAX_ROUTES      64
#define LMN_SETTINGS_MAX_KEY_LENGTH   LISP_AUTH_MAX_KEY_LENGTH /* lisp-auth.h */
#define LMN_ARGS_MAX_UPLINKS         32
#define LMN_ARGS_MAX_CONNECTION     255   /* bytes of a connection name */
#define LMN_ARGS_MAX_EID_TEXT        64   /* longer than any address: quoted no further */

/* Configure: a new configuration, base with settings (a{sv}) laid over it; NULL with an
 * error. */
LmnConfig *lmn_args_configure (const LmnConfig *base, GVariant *settings, GError **error);
/* SetRlocs: the uplinks (LmnUplinkConfig*) of list (aa{sv}); NULL with an error. */
GPtrArray *lmn_args_set_rlocs (GVariant *list, GError **error);
/* Lookup: the address eid names; FALSE with an error. */
gboolean   lmn_args_lookup    (const char *eid, LmnIp *out, GError **error);

G_END_DECLS
