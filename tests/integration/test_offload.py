#!/usr/bin/python3
"""The data plane's offloads (docs/dataplane-offload.md), each test in both paths: with the
TUN's offloads, UDP GSO and GRO and the coalescer (the default), and without
(LISPMN_OFFLOAD=off in both daemons' environment, the fallback).

  - the log line says which path runs;
  - TCP at full speed, IPv4 and IPv6 EIDs, both directions: the data arrives intact (the
    transfer compares SHA-256 sums), the receiving stacks found no bad TCP checksum
    (nstat TcpInCsumErrors), the sender retransmitted no large share (TcpRetransSegs: no
    storm) and, with offloads, no TUN dropped a packet from its transmit queue;
  - TCP, UDP (each size from 1 to 1400 bytes and a fragmented 3000) and ICMP at once;
  - packets at the TUN's MTU (DF) and above it (fragmented by the sender), IPv4 and IPv6;
  - a handover (up1's address removed) in the middle of a saturating transfer.

Needs root and the daemon: LISPMND (set by meson) or build/daemon/lispmnd.
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402

FULL_SPEED_BYTES = 24 << 20
UDP_ECHO = """
import socket, sys
fam = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 7007))
print('ready', flush=True)
s.settimeout(30)
while True:
    data, peer = s.recvfrom(65535)
    s.sendto(data, peer)
"""
UDP_CLIENT = """
import socket, sys
fam = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind((sys.argv[2], 0))
s.settimeout(2)
sizes = list(range(1, 1401, 7)) + [3000]
got = 0
for n in sizes:
    payload = bytes((n + i) & 0xff for i in range(n))
    s.sendto(payload, (sys.argv[1], 7007))
    try:
        data, _ = s.recvfrom(65535)
        got += data == payload
    except socket.timeout:
        pass
print(f'{got} {len(sizes)}', flush=True)
"""


def nstat(t, ns):
    """The namespace's absolute SNMP counters (nstat -asz: no history file touched)."""
    out = t.run(ns, ["nstat", "-asz"]).stdout
    counters = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            counters[parts[0]] = int(parts[1])
    return counters


class OffloadPath(fixtures.TestCase):
    OFFLOAD = True
    # Retransmitted share of a full-speed transfer's segments that counts as a storm. A
    # transfer this short is mostly slow start, whose overshoot of the (deliberately small,
    # dataplane.c: RCVBUF_BYTES) receive queue costs a few percent on a loaded machine. One
    # packet per read, the fallback also overflows the TUN's queue (each drop a retransmit:
    # the shape the offloads replace), so it is allowed more.
    STORM = 0.20

    def workdir_name(self):
        return self.id().split(".", 1)[-1]

    def setUp(self):
        super().setUp()
        self.port = 5500

    def start(self, mn_conf=None, x_conf=None):
        env = None if self.OFFLOAD else dict(os.environ, LISPMN_OFFLOAD="off")
        self.x = lt.Daemon(self.t, lt.X, x_conf or lt.x_config(), self.dir, env=env)
        self.mn = lt.Daemon(self.t, lt.MN, mn_conf or lt.mn_config(), self.dir, env=env)
        self.x.wait_ready()
        self.mn.wait_ready()
        for d in (self.mn, self.x):
            self.addCleanup(d.stop)

    def next_port(self):
        self.port += 1
        return self.port

    def logs(self):
        return f"\nMN log:\n{self.mn.proc.log()[-3000:]}\nX log:\n{self.x.proc.log()[-3000:]}"

    def assertPing(self, ns, dst, source=None):
        self.assertTrue(lt.ping_ok(self.t, ns, dst, source), f"ping {dst} from {ns}{self.logs()}")

    def tun_tx_dropped(self):
        return sum(self.t.link_stats(d.ns, d.tun)["tx"]["dropped"] for d in (self.mn, self.x))

    def test_log_line(self):
        self.start()
        self.assertPing(lt.MN, lt.C4, lt.EID4)
        for d in (self.mn, self.x):
            log = d.proc.log(tail=1 << 24)
            off = "offloads off (LISPMN_OFFLOAD=off)" in log
            self.assertEqual(off, not self.OFFLOAD, log[-3000:])
            self.assertNotIn("no offloads", log)
            self.assertNotIn("GSO refused", log)

    def test_tcp_full_speed(self):
        self.start()
        for c_addr, eid in ((lt.C4, lt.EID4), (lt.C6, lt.EID6)):
            for sender in ("client", "server"):  # upload, download
                before = {ns: nstat(self.t, ns) for ns in (lt.MN, lt.C)}
                tun_drops = self.tun_tx_dropped()
                tr = lt.Transfer(self.t, self.dir, lt.C, c_addr, lt.MN, eid, sender,
                                 FULL_SPEED_BYTES, port=self.next_port(), timeout=60)
                ok, msg = tr.result()
                self.assertTrue(ok, f"{eid} -> {c_addr}, {sender} sends: {msg}{self.logs()}")
                after = {ns: nstat(self.t, ns) for ns in (lt.MN, lt.C)}
                if self.OFFLOAD:
                    # Super-packets keep the TUNs' queues short: none overflows (one packet
                    # per read, thousands do, each a retransmission).
                    self.assertEqual(self.tun_tx_dropped(), tun_drops, "TUN TX drops")
                for ns in (lt.MN, lt.C):
                    delta = after[ns].get("TcpInCsumErrors", 0) - before[ns].get("TcpInCsumErrors", 0)
                    self.assertEqual(delta, 0, f"{ns} received TCP segments with bad checksums")
                sending = lt.MN if sender == "client" else lt.C
                retrans = (after[sending].get("TcpRetransSegs", 0)
                           - before[sending].get("TcpRetransSegs", 0))
                segments = FULL_SPEED_BYTES // 1400
                print(f"{eid} -> {c_addr}, {sender} sends: {retrans} retransmitted segments")
                # A storm is a large share; a loaded machine may drop a few.
                self.assertLess(retrans, segments * self.STORM,
                                f"retransmit storm: {retrans} of ~{segments}")
        drops = self.mn.state()["counters"]["drops"]
        self.assertEqual(drops["malformed-inner"], 0, drops)

    def udp_echo(self, c_addr, eid):
        server = self.t.popen(lt.C, [lt.PYTHON, "-c", UDP_ECHO, c_addr],
                              os.path.join(self.dir, f"udp-echo-{c_addr}.log"))
        self.addCleanup(server.stop)
        wait_for(lambda: "ready" in server.log(), 5, "the UDP echo server")
        out = self.t.run(lt.MN, [lt.PYTHON, "-c", UDP_CLIENT, c_addr, eid], timeout=120).stdout
        got, sent = (int(x) for x in out.split())
        return got, sent

    def test_mixed_tcp_udp_icmp(self):
        self.start()
        self.assertPing(lt.MN, lt.C4, lt.EID4)
        tr = lt.Transfer(self.t, self.dir, lt.C, lt.C4, lt.MN, lt.EID4, "client",
                         FULL_SPEED_BYTES, port=self.next_port(), timeout=60)
        for c_addr, eid in ((lt.C4, lt.EID4), (lt.C6, lt.EID6)):
            got, sent = self.udp_echo(c_addr, eid)
            # Under a saturating transfer a few datagrams may be lost, not most.
            self.assertGreaterEqual(got, sent * 8 // 10, f"UDP echoes {got} of {sent}{self.logs()}")
            self.assertGreater(lt.ping(self.t, lt.MN, c_addr, eid, count=10, interval=0.05), 5)
        ok, msg = tr.result()
        self.assertTrue(ok, f"the transfer beside UDP and ICMP: {msg}{self.logs()}")

    def test_at_and_above_mtu(self):
        self.start()
        out = self.t.run(lt.MN, ["ip", "-o", "link", "show", "lispmn0"]).stdout
        mtu = int(out.split(" mtu ")[1].split()[0])
        self.assertPing(lt.MN, lt.C4, lt.EID4)
        self.assertPing(lt.MN, lt.C6, lt.EID6)
        cases = [(lt.C4, lt.EID4, ["-M", "do", "-s", str(mtu - 28)]),
                 (lt.C4, lt.EID4, ["-M", "dont", "-s", "3000"]),
                 (lt.C6, lt.EID6, ["-M", "do", "-s", str(mtu - 48)]),
                 (lt.C6, lt.EID6, ["-s", "3000"])]
        for dst, src, opts in cases:
            # The first of a size may wait for the path (fragment reassembly, neighbours).
            self.t.run(lt.MN, ["ping", "-n", "-q", "-c", "1", "-W", "2", "-I", src] + opts + [dst],
                       check=False, timeout=10)
            r = self.t.run(lt.MN, ["ping", "-n", "-q", "-c", "5", "-i", "0.1", "-W", "2",
                                   "-I", src] + opts + [dst], check=False, timeout=30)
            self.assertIn(" 0% packet loss", r.stdout, f"ping {opts} {dst}: {r.stdout}{self.logs()}")

    def test_handover_under_saturating_transfer(self):
        self.start(lt.mn_config((4,), {"up1": (1, 50), "up2": (2, 50)}),
                   lt.x_config((4,), {"up2": (1, 100)}))
        wait_for(lambda: lt.rloc_up(self.mn.state(), "up1") and lt.rloc_up(self.mn.state(), "up2"),
                 5, "up1 and up2 up")
        tx = lambda up: self.t.link_stats(lt.MN, up)["tx"]["bytes"]  # noqa: E731
        up1_before = tx("up1")
        # As much as tcp_transfer.py holds (random bytes, SHA-256): seconds at full speed.
        tr = lt.Transfer(self.t, self.dir, lt.C, lt.C4, lt.MN, lt.EID4, "client", 160 << 20,
                         port=self.next_port(), timeout=90)
        wait_for(lambda: tx("up1") - up1_before > 4_000_000, 30, "the transfer on up1")
        up2_before = tx("up2")
        u = lt.MN_UPLINKS["up1"]
        for f in (4, 6):
            self.t.del_addr(lt.MN, "up1", f"{u[f][0]}/{u[f][2]}")
        ok, msg = tr.result()
        self.assertTrue(ok, f"the transfer across the handover: {msg}{self.logs()}")
        self.assertGreater(tx("up2") - up2_before, 8_000_000, "the rest did not go over up2")


class FallbackPath(OffloadPath):
    OFFLOAD = False
    STORM = 0.35



if __name__ == "__main__":
    unittest.main(verbosity=2)
