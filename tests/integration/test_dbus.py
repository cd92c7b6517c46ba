#!/usr/bin/python3
"""lispmnd's D-Bus API (org.lispmn.MobileNode1) on a private system bus of the test's own:
the properties match the daemon's real state in the namespace topology, the map-cache is
readable, and an RLOC change is announced by PropertiesChanged and the Handover signal.

A real dbus-daemon and the real lispmnd; the client is GDBus from python3-gi."""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
from fixtures import BUS_NAME, IFACE, LISPMNCTL, PATH, BusTest, read, wait_subscribed  # noqa: E402

from gi.repository import Gio, GLib  # noqa: E402


class DbusApi(BusTest):
    def test_properties_match_the_daemon(self):
        state = self.mn.state()
        self.assertEqual(self.get("Eids"), state["eids"])
        rlocs = {(r["interface"], r["address"], r["state"]) for r in self.get("Rlocs")}
        self.assertEqual(rlocs, {(r["interface"], r["address"], r["state"]) for r in state["rlocs"]})
        self.assertEqual(len(rlocs), 4)
        self.assertEqual(self.get("State"), "idle")
        self.assertEqual(self.get("MapServers"), [])
        cache = self.bus.call_sync(BUS_NAME, PATH, IFACE, "GetMapCache", None, None,
                                   Gio.DBusCallFlags.NONE, 2000, None).unpack()[0]
        self.assertEqual(sorted(e["prefix"] for e in cache), sorted(m["prefix"] for m in state["map-cache"]))
        self.assertTrue(all(e["origin"] == "static" and e["ttl-left"] == -1 for e in cache))
        # Counters follow traffic (lispmnd publishes them about every second).
        self.assertTrue(lt.ping_ok(self.t, lt.MN, lt.C4, lt.EID4))
        self.assertTrue(self.spin(10, lambda: self.get("Counters")["tx-packets"] >= 5),
                        f"Counters did not follow: {self.get('Counters')}")
        self.assertIn("drops.no-mapping", self.get("Counters"))

    def test_rloc_change_signalled(self):
        changed, handovers = [], []

        def on_signal(conn, sender, path, iface, name, params):
            if name == "PropertiesChanged" and "Rlocs" in params.unpack()[1]:
                changed.append(params.unpack()[1]["Rlocs"])
            elif name == "Handover":
                handovers.append(params.unpack())
        self.bus.signal_subscribe(None, None, None, PATH, None, Gio.DBusSignalFlags.NONE, on_signal)
        # A round trip to the bus after the AddMatch: the bus has applied it before lispmnd
        # can signal anything.
        self.bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                           "GetId", None, None, Gio.DBusCallFlags.NONE, 2000, None)
        start = time.monotonic()
        self.t.del_addr(lt.MN, "up1", "198.51.100.1/29")
        self.assertTrue(self.spin(10, lambda: handovers and changed), "no Handover / PropertiesChanged")
        took = time.monotonic() - start
        came, went, rereg = handovers[0]
        self.assertEqual((came, went), ([], ["198.51.100.1"]))
        self.assertEqual(rereg, -1.0)
        self.assertIn(("up1", "198.51.100.1", "down"),
                      {(r["interface"], r["address"], r["state"]) for r in changed[-1]})
        self.assertEqual(self.get("State"), "degraded")
        print(f"Handover signal {took * 1000:.0f} ms after the address was removed")


AS_NOBODY = """
import sys
from gi.repository import Gio, GLib
bus = Gio.DBusConnection.new_for_address_sync(sys.argv[1],
    Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
def call(dest, path, iface, method, args):
    try:
        bus.call_sync(dest, path, iface, method, args, None, Gio.DBusCallFlags.NONE, 2000, None)
        return "allowed"
    except GLib.Error as e:
        return "denied" if "AccessDenied" in e.message else "error: " + e.message
N, P = "org.lispmn.MobileNode1", "/org/lispmn/MobileNode1"
print("get", call(N, P, "org.freedesktop.DBus.Properties", "Get", GLib.Variant("(ss)", (N, "Eids"))))
print("getall", call(N, P, "org.freedesktop.DBus.Properties", "GetAll", GLib.Variant("(s)", (N,))))
print("map-cache", call(N, P, N, "GetMapCache", None))
print("set", call(N, P, "org.freedesktop.DBus.Properties", "Set", GLib.Variant("(ssv)", (N, "State", GLib.Variant("s", "x")))))
print("other", call(N, P, N, "Stop", None))
print("own", call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                  "RequestName", GLib.Variant("(su)", (N, 4))))
"""


class BusPolicy(BusTest):
    """The installed bus policy (data/org.lispmn.MobileNode1.conf) on a bus that denies by
    default, as distributions' system buses do: root's lispmnd owns the name; an ordinary
    user may read the properties and the map-cache, and nothing else."""
    STRICT = True

    def test_unprivileged_user(self):
        self.assertEqual(self.get("Eids"), ["192.0.2.10/32", "2001:db8:e1d::10/128"])
        out = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                              lt.PYTHON, "-c", AS_NOBODY, self.bus_daemon.address],
                             capture_output=True, text=True, timeout=20)
        self.assertEqual(out.returncode, 0, out.stderr)
        results = dict(line.split(" ", 1) for line in out.stdout.splitlines())
        self.assertEqual(results, {"get": "allowed", "getall": "allowed", "map-cache": "allowed",
                                   "set": "denied", "other": "denied", "own": "denied"}, out.stdout)


class PolkitTest(BusTest):
    """Methods that change the daemon ask polkit: the polkit stand-in (start_polkit) answers
    here."""

    def flush(self):
        try:
            self.bus.call_sync(BUS_NAME, PATH, IFACE, "FlushMapCache", None, None,
                               Gio.DBusCallFlags.NONE, 5000, None)
            return "ok"
        except GLib.Error as e:
            return e.message

    def static_prefixes(self):
        cache = self.bus.call_sync(BUS_NAME, PATH, IFACE, "GetMapCache", None, None,
                                   Gio.DBusCallFlags.NONE, 2000, None).unpack()[0]
        return sorted(e["prefix"] for e in cache if e["origin"] == "static")


class Polkit(PolkitTest):
    """FlushMapCache asks polkit and does nothing when refused."""

    def test_flush_needs_the_control_action(self):
        before = self.static_prefixes()
        self.assertEqual(len(before), 2)
        # No polkit at all: refused, saying why.
        self.assertIn("cannot ask polkit", self.flush())
        self.start_polkit()
        self.allow([])
        result = self.flush()
        self.assertIn("AccessDenied", result)
        self.assertIn("org.lispmn.MobileNode1.control", result)
        self.allow(["org.lispmn.MobileNode1.configure"])   # the other action is not enough
        self.assertIn("AccessDenied", self.flush())
        env = self.env
        out = subprocess.run([LISPMNCTL, "flush"], env=env, capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 1)
        self.assertIn("not authorized for org.lispmn.MobileNode1.control", out.stderr)
        self.allow(["org.lispmn.MobileNode1.control"])
        self.assertEqual(self.flush(), "ok")
        out = subprocess.run([LISPMNCTL, "flush"], env=env, capture_output=True, text=True, timeout=10)
        self.assertEqual((out.returncode, out.stdout.strip()), (0, "map-cache flushed (static mappings kept)"))
        # Static mappings are configuration: a flush leaves them.
        self.assertEqual(self.static_prefixes(), before)


class SetRlocs(PolkitTest):
    """SetRlocs: bad arguments are refused with an error naming them and change nothing;
    unauthorised calls change nothing; an authorised one replaces the uplinks live."""
    # With static mappings only, X learns nothing of MN's new RLOC set: it lists up2 alone
    # so that the return traffic goes where MN now listens.
    X_MAPPING_OF_MN = {"up2": (1, 100)}

    def call(self, value, signature="(aa{sv})"):
        try:
            self.bus.call_sync(BUS_NAME, PATH, IFACE, "SetRlocs", GLib.Variant(signature, (value,)),
                               None, Gio.DBusCallFlags.NONE, 5000, None)
            return "ok"
        except GLib.Error as e:
            return e.message

    def rlocs(self):
        return sorted((r["interface"], r["address"], r["priority"], r["state"]) for r in self.get("Rlocs"))

    def test_bad_arguments_and_authorisation(self):
        self.start_polkit()
        self.allow(["org.lispmn.MobileNode1.configure"])
        before = self.rlocs()
        u = lambda **kw: {k: (GLib.Variant("s", v) if isinstance(v, str) else v) for k, v in kw.items()}
        cases = [
            ([u(priority=GLib.Variant("y", 1))], "uplink 0: no interface"),
            ([u(interface="")], "'' is not an interface name"),
            ([u(interface="a-name-far-too-long")], "is not an interface name"),
            ([u(interface="up/1")], "is not an interface name"),
            ([u(interface="up1", priority=GLib.Variant("s", "1"))], "priority must be of type 'y', not 's'"),
            ([u(interface="up1", priority=GLib.Variant("u", 300))], "priority must be of type 'y', not 'u'"),
            ([u(interface="up1", colour=GLib.Variant("s", "red"))], "unknown key 'colour'"),
            ([u(interface="up1"), u(interface="up1")], "interface up1 is listed twice"),
            ([u(interface="up1", connection="")], "uplink 0: a connection name of 0 bytes (1 to 255)"),
            ([u(interface="up1", connection="c" * 300)], "a connection name of 300 bytes (1 to 255)"),
            ([u(interface="up1", connection=GLib.Variant("u", 1))], "connection must be of type 's', not 'u'"),
            ([u(interface=f"if{i}") for i in range(1000)], "1000 uplinks: at most 32"),
        ]
        for value, message in cases:
            result = self.call(value)
            self.assertIn("InvalidArgs", result, f"{value!r:.80}")
            self.assertIn(message, result)
        self.assertIn("InvalidArgs", self.call(["up1"], "(as)"))   # wrong signature
        self.assertEqual(self.rlocs(), before, "a refused call changed the RLOCs")

        self.allow([])
        self.assertIn("AccessDenied", self.call([u(interface="up2")]))
        self.assertEqual(self.rlocs(), before)

        self.allow(["org.lispmn.MobileNode1.configure"])
        self.assertEqual(self.call([u(interface="up2", priority=GLib.Variant("y", 3),
                                      connection="Café Wi-Fi")]), "ok")
        self.assertEqual([r[0] for r in self.rlocs()], ["up2", "up2"])
        self.assertEqual({r[2] for r in self.rlocs()}, {3})
        self.assertEqual({r.get("connection") for r in self.get("Rlocs")}, {"Café Wi-Fi"})
        self.assertEqual({r["interface"] for r in self.mn.state()["rlocs"]}, {"up2"})
        # traffic now leaves by up2 alone
        before_tx = self.t.link_stats(lt.MN, "up2")["tx"]["packets"]
        self.assertTrue(lt.ping_ok(self.t, lt.MN, lt.C4, lt.EID4))
        self.assertGreater(self.t.link_stats(lt.MN, "up2")["tx"]["packets"], before_tx)


class StartStop(PolkitTest):
    """Stop tears the node down (TUN, routes) while the daemon stays on the bus; Start
    brings it back; both need the control action."""

    def method(self, name):
        try:
            self.bus.call_sync(BUS_NAME, PATH, IFACE, name, None, None, Gio.DBusCallFlags.NONE, 5000, None)
            return "ok"
        except GLib.Error as e:
            return e.message

    def test_stop_and_start(self):
        self.start_polkit()
        self.allow([])
        self.assertIn("AccessDenied", self.method("Stop"))
        self.assertTrue(self.t.has_link(lt.MN, "lispmn0"))
        self.allow(["org.lispmn.MobileNode1.control"])
        self.assertEqual(self.method("Stop"), "ok")
        self.assertEqual(self.get("State"), "stopped")
        self.assertEqual(self.get("Rlocs"), [])
        self.assertFalse(self.t.has_link(lt.MN, "lispmn0"), "the TUN outlived Stop")
        self.assertIn("stopped", self.method("FlushMapCache"))
        self.assertEqual(self.method("Stop"), "ok")          # stopping twice is fine
        self.assertEqual(self.method("Start"), "ok")
        self.assertEqual(self.get("State"), "idle")
        self.assertTrue(self.t.has_link(lt.MN, "lispmn0"))
        self.assertTrue(lt.ping_ok(self.t, lt.MN, lt.C4, lt.EID4))


class Lispmnctl(BusTest):
    """lispmnctl's output, human and JSON, against the daemon's state; its errors."""

    def ctl(self, *args, bus=None):
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=bus or self.bus_daemon.address)
        return subprocess.run([LISPMNCTL, *args], env=env, capture_output=True, text=True, timeout=10)

    def test_status_and_lists(self):
        import json
        state = self.mn.state()
        out = self.ctl("status")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("192.0.2.10/32, 2001:db8:e1d::10/128", out.stdout)
        for r in state["rlocs"]:
            self.assertRegex(out.stdout, rf"{r['interface']}\s+{r['address']}\s+1\s+50\s+up")
        # A table: every column starts where its heading does, whatever the address lengths
        # (IPv6 RLOCs included); the RLOCs by priority.
        lines = out.stdout.splitlines()
        head = next(i for i, line in enumerate(lines) if "INTERFACE" in line)
        rows = lines[head + 1:head + 1 + len(state["rlocs"])]
        for heading in ("ADDRESS", "PRIORITY", "WEIGHT", "STATE"):
            column = lines[head].index(heading)
            for row in rows:
                self.assertNotEqual(row[column - 1:column], "", f"{row!r} shorter than {heading}")
                self.assertEqual(row[column - 2:column], "  ", f"{heading} not aligned in {row!r}")
                self.assertNotEqual(row[column], " ", f"{heading} not aligned in {row!r}")
        priorities = [int(row.split()[2]) for row in rows]
        self.assertEqual(priorities, sorted(priorities))
        # Bare lispmnctl is status; --json alone is status --json.
        self.assertEqual(self.ctl().stdout.splitlines()[:2], out.stdout.splitlines()[:2])
        js = json.loads(self.ctl("--json").stdout)
        # Keys spelt one way: lower case with dashes, as in the state file.
        self.assertEqual(set(js), {"state", "eids", "rlocs", "map-servers", "map-resolvers",
                                   "proxy-etrs", "counters"})
        js = json.loads(self.ctl("--json", "status").stdout)
        self.assertEqual(js["eids"], state["eids"])
        self.assertEqual(js["state"], "idle")
        self.assertEqual({r["address"] for r in js["rlocs"]}, {r["address"] for r in state["rlocs"]})
        self.assertIn("drops.malformed-outer", js["counters"])
        rlocs = json.loads(self.ctl("--json", "rlocs").stdout)
        self.assertEqual(len(rlocs), 4)
        cache = json.loads(self.ctl("--json", "map-cache").stdout)
        self.assertEqual(sorted(e["prefix"] for e in cache), sorted(m["prefix"] for m in state["map-cache"]))
        human = self.ctl("map-cache").stdout
        self.assertIn("192.0.2.128/25", human)
        self.assertIn("198.51.100.17", human)

    def test_usage_errors_and_daemon_missing(self):
        for args in (["frobnicate"], ["status", "extra"], ["--bogus"]):
            out = self.ctl(*args)
            self.assertEqual(out.returncode, 2, f"{args}: {out.stdout} {out.stderr}")
            self.assertIn("try --help", out.stderr)
        self.assertEqual(self.mn.stop(), 0)
        out = self.ctl("status")
        self.assertEqual(out.returncode, 1)
        self.assertEqual(out.stderr.strip().count("\n"), 0, "one clear line")
        self.assertIn("lispmnd is not running", out.stderr)

    def test_monitor_follows_handover(self):
        import json
        log = os.path.join(self.dir, "monitor.log")
        env = self.env
        with open(log, "w") as f:
            mon = subprocess.Popen([LISPMNCTL, "--json", "monitor"], env=env, stdout=f,
                                   stderr=subprocess.STDOUT)
        try:
            wait_subscribed(self.bus, mon.pid)
            self.t.del_addr(lt.MN, "up2", "198.51.100.9/29")
            wait_for(lambda: "handover" in read(log), 10, "lispmnctl monitor to print the handover")
        finally:
            mon.terminate()
            mon.wait(5)
        events = [json.loads(line) for line in read(log).splitlines() if line.startswith("{")]
        handover = [e["handover"] for e in events if "handover" in e][0]
        self.assertEqual(handover["went"], ["198.51.100.9"])


class LispmnctlNeverStartsLispmnd(unittest.TestCase):
    """lispmnctl only looks: on a bus where lispmnd could be started by D-Bus activation
    (here a stand-in that only leaves a mark), it says lispmnd is not running and starts
    nothing."""

    def test_no_activation(self):
        work = tempfile.mkdtemp(prefix="lmnact-")
        self.addCleanup(shutil.rmtree, work, ignore_errors=True)
        marker, services = os.path.join(work, "started"), os.path.join(work, "services")
        os.makedirs(services)
        with open(os.path.join(services, "org.lispmn.MobileNode1.service"), "w") as f:
            f.write(f"[D-BUS Service]\nName=org.lispmn.MobileNode1\n"
                    f"Exec=/bin/sh -c 'touch {marker}'\n")
        socket = os.path.join(work, "bus")
        config = os.path.join(work, "bus.conf")
        # A session-type bus activates services itself (no setuid helper), which is all
        # this needs.
        with open(config, "w") as f:
            f.write('<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"\n'
                    ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">\n'
                    f"<busconfig><type>session</type><listen>unix:path={socket}</listen>"
                    f"<servicedir>{services}</servicedir>"
                    '<policy context="default"><allow send_destination="*" eavesdrop="true"/>'
                    '<allow eavesdrop="true"/><allow own="*"/></policy></busconfig>\n')
        bus = subprocess.Popen(["dbus-daemon", "--config-file", config, "--nofork", "--nopidfile"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(bus.wait, 5)
        self.addCleanup(bus.terminate)
        wait_for(lambda: os.path.exists(socket), 5, "the bus")
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=f"unix:path={socket}")
        for args in ([], ["--json"], ["status"], ["rlocs"], ["map-servers"], ["map-cache"]):
            out = subprocess.run([LISPMNCTL, *args], env=env, capture_output=True, text=True,
                                 timeout=10)
            self.assertEqual(out.returncode, 1, f"{args}: {out.stdout} {out.stderr}")
            self.assertIn("lispmnd is not running", out.stderr)
        self.assertFalse(os.path.exists(marker), "lispmnctl started lispmnd through D-Bus activation")


if __name__ == "__main__":
    unittest.main(verbosity=2)
