#!/usr/bin/python3
"""lispmnd's data plane between network namespaces (see lisp_topology.py for the picture).

MN runs lispmnd as a mobile node with two uplinks, X runs it as the xTR of C's site; both
use static mappings. R has no route to any EID, so whatever gets through was encapsulated.

  (a) ping and TCP (checksummed, both directions, IPv4 and IPv6 EIDs) over IPv4-only RLOCs and
      over IPv6-only RLOCs, with R counting which outer family carried it;
  (b) failover: a paced TCP transfer survives losing up1's address, and losing up1's carrier;
      the state file shows up1 down within 1 s;
  (c) garbage on UDP 4341 is counted under the right drop reason, and ping still works;
  (d) a capture on X's uplink decodes as LISP data in tshark, nothing malformed;
  (e) incoming TCP connections to the EID from C;
  and a clean exit on SIGTERM (TUN, addresses and routes gone).

Needs root and the daemon: LISPMND (set by meson) or build/daemon/lispmnd. Logs, configs
and state files of each test are kept in LISPMN_TEST_WORKDIR/<test name>/.
"""
import json
import os
import socket
import struct
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402
from lisp_codec import checksum  # noqa: E402

BOTH = (4, 6)



class DataplaneTest(fixtures.TestCase):
    """A fresh topology per test; start() runs the two daemons."""

    def workdir_name(self):
        return self.id().split(".", 1)[-1]

    def setUp(self):
        super().setUp()
        self.port = 5000

    def start(self, mn_conf=None, x_conf=None):
        self.mn, self.x = lt.start_daemons(self.t, self.dir, mn_conf or lt.mn_config(),
                                           x_conf or lt.x_config())

    def next_port(self):
        self.port += 1
        return self.port

    def assertPing(self, ns, dst, source=None):
        self.assertTrue(lt.ping_ok(self.t, ns, dst, source),
                        f"ping {dst} from {ns} failed\nMN log:\n{self.mn.proc.log()}\n"
                        f"X log:\n{self.x.proc.log()}")

    def assertTransfer(self, server_ns, server_addr, client_ns, client_src, sender,
                       nbytes=4 << 20):
        tr = lt.Transfer(self.t, self.dir, server_ns, server_addr, client_ns, client_src,
                         sender, nbytes, port=self.next_port())
        ok, msg = tr.result()
        self.assertTrue(ok, f"{client_ns} -> {server_ns} [{server_addr}], {sender} sends: {msg}")


def count_lisp_on_router(t):
    """nftables counters on R of forwarded UDP 4341 packets per outer family."""
    rules = """
table inet lmncount {
  counter lisp4 { }
  counter lisp6 { }
  chain lmn_forward {
    type filter hook forward priority 0; policy accept;
    meta nfproto ipv4 udp dport 4341 counter name lisp4
    meta nfproto ipv6 udp dport 4341 counter name lisp6
  }
}
"""
    path = os.path.join(tempfile.gettempdir(), f"lmn{os.getpid()}-count.nft")
    with open(path, "w") as f:
        f.write(rules)
    t.run(lt.R, ["nft", "-f", path])
    os.unlink(path)

    def read():
        out = json.loads(t.run(lt.R, ["nft", "-j", "list", "counters", "table", "inet",
                                      "lmncount"]).stdout)
        counts = {}
        for item in out["nftables"]:
            c = item.get("counter")
            if c:
                counts[4 if c["name"] == "lisp4" else 6] = c["packets"]
        return counts
    return read


class OverRlocFamily:
    """(a) and (e) for one outer family; subclassed per family below."""
    families = BOTH

    def setUp(self):
        super().setUp()
        self.lisp_counts = count_lisp_on_router(self.t)
        self.start(lt.mn_config(self.families), lt.x_config(self.families))

    def check_outer_family(self):
        counts = self.lisp_counts()
        for fam in BOTH:
            if fam in self.families:
                self.assertGreater(counts[fam], 0, f"no IPv{fam} LISP packets crossed R: {counts}")
            else:
                self.assertEqual(counts[fam], 0, f"IPv{fam} LISP packets crossed R: {counts}")

    def test_ping(self):
        self.assertPing(lt.MN, lt.C4, lt.EID4)
        self.assertPing(lt.MN, lt.C6, lt.EID6)
        self.assertPing(lt.C, lt.EID4)
        self.assertPing(lt.C, lt.EID6)
        self.check_outer_family()

    def test_tcp_mn_to_c(self):
        for c_addr, eid in ((lt.C4, lt.EID4), (lt.C6, lt.EID6)):
            for sender in ("client", "server"):  # upload and download
                self.assertTransfer(lt.C, c_addr, lt.MN, eid, sender)
        self.check_outer_family()

    def test_tcp_c_to_mn(self):
        # (e) an incoming connection to the EID: server on MN, client on C
        for c_addr, eid in ((lt.C4, lt.EID4), (lt.C6, lt.EID6)):
            for sender in ("client", "server"):
                self.assertTransfer(lt.MN, eid, lt.C, c_addr, sender)
        self.check_outer_family()


class OverIPv4Rlocs(OverRlocFamily, DataplaneTest):
    families = (4,)


class OverIPv6Rlocs(OverRlocFamily, DataplaneTest):
    families = (6,)


class CleanExit(DataplaneTest):
    def test_sigterm_removes_tun_addresses_routes(self):
        self.start()
        self.assertPing(lt.MN, lt.C4, lt.EID4)
        for d, ns in ((self.mn, lt.MN), (self.x, lt.X)):
            status = d.stop()
            self.assertEqual(status, 0, f"lispmnd in {ns} exit status\n{d.proc.log()}")
            self.assertFalse(self.t.has_link(ns, "lispmn0"), f"lispmn0 left in {ns}")
            for fam in ("-4", "-6"):
                routes = self.t.run(ns, ["ip", fam, "route", "show", "table", "all"]).stdout
                self.assertNotIn("lispmn0", routes, f"routes left in {ns}")
        addrs = self.t.run(lt.MN, ["ip", "addr"]).stdout
        self.assertNotIn(lt.EID4, addrs)
        self.assertNotIn(lt.EID6, addrs)


class Failover(DataplaneTest):
    """(b) MN prefers up1 (priority 1 over 2). X's static mapping lists only up2's RLOC: with
    static mappings nothing can tell X that up1 went away (that is the control plane's job:
    SMR / Map-Notify), so the return path is kept on up2 and the test is about MN's egress."""

    def setUp(self):
        super().setUp()
        self.start(lt.mn_config((4,), {"up1": (1, 50), "up2": (2, 50)}),
                   lt.x_config((4,), {"up2": (1, 100)}))

    def tx_bytes(self, up):
        return self.t.link_stats(lt.MN, up)["tx"]["bytes"]

    def wait_state(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while True:
            state = self.mn.state()
            if predicate(state):
                return time.monotonic() - (deadline - timeout)
            if time.monotonic() >= deadline:
                self.fail(f"{what} not in the state file within {timeout} s: "
                          f"{json.dumps(state.get('rlocs'))}")
            time.sleep(0.05)

    def failover(self, cut, restore):
        self.wait_state(lambda s: lt.rloc_up(s, "up1") and lt.rloc_up(s, "up2"), 2,
                        "up1 and up2 up")
        # ~6 s of data at 1 MB/s: long enough to cut up1 in the middle
        tr = lt.Transfer(self.t, self.dir, lt.C, lt.C4, lt.MN, lt.EID4, "client", 6 << 20,
                         rate=1 << 20, port=self.next_port(), timeout=30)
        up1_before = self.tx_bytes("up1")
        # The transfer is under way on up1 (its start may take a while on a loaded machine).
        try:
            wait_for(lambda: self.tx_bytes("up1") - up1_before > 500_000, 8, "the transfer on up1")
        except TimeoutError:
            self.fail(f"the transfer did not use up1: {self.tx_bytes('up1') - up1_before} bytes")
        up2_before = self.tx_bytes("up2")
        cut()
        took = self.wait_state(lambda s: not lt.rloc_up(s, "up1"), 5.0, "up1 down")
        print(f"up1 down in the state file after {took:.2f} s")
        ok, msg = tr.result()
        self.assertTrue(ok, f"transfer across the failover: {msg}\nMN log:\n{self.mn.proc.log()}")
        self.assertGreater(self.tx_bytes("up2") - up2_before, 2_000_000,
                           "the rest of the transfer did not go over up2")
        restore()
        self.wait_state(lambda s: lt.rloc_up(s, "up1"), 3.0, "up1 up again")
        # back on the preferred uplink
        up1_before = self.tx_bytes("up1")
        self.assertPing(lt.MN, lt.C4, lt.EID4)
        self.assertGreater(self.tx_bytes("up1") - up1_before, 0, "traffic did not return to up1")

    def up1_addresses(self):
        u = lt.MN_UPLINKS["up1"]
        return [f"{u[f][0]}/{u[f][2]}" for f in BOTH]

    def test_address_removed(self):
        def cut():
            for cidr in self.up1_addresses():
                self.t.del_addr(lt.MN, "up1", cidr)

        def restore():
            for cidr in self.up1_addresses():
                self.t.addr(lt.MN, "up1", cidr)
            lt.add_uplink_routes(self.t, "up1")
        self.failover(cut, restore)

    def test_carrier_lost(self):
        def restore():
            self.t.carrier(lt.MN, "up1", True)
            # the kernel dropped the gateway routes with the carrier; NetworkManager would
            # re-add them
            wait_for(lambda: "LOWER_UP" in self.t.run(lt.MN, ["ip", "link", "show", "up1"]).stdout,
                     3, "up1 carrier")
            lt.add_uplink_routes(self.t, "up1")
        self.failover(lambda: self.t.carrier(lt.MN, "up1", False), restore)


# -- (c) garbage --------------------------------------------------------------------------

def ipv4_udp(src, dst, dport, payload=b"garbage test", total_len=None):
    udp_len = 8 + len(payload)
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    pseudo = s + d + struct.pack("!BBH", 0, 17, udp_len)
    udp = struct.pack("!HHHH", 40000, dport, udp_len, 0) + payload
    udp = udp[:6] + struct.pack("!H", checksum(pseudo + udp) or 0xFFFF) + udp[8:]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total_len or 20 + udp_len, 1, 0, 64, 17, 0, s, d)
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return hdr + udp


def ipv6_udp(src, dst, dport, payload=b"garbage test"):
    udp_len = 8 + len(payload)
    s, d = socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst)
    pseudo = s + d + struct.pack("!I3xB", udp_len, 17)
    udp = struct.pack("!HHHH", 40000, dport, udp_len, 0) + payload
    udp = udp[:6] + struct.pack("!H", checksum(pseudo + udp) or 0xFFFF) + udp[8:]
    return struct.pack("!IHBB", 6 << 28, udp_len, 17, 64) + s + d + udp


def lisp_header(flags=0x80, word1=0x123456, word2=0):
    """flags: N=0x80 L=0x40 E=0x20 V=0x10 I=0x08; word1: nonce or map-versions (24 bits)."""
    return struct.pack("!I I", (flags << 24) | word1, word2)


SEND_UDP = """
import socket, sys
dst, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET6 if ':' in dst else socket.AF_INET, socket.SOCK_DGRAM)
for h in sys.argv[3:]:
    s.sendto(bytes.fromhex(h), (dst, port))
"""

# A LISP datagram over IPv6 with a zero UDP checksum (RFC 6935/6936, what ITRs may send):
# through a raw socket, since the kernel's UDP sockets always fill one in.
SEND_UDP6_ZERO_CHECKSUM = """
import socket, struct, sys
dst, port, payload = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3])
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_UDP)
s.sendto(struct.pack("!HHHH", 40001, port, 8 + len(payload), 0) + payload, (dst, 0))
"""


class ZeroChecksum(DataplaneTest):
    """RFC 9300 §5.3: an ETR accepts LISP data whose outer UDP checksum is zero, over IPv6
    too (where Linux drops such datagrams unless the socket opted in)."""

    def test_ipv6_zero_checksum_delivered(self):
        self.start()
        listener = self.t.popen(lt.MN, [lt.PYTHON, "-c", """
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('192.0.2.10', 4998)); s.settimeout(5)
print('ready', flush=True)
print('got', s.recvfrom(100)[0].decode(), flush=True)
"""], os.path.join(self.dir, "listener.log"))
        wait_for(lambda: "ready" in listener.log(), 5, "the UDP listener")
        packet = lisp_header() + ipv4_udp(lt.C4, lt.EID4, 4998, b"zero-checksum")
        self.t.run(lt.R, [lt.PYTHON, "-c", SEND_UDP6_ZERO_CHECKSUM,
                          lt.MN_UPLINKS["up1"][6][0], "4341", packet.hex()])
        listener.wait(6)
        self.assertIn("got zero-checksum", listener.log(),
                      "a LISP packet with a zero IPv6 UDP checksum was not delivered")


class Garbage(DataplaneTest):
    REPEAT = 3

    def setUp(self):
        super().setUp()
        self.start()

    def send_from_router(self, dst, payloads):
        self.t.run(lt.R, [lt.PYTHON, "-c", SEND_UDP, dst, "4341"] + [p.hex() for p in payloads])

    def test_drops_counted_by_reason(self):
        to_eid = ipv4_udp(lt.C4, lt.EID4, 4999)
        cases = {
            "malformed-outer": [
                b"\x80\x00\x00",                       # shorter than the 8-byte header
                lisp_header()[:7],
                lisp_header(flags=0x20, word1=0) + to_eid,  # E without N
                lisp_header(flags=0x90) + to_eid,      # N and V together
            ],
            "malformed-inner": [
                lisp_header(),                         # no inner packet at all
                lisp_header() + b"\x00" * 40,          # version 0: not IP
                lisp_header() + to_eid[:24],           # IPv4 header claims more than is there
                lisp_header() + ipv4_udp(lt.C4, lt.EID4, 4999, total_len=200),
            ],
            "not-our-eid": [
                lisp_header() + ipv4_udp(lt.C4, "192.0.2.99", 4999),
                lisp_header() + ipv6_udp(lt.C6, "2001:db8:e1d::99", 4999),
            ],
            "wrong-instance-id": [
                lisp_header(flags=0x88, word2=1234 << 8) + to_eid,
            ],
        }
        rloc4 = lt.MN_UPLINKS["up1"][4][0]
        rloc6 = lt.MN_UPLINKS["up1"][6][0]
        before = self.mn.state()["counters"]["drops"]
        for reason, packets in cases.items():
            self.assertIn(reason, before, f"the state file has no drop counter {reason}")
            for dst in (rloc4, rloc6):
                self.send_from_router(dst, packets * self.REPEAT)

        # a well-formed packet from the same sender is delivered: the counts above are not
        # simply "everything from R"
        listener = self.t.popen(lt.MN, [lt.PYTHON, "-c", """
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('192.0.2.10', 4999)); s.settimeout(5)
print('ready', flush=True)
print('got', s.recvfrom(100)[0].decode(), flush=True)
"""], os.path.join(self.dir, "listener.log"))
        wait_for(lambda: "ready" in listener.log(), 5, "the UDP listener")
        self.send_from_router(rloc4, [lisp_header() + ipv4_udp(lt.C4, lt.EID4, 4999, b"valid")])
        listener.wait(6)
        self.assertIn("got valid", listener.log(), "a valid encapsulated packet was not delivered")

        def counted():
            drops = self.mn.state()["counters"]["drops"]
            return all(drops[r] - before[r] >= len(p) * 2 * self.REPEAT for r, p in cases.items()) and drops
        try:
            after = wait_for(counted, 10, "the drop counters")
        except TimeoutError:
            after = self.mn.state()["counters"]["drops"]
        for reason, packets in cases.items():
            self.assertEqual(after[reason] - before[reason], len(packets) * 2 * self.REPEAT,
                             f"drops[{reason}]: before {before}, after {after}")
        self.assertPing(lt.MN, lt.C4, lt.EID4)
        self.assertPing(lt.MN, lt.C6, lt.EID6)


class TunSide(DataplaneTest):
    """What local applications send into the TUN and the data plane cannot forward: each
    drop counted under its reason, and the ICMP errors the sender gets back."""

    def drops(self):
        return self.mn.state()["counters"]

    def test_not_from_eid_no_mapping_too_big(self):
        # mtu=1500 on the TUN: an inner 1500-byte packet no longer fits a 1500-byte uplink
        self.start(lt.mn_config(extra=["mtu=1500"]))
        before = self.drops()
        # A source that is not our EID (the uplink's address), routed into the TUN.
        rloc = lt.MN_UPLINKS["up1"][4][0]
        self.t.run(lt.MN, ["ping", "-c", "3", "-i", "0.2", "-W", "1", "-I", rloc, lt.C4], check=False)
        # A destination with no mapping and no proxy-ETR: ICMP unreachable comes back.
        out = self.t.run(lt.MN, ["ping", "-c", "2", "-i", "0.2", "-W", "1", "203.0.113.99"],
                         check=False)
        self.assertIn("Unreachable", out.stdout + out.stderr, "no ICMP unreachable for 203.0.113.99")
        # Don't-fragment packets too big once encapsulated: ICMP fragmentation needed.
        out = self.t.run(lt.MN, ["ping", "-c", "2", "-i", "0.2", "-W", "1", "-M", "do",
                                 "-s", "1472", lt.C4], check=False)
        self.assertRegex(out.stdout + out.stderr, r"(Frag needed|mtu ?= ?14[0-9][0-9])",
                         "no fragmentation-needed for a 1500-byte DF packet")
        after = self.drops()
        d0, d1 = before["drops"], after["drops"]
        self.assertEqual(d1["not-from-our-eid"] - d0["not-from-our-eid"], 3, f"{after}")
        self.assertEqual(d1["no-mapping"] - d0["no-mapping"], 2, f"{after}")
        self.assertGreaterEqual(d1["too-big"] - d0["too-big"], 1, f"{after}")
        self.assertGreaterEqual(after["icmp-sent"] - before["icmp-sent"], 3, f"{after}")
        # and forwarding goes on, small packets and ones that fit
        self.assertPing(lt.MN, lt.C4, lt.EID4)
        self.assertTrue(lt.ping_ok(self.t, lt.MN, lt.C6, lt.EID6))


class ProxyRouters(DataplaneTest):
    """X as proxy-ETR and proxy-ITR: MN reaches C, a host outside LISP, through its proxy-ETR
    (no mapping for C), and C reaches MN's EID through the proxy-ITR, which attracts the
    traffic for MN's EIDs and encapsulates it."""

    def test_reach_and_be_reached_from_outside_lisp(self):
        petrs = ";".join(f"{lt.X_UPLINK[f][0]} 1 100" for f in (4, 6))
        self.start(lt.mn_config(site_mappings=False, extra=[f"proxy-etrs={petrs}"]),
                   lt.proxy_config())
        self.assertPing(lt.MN, lt.C4, lt.EID4)
        self.assertPing(lt.MN, lt.C6, lt.EID6)
        self.assertTransfer(lt.MN, lt.EID4, lt.C, lt.C4, "client")   # C connects to the EID
        self.assertTransfer(lt.C, lt.C6, lt.MN, lt.EID6, "server")
        x, mn = self.x.state()["counters"], self.mn.state()["counters"]
        self.assertGreater(x["rx-packets"], 0, f"the proxy-ETR decapsulated nothing: {x}")
        self.assertGreater(x["tx-packets"], 0, f"the proxy-ITR encapsulated nothing: {x}")
        self.assertEqual(mn["drops"]["no-mapping"], 0, f"{mn}")
        # It is no open relay: LISP packets from sources outside its EIDs are dropped.
        before = x["drops"]["not-from-our-eid"]
        self.t.run(lt.R, [lt.PYTHON, "-c", SEND_UDP, lt.X_UPLINK[4][0], "4341",
                          (lisp_header() + ipv4_udp("192.0.2.99", lt.C4, 4999)).hex()])
        wait_for(lambda: self.x.state()["counters"]["drops"]["not-from-our-eid"] > before, 2,
                 "the proxy-ETR to drop a packet from outside its EIDs")


# -- (d) capture --------------------------------------------------------------------------

class Capture(DataplaneTest):
    def test_tshark_decodes_lisp_data(self):
        self.start()
        pcap = os.path.join(self.dir, "x-up0.pcapng")
        # A capture that ends by itself: on SIGINT tshark may lose the frames dumpcap has not
        # handed over yet, and "Capturing on" comes a little before the capture does.
        seconds = 6
        cap = self.t.popen(lt.X, ["tshark", "-n", "-i", "up0", "-w", pcap, "-a", f"duration:{seconds}"],
                           os.path.join(self.dir, "tshark-capture.log"))
        wait_for(lambda: "Capturing on" in cap.log() or not cap.running(), 10, "tshark to capture")
        time.sleep(0.5)
        self.assertPing(lt.MN, lt.C4, lt.EID4)
        self.assertPing(lt.MN, lt.C6, lt.EID6)
        self.assertPing(lt.C, lt.EID4)
        cap.wait(seconds + 10)
        r = self.t.run(lt.X, ["tshark", "-n", "-r", pcap, "-T", "json", "--no-duplicate-keys"],
                       timeout=60)
        frames = json.loads(r.stdout)
        lisp = [f["_source"]["layers"] for f in frames if "lisp-data" in f["_source"]["layers"]]
        # 3 pings x 6 echo requests each way, at least
        self.assertGreaterEqual(len(lisp), 30, f"{len(lisp)} LISP data frames of {len(frames)}")
        for layers in lisp:
            self.assertEqual(layers["udp"]["udp.dstport"], "4341")
            self.assertTrue("icmp" in layers or "icmpv6" in layers, f"inner not decoded: {list(layers)}")
        for f in frames:
            layers = f["_source"]["layers"]
            self.assertNotIn("_ws.malformed", layers, f"malformed frame: {json.dumps(layers)[:2000]}")
            experts = [v for k, v in lt.tshark_leaves(layers) if k == "_ws.expert.severity"]
            bad = [s for s in experts if int(s) >= 6291456]  # warning (6291456) or error
            self.assertFalse(bad, f"expert warnings/errors: {json.dumps(layers)[:3000]}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
