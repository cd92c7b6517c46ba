#!/usr/bin/python3
"""lispmn-server's capacity: Map-Registers and ECM'd Map-Requests a second, and its memory
per registration, with many registered EIDs.

    sudo tests/bench/server.py [--eids 100000] [--sites 10000] [--clients 32] [--cpu 0]
    (LISPMN_SERVER=build/daemon/server/lispmn-server and
    BENCH_SERVER_LOAD=build/tests/bench/bench-server-load by default, from build/dev)

In a private network namespace, lispmn-server listens on 2001:db8:ff::1 with a generated
configuration (--sites sites, each a /64 with its own HMAC-SHA-256 key, accepting
more-specifics, answering as a proxy) and the load generator (tests/bench/server-load.c) sends
from --clients addresses on the loopback, one phase after the other:
  register      each EID registered from its own xTR-ID with the M bit: Map-Notifys back
  refresh       the same again, higher nonces
  resolve       ECM'd Map-Requests for registered EIDs: positive Map-Replies
  unregistered  ECM'd Map-Requests inside a site, not registered: negative Map-Replies
  non-eid       ECM'd Map-Requests outside every site: negative Map-Replies
Each phase is a closed loop (--window messages in flight). For each it prints the answers
per second of wall time and per CPU-second of lispmn-server (utime + stime from /proc: the
figure to trust on a shared machine), and lispmn-server's RSS before and after the
registrations, per registration. --cpu N pins lispmn-server to one CPU (taskset), as the
bars are for one core; --state-file has it keep a state file, as the integration tests do.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from netns import Topology, proc_cpu_seconds, wait_for  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "..", "..", "build", "dev")
SERVER = os.environ.get("LISPMN_SERVER", os.path.join(BUILD, "daemon", "server", "lispmn-server"))
LOAD = os.environ.get("BENCH_SERVER_LOAD",
                      os.path.join(BUILD, "tests", "bench", "bench-server-load"))
SERVER_ADDR = "2001:db8:ff::1"
PHASES = ["register", "refresh", "resolve", "unregistered", "non-eid"]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def listening(t):
    out = t.run("s", ["ss", "-Hlun", "sport", "= :4342"]).stdout
    return SERVER_ADDR in out


def run(args, t, workdir):
    t.add_ns("s")
    t.addr("s", "lo", f"{SERVER_ADDR}/128")
    for c in range(args.clients):
        t.addr("s", "lo", f"2001:db8:ff::{0x100 + c:x}/128")
    common = ["--eids", str(args.eids), "--sites", str(args.sites), "--server", SERVER_ADDR]
    conf = os.path.join(workdir, "lispmn-server.conf")
    subprocess.run([LOAD, "--write-config", conf] + common, check=True)
    os.chmod(conf, 0o600)   # it holds keys: lispmn-server refuses it readable by others
    # A fresh replay state: the load's xTR-IDs and nonces start over with every run.
    replay = os.path.join(workdir, "server.replay")
    if os.path.exists(replay):
        os.unlink(replay)
    cmd = [SERVER, "--config", conf, "--replay-state", replay]
    if args.state_file:
        cmd += ["--state-file", os.path.join(workdir, "state.json")]
    if args.cpu is not None:
        cmd = ["taskset", "-c", str(args.cpu)] + cmd
    server = t.popen("s", cmd, os.path.join(workdir, "lispmn-server.log"))
    wait_for(lambda: listening(t), args.start_timeout, "lispmn-server listening")
    results = {"rss_start_kib": rss_kib(server.pid), "phases": []}
    for phase in args.phases.split(","):
        cpu0 = proc_cpu_seconds(server.pid)
        out = t.run("s", [LOAD, "--phases", phase, "--clients", str(args.clients),
                          "--window", str(args.window), "--requests", str(args.requests)]
                    + common, timeout=args.phase_timeout).stdout
        r = json.loads(out.strip().splitlines()[-1])
        r["server_cpu"] = proc_cpu_seconds(server.pid) - cpu0
        r["per_cpu_second"] = r["answered"] / r["server_cpu"] if r["server_cpu"] > 0 else 0
        results["phases"].append(r)
        if phase == "register":
            results["rss_registered_kib"] = rss_kib(server.pid)
        if not server.running():
            raise RuntimeError(f"lispmn-server stopped: {server.log()}")
    return results


def report(results, args):
    print(f"lispmn-server: {args.eids} EIDs in {args.sites} sites, {args.clients} sources, "
          f"window {args.window}")
    print(f"{'phase':14} {'answered':>17} {'per s':>9} {'server CPU s':>13} {'per CPU-s':>10}")
    for r in results["phases"]:
        answered = f"{r['answered']}/{r['sent']}"
        print(f"{r['phase']:14} {answered:>17} {r['per_second']:9.0f} {r['server_cpu']:13.2f} "
              f"{r['per_cpu_second']:10.0f}")
        if r["phase"] == "resolve" and r["positive"] != r["answered"]:
            print(f"  only {r['positive']} of them positive")
    start = results["rss_start_kib"]
    if "rss_registered_kib" in results:
        reg = results["rss_registered_kib"]
        print(f"RSS: {start} KiB configured, {reg} KiB with {args.eids} registrations: "
              f"{(reg - start) * 1024 / args.eids:.0f} bytes per registration "
              f"({reg * 1024 / args.eids:.0f} bytes per registration all told)")
    if args.json:
        print(json.dumps(results))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--eids", type=int, default=100000)
    p.add_argument("--sites", type=int, default=10000)
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--window", type=int, default=256)
    p.add_argument("--requests", type=int, default=200000, help="Map-Requests per phase")
    p.add_argument("--phases", default=",".join(PHASES))
    p.add_argument("--cpu", type=int, help="pin lispmn-server to this CPU")
    p.add_argument("--start-timeout", type=float, default=120)
    p.add_argument("--phase-timeout", type=float, default=300)
    p.add_argument("--state-file", action="store_true",
                   help="run lispmn-server with --state-file (written at every change)")
    p.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = p.parse_args()
    if os.geteuid() != 0:
        sys.exit("server.py: needs root (network namespaces)")
    for prog in (SERVER, LOAD):
        if not os.access(prog, os.X_OK):
            sys.exit(f"server.py: {prog} missing: build it with ninja")
    with tempfile.TemporaryDirectory(prefix="lmn-bench-server-") as workdir, \
            Topology(workdir) as t:
        report(run(args, t, workdir), args)


if __name__ == "__main__":
    main()
