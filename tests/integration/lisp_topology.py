"""The data-plane topology, the lispmnd configurations for it, and helpers shared by the
integration tests and the benchmark.

        MN (mobile node)                     R (router)                 X (xTR)         C
   EIDs 192.0.2.10/32, 2001:db8:e1d::10/128
        up1 198.51.100.1/29   ---- r1 .2
            2001:db8:100:1::1/64     ::2
        up2 198.51.100.9/29   ---- r2 .10
            2001:db8:100:2::1/64     ::2
                                          r3 198.51.100.18 ---- up0 198.51.100.17/29
                                             2001:db8:100:3::2   2001:db8:100:3::1/64
                                                                 lan0 192.0.2.129/25 ---- eth0 .130
                                                                 2001:db8:e1d:2::1/64      ::2

MN has a default route per uplink via R (metrics 100 and 200, as NetworkManager would set
them), X one via R (metric 100), C one via X. R knows only the RLOC subnets: with lispmnd an
EID packet that escapes unencapsulated dies at R. For plain routing (baseline, benchmark) the
EIDs are put on MN's loopback and R gets routes to the EID prefixes (`plain_routing`).
"""
import json
import os
import signal
import subprocess
import tempfile

from netns import Topology, catches_signal, wait_for, proc_cpu_seconds

HERE = os.path.dirname(os.path.abspath(__file__))
TCP_TRANSFER = os.path.join(HERE, "tcp_transfer.py")
PYTHON = "/usr/bin/python3"

MN, R, X, C = "mn", "r", "x", "c"

EID4, EID6 = "192.0.2.10", "2001:db8:e1d::10"
SITE4, SITE6 = "192.0.2.128/25", "2001:db8:e1d:2::/64"
C4, C6 = "192.0.2.130", "2001:db8:e1d:2::2"

# uplink -> (MN address, R address, prefix length) per family
MN_UPLINKS = {
    "up1": {"r_if": "r1", "metric": 100,
            4: ("198.51.100.1", "198.51.100.2", 29), 6: ("2001:db8:100:1::1", "2001:db8:100:1::2", 64)},
    "up2": {"r_if": "r2", "metric": 200,
            4: ("198.51.100.9", "198.51.100.10", 29), 6: ("2001:db8:100:2::1", "2001:db8:100:2::2", 64)},
}
X_UPLINK = {4: ("198.51.100.17", "198.51.100.18", 29), 6: ("2001:db8:100:3::1", "2001:db8:100:3::2", 64)}
X_LAN = {4: ("192.0.2.129", C4, 25), 6: ("2001:db8:e1d:2::1", C6, 64)}

LISPMND_DEFAULT = os.path.join(HERE, "..", "..", "build", "daemon", "lispmnd")


def lispmnd_path():
    return os.environ.get("LISPMND", LISPMND_DEFAULT)


def build(t: Topology):
    """Create the four namespaces, their links, addresses and uplink routes."""
    for ns in (MN, R, X, C):
        t.add_ns(ns)
    for up, u in MN_UPLINKS.items():
        t.link(MN, up, R, u["r_if"])
        for fam in (4, 6):
            mine, r, plen = u[fam]
            t.addr(MN, up, f"{mine}/{plen}")
            t.addr(R, u["r_if"], f"{r}/{plen}")
        add_uplink_routes(t, up)
    t.link(X, "up0", R, "r3")
    t.link(X, "lan0", C, "eth0")
    for fam in (4, 6):
        x, r, plen = X_UPLINK[fam]
        t.addr(X, "up0", f"{x}/{plen}")
        t.addr(R, "r3", f"{r}/{plen}")
        t.route(X, "default", "via", r, "dev", "up0", "metric", "100")
        x_lan, c, plen = X_LAN[fam]
        t.addr(X, "lan0", f"{x_lan}/{plen}")
        t.addr(C, "eth0", f"{c}/{plen}")
        t.route(C, "default", "via", x_lan, "dev", "eth0")


# -- NAT (draft-ietf-lisp-nat-traversal) ------------------------------------------------------
#
# build_nat() puts a NAT namespace N between MN's up1 and R: MN's up1 gets a private address
# on N's LAN, and N takes MN's old up1 addresses on R's side, so R and everything behind it
# are as in build(). IPv4 is masqueraded with random ports (Linux's endpoint-dependent,
# "symmetric" NAT); IPv6 is routed through N untranslated (MN's up1 gets a prefix of its
# own), the usual home network: IPv4 behind a NAT, IPv6 public. up2 stays public.
#
#   MN up1 198.51.100.41/29 -- lan .42  [N: masquerade random]  wan 198.51.100.1/29 -- r1 R
#          2001:db8:100:4::1/64   ::2                                2001:db8:100:1::1

NAT = "n"
NAT_LAN = {4: ("198.51.100.41", "198.51.100.42", 29), 6: ("2001:db8:100:4::1", "2001:db8:100:4::2", 64)}


def build_nat(t: Topology, nats=1):
    """build()'s namespaces with N (nats=2: N2 then N, a carrier-grade NAT under the home
    router) between MN's up1 and R."""
    for ns in (MN, R, X, C):
        t.add_ns(ns)
    build_rest = dict(MN_UPLINKS)
    del build_rest["up1"]
    for up, u in build_rest.items():
        t.link(MN, up, R, u["r_if"])
        for fam in (4, 6):
            mine, r, plen = u[fam]
            t.addr(MN, up, f"{mine}/{plen}")
            t.addr(R, u["r_if"], f"{r}/{plen}")
        add_uplink_routes(t, up)
    t.link(X, "up0", R, "r3")
    t.link(X, "lan0", C, "eth0")
    for fam in (4, 6):
        x, r, plen = X_UPLINK[fam]
        t.addr(X, "up0", f"{x}/{plen}")
        t.addr(R, "r3", f"{r}/{plen}")
        t.route(X, "default", "via", r, "dev", "up0", "metric", "100")
        x_lan, c, plen = X_LAN[fam]
        t.addr(X, "lan0", f"{x_lan}/{plen}")
        t.addr(C, "eth0", f"{c}/{plen}")
        t.route(C, "default", "via", x_lan, "dev", "eth0")
    # N on R's r1, with MN's old up1 addresses
    t.add_ns(NAT)
    t.link(NAT, "wan", R, "r1")
    for fam in (4, 6):
        wan, r, plen = MN_UPLINKS["up1"][fam]
        t.addr(NAT, "wan", f"{wan}/{plen}")
        t.addr(R, "r1", f"{r}/{plen}")
        t.route(NAT, "default", "via", r, "dev", "wan")
    t.route(R, "2001:db8:100:4::/64", "via", MN_UPLINKS["up1"][6][0], "dev", "r1")
    masquerade(t, NAT, "wan")
    inner, lan_if = NAT, "lan"
    if nats == 2:
        # N2 between MN and N: its WAN is N's LAN, 198.51.100.49/29 behind N's .50
        t.add_ns("n2")
        t.link("n2", "wan", NAT, "lan")
        t.addr(NAT, "lan", "198.51.100.50/29")
        t.addr("n2", "wan", "198.51.100.49/29")
        t.route("n2", "default", "via", "198.51.100.50", "dev", "wan")
        t.addr(NAT, "lan", "2001:db8:100:5::2/64")
        t.addr("n2", "wan", "2001:db8:100:5::1/64")
        t.route("n2", "default", "via", "2001:db8:100:5::2", "dev", "wan")
        t.route(NAT, "2001:db8:100:4::/64", "via", "2001:db8:100:5::1", "dev", "lan")
        masquerade(t, "n2", "wan")
        inner = "n2"
    t.link(MN, "up1", inner, lan_if)
    for fam in (4, 6):
        mine, gw, plen = NAT_LAN[fam]
        t.addr(MN, "up1", f"{mine}/{plen}")
        t.addr(inner, lan_if, f"{gw}/{plen}")
        t.route(MN, "default", "via", gw, "dev", "up1", "metric", str(MN_UPLINKS["up1"]["metric"]))
    # The tests pull an uplink's cable by taking its peer down: the peer keeps its IPv6
    # addresses (the kernel flushes them on down otherwise), as a router's port would.
    t.sysctl(inner, f"net.ipv6.conf.{lan_if}.keep_addr_on_down", 1)
    t.sysctl(R, "net.ipv6.conf.r2.keep_addr_on_down", 1)


# lispmn-server in a namespace of its own behind R, as on a server with a public address:
# map-server, map-resolver, proxy and RTR on one address.
S = "s"
S4, S6 = "203.0.113.2", "2001:db8:ffff::2"


def add_server_ns(t: Topology):
    """S on R's r4 (203.0.113.0/29, 2001:db8:ffff::/64); R routes MN's EIDs to it (the proxy
    announces them)."""
    t.add_ns(S)
    t.link(R, "r4", S, "s0")
    for r_addr, s_addr, plen in (("203.0.113.1", S4, 29), ("2001:db8:ffff::1", S6, 64)):
        t.addr(R, "r4", f"{r_addr}/{plen}")
        t.addr(S, "s0", f"{s_addr}/{plen}")
        t.route(S, "default", "via", r_addr, "dev", "s0")
    t.route(R, f"{EID4}/32", "via", S4, "dev", "r4")
    t.route(R, f"{EID6}/128", "via", S6, "dev", "r4")


# -- an attacker (tests/integration/test_hardening.py) -------------------------------------------
#
#   A on R's r5: 203.0.113.10/29 its own address, 203.0.113.12 the "third host" it names (it
#   owns that address too, so that the test can count what the daemons send there, and can
#   send from it as a spoofer would); R routes between A and everything else.

A = "a"
A4, A_VICTIM4 = "203.0.113.10", "203.0.113.12"


def add_attacker_ns(t: Topology):
    """A stranger's namespace that reaches MN's RLOCs and the map-server (R) through R, with an
    address of its own and a third host's address it can send from and listen on."""
    t.add_ns(A)
    t.link(R, "r5", A, "a0")
    t.addr(R, "r5", "203.0.113.9/29")
    t.addr(A, "a0", f"{A4}/29")
    t.addr(A, "a0", f"{A_VICTIM4}/29")
    t.route(A, "default", "via", "203.0.113.9", "dev", "a0")


def rss_kib(pid):
    """The resident set size of process pid, in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def masquerade(t, ns, wan):
    """IPv4 leaving ns by wan gets wan's address and a random port, per destination: an
    endpoint-dependent ("symmetric") NAT, as Linux masquerade with random ports is."""
    for rule in (["add", "table", "ip", "lmnnat"],
                 ["add", "chain", "ip", "lmnnat", "post",
                  "{ type nat hook postrouting priority 100 ; }"],
                 ["add", "rule", "ip", "lmnnat", "post", "oifname", wan, "masquerade",
                  "fully-random"]):
        t.run(ns, ["nft"] + rule)


def flush_conntrack(t, ns):
    """The NAT forgets every binding (as after a reboot or a timeout)."""
    t.run(ns, ["conntrack", "-F"], check=False)


def add_uplink_routes(t, up):
    """MN's default route through an uplink (again, after its address was removed and
    restored: the kernel drops routes whose gateway became unreachable)."""
    u = MN_UPLINKS[up]
    for fam in (4, 6):
        t.route(MN, "default", "via", u[fam][1], "dev", up, "metric", str(u["metric"]))


def plain_routing(t, on):
    """Route the EIDs natively instead of through LISP: the EIDs on MN's loopback, routes on
    R to them (through up1) and to the site, and a route on MN to the site from the EID."""
    verb = t.route if on else t.del_route
    if on:
        t.addr(MN, "lo", f"{EID4}/32")
        t.addr(MN, "lo", f"{EID6}/128")
    for fam, eid, plen, site in ((4, EID4, 32, SITE4), (6, EID6, 128, SITE6)):
        up1 = MN_UPLINKS["up1"][fam]
        verb(MN, site, "via", up1[1], "dev", "up1", "src", eid, "metric", "50")
        verb(R, f"{eid}/{plen}", "via", up1[0], "dev", "r1")
        verb(R, site, "via", X_UPLINK[fam][0], "dev", "r3")
    if not on:
        t.del_addr(MN, "lo", f"{EID4}/32")
        t.del_addr(MN, "lo", f"{EID6}/128")


# -- lispmnd configuration ------------------------------------------------------------------

def _locators(entries):
    return ";".join(f"{addr} {prio} {weight}" for addr, prio, weight in entries)


def mn_config(families=(4, 6), uplinks=None, extra=(), site_mappings=True):
    """lispmnd.conf of the mobile node. families: outer (RLOC) families X's locators are
    listed in. uplinks: {iface: (priority, weight)}, default both priority 1, weight 50."""
    uplinks = uplinks or {"up1": (1, 50), "up2": (1, 50)}
    lines = ["[lispmnd]", "mode=mobile-node", f"eids={EID4}/32;{EID6}/128",
             "manage-addresses=true", *extra, ""]
    for iface, (prio, weight) in uplinks.items():
        lines += [f"[uplink {iface}]", f"priority={prio}", f"weight={weight}", ""]
    x_locs = [(X_UPLINK[f][0], 1, 100) for f in families]
    for site in (SITE4, SITE6) if site_mappings else ():
        lines += [f"[mapping {site}]", f"locators={_locators(x_locs)}", ""]
    return "\n".join(lines)


def x_config(families=(4, 6), mn_rlocs=None):
    """lispmnd.conf of the correspondent xTR serving C's site. mn_rlocs: {uplink of MN:
    (priority, weight)}: which of MN's RLOCs X's static mapping lists (default both, equal)."""
    mn_rlocs = mn_rlocs or {"up1": (1, 50), "up2": (1, 50)}
    lines = ["[lispmnd]", "mode=xtr", f"eids={SITE4};{SITE6}", "manage-addresses=true", "",
             "[uplink up0]", "priority=1", "weight=100", ""]
    locs = [(MN_UPLINKS[up][f][0], prio, weight)
            for f in families for up, (prio, weight) in mn_rlocs.items()]
    for eid in (f"{EID4}/32", f"{EID6}/128"):
        lines += [f"[mapping {eid}]", f"locators={_locators(locs)}", ""]
    return "\n".join(lines)


def proxy_config(families=(4, 6)):
    """lispmnd.conf of X as proxy-ETR and proxy-ITR (RFC 6832) for MN's EIDs: C is then a
    host that knows nothing of LISP, reached natively from X."""
    locs = [(MN_UPLINKS[up][f][0], 1, 50) for f in families for up in MN_UPLINKS]
    lines = ["[lispmnd]", "mode=proxy", f"eids={EID4}/32;{EID6}/128", "manage-addresses=true", "",
             "[uplink up0]", ""]
    for eid in (f"{EID4}/32", f"{EID6}/128"):
        lines += [f"[mapping {eid}]", f"locators={_locators(locs)}", ""]
    return "\n".join(lines)


class LispmndError(Exception):
    pass


def fresh_state(proc, path, who, timeout=15.0):
    """The state a daemon writes on SIGUSR1, written after this call. The old file goes
    first and the daemon replaces it atomically (rename), so the file that appears is a
    fresh one, however slow the machine: no clock tick or fixed sleep decides it."""
    def handles_usr1():
        if not proc.running():
            raise LispmndError(f"{who} exited:\n{proc.log()}")
        return catches_signal(proc.pid, signal.SIGUSR1)
    wait_for(handles_usr1, timeout, f"{who} to handle SIGUSR1")
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    os.kill(proc.pid, signal.SIGUSR1)

    def written():
        if not proc.running():
            raise LispmndError(f"{who} exited:\n{proc.log()}")
        return os.path.exists(path)
    wait_for(written, timeout, f"{who} to write its state file")
    with open(path) as f:
        return json.load(f)


class Daemon:
    """A lispmnd running in a namespace, with its config, log and state file in workdir."""

    def __init__(self, t, ns, config_text, workdir, tun="lispmn0", env=None, args=()):
        self.t, self.ns, self.tun = t, ns, tun
        binary = lispmnd_path()
        if not os.access(binary, os.X_OK):
            raise LispmndError(f"lispmnd not built at {os.path.abspath(binary)} "
                               "(set LISPMND or build daemon/lispmnd)")
        self.config = os.path.join(workdir, f"{ns}-lispmnd.conf")
        self.state_file = os.path.join(workdir, f"{ns}-state.json")
        log = os.path.join(workdir, f"{ns}-lispmnd.log")
        # config_text None: no --config, as D-Bus activation and the systemd unit start it.
        config = []
        if config_text is not None:
            write_private(self.config, config_text)
            config = ["--config", self.config]
        if os.path.exists(self.state_file):
            os.unlink(self.state_file)
        self.proc = t.popen(ns, [binary] + config + ["--state-file", self.state_file, "--verbose"]
                            + list(args), log, env=env)
        self.pid = self.proc.pid

    def wait_ready(self, timeout=5.0):
        """Until the TUN exists with its routes and the state file is written."""
        def ready():
            if not self.proc.running():
                raise LispmndError(f"lispmnd in {self.ns} exited with {self.proc.popen.returncode}:"
                                   f"\n{self.proc.log()}")
            if not self.t.has_link(self.ns, self.tun):
                return False
            routes = self.t.run(self.ns, ["ip", "route", "show", "dev", self.tun]).stdout
            return routes.strip() != "" and os.path.exists(self.state_file)
        try:
            wait_for(ready, timeout, f"lispmnd in {self.ns} to create {self.tun} and its routes")
        except TimeoutError as e:
            raise LispmndError(f"{e}\nlog:\n{self.proc.log()}") from None

    def state(self):
        """Ask for a fresh state file (SIGUSR1) and read it."""
        return fresh_state(self.proc, self.state_file, f"lispmnd in {self.ns}")

    def cpu_seconds(self):
        return proc_cpu_seconds(self.pid)

    def stop(self):
        """SIGTERM; returns the exit status (0 expected)."""
        return self.proc.stop()


def write_private(path, text):
    """Writes a configuration file that may hold keys with the mode both daemons ask for
    (600): they refuse one that group or others can read."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)   # an older file of the same name keeps its mode otherwise
    with os.fdopen(fd, "w") as f:
        f.write(text)


def lispmn_server_path():
    return os.environ.get("LISPMN_SERVER", os.path.join(os.path.dirname(lispmnd_path()), "server",
                                                        "lispmn-server"))


class MapServer:
    """lispmn-server running in a namespace: its configuration (lispmn-server.conf), log
    (server.log) and state file (server-state.json) in workdir."""

    def __init__(self, t, ns, config_text, workdir):
        self.t, self.ns, self.workdir = t, ns, workdir
        self.binary = lispmn_server_path()
        if not os.access(self.binary, os.X_OK):
            raise LispmndError(f"lispmn-server not built at {os.path.abspath(self.binary)} "
                               "(set LISPMN_SERVER or build daemon/server/lispmn-server)")
        self.conf = os.path.join(workdir, "lispmn-server.conf")
        self.state_file = os.path.join(workdir, "server-state.json")
        # The replay state stays in the test's directory (kept across start() calls, as
        # across a restart), never the system's default; a new MapServer starts without.
        self.replay_state = os.path.join(workdir, "server.replay")
        if os.path.exists(self.replay_state):
            os.unlink(self.replay_state)
        write_private(self.conf, config_text)
        self.start("server.log")

    def start(self, log_name):
        """(Again, after stop()) with the same configuration, logging to log_name."""
        if os.path.exists(self.state_file):
            os.unlink(self.state_file)
        self.proc = self.t.popen(self.ns, [self.binary, "--config", self.conf, "--state-file",
                                           self.state_file, "--replay-state", self.replay_state,
                                           "--verbose"],
                                 os.path.join(self.workdir, log_name))
        self.pid = self.proc.pid
        wait_for(lambda: os.path.exists(self.state_file) or not self.proc.running(), 5,
                 "lispmn-server's state file")
        if not self.proc.running():
            raise LispmndError(f"lispmn-server exited:\n{self.proc.log()}")

    def state(self):
        """A fresh state file (SIGUSR1), read."""
        return fresh_state(self.proc, self.state_file, "lispmn-server")

    def registrations(self):
        """{EID prefix: sorted locator addresses}."""
        return {r["eid"]: sorted(l["address"] for l in r["locators"])
                for r in self.state().get("registrations", [])}

    def running(self):
        return self.proc.running()

    def log(self):
        return self.proc.log()

    def stop(self):
        return self.proc.stop()


def start_daemons(t, workdir, mn_conf, x_conf, mn_env=None):
    """Start X's and MN's lispmnd and wait until both are ready."""
    x = Daemon(t, X, x_conf, workdir)
    mn = Daemon(t, MN, mn_conf, workdir, env=mn_env)
    x.wait_ready()
    mn.wait_ready()
    return mn, x


def rloc_up(state, iface):
    """The RLOCs of iface that the state file shows as up."""
    return [r for r in state.get("rlocs", []) if r.get("interface") == iface and r.get("state") == "up"]


# -- traffic --------------------------------------------------------------------------------

def ping(t, ns, dst, source=None, count=5, interval=0.2):
    """Ping with bounded time; returns the number of replies received."""
    cmd = ["ping", "-n", "-q", "-c", str(count), "-i", str(interval), "-W", "1",
           "-w", str(int(count * interval + 3))]
    if source:
        cmd += ["-I", source]
    r = t.run(ns, cmd + [dst], check=False, timeout=count * interval + 10)
    for line in r.stdout.splitlines():
        if "received" in line:
            return int(line.split(",")[1].split()[0])
    return 0


SEND_CONTROL = """
import socket, sys
src, dst, payload = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
for _ in range(int(sys.argv[4])):
    s.sendto(payload, (dst, 4342))
"""


def send_control(t, ns, src, dst, payload, count=1):
    """UDP datagrams to dst's LISP control port, from src (an IPv4 address in ns): a recorded
    or forged control message, sent again count times in a row from one process (a burst
    does not depend on how fast the machine starts processes)."""
    t.run(ns, [PYTHON, "-c", SEND_CONTROL, src, dst, payload.hex(), str(count)])


def ping_ok(t, ns, dst, source=None):
    """A warm-up ping (neighbour discovery, first packet) then 5 that must all come back."""
    for _ in range(3):
        if ping(t, ns, dst, source, count=1):
            break
    return ping(t, ns, dst, source, count=5, interval=0.1) == 5


class Transfer:
    """A tcp_transfer.py server in one namespace and client in another."""

    def __init__(self, t, workdir, server_ns, server_addr, client_ns, client_source,
                 sender, nbytes, rate=0, port=5001, timeout=30):
        """sender: 'client' or 'server'."""
        tag = f"{client_ns}-{server_ns}-{port}"
        self.t, self.timeout = t, timeout
        common = ["--port", str(port), "--bytes", str(nbytes), "--rate", str(rate),
                  "--timeout", str(timeout)]
        self.server = t.popen(server_ns, [PYTHON, TCP_TRANSFER, "serve", "--bind", server_addr,
                                          "--role", "send" if sender == "server" else "recv"]
                              + common, os.path.join(workdir, f"transfer-server-{tag}.log"))
        wait_for(lambda: "ready" in self.server.log() or not self.server.running(), 5,
                 "the transfer server to listen")
        self.client = t.popen(client_ns, [PYTHON, TCP_TRANSFER, "connect", "--to", server_addr,
                                          "--source", client_source,
                                          "--role", "send" if sender == "client" else "recv"]
                              + common, os.path.join(workdir, f"transfer-client-{tag}.log"))

    def result(self):
        """Wait for both ends; returns (ok, message) with the two JSON reports compared."""
        reports = []
        for p in (self.client, self.server):
            try:
                p.wait(self.timeout + 5)
            except subprocess.TimeoutExpired:
                p.stop()
            lines = [l for l in p.log().splitlines() if l.startswith("{")]
            reports.append(json.loads(lines[-1]) if lines else None)
        client, server = reports
        if client is None or server is None:
            return False, (f"transfer failed: client said:\n{self.client.log()}\n"
                           f"server said:\n{self.server.log()}")
        ok = client["sha256"] == server["sha256"] and client["bytes"] == server["bytes"]
        return ok, f"client {client}, server {server}"


# -- test helpers ---------------------------------------------------------------------------

def workdir(name):
    """LISPMN_TEST_WORKDIR/name (a fresh temporary directory without it), created."""
    base = os.environ.get("LISPMN_TEST_WORKDIR") or tempfile.mkdtemp(prefix="lispmn-integ-")
    path = os.path.join(base, name)
    os.makedirs(path, exist_ok=True)
    return path


def tshark_leaves(obj):
    """(key, value) of every leaf of tshark's JSON."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, (dict, list)):
                yield from tshark_leaves(v)
            else:
                yield k, v
    elif isinstance(obj, list):
        for v in obj:
            yield from tshark_leaves(v)
