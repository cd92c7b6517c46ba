/* lispmnd on the system bus: org.lispmn.MobileNode1 at /org/lispmn/MobileNode1, as defined
 * in data/org.lispmn.MobileNode1.xml. Properties follow the node (PropertiesChanged on every
 * change; the counters at most once a second), and a Handover signal tells which RLOCs came
 * and went. Without a system bus the daemon runs on, saying so once. */
#pragma once

#include <glib.h>
#include "supervisor.h"

G_BEGIN_DECLS

typedef struct _LmnDbusService LmnDbusService;

LmnDbusService *lmn_dbus_service_new  (LmnSupervisor *sup);
void            lmn_dbus_service_free (LmnDbusService *service);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LmnDbusService, lmn_dbus_service_free)

G_END_DECLS
