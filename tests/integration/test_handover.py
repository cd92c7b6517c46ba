#!/usr/bin/python3
"""Handovers without waiting: the conditions behind the handover bench's figures, checked by
what the daemons do, never by how long it took.

  smr_not_held:            two SMRs about one EID back to back (a move that takes two
                           steps): the second one's Map-Request leaves at once, not when the
                           per-EID rate limit allows, and a flood of SMRs gets only a few
                           Map-Requests through
  added_address_takes_over: an address added beside an uplink's address becomes its RLOC and
                           is registered while the old one is still there (make-before-break)
  back_from_none:          both uplinks down, one comes back: every state lispmnd publishes
                           with it back already counts the Map-Register (sent at once, not
                           after the coalescing delay)
  harness_carrier:         the topology's veth ends have ifindexes of their own (carrier
                           reports at once), and a pulled carrier plugged back leaves IPv6
                           working on that link and R still knowing MN's MAC
"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402
from fixtures import SERVER, SERVER_CONF, X_CONF, map_server_states, mn_conf  # noqa: E402
from lisp_codec import map_request  # noqa: E402

UP1 = lt.MN_UPLINKS["up1"]
NEW4, NEW6 = "198.51.100.3", "2001:db8:100:1::3"
# What the resolver lets through early within its rate limit (LMN_RESOLVER_SMR_BURST).
SMR_BURST = 4


class Handover(fixtures.TestCase):
    PROGRAMS = (fixtures.LISPMND, SERVER)

    def setUp(self):
        super().setUp()
        self.server = lt.MapServer(self.t, lt.R, SERVER_CONF, self.dir)

    def start(self):
        self.mn, self.x = lt.start_daemons(self.t, self.dir, mn_conf(up2_priority=2), X_CONF)
        wait_for(lambda: map_server_states(self.mn) == ["registered"], 10, "MN registered")
        wait_for(lambda: map_server_states(self.x) == ["registered"], 10, "X registered")

    def registered(self):
        return self.server.registrations().get(f"{lt.EID4}/32") or []

    def test_smr_not_held(self):
        self.start()
        control = lambda: self.x.state()["control"]  # noqa: E731
        # X acts on SMRs only for EIDs it has cached (RFC 9301 §6.1): C's traffic to MN's
        # EID makes it look MN up first.
        lt.ping(self.t, lt.C, lt.EID4, count=2)
        wait_for(lambda: any(e["prefix"] == f"{lt.EID4}/32" for e in self.x.state()["map-cache"]),
                 10, "X to cache MN's EID")
        before = control()
        # SMRs may come from anyone: X looks the Source-EID up through the mapping system.
        r3 = lt.X_UPLINK[4][1]
        smr = map_request(0x5151, lt.SITE4.split("/")[0], 25, r3, smr=True, source_eid=lt.EID4)
        lt.send_control(self.t, lt.R, r3, lt.X_UPLINK[4][0], smr)
        lt.send_control(self.t, lt.R, r3, lt.X_UPLINK[4][0], smr)
        # However X took them (the first request in flight or answered), the second gets a
        # Map-Request of its own, and none is held by the rate limit.
        wait_for(lambda: control()["smr-invoked-sent"] - before["smr-invoked-sent"] >= 2, 10,
                 "X's Map-Request for each SMR")
        after = control()
        self.assertEqual(after["smr-received"] - before["smr-received"], 2, after)
        self.assertEqual(after["map-request-rate-limited"], before["map-request-rate-limited"], after)

        # A flood: at most SMR_BURST more within the limit, then one per second.
        before = control()
        lt.send_control(self.t, lt.R, r3, lt.X_UPLINK[4][0], smr, count=20)
        wait_for(lambda: control()["smr-received"] - before["smr-received"] == 20, 10,
                 "X to take the 20 SMRs")
        sent = control()["smr-invoked-sent"] - before["smr-invoked-sent"]
        self.assertLessEqual(sent, 1 + SMR_BURST + 1, control())

    def test_smr_not_held_on_a_two_step_move(self):
        """The move itself: up1's IPv4 then IPv6 address deleted (a lost DHCP lease). X follows
        each step with a Map-Request of its own, none held by the rate limit."""
        self.start()
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID4), "C -> MN before the move")
        before = self.x.state()["control"]
        self.t.del_addr(lt.MN, "up1", f"{UP1[4][0]}/{UP1[4][2]}")
        self.t.del_addr(lt.MN, "up1", f"{UP1[6][0]}/{UP1[6][2]}")

        def x_locators():
            cache = {e["prefix"]: [l["address"] for l in e["locators"]]
                     for e in self.x.state()["map-cache"]}
            return cache.get(f"{lt.EID4}/32", [])
        wait_for(lambda: x_locators() and not {UP1[4][0], UP1[6][0]} & set(x_locators()), 10,
                 "X's map-cache to leave up1")
        after = self.x.state()["control"]
        self.assertEqual(after["map-request-rate-limited"], before["map-request-rate-limited"], after)

    def test_added_address_takes_over(self):
        self.start()
        self.assertEqual(sorted(self.registered()), sorted([UP1[4][0], UP1[6][0], "198.51.100.9",
                                                            "2001:db8:100:2::1"]))
        self.t.addr(lt.MN, "up1", f"{NEW4}/{UP1[4][2]}")
        self.t.addr(lt.MN, "up1", f"{NEW6}/{UP1[6][2]}")
        # The old addresses are still there: the new ones are the RLOCs all the same, and the
        # map-server holds them.
        wait_for(lambda: {NEW4, NEW6} <= set(self.registered())
                 and not {UP1[4][0], UP1[6][0]} & set(self.registered()), 10,
                 "the new addresses registered instead of the old")
        up1 = sorted(r["address"] for r in lt.rloc_up(self.mn.state(), "up1"))
        self.assertEqual(up1, sorted([NEW4, NEW6]))
        addrs = self.t.run(lt.MN, ["ip", "-o", "addr", "show", "dev", "up1"]).stdout
        self.assertIn(f"{UP1[4][0]}/", addrs)
        self.assertIn(f"{UP1[6][0]}/", addrs)
        # C reaches MN on the new locators; then the old addresses go and nothing changes.
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID4), "C -> MN on the new RLOCs")
        self.t.sysctl(lt.MN, "net.ipv4.conf.up1.promote_secondaries", 1)
        self.t.del_addr(lt.MN, "up1", f"{UP1[4][0]}/{UP1[4][2]}")
        self.t.del_addr(lt.MN, "up1", f"{UP1[6][0]}/{UP1[6][2]}")
        lt.add_uplink_routes(self.t, "up1")   # as NetworkManager does after a renumbering
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID4), "C -> MN once the old are gone")
        self.assertTrue({NEW4, NEW6} <= set(self.registered()), self.registered())

    def test_back_from_none(self):
        self.start()
        self.t.carrier(lt.MN, "up1", False)
        self.t.carrier(lt.MN, "up2", False)
        wait_for(lambda: not [r for r in self.mn.state().get("rlocs", []) if r.get("state") == "up"],
                 10, "MN without a usable RLOC")
        control = self.mn.state()["control"]
        tries = control["map-register-sent"] + control["send-failed"]
        # Every state file written from now on: none may show up2 back without the
        # Map-Register that its return set off.
        seen = []

        def published():
            try:
                with open(self.mn.state_file) as f:
                    st = json.load(f)
            except (FileNotFoundError, json.JSONDecodeError):
                return False
            if lt.rloc_up(st, "up2"):
                seen.append(st["control"]["map-register-sent"] + st["control"]["send-failed"])
            return len(seen) > 0 and map_server_states_of(st) == ["registered"] and \
                "198.51.100.9" in self.registered()
        self.t.carrier(lt.MN, "up2", True)
        wait_for(published, 15, "MN registered again on up2", interval=0.005)
        self.assertTrue(seen)
        self.assertGreater(seen[0], tries, f"the first state with up2 back: {seen}")

    def test_harness_carrier(self):
        for ns, ifname in ((lt.MN, "up1"), (lt.MN, "up2"), (lt.R, "r1"), (lt.X, "up0")):
            link = json.loads(self.t.run(ns, ["ip", "-j", "link", "show", "dev", ifname]).stdout)[0]
            self.assertNotEqual(link["ifindex"], link.get("link_index"), link)
        self.assertTrue(lt.ping_ok(self.t, lt.MN, UP1[4][1], UP1[4][0]), "IPv4 over up1")
        self.t.carrier(lt.MN, "up1", False)
        wait_for(lambda: "NO-CARRIER" in self.t.run(lt.MN, ["ip", "link", "show", "up1"]).stdout,
                 5, "up1 to lose its carrier")
        self.t.carrier(lt.MN, "up1", True)
        # R knows MN's link-layer address at once, as a router that kept its link would.
        neigh = self.t.run(lt.R, ["ip", "neigh", "show", UP1[4][0], "dev", "r1"]).stdout
        self.assertIn("lladdr", neigh)
        wait_for(lambda: "LOWER_UP" in self.t.run(lt.MN, ["ip", "link", "show", "up1"]).stdout,
                 5, "up1's carrier back")
        self.assertIn(UP1[6][1], self.t.run(lt.R, ["ip", "-6", "addr", "show", "dev", "r1"]).stdout)
        self.assertTrue(lt.ping_ok(self.t, lt.MN, UP1[6][1], UP1[6][0]), "IPv6 over up1 again")
        self.assertTrue(lt.ping_ok(self.t, lt.MN, UP1[4][1], UP1[4][0]), "IPv4 over up1 again")


def map_server_states_of(state):
    return [m["state"] for m in state.get("map-servers", [])]


if __name__ == "__main__":
    unittest.main(verbosity=2)
