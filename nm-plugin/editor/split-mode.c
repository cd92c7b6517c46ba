/* Split mode on a profile (see split-mode.h). */
#include "split-mode.h"

static NMSettingIPConfig *
ip_setting (NMConnection *connection, gboolean ipv6)
{
  NMSettingIPConfig *ip = ipv6 ? nm_connection_get_setting_ip6_config (connection)
                               : nm_connection_get_setting_ip4_config (connection);

  if (ip != NULL)
    return ip;
  ip = NM_SETTING_IP_CONFIG (ipv6 ? nm_setting_ip6_config_new () : nm_setting_ip4_config_new ());
  g_object_set (ip, NM_SETTING_IP_CONFIG_METHOD,
                ipv6 ? NM_SETTING_IP6_CONFIG_METHOD_AUTO : NM_SETTING_IP4_CONFIG_METHOD_AUTO, NULL);
  nm_connection_add_setting (connection, NM_SETTING (ip));
  return ip;
}

void
lmn_connection_set_split (NMConnection *connection, gboolean split)
{
  g_object_set (ip_setting (connection, FALSE), NM_SETTING_IP_CONFIG_NEVER_DEFAULT, split, NULL);
  g_object_set (ip_setting (connection, TRUE), NM_SETTING_IP_CONFIG_NEVER_DEFAULT, split, NULL);
}

gboolean
lmn_connection_get_split (NMConnection *connection)
{
  NMSettingIPConfig *ip4 = nm_connection_get_setting_ip4_config (connection);

  return ip4 != NULL && nm_setting_ip_config_get_never_default (ip4);
}
