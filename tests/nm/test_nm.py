#!/usr/bin/python3
"""The NetworkManager plugin against a real NetworkManager 1.42 (no mock): NetworkManager runs
in the mobile node's network namespace with a mount namespace and a system bus of its own
(tests/integration/nm_sandbox.py), with two uplinks to a router namespace: "wlan-sim"
(static, metric 600, as NetworkManager ranks Wi-Fi) and "wwan-sim" (DHCPv4 and SLAAC from
dnsmasq, metric 700, as mobile broadband). lispmn-server is map-server and map-resolver, a
lispmnd in proxy mode is proxy-ETR/ITR for the correspondent C, a host outside LISP.

    MN (NetworkManager, lispmnd, nm-lispmn-service)
      wlan-sim 198.51.100.10/26 ---- c-wlan .1           CORE (router, dnsmasq)
      wwan-sim 203.0.113.x/26 (DHCP) - c-wwan .1           c-ms 198.51.100.65/29 -- MS .66 (lispmn-server)
                                                           c-px 198.51.100.73/29 -- PX up0 .74 (proxy xTR)
                                                                  PX lan0 203.0.113.129/26 -- C .130

The only mock is polkit (python-dbusmock's polkitd template: the real polkitd needs logind);
NetworkManager runs with auth-polkit=false, lispmnd asks the mock, which allows the lispmn
actions."""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from netns import Topology, wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
from fixtures import PolkitStandIn, connect, get_property, name_has_owner, not_built  # noqa: E402
from nm_sandbox import NmSandbox  # noqa: E402

BUILD = os.environ.get("LISPMN_BUILD_ROOT", os.path.join(HERE, "..", "..", "build"))
LISPMND = os.environ.get("LISPMND", os.path.join(BUILD, "daemon", "lispmnd"))
LISPMNCTL = os.environ.get("LISPMNCTL", os.path.join(BUILD, "daemon", "ctl", "lispmnctl"))
SERVER = os.environ.get("LISPMN_SERVER", os.path.join(BUILD, "daemon", "server", "lispmn-server"))
SERVICE = os.environ.get("NM_LISPMN_SERVICE", os.path.join(BUILD, "nm-plugin", "nm-lispmn-service"))
SOURCE = os.path.join(HERE, "..", "..")

MN, CORE, MS_NS, PX, C = "mn", "core", "ms", "px", "c"
MS, PETR = "198.51.100.66", "198.51.100.74"
C4, C6 = "203.0.113.130", "2001:db8:c::2"
EID4, EID6 = "192.0.2.10", "2001:db8:e1d::10"
KEY = "mobile-node-secret-key"
WLAN, WWAN = "wlan-sim", "wwan-sim"
CARRIER_WAIT_MS = 2000   # NetworkManager deactivates an uplink this long after its carrier went

SERVER_CONF = f"""[lispmn-server]

[site mobile]
eid-prefixes={EID4}/32;{EID6}/128
key={KEY}
"""

PROXY_CONF = f"""[lispmnd]
mode=proxy
eids={EID4}/32;{EID6}/128
routes={EID4}/32;{EID6}/128
map-resolvers={MS}
manage-addresses=true

[uplink up0]
"""

# NetworkManager mode: lispmnd runs without any lispmnd.conf (as D-Bus activation and the
# systemd unit start it); the profile says everything through Configure.
NO_CONFIG = None

# NetworkManager's connectivity check asks a small web server beside the map-server; the test
# can make it answer like a captive portal to the WWAN uplink's addresses.
CHECK_URI, CHECK_RESPONSE = f"http://{MS}/check", "lispmn-online"
CHECK_SERVER = """
import http.server, os, sys
mode_file = sys.argv[1]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(mode_file) as f:
            portal_prefix = f.read().strip()
        portal = portal_prefix and self.client_address[0].startswith(portal_prefix)
        body = b"<html>Welcome to the hotel: please log in</html>" if portal else b"lispmn-online"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, fmt, *args):
        sys.stderr.write((fmt % args) + "\\n")
http.server.ThreadingHTTPServer((sys.argv[2], 80), Handler).serve_forever()
"""

VPN_DATA = f"eid={EID4} {EID6}, map-server={MS}, map-resolver={MS}, proxy-etr={PETR}"


def staged_install(workdir):
    """The build installed into a staging root (`meson install --destdir`), and what the
    sandbox takes from it, each found where the system's own services look (as
    test_install.py checks): NetworkManager's .name file (its program moved into the root),
    the system bus's policies, and the installed lispmnd and nm-lispmn-service. A file
    installed anywhere else fails the test here, as it would fail a user."""
    from test_install import NM_VPN_DIRS, dbus_policy_dirs
    root = os.path.join(workdir, "root")
    shutil.rmtree(root, ignore_errors=True)
    r = subprocess.run(["meson", "install", "-C", BUILD, "--destdir", root, "--no-rebuild",
                        "--quiet"], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"meson install: {r.stdout}{r.stderr}")

    def find(name, dirs):
        for d in dirs:
            if os.path.exists(root + os.path.join(d, name)):
                return root + os.path.join(d, name)
        raise RuntimeError(f"{name} is not installed where the system looks for it ({dirs})")

    with open(find("nm-lispmn-service.name", NM_VPN_DIRS)) as f:
        name_text = f.read()
    program = re.search(r"(?m)^program=(.*)$", name_text).group(1)
    # The service, the editor plugin and the auth dialog the .name file names, all staged.
    name_text = re.sub(r"(?m)^(program|plugin|properties|auth-dialog)=/", f"\\1={root}/", name_text)
    policies = [find(p, dbus_policy_dirs()) for p in ("nm-lispmn-service.conf",
                                                       "org.lispmn.MobileNode1.conf")]
    lispmnd = root + os.path.join(default_option("prefix"), default_option("sbindir"), "lispmnd")
    return {"name": name_text, "policies": policies, "lispmnd": lispmnd,
            "service": root + program}


def default_option(name):
    options = {o["name"]: o["value"] for o in json.loads(subprocess.run(
        ["meson", "introspect", "--buildoptions", BUILD], capture_output=True, text=True,
        check=True).stdout)}
    return options[name]


def default_config_path():
    """Where the built lispmnd looks for lispmnd.conf when given no --config."""
    options = {o["name"]: o["value"] for o in json.loads(subprocess.run(
        ["meson", "introspect", "--buildoptions", BUILD], capture_output=True, text=True,
        check=True).stdout)}
    return os.path.join(options["prefix"], options["sysconfdir"], "lispmn", "lispmnd.conf")


def build(t):
    for ns in (MN, CORE, MS_NS, PX, C):
        t.add_ns(ns)
    # The router's end is what a carrier pull takes down: its IPv6 addresses must survive that,
    # as a real router's do.
    t.sysctl(CORE, "net.ipv6.conf.all.keep_addr_on_down", 1)
    t.sysctl(CORE, "net.ipv6.conf.default.keep_addr_on_down", 1)
    # Distinct ifindexes at both ends: the kernel then reports a carrier change at once
    # (see netns.Topology.link), which is what the 200 ms bar below measures.
    t.link(MN, WLAN, CORE, "c-wlan", indexes=(101, 201))
    t.link(MN, WWAN, CORE, "c-wwan", indexes=(102, 202))
    t.link(CORE, "c-ms", MS_NS, "ms0")
    t.link(CORE, "c-px", PX, "up0")
    t.link(PX, "lan0", C, "eth0")
    for ns, ifname, cidr in [
            (CORE, "c-wlan", "198.51.100.1/26"), (CORE, "c-wlan", "2001:db8:1::1/64"),
            (CORE, "c-wwan", "203.0.113.1/26"), (CORE, "c-wwan", "2001:db8:2::1/64"),
            (CORE, "c-ms", "198.51.100.65/29"), (MS_NS, "ms0", f"{MS}/29"),
            (CORE, "c-ms", "2001:db8:5::1/64"), (MS_NS, "ms0", "2001:db8:5::2/64"),
            (CORE, "c-px", "198.51.100.73/29"), (PX, "up0", f"{PETR}/29"),
            (CORE, "c-px", "2001:db8:6::1/64"), (PX, "up0", "2001:db8:6::2/64"),
            (PX, "lan0", "203.0.113.129/26"), (C, "eth0", f"{C4}/26"),
            (PX, "lan0", "2001:db8:c::1/64"), (C, "eth0", f"{C6}/64")]:
        t.addr(ns, ifname, cidr)
    t.route(MS_NS, "default", "via", "198.51.100.65")
    t.route(MS_NS, "default", "via", "2001:db8:5::1")
    t.route(PX, "default", "via", "198.51.100.73")
    t.route(PX, "default", "via", "2001:db8:6::1")
    t.route(C, "default", "via", "203.0.113.129")
    t.route(C, "default", "via", "2001:db8:c::1")
    # MN's uplinks are NetworkManager's to configure: nothing on them here.


class NetworkManagerPlugin(unittest.TestCase):
    """One sandbox for all steps (NetworkManager, DHCP and the daemons take seconds to start);
    the steps run in order."""

    @classmethod
    def setUpClass(cls):
        missing = not_built(LISPMND, LISPMNCTL, SERVER, SERVICE)
        if missing:
            raise RuntimeError(missing)
        cls.dir = lt.workdir("nm")
        os.chmod(cls.dir, 0o755)
        cls.t = Topology()
        try:
            cls.start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def start(cls):
        t = cls.t
        build(t)
        cls.server = lt.MapServer(t, MS_NS, SERVER_CONF, cls.dir)
        cls.proxy = lt.Daemon(t, PX, PROXY_CONF, cls.dir)
        cls.proxy.wait_ready()
        cls.dnsmasq = t.popen(CORE, [
            "dnsmasq", "--conf-file=/dev/null", "--keep-in-foreground", "--port=0", "-u", "root",
            "--interface=c-wwan", "--bind-interfaces", "--log-dhcp",
            f"--pid-file={cls.dir}/dnsmasq.pid", f"--dhcp-leasefile={cls.dir}/dnsmasq.leases",
            "--dhcp-range=203.0.113.20,203.0.113.40,255.255.255.192,2m",
            "--dhcp-option=option:router,203.0.113.1",
            "--enable-ra", "--ra-param=c-wwan,10,600", "--dhcp-range=2001:db8:2::,ra-only,64"],
            os.path.join(cls.dir, "dnsmasq.log"))

        cls.portal_mode = os.path.join(cls.dir, "portal-prefix")
        with open(cls.portal_mode, "w") as f:
            f.write("")
        script = os.path.join(cls.dir, "check_server.py")
        with open(script, "w") as f:
            f.write(CHECK_SERVER)
        cls.check_server = t.popen(MS_NS, [lt.PYTHON, script, cls.portal_mode, MS],
                                   os.path.join(cls.dir, "check-server.log"))
        # NetworkManager, the bus and lispmnd use the installed files, from where the system
        # reads them: a build that installs them elsewhere fails here.
        installed = staged_install(cls.dir)
        os.environ["LISPMND"] = installed["lispmnd"]
        print(f"running the staged install: {installed['service']}, {installed['lispmnd']}")
        cls.nm = NmSandbox(t, MN, cls.dir, managed=[WLAN, WWAN],
                           name_files={"nm-lispmn-service.name": installed["name"]},
                           policies=installed["policies"], carrier_wait_ms=CARRIER_WAIT_MS,
                           connectivity_uri=CHECK_URI, connectivity_response=CHECK_RESPONSE)
        cls.nm.start()
        env = cls.nm.env()
        cls.bus = connect(cls.nm.address)
        cls.polkit = PolkitStandIn(cls.bus, cls.nm.address, os.path.join(cls.dir, "polkitd-mock.log"))
        cls.polkit.allow(["org.lispmn.MobileNode1.configure", "org.lispmn.MobileNode1.control"])
        cls.start_lispmnd()

        t0 = time.monotonic()
        cls.nm.nmcli("connection", "add", "type", "ethernet", "ifname", WLAN, "con-name", "wlan",
                     "autoconnect", "yes", "ipv4.method", "manual",
                     "ipv4.addresses", "198.51.100.10/26", "ipv4.gateway", "198.51.100.1",
                     "ipv4.route-metric", "600", "ipv6.method", "manual",
                     "ipv6.addresses", "2001:db8:1::10/64", "ipv6.gateway", "2001:db8:1::1",
                     "ipv6.route-metric", "600")
        cls.nm.nmcli("connection", "add", "type", "ethernet", "ifname", WWAN, "con-name", "wwan",
                     "autoconnect", "yes", "ipv4.method", "auto", "ipv4.may-fail", "no",
                     "ipv4.route-metric", "700", "ipv6.method", "auto", "ipv6.route-metric", "700")
        cls.nm.wait_active("wlan", 30)
        cls.nm.wait_active("wwan", 60)
        cls.uplinks_seconds = time.monotonic() - t0

    @classmethod
    def start_lispmnd(cls):
        """lispmnd with no configuration file: the build's default path must not exist."""
        default = default_config_path()
        if os.path.exists(default):
            raise RuntimeError(f"{default} exists: the test needs lispmnd without a configuration file")
        cls.mn = lt.Daemon(cls.t, MN, NO_CONFIG, cls.dir, env=cls.nm.env())
        wait_for(lambda: name_has_owner(cls.bus, "org.lispmn.MobileNode1"), 5,
                 f"lispmnd on the sandbox's bus (log: {cls.mn.proc.log()})")

    @classmethod
    def tearDownClass(cls):
        for name in ("bus",):
            if getattr(cls, name, None) is not None:
                cls.bus.close_sync(None)
        if getattr(cls, "polkit", None) is not None:
            cls.polkit.stop()
        if getattr(cls, "nm", None) is not None:
            cls.nm.close()
        cls.t.close()

    # -- helpers -------------------------------------------------------------------------

    def ctl_status(self):
        r = subprocess.run([LISPMNCTL, "--json", "status"], env=self.nm.env(), capture_output=True,
                           text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def rlocs(self):
        """{interface: priority} of the RLOCs that are up, straight from the D-Bus property."""
        v = get_property(self.bus, "Rlocs")
        return {r["interface"]: r["priority"] for r in v if r["state"] == "up"}

    def registrations(self):
        return self.server.registrations()

    def connectivity(self):
        return {d: self.nm.nmcli("-g", "GENERAL.IP4-CONNECTIVITY,GENERAL.IP6-CONNECTIVITY", "device",
                                 "show", d).stdout.split() for d in (WLAN, WWAN)}

    def gateway_route(self):
        """NetworkManager's host route to the VPN's gateway (the map-server)."""
        return self.t.run(MN, ["ip", "route", "show", MS]).stdout

    def take_down_at_end(self, profile):
        """The VPN profile down and deleted at the end of the step, even when the step fails:
        one left active would fail every later step ("only supports a single active
        connection"). After a step that did it itself, nmcli only fails, unchecked."""
        self.addCleanup(self.nm.nmcli, "connection", "delete", profile, check=False)
        self.addCleanup(self.nm.nmcli, "connection", "down", profile, check=False)

    def assert_alive(self):
        self.assertTrue(self.nm.running("NetworkManager"), "NetworkManager died")
        self.assertTrue(self.mn.proc.running(), f"lispmnd died: {self.mn.proc.log()}")

    # -- the steps -----------------------------------------------------------------------

    def test_1_bad_vpn_data_fails_activation(self):
        self.nm.nmcli("connection", "add", "type", "vpn", "vpn-type", "lispmn", "con-name", "bad",
                      "autoconnect", "no", "vpn.data",
                      f"eid=192.0.2.300, map-server={MS}", "vpn.secrets", f"map-server-key={KEY}")
        r = self.nm.nmcli("connection", "up", "bad", check=False, timeout=60)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        message = "vpn.data: eid: '192.0.2.300' is not an IPv4 or IPv6 address"
        shown = r.stdout + r.stderr
        wait_for(lambda: message in self.nm.log("NetworkManager"), 5, "the message in NetworkManager's log")
        print(f"nmcli said: {shown.strip()}")
        self.assert_alive()
        self.assertNotEqual(self.nm.state("bad"), "activated")
        self.nm.nmcli("connection", "delete", "bad")

    def test_2_up_priorities_traffic_carrier_down(self):
        print(f"NetworkManager started in {self.nm.startup_seconds:.2f} s; uplinks active "
              f"after {self.uplinks_seconds:.1f} s")
        self.nm.nmcli("connection", "add", "type", "vpn", "vpn-type", "lispmn", "con-name", "lisp",
                      "autoconnect", "no", "vpn.data", VPN_DATA, "vpn.secrets", f"map-server-key={KEY}",
                      "vpn.persistent", "yes")
        keyfile = os.path.join(self.nm.etc, "system-connections", "lisp.nmconnection")
        self.assertEqual(os.stat(keyfile).st_mode & 0o077, 0, "the key file is readable by others")
        t0 = time.monotonic()
        self.nm.nmcli("connection", "up", "lisp", timeout=60)
        up_seconds = time.monotonic() - t0
        self.assertEqual(self.nm.state("lisp"), "activated")
        addrs = self.t.run(MN, ["ip", "-j", "addr", "show", "dev", "lispmn0"]).stdout
        self.assertIn(EID4, addrs)
        self.assertIn(EID6, addrs)

        # Both uplinks are RLOCs, ranked by their route metrics.
        wait_for(lambda: self.rlocs() == {WLAN: 1, WWAN: 2}, 10,
                 f"both uplinks as RLOCs ({self.rlocs()}; connectivity {self.connectivity()})")
        self.assertIn(f"dev {WLAN}", self.gateway_route())
        status = self.ctl_status()
        self.assertEqual(status["eids"], [f"{EID4}/32", f"{EID6}/128"])
        by_iface = {}
        for r in status["rlocs"]:
            by_iface.setdefault(r["interface"], set()).add(r["priority"])
        self.assertEqual(by_iface, {WLAN: {1}, WWAN: {2}}, status["rlocs"])
        # Each RLOC names its uplink's NetworkManager connection (the feeder passes it).
        self.assertEqual({(r["interface"], r.get("connection")) for r in status["rlocs"]},
                         {(WLAN, "wlan"), (WWAN, "wwan")}, status["rlocs"])
        wait_for(lambda: f"{EID4}/32" in self.registrations(), 10, "the EID registered")
        print(f"'nmcli connection up lisp' took {up_seconds:.2f} s")

        # Traffic from the EID reaches C through the proxy-ETR, and back.
        self.assertTrue(lt.ping_ok(self.t, MN, C4, EID4), "MN (EID) -> C")
        self.assertTrue(lt.ping_ok(self.t, C, EID4), "C -> MN's EID")
        self.assertTrue(lt.ping_ok(self.t, MN, C6, EID6), "MN (EID) -> C over IPv6")

        # A transfer runs while the preferred uplink's carrier is pulled.
        transfer = lt.Transfer(self.t, self.dir, C, C4, MN, EID4, sender="server",
                               nbytes=3_000_000, rate=300_000, timeout=40)
        time.sleep(1.5)
        # Timed from before ip(8) is started to take the router's end down (conservative:
        # starting it takes a while on a loaded machine).
        pulled = time.monotonic()
        self.t.carrier(MN, WLAN, False)
        gone = None
        deadline = pulled + 5
        while time.monotonic() < deadline:
            if WLAN not in self.rlocs():
                gone = time.monotonic() - pulled
                break
            time.sleep(0.005)
        self.assertIsNotNone(gone, "the pulled uplink stayed an RLOC")
        print(f"RLOC of {WLAN} gone {gone * 1000:.0f} ms after its carrier")
        # From the carrier flag (libnm reports it at once), not from NetworkManager giving the
        # uplink up CARRIER_WAIT_MS later: a bar far from both, which load cannot reach.
        self.assertLess(gone, CARRIER_WAIT_MS / 1000 / 2)
        # NetworkManager deactivates the uplink after carrier-wait-timeout; the VPN persists.
        wait_for(lambda: self.nm.state("wlan") != "activated", CARRIER_WAIT_MS / 1000 + 10,
                 "NetworkManager to give wlan up")
        time.sleep(1)
        self.assertEqual(self.nm.state("lisp"), "activated", "the VPN went down with its base uplink")
        # The one uplink left is now the best one.
        wait_for(lambda: self.rlocs() == {WWAN: 1}, 10, f"{WWAN} the best RLOC ({self.rlocs()})")
        # NetworkManager 1.42 keeps the VPN on its lost base device, and the gateway
        # (map-server) host route there; lispmnd does not need it (its sockets are bound to
        # their uplinks): the map-server stays registered through wwan.
        wwan4 = [a for a in self.registrations().get(f"{EID4}/32", []) if a.startswith("203.0.113.")]
        self.assertTrue(wwan4, f"not registered through {WWAN}: {self.registrations()}")
        ok, detail = transfer.result()
        self.assertTrue(ok, f"the transfer did not survive: {detail}")

        # Plugged back: NetworkManager brings wlan up again, and it is preferred again.
        self.t.carrier(MN, WLAN, True)
        wait_for(lambda: self.rlocs() == {WLAN: 1, WWAN: 2}, 30, "wlan back as the preferred RLOC")
        # Back on its base device, the gateway route is usable again.
        wait_for(lambda: f"dev {WLAN}" in self.gateway_route(), 5, f"the gateway route back on {WLAN}")
        self.assertTrue(lt.ping_ok(self.t, MN, C4, EID4))
        self.assertTrue(lt.ping_ok(self.t, MN, C6, EID6))
        self.assert_alive()

    def test_3_down_and_delete_deregisters(self):
        if self.nm.state("lisp") != "activated":
            self.skipTest("needs test_2's active profile (failed before)")
        self.assertIn(f"{EID4}/32", self.registrations())
        self.nm.nmcli("connection", "down", "lisp")
        wait_for(lambda: not self.t.has_link(MN, "lispmn0"), 5, "the TUN to go away")
        wait_for(lambda: f"{EID4}/32" not in self.registrations(), 5, "the EID withdrawn")
        self.nm.nmcli("connection", "delete", "lisp")
        self.assertEqual(self.ctl_status()["state"], "stopped")
        self.assert_alive()

    def test_3a_readme_laptop_commands(self):
        """The README's "On a laptop" commands, one by one as a user types them (its key
        placeholder replaced by this map-server's key): the profile comes up registered and
        lispmnctl, bare, shows it."""
        readme = os.path.join(SOURCE, "README.md")
        with open(readme) as f:
            section = f.read().split("\n## On a laptop\n", 1)[1].split("\n## ", 1)[0]
        block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
        commands = [line.split("   #", 1)[0].strip()
                    for line in block.replace("\\\n", " ").splitlines() if line.strip()]
        self.assertEqual([c.split()[0] for c in commands], ["nmcli", "nmcli", "lispmnctl"], commands)
        self.take_down_at_end("lisp")
        for command in commands:
            args = shlex.split(command.replace("SECRET", KEY))
            if args[0] == "nmcli":
                r = self.nm.nmcli(*args[1:], check=False, timeout=60)
            else:
                r = subprocess.run([LISPMNCTL] + args[1:], env=self.nm.env(), capture_output=True,
                                   text=True, timeout=10)
            self.assertEqual(r.returncode, 0, f"{command}: {r.stdout}{r.stderr}")
        self.assertEqual(self.nm.state("lisp"), "activated")
        self.assertIn(f"{EID4}/32", r.stdout)
        self.assertRegex(r.stdout, r"State:\s+(registered|degraded)")
        self.nm.nmcli("connection", "down", "lisp")
        self.nm.nmcli("connection", "delete", "lisp")

    def test_4_agent_owned_key(self):
        """The key kept by an agent (here nmcli --ask, reading it from its input), asked for
        through the secret hints the plugin sends; it is in no file."""
        self.nm.nmcli("connection", "add", "type", "vpn", "vpn-type", "lispmn", "con-name", "asked",
                      "autoconnect", "no", "vpn.data", VPN_DATA + ", map-server-key-flags=2")
        keyfile = os.path.join(self.nm.etc, "system-connections", "asked.nmconnection")
        self.take_down_at_end("asked")
        r = subprocess.run(self.nm.inside(["nmcli", "--ask", "connection", "up", "asked"]),
                           input=KEY + "\n", capture_output=True, text=True, timeout=60)
        print(f"nmcli --ask said: {r.stdout.strip()} {r.stderr.strip()}")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("map-server-key", r.stdout + r.stderr)
        # nmcli's agent ran nm-lispmn-auth-dialog (when built) in external UI mode and asked
        # what it said.
        if os.path.exists(os.path.join(BUILD, "nm-plugin", "auth-dialog", "nm-lispmn-auth-dialog")):
            self.assertIn("Map-server key (vpn.secrets.map-server-key)", r.stdout + r.stderr)
        self.assertEqual(self.nm.state("asked"), "activated")
        wait_for(lambda: f"{EID4}/32" in self.registrations(), 10, "registered with the asked key")
        with open(keyfile) as f:
            self.assertNotIn(KEY, f.read())
        self.nm.nmcli("connection", "down", "asked")
        wait_for(lambda: f"{EID4}/32" not in self.registrations(), 5, "the EID withdrawn")
        self.nm.nmcli("connection", "delete", "asked")
        self.assert_alive()

    def test_5_split_mode(self):
        """ipv4/ipv6.never-default: no default route through the EIDs, only the profile's
        routes (the LISP destinations); the rest leaves natively."""
        self.nm.nmcli("connection", "add", "type", "vpn", "vpn-type", "lispmn", "con-name", "split",
                      "autoconnect", "no", "vpn.data", VPN_DATA, "vpn.secrets", f"map-server-key={KEY}",
                      "ipv4.never-default", "yes", "ipv4.routes", "203.0.113.128/26",
                      "ipv6.never-default", "yes", "ipv6.routes", "2001:db8:c::/64")
        self.take_down_at_end("split")
        self.nm.nmcli("connection", "up", "split")
        routes4 = self.t.run(MN, ["ip", "route"]).stdout
        routes6 = self.t.run(MN, ["ip", "-6", "route"]).stdout
        self.assertNotIn("default dev lispmn0", routes4)
        self.assertNotIn("default dev lispmn0", routes6)
        self.assertRegex(routes4, r"203\.0\.113\.128/26 dev lispmn0")
        self.assertRegex(routes6, r"2001:db8:c::/64 dev lispmn0")
        self.assertIn("dev lispmn0", self.t.run(MN, ["ip", "route", "get", C4]).stdout)
        self.assertIn(f"dev {WLAN}", self.t.run(MN, ["ip", "route", "get", "198.51.100.73"]).stdout)
        # "Activated" comes before lispmnd has its RLOCs and has registered both EIDs: until
        # then the proxy-ITR cannot send C's answers back (test 2 waits for the same).
        wait_for(lambda: self.rlocs() == {WLAN: 1, WWAN: 2}, 10, f"both uplinks as RLOCs ({self.rlocs()})")
        wait_for(lambda: {f"{EID4}/32", f"{EID6}/128"} <= set(self.registrations()), 10,
                 "both EIDs registered")
        self.assertTrue(lt.ping_ok(self.t, MN, C4, EID4), "MN (EID) -> C in split mode")
        self.assertTrue(lt.ping_ok(self.t, MN, C6, EID6), "MN (EID) -> C over IPv6 in split mode")
        self.nm.nmcli("connection", "down", "split")
        self.nm.nmcli("connection", "delete", "split")
        self.assert_alive()

    def test_6_priorities_from_profiles(self):
        """rloc-weight.<interface> in vpn.data, and lisp.priority in an uplink profile's user
        data (set in its keyfile, as nmcli 1.42 cannot), followed while the VPN runs."""
        self.nm.nmcli("connection", "add", "type", "vpn", "vpn-type", "lispmn", "con-name", "prefs",
                      "autoconnect", "no", "vpn.data", VPN_DATA + f", rloc-weight.{WWAN}=20",
                      "vpn.secrets", f"map-server-key={KEY}")
        self.take_down_at_end("prefs")
        self.nm.nmcli("connection", "up", "prefs")
        weights = lambda: {r["interface"]: (r["priority"], r["weight"]) for r in self.ctl_status()["rlocs"]}
        wait_for(lambda: weights() == {WLAN: (1, 100), WWAN: (2, 20)}, 10, "the weight from vpn.data")
        keyfile = os.path.join(self.nm.etc, "system-connections", "wlan.nmconnection")
        with open(keyfile) as f:
            original = f.read()
        try:
            with open(keyfile, "a") as f:
                f.write("\n[user]\nlisp.priority=3\n")
            self.nm.nmcli("connection", "reload")
            wait_for(lambda: weights() == {WLAN: (3, 100), WWAN: (2, 20)}, 10,
                     f"lisp.priority from the wlan profile ({weights()})")
        finally:
            with open(keyfile, "w") as f:
                f.write(original)
            self.nm.nmcli("connection", "reload")
        self.nm.nmcli("connection", "down", "prefs")
        self.nm.nmcli("connection", "delete", "prefs")
        self.assert_alive()

    def test_7_captive_portal_demotes(self):
        """NetworkManager's connectivity check finds a captive portal behind wwan: its RLOC
        is demoted; once the portal lets it through, it is back at its rank."""
        self.nm.nmcli("connection", "add", "type", "vpn", "vpn-type", "lispmn", "con-name", "portal",
                      "autoconnect", "no", "vpn.data", VPN_DATA, "vpn.secrets", f"map-server-key={KEY}")
        self.take_down_at_end("portal")
        self.nm.nmcli("connection", "up", "portal")
        wait_for(lambda: self.rlocs() == {WLAN: 1, WWAN: 2}, 10, "both uplinks at their ranks")
        try:
            with open(self.portal_mode, "w") as f:
                f.write("203.0.113.")
            self.nm.nmcli("networking", "connectivity", "check")
            wait_for(lambda: self.rlocs() == {WLAN: 1, WWAN: 2 + 100}, 10,
                     f"wwan demoted behind the portal ({self.rlocs()})")
        finally:
            with open(self.portal_mode, "w") as f:
                f.write("")
        self.nm.nmcli("networking", "connectivity", "check")
        wait_for(lambda: self.rlocs() == {WLAN: 1, WWAN: 2}, 10, "wwan back at its rank")
        self.nm.nmcli("connection", "down", "portal")
        self.nm.nmcli("connection", "delete", "portal")
        self.assert_alive()

    def up_fails(self, profile, vpn_data, key, timeout=90):
        """nmcli up of a new profile that must fail: nmcli's words."""
        self.nm.nmcli("connection", "add", "type", "vpn", "vpn-type", "lispmn", "con-name", profile,
                      "autoconnect", "no", "vpn.data", vpn_data, "vpn.secrets", f"map-server-key={key}")
        self.addCleanup(self.nm.nmcli, "connection", "delete", profile, check=False)
        t0 = time.monotonic()
        r = self.nm.nmcli("connection", "up", profile, check=False, timeout=timeout)
        seconds = time.monotonic() - t0
        self.assertNotEqual(r.returncode, 0, f"'{profile}' activated: {r.stdout}")
        self.assertNotEqual(self.nm.state(profile), "activated")
        print(f"nmcli up {profile} failed after {seconds:.1f} s: {(r.stdout + r.stderr).strip()}")
        return r.stdout + r.stderr

    def test_7a_wrong_key_fails_activation(self):
        """The map-server refuses the key: no "activated"; the reason says wrong key; lispmnd
        does not keep trying with it."""
        # nmcli 1.42 shows only NetworkManager's generic reason ("The VPN service stopped
        # unexpectedly"); the plugin's reason goes to the journal.
        self.up_fails("wrongkey", VPN_DATA, "not-the-" + KEY)
        wait_for(lambda: f"map-server {MS} refused the key: wrong key" in self.nm.log("NetworkManager"),
                 5, "the reason in the journal")
        wait_for(lambda: self.ctl_status()["state"] == "stopped", 10, "lispmnd stopped")
        self.assert_alive()

    def test_7b_silent_map_server_fails_activation(self):
        """A map-server that never answers: the activation fails after the Map-Registers'
        retries, saying so."""
        silent = "198.51.100.67"   # on the map-server's link, nobody there
        self.up_fails("silent", f"eid={EID4} {EID6}, map-server={silent}, proxy-etr={PETR}", KEY)
        wait_for(lambda: f"map-server {silent} is not answering" in self.nm.log("NetworkManager"), 5,
                 "the reason in the journal")
        wait_for(lambda: self.ctl_status()["state"] == "stopped", 10, "lispmnd stopped")
        self.assert_alive()

    def test_7c_no_proxy_etr_keeps_the_internet(self):
        """Without a proxy-ETR the profile gets no default route through the TUN (which would
        blackhole every non-LISP destination), with a warning saying what to add."""
        self.nm.nmcli("connection", "add", "type", "vpn", "vpn-type", "lispmn", "con-name", "nopetr",
                      "autoconnect", "no", "vpn.data", f"eid={EID4} {EID6}, map-server={MS}",
                      "vpn.secrets", f"map-server-key={KEY}", "ipv4.routes", "203.0.113.128/26")
        self.take_down_at_end("nopetr")
        self.nm.nmcli("connection", "up", "nopetr")
        self.assertEqual(self.nm.state("nopetr"), "activated")
        for family in ("-4", "-6"):
            routes = self.t.run(MN, ["ip", family, "route"]).stdout
            self.assertNotIn("default dev lispmn0", routes)
        self.assertIn("203.0.113.128/26 dev lispmn0", self.t.run(MN, ["ip", "route"]).stdout)
        # The map-server's network (not LISP) is reached directly.
        self.assertIn(f"dev {WLAN}", self.t.run(MN, ["ip", "route", "get", "198.51.100.73"]).stdout)
        wait_for(lambda: "vpn.data has no proxy-etr" in self.nm.log("NetworkManager"), 5, "the warning")
        self.nm.nmcli("connection", "down", "nopetr")
        self.assert_alive()

    def test_7d_lispmnd_killed_while_up(self):
        """lispmnd crashes while the VPN is up: NetworkManager stops showing it active (the
        restarted lispmnd is not configured), and `up` works again afterwards."""
        self.nm.nmcli("connection", "add", "type", "vpn", "vpn-type", "lispmn", "con-name", "crash",
                      "autoconnect", "no", "vpn.data", VPN_DATA, "vpn.secrets", f"map-server-key={KEY}")
        self.take_down_at_end("crash")
        self.nm.nmcli("connection", "up", "crash")
        self.assertEqual(self.nm.state("crash"), "activated")
        os.kill(self.mn.pid, 9)
        wait_for(lambda: not self.mn.proc.running(), 5, "lispmnd gone")
        wait_for(lambda: self.nm.state("crash") != "activated", 10,
                 "NetworkManager to stop showing the VPN active")
        wait_for(lambda: "lispmnd exited" in self.nm.log("NetworkManager"), 5, "the reason in the journal")
        # Restarted (as systemd would), unconfigured: up configures it again.
        type(self).start_lispmnd()
        self.nm.nmcli("connection", "up", "crash", timeout=60)
        self.assertEqual(self.nm.state("crash"), "activated")
        wait_for(lambda: f"{EID4}/32" in self.registrations(), 10, "registered again")
        self.nm.nmcli("connection", "down", "crash")
        self.assert_alive()

    def test_8_key_logged_nowhere(self):
        """After all of the above (with NetworkManager logging at debug level)."""
        with open(self.mn.state_file) as f:
            state = f.read()
        for name, text in [("NetworkManager and the plugin", self.nm.log("NetworkManager")),
                           ("lispmnd", self.mn.proc.log(tail=10**7)),
                           ("lispmnd's state file", state)]:
            self.assertNotIn(KEY, text, f"the key appears in {name}'s log")

    def test_9_lispmnd_not_running(self):
        """Last (it stops lispmnd): activation fails saying so; NetworkManager stays."""
        self.assertEqual(self.mn.stop(), 0)
        self.nm.nmcli("connection", "add", "type", "vpn", "vpn-type", "lispmn", "con-name", "orphan",
                      "autoconnect", "no", "vpn.data", VPN_DATA, "vpn.secrets", f"map-server-key={KEY}")
        r = self.nm.nmcli("connection", "up", "orphan", check=False)
        self.assertNotEqual(r.returncode, 0)
        wait_for(lambda: "lispmnd is not running" in self.nm.log("NetworkManager"), 5,
                 "the reason in the journal")
        self.assertTrue(self.nm.running("NetworkManager"))
        self.nm.nmcli("connection", "delete", "orphan")


if __name__ == "__main__":
    unittest.main(verbosity=2)
