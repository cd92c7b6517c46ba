#!/usr/bin/python3
"""lispmn-server's side of NAT traversal, driven by Python stand-ins for the mobile node
(lisp_client.py, lisp_codec.py: encoders written independently of the daemon's) from behind
a real NAT: a namespace that masquerades with random ports (nftables), as a home router or a
carrier-grade NAT does.

  mn (198.51.100.10) -- lan/198.51.100.1 [nat, masquerade] wan/203.0.113.254 -- ms (203.0.113.1)

- NAT discovery: an authenticated Info-Request is answered with the translated address and
  port and the configured RTRs; unauthenticated, wrongly keyed and unknown-EID requests are
  dropped and counted, and --show tells so.
Run as root: meson test -C build rtr
"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402
from fixtures import SERVER  # noqa: E402

CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lisp_client.py")
MS4, NAT_WAN, NAT_LAN, MN4 = "203.0.113.1", "203.0.113.254", "198.51.100.1", "198.51.100.10"
MS6 = "2001:db8:ffff::1"
OTHER_RTR = "203.0.113.7"
KEY = "nat-integration-key"
EID = "192.0.2.10/32"

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
        self.t.addr("nat", "wan", f"{NAT_WAN}/24")
        self.t.addr("ms", "eth0", f"{MS4}/24")
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


if __name__ == "__main__":
    unittest.main(verbosity=2)
