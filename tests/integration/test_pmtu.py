#!/usr/bin/python3
"""Path MTU and who may send us decapsulated packets (issue 15, items 4 and 5).

  (a) a 1280-byte underlay under X (the correspondent's xTR): IPv6 TCP from C to MN's IPv6
      EID gets through at a useful rate. X answers 1500-byte packets with "too big" 1280
      (not 1224, which IPv6 hosts ignore) and encapsulates the 1280-byte ones all the same,
      its kernel fragmenting the outer packets (RFC 9300 §7.1);
  (b) X's uplink MTU changes in the middle of a paced transfer: X's TUN follows (1500 ->
      1400 -> 1280 on the uplink: 1444, 1344, then 1280, IPv6's floor) and the transfer
      completes with the same checksum;
  (c) crafted LISP data packets from R to MN's RLOC with martian inner sources (MN's own
      EIDs, loopback, link-local, multicast and broadcast, IPv4-mapped, unspecified) are
      dropped, each counted under its reason; with strict-source-check off a correspondent's
      source from any outer address is still delivered;
  (d) strict-source-check=on: the same packet from R (no locator of C's mapping) is dropped
      as unverified-source, from a proxy-ITR it is delivered, and ping with C works.

The crafted packets are built with lisp_codec.py. Needs root and the daemon.
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import lisp_codec  # noqa: E402
import fixtures  # noqa: E402

# One UDP datagram per hex argument to DST:PORT, from SRC (an address of the namespace).
SEND_UDP = """
import socket, sys
src, dst, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_INET6 if ':' in dst else socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
for h in sys.argv[4:]:
    s.sendto(bytes.fromhex(h), (dst, port))
"""

# Prints "ready", then every datagram that arrives on ADDR:PORT, for SECONDS.
LISTEN_UDP = """
import socket, sys, time
addr, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_INET6 if ':' in addr else socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, port)); s.settimeout(0.5)
print('ready', flush=True)
end = time.monotonic() + seconds
while time.monotonic() < end:
    try:
        print('got', s.recvfrom(100)[0].decode(), flush=True)
    except socket.timeout:
        pass
"""

R_UP1 = lt.MN_UPLINKS["up1"][4][1]   # R's address on MN's first uplink: no locator of anyone
R_UP2 = lt.MN_UPLINKS["up2"][4][1]   # R's address on the second: the proxy-ITR in (d)
MN_RLOC4 = lt.MN_UPLINKS["up1"][4][0]
MN_RLOC6 = lt.MN_UPLINKS["up1"][6][0]
R_UP1_6 = lt.MN_UPLINKS["up1"][6][1]


def lisp_packet(src, dst, payload=b"martian", dport=4999):
    return lisp_codec.data_header(nonce=0x4242) + lisp_codec.ip_udp(src, dst, 40000, dport,
                                                                    payload)


class PmtuTest(fixtures.TestCase):
    def start(self, mn_conf=None, x_conf=None):
        self.mn, self.x = lt.start_daemons(self.t, self.dir, mn_conf or lt.mn_config(),
                                           x_conf or lt.x_config())

    def set_underlay_mtu(self, mtu):
        """X's uplink and R's end of it."""
        self.t.run(lt.X, ["ip", "link", "set", "dev", "up0", "mtu", str(mtu)])
        self.t.run(lt.R, ["ip", "link", "set", "dev", "r3", "mtu", str(mtu)])

    def tun_mtu(self, ns):
        import json
        out = self.t.run(ns, ["ip", "-j", "link", "show", "dev", "lispmn0"]).stdout
        return json.loads(out)[0]["mtu"]

    def frag_creates(self, ns):
        """The kernel's count of fragments ns created (IPv4 and IPv6 together)."""
        n = 0
        snmp = self.t.run(ns, ["cat", "/proc/net/snmp"]).stdout.splitlines()
        names, values = [l.split() for l in snmp if l.startswith("Ip:")][:2]
        n += int(values[names.index("FragCreates")])
        for line in self.t.run(ns, ["cat", "/proc/net/snmp6"]).stdout.splitlines():
            if line.startswith("Ip6FragCreates"):
                n += int(line.split()[1])
        return n

    def transfer(self, nbytes, rate=0, port=5001, timeout=40):
        """C sends nbytes over TCP to MN's IPv6 EID."""
        return lt.Transfer(self.t, self.dir, lt.MN, lt.EID6, lt.C, lt.C6, "client", nbytes,
                           rate=rate, port=port, timeout=timeout)

    def logs(self):
        return f"MN log:\n{self.mn.proc.log()}\nX log:\n{self.x.proc.log()}"

    def listen(self, addr, seconds=8):
        p = self.t.popen(lt.MN, [lt.PYTHON, "-c", LISTEN_UDP, addr, "4999", str(seconds)],
                         os.path.join(self.dir, f"listener-{addr}.log"))
        wait_for(lambda: "ready" in p.log(), 5, "the UDP listener")
        return p

    def send_from_router(self, src, dst, packets):
        self.t.run(lt.R, [lt.PYTHON, "-c", SEND_UDP, src, dst, "4341"] + [p.hex() for p in packets])

    def drops(self):
        return self.mn.state()["counters"]["drops"]


class Underlay1280(PmtuTest):
    def test_ipv6_tcp_over_1280_byte_underlay(self):
        self.set_underlay_mtu(1280)
        self.start()
        self.assertEqual(self.tun_mtu(lt.X), 1280, "X's TUN is not at IPv6's floor")
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID6), self.logs())
        before = self.frag_creates(lt.X)
        x_before = self.x.state()["counters"]
        nbytes = 4 << 20
        tr = self.transfer(nbytes)
        ok, msg = tr.result()
        self.assertTrue(ok, f"IPv6 TCP over a 1280-byte underlay: {msg}\n{self.logs()}")
        import json
        report = [json.loads(l) for l in tr.client.log().splitlines() if l.startswith("{")][-1]
        mbit = nbytes * 8 / max(report["seconds"], 0.001) / 1e6
        print(f"IPv6 TCP C -> MN over a 1280-byte underlay: {nbytes} bytes in "
              f"{report['seconds']:.2f} s, {mbit:.1f} Mbit/s", file=sys.stderr)
        # Before the fix: 0.0 Mbit/s. Generous for a loaded machine.
        self.assertGreater(mbit, 1.0, msg)
        # the 1280-byte packets went out as fragments, not as "too big"
        self.assertGreater(self.frag_creates(lt.X) - before, 1000,
                           "X's kernel fragmented (almost) nothing")
        x_after = self.x.state()["counters"]
        self.assertGreater(x_after["tx-packets"] - x_before["tx-packets"], nbytes // 1300,
                           f"{x_after}")


class MtuChange(PmtuTest):
    def test_tun_follows_uplink_mtu_mid_transfer(self):
        self.start()
        self.assertEqual(self.tun_mtu(lt.X), 1500 - 56)
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID6), self.logs())
        # 3 MB at 300 kB/s: about 10 s, the MTU changes twice on the way
        tr = self.transfer(3 << 20, rate=300_000, timeout=60)
        wait_for(lambda: tr.client.running() and "ready" in tr.server.log(), 5, "the transfer")
        for uplink, tun in ((1400, 1344), (1280, 1280)):
            self.set_underlay_mtu(uplink)
            wait_for(lambda: self.tun_mtu(lt.X) == tun, 10,
                     f"X's TUN MTU to follow the uplink's {uplink} to {tun}")
        ok, msg = tr.result()
        self.assertTrue(ok, f"the transfer across the MTU changes: {msg}\n{self.logs()}")
        self.assertIn("MTU 1344", self.x.proc.log())
        # and back up: the TUN grows again
        self.set_underlay_mtu(1500)
        wait_for(lambda: self.tun_mtu(lt.X) == 1444, 10, "X's TUN MTU back to 1444")
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID4), self.logs())


class Martians(PmtuTest):
    CASES = {
        "martian-own-eid": [(lt.EID4, lt.EID4), (lt.EID6, lt.EID6)],
        "martian-loopback": [("127.0.0.1", lt.EID4), ("::1", lt.EID6)],
        "martian-link-local": [("169.254.1.1", lt.EID4), ("fe80::1", lt.EID6)],
        "martian-multicast": [("224.0.0.5", lt.EID4), ("255.255.255.255", lt.EID4),
                              ("ff02::1", lt.EID6)],
        "martian-v4-mapped": [("::ffff:192.0.2.130", lt.EID6)],
        "martian-unspecified": [("0.0.0.0", lt.EID4), ("0.1.2.3", lt.EID4), ("::", lt.EID6)],
    }
    REPEAT = 3

    def test_martian_inner_sources_dropped_per_reason(self):
        self.start()
        before = self.drops()
        for reason, pairs in self.CASES.items():
            self.assertIn(reason, before, f"the state file has no drop counter {reason}")
            packets = [lisp_packet(src, dst) for src, dst in pairs] * self.REPEAT
            # over both outer families: the check is the inner source's alone
            self.send_from_router(R_UP1, MN_RLOC4, packets)
            self.send_from_router(R_UP1_6, MN_RLOC6, packets)

        def counted():
            d = self.drops()
            return all(d[r] - before[r] >= 2 * len(p) * self.REPEAT
                       for r, p in self.CASES.items()) and d
        try:
            after = wait_for(counted, 10, "the martian drop counters")
        except TimeoutError:
            after = self.drops()
        for reason, pairs in self.CASES.items():
            self.assertEqual(after[reason] - before[reason], 2 * len(pairs) * self.REPEAT,
                             f"drops[{reason}]: before {before}, after {after}")
        # strict-source-check is off: a correspondent's source passes from any outer address
        listener = self.listen(lt.EID4)
        self.send_from_router(R_UP1, MN_RLOC4, [lisp_packet(lt.C4, lt.EID4, b"loose")])
        wait_for(lambda: "got loose" in listener.log(), 5, "the packet from R to be delivered")
        self.assertEqual(self.drops()["unverified-source"], 0)
        # and traffic goes on
        self.assertTrue(lt.ping_ok(self.t, lt.MN, lt.C6, lt.EID6), self.logs())


class StrictSourceCheck(PmtuTest):
    def test_strict_source_check(self):
        self.start(lt.mn_config(extra=["strict-source-check=on", f"proxy-itrs={R_UP2}"]))
        # C's replies come from X's RLOCs, the locators of C's site mapping
        self.assertTrue(lt.ping_ok(self.t, lt.MN, lt.C4, lt.EID4), self.logs())
        self.assertTrue(lt.ping_ok(self.t, lt.MN, lt.C6, lt.EID6), self.logs())
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID6), self.logs())
        before = self.drops()
        listener = self.listen(lt.EID4)
        # C's source from R's address, no locator of C's mapping: forged
        forged = [lisp_packet(lt.C4, lt.EID4, b"forged"), lisp_packet(lt.C6, lt.EID6, b"forged6")]
        self.send_from_router(R_UP1, MN_RLOC4, forged * 3)
        # a source with no mapping at all (a host outside LISP), not from a proxy-ITR
        self.send_from_router(R_UP1, MN_RLOC4, [lisp_packet("203.0.113.5", lt.EID4, b"nomap")])
        # the same from the proxy-ITR: delivered
        self.send_from_router(R_UP2, lt.MN_UPLINKS["up2"][4][0],
                              [lisp_packet("203.0.113.5", lt.EID4, b"via-pitr")])
        wait_for(lambda: "got via-pitr" in listener.log(), 5, "the proxy-ITR's packet")

        def counted():
            d = self.drops()
            return d["unverified-source"] - before["unverified-source"] >= 7 and d
        try:
            after = wait_for(counted, 10, "the unverified-source counter")
        except TimeoutError:
            after = self.drops()
        self.assertEqual(after["unverified-source"] - before["unverified-source"], 7, f"{after}")
        self.assertNotIn("got forged", listener.log())
        self.assertNotIn("got nomap", listener.log())
        # the martian check holds under the strict one too
        self.send_from_router(R_UP1, MN_RLOC4, [lisp_packet(lt.EID4, lt.EID4)])
        wait_for(lambda: self.drops()["martian-own-eid"] - before["martian-own-eid"] == 1, 10,
                 "the own-EID drop")
        self.assertTrue(lt.ping_ok(self.t, lt.MN, lt.C4, lt.EID4), self.logs())


if __name__ == "__main__":
    unittest.main(verbosity=2)
