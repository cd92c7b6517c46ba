#include "lmn-dbus-error.h"

static const GDBusErrorEntry lmn_dbus_error_entries[] = {
  { LMN_DBUS_ERROR_TIMEOUT,         "org.lispmn.MobileNode1.Error.Timeout" },
  { LMN_DBUS_ERROR_NOT_RUNNING,     "org.lispmn.MobileNode1.Error.NotRunning" },
  { LMN_DBUS_ERROR_NO_MAP_RESOLVER, "org.lispmn.MobileNode1.Error.NoMapResolver" },
  { LMN_DBUS_ERROR_NO_UPLINK,       "org.lispmn.MobileNode1.Error.NoUplink" },
};

GQuark
lmn_dbus_error_quark (void)
{
  static gsize quark;

  g_dbus_error_register_error_domain ("lmn-dbus-error-quark", &quark, lmn_dbus_error_entries,
                                      G_N_ELEMENTS (lmn_dbus_error_entries));
  return (GQuark) quark;
}
