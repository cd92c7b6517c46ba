#!/usr/bin/python3
"""The roaming demo: a laptop keeps its address, and an incoming TCP session, while it moves
between uplinks. Everything runs in network namespaces of its own on documentation
addresses, with the programs of the build tree; nothing leaves this machine.

    sudo tools/roaming-demo.py [--build DIR] [--keep DIR] [--no-nat]

The cast (namespaces):
    laptop   the mobile node, lispmnd; EIDs 192.0.2.10 and 2001:db8:e1d::10;
             "ethernet" (up1, priority 1, preferred) and "wifi" (up2, priority 2)
    isp      the routers between everything, and lispmn-server: map-server + map-resolver,
             and the RTR (with the proxy-ETR/ITR it needs) at 198.51.100.18, its address
             towards home, which no scene takes down
    home     the xTR of the home site (lispmnd mode=xtr)
    server   a server in the home site (192.0.2.130) that connects TO the laptop's EID
    cafe     a café's router: IPv4 only, behind a NAT (nftables masquerade, random ports)

Scenes: the laptop registers; the home server opens a TCP connection to the laptop's EID and
streams data into it while pinging it every 10 ms; the Ethernet cable is pulled; it is
plugged back in; the cable is pulled again and the Wi-Fi network hands out a new address;
then the Wi-Fi joins the café's network behind its NAT, and the laptop registers through
the RTR. At the end: the TCP stream arrived whole, and per scene how long re-registration
took, which uplinks were behind NAT and the longest gap in the pings. Exits 0 when the
session survived every move.

    --no-nat   without the café behind NAT (and without the RTR)
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from netns import Topology, wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402
from fixtures import MS, SERVER_CONF, PrivateSystemBus, map_server_states  # noqa: E402

CAFE = "cafe"
NAMES = {lt.MN: "laptop", lt.R: "isp", lt.X: "home", lt.C: "server", CAFE: "cafe"}
WIFI_OLD, WIFI_NEW = "198.51.100.9/29", "198.51.100.12/29"
WIFI_V6 = f"{lt.MN_UPLINKS['up2'][6][0]}/64"
STREAM_PORT, STREAM_RATE = 5001, 100_000
STREAM_SECONDS = {False: 22, True: 34}   # without, with the café behind NAT

# The café: its router's outside (towards isp) and its Wi-Fi LAN, where the laptop gets a
# private address. isp routes only the outside: the LAN is reachable only through the NAT.
CAFE_WAN = ("198.51.100.25", "198.51.100.26", 29)   # café router, isp
CAFE_LAN = ("198.51.100.33", "198.51.100.34", 29)   # laptop, café router
# The RTR sits on isp's link to the home site (r3): the laptop's own links to isp go down
# in the scenes, and the RTR's data plane needs an uplink that stays up.
RTR = lt.X_UPLINK[4][1]

# The standard configurations of the tests (lispmn-server with the laptop's and the home
# site's keys, the home xTR), with the laptop's Wi-Fi (up2) second to its Ethernet (up1).
HOME_CONF = fixtures.X_CONF
LAPTOP_CONF = fixtures.mn_conf(up2_priority=2)
# lispmn-server as map-server and map-resolver, and for the café also the RTR, which needs
# the proxy-ETR/ITR's data plane: the same process, one more address (see the cast above).
# The proxy looks EIDs up at that address too: its sockets are on r3, and MS is on r1, the
# link to the laptop's Ethernet, which the scenes take down.
SERVER_RTR_CONF = SERVER_CONF + f"""
[map-server]
rtrs={RTR}

[proxy]
eids={lt.EID4}/32;{lt.EID6}/128
uplinks=r3
map-resolver={RTR}
tun=lmn-demo-px0

[rtr]
address={RTR}
map-servers={MS}
"""


def say(text=""):
    print(text, flush=True)


def title(text):
    say()
    say(f"== {text} " + "=" * max(0, 74 - len(text)))


def indent(text):
    return "\n".join("    " + line for line in text.rstrip().splitlines())


class Demo:
    def __init__(self, t, workdir, build, nat=True):
        self.t, self.dir, self.nat = t, workdir, nat
        self.stream_seconds = STREAM_SECONDS[nat]
        self.lispmnd = os.path.join(build, "daemon", "lispmnd")
        self.server_bin = os.path.join(build, "daemon", "server", "lispmn-server")
        self.lispmnctl = os.path.join(build, "daemon", "ctl", "lispmnctl")
        missing = fixtures.not_built(self.lispmnd, self.server_bin, self.lispmnctl)
        if missing:
            sys.exit(f"roaming-demo: {missing} (run tools/run-demo.sh, or ninja -C {build})")
        os.environ["LISPMND"] = self.lispmnd
        os.environ["LISPMN_SERVER"] = self.server_bin
        self.scenes = []
        self.handovers_seen = 0

    def ctl(self, *args):
        """lispmnctl against the laptop's lispmnd (on the demo's own system bus)."""
        r = subprocess.run([self.lispmnctl, *args], env=self.env, capture_output=True, text=True,
                           timeout=10)
        return r.stdout if r.returncode == 0 else r.stdout + r.stderr

    def status(self):
        return json.loads(self.ctl("status", "--json"))

    def up_rlocs(self):
        return sorted(r["address"] for r in self.status()["rlocs"] if r["state"] == "up")

    def behind_nat(self):
        """The up RLOCs behind a NAT, as D-Bus Rlocs says: [(uplink name, RLOC, public
        address:port, RTR)]."""
        names = {"up1": "ethernet", "up2": "wifi"}
        return [(names.get(r["interface"], r["interface"]), r["address"],
                 f"{r.get('public-address', '')}:{r.get('public-port', 0)}", r.get("rtr", ""))
                for r in self.status()["rlocs"]
                if r["state"] == "up" and r.get("nat") == "behind-nat"]

    def say_nat(self):
        """What the NAT discovery found, from `lispmnctl status --json` (D-Bus Rlocs)."""
        rlocs = [r for r in self.status()["rlocs"] if r["state"] == "up"]
        say("$ lispmnctl status --json   (Rlocs: nat, public-address, public-port, rtr)")
        for r in rlocs:
            line = f"{r['interface']:6} {r['address']:22} nat={r.get('nat', '?')}"
            if r.get("nat") == "behind-nat":
                line += f" seen as {r.get('public-address')}:{r.get('public-port')}"
            if r.get("rtr"):
                line += f" through the RTR {r['rtr']}"
            say(indent(line))

    def start(self):
        title("Setting the stage")
        lt.build(self.t)
        if self.nat:
            self.build_cafe()
        say("network namespaces: " + ", ".join(f"{self.t.nsname(ns)} ({who})"
                                               for ns, who in NAMES.items() if ns != CAFE or self.nat))
        self.server = lt.MapServer(self.t, lt.R, SERVER_RTR_CONF if self.nat else SERVER_CONF,
                                   self.dir)
        say(f"isp:    lispmn-server is the map-server and map-resolver at {MS}")
        if self.nat:
            say(f"isp:    ... and the RTR (with its proxy-ETR/ITR) at {RTR}")
            say(f"cafe:   a router that masquerades its LAN {CAFE_LAN[1]}/{CAFE_LAN[2]} behind "
                f"{CAFE_WAN[0]} (random ports)")
        os.chmod(self.dir, 0o755)
        self.bus = PrivateSystemBus(self.dir)
        self.env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.bus.address)
        self.laptop, self.home = lt.start_daemons(self.t, self.dir, LAPTOP_CONF, HOME_CONF,
                                                  mn_env=self.env)
        say("home:   lispmnd as the home site's xTR (192.0.2.128/25, 2001:db8:e1d:2::/64)")
        say(f"laptop: lispmnd, EIDs {lt.EID4} and {lt.EID6}; ethernet preferred (priority 1), "
            "wifi second (priority 2)")
        wait_for(lambda: self.status()["state"] == "registered", 10, "the laptop to register")
        wait_for(lambda: map_server_states(self.home) == ["registered"], 10, "the home xTR to register")
        say()
        say("$ lispmnctl status")
        say(indent(self.ctl("status")))

    def start_traffic(self):
        title("The home server connects to the laptop's EID")
        lt.ping_ok(self.t, lt.C, lt.EID4)       # the first lookup through the map-resolver
        self.monitor = self.t.popen(lt.MN, [self.lispmnctl, "monitor", "--json"],
                                    os.path.join(self.dir, "monitor.log"), env=self.env)
        nbytes = STREAM_RATE * self.stream_seconds
        self.stream = lt.Transfer(self.t, self.dir, lt.MN, lt.EID4, lt.C, lt.C4, "client",
                                  nbytes, rate=STREAM_RATE, port=STREAM_PORT,
                                  timeout=self.stream_seconds + 20)
        self.ping_log = os.path.join(self.dir, "ping.log")
        self.ping = self.t.popen(lt.C, ["ping", "-n", "-D", "-i", "0.01", "-W", "1",
                                        "-w", str(self.stream_seconds + 10), lt.EID4], self.ping_log)
        say(f"server {lt.C4} -> laptop {lt.EID4}: a TCP stream of {nbytes // 1000} kB at "
            f"{STREAM_RATE // 1000} kB/s (about {self.stream_seconds} s), and a ping every 10 ms")
        time.sleep(3)

    def scene(self, name, action, settled, settle_seconds=5):
        title(name)
        before = self.up_rlocs()
        at = time.time()
        action()
        try:
            wait_for(settled, settle_seconds, name)
        except TimeoutError as e:
            say(f"!! {e}")
        after = self.up_rlocs()
        came = sorted(set(after) - set(before))
        went = sorted(set(before) - set(after))
        say(f"RLOCs in use: {', '.join(after) or 'none'}")
        if came:
            say(f"came: {', '.join(came)}")
        if went:
            say(f"went: {', '.join(went)}")
        time.sleep(3)
        seen = self.handovers()
        rereg = [h["reregistration-seconds"] for h in seen[self.handovers_seen:]
                 if h.get("reregistration-seconds", -1) >= 0]
        self.handovers_seen = len(seen)
        if rereg:
            say(f"re-registered with the map-server {rereg[-1] * 1000:.0f} ms after the move "
                "(lispmnctl monitor)")
        self.scenes.append({"name": name, "at": at, "rereg": rereg, "nat": self.behind_nat()})
        say("$ lispmnctl rlocs")
        say(indent(self.ctl("rlocs")))
        if self.nat:
            self.say_nat()

    def unplug_ethernet(self):
        self.t.carrier(lt.MN, "up1", False)

    def plug_ethernet(self):
        self.t.carrier(lt.MN, "up1", True)
        wait_for(lambda: "LOWER_UP" in self.t.run(lt.MN, ["ip", "link", "show", "up1"]).stdout,
                 3, "ethernet carrier")
        lt.add_uplink_routes(self.t, "up1")   # NetworkManager's job on a real laptop

    def renumber_wifi(self):
        self.t.del_addr(lt.MN, "up2", WIFI_OLD)
        self.t.addr(lt.MN, "up2", WIFI_NEW)
        lt.add_uplink_routes(self.t, "up2")

    def ethernet_up(self):
        return "198.51.100.1" in self.up_rlocs()

    def build_cafe(self):
        """The café's router, linked to isp, masquerading what leaves by its outside (the
        tests' NAT, lisp_topology.masquerade). Its LAN is linked later, in the scene."""
        self.t.add_ns(CAFE)
        self.t.link(CAFE, "wan", lt.R, "r4")
        cafe, isp, plen = CAFE_WAN
        self.t.addr(CAFE, "wan", f"{cafe}/{plen}")
        self.t.addr(lt.R, "r4", f"{isp}/{plen}")
        self.t.route(CAFE, "default", "via", isp, "dev", "wan")
        lt.masquerade(self.t, CAFE, "wan")

    def wifi_to_cafe(self):
        """The Wi-Fi associates with the café's access point: up2's other end moves from isp
        into the café's router (the link drops and comes back), and the café's DHCP hands out
        a private IPv4 address and no IPv6."""
        for cidr in (WIFI_NEW, WIFI_V6):
            self.t.del_addr(lt.MN, "up2", cidr)
        self.t.run(lt.R, ["ip", "link", "set", "r2", "netns", self.t.nsname(CAFE)])
        self.t.run(CAFE, ["ip", "link", "set", "r2", "name", "lan"])
        self.t.peers[(lt.MN, "up2")] = (CAFE, "lan")
        laptop, cafe, plen = CAFE_LAN
        self.t.addr(CAFE, "lan", f"{cafe}/{plen}")
        self.t.run(CAFE, ["ip", "link", "set", "lan", "up"])
        self.t.addr(lt.MN, "up2", f"{laptop}/{plen}")
        self.t.route(lt.MN, "default", "via", cafe, "dev", "up2", "metric",
                     str(lt.MN_UPLINKS["up2"]["metric"]))

    def wifi_behind_nat_registered(self):
        """The Wi-Fi's RLOC is behind the NAT, goes through the RTR, and the map-server
        holds the RTR as the laptop's locator."""
        if [r[1] for r in self.behind_nat() if r[3] == RTR] != [CAFE_LAN[0]]:
            return False
        regs = {r["eid"]: [l["address"] for l in r["locators"]]
                for r in self.server.state().get("registrations", [])}
        return regs.get(f"{lt.EID4}/32") == [RTR]

    def run(self):
        self.start()
        self.start_traffic()
        self.scene("The Ethernet cable is pulled", self.unplug_ethernet,
                   lambda: not self.ethernet_up())
        self.scene("The Ethernet cable is plugged back in", self.plug_ethernet, self.ethernet_up)
        self.scene("Off again: the Wi-Fi hands out a new address",
                   lambda: (self.unplug_ethernet(), self.renumber_wifi()),
                   lambda: WIFI_NEW.split("/")[0] in self.up_rlocs() and not self.ethernet_up())
        if self.nat:
            # Discovery (an Info-Request), then the Map-Register through the RTR and its
            # Data-Map-Notify: a few round trips, and the first Info-Request may be lost
            # while the link comes back (retried after 1 s).
            self.scene("At a café behind NAT: the Wi-Fi joins the café's network",
                       self.wifi_to_cafe, self.wifi_behind_nat_registered, settle_seconds=15)
        return self.finish()

    def handovers(self):
        out = []
        with open(os.path.join(self.dir, "monitor.log")) as f:
            for line in f:
                try:
                    ev = json.loads(line)
                except ValueError:
                    continue
                if "handover" in ev:
                    out.append(ev["handover"])
        return out

    def finish(self):
        title("How it went")
        ok, detail = self.stream.result()
        self.ping.wait(self.stream_seconds + 15)
        replies = []
        with open(self.ping_log) as f:
            for line in f:
                if "icmp_seq=" in line and line.startswith("["):
                    stamp = float(line[1:line.index("]")])
                    replies.append(stamp)
        self.monitor.stop()
        handovers = self.handovers()
        for i, sc in enumerate(self.scenes):
            end = self.scenes[i + 1]["at"] if i + 1 < len(self.scenes) else float("inf")
            window = [s for s in replies if sc["at"] - 1 <= s < end]
            gaps = [b - a for a, b in zip(window, window[1:])]
            sc["gap_ms"] = max(gaps) * 1000 if gaps else float("inf")
        say(f"{'scene':56} {'re-registered':>14} {'longest ping gap':>17}")
        for sc in self.scenes:
            rereg = f"{sc['rereg'][-1] * 1000:.0f} ms" if sc["rereg"] else "-"
            say(f"{sc['name'][:56]:56} {rereg:>14} {sc['gap_ms']:14.0f} ms")
            for uplink, rloc, public, rtr in sc["nat"]:
                say(f"    behind NAT: {uplink} ({rloc}, seen as {public}, through the RTR {rtr})")
        if self.nat:
            natted = [(sc, n) for sc in self.scenes for n in sc["nat"]]
            if natted:
                worst = max(natted, key=lambda x: x[0]["gap_ms"])[0]
                say(f"uplinks behind NAT: {', '.join(sorted({n[0] for _, n in natted}))}; "
                    f"longest gap in a scene behind NAT: {worst['gap_ms']:.0f} ms")
            else:
                say("uplinks behind NAT: none (the café's NAT was never seen)")
        say(f"handover signals seen by `lispmnctl monitor`: {len(handovers)}")
        eids = self.status()["eids"]
        say(f"the laptop's EIDs all along: {', '.join(eids)}")
        if ok:
            say(f"the TCP stream from the server: arrived whole ({STREAM_RATE * self.stream_seconds // 1000} kB, "
                "same SHA-256 at both ends, one connection throughout)")
        else:
            say(f"the TCP stream from the server: BROKEN ({detail})")
        say()
        say("$ lispmnctl map-servers")
        say(indent(self.ctl("map-servers")))
        survived = ok and all(sc["gap_ms"] < 2000 for sc in self.scenes)
        if self.nat and not any(sc["nat"] for sc in self.scenes):
            survived = False   # the café scene did not happen as told
        say()
        say("The session survived every move." if survived else "Something did not survive: see the logs.")
        return survived


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="the meson build directory")
    ap.add_argument("--keep", metavar="DIR", help="keep the logs in DIR (default: removed)")
    ap.add_argument("--no-nat", action="store_true",
                    help="without the café behind NAT (and without the RTR)")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("roaming-demo: needs root (network namespaces)")
    workdir = args.keep or tempfile.mkdtemp(prefix="lispmn-demo-")
    os.makedirs(workdir, exist_ok=True)
    ok = False
    try:
        with Topology() as t:
            demo = Demo(t, workdir, os.path.abspath(args.build), nat=not args.no_nat)
            try:
                ok = demo.run()
            finally:
                for d in ("laptop", "home"):
                    if hasattr(demo, d):
                        getattr(demo, d).stop()
                if hasattr(demo, "server"):
                    demo.server.stop()
                if hasattr(demo, "bus"):
                    demo.bus.stop()
    finally:
        if args.keep:
            say(f"logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
