#include "lmn-dbus-error.h"

#include "lmn-dbus-names.h"

static const GDBusErrorEntry lmn_dbus_error_entries[] = {
  { LMN_DBUS_ERROR_TIMEOUT,         LMN_DBUS_INTERFACE ".Error.Timeout" },
  { LMN_DBUS_ERROR_NOT_RUNNING,     LMN_DBUS_INTERFACE ".Error.NotRunning" },
  { LMN_DBUS_ERROR_NO_MAP_RESOLVER, LMN_DBUS_INTERFACE ".Error.NoMapResolver" },
  { LMN_DBUS_ERROR_NO_UPLINK,       LMN_DBUS_INTERFACE ".Error.NoUplink" },
};

GQuark
lmn_dbus_error_quark (void)
{
  static gsize quark;

  g_dbus_error_register_error_domain ("lmn-dbus-error-quark", &quark, lmn_dbus_error_entries,
                                      G_N_ELEMENTS (lmn_dbus_error_entries));
  return (GQuark) quark;
}
