#!/usr/bin/python3
"""D-Bus Configure, as the NetworkManager plugin uses it, against the real lispmnd and a real
lispmn-server (map-server and map-resolver in R): bad settings of every kind are refused
naming the key and change nothing; an unauthorised call changes nothing; an authorised one
restarts the node with the new EIDs and map-server, keeping the uplinks SetRlocs gave, and
the node registers; Stop and the daemon's exit withdraw the registration at once (record
TTL 0). The key never shows in a property, the state file or the log.

polkit is python-dbusmock's polkitd template (the real polkitd needs logind and a system
bus of its own); everything else is real."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402
from fixtures import BUS_NAME, IFACE, MN_KEY, MS, PATH, SERVER, SERVER_CONF, X_CONF, read_json  # noqa: E402

from gi.repository import Gio, GLib  # noqa: E402

# Before Configure: a placeholder EID the server knows nothing of, no map-server, the
# uplinks of the file (SetRlocs replaces them, as the plugin's feeder does).
PLACEHOLDER_CONF = """[lispmnd]
mode=mobile-node
eids=192.0.2.99/32
manage-addresses=true

[uplink up1]

[uplink up2]
"""

V = GLib.Variant


def good_settings(**override):
    settings = {
        "eids": V("as", [f"{lt.EID4}/32", f"{lt.EID6}/128"]),
        "map-servers": V("aa{sv}", [{"address": V("s", MS), "key": V("s", MN_KEY)}]),
        "map-resolvers": V("as", [MS]),
    }
    settings.update(override)
    return {k: v for k, v in settings.items() if v is not None}


class Configure(fixtures.TestCase):
    PROGRAMS = (fixtures.LISPMND, SERVER)
    BUS = True

    def setUp(self):
        super().setUp()
        self.server = lt.MapServer(self.t, lt.R, SERVER_CONF, self.dir)
        self.mn, self.x = lt.start_daemons(self.t, self.dir, PLACEHOLDER_CONF, X_CONF, mn_env=self.env)
        wait_for(lambda: self.name_has_owner(BUS_NAME), 5, "lispmnd on the bus")
        # X's site registered before any step looks at the server: its registration arriving
        # later would look like a change a refused call made.
        wait_for(lambda: fixtures.map_server_states(self.x) == ["registered"], 10, "X registered")

    def registrations(self):
        return self.server.registrations()

    def call(self, method, args=None):
        try:
            return self.bus.call_sync(BUS_NAME, PATH, IFACE, method, args, None,
                                      Gio.DBusCallFlags.NONE, 10000, None).unpack()
        except GLib.Error as e:
            return e.message

    def configure(self, settings, signature="(a{sv})"):
        return self.call("Configure", V(signature, (settings,)))

    def observable(self):
        """Everything a refused call must leave as it was."""
        return (self.get("Eids"), self.get("MapServers"), self.get("MapResolvers"),
                self.get("ProxyEtrs"), sorted((r["interface"], r["address"]) for r in self.get("Rlocs")),
                self.t.has_link(lt.MN, "lispmn0"), self.registrations())

    def test_bad_settings_change_nothing(self):
        self.start_polkit()
        self.allow(["org.lispmn.MobileNode1.configure"])
        before = self.observable()
        self.assertEqual(before[0], ["192.0.2.99/32"])
        ms = lambda **kw: V("aa{sv}", [{"address": V("s", MS), "key": V("s", MN_KEY), **kw}])
        cases = [
            # unknown keys and wrong types
            ({"eid": V("as", ["192.0.2.10/32"])}, "unknown key 'eid'"),
            (good_settings(colour=V("s", "red")), "unknown key 'colour'"),
            (good_settings(eids=V("s", "192.0.2.10/32")), "eids must be of type 'as', not 's'"),
            (good_settings(mtu=V("i", 1400)), "mtu must be of type 'u', not 'i'"),
            (good_settings(**{"manage-addresses": V("s", "yes")}), "manage-addresses must be of type 'b'"),
            (good_settings(**{"map-servers": V("as", [MS])}), "map-servers must be of type 'aa{sv}'"),
            # missing or empty EIDs, bad prefixes
            (good_settings(eids=None), "eids: missing"),
            (good_settings(eids=V("as", [])), "eids: empty"),
            (good_settings(eids=V("as", ["192.0.2.300/32"])), "'192.0.2.300/32' is not an IPv4 or IPv6 prefix"),
            (good_settings(eids=V("as", ["192.0.2.10/33"])), "the length is 0-32"),
            (good_settings(eids=V("as", ["192.0.2.0/24"])), "is not a host prefix"),
            (good_settings(eids=V("as", ["192.0.2.10/32", "192.0.2.10/32"])), "listed twice"),
            (good_settings(eids=V("as", ["[5]192.0.2.10/32"])), "set by instance-id"),
            (good_settings(routes=V("as", ["192.0.2.1/24"])), "has bits set past the prefix length"),
            # numbers out of range
            (good_settings(mtu=V("u", 100)), "mtu: 100 is not an MTU"),
            (good_settings(mtu=V("u", 1000)), "mtu: 1000 is too small for IPv6 EIDs"),
            (good_settings(**{"instance-id": V("u", 1 << 24)}), "instance-id: 16777216 is not an instance ID"),
            # NAT traversal
            (good_settings(**{"nat-traversal": V("s", "yes")}),
             "nat-traversal: 'yes' is not a NAT traversal mode (auto, on, off)"),
            (good_settings(**{"nat-traversal": V("s", "x" * 5000)}),
             "nat-traversal: 5000 bytes is not a NAT traversal mode"),
            (good_settings(**{"nat-traversal": V("b", True)}), "nat-traversal must be of type 's'"),
            (good_settings(**{"nat-keepalive-interval": V("u", 4)}),
             "nat-keepalive-interval: '4' is not a keepalive interval in seconds (5-3600)"),
            (good_settings(**{"nat-keepalive-interval": V("u", 3601)}),
             "nat-keepalive-interval: '3601' is not a keepalive interval"),
            (good_settings(**{"nat-keepalive-interval": V("q", 20)}),
             "nat-keepalive-interval must be of type 'u'"),
            # map-servers
            (good_settings(**{"map-servers": ms(algorithm=V("s", "md5"))}), "algorithm: 'md5' is not supported"),
            (good_settings(**{"map-servers": ms(key=V("s", ""))}), "key: empty"),
            (good_settings(**{"map-servers": ms(key=V("s", "k" * 600))}), "key: longer than 512 bytes"),
            (good_settings(**{"map-servers": ms(port=V("q", 4342))}), "server 0: unknown key 'port'"),
            (good_settings(**{"map-servers": ms(**{"key-id": V("u", 1)})}), "key-id must be of type 'y'"),
            (good_settings(**{"map-servers": V("aa{sv}", [{"key": V("s", MN_KEY)}])}), "address: missing"),
            (good_settings(**{"map-servers": V("aa{sv}", [{"address": V("s", MS)}])}), "key: missing"),
            (good_settings(**{"map-servers": ms(address=V("s", "224.0.0.1"))}), "is not a unicast address"),
            (good_settings(**{"map-resolvers": V("as", ["map-resolver.example"])}), "is not an IPv4 or IPv6 address"),
            (good_settings(**{"proxy-etrs": V("as", [MS, MS])}), "proxy-etrs: '198.51.100.2' is listed twice"),
            # huge arrays
            (good_settings(eids=V("as", [f"2001:db8::{i:x}/128" for i in range(10000)])),
             "eids: 10000 entries, at most 16"),
            (good_settings(routes=V("as", ["192.0.2.0/24"] * 100000)), "routes: 100000 entries, at most 64"),
            (good_settings(**{"map-servers": V("aa{sv}", [{"address": V("s", MS)}] * 1000)}),
             "map-servers: 1000 entries, at most 8"),
        ]
        for settings, message in cases:
            result = self.configure(settings)
            self.assertIsInstance(result, str, f"accepted: {settings!r:.100}")
            self.assertIn("InvalidArgs", result, f"{settings!r:.100}")
            self.assertIn(message, result, f"{settings!r:.100}")
            self.assertNotIn(MN_KEY, result)
        # Huge values (1 MB): the error names the key and quotes 40 characters and "…", never
        # the whole value back.
        huge, cut = "1" * (1 << 20), "'" + "1" * 40 + "…'"
        for settings, message in [
            (good_settings(eids=V("as", [huge])), f"eids: {cut} is not an IPv4 or IPv6 prefix"),
            (good_settings(routes=V("as", [huge])), f"routes: {cut} is not an IPv4 or IPv6 prefix"),
            (good_settings(**{"map-resolvers": V("as", [huge])}),
             f"map-resolvers: {cut} is not an IPv4 or IPv6 address"),
            (good_settings(**{"map-servers": ms(address=V("s", huge))}),
             f"map-servers: server 0: address: {cut} is not an IPv4 or IPv6 address"),
            (good_settings(**{"map-servers": ms(algorithm=V("s", huge))}),
             f"map-servers: server 0: algorithm: {cut} is not supported"),
            (good_settings(**{"map-servers": ms(key=V("s", huge))}),
             "map-servers: server 0: key: longer than 512 bytes"),
            (good_settings(**{huge: V("s", "x")}), f"unknown key {cut}"),
        ]:
            result = self.configure(settings)
            self.assertIsInstance(result, str, f"accepted: {settings!r:.100}")
            self.assertIn("InvalidArgs", result)
            self.assertIn(message, result)
            self.assertLess(len(result), 400, f"{result:.500}")
        self.assertIn("InvalidArgs", self.configure(["x"], "(as)"))   # the wrong signature
        self.assertEqual(self.observable(), before, "a refused Configure changed the daemon")
        self.assertTrue(self.mn.proc.running())

    def test_unauthorised_changes_nothing(self):
        # No polkit at all, then polkit saying no (and yes to the other action only).
        before = self.observable()
        self.assertIn("cannot ask polkit", self.configure(good_settings()))
        self.start_polkit()
        self.allow(["org.lispmn.MobileNode1.control"])
        result = self.configure(good_settings())
        self.assertIn("AccessDenied", result)
        self.assertIn("org.lispmn.MobileNode1.configure", result)
        self.assertEqual(self.observable(), before)

    def test_configure_registers_and_stop_withdraws(self):
        self.start_polkit()
        self.allow(["org.lispmn.MobileNode1.configure", "org.lispmn.MobileNode1.control"])
        # The plugin's feeder may speak first: its uplinks outlive the restart.
        self.assertEqual(self.call("SetRlocs", V("(aa{sv})", ([{"interface": V("s", "up2"),
                                                                "priority": V("y", 2)}],))), ())
        result = self.configure(good_settings(**{"manage-addresses": V("b", True)}))
        self.assertIsInstance(result, tuple, result)
        tun, mtu = result
        self.assertEqual(tun, "lispmn0")
        self.assertEqual(mtu, 1500 - 56)
        self.assertEqual(self.get("Eids"), [f"{lt.EID4}/32", f"{lt.EID6}/128"])
        self.assertEqual(self.get("MapResolvers"), [MS])
        self.assertEqual({(r["interface"], r["priority"]) for r in self.get("Rlocs")}, {("up2", 2)})
        up2 = sorted(lt.MN_UPLINKS["up2"][f][0] for f in (4, 6))
        wait_for(lambda: self.registrations().get(f"{lt.EID4}/32") == up2, 5,
                 "MN registered with the configured map-server")
        wait_for(lambda: self.get("State") == "registered", 10, "State registered")
        self.assertNotIn("192.0.2.99/32", self.registrations())
        # the new EIDs are served: X resolves MN through the map-resolver, traffic flows
        self.assertTrue(lt.ping_ok(self.t, lt.MN, lt.C4, lt.EID4), "MN -> C with the configured EID")

        # Stop withdraws the EIDs at once (not after the server's 3-minute timeout).
        self.assertEqual(self.call("Stop"), ())
        wait_for(lambda: f"{lt.EID4}/32" not in self.registrations(), 10, "the withdrawal on Stop")
        self.assertFalse(self.t.has_link(lt.MN, "lispmn0"))
        server = read_json(self.server.state_file)
        self.assertGreaterEqual(server["counters"]["registrations-withdrawn"], 2, server["counters"])

        # Configure starts a stopped node; a key absent from the call has the file's value,
        # not the previous call's; the daemon's exit withdraws too.
        self.assertIsInstance(self.configure(good_settings(**{"proxy-etrs": V("as", ["198.51.100.18"])})), tuple)
        self.assertEqual(self.get("ProxyEtrs"), ["198.51.100.18"])
        self.assertIsInstance(self.configure(good_settings()), tuple)
        self.assertEqual(self.get("ProxyEtrs"), [])
        wait_for(lambda: f"{lt.EID4}/32" in self.registrations(), 5, "registered again")
        self.assertEqual(self.mn.stop(), 0)
        wait_for(lambda: f"{lt.EID4}/32" not in self.registrations(), 10, "the withdrawal on exit")

        # The key went nowhere it could be read.
        with open(os.path.join(self.dir, f"{lt.MN}-lispmnd.log")) as f:
            log = f.read()
        self.assertIn("new configuration from", log)
        self.assertNotIn(MN_KEY, log)
        with open(self.mn.state_file) as f:
            self.assertNotIn(MN_KEY, f.read())


class ConfigureWithoutEids(fixtures.TestCase):
    """A lispmnd.conf with local settings but no eids= (what a NetworkManager user may keep):
    lispmnd starts stopped, says it waits for Configure, and Configure completes it with the
    file's uplinks."""
    PROGRAMS = (fixtures.LISPMND, SERVER)
    BUS = True

    def test_file_without_eids_waits_for_configure(self):
        server = lt.MapServer(self.t, lt.R, SERVER_CONF, self.dir)
        conf = "[lispmnd]\nmanage-addresses=true\n\n[uplink up1]\n\n[uplink up2]\n"
        mn = lt.Daemon(self.t, lt.MN, conf, self.dir, env=self.env)
        wait_for(lambda: self.name_has_owner(BUS_NAME), 5, "lispmnd on the bus")
        self.assertEqual(self.get("Eids"), [])
        self.assertFalse(self.t.has_link(lt.MN, "lispmn0"), "no node runs before Configure")
        with open(os.path.join(self.dir, f"{lt.MN}-lispmnd.log")) as f:
            self.assertIn("has no eids=: the mobile node waits", f.read())
        self.start_polkit()
        self.allow(["org.lispmn.MobileNode1.configure", "org.lispmn.MobileNode1.control"])
        result = self.bus.call_sync(BUS_NAME, PATH, IFACE, "Configure", V("(a{sv})", (good_settings(),)),
                                    None, Gio.DBusCallFlags.NONE, 10000, None).unpack()
        self.assertEqual(result[0], "lispmn0")
        self.assertEqual(sorted({r["interface"] for r in self.get("Rlocs")}), ["up1", "up2"])
        wait_for(lambda: f"{lt.EID4}/32" in server.registrations(), 10, "registered after Configure")
        self.assertEqual(mn.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
