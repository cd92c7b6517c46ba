#!/usr/bin/python3
"""Data-plane throughput: lispmnd against plain routing, in the same namespaces, same run.

    sudo tests/bench/dataplane.py [--seconds 10] [--reps 3] [--family 4|6] [--baseline-only]
    (LISPMND=build/daemon/lispmnd by default; `meson test -C build --benchmark dataplane`
    runs a short one)

The topology of tests/integration/lisp_topology.py: MN -- R -- X -- C. Each repetition
measures every configuration in turn (the order alternates between repetitions), each with
iperf3 TCP from MN's EID to C: upload (MN -> C) and download (-R), 1 and 4 streams.
  plain:   the EIDs routed natively (EID on MN's loopback, routes on R)
  lispmnd: lispmnd on MN (mobile node) and X (xTR of C's site), static mappings, IPv4 RLOCs
For each case it prints the median throughput, the median of the per-repetition ratios
lispmnd / plain (the machine is shared and noisy: ratios within a repetition are what to
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
from netns import Topology, wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402

CASES = [("up", 1), ("up", 4), ("down", 1), ("down", 4)]


class Bench:
    def __init__(self, t, args, workdir):
        self.t, self.args, self.dir = t, args, workdir
        self.port = 5200
        self.daemons = []
        self.c_addr, self.eid = (lt.C4, lt.EID4) if args.family == 4 else (lt.C6, lt.EID6)

    def setup(self, config):
        if config == "plain":
            lt.plain_routing(self.t, True)
        else:
            mn, x = lt.start_daemons(self.t, self.dir, lt.mn_config((4,)), lt.x_config((4,)))
            self.daemons = [mn, x]
            if self.args.txqueuelen:
                for d in self.daemons:
                    self.t.run(d.ns, ["ip", "link", "set", d.tun, "txqueuelen", str(self.args.txqueuelen)])
        # warm up neighbour caches and the first-packet path
        if not lt.ping_ok(self.t, lt.MN, self.c_addr, self.eid):
            sys.exit(f"dataplane bench: no path from {self.eid} to {self.c_addr} with {config}")

    def teardown(self, config):
        if config == "plain":
            lt.plain_routing(self.t, False)
        else:
            for d in self.daemons:
                d.stop()
            self.daemons = []

    def tun_tx_dropped(self):
        return sum(self.t.link_stats(d.ns, d.tun)["tx"]["dropped"] for d in self.daemons)

    def cpu(self):
        return [d.cpu_seconds() for d in self.daemons]

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

    def run(self):
        configs = ["plain"] if self.args.baseline_only else ["plain", "lispmnd"]
        # results[config][case] = list of dicts per repetition
        results = {c: {case: [] for case in CASES} for c in configs}
        for rep in range(self.args.reps):
            order = configs if rep % 2 == 0 else configs[::-1]
            for config in order:
                self.setup(config)
                for case in CASES:
                    drops0, cpu0 = (self.tun_tx_dropped(), self.cpu()) if self.daemons else (0, [])
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


def report(results, args):
    lisp = "lispmnd" in results
    print()
    print(f"TCP, iperf3 {args.seconds} s, EID {args.family == 4 and 'IPv4' or 'IPv6'}, "
          f"{args.reps} repetitions, medians")
    head = f"{'case':14} {'plain Gbit/s':>13}"
    if lisp:
        head += (f" {'lispmnd Gbit/s':>15} {'ratio':>7} {'TUN tx-drop':>12}"
                 f" {'MN CPU-s/Gbit':>14} {'X CPU-s/Gbit':>13}")
    print(head)
    print("-" * len(head))
    for case in CASES:
        plain = [r["gbps"] for r in results["plain"][case]]
        line = f"{case[0] + ' x' + str(case[1]) + ' stream' + ('s' if case[1] > 1 else ''):14}" \
               f" {statistics.median(plain):13.3f}"
        if lisp:
            rows = results["lispmnd"][case]
            ratios = [r["gbps"] / p for r, p in zip(rows, plain)]
            drops = statistics.median(r["tun_tx_dropped"] for r in rows)
            mn_cpu = statistics.median(r["cpu"][0] / r["gbit"] for r in rows)
            x_cpu = statistics.median(r["cpu"][1] / r["gbit"] for r in rows)
            line += (f" {statistics.median(r['gbps'] for r in rows):15.3f}"
                     f" {statistics.median(ratios):7.3f} {drops:12.0f} {mn_cpu:14.3f} {x_cpu:13.3f}")
        print(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--family", type=int, choices=[4, 6], default=4, help="EID family")
    ap.add_argument("--txqueuelen", type=int, default=0,
                    help="set the TUNs' transmit queue length (0: leave the kernel default)")
    ap.add_argument("--baseline-only", action="store_true",
                    help="plain routing only (no lispmnd needed)")
    args = ap.parse_args()
    missing = None if args.baseline_only else fixtures.not_built(fixtures.LISPMND)
    if missing:
        sys.exit(f"dataplane bench: {missing} (or use --baseline-only)")
    workdir = tempfile.mkdtemp(prefix="lispmn-bench-")
    print(f"logs in {workdir}")
    with Topology() as t:
        lt.build(t)
        results = Bench(t, args, workdir).run()
    report(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
