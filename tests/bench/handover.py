#!/usr/bin/python3
"""Handover: how long traffic to the mobile node stops when its preferred uplink's carrier
is pulled while the second uplink stays up.

    sudo tests/bench/handover.py [--runs 5] [--seconds 4]
    (LISPMND and LISPMN_SERVER default to the build tree; `meson test -C build --benchmark
    handover` runs a short one)

The topology of tests/integration (MN -- R -- X -- C) with lispmn-server in R as map-server
and map-resolver, no static mapping anywhere: MN (up1 priority 1, up2 priority 2) and X
register and find each other through it. C sends a sequence-numbered UDP datagram every
millisecond to a receiver on MN's EID; one second in, R's end of up1 goes down (MN loses
the carrier). Per run: the longest gap between consecutive datagrams received and how many
were lost; then the median over the runs.
"""
import argparse
import os
import shutil
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from netns import Topology, wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402
from fixtures import SERVER, SERVER_CONF, X_CONF, map_server_states, mn_conf, read  # noqa: E402

SENDER = """
import socket, struct, sys, time
dst, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
start = time.monotonic()
for i in range(count):
    s.sendto(struct.pack("!I", i), (dst, port))
    delay = start + (i + 1) / 1000 - time.monotonic()
    if delay > 0:
        time.sleep(delay)
"""

RECEIVER = """
import socket, struct, sys, time
addr, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, port)); s.settimeout(0.5)
print("ready", flush=True)
got, end = [], time.monotonic() + seconds
while time.monotonic() < end:
    try:
        data = s.recv(64)
    except socket.timeout:
        continue
    got.append((time.monotonic(), struct.unpack("!I", data[:4])[0]))
for t, n in got:
    print(f"{t:.6f} {n}")
"""


def one_run(workdir, seconds):
    with Topology() as t:
        lt.build(t)
        conf = os.path.join(workdir, "lispmn-server.conf")
        with open(conf, "w") as f:
            f.write(SERVER_CONF)
        server = t.popen(lt.R, [SERVER, "--config", conf], os.path.join(workdir, "server.log"))
        mn, x = lt.start_daemons(t, workdir, mn_conf(up2_priority=2), X_CONF)
        wait_for(lambda: map_server_states(mn) == ["registered"], 5, "MN registered")
        wait_for(lambda: map_server_states(x) == ["registered"], 5, "X registered")
        lt.ping_ok(t, lt.C, lt.EID4)           # both sides resolved
        log = os.path.join(workdir, "receiver.log")
        rx = t.popen(lt.MN, [lt.PYTHON, "-c", RECEIVER, lt.EID4, "6000", str(seconds + 1)], log)
        wait_for(lambda: "ready" in read(log), 5, "the receiver")
        count = seconds * 1000
        tx = t.popen(lt.C, [lt.PYTHON, "-c", SENDER, lt.EID4, "6000", str(count)],
                     os.path.join(workdir, "sender.log"))
        time.sleep(1)
        t.carrier(lt.MN, "up1", False)        # R's end goes down: MN's up1 loses its carrier
        tx.wait(seconds + 5)
        rx.wait(seconds + 5)
        got = [(float(a), int(b)) for a, b in (line.split() for line in read(log).splitlines()
                                                   if line[:1].isdigit())]
        server.stop()
    seqs = sorted(n for _, n in got)
    times = sorted(ts for ts, _ in got)
    gaps = [b - a for a, b in zip(times, times[1:])]
    return (max(gaps) * 1000 if gaps else float("inf")), count - len(set(seqs))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=4)
    args = ap.parse_args()
    missing = fixtures.not_built(fixtures.LISPMND, SERVER)
    if missing:
        sys.exit(f"handover bench: {missing}")
    keep = os.environ.get("LISPMN_BENCH_WORKDIR")   # set it to keep the logs
    results = []
    for run in range(args.runs):
        workdir = os.path.join(keep or "/tmp", f"lmn-handover-{os.getpid()}-{run}")
        os.makedirs(workdir, exist_ok=True)
        try:
            gap, lost = one_run(workdir, args.seconds)
        finally:
            if not keep:
                shutil.rmtree(workdir, ignore_errors=True)
        results.append((gap, lost))
        print(f"run {run + 1}: longest gap {gap:.1f} ms, {lost} of {args.seconds * 1000} lost")
    gaps, losts = [g for g, _ in results], [lost for _, lost in results]
    print(f"\nhandover (carrier of the preferred uplink pulled), {args.runs} runs, 1 ms UDP stream:")
    print(f"  longest gap: median {statistics.median(gaps):.1f} ms (min {min(gaps):.1f}, max {max(gaps):.1f})")
    print(f"  lost:        median {statistics.median(losts)} datagrams")


if __name__ == "__main__":
    main()
