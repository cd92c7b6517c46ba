#!/usr/bin/python3
"""Bad input over D-Bus, for every method and for the properties of org.lispmn.MobileNode1:
wrong argument types and counts, bad interface names, out-of-range and mistyped priorities
and weights, unknown keys, huge arrays and strings, writes to read-only properties, unknown
names. Each call gets a D-Bus error naming the problem, and the daemon's state (every
property but the counters, the map-cache, the RLOCs in the state file, the TUN) is the same
after as before. The caller is authorised for everything (python-dbusmock's polkitd
template: the real polkitd needs a system bus and logind of its own), so that a refusal is
about the input, not about the caller. Lookup's own bad input is in test_lig.py; Configure's
is tested with Configure.

A real dbus-daemon and the real lispmnd in the network-namespace topology."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lisp_topology as lt  # noqa: E402
from fixtures import BUS_NAME, IFACE, PATH, BusTest  # noqa: E402

from gi.repository import Gio, GLib  # noqa: E402

INVALID_ARGS = "org.freedesktop.DBus.Error.InvalidArgs"
ACTIONS = ["org.lispmn.MobileNode1.configure", "org.lispmn.MobileNode1.control"]


def s(text):
    return GLib.Variant("s", text)


def y(value):
    return GLib.Variant("y", value)


class BadInput(BusTest):
    def setUp(self):
        super().setUp()
        self.start_polkit()
        self.allow(ACTIONS)

    def call(self, method, args=None, iface=IFACE):
        """None when accepted, else (D-Bus error name, message)."""
        try:
            self.bus.call_sync(BUS_NAME, PATH, iface, method, args, None, Gio.DBusCallFlags.NONE,
                               10000, None)
            return None
        except GLib.Error as e:
            return Gio.DBusError.get_remote_error(e), e.message

    def snapshot(self):
        props = self.bus.call_sync(BUS_NAME, PATH, "org.freedesktop.DBus.Properties", "GetAll",
                                   GLib.Variant("(s)", (IFACE,)), None, Gio.DBusCallFlags.NONE,
                                   2000, None).unpack()[0]
        props.pop("Counters")   # they follow traffic, not input
        cache = self.bus.call_sync(BUS_NAME, PATH, IFACE, "GetMapCache", None, None,
                                   Gio.DBusCallFlags.NONE, 2000, None).unpack()[0]
        state = self.mn.state()
        return {"properties": props,
                "map-cache": sorted((e["prefix"], e["origin"], e["action"],
                                     tuple(sorted(l["address"] for l in e["locators"]))) for e in cache),
                "state-file rlocs": sorted((r["interface"], r["address"], r["priority"], r["weight"], r["state"])
                                           for r in state["rlocs"]),
                "tun": self.t.has_link(lt.MN, "lispmn0")}

    def assert_refused(self, cases, name=INVALID_ARGS):
        before = self.snapshot()
        for method, args, problem, *iface in cases:
            result = self.call(method, args, *iface)
            label = f"{method}{str(args)[:80] if args is not None else '()'}"
            self.assertIsNotNone(result, f"{label} was accepted")
            self.assertEqual(result[0], name, f"{label}: {result}")
            self.assertIn(problem, result[1], label)
            self.assertLess(len(result[1]), 400, f"{label}: an error message quoting too much")
        self.assertEqual(self.snapshot(), before, "a refused call changed the daemon's state")
        self.assertTrue(self.mn.proc.running(), "lispmnd died")

    def test_arguments_of_methods_without_any(self):
        wrong = "does not match expected type"
        self.assert_refused([(m, args, wrong) for m in ("GetMapCache", "FlushMapCache", "Start", "Stop")
                             for args in (GLib.Variant("(s)", ("x",)), GLib.Variant("(u)", (1,)),
                                          GLib.Variant("(as)", (["a"] * 10000,)))])

    def test_set_rlocs(self):
        def uplinks(*dicts):
            return GLib.Variant("(aa{sv})", (list(dicts),))
        wrong = "does not match expected type"
        self.assert_refused([
            # the argument itself
            ("SetRlocs", None, wrong),
            ("SetRlocs", GLib.Variant("(a{sv})", ({"interface": s("up1")},)), wrong),
            ("SetRlocs", GLib.Variant("(aa{ss})", ([{"interface": "up1"}],)), wrong),
            ("SetRlocs", GLib.Variant("(aa{sv}s)", ([{"interface": s("up1")}], "extra")), wrong),
            # interface
            ("SetRlocs", uplinks({}), "uplink 0: no interface"),
            ("SetRlocs", uplinks({"interface": GLib.Variant("u", 1)}),
             "uplink 0: interface must be of type 's', not 'u'"),
            ("SetRlocs", uplinks({"interface": s("..")}), "'..' is not an interface name"),
            ("SetRlocs", uplinks({"interface": s("up 1")}), "is not an interface name"),
            ("SetRlocs", uplinks({"interface": s("up1:0")}), "is not an interface name"),
            ("SetRlocs", uplinks({"interface": s("x" * 16)}),
             "uplink 0: a name of 16 bytes is not an interface name (at most 15)"),
            ("SetRlocs", uplinks({"interface": s("up2")}, {"interface": s("x" * 100000)}),
             "uplink 1: a name of 100000 bytes is not an interface name"),
            # priorities and weights: one byte each, nothing else
            ("SetRlocs", uplinks({"interface": s("up1"), "priority": GLib.Variant("q", 256)}),
             "uplink 0: priority must be of type 'y', not 'q'"),
            ("SetRlocs", uplinks({"interface": s("up1"), "priority": GLib.Variant("i", -1)}),
             "priority must be of type 'y', not 'i'"),
            ("SetRlocs", uplinks({"interface": s("up1")}, {"interface": s("up2"), "weight": GLib.Variant("x", 1000)}),
             "uplink 1: weight must be of type 'y', not 'x'"),
            ("SetRlocs", uplinks({"interface": s("up1"), "weight": s("100")}),
             "weight must be of type 'y', not 's'"),
            ("SetRlocs", uplinks({"interface": s("up1"), "priority": GLib.Variant("v", y(1))}),
             "priority must be of type 'y', not 'v'"),
            # keys and sizes
            ("SetRlocs", uplinks({"interface": s("up1"), "Interface": s("up2")}), "unknown key 'Interface'"),
            ("SetRlocs", uplinks({"interface": s("up1"), "address": s("198.51.100.1")}),
             "uplink 0: unknown key 'address' (interface, priority, weight, connection)"),
            ("SetRlocs", uplinks({"interface": s("up2")}, {"interface": s("up2"), "priority": y(2)}),
             "uplink 1: interface up2 is listed twice"),
            ("SetRlocs", uplinks(*[{"interface": s(f"if{i}")} for i in range(33)]), "33 uplinks: at most 32"),
            ("SetRlocs", uplinks(*[{}] * 100000), "100000 uplinks: at most 32"),
        ])

    def test_lookup(self):
        self.assert_refused([
            ("Lookup", None, "does not match expected type"),
            ("Lookup", GLib.Variant("(ss)", ("192.0.2.130", "192.0.2.131")), "does not match expected type"),
            ("Lookup", GLib.Variant("(s)", ("192.0.2.300",)), "'192.0.2.300' is not an IPv4 or IPv6 address"),
            ("Lookup", GLib.Variant("(s)", ("::ffff:192.0.2.1/96",)), "is not an IPv4 or IPv6 address"),
        ])

    def test_properties_and_unknown_names(self):
        props = "org.freedesktop.DBus.Properties"
        self.assert_refused([
            ("Set", GLib.Variant("(ssv)", (IFACE, "State", s("registered"))), "is not writable", props),
            ("Set", GLib.Variant("(ssv)", (IFACE, "Rlocs", GLib.Variant("aa{sv}", []))), "is not writable", props),
            ("Set", GLib.Variant("(ssv)", (IFACE, "Eids", GLib.Variant("as", ["203.0.113.1/32"]))),
             "is not writable", props),
            ("Get", GLib.Variant("(ss)", (IFACE, "Secrets")), "No such property", props),
            ("Get", GLib.Variant("(ss)", ("org.example.Nothing", "State")), "No such interface", props),
            ("GetAll", GLib.Variant("(s)", ("org.example.Nothing",)), "No such interface", props),
        ])
        self.assert_refused([("Frobnicate", None, "No such method")], name="org.freedesktop.DBus.Error.UnknownMethod")


if __name__ == "__main__":
    unittest.main(verbosity=2)
