"""Network namespaces for lispmn's integration tests and benchmarks (stdlib only, run as root).

    with Topology() as t:
        t.add_ns("a"); t.add_ns("b")
        t.link("a", "eth0", "b", "eth0")
        t.addr("a", "eth0", "198.51.100.1/29")
        t.run("a", ["ping", "-c1", "198.51.100.2"])
        p = t.popen("b", ["iperf3", "-s"], "/tmp/log")   # p.stop() later, or at close

Every namespace is named with a per-run prefix (lmn<pid>-) so two runs never collide. Closing
the topology (also on an exception or SIGTERM, e.g. a meson timeout) stops the processes it
started, by PID, and deletes its namespaces. Every wait is bounded.
"""
import json
import os
import signal
import subprocess
import time


class CommandError(Exception):
    pass


def _sigterm_to_exit(signum, frame):
    # meson kills a test that runs over its timeout with SIGTERM; turning that into an
    # exception lets the `finally`/`__exit__` blocks delete the namespaces.
    raise SystemExit(f"terminated by signal {signum}")


signal.signal(signal.SIGTERM, _sigterm_to_exit)


def proc_state(pid):
    """The state letter from /proc/PID/stat ('R', 'S', 'Z', ...), or None if gone. PID 1 here
    does not reap orphans, so a dead process can linger as 'Z': kill -0 would say alive."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            # the command name is in parentheses and may contain spaces: split after it
            return f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def catches_signal(pid, signum):
    """Whether the process has a handler for signum (SigCgt in /proc/PID/status): a signal
    sent before that would meet the default action, which for SIGUSR1 is termination."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) >> (signum - 1) & 1)
    except (FileNotFoundError, ProcessLookupError):
        pass
    return False


def proc_cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is the state (field 3 of stat); utime and stime are fields 14 and 15
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for(predicate, timeout, what, interval=0.02):
    """Poll predicate() until it returns something true; raise TimeoutError after timeout s."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class Process:
    """A process started in a namespace. `ip netns exec` execs the command, so the PID is the
    command's own (not a wrapper's)."""

    def __init__(self, popen, name, log_path):
        self.popen = popen
        self.pid = popen.pid
        self.name = name
        self.log_path = log_path

    def running(self):
        return self.popen.poll() is None

    def wait(self, timeout):
        """Exit status; raises subprocess.TimeoutExpired if it does not end in time."""
        return self.popen.wait(timeout=timeout)

    def stop(self, timeout=5.0):
        """SIGTERM, wait up to timeout, then SIGKILL; always reaped. Returns the exit status."""
        if self.popen.poll() is None:
            try:
                self.popen.send_signal(signal.SIGTERM)
                return self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
        return self.popen.wait(timeout=timeout)

    def log(self, tail=4000):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-tail:]
        except OSError:
            return ""


class Topology:
    def __init__(self, workdir=None):
        self.prefix = f"lmn{os.getpid()}-"
        self.namespaces = []
        self.peers = {}       # (ns, ifname) -> (peer ns, peer ifname)
        self.next_ifindex = 1000   # for the veth ends link() numbers itself
        self._neighbours = {}      # (ns, ifname) -> [(address, MAC)] while carrier() holds it down
        self.processes = []
        self.workdir = workdir

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def nsname(self, ns):
        return self.prefix + ns

    def close(self):
        # Processes first: a namespace with a process in it outlives `ip netns del`.
        for p in reversed(self.processes):
            try:
                p.stop()
            except Exception as e:  # keep cleaning up
                print(f"netns: could not stop {p.name} (pid {p.pid}): {e}")
        self.processes.clear()
        for ns in reversed(self.namespaces):
            subprocess.run(["ip", "netns", "del", self.nsname(ns)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)
        self.namespaces.clear()

    # -- commands ------------------------------------------------------------------------

    def _host(self, args, check=True, timeout=30):
        r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=timeout)
        if check and r.returncode != 0:
            raise CommandError(f"{' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
        return r

    def run(self, ns, cmd, check=True, timeout=30):
        """Run cmd (a list) in namespace ns; returns CompletedProcess with text stdout/stderr."""
        return self._host(["ip", "netns", "exec", self.nsname(ns)] + list(cmd), check, timeout)

    def popen(self, ns, cmd, log_path, env=None):
        """Start cmd in ns with stdout and stderr to log_path (never a pipe: a daemon would
        keep it open and block on it). The topology stops it at close if nobody did."""
        log = open(log_path, "wb")
        try:
            p = subprocess.Popen(["ip", "netns", "exec", self.nsname(ns)] + list(cmd),
                                 stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                 env=env)
        finally:
            log.close()
        proc = Process(p, f"{ns}:{os.path.basename(cmd[0])}", log_path)
        self.processes.append(proc)
        return proc

    def sysctl(self, ns, key, value):
        self.run(ns, ["sysctl", "-q", "-w", f"{key}={value}"])

    # -- building ------------------------------------------------------------------------

    def add_ns(self, ns):
        self._host(["ip", "netns", "add", self.nsname(ns)])
        self.namespaces.append(ns)
        self.run(ns, ["ip", "link", "set", "lo", "up"])
        for key, value in [
            ("net.ipv4.ip_forward", 1),
            ("net.ipv6.conf.all.forwarding", 1),
            # addresses usable at once: no duplicate address detection
            ("net.ipv6.conf.all.accept_dad", 0),
            ("net.ipv6.conf.default.accept_dad", 0),
            ("net.ipv6.conf.all.dad_transmits", 0),
            ("net.ipv6.conf.default.dad_transmits", 0),
            # loose reverse-path filter, as Ubuntu and Fedora desktops set it
            ("net.ipv4.conf.all.rp_filter", 2),
            ("net.ipv4.conf.default.rp_filter", 2),
        ]:
            self.sysctl(ns, key, value)

    def link(self, ns_a, if_a, ns_b, if_b, indexes=None):
        """A veth pair between two namespaces, both ends up. indexes: (ifindex of if_a, of
        if_b); by default each end gets one of its own, above 1000. The kernel reports a carrier
        change at once only for a device whose peer's ifindex differs from its own, and two
        fresh namespaces would give both ends the same one: the report would then be batched
        for up to a second (linkwatch), as for a physical NIC."""
        if indexes is None:
            indexes = (self.next_ifindex, self.next_ifindex + 1)
            self.next_ifindex += 2
        index_a = ["index", str(indexes[0])]
        index_b = ["index", str(indexes[1])]
        self._host(["ip", "link", "add", if_a, *index_a, "netns", self.nsname(ns_a), "type", "veth",
                    "peer", "name", if_b, *index_b, "netns", self.nsname(ns_b)])
        for ns, ifname in ((ns_a, if_a), (ns_b, if_b)):
            self.sysctl(ns, f"net.ipv6.conf.{ifname}.accept_dad", 0)
            self.run(ns, ["ip", "link", "set", ifname, "up"])
        self.peers[(ns_a, if_a)] = (ns_b, if_b)
        self.peers[(ns_b, if_b)] = (ns_a, if_a)

    def addr(self, ns, ifname, cidr):
        extra = ["nodad"] if ":" in cidr else []
        self.run(ns, ["ip", "addr", "add", cidr, "dev", ifname] + extra)

    def del_addr(self, ns, ifname, cidr):
        self.run(ns, ["ip", "addr", "del", cidr, "dev", ifname])

    def route(self, ns, *spec):
        """ip route replace SPEC... (-6 is added for IPv6 specs); replace so restoring is
        idempotent."""
        family = ["-6"] if any(":" in s for s in spec) else []
        self.run(ns, ["ip"] + family + ["route", "replace"] + list(spec))

    def del_route(self, ns, *spec):
        family = ["-6"] if any(":" in s for s in spec) else []
        self.run(ns, ["ip"] + family + ["route", "del"] + list(spec))

    def carrier(self, ns, ifname, up):
        """Take the peer end of a veth down (or up): ifname in ns loses (regains) carrier,
        as when a cable is pulled or a Wi-Fi association is lost. The peer end keeps its
        IPv6 addresses while down (by default the kernel deletes them, and bringing the link up
        does not restore them), so that the link works in both families again once up; and it
        gets its neighbours back (stale, as a router that never lost its link would have
        them): taking it down flushed them, and its first ARP request as it comes up would
        go unanswered, ifname not yet sending, leaving IPv4 to ifname dead for a second."""
        peer_ns, peer_if = self.peers[(ns, ifname)]
        if not up:
            self.sysctl(peer_ns, f"net.ipv6.conf.{peer_if}.keep_addr_on_down", 1)
            self._neighbours[(peer_ns, peer_if)] = [
                (n["dst"], n["lladdr"]) for n in json.loads(self.run(
                    peer_ns, ["ip", "-j", "neigh", "show", "dev", peer_if]).stdout or "[]")
                if n.get("lladdr") and not n["dst"].startswith("fe80:")]
            self.run(peer_ns, ["ip", "link", "set", peer_if, "down"])
            return
        # One process: the neighbours are back before traffic to them needs resolving.
        restore = [f"ip neigh replace {dst} lladdr {mac} dev {peer_if} nud stale"
                   for dst, mac in self._neighbours.pop((peer_ns, peer_if), [])]
        self.run(peer_ns, ["sh", "-ec", "; ".join([f"ip link set {peer_if} up"] + restore)])

    def link_stats(self, ns, ifname):
        """The kernel's 64-bit counters of an interface: {'rx': {...}, 'tx': {...}}."""
        import json
        out = self.run(ns, ["ip", "-s", "-j", "link", "show", "dev", ifname]).stdout
        return json.loads(out)[0]["stats64"]

    def has_link(self, ns, ifname):
        return self.run(ns, ["ip", "link", "show", "dev", ifname], check=False).returncode == 0
