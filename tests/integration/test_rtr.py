#!/usr/bin/python3
"""lispmn-server's side of NAT traversal, driven by Python stand-ins for the mobile node
(lisp_client.py, lisp_codec.py: encoders written independently of the daemon's) from behind
a real NAT: a namespace that masquerades with random ports (nftables), as a home router or a
carrier-grade NAT does.

  mn (198.51.100.10) -- lan/198.51.100.1 [nat, masquerade] wan/203.0.113.126 -- eth0 ms
                                                                       (203.0.113.1/25)
  attacker (203.0.113.130-.229) -------------------------------------- eth1 ms (.129/25)

ms runs lispmn-server as map-server, and for the relayed registration also as RTR and
proxy, all at 203.0.113.1.
- NAT discovery: an authenticated Info-Request is answered with the translated address and
  port and the configured RTRs; unauthenticated, wrongly keyed and unknown-EID requests are
  dropped and counted, and --show tells so.
- Registration through the RTR: the stand-in node's ECM'd Map-Register, sent from its port
  4341 through the NAT, is relayed to the map-server, whose Map-Notify comes back through the
  RTR as a Data-Map-Notify to the NAT's translation of that port; the node is then a
  verified binding in the RTR's state. A flood of 20,000 forged ECM'd Map-Registers with
  random xTR-IDs from 10 addresses leaves the unverified state at its bound and the node
  still registers; a Map-Notify with a forged MS-RTR MAC is dropped and counted.
Run as root: meson test -C build rtr
"""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import proc_cpu_seconds, wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402
from fixtures import SERVER  # noqa: E402
from lisp_capture import Capture, decode, decode_problems  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT = os.path.join(HERE, "lisp_client.py")
NODE = os.path.join(HERE, "nat_node.py")
MS4, NAT_WAN, NAT_LAN, MN4 = "203.0.113.1", "203.0.113.126", "198.51.100.1", "198.51.100.10"
MS_ETH1 = "203.0.113.129"
ATTACKERS = [f"203.0.113.{i}" for i in range(130, 140)]
HOST = ATTACKERS[0]  # the attacker's namespace is also a host without LISP
MS6 = "2001:db8:ffff::1"
OTHER_RTR = "203.0.113.7"
KEY = "nat-integration-key"
EID = "192.0.2.10/32"
MS_RTR_KEY = "ms-rtr-integration-key"
XTR_ID = "00112233445566778899aabbccddeeff"

CONFIG = f"""[lispmn-server]
listen={MS4}

[map-server]
rtrs={MS4};{OTHER_RTR};{MS6}

[site ana]
eid-prefixes=192.0.2.0/24
key={KEY}
key-id=1
accept-more-specifics=true
"""


class NatTestCase(fixtures.TestCase):
    """lispmn-server in "ms"; the node's stand-in in "mn", behind the masquerading "nat"."""
    PROGRAMS = (SERVER,)

    def build_topology(self):
        for ns in ("ms", "nat", "mn"):
            self.t.add_ns(ns)
        self.t.link("mn", "eth0", "nat", "lan")
        self.t.link("nat", "wan", "ms", "eth0")
        self.t.addr("mn", "eth0", f"{MN4}/24")
        self.t.addr("nat", "lan", f"{NAT_LAN}/24")
        self.t.addr("nat", "wan", f"{NAT_WAN}/25")
        self.t.addr("ms", "eth0", f"{MS4}/25")
        self.t.route("mn", "default", "via", NAT_LAN)
        # Linux masquerade with random ports: an endpoint-dependent ("symmetric") NAT.
        for rule in (["add", "table", "ip", "natt"],
                     ["add", "chain", "ip", "natt", "post",
                      "{ type nat hook postrouting priority 100 ; }"],
                     ["add", "rule", "ip", "natt", "post", "oifname", "wan", "masquerade",
                      "random"]):
            self.t.run("nat", ["nft"] + rule)

    def start_server(self, config=CONFIG):
        self.server = lt.MapServer(self.t, "ms", config, self.dir)
        self.proc = self.server.proc

    def node(self, *args, ns="mn", timeout=60):
        r = self.t.run(ns, ["/usr/bin/python3", NODE] + list(args), timeout=timeout)
        return json.loads(r.stdout)

    def client(self, *args):
        r = self.t.run("mn", ["/usr/bin/python3", CLIENT] + list(args))
        return json.loads(r.stdout)

    def counters(self):
        return self.server.state()["counters"]


class InfoRequest(NatTestCase):
    def setUp(self):
        super().setUp()
        self.start_server()

    def test_discovery_through_nat(self):
        r = self.client("info", MS4, "4342", KEY, "1", EID, "--sport", "4342")
        reply = r["reply"]
        self.assertIsNotNone(reply, "no Info-Reply")
        self.assertEqual(reply["type"], 7)
        self.assertTrue(reply["R"])
        self.assertEqual(reply["nonce"], r["sent_nonce"])
        self.assertTrue(reply["mac_ok"])
        self.assertEqual((reply["key_id"], reply["ttl"], reply["eid"]), (1, 1440, EID))
        # what the server saw: the NAT's outside address and the port it chose (random, so
        # almost never the 4342 the node sent from; the node compares it with its own)
        self.assertEqual(reply["global_etr"], NAT_WAN)
        self.assertNotEqual((reply["global_etr"], reply["etr_port"]), (MN4, 4342))
        self.assertEqual((reply["ms_rloc"], reply["ms_port"]), (MS4, 4342))
        self.assertIsNone(reply["private_etr"])
        self.assertEqual(reply["rtrs"], [MS4, OTHER_RTR, MS6])
        c = self.counters()
        self.assertEqual((c["rx-info"], c["tx-info-reply"]), (1, 1))

    def test_refused(self):
        cases = [(("info", MS4, "4342", "wrong-key", "1", EID), "drop-bad-mac"),
                 (("info", MS4, "4342", "", "1", EID), "drop-unauthenticated-info"),
                 (("info", MS4, "4342", KEY, "1", "198.51.100.0/24"), "drop-eid-not-allowed"),
                 (("info", MS4, "4342", KEY, "9", EID), "drop-unknown-key-id")]
        for args, _ in cases:
            r = self.client(*args, "--timeout", "0.5")
            self.assertIsNone(r["reply"], f"{args}: answered")
        wait_for(lambda: self.counters()["rx-info"] >= len(cases), 10, "the requests counted")
        c = self.counters()
        for _, counter in cases:
            self.assertEqual(c[counter], 1, counter)
        self.assertEqual(c["tx-info-reply"], 0)
        self.assertTrue(self.proc.running())
        out = self.t._host([SERVER, "--show", self.server.state_file]).stdout
        self.assertIn("drop-unauthenticated-info", out)
        self.assertNotIn(KEY, self.proc.log())


RTR_CONFIG = f"""[lispmn-server]
listen={MS4}

[map-server]
rtrs={MS4}
rtr-key={MS_RTR_KEY}

[site ana]
eid-prefixes=192.0.2.0/24
key={KEY}
key-id=1
accept-more-specifics=true

[proxy]
eids=192.0.2.0/24
uplinks=eth0
tun=lmn-rtr-px0

[rtr]
address={MS4}
map-servers={MS4}
ms-key={MS_RTR_KEY}
max-unverified=64
"""


class WithAttacker(NatTestCase):
    """The NAT topology and "attacker" behind ms's eth1: forger, flooder, and a host
    without LISP."""
    MS = MS4  # where the node registers (through the RTR at MS4)

    def build_topology(self):
        super().build_topology()
        self.t.add_ns("attacker")
        self.t.link("attacker", "eth0", "ms", "eth1")
        self.t.addr("ms", "eth1", f"{MS_ETH1}/25")
        for a in ATTACKERS:
            self.t.addr("attacker", "eth0", f"{a}/25")
        self.t.route("attacker", "default", "via", MS_ETH1)

    def register(self, tries=1):
        """Registers the stand-in node through the RTR; a new nonce per try (a real node
        keeps trying every keepalive interval)."""
        for _ in range(tries):
            r = self.node("register", self.MS, MS4, KEY, "1", EID, XTR_ID)
            if r["reply"] is not None:
                break
        self.assertIsNotNone(r["reply"], f"no Data-Map-Notify: {self.proc.log()}")
        reply = r["reply"]
        # from the RTR's control port, to the node's data port through the NAT
        self.assertEqual(r["from"], [MS4, 4342])
        self.assertEqual((reply["header"]["I"], reply["header"]["iid"]), (True, 0xFFFFFF))
        self.assertEqual((reply["inner_src"], reply["inner_dst"]), (self.MS, MN4))
        self.assertEqual((reply["sport"], reply["dport"]), (4342, 4342))
        self.assertTrue(reply["udp_checksum_ok"])
        n = reply["notify"]
        self.assertEqual((n["type"], n["nonce"], n["I"], n["xtr_id"]), (4, r["nonce"], True,
                                                                        XTR_ID))
        self.assertTrue(n["mac_ok"])
        return r

    def rtr_state(self):
        return self.server.state()["rtr"]


class RelayedRegistration(WithAttacker):
    def setUp(self):
        super().setUp()
        self.start_server(RTR_CONFIG)

    def test_register_through_rtr(self):
        """Discovery, then registration through the RTR, with tshark judging every message
        on the wire (it reads the Data-Map-Notify, from port 4342, as an unknown control
        message: the point is that nothing is malformed)."""
        pcap = os.path.join(self.dir, "control.pcapng")
        cap = Capture(self.t, "ms", ["eth0"], pcap, os.path.join(self.dir, "tshark.log"))
        r = self.client("info", MS4, "4342", KEY, "1", EID, "--sport", "4341")
        self.assertEqual(r["reply"]["rtrs"], [MS4])
        self.register()
        # Info-Request and -Reply, the ECM'd Map-Register, the Data-Map-Notify
        wait_for(lambda: len(decode(pcap)) >= 4, 20, "tshark to write the four messages")
        msgs = cap.stop_and_decode()
        self.assertEqual(decode_problems(msgs), [])
        self.assertEqual(sorted({m.type for m in msgs}), [0, 7, 8])
        state = self.server.state()
        regs = state["registrations"]
        self.assertEqual([g["eid"] for g in regs], [EID])
        self.assertEqual([loc["address"] for loc in regs[0]["locators"]], [MS4])
        self.assertEqual(state["counters"]["tx-map-notify-via-rtr"], 1)
        nodes = state["rtr"]["nodes"]
        self.assertEqual(len(nodes), 1)
        self.assertEqual(nodes[0]["xtr-id"], XTR_ID)
        self.assertEqual(nodes[0]["private-rloc"], MN4)
        self.assertTrue(nodes[0]["translated"].startswith(NAT_WAN + ":"), nodes[0])
        self.assertEqual(nodes[0]["eids"], [EID])
        out = self.t._host([SERVER, "--show", self.server.state_file]).stdout
        self.assertIn(XTR_ID, out)
        self.assertNotIn(MS_RTR_KEY, self.proc.log())

    def test_flood_and_forged_notify(self):
        self.register()
        cpu, start = proc_cpu_seconds(self.server.pid), time.monotonic()
        r = self.node("flood", MS4, MS4, "20000", *ATTACKERS, ns="attacker", timeout=120)
        self.assertEqual(r["sent"], 20000)
        # The real node still registers (a new nonce; its verified binding stays meanwhile).
        # Its Map-Register queues behind what the kernel kept of the flood: once it is
        # answered, the flood has been handled. (The kernel may drop some of the flood, and
        # the node's first tries, when the socket's buffer is full.)
        self.register(tries=5)
        # a figure for the record, not a check: what the flood cost the server
        with open(os.path.join(self.dir, "flood.json"), "w") as f:
            json.dump({"messages": 20000, "seconds": time.monotonic() - start,
                       "server-cpu-seconds": proc_cpu_seconds(self.server.pid) - cpu}, f)
        rtr = self.rtr_state()
        c = rtr["counters"]
        self.assertGreater(c["rx-ecm-map-register"], 1000)
        self.assertLessEqual(rtr["unverified"], 64)
        self.assertGreater(c["drop-rate-limited"], 0)
        self.assertGreater(c["unverified-evicted"], 0)
        self.assertEqual([n["xtr-id"] for n in rtr["nodes"]], [XTR_ID])
        self.assertTrue(self.proc.running())
        # a Map-Notify with a forged MS-RTR MAC, from the map-server's own address
        self.node("forge-notify", MS4, MS4, "1", ns="ms")
        wait_for(lambda: self.rtr_state()["counters"]["drop-bad-ms-rtr-mac"] == 1, 10,
                 "the forged Map-Notify counted")
        self.assertEqual([n["xtr-id"] for n in self.rtr_state()["nodes"]], [XTR_ID])

    def test_data_through_rtr(self):
        """The node pings a host without LISP from its EID through the RTR, the host pings
        the node's EID through the proxy and the RTR, a correspondent's ITR reaches it
        through the RTR, and a packet from the node's EID sent from another address is
        dropped and counted."""
        log = os.path.join(self.dir, "node.log")
        node = self.t.popen("mn", ["/usr/bin/python3", NODE, "serve", MS4, MS4, KEY, "1", EID,
                                   XTR_ID, "--ping", HOST, "--seconds", "120"], log)

        def lines():
            with open(log) as f:
                return [json.loads(line) for line in f if line.startswith("{")]
        wait_for(lambda: lines() or not node.running(), 30, "the node's first report")
        first = lines()[0]
        self.assertTrue(first["registered"], first)
        ping = first["ping"]
        self.assertIsNotNone(ping, f"no echo reply through the RTR: {self.proc.log()}")
        # back from the RTR's control port, through the binding the node's keepalive opened
        self.assertEqual(ping["from"], [MS4, 4342])
        self.assertEqual((ping["src"], ping["dst"]), (HOST, EID.split("/")[0]))
        self.assertEqual((ping["header"]["I"], ping["header"]["N"]), (False, False))

        # the host without LISP reaches the node's EID: proxy-ITR, then the RTR
        self.t.run("attacker", ["ping", "-c", "3", "-i", "0.2", "-W", "5", "-I", HOST,
                                EID.split("/")[0]])
        self.assertGreaterEqual(max(line.get("answered", 0) for line in lines()), 1)
        c = self.rtr_state()["counters"]
        self.assertGreaterEqual(c["rx-data-from-node"], 2)
        self.assertGreaterEqual(c["tx-data-to-node"], 2)
        # a correspondent's ITR encapsulates to the RTR (the node's registered locator)
        answered = max(line.get("answered", 0) for line in lines())
        self.node("encap-ping", MS4, HOST, EID.split("/")[0], ns="attacker")
        wait_for(lambda: max(line.get("answered", 0) for line in lines()) > answered, 10,
                 "the node to answer the correspondent")

        # the node's EID from the host's address: not the node's
        self.node("forge-data", MS4, EID.split("/")[0], HOST, ns="attacker")
        wait_for(lambda: self.rtr_state()["counters"]["drop-data-unverified-source"] == 1, 10,
                 "the forged data packet counted")
        node.stop()


MS_ALONE = ATTACKERS[1]


class SeparateRtr(WithAttacker):
    """The RTR alone in "ms" (no site: no map-server there), the map-server in "attacker":
    the relayed Map-Register and the signed Map-Notify cross the wire."""
    MS = MS_ALONE

    def setUp(self):
        super().setUp()
        for sub in ("rtr", "ms"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        self.map_server = lt.MapServer(self.t, "attacker", f"""[lispmn-server]
listen={MS_ALONE}

[map-server]
rtrs={MS4}
rtr-key={MS_RTR_KEY}

[site ana]
eid-prefixes=192.0.2.0/24
key={KEY}
key-id=1
accept-more-specifics=true
""", os.path.join(self.dir, "ms"))
        self.server = lt.MapServer(self.t, "ms", f"""[lispmn-server]
listen={MS4}

[proxy]
eids=192.0.2.0/24
uplinks=eth0
tun=lmn-rtr-px1
map-resolver={MS_ALONE}

[rtr]
address={MS4}
map-servers={MS_ALONE}
ms-key={MS_RTR_KEY}
""", os.path.join(self.dir, "rtr"))
        self.proc = self.server.proc

    def test_register_and_ping(self):
        pcap = os.path.join(self.dir, "control.pcapng")
        cap = Capture(self.t, "ms", ["eth1"], pcap, os.path.join(self.dir, "tshark.log"))
        self.register()
        regs = self.map_server.state()["registrations"]
        self.assertEqual([(g["eid"], g["registered-by"]) for g in regs],
                         [(EID, f"{MS4}:4342")])
        self.assertEqual([n["xtr-id"] for n in self.rtr_state()["nodes"]], [XTR_ID])
        # the relayed ECM (N bit) and the signed ECM'd Map-Notify (R and S bits) on the wire
        wait_for(lambda: len(decode(pcap)) >= 2, 20, "tshark to write the two ECMs")
        msgs = cap.stop_and_decode()
        self.assertEqual(decode_problems(msgs), [])
        self.assertEqual(sorted(m.fields.get("lisp.ecm.flags.sec") for m in msgs), ["0", "1"])
        # the RTR answers nothing as a map-server would
        r = self.client("request", MS4, "4342", "192.0.2.10", MN4, "--timeout", "0.5")
        self.assertIsNone(r["reply"])
        # data through the separate RTR, to a host without LISP and back
        log = os.path.join(self.dir, "node.log")
        node = self.t.popen("mn", ["/usr/bin/python3", NODE, "serve", MS_ALONE, MS4, KEY, "1",
                                   EID, XTR_ID, "--ping", HOST, "--seconds", "30"], log)

        def first():
            with open(log) as f:
                return [json.loads(line) for line in f if line.startswith("{")][:1]
        wait_for(lambda: first() or not node.running(), 30, "the node's first report")
        self.assertIsNotNone(first()[0]["ping"], f"no echo reply: {self.proc.log()}")
        node.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
