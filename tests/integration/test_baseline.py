#!/usr/bin/python3
"""The harness proven without lispmnd: the data-plane topology with the EIDs routed natively.

Ping and TCP (a few MB with a checksum, both directions) between MN's EIDs and C, IPv4 and
IPv6; and, without the native routes, no path at all (so that with lispmnd only
encapsulated traffic can get through R). Run as root: meson test -C build --suite integration
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402


class Baseline(fixtures.TestCase):
    PROGRAMS = ()   # plain routing: no lispmn program at all

    def test_uplinks_reach_router(self):
        for up, u in lt.MN_UPLINKS.items():
            for fam in (4, 6):
                self.assertTrue(lt.ping_ok(self.t, lt.MN, u[fam][1]), f"{up} IPv{fam} to R")

    def test_no_native_path_to_eids(self):
        # R has no route to the EID prefixes: only encapsulated packets may cross it.
        self.t.addr(lt.MN, "lo", f"{lt.EID4}/32")
        self.assertEqual(lt.ping(self.t, lt.C, lt.EID4, count=2), 0)

    def test_ping_plain(self):
        lt.plain_routing(self.t, True)
        self.assertTrue(lt.ping_ok(self.t, lt.MN, lt.C4, source=lt.EID4))
        self.assertTrue(lt.ping_ok(self.t, lt.MN, lt.C6, source=lt.EID6))
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID4))
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID6))

    def test_tcp_plain(self):
        lt.plain_routing(self.t, True)
        port = 5001
        for c_addr, eid in ((lt.C4, lt.EID4), (lt.C6, lt.EID6)):
            # MN -> C (MN connects out) and C -> MN (an incoming connection to the EID)
            for server_ns, server_addr, client_ns, client_src in (
                    (lt.C, c_addr, lt.MN, eid), (lt.MN, eid, lt.C, c_addr)):
                for sender in ("client", "server"):
                    port += 1
                    tr = lt.Transfer(self.t, self.dir, server_ns, server_addr, client_ns,
                                     client_src, sender, 4 << 20, port=port)
                    ok, msg = tr.result()
                    self.assertTrue(ok, f"{client_ns}->{server_ns} {server_addr} {sender} sends: {msg}")

    def test_plain_routing_off_again(self):
        # the benchmark switches between plain routing and lispmnd in the same namespaces
        lt.plain_routing(self.t, True)
        lt.plain_routing(self.t, False)
        self.assertEqual(lt.ping(self.t, lt.MN, lt.C4, count=2), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
