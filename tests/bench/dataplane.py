#!/usr/bin/python3
"""Data-plane throughput: lispmnd against plain routing, in the same namespaces, same run.

    sudo tests/bench/dataplane.py [--seconds 10] [--reps 3] [--family 4|6] [--baseline-only]
    sudo tests/bench/dataplane.py --rtr [host|xtr] [--seconds 10] [--reps 3]
    (LISPMND=build/daemon/lispmnd by default; `meson test -C build --benchmark dataplane`
    runs a short one)

The topology of tests/integration/lisp_topology.py: MN -- R -- X -- C. Each repetition
measures every configuration in turn (the order alternates between repetitions), each with
iperf3 TCP from MN's EID to C: upload (MN -> C) and download (-R), 1 and 4 streams.
  plain:   the EIDs routed natively (EID on MN's loopback, routes on R)
  lispmnd: lispmnd on MN (mobile node) and X (xTR of C's site), static mappings, IPv4 RLOCs
With --rtr, the node is behind a NAT (lisp_topology.build_nat: N masquerades MN's up1 with
random ports; up2 is down) and the two configurations are:
  plain:   the EID on MN's loopback routed natively through N (masqueraded) to C, through X
           as a plain router
  rtr:     lispmnd on MN registered through lispmn-server's RTR in R, with the proxy-ETR/ITR
           the RTR needs on R's link to X. The correspondent C is
           host (default): a host without LISP, X a plain router that R routes C's site to:
             MN -> N -> RTR (decapsulated, routed) -> X -> C,
             C -> X -> R (the proxy's TUN) -> RTR -> N -> MN;
           xtr: behind X's lispmnd (an xTR registered with the same map-server):
             MN -> N -> RTR -> (re-encapsulated) X -> C, and C -> X -> RTR -> N -> MN
Each repetition also measures the RTT (ping from MN's EID to C, median): idle, and under the
1-stream upload (a ping every 20 ms beside it): what the tunnel adds, and what its queues
add under load. For each case it prints the median throughput, the median of the per-repetition ratios
LISP / plain (the machine is shared and noisy: ratios within a repetition are what to
compare), the TX drops on the TUNs (each becomes a TCP retransmit) and the daemons' CPU
seconds (utime + stime from /proc/PID/stat) per Gbit moved.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from netns import Topology, proc_cpu_seconds, wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402

CASES = [("up", 1), ("up", 4), ("down", 1), ("down", 4)]

# --rtr: lispmn-server in R is map-server, RTR and the proxy-ETR/ITR the RTR needs, at R's
# address towards X (r3), through which the RTR's traffic to X leaves; its proxy looks EIDs
# up at that address too (its sockets are on r3).
RTR, RTR_TUN = lt.X_UPLINK[4][1], "lmn-bench-px0"
RTR_SERVER_CONF = fixtures.SERVER_CONF + f"""
[map-server]
rtrs={RTR}

[proxy]
eids={lt.EID4}/32;{lt.EID6}/128
uplinks=r3
map-resolver={RTR}
tun={RTR_TUN}

[rtr]
address={RTR}
map-servers={fixtures.MS}
"""


class Bench:
    def __init__(self, t, args, workdir):
        self.t, self.args, self.dir = t, args, workdir
        self.port = 5200
        self.daemons = []
        self.server = None
        self.c_addr, self.eid = (lt.C4, lt.EID4) if args.family == 4 else (lt.C6, lt.EID6)

    def plain_through_nat(self, on):
        """The EID routed natively from behind N: on MN's loopback, out by up1 to C's site,
        masqueraded by N, which routes the answers back to it."""
        verb = self.t.route if on else self.t.del_route
        if on:
            self.t.addr(lt.MN, "lo", f"{lt.EID4}/32")
        verb(lt.MN, lt.SITE4, "via", lt.NAT_LAN[4][1], "dev", "up1", "src", lt.EID4, "metric", "50")
        verb(lt.NAT, f"{lt.EID4}/32", "via", lt.NAT_LAN[4][0], "dev", "lan")
        if self.args.rtr == "xtr":   # with host, R routes C's site to X all along
            verb(lt.R, lt.SITE4, "via", lt.X_UPLINK[4][0], "dev", "r3")
        if not on:
            self.t.del_addr(lt.MN, "lo", f"{lt.EID4}/32")

    def setup_rtr(self):
        """lispmn-server (map-server, RTR, proxy) in R, MN's lispmnd behind N (and X's with
        --rtr xtr); until MN is registered through the RTR (and X with the map-server)."""
        self.server = lt.MapServer(self.t, lt.R, RTR_SERVER_CONF, self.dir)
        mn = lt.Daemon(self.t, lt.MN, fixtures.mn_conf(), self.dir)
        mn.wait_ready()
        self.daemons = [mn]
        if self.args.rtr == "xtr":
            x = lt.Daemon(self.t, lt.X, fixtures.X_CONF, self.dir)
            x.wait_ready()
            self.daemons.append(x)
            wait_for(lambda: fixtures.map_server_states(x) == ["registered"], 10, "X registered")

        def through_rtr():
            return [r.get("rtr-registration") for r in mn.state().get("rlocs", [])
                    if r.get("address") == lt.NAT_LAN[4][0]] == ["registered"]
        wait_for(through_rtr, 20, "MN registered through the RTR")

    def setup(self, config):
        if config == "plain":
            if self.args.rtr:
                self.plain_through_nat(True)
            else:
                lt.plain_routing(self.t, True)
        elif config == "rtr":
            self.setup_rtr()
        else:
            mn, x = lt.start_daemons(self.t, self.dir, lt.mn_config((4,)), lt.x_config((4,)))
            self.daemons = [mn, x]
            if self.args.txqueuelen:
                for d in self.daemons:
                    self.t.run(d.ns, ["ip", "link", "set", d.tun, "txqueuelen", str(self.args.txqueuelen)])
            if self.args.qdisc:
                for d in self.daemons:
                    self.t.run(d.ns, ["tc", "qdisc", "replace", "dev", d.tun, "root", self.args.qdisc])
        # warm up neighbour caches and the first-packet path
        if not lt.ping_ok(self.t, lt.MN, self.c_addr, self.eid):
            sys.exit(f"dataplane bench: no path from {self.eid} to {self.c_addr} with {config}")

    def teardown(self, config):
        if config == "plain":
            if self.args.rtr:
                self.plain_through_nat(False)
            else:
                lt.plain_routing(self.t, False)
        else:
            for d in self.daemons:
                d.stop()
            self.daemons = []
            if self.server:
                self.server.stop()
                self.server = None

    def tun_tx_dropped(self):
        tuns = [(d.ns, d.tun) for d in self.daemons] + ([(lt.R, RTR_TUN)] if self.server else [])
        return sum(self.t.link_stats(ns, tun)["tx"]["dropped"] for ns, tun in tuns)

    def cpu(self):
        """CPU seconds of the lispmnds (MN's, X's), then of lispmn-server with --rtr."""
        pids = [d.pid for d in self.daemons] + ([self.server.pid] if self.server else [])
        return [proc_cpu_seconds(pid) for pid in pids]

    def iperf(self, direction, streams):
        """One iperf3 run; returns (Gbit/s, Gbit moved)."""
        self.port += 1
        tag = f"{self.port}"
        server = self.t.popen(lt.C, ["iperf3", "-s", "-1", "--forceflush", "-B", self.c_addr, "-p", str(self.port)],
                              os.path.join(self.dir, f"iperf3-server-{tag}.log"))
        wait_for(lambda: "listening" in server.log() or not server.running(), 5, "iperf3 -s")
        cmd = ["iperf3", "-c", self.c_addr, "-B", self.eid, "-p", str(self.port),
               "-t", str(self.args.seconds), "-P", str(streams), "-J"]
        if direction == "down":
            cmd.append("-R")
        client_log = os.path.join(self.dir, f"iperf3-client-{tag}.json")
        client = self.t.popen(lt.MN, cmd, client_log)
        client.wait(self.args.seconds + 30)
        server.stop()
        with open(client_log) as f:
            result = json.load(f)
        if "error" in result:
            sys.exit(f"dataplane bench: iperf3: {result['error']}")
        received = result["end"]["sum_received"]
        return received["bits_per_second"] / 1e9, received["bytes"] * 8 / 1e9

    def ping_cmd(self, count, interval):
        return ["ping", "-n", "-c", str(count), "-i", str(interval), "-W", "1", "-I", self.eid,
                self.c_addr]

    @staticmethod
    def median_rtt(text):
        """The median of ping's time=... values, in ms (None when no reply came)."""
        times = [float(w.split("=")[1]) for w in text.split() if w.startswith("time=")]
        return statistics.median(times) if times else None

    def idle_rtt(self):
        return self.median_rtt(self.t.run(lt.MN, self.ping_cmd(50, 0.01), check=False,
                                          timeout=30).stdout)

    def loaded(self, case):
        """Runs case with a ping beside it; returns (Gbit/s, Gbit, median RTT in ms)."""
        count = self.args.seconds * 50
        ping = self.t.popen(lt.MN, self.ping_cmd(count, 0.02),
                            os.path.join(self.dir, f"ping-loaded-{self.port}.log"))
        gbps, gbit = self.iperf(*case)
        ping.stop()
        return gbps, gbit, self.median_rtt(ping.log(tail=1 << 24))

    def run(self):
        configs = ["plain"] if self.args.baseline_only else ["plain", lisp_config(self.args)]
        # results[config][case] = list of dicts per repetition
        results = {c: {case: [] for case in CASES} for c in configs}
        for c in configs:
            results[c]["rtt"] = []
        for rep in range(self.args.reps):
            order = configs if rep % 2 == 0 else configs[::-1]
            for config in order:
                self.setup(config)
                idle = self.idle_rtt()
                for case in CASES:
                    drops0, cpu0 = (self.tun_tx_dropped(), self.cpu()) if self.daemons else (0, [])
                    if case == ("up", 1):
                        gbps, gbit, loaded = self.loaded(case)
                        results[config]["rtt"].append((idle, loaded))
                        print(f"rep {rep + 1} {config:8} RTT idle {idle} ms, under upload {loaded} ms")
                    else:
                        gbps, gbit = self.iperf(*case)
                    row = {"gbps": gbps, "gbit": gbit}
                    if self.daemons:
                        row["tun_tx_dropped"] = self.tun_tx_dropped() - drops0
                        row["cpu"] = [b - a for a, b in zip(cpu0, self.cpu())]
                    results[config][case].append(row)
                    print(f"rep {rep + 1} {config:8} {case[0]:4} x{case[1]}: {gbps:7.3f} Gbit/s",
                          flush=True)
                self.teardown(config)
        return results


def lisp_config(args):
    return "rtr" if args.rtr else "lispmnd"


def report(results, args):
    name = lisp_config(args)
    lisp = name in results
    cpu_names = {None: ["MN", "X"], "host": ["MN", "RTR"], "xtr": ["MN", "X", "RTR"]}[args.rtr]
    print()
    where = {None: "", "host": "MN behind a NAT through the RTR to a host without LISP, ",
             "xtr": "MN behind a NAT through the RTR to an xTR's site, "}[args.rtr]
    print(f"TCP, iperf3 {args.seconds} s, {where}EID {args.family == 4 and 'IPv4' or 'IPv6'}, "
          f"{args.reps} repetitions, medians")
    head = f"{'case':14} {'plain Gbit/s':>13}"
    if lisp:
        head += f" {name + ' Gbit/s':>15} {'ratio':>7} {'TUN tx-drop':>12}"
        head += "".join(f" {who + ' CPU-s/Gbit':>14}" for who in cpu_names)
    print(head)
    print("-" * len(head))
    for case in CASES:
        plain = [r["gbps"] for r in results["plain"][case]]
        line = f"{case[0] + ' x' + str(case[1]) + ' stream' + ('s' if case[1] > 1 else ''):14}" \
               f" {statistics.median(plain):13.3f}"
        if lisp:
            rows = results[name][case]
            ratios = [r["gbps"] / p for r, p in zip(rows, plain)]
            drops = statistics.median(r["tun_tx_dropped"] for r in rows)
            line += (f" {statistics.median(r['gbps'] for r in rows):15.3f}"
                     f" {statistics.median(ratios):7.3f} {drops:12.0f}")
            line += "".join(f" {statistics.median(r['cpu'][i] / r['gbit'] for r in rows):14.3f}"
                            for i in range(len(cpu_names)))
        print(line)
    print()
    print("RTT, ping from the EID, ms (median of medians): idle, under a 1-stream upload")
    for config, res in results.items():
        idle = [i for i, _ in res["rtt"] if i is not None]
        loaded = [x for _, x in res["rtt"] if x is not None]
        med = lambda v: f"{statistics.median(v):.3f}" if v else "-"  # noqa: E731
        print(f"{config:14} idle {med(idle):>8}   loaded {med(loaded):>8}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--family", type=int, choices=[4, 6], default=4, help="EID family")
    ap.add_argument("--txqueuelen", type=int, default=0,
                    help="set the TUNs' transmit queue length (0: leave the kernel default)")
    ap.add_argument("--qdisc", help="replace the TUNs' root qdisc (e.g. fq_codel)")
    ap.add_argument("--baseline-only", action="store_true",
                    help="plain routing only (no lispmnd needed)")
    ap.add_argument("--rtr", nargs="?", const="host", choices=["host", "xtr"],
                    help="the node behind a NAT, through lispmn-server's RTR (IPv4 EID), to a "
                    "host without LISP (default) or behind an xTR")
    args = ap.parse_args()
    if args.rtr and args.family != 4:
        sys.exit("dataplane bench: --rtr measures the IPv4 EID (plain routing through the NAT)")
    programs = [fixtures.LISPMND] + ([fixtures.SERVER] if args.rtr else [])
    missing = None if args.baseline_only else fixtures.not_built(*programs)
    if missing:
        sys.exit(f"dataplane bench: {missing} (or use --baseline-only)")
    workdir = tempfile.mkdtemp(prefix="lispmn-bench-")
    print(f"logs in {workdir}")
    with Topology() as t:
        if args.rtr:
            lt.build_nat(t)
            # only behind the NAT: up2 down, and up1's IPv6 (routed, not translated) gone
            t.carrier(lt.MN, "up2", False)
            t.del_addr(lt.MN, "up1", f"{lt.NAT_LAN[6][0]}/64")
            if args.rtr == "host":   # C's site is reached natively, X a plain router
                t.route(lt.R, lt.SITE4, "via", lt.X_UPLINK[4][0], "dev", "r3")
        else:
            lt.build(t)
        results = Bench(t, args, workdir).run()
    report(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
