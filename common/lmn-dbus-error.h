/* The D-Bus errors of org.lispmn.MobileNode1 that are its own (org.lispmn.MobileNode1.Error.*),
 * as a GError domain registered with GDBus: the daemon returns them with
 * g_dbus_method_invocation_return_gerror(), and a client that called lmn_dbus_error_quark()
 * once gets them back as LMN_DBUS_ERROR codes. Bad arguments use the standard
 * org.freedesktop.DBus.Error.InvalidArgs instead. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LMN_DBUS_ERROR (lmn_dbus_error_quark ())

typedef enum {
  LMN_DBUS_ERROR_TIMEOUT,          /* org.lispmn.MobileNode1.Error.Timeout: no answer in time */
  LMN_DBUS_ERROR_NOT_RUNNING,      /* .NotRunning: the mobile node is stopped */
  LMN_DBUS_ERROR_NO_MAP_RESOLVER,  /* .NoMapResolver: none is configured */
  LMN_DBUS_ERROR_NO_UPLINK,        /* .NoUplink: no usable RLOC to send from */
} LmnDbusError;

GQuark lmn_dbus_error_quark (void);

G_END_DECLS
