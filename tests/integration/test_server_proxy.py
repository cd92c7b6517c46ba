#!/usr/bin/python3
"""lispmn-server as everything a mobile node needs, on one address: map-server,
map-resolver, proxy-ITR and proxy-ETR at 203.0.113.2 in its own namespace S.

        MN (up1, up2) ---- R ---- X (plain router) ---- C (knows no LISP)
                           |
                           S  lispmn-server 203.0.113.2, 2001:db8:ffff::2 ([proxy] uplinks=s0)

R routes MN's EIDs to S (what announcing them would do) and C's site to X. No static
mapping anywhere: the proxy finds the mobile node through the map-resolver of its own
process, and the mobile node sends what is not for an EID to the proxy-ETR.
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402
from fixtures import SERVER, map_server_states  # noqa: E402

S = "s"
S4, S6 = "203.0.113.2", "2001:db8:ffff::2"
R4, R6 = "203.0.113.1", "2001:db8:ffff::1"
KEY = "proxy-test-key"

SERVER_CONF = f"""[lispmn-server]
listen={S4};{S6}

[site mobile]
eid-prefixes={lt.EID4}/32;{lt.EID6}/128
key={KEY}

[proxy]
eids={lt.EID4}/32;{lt.EID6}/128
uplinks=s0
"""

MN_CONF = f"""[lispmnd]
mode=mobile-node
eids={lt.EID4}/32;{lt.EID6}/128
map-resolvers={S4}
proxy-etrs={S4};{S6}

[uplink up1]
priority=1
weight=50

[uplink up2]
priority=2
weight=50

[map-server {S4}]
key={KEY}
"""


class ServerProxy(fixtures.TestCase):
    PROGRAMS = (fixtures.LISPMND, SERVER)

    def setUp(self):
        super().setUp()
        t = self.t
        t.add_ns(S)
        t.link(lt.R, "r4", S, "s0")
        t.addr(lt.R, "r4", f"{R4}/29")
        t.addr(lt.R, "r4", f"{R6}/64")
        t.addr(S, "s0", f"{S4}/29")
        t.addr(S, "s0", f"{S6}/64")
        t.route(S, "default", "via", R4, "dev", "s0")
        t.route(S, "default", "via", R6, "dev", "s0")
        # R: the EIDs are announced by the proxy; C's site is behind X (a plain router now).
        t.route(lt.R, f"{lt.EID4}/32", "via", S4, "dev", "r4")
        t.route(lt.R, f"{lt.EID6}/128", "via", S6, "dev", "r4")
        for fam, site in ((4, lt.SITE4), (6, lt.SITE6)):
            t.route(lt.R, site, "via", lt.X_UPLINK[fam][0], "dev", "r3")
        self.server = lt.MapServer(t, S, SERVER_CONF, self.dir)
        self.state_file = self.server.state_file
        self.mn = lt.Daemon(t, lt.MN, MN_CONF, self.dir)
        self.mn.wait_ready()

    def server_state(self):
        return self.server.state()

    def registered(self):
        return map_server_states(self.mn) == ["registered"]

    def test_hosts_without_lisp_reach_the_mobile_node_and_back(self):
        wait_for(self.registered, 10, "MN registered with lispmn-server")
        proxy = self.server_state()["proxy"]
        self.assertEqual(proxy["tun"], "lispmn-px0")
        self.assertIn({"interface": "s0", "address": S4, "state": "up"}, proxy["rlocs"])
        self.assertTrue(self.t.has_link(S, "lispmn-px0"))

        # C -> MN's EID: R hands it to S, whose proxy-ITR looks MN up (in its own process)
        # and encapsulates; MN's answer goes back through the proxy-ETR.
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID4), "C -> MN (IPv4 EID) through the proxy-ITR")
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID6), "C -> MN (IPv6 EID) through the proxy-ITR")
        # MN -> C: C4 is no EID, so a negative Map-Reply sends it to the proxy-ETR.
        self.assertTrue(lt.ping_ok(self.t, lt.MN, lt.C4, lt.EID4), "MN -> C through the proxy-ETR")
        self.assertGreaterEqual(self.server_state()["proxy"]["map-cache-entries"], 1)

        # An incoming TCP connection to the EID from the host without LISP.
        transfer = lt.Transfer(self.t, self.dir, lt.MN, lt.EID4, lt.C, lt.C4, "client", 300_000)
        ok, detail = transfer.result()
        self.assertTrue(ok, detail)
        counters = self.server_state()["counters"]
        self.assertTrue(any(v > 0 for k, v in counters.items() if "request" in k), counters)

        # --show prints the proxy too.
        show = self.t.run(S, [SERVER, "--show", self.state_file]).stdout
        self.assertIn("Proxy-ETR/ITR on lispmn-px0", show)
        self.assertIn("RLOC s0", show)

        # The mobile node moves (up1's carrier is pulled): the proxy follows through the SMR.
        self.t.carrier(lt.MN, "up1", False)
        wait_for(lambda: not lt.rloc_up(self.mn.state(), "up1"), 10, "up1 down at MN")
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID4), "C -> MN after the move")

    def test_stop_removes_the_proxy(self):
        wait_for(lambda: self.t.has_link(S, "lispmn-px0"), 5, "the proxy's TUN")
        self.assertEqual(self.server.stop(), 0, self.server.log())
        self.assertFalse(self.t.has_link(S, "lispmn-px0"), "the TUN outlived lispmn-server")


if __name__ == "__main__":
    unittest.main(verbosity=2)
