#!/usr/bin/python3
"""A small org.kde.StatusNotifierWatcher for the applet's tests, on the session bus it is
given (DBUS_SESSION_BUS_ADDRESS).

This stands in for the desktop's tray (GNOME Shell's AppIndicator extension, KDE Plasma's
system tray), which cannot run here. It does what they do for an item: accepts
RegisterStatusNotifierItem, lists the item in RegisteredStatusNotifierItems and forgets it
when its owner leaves the bus. It prints one line per event ("registered SERVICE PATH",
"unregistered ...") so that a log shows what happened. The test reads the item itself
(properties, dbusmenu) directly from the applet."""
import sys

from gi.repository import Gio, GLib

XML = """
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg name="service" type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg name="service" type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
  </interface>
</node>
"""
NAME, PATH, IFACE = "org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"

items = {}      # "sender/path" -> unique name of its owner


def emit(bus, signal, value):
    bus.emit_signal(None, PATH, IFACE, signal, GLib.Variant("(s)", (value,)))
    bus.emit_signal(None, PATH, "org.freedesktop.DBus.Properties", "PropertiesChanged",
                    GLib.Variant("(sa{sv}as)", (IFACE, {"RegisteredStatusNotifierItems":
                                                        GLib.Variant("as", sorted(items))}, [])))


def on_owner_changed(bus, sender, path, iface, signal, params):
    name, old, new = params.unpack()
    if new:
        return
    for key in [k for k, owner in items.items() if owner == name]:
        del items[key]
        print("unregistered", key, flush=True)
        emit(bus, "StatusNotifierItemUnregistered", key)


def on_call(bus, sender, path, iface, method, params, invocation):
    if method == "RegisterStatusNotifierItem":
        service = params.unpack()[0]
        # An item names either its object path (its bus name is the caller) or its bus name.
        key = f"{sender}{service}" if service.startswith("/") else f"{service}/StatusNotifierItem"
        items[key] = sender
        print("registered", key, flush=True)
        invocation.return_value(None)
        emit(bus, "StatusNotifierItemRegistered", key)
    elif method == "RegisterStatusNotifierHost":
        invocation.return_value(None)
    else:
        invocation.return_dbus_error("org.freedesktop.DBus.Error.UnknownMethod", method)


def on_get(bus, sender, path, iface, prop):
    return {"RegisteredStatusNotifierItems": GLib.Variant("as", sorted(items)),
            "IsStatusNotifierHostRegistered": GLib.Variant("b", True),
            "ProtocolVersion": GLib.Variant("i", 0)}[prop]


def main():
    loop = GLib.MainLoop()
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    node = Gio.DBusNodeInfo.new_for_xml(XML)
    bus.register_object(PATH, node.interfaces[0], on_call, on_get, None)
    bus.signal_subscribe("org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
                         "/org/freedesktop/DBus", None, Gio.DBusSignalFlags.NONE, on_owner_changed)
    Gio.bus_own_name_on_connection(bus, NAME, Gio.BusNameOwnerFlags.NONE,
                                   lambda *a: print("watcher ready", flush=True),
                                   lambda *a: (print("cannot own the watcher's name", flush=True), loop.quit()))
    loop.run()
    return 1


if __name__ == "__main__":
    sys.exit(main())
