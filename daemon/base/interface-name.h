/* What a network interface name may be, by the kernel's own rule (dev_valid_name): 1 to 15
 * bytes, not "." or "..", no '/', ':' or whitespace. Uplinks and TUN devices are named in
 * lispmnd.conf, lispmn-server.conf and over D-Bus; all of them check the name here. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LMN_INTERFACE_NAME_MAX 15

gboolean lmn_interface_name_valid (const char *name);
/* NULL for a valid name, else the reason: "'NAME' is not an interface name (1-15
 * characters, no '/', ':' or whitespace)". */
gchar   *lmn_interface_name_check (const char *name);

G_END_DECLS
