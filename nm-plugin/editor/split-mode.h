/* Split mode, as a profile holds it: ipv4.never-default and ipv6.never-default together
 * (only the profile's routes go through LISP). Shared by the editor and the profile file's
 * import. */
#pragma once

#include <NetworkManager.h>

void lmn_connection_set_split (NMConnection *connection, gboolean split);
gboolean lmn_connection_get_split (NMConnection *connection);
