#!/usr/bin/python3
"""lispmn-applet, for real, headless: the real applet under Xvfb (run by xvfb-run) with a
private session bus, the real lispmnd on a private system bus in the namespace topology,
registering with the real lispmn-server.

Two stand-ins, because the desktop shell that provides them cannot run here: a small
StatusNotifierWatcher (sni_watcher.py, what the panel's tray does for an item) and
python-dbusmock's notification_daemon template (what the shell does with notifications).
The test reads what a tray would: the item's properties and its com.canonical.dbusmenu
layout (GetLayout), and clicks items with Event(id, "clicked")."""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import wait_for, proc_cpu_seconds  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402
from fixtures import MN_KEY, MS, SERVER, SERVER_CONF, PrivateSystemBus, bus_config, name_has_owner  # noqa: E402
from nm_sandbox import NmSandbox  # noqa: E402

from gi.repository import Gio, GLib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
APPLET = os.environ.get("LISPMN_APPLET", os.path.join(os.path.dirname(lt.lispmnd_path()), "..", "applet",
                                                       "lispmn-applet"))
SCHEMA_DIR = os.environ.get("LISPMN_SCHEMA_DIR", os.path.join(os.path.dirname(APPLET), "..", "data"))
SNI_WATCHER = os.path.join(HERE, "sni_watcher.py")

ITEM_IFACE = "org.kde.StatusNotifierItem"
MENU_IFACE = "com.canonical.dbusmenu"


def mn_conf(key=MN_KEY, extra=""):
    """MN registers with lispmn-server on R and has a static mapping of C's site, so that the
    details window has a map-cache to show. extra: more configuration (e.g. an uplink)."""
    x4, x6 = lt.X_UPLINK[4][0], lt.X_UPLINK[6][0]
    return fixtures.mn_conf(key, up2_priority=2, lines=["manage-addresses=true"]) + f"""{extra}
[mapping {lt.SITE4}]
locators={x4} 1 100

[mapping {lt.SITE6}]
locators={x6} 1 100
"""


def flatten(layout):
    """(id, properties) of every item of a dbusmenu layout, depth first."""
    item_id, props, children = layout
    yield item_id, props
    for child in children:
        yield from flatten(child)


class AppletTest(fixtures.TestCase):
    PROGRAMS = (APPLET, fixtures.LISPMND, SERVER)

    def workdir_name(self):
        return "applet/" + super().workdir_name()

    def setUp(self):
        if not os.environ.get("DISPLAY"):
            self.fail("no X display: run this test under xvfb-run (package xvfb), as meson test does")
        super().setUp()
        self.start_bus()
        session_dir = os.path.join(self.dir, "session")
        os.makedirs(session_dir, exist_ok=True)
        self.session_bus = PrivateSystemBus(session_dir)   # same dbus-daemon, used as the session bus
        self.addCleanup(self.session_bus.stop)
        self.env = dict(self.env,
                        DBUS_SESSION_BUS_ADDRESS=self.session_bus.address,
                        LC_ALL="C.UTF-8", LANGUAGE="",
                        NO_AT_BRIDGE="1", GDK_BACKEND="x11",
                        GSETTINGS_SCHEMA_DIR=os.path.abspath(SCHEMA_DIR),
                        # settings of this run only, never the user's
                        GSETTINGS_BACKEND="keyfile", XDG_CONFIG_HOME=os.path.join(self.dir, "config"),
                        # the icons from the source tree (data/icons/hicolor), then the system's
                        XDG_DATA_DIRS=os.path.join(SOURCE_ROOT, "data") + ":/usr/share")
        self.bus = self.connect(self.session_bus.address)
        self.server = self.start_server()

    # -- processes ------------------------------------------------------------------------

    def spawn(self, name, cmd, env=None):
        log = open(os.path.join(self.dir, name + ".log"), "wb")
        self.addCleanup(log.close)
        proc = subprocess.Popen(cmd, env=env or self.env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)

        def stop():
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.addCleanup(stop)
        return proc

    def start_server(self):
        return lt.MapServer(self.t, lt.R, SERVER_CONF, self.dir)

    def start_lispmnd(self, key=MN_KEY, extra=""):
        mn = lt.Daemon(self.t, lt.MN, mn_conf(key, extra), self.dir,
                       env=dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.bus_daemon.address))
        mn.wait_ready()
        return mn

    def start_desktop(self, notifications=True):
        """The tray's watcher (and the notification server), then the applet."""
        self.watcher = self.spawn("sni-watcher", [lt.PYTHON, SNI_WATCHER])
        wait_for(lambda: self.name_has_owner("org.kde.StatusNotifierWatcher"), 5, "the StatusNotifierWatcher")
        if notifications:
            self.spawn("notification-mock", [lt.PYTHON, "-m", "dbusmock", "--template", "notification_daemon"])
            wait_for(lambda: self.name_has_owner("org.freedesktop.Notifications"), 5, "the notification mock")
        self.applet = self.spawn("applet", [APPLET])
        self.item = wait_for(self.registered_item, 10, "the applet to register its StatusNotifierItem")

    # -- what a tray sees -----------------------------------------------------------------

    def call(self, dest, path, iface, method, args=None, reply=None, timeout=3000):
        return self.bus.call_sync(dest, path, iface, method, args, reply, Gio.DBusCallFlags.NONE,
                                  timeout, None).unpack()

    def registered_item(self):
        items = self.call("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher",
                          "org.freedesktop.DBus.Properties", "Get",
                          GLib.Variant("(ss)", ("org.kde.StatusNotifierWatcher",
                                                "RegisteredStatusNotifierItems")))[0]
        if not items:
            return None
        service, _, path = items[0].partition("/")
        return service, "/" + path

    def item_property(self, name):
        service, path = self.item
        return self.call(service, path, "org.freedesktop.DBus.Properties", "Get",
                         GLib.Variant("(ss)", (ITEM_IFACE, name)))[0]

    def menu_items(self):
        """(id, label, enabled) of every non-separator item of the applet's menu."""
        service, _ = self.item
        menu_path = self.item_property("Menu")
        _, layout = self.call(service, menu_path, MENU_IFACE, "GetLayout",
                              GLib.Variant("(iias)", (0, -1, [])))
        items = []
        for item_id, props in flatten(layout):
            if item_id == 0 or props.get("type") == "separator" or not props.get("visible", True):
                continue
            items.append((item_id, props.get("label", ""), props.get("enabled", True)))
        return items

    def menu_revision(self):
        service, _ = self.item
        return self.call(service, self.item_property("Menu"), MENU_IFACE, "GetLayout",
                         GLib.Variant("(iias)", (0, 0, [])))[0]

    def labels(self):
        return [label for _, label, _ in self.menu_items()]

    def wait_menu(self, predicate, timeout, what):
        """Until predicate(labels) holds; the failure shows the menu as it was."""
        try:
            return wait_for(lambda: predicate(self.labels()), timeout, what, interval=0.05)
        except TimeoutError as e:
            raise AssertionError(f"{e}; the menu says:\n  " + "\n  ".join(self.labels())) from None

    def click(self, label):
        service, _ = self.item
        ids = [i for i, l, _ in self.menu_items() if l == label]
        self.assertEqual(len(ids), 1, f"one item {label!r} in {self.labels()}")
        self.call(service, self.item_property("Menu"), MENU_IFACE, "Event",
                  GLib.Variant("(isvu)", (ids[0], "clicked", GLib.Variant("s", ""), 0)))

    def notify_calls(self):
        """The arguments of every Notify the notification server got."""
        calls = self.call("org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                          "org.freedesktop.DBus.Mock", "GetCalls")[0]
        return [args for _, method, args in calls if method == "Notify"]

    def notifications(self):
        """(summary, body) of every Notify the notification server got."""
        return [(args[3], args[4]) for args in self.notify_calls()]

    def assert_icon(self, summary):
        """The notification has an icon (app_icon, or an image hint)."""
        args = [a for a in self.notify_calls() if a[3] == summary][0]
        hints = args[6]
        self.assertTrue(args[2] or "image-path" in hints or "image-data" in hints
                        or "image_path" in hints, f"no icon in {args}")

    def rloc_line(self, iface, address, prio, state):
        return f"{iface}  {address}  priority {prio}, weight 50 — {state}"


# A profile as the NetworkManager plugin's users create it (vpn-type lispmn).
LISPMN_PROFILE = """[connection]
id=lisp
uuid=5b0e7f3a-8d2c-4c53-9a51-6f1f3c1e0d42
type=vpn
autoconnect=false

[vpn]
service-type=org.freedesktop.NetworkManager.lispmn

[ipv4]
method=auto

[ipv6]
method=auto
"""

class Applet(AppletTest):
    def test_menu_follows_the_daemon(self):
        mn = self.start_lispmnd()
        self.start_desktop()
        service, path = self.item
        self.assertEqual(self.item_property("Id"), "lispmn-applet")
        self.wait_menu(lambda l: "LISP mobile node: registered" in l, 10, "the menu to say registered")
        labels = self.labels()
        for eid in (f"{lt.EID4}/32", f"{lt.EID6}/128"):
            self.assertIn(f"EID {eid}", labels)
        for up, prio in (("up1", 1), ("up2", 2)):
            for fam in (4, 6):
                self.assertIn(self.rloc_line(up, lt.MN_UPLINKS[up][fam][0], prio, "up"), labels)
        self.assertIn(f"{MS}: registered, last registration just now", labels)
        self.assertEqual(self.item_property("IconName"), "lispmn-registered")
        self.assertEqual(self.item_property("Title"),
                         f"LISP mobile node: registered — {lt.EID4}/32 via up1, up2")
        enabled = {label: on for _, label, on in self.menu_items()}
        # Information lines are not actions; NetworkManager is not on this system bus.
        self.assertFalse(enabled["EID 192.0.2.10/32"])
        self.assertIn("Connect (NetworkManager is not running)", enabled)
        self.assertFalse(enabled["Connect (NetworkManager is not running)"])
        self.assertTrue(enabled["Details…"])
        self.assertTrue(enabled["Quit"])

        # Idle: no CPU to speak of. Under traffic the counters change every second, and
        # the menu, which does not show them, is left alone.
        before_cpu, revision = proc_cpu_seconds(self.applet.pid), self.menu_revision()
        time.sleep(3)
        idle_cpu = proc_cpu_seconds(self.applet.pid) - before_cpu
        print(f"applet CPU while idle: {idle_cpu * 1000:.0f} ms in 3 s")
        self.assertLess(idle_cpu, 0.1)
        tx_before = mn.state()["counters"]["tx-packets"]
        # C's site answers nothing here (X runs no lispmnd): only the counters move
        lt.ping(self.t, lt.MN, lt.C4, count=12, interval=0.2)
        self.assertGreater(mn.state()["counters"]["tx-packets"], tx_before)
        self.assertEqual(self.menu_revision(), revision, "the menu was rebuilt for the counters")

        # Starting brought no handover notification: only moves the user did not make do.
        self.assertEqual([n for n in self.notifications() if "uplinks" in n[0]], [])
        # An RLOC goes away: the menu follows, and a notification tells the handover.
        start = time.monotonic()
        self.t.del_addr(lt.MN, "up1", "198.51.100.1/29")
        down = self.rloc_line("up1", "198.51.100.1", 1, "down")
        self.wait_menu(lambda l: down in l, 5, "the menu to show up1's IPv4 RLOC down")
        print(f"menu showed the RLOC down {(time.monotonic() - start) * 1000:.0f} ms after the "
              "address was removed")
        self.assertIn(self.rloc_line("up2", "198.51.100.9", 2, "up"), self.labels())
        # Named by its uplink, with the address; no "confirmed it in 0.0 s".
        wait_for(lambda: any("No longer using up1 (198.51.100.1)." in body
                             for _, body in self.notifications()),
                 5, f"the handover notification ({self.notifications()})")
        summary, body = [n for n in self.notifications() if "198.51.100.1" in n[1]][0]
        self.assertEqual(summary, "LISP mobile node: uplinks changed")
        self.assertNotIn("0.0 s", body)
        self.assert_icon(summary)

        # The daemon stops: the applet stays and says so.
        self.assertEqual(mn.stop(), 0)
        self.wait_menu(lambda l: "lispmnd is not running" in l, 5, "the menu to say lispmnd is not running")
        self.assertFalse(any(label.startswith("EID ") for label in self.labels()))
        self.assertEqual(self.item_property("IconName"), "lispmn-not-running")
        self.assertIsNone(self.applet.poll(), "the applet exited with the daemon")

        # It comes back: the applet picks it up without being restarted.
        self.t.addr(lt.MN, "up1", "198.51.100.1/29")
        lt.add_uplink_routes(self.t, "up1")
        self.start_lispmnd()
        self.wait_menu(lambda l: f"EID {lt.EID4}/32" in l and "LISP mobile node: registered" in l, 10,
                       "the menu to follow the restarted daemon")
        self.assertIn(self.rloc_line("up1", "198.51.100.1", 1, "up"), self.labels())

    def test_applet_before_the_daemon(self):
        """Started first (the desktop session usually is): it waits, then follows."""
        self.start_desktop(notifications=False)
        self.wait_menu(lambda l: "lispmnd is not running" in l, 5, "the menu to say lispmnd is not running")
        self.assertEqual(self.item_property("IconName"), "lispmn-not-running")
        # A third uplink whose name has an underscore (a mnemonic mark in dbusmenu labels).
        self.t.link(lt.MN, "wwan_0", lt.R, "r4")
        self.t.addr(lt.MN, "wwan_0", "203.0.113.1/29")
        self.t.addr(lt.R, "r4", "203.0.113.2/29")
        self.start_lispmnd(extra="\n[uplink wwan_0]\npriority=3\nweight=50\n")
        self.wait_menu(lambda l: "LISP mobile node: registered" in l, 10, "the menu to say registered")
        # libdbusmenu-gtk doubles it, as dbusmenu labels want for a literal underscore
        self.assertIn("wwan__0  203.0.113.1  priority 3, weight 50 — up", self.labels())
        # Quit over the menu ends the applet and takes the item off the tray.
        self.click("Quit")
        self.applet.wait(5)
        self.assertEqual(self.applet.returncode, 0)
        wait_for(lambda: self.registered_item() is None, 5, "the item to leave the tray")

    def test_no_system_bus(self):
        """No system bus at all (a broken session): the menu says what is wrong, no crash."""
        self.env["DBUS_SYSTEM_BUS_ADDRESS"] = f"unix:path={self.dir}/no-such-bus"
        self.start_desktop(notifications=False)
        self.wait_menu(lambda l: "lispmnd is not running" in l
                       and any(x.startswith("Cannot reach the system bus: ") for x in l), 5,
                       "the menu to say the system bus cannot be reached")
        self.wait_menu(lambda l: any(x.startswith("Connect (cannot reach NetworkManager: ") for x in l), 5,
                       "the Connect item to say NetworkManager cannot be reached")
        self.assertEqual(self.item_property("IconName"), "lispmn-not-running")
        self.assertIsNone(self.applet.poll())

    def test_system_bus_appears_later(self):
        """The system bus comes up after the applet (a slow boot, a dbus restart): both the
        lispmnd watcher and libnm's client find it without the applet being restarted."""
        sockdir = tempfile.mkdtemp(prefix="lmnlate-")
        self.addCleanup(shutil.rmtree, sockdir, True)
        os.chmod(sockdir, 0o755)
        socket = os.path.join(sockdir, "socket")
        self.env["DBUS_SYSTEM_BUS_ADDRESS"] = f"unix:path={socket}"
        self.start_desktop(notifications=False)
        self.wait_menu(lambda l: any(x.startswith("Connect (cannot reach NetworkManager: ") for x in l), 5,
                       "the Connect item to say NetworkManager cannot be reached")
        config = os.path.join(self.dir, "late-bus.conf")
        with open(config, "w") as f:
            f.write(bus_config([socket], False))
        self.spawn("late-bus", ["dbus-daemon", "--config-file", config, "--nofork"])
        # Both retry every 10 s: NetworkManager is not on this bus, so libnm says it is not
        # running, and the bus error line goes.
        self.wait_menu(lambda l: "Connect (NetworkManager is not running)" in l
                       and not any(x.startswith("Cannot reach the system bus") for x in l), 40,
                       "the menu to find the system bus that appeared")
        self.assertIsNone(self.applet.poll())

    def test_wrong_key(self):
        """A map-server refusing the key: the red icon, the words, and a notification."""
        self.start_lispmnd(key="not-the-key")
        self.start_desktop()
        line = f"{MS}: authentication failed — check the key, last registration never"
        self.wait_menu(lambda l: line in l, 15, "the menu to show the rejected key")
        self.assertEqual(self.item_property("IconName"), "lispmn-auth-failed")
        wait_for(lambda: any(s == "LISP registration failed" for s, _ in self.notifications()), 5,
                 "the registration-failure notification")
        body = [b for s, b in self.notifications() if s == "LISP registration failed"][0]
        self.assertIn(f"Map-server {MS} rejected the registration: authentication failed.", body)
        self.assert_icon("LISP registration failed")
        # The title says why the icon is red, not "connecting".
        self.assertTrue(self.item_property("Title").startswith("LISP mobile node: wrong key"),
                        self.item_property("Title"))

    def test_notifications_can_be_turned_off(self):
        """gsettings set org.lispmn.Applet notify-handover false: no handover notification."""
        out = subprocess.run(["gsettings", "set", "org.lispmn.Applet", "notify-handover", "false"],
                             env=self.env, capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.start_lispmnd()
        self.start_desktop()
        self.wait_menu(lambda l: "LISP mobile node: registered" in l, 10, "the menu to say registered")
        self.t.del_addr(lt.MN, "up2", "198.51.100.9/29")
        self.wait_menu(lambda l: self.rloc_line("up2", "198.51.100.9", 2, "down") in l, 5,
                       "the menu to show up2's IPv4 RLOC down")
        time.sleep(1)   # a notification, if any, would have come with the menu change
        self.assertEqual([n for n in self.notifications() if "uplinks" in n[0]], [])


class VpnToggle(AppletTest):
    """Connect/Disconnect through libnm against the real NetworkManager. The lispmn VPN
    plugin itself is not installed here (it is tested on its own): NetworkManager refuses
    to activate the profile, and the applet tells the user so."""

    def test_connect_follows_network_manager(self):
        nm = NmSandbox(self.t, lt.MN, self.dir, bus_address=self.bus_daemon.address)
        self.addCleanup(nm.close)
        nm.start(timeout=15)
        self.assertTrue(name_has_owner(self.connect(), "org.freedesktop.NetworkManager"),
                        "NetworkManager on the bus")
        self.start_desktop()
        self.wait_menu(lambda l: "Connect (no lispmn profile in NetworkManager)" in l, 10,
                       "the menu to say there is no profile")
        enabled = {label: on for _, label, on in self.menu_items()}
        self.assertFalse(enabled["Connect (no lispmn profile in NetworkManager)"])

        # A profile appears: the item follows and can be clicked.
        nm.add_profile("lisp", LISPMN_PROFILE)
        self.wait_menu(lambda l: "Connect “lisp”" in l, 10, "the menu to offer the new profile")
        enabled = {label: on for _, label, on in self.menu_items()}
        self.assertTrue(enabled["Connect “lisp”"])
        # A second profile: both can be connected, not only the most recent one.
        nm.add_profile("office", LISPMN_PROFILE.replace("id=lisp", "id=office").replace(
            "uuid=5b0e7f3a-8d2c-4c53-9a51-6f1f3c1e0d42", "uuid=0c7d1f5e-2a44-4b8e-9d0e-3b5a7c9e1f20"))
        self.wait_menu(lambda l: "Connect “office”" in l and "Connect “lisp”" in l, 10,
                       "the menu to offer both profiles")
        enabled = {label: on for _, label, on in self.menu_items()}
        self.assertTrue(enabled["Connect “office”"] and enabled["Connect “lisp”"])

        # Clicking asks NetworkManager, which refuses here: the user hears why.
        self.click("Connect “lisp”")
        wait_for(lambda: any(s == "The LISP connection failed" for s, _ in self.notifications()), 10,
                 "the connection failure notification")
        body = [b for s, b in self.notifications() if s == "The LISP connection failed"][0]
        print(f"the notification said: {body}")
        # NetworkManager's own words follow the profile's name (here: no base connection
        # for the VPN to ride on, as no device is managed)
        self.assertRegex(body, r"^Cannot connect “lisp”: \S")
        self.assertIsNone(self.applet.poll())
        self.wait_menu(lambda l: "Connect “lisp”" in l, 5, "the menu to offer the profile again")

        # NetworkManager goes away: the item says so.
        self.assertEqual(nm.stop("NetworkManager"), 0)
        self.wait_menu(lambda l: "Connect (NetworkManager is not running)" in l, 10,
                       "the menu to say NetworkManager is not running")
        # It comes back (an upgrade, a restart): the applet follows without being restarted.
        nm.start_network_manager(timeout=15)
        self.wait_menu(lambda l: "Connect “office”" in l and "Connect “lisp”" in l, 20,
                       "the menu to offer the profiles again once NetworkManager is back")
        self.assertIsNone(self.applet.poll())


class DetailsWindow(AppletTest):
    def test_details_window(self):
        self.start_lispmnd()
        self.start_desktop(notifications=False)
        self.wait_menu(lambda l: "LISP mobile node: registered" in l, 10, "the menu to say registered")
        # a handover for the history tab, some traffic for the counters
        self.t.del_addr(lt.MN, "up2", "2001:db8:100:2::1/64")
        self.wait_menu(lambda l: self.rloc_line("up2", "2001:db8:100:2::1", 2, "down") in l, 5,
                       "the menu to show up2's IPv6 RLOC down")
        lt.ping(self.t, lt.MN, lt.C4, count=2)

        self.click("Details…")
        window = wait_for(lambda: self.find_window("LISP Mobile Node"), 10, "the details window")
        time.sleep(1.0)   # let it draw its map-cache, which it reads asynchronously
        shot = os.path.join(self.dir, "details-window.png")
        out = subprocess.run(["import", "-window", window, shot], capture_output=True, text=True,
                             timeout=30, env=self.env)
        self.assertEqual(out.returncode, 0, out.stderr)
        size = subprocess.run(["identify", "-format", "%w %h %k", shot], capture_output=True, text=True,
                              timeout=30).stdout.split()
        width, height, colours = map(int, size)
        print(f"screenshot of the details window ({width}x{height}, {colours} colours): {shot}")
        self.assertGreaterEqual((width, height), (600, 400))
        self.assertGreater(colours, 20, "a blank window")
        # Clicking again presents the same window rather than a second one.
        self.click("Details…")
        time.sleep(0.5)
        self.assertEqual(self.viewable_windows("LISP Mobile Node"), [window])

    def windows_named(self, title):
        tree = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True,
                              timeout=10, env=self.env).stdout
        return [line.split()[0] for line in tree.splitlines() if f'"{title}"' in line
                and "x" in line.split()[-2]]

    def viewable_windows(self, title):
        """The ids of the mapped windows with this title (GTK's hidden leader window, which
        carries the application's name, is not mapped)."""
        viewable = []
        for window in self.windows_named(title):
            info = subprocess.run(["xwininfo", "-id", window], capture_output=True, text=True,
                                  timeout=10, env=self.env).stdout
            if "IsViewable" in info:
                viewable.append(window)
        return viewable

    def find_window(self, title):
        """The id of the one mapped window with this title, or None."""
        windows = self.viewable_windows(title)
        return windows[0] if len(windows) == 1 else None


if __name__ == "__main__":
    unittest.main(verbosity=2)
