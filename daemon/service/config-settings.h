/* The settings of D-Bus Configure (a{sv}, see data/org.lispmn.MobileNode1.xml) laid over a
 * configuration: every key is checked as strictly as the file's (config.c), and a problem
 * is refused with G_DBUS_ERROR_INVALID_ARGS naming the key and the reason, never quoting a
 * key (secret). */
#pragma once

#include <gio/gio.h>
#include "lispmnd-config.h"

G_BEGIN_DECLS

/* Bounds on lists: far above any real use, low enough that a hostile caller cannot make
 * the daemon build huge Map-Registers or hold megabytes. */
#define LMN_SETTINGS_MAX_EIDS        16
#define LMN_SETTINGS_MAX_SERVERS      8
#define LMN_SETTINGS_MAX_ADDRESSES    8
#define LMN_SETTINGS_MAX_ROUTES      64
#define LMN_SETTINGS_MAX_KEY_LENGTH 512

/* A new configuration: base with settings (a{sv}) laid over it; NULL with an error. */
LmnConfig *lmn_config_with_settings (const LmnConfig *base, GVariant *settings, GError **error);

G_END_DECLS
