#!/usr/bin/python3
"""Unsolicited Map-Notifys, replays and forgeries between lispmn-server (in R) and real
lispmnd daemons (MN, and X for C's site), in network namespaces (picture in
lisp_topology.py). The server resends unsolicited Map-Notifys every second here
(notify-retransmit-interval=1).

  notify_acked:   another xTR (a Python client in X's namespace, with the mobile node's
                  key) registers MN's EID: the server tells MN with an unsolicited
                  Map-Notify, MN acknowledges it, the server sends it no more;
  notify_unacked: the same with MN's Map-Notify-Acks dropped (nftables in R): the server
                  sends it six times in all (0, 1, 2, 4, 8, 16 s) and gives up;
  replays:        messages recorded from the wire and sent again, and forged ones: MN's
                  first Map-Register after it moved (the server keeps the newer
                  registration), the server's Map-Notify (MN counts a replay), a Map-Notify
                  with a broken MAC, a Map-Reply (MN counts it unsolicited) and the same
                  with another nonce; nothing changes in the server's registrations, MN's
                  map-server state or its map-cache.
Every control message of each run decodes cleanly in tshark (Map-Notify-Acks, unknown to
tshark 4.0, are checked here, their MAC included).
"""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402
from fixtures import MN_KEY, MS, SERVER, SERVER_CONF, X_CONF, map_server_states, mn_conf  # noqa: E402
from lisp_capture import Capture, check_notify_ack, decode_problems  # noqa: E402

CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lisp_client.py")
UP1_4, UP2_4 = lt.MN_UPLINKS["up1"][4][0], lt.MN_UPLINKS["up2"][4][0]
X4 = lt.X_UPLINK[4][0]

class Replay(fixtures.TestCase):
    PROGRAMS = (fixtures.LISPMND, SERVER)

    def setUp(self):
        super().setUp()
        self.cap = Capture(self.t, lt.R, ["r1", "r2", "r3"], os.path.join(self.dir, "control.pcapng"),
                           os.path.join(self.dir, "tshark.log"))
        self.addCleanup(self.cap.stop)
        self.server = lt.MapServer(self.t, lt.R, SERVER_CONF.replace(
            "[lispmn-server]\n", "[lispmn-server]\nnotify-retransmit-interval=1\n"), self.dir)
        self.server_state_file = self.server.state_file

    # -- helpers ---------------------------------------------------------------------------

    def server_state(self):
        return self.server.state()

    def counters(self):
        return self.server_state()["counters"]

    def registered_locators(self, eid=f"{lt.EID4}/32"):
        for r in self.server_state()["registrations"]:
            if r["eid"] == eid:
                return sorted(l["address"] for l in r["locators"])
        return None

    def start_mn(self, with_x=False):
        if with_x:
            self.mn, self.x = lt.start_daemons(self.t, self.dir, mn_conf(), X_CONF)
        else:
            self.mn = lt.Daemon(self.t, lt.MN, mn_conf(), self.dir)
            self.mn.wait_ready()
        wait_for(lambda: map_server_states(self.mn) == ["registered"], 10, "MN registered")

    def send(self, ns, src, dst, payload):
        lt.send_control(self.t, ns, src, dst, payload)

    def other_xtr_registers(self):
        """A Python client in X's namespace registers MN's EID with the right key and its own
        locator: for the server, the EID moved to another xTR."""
        r = self.t.run(lt.X, [lt.PYTHON, CLIENT, "register", MS, "4342", MN_KEY, "0",
                              f"{lt.EID4}/32", X4, "--notify"])
        reply = json.loads(r.stdout)["reply"]
        self.assertIsNotNone(reply, "the other xTR's registration acknowledged")
        self.assertTrue(reply["mac_ok"])

    def nft(self, ns, command):
        self.t.run(ns, ["nft"] + command.split())

    def check_capture(self):
        """Every control message decodes cleanly; returns them."""
        msgs = self.cap.stop_and_decode()
        self.assertEqual(decode_problems(msgs), [])
        return msgs

    # -- tests -----------------------------------------------------------------------------

    def test_notify_acked(self):
        self.start_mn()
        before = self.mn.state()["control"]
        self.other_xtr_registers()
        self.assertEqual(self.registered_locators(), [X4])
        acked = wait_for(lambda: (lambda c: c if c["unsolicited-map-notify-acked"] == 1 else None)(
            self.counters()), 10, "the server to get MN's Map-Notify-Ack")
        # Normally none: MN answers within the second before the first retransmission, unless a
        # loaded machine delays it; MN answers each copy.
        resent = acked["tx-unsolicited-map-notify-retransmit"]
        st = self.server_state()
        self.assertEqual(st["pending-map-notifys"], [])
        control = self.mn.state()["control"]
        self.assertEqual(control["map-notify-ack-sent"] - before["map-notify-ack-sent"], 1 + resent)
        self.assertEqual(control["map-notify-nonce-mismatch"] - before["map-notify-nonce-mismatch"],
                         1 + resent)
        # Acknowledged: never sent again (the first retransmission would have gone after 1 s).
        time.sleep(3)
        c = self.counters()
        self.assertEqual((c["tx-unsolicited-map-notify"], c["tx-unsolicited-map-notify-retransmit"]),
                         (1, resent), c)
        show = self.t._host([SERVER, "--show", self.server_state_file]).stdout
        self.assertIn("unsolicited-map-notify-acked", show)
        self.assertNotIn("awaiting their Map-Notify-Ack", show)
        # MN's registration is what the map-server state still says: registered.
        self.assertEqual([m["state"] for m in self.mn.state()["map-servers"]], ["registered"])

        msgs = self.check_capture()
        notifies = [m for m in msgs if m.type == 4 and m.dst == UP1_4]
        acks = [m for m in msgs if m.type == 5]
        self.assertEqual(len(acks), 1 + resent, acks)
        for a in acks:
            self.assertEqual(a.src, UP1_4)
            self.assertEqual(a.dst, MS)
            self.assertIsNone(check_notify_ack(a.payload, MN_KEY))
            self.assertIn(a.nonce(), {n.nonce() for n in notifies})
        self.assertTrue(all(n.fields.get("lisp.keyid") == "0x0002" for n in notifies))

    def test_notify_unacked(self):
        self.start_mn()
        # MN's Map-Notify-Acks (and its Map-Registers) never reach the server: R drops them
        # on arrival (after the capture saw them).
        self.nft(lt.R, "add table inet lmntest")
        self.nft(lt.R, "add chain inet lmntest in { type filter hook input priority 0 ; }")
        self.nft(lt.R, f"add rule inet lmntest in ip saddr {UP1_4} udp dport 4342 counter drop")
        started = time.monotonic()
        self.other_xtr_registers()
        st = self.server_state()
        self.assertEqual(len(st["pending-map-notifys"]), 1, st)
        self.assertEqual(st["pending-map-notifys"][0]["to"], f"{UP1_4}:4342")
        show = self.t._host([SERVER, "--show", self.server_state_file]).stdout
        self.assertIn("awaiting their Map-Notify-Ack: 1", show)
        wait_for(lambda: self.counters()["unsolicited-map-notify-gave-up"] == 1, 40,
                 "the server to give up", interval=0.5)
        gave_up = time.monotonic() - started
        c = self.counters()
        self.assertEqual((c["tx-unsolicited-map-notify"], c["tx-unsolicited-map-notify-retransmit"],
                          c["unsolicited-map-notify-acked"]), (1, 5, 0), c)
        self.assertEqual(self.server_state()["pending-map-notifys"], [])
        # MN answered every one of them; the acks died in R's firewall.
        self.assertEqual(self.mn.state()["control"]["map-notify-ack-sent"], 6)
        time.sleep(2)
        self.assertEqual(self.counters()["tx-unsolicited-map-notify-retransmit"], 5)
        print(f"unacknowledged Map-Notify: 6 transmissions, given up after {gave_up:.0f} s")

        msgs = self.check_capture()
        notifies = [m for m in msgs if m.type == 4 and m.dst == UP1_4 and m.src == MS]
        unsolicited = [m for m in notifies if m.nonce() == notifies[-1].nonce()]
        self.assertEqual(len(unsolicited), 6, notifies)
        times = [float(m.layers["frame"]["frame.time_epoch"]) for m in unsolicited]
        gaps = [b - a for a, b in zip(times, times[1:])]
        # 1, 2, 4, 8 and 16 s after the first, give or take the server's one-second tick.
        for gap, expected in zip(gaps, [1, 1, 2, 4, 8]):
            self.assertLess(abs(gap - expected), 1.5, gaps)
        acks = [m for m in msgs if m.type == 5]
        self.assertEqual(len(acks), 6, "MN answered each (R dropped the answers)")
        for a in acks:
            self.assertIsNone(check_notify_ack(a.payload, MN_KEY))
        self.assertEqual(len({m.payload for m in unsolicited}), 1, "the same message each time")

    def test_replays(self):
        # A second capture, stopped (and so written out) once the messages to replay passed;
        # the main one goes on to the end.
        side = Capture(self.t, lt.R, ["r1", "r2", "r3"], os.path.join(self.dir, "recorded.pcapng"),
                       os.path.join(self.dir, "tshark-recorded.log"))
        self.addCleanup(side.stop)
        self.start_mn(with_x=True)
        self.assertTrue(lt.ping_ok(self.t, lt.MN, lt.C4, lt.EID4), "MN -> C through resolution")
        # What MN was told so far, from the wire.
        msgs = side.stop_and_decode()
        first_register = [m for m in msgs if m.type == 3 and m.src == UP1_4][0]
        notify = [m for m in msgs if m.type == 4 and m.dst == UP1_4
                  and m.nonce() == first_register.nonce()][0]
        reply = [m for m in msgs if m.type == 2 and m.src == MS and m.dst in (UP1_4, UP2_4)][0]

        # MN moves: up1's address goes, MN re-registers without it.
        self.t.del_addr(lt.MN, "up1", f"{UP1_4}/29")
        wait_for(lambda: UP1_4 not in (self.registered_locators() or [UP1_4]), 10,
                 "the registration without up1")
        moved = self.registered_locators()
        wait_for(lambda: [m["state"] for m in self.mn.state()["map-servers"]] == ["registered"], 10,
                 "MN registered again")
        mn_before = self.mn.state()
        server_before = self.counters()

        # The Map-Register from before the move, sent again (from R): authentic, but old.
        self.send(lt.R, lt.MN_UPLINKS["up2"][4][1], MS, first_register.payload)
        wait_for(lambda: self.counters()["drop-replayed-map-register"] == 1, 10,
                 "the replayed Map-Register dropped")
        self.assertEqual(self.registered_locators(), moved, "the newer registration stands")
        c = self.counters()
        self.assertEqual(c["tx-map-notify"], server_before["tx-map-notify"], "no answer to it")

        # The server's Map-Notify of that first registration, from the server's address.
        self.send(lt.R, MS, UP2_4, notify.payload)
        # A Map-Notify with a broken MAC.
        broken = bytearray(notify.payload)
        broken[20] ^= 0xFF
        self.send(lt.R, MS, UP2_4, bytes(broken))
        # The Map-Reply MN got for C's site, again, and with another nonce.
        self.send(lt.R, MS, UP2_4, reply.payload)
        other = bytearray(reply.payload)
        other[11] ^= 1
        self.send(lt.R, MS, UP2_4, bytes(other))

        def counted():
            c = self.mn.state()["control"]
            return (c["map-notify-replayed"] - mn_before["control"]["map-notify-replayed"] == 1 and
                    c["map-notify-auth-failed"] - mn_before["control"]["map-notify-auth-failed"] == 1 and
                    c["map-reply-unsolicited"] - mn_before["control"]["map-reply-unsolicited"] == 2) and c
        wait_for(counted, 10, "MN to count the replays and forgeries")
        after = self.mn.state()
        # None of them was taken. Counted, not timed: MN's own refresh (every minute) may fall
        # in between on a slow machine, and its genuine Map-Notify then counts as accepted (and
        # sets last-map-notify back); each answers one Map-Register MN sent, so accepted
        # Map-Notifys never outnumber those. (Comparing last-map-notify, whole seconds ago,
        # read at two moments, raced with that refresh and with the second boundary.)
        c, c0 = after["control"], mn_before["control"]
        self.assertLessEqual(c["map-notify-accepted"] - c0["map-notify-accepted"],
                             c["map-register-sent"] - c0["map-register-sent"], c)
        self.assertLessEqual(c["map-reply-accepted"] - c0["map-reply-accepted"],
                             c["map-request-sent"] - c0["map-request-sent"], c)
        self.assertEqual(c["map-notify-ack-sent"], c0["map-notify-ack-sent"])
        self.assertEqual([m["state"] for m in after["map-servers"]], ["registered"])
        self.assertTrue(all(m["last-map-notify"] is not None for m in after["map-servers"]))

        def cache(st):
            return {e["prefix"]: (e["origin"], [(l["address"], l["reachable"]) for l in e["locators"]])
                    for e in st["map-cache"]}
        self.assertEqual(cache(after), cache(mn_before))
        self.assertEqual(self.registered_locators(), moved)

        msgs = self.check_capture()
        regs = [m for m in msgs if m.type == 3 and m.src in (UP1_4, UP2_4)]
        self.assertTrue(all(m.fields.get("lisp.mreg.flags.wmn") == "1" for m in regs))
        nonces = [m.nonce() for m in regs]
        # The replayed one aside (it came from R's address), MN's nonces only grow.
        self.assertEqual(nonces, sorted(nonces), "growing Map-Register nonces")


if __name__ == "__main__":
    unittest.main(verbosity=2)
