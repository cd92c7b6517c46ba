#!/usr/bin/python3
"""Handover: how long traffic stops, in both directions and both EID families, when the mobile
node's uplinks change (the matrix of SCENARIOS below).

    sudo tests/bench/handover.py [--runs 5] [--seconds 4] [--only NAME,...] [--list]
    (LISPMND and LISPMN_SERVER default to the build tree; `meson test -C build --benchmark
    handover` runs a short one; LISPMN_BENCH_WORKDIR=DIR keeps every run's logs and capture)

The topology of tests/integration (MN -- R -- X -- C) with lispmn-server in R as map-server
and map-resolver, no static mapping anywhere: MN (up1 priority 1, up2 priority 2) and X
register and find each other through it. Each run builds it afresh, prepares the scenario
(e.g. the uplink that is to come back starts down), then C and MN each send a
sequence-numbered UDP datagram every millisecond to the other's EID, over IPv4 and over
IPv6 (four streams), while dumpcap in R records the LISP packets; one second in, the
scenario acts. Per stream: the longest gap between consecutive datagrams received and how
many were lost; for a scenario that ends by bringing an uplink back ("from the last
action"), the time from that action to the first datagram and the losses after it. The
table gives median, min and max over the runs; then the timeline of the median run, read
from the capture (action -> Map-Register -> Map-Notify -> SMR -> X's Map-Request ->
Map-Reply -> X's first packet to a new locator of MN, and MN's first packet from one).

The "baseline" scenario does nothing: its losses are what the machine's load costs without a
handover. The TCP scenario sends 4 MB/s from C to MN's EID through a handover and reports
whether the transfer arrived intact and the longest wait between two reads of MN's receiver.

Adding a scenario: a row of SCENARIOS (name, description, a prepare step run before the
traffic, the actions run during it, and what traffic).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Callable, Optional

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from netns import Topology, wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402
from fixtures import SERVER, SERVER_CONF, X_CONF, map_server_states, mn_conf, read  # noqa: E402

PORT = 6000
ACT_AFTER = 1.0   # seconds of traffic before the scenario acts

# One process per side: receives on its EID of both families, and (once the go file exists)
# sends a datagram per family every millisecond to the other side's EIDs: seq, family, the
# sending time. At the end it prints what it sent ("tx") and received ("rx"), realtime clock.
STREAM = r"""
import os, select, socket, struct, sys, time
l4, l6, p4, p6, port, seconds, go = sys.argv[1:8]
port, seconds = int(port), float(seconds)
socks = {}
for fam, af, local, peer in ((4, socket.AF_INET, l4, p4), (6, socket.AF_INET6, l6, p6)):
    s = socket.socket(af, socket.SOCK_DGRAM)
    s.bind((local, port))
    s.setblocking(False)
    socks[fam] = (s, peer)
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
tx, rx = [], []
start, n = time.monotonic(), int(seconds * 1000)
end = start + seconds + 0.5
i = 0
while True:
    now = time.monotonic()
    if now >= end:
        break
    if i < n and now >= start + i / 1000:
        for fam, (s, peer) in socks.items():
            t = time.time()
            tx.append((fam, i, t))
            try:
                s.sendto(struct.pack("!IBd", i, fam, t), (peer, port))
            except OSError:   # no route for a moment: a lost datagram
                pass
        i += 1
        continue
    wake = start + i / 1000 if i < n else end
    r, _, _ = select.select([s for s, _ in socks.values()], [], [], max(0.0, wake - now))
    for s in r:
        try:
            data = s.recv(64)
        except OSError:
            continue
        if len(data) >= 13:
            seq, fam, t = struct.unpack("!IBd", data[:13])
            rx.append((time.time(), fam, seq, t))
out = [f"tx {f} {q} {t:.6f}" for f, q, t in tx] + [f"rx {a:.6f} {f} {q} {t:.6f}" for a, f, q, t in rx]
print("\n".join(out), flush=True)
"""

MN_RLOCS = {u[f][0] for u in lt.MN_UPLINKS.values() for f in (4, 6)}
X_RLOCS = {lt.X_UPLINK[f][0] for f in (4, 6)}
NEW4, NEW6 = "198.51.100.3", "2001:db8:100:1::3"   # up1's addresses after renumbering
MN_RLOCS |= {NEW4, NEW6}


class Run:
    """One run's topology, daemons and work directory, handed to the scenario's steps."""

    def __init__(self, t, workdir, mn, x):
        self.t, self.workdir, self.mn, self.x = t, workdir, mn, x
        self.marks = []   # realtime of each action

    def mark(self):
        self.marks.append(time.time())


@dataclass
class Scenario:
    name: str
    description: str
    act: Callable[[Run], None]                     # during the traffic, ACT_AFTER s in
    prepare: Optional[Callable[[Run], None]] = None  # before the traffic starts
    traffic: str = "udp"                           # "udp" (the four streams) or "tcp"
    from_last_action: bool = False                 # measure from the last action only
    duration: float = 0.0                          # seconds the actions take: traffic lasts longer


# -- the steps scenarios are made of -------------------------------------------------------

def carrier(up, iface="up1"):
    def step(run):
        run.mark()
        run.t.carrier(lt.MN, iface, up)
        if up:
            # What NetworkManager does once the link is up (the kernel may have dropped the
            # gateway routes with the carrier; a replace when it kept them).
            wait_for(lambda: "LOWER_UP" in run.t.run(lt.MN, ["ip", "link", "show", iface]).stdout,
                     5, f"{iface}'s carrier")
            lt.add_uplink_routes(run.t, iface)
    return step


def in_mn(run, commands):
    """Shell commands run in MN by one process: their spacing is theirs, not the cost of
    starting a process per command on a loaded machine."""
    run.mark()
    run.t.run(lt.MN, ["sh", "-ec", "; ".join(commands)])


def del_addresses(families, iface="up1", apart=0.015):
    """Delete the uplink's addresses of these families, apart seconds apart (NetworkManager
    on a lost DHCP lease: IPv4 then IPv6)."""
    u = lt.MN_UPLINKS[iface]
    commands = [f"ip addr del {u[fam][0]}/{u[fam][2]} dev {iface}" for fam in families]
    return lambda run: in_mn(run, f" ; sleep {apart} ; ".join(commands).split(" ; "))


def renumber(overlap=0.1):
    """up1's IPv4 and IPv6 addresses change: the new ones are added, the old ones deleted
    overlap seconds later (make-before-break)."""
    u = lt.MN_UPLINKS["up1"]
    commands = [f"ip addr add {NEW4}/{u[4][2]} dev up1", f"ip addr add {NEW6}/{u[6][2]} dev up1 nodad",
                f"sleep {overlap}"]
    commands += [f"ip addr del {u[fam][0]}/{u[fam][2]} dev up1" for fam in (4, 6)]

    def step(run):
        in_mn(run, commands)
        lt.add_uplink_routes(run.t, "up1")
    return step


def only_up1(run):
    """Renumbering the only uplink: up2 goes first, and the traffic settles on up1."""
    # Deleting the primary IPv4 address would take the secondary (new) one with it.
    run.t.sysctl(lt.MN, "net.ipv4.conf.up1.promote_secondaries", 1)
    run.t.carrier(lt.MN, "up2", False)
    settle(run, "up2")


def up1_down(run):
    """The preferred uplink starts without carrier: the traffic settles on up2."""
    carrier(False)(run)
    run.marks.clear()
    settle(run, "up1")


def settle(run, gone):
    wait_for(lambda: lt.rloc_up(run.mn.state(), gone) == [], 10, f"MN to drop {gone}")
    wait_for(lambda: lt.ping_ok(run.t, lt.C, lt.EID4) and lt.ping_ok(run.t, lt.C, lt.EID6), 20,
             "C to reach MN again", interval=0.5)


def both_down_one_back(run):
    carrier(False, "up1")(run)
    carrier(False, "up2")(run)
    time.sleep(2)
    carrier(True, "up2")(run)


def nothing(run):
    run.mark()


SCENARIOS = [
    Scenario("baseline", "no handover (what the load costs)", nothing),
    Scenario("carrier", "carrier of the preferred uplink pulled", carrier(False)),
    Scenario("addr-v4", "the preferred uplink's IPv4 address deleted", del_addresses((4,))),
    Scenario("addr-v6", "the preferred uplink's IPv6 address deleted", del_addresses((6,))),
    Scenario("addr-both", "the preferred uplink's IPv4 then IPv6 address deleted 15 ms apart",
             del_addresses((4, 6))),
    Scenario("renumber", "the only uplink renumbered, new addresses 100 ms before the old go",
             renumber(), prepare=only_up1),
    Scenario("mbb", "make-before-break: the preferred uplink comes back", carrier(True),
             prepare=up1_down),
    Scenario("both-down", "both uplinks down 2 s, up2 comes back (from its return)",
             both_down_one_back, from_last_action=True, duration=2.5),
    Scenario("tcp", "TCP 4 MB/s C -> MN's EID, carrier of the preferred uplink pulled",
             carrier(False), traffic="tcp"),
]


# -- one run -------------------------------------------------------------------------------

def start_monitor(t, workdir):
    """ip monitor in MN: the kernel's link and address events, timestamped as lispmnd gets
    them."""
    log = os.path.join(workdir, "mn-monitor.log")
    proc = t.popen(lt.MN, ["ip", "-ts", "monitor", "link", "address"], log)
    return proc, log


def kernel_events(log):
    """[(realtime, text)] of MN's uplinks, from the monitor's log."""
    import datetime
    events = []
    for line in read(log).splitlines():
        if not line.startswith("[") or ("up1" not in line and "up2" not in line):
            continue
        stamp, _, rest = line.partition("] ")
        when = datetime.datetime.fromisoformat(stamp[1:]).astimezone().timestamp()
        words = rest.split()
        iface = next((w.split("@")[0] for w in words if w.startswith("up")), "?")
        if " inet" in rest:
            addr = words[words.index("inet" if "inet" in words else "inet6") + 1]
            what = f"{iface} {addr} {'deleted' if rest.startswith('Deleted') else 'added'}"
        elif "NO-CARRIER" in rest or "LOWER_UP" not in rest:
            what = f"{iface} carrier lost"
        else:
            what = f"{iface} carrier back"
        events.append((when, what))
    return events


def start_capture(t, workdir):
    path = os.path.join(workdir, "r.pcapng")
    cmd = ["dumpcap", "-q", "-s", "160", "-f", "udp port 4341 or udp port 4342"]
    for i in ("r1", "r2", "r3"):
        cmd += ["-i", i]
    proc = t.popen(lt.R, cmd + ["-w", path], os.path.join(workdir, "dumpcap.log"))
    wait_for(lambda: "Capturing on" in proc.log() or not proc.running(), 15, "dumpcap")
    return proc, path


def stop(proc):
    if proc.running():
        proc.popen.send_signal(2)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.stop()


def udp_traffic(run, scenario, seconds):
    go = os.path.join(run.workdir, "go")
    sides = {}
    for ns, mine, peer in ((lt.MN, (lt.EID4, lt.EID6), (lt.C4, lt.C6)),
                           (lt.C, (lt.C4, lt.C6), (lt.EID4, lt.EID6))):
        log = os.path.join(run.workdir, f"stream-{ns}.log")
        sides[ns] = (run.t.popen(ns, [lt.PYTHON, "-c", STREAM, *mine, *peer, str(PORT),
                                      str(seconds), go], log), log)
    for ns, (p, log) in sides.items():
        wait_for(lambda: "ready" in read(log) or not p.running(), 10, f"the stream in {ns}")
    open(go, "w").close()
    time.sleep(ACT_AFTER)
    scenario.act(run)
    for p, _ in sides.values():
        p.wait(seconds + 30)
    streams = {}
    for ns, (_, log) in sides.items():
        tx, rx = {4: {}, 6: {}}, {4: {}, 6: {}}
        for line in read(log).splitlines():
            f = line.split()
            if f[:1] == ["tx"]:
                tx[int(f[1])][int(f[2])] = float(f[3])
            elif f[:1] == ["rx"]:
                rx[int(f[2])].setdefault(int(f[3]), float(f[1]))
        streams[ns] = (tx, rx)
    return streams


def udp_results(streams, since):
    """{stream: (gap ms, lost)} of the four streams (since: as for measure)."""
    results = {}
    for receiver, sender, name in ((lt.MN, lt.C, "C->MN"), (lt.C, lt.MN, "MN->C")):
        for fam in (4, 6):
            results[f"{name} v{fam}"] = measure(streams[sender][0][fam], streams[receiver][1][fam],
                                                since)
    return results


def measure(tx, rx, since):
    """(gap ms, lost). gap: the longest outage, from the sending of the last datagram that
    arrived before it to the sending of the first one after it (sender's clock: a receiver
    the load keeps waiting does not count), 0 when none was lost. since: a realtime; then
    the gap is from there to the first datagram sent after it that arrived, and only losses
    sent after it count."""
    if since is not None:
        tx = {q: t for q, t in tx.items() if t >= since}
        arrived = [t for q, t in tx.items() if q in rx]
        lost = len(set(tx) - set(rx))
        return ((min(arrived) - since) * 1000 if arrived else float("inf")), lost
    got = sorted(q for q in rx if q in tx)
    lost = len(set(tx) - set(rx))
    if not got:
        return float("inf"), lost
    gap = 0.0
    for a, b in zip(got, got[1:]):
        if b > a + 1:
            gap = max(gap, (tx[b] - tx[a]) * 1000)
    return gap, lost


# MN's end of the TCP scenario: accepts one connection and reads it to the end, noting when
# each read returned; prints the data's SHA-256 and the longest wait between two reads.
TCP_RECEIVER = r"""
import hashlib, json, socket, sys, time
addr, port = sys.argv[1], int(sys.argv[2])
ls = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_STREAM)
ls.bind((addr, port)); ls.listen(1); ls.settimeout(30)
print("ready", flush=True)
c, _ = ls.accept(); c.settimeout(30)
h, n, last, stall, at = hashlib.sha256(), 0, None, 0.0, 0.0
while True:
    b = c.recv(65536)
    now = time.time()
    if not b:
        break
    if last is not None and now - last > stall:
        stall, at = now - last, last
    last = now
    h.update(b); n += len(b)
print(json.dumps({"bytes": n, "sha256": h.hexdigest(), "stall": stall, "stall_from": at}), flush=True)
"""


def tcp_traffic(run, scenario, seconds):
    """C sends 4 MB/s to MN's EID (tcp_transfer.py) through the handover; MN's receiver
    tells whether all of it arrived intact and the longest stall of the stream."""
    rate, port = 4_000_000, 5001
    rx_log = os.path.join(run.workdir, "tcp-receiver.log")
    rx = run.t.popen(lt.MN, [lt.PYTHON, "-c", TCP_RECEIVER, lt.EID4, str(port)], rx_log)
    wait_for(lambda: "ready" in read(rx_log) or not rx.running(), 10, "the TCP receiver")
    tx_log = os.path.join(run.workdir, "tcp-sender.log")
    tx = run.t.popen(lt.C, [lt.PYTHON, lt.TCP_TRANSFER, "connect", "--to", lt.EID4, "--source",
                            lt.C4, "--port", str(port), "--role", "send", "--bytes",
                            str(int(rate * seconds)), "--rate", str(rate), "--timeout", "30"],
                     tx_log)
    time.sleep(ACT_AFTER)
    scenario.act(run)
    for p in (tx, rx):
        p.wait(seconds + 40)
    sent = [json.loads(line) for line in read(tx_log).splitlines() if line.startswith("{")]
    got = [json.loads(line) for line in read(rx_log).splitlines() if line.startswith("{")]
    ok = bool(sent and got and sent[-1]["sha256"] == got[-1]["sha256"])
    stall = got[-1]["stall"] * 1000 if got else float("inf")
    return {"TCP C->MN": ("survived" if ok else "BROKEN", stall)}


def one_run(scenario, workdir, seconds):
    with Topology() as t:
        lt.build(t)
        conf = os.path.join(workdir, "lispmn-server.conf")
        lt.write_private(conf, SERVER_CONF)
        server = t.popen(lt.R, [SERVER, "--config", conf, "--replay-state",
                                os.path.join(workdir, "server.replay"), "--verbose"],
                         os.path.join(workdir, "server.log"))
        mn, x = lt.start_daemons(t, workdir, mn_conf(up2_priority=2), X_CONF)
        wait_for(lambda: map_server_states(mn) == ["registered"], 10, "MN registered")
        wait_for(lambda: map_server_states(x) == ["registered"], 10, "X registered")
        for eid in (lt.EID4, lt.EID6):
            wait_for(lambda: lt.ping_ok(t, lt.C, eid), 20, f"C to reach {eid}", interval=0.5)
        run = Run(t, workdir, mn, x)
        # Before the preparation: dumpcap refuses an interface that is down.
        monitor, monitor_log = start_monitor(t, workdir)
        capture, pcap = start_capture(t, workdir)
        if scenario.prepare:
            scenario.prepare(run)
        traffic = tcp_traffic if scenario.traffic == "tcp" else udp_traffic
        results = traffic(run, scenario, seconds + scenario.duration)
        stop(capture)
        stop(monitor)
        server.stop()
    return results, kernel_events(monitor_log), run.marks, pcap


# -- the capture: the timeline ------------------------------------------------------------

def read_capture(pcap):
    """[(realtime, src, dst, dport, payload)] of the LISP packets R saw (each once: the first
    interface it crossed)."""
    r = subprocess.run(["tshark", "-n", "-r", pcap, "-T", "fields", "-e", "frame.time_epoch",
                        "-e", "ip.src", "-e", "ipv6.src", "-e", "ip.dst", "-e", "ipv6.dst",
                        "-e", "udp.dstport", "-e", "udp.payload", "-e", "frame.protocols"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, timeout=300)
    packets, seen = [], set()
    for line in r.stdout.splitlines():
        f = line.split("\t")
        if len(f) < 8 or not f[5]:
            continue
        # The outer header's family is the first in the frame's protocols (tshark lists the
        # inner header's addresses too, under ip or ipv6).
        outer6 = next((x for x in f[7].split(":") if x in ("ip", "ipv6")), "") == "ipv6"
        src = (f[2] if outer6 else f[1]).split(",")[0]
        dst = (f[4] if outer6 else f[3]).split(",")[0]
        port = int(f[5].split(",")[0])
        # tshark gives no payload for a datagram cut by the snap length (large data packets)
        payload = bytes.fromhex(f[6].split(",")[0].replace(":", "")) if f[6] else b""
        if port == 4342 and not payload:
            continue
        key = (src, dst, port, payload)
        if payload and key in seen:
            continue
        seen.add(key)
        packets.append((float(f[0]), src, dst, port, payload))
    return packets


def anchor(events, marks, last):
    """(mark, anchor): when the bench started the scenario's (first or last) action, and
    when it reached lispmnd: the first kernel event on MN's uplinks after it, as ip monitor
    stamped it (the mark when there is none). The monitor may read an event after lispmnd
    did: what happened between mark and anchor shows with negative times."""
    mark = marks[-1] if last else marks[0]
    return mark, next((t for t, _ in events if t >= mark), mark)


def kind(p):
    """What a captured packet is, for the timeline; None for what it leaves out."""
    src, dst, port, payload = p[1], p[2], p[3], p[4]
    if port == 4341:
        return "data"
    t = payload[0] >> 4 if payload else -1
    if t == 3 and src in MN_RLOCS:
        return f"Map-Register from {src}"
    if t == 4 and dst in MN_RLOCS:
        return f"Map-Notify to {dst}"
    if t == 1 and payload[0] & 1 and src in MN_RLOCS:
        return f"SMR {src} -> {dst}"
    if t == 8 and src in X_RLOCS:
        return "X's Map-Request (ECM)"
    if t == 2 and dst in X_RLOCS:
        return "Map-Reply to X"
    return None


def timeline(pcap, events, mark, since):
    """[(ms after since, what)]: MN's kernel events and the control messages from mark on,
    until X sends to a new locator of MN (and MN from one), at most a second."""
    packets = read_capture(pcap)
    before = [p for p in packets if since - 0.2 <= p[0] < since]
    old_to_mn = {p[2] for p in before if p[3] == 4341 and p[1] in X_RLOCS}
    old_from_mn = {p[1] for p in before if p[3] == 4341 and p[2] in X_RLOCS}
    out = [(t, f"kernel: {what}") for t, what in events if mark <= t < since + 1]
    firsts = {}
    for p in packets:
        if not mark <= p[0] < since + 1:
            continue
        k = kind(p)
        if k == "data":
            if p[1] in X_RLOCS and p[2] not in old_to_mn and "x" not in firsts:
                firsts["x"] = p[0]
                out.append((p[0], f"X's first packet to a new MN locator ({p[2]})"))
            elif p[2] in X_RLOCS and p[1] not in old_from_mn and "mn" not in firsts:
                firsts["mn"] = p[0]
                out.append((p[0], f"MN's first packet from a new locator ({p[1]})"))
        elif k is not None:
            out.append((p[0], k))
    end = max(firsts.values()) + 0.005 if len(firsts) == 2 else since + 1
    return [((t - since) * 1000, what) for t, what in sorted(out) if t <= end]


# -- the matrix ----------------------------------------------------------------------------

def run_scenario(scenario, args, keep):
    runs = []
    for n in range(args.runs):
        workdir = os.path.join(keep or "/tmp", f"lmn-handover-{os.getpid()}-{scenario.name}-{n}")
        os.makedirs(workdir, exist_ok=True)
        results, events, marks, pcap = one_run(scenario, workdir, args.seconds)
        mark, since = anchor(events, marks, scenario.from_last_action)
        if scenario.traffic != "tcp":
            results = udp_results(results, since if scenario.from_last_action else None)
        runs.append((results, events, (mark, since), pcap, workdir))
        summary = ", ".join(f"{k}: {fmt(v)}" for k, v in results.items())
        print(f"  {scenario.name} run {n + 1}: {summary}", flush=True)
    return runs


def fmt(v):
    a, b = v
    if isinstance(a, str):
        return f"{a}, stall {b:.1f} ms"
    return f"gap {a:.1f} ms, {b} lost"


def median_run(runs):
    """The run whose worst loss over its streams is the median one."""
    def worst(run):
        return max((v[1] if not isinstance(v[0], str) else v[1]) for v in run[0].values())
    ordered = sorted(runs, key=worst)
    return ordered[(len(ordered) - 1) // 2]


def report(scenario, runs):
    print(f"\n{scenario.name}: {scenario.description}, {len(runs)} runs")
    if scenario.traffic == "tcp":
        for key in runs[0][0]:
            survived = sum(1 for r in runs if r[0][key][0] == "survived")
            stalls = [r[0][key][1] for r in runs]
            print(f"  {key:10} survived {survived}/{len(runs)}, stall median "
                  f"{statistics.median(stalls):.1f} ms (min {min(stalls):.1f}, max {max(stalls):.1f})")
    else:
        print(f"  {'stream':10} {'gap ms: median':>15} {'min':>7} {'max':>8}   "
              f"{'lost: median':>12} {'min':>5} {'max':>5}")
        for key in runs[0][0]:
            gaps = [r[0][key][0] for r in runs]
            lost = [r[0][key][1] for r in runs]
            print(f"  {key:10} {statistics.median(gaps):15.1f} {min(gaps):7.1f} {max(gaps):8.1f}   "
                  f"{statistics.median(lost):12} {min(lost):5} {max(lost):5}")
    _, events, (mark, since), pcap, _ = median_run(runs)
    print("  timeline of the median run (ms after MN's kernel reported the action):")
    for ms, what in timeline(pcap, events, mark, since):
        print(f"    {ms:8.1f}  {what}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=4)
    ap.add_argument("--only", help="comma-separated scenario names")
    ap.add_argument("--list", action="store_true", help="list the scenarios and exit")
    args = ap.parse_args()
    if args.list:
        for s in SCENARIOS:
            print(f"{s.name:12} {s.description}")
        return
    chosen = SCENARIOS
    if args.only:
        names = args.only.split(",")
        unknown = [n for n in names if n not in {s.name for s in SCENARIOS}]
        if unknown:
            sys.exit(f"handover bench: no scenario {', '.join(unknown)} (see --list)")
        chosen = [s for s in SCENARIOS if s.name in names]
    missing = fixtures.not_built(fixtures.LISPMND, SERVER)
    if missing:
        sys.exit(f"handover bench: {missing}")
    keep = os.environ.get("LISPMN_BENCH_WORKDIR")   # set it to keep the logs and captures
    all_runs = []
    for scenario in chosen:
        runs = run_scenario(scenario, args, keep)
        all_runs.append((scenario, runs))
    print(f"\nhandover matrix: {args.runs} runs per scenario, 1 ms UDP streams "
          f"(C->MN and MN->C, IPv4 and IPv6 EIDs), action {ACT_AFTER:.0f} s in")
    for scenario, runs in all_runs:
        report(scenario, runs)
    if not keep:
        for _, runs in all_runs:
            for run in runs:
                shutil.rmtree(run[4], ignore_errors=True)


if __name__ == "__main__":
    main()
