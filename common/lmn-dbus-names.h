/* Where lispmnd is found on the system bus, and the polkit actions that guard its methods:
 * one definition for the daemon and its three clients (lispmnctl, the applet, the
 * NetworkManager plugin). The interface itself is data/org.lispmn.MobileNode1.xml; the
 * policy data/org.lispmn.MobileNode1.policy declares the actions named here. */
#pragma once

#define LMN_DBUS_BUS_NAME    "org.lispmn.MobileNode1"
#define LMN_DBUS_OBJECT_PATH "/org/lispmn/MobileNode1"
#define LMN_DBUS_INTERFACE   "org.lispmn.MobileNode1"

/* Configure and SetRlocs change what the node is; Start, Stop and FlushMapCache only steer it. */
#define LMN_ACTION_CONFIGURE LMN_DBUS_INTERFACE ".configure"
#define LMN_ACTION_CONTROL   LMN_DBUS_INTERFACE ".control"
