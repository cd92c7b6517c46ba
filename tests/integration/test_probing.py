#!/usr/bin/python3
"""RLOC probing between real lispmnd daemons in network namespaces (picture in
lisp_topology.py). X, the correspondent site's xTR, has a second uplink to R, up9 with
198.51.100.25; MN's static mapping of C's site lists it first (priority 1) and X's usual
198.51.100.17 second (priority 2). MN probes every second (rloc-probe-interval=1).

While MN pings C all along:
  (a) the probes to both locators are answered: both reachable, traffic through .25;
  (b) a forged probe reply (wrong nonce, from R) and a replayed real one (from X's own
      address) are counted and change nothing;
  (c) an nftables rule in X drops everything sent to .25: after three missed probes MN
      marks .25 unreachable and the pings go through .17;
  (d) the rule goes: the next probe is answered, .25 is reachable again and carries the
      traffic again.
Every control message of the run is captured on R and must decode cleanly in tshark; the
probes carry the P bit, and each reply the nonce of a probe.
"""
import os
import socket
import struct
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402
from lisp_capture import Capture, decode_problems  # noqa: E402

X_MAIN = lt.X_UPLINK[4][0]          # 198.51.100.17
X_SECOND = "198.51.100.25"          # X's second uplink, the preferred locator
R_SECOND = "198.51.100.26"
UP1_4 = lt.MN_UPLINKS["up1"][4][0]
NFT_TABLE = "lmntest"


def mn_conf():
    return lt.mn_config(extra=["rloc-probe-interval=1"], site_mappings=False) + f"""
[mapping {lt.SITE4}]
locators={X_SECOND} 1 100;{X_MAIN} 2 100
"""


def x_conf():
    # X does not probe: the subject is MN's probing, and X's answers from MN would go to
    # X's first ITR-RLOC, which may be the one silenced.
    return lt.x_config().replace("manage-addresses=true",
                                 "manage-addresses=true\nrloc-probe-interval=0", 1).replace(
        "[uplink up0]", "[uplink up9]\npriority=1\nweight=100\n\n[uplink up0]", 1)


def probe_reply(nonce, eid, mask, locator):
    """A Map-Reply with the P bit, one record, one locator."""
    body = struct.pack("!IQ", (2 << 28) | 0x08000000 | 1, nonce)
    body += struct.pack("!IBBHHH", 1, 1, mask, 0x1000, 0, 1) + socket.inet_aton(eid)
    body += struct.pack("!BBBBHH", 1, 100, 255, 0, 7, 1) + socket.inet_aton(locator)
    return body


class Probing(fixtures.TestCase):
    def setUp(self):
        super().setUp()
        self.t.link(lt.X, "up9", lt.R, "r4")
        self.t.addr(lt.X, "up9", f"{X_SECOND}/29")
        self.t.addr(lt.R, "r4", f"{R_SECOND}/29")
        self.t.route(lt.X, "default", "via", R_SECOND, "dev", "up9", "metric", "200")
        # Counters of the data packets X receives on each locator, and the silencing rule.
        self.nft(f"add table inet {NFT_TABLE}")
        self.nft(f"add chain inet {NFT_TABLE} in {{ type filter hook input priority 0 ; }}")
        for addr in (X_SECOND, X_MAIN):
            self.nft(f"add rule inet {NFT_TABLE} in ip daddr {addr} udp dport 4341 counter")

    def nft(self, command):
        return self.t.run(lt.X, ["nft"] + command.split()).stdout

    def data_packets(self):
        """{locator: data packets X received on it}"""
        out = self.t.run(lt.X, ["nft", "-j", "list", "chain", "inet", NFT_TABLE, "in"]).stdout
        import json
        counts = {}
        for item in json.loads(out)["nftables"]:
            rule = item.get("rule")
            if not rule:
                continue
            addr = counter = None
            for e in rule["expr"]:
                m = e.get("match")
                if m and m["left"].get("payload", {}).get("field") == "daddr":
                    addr = m["right"]
                if "counter" in e:
                    counter = e["counter"]["packets"]
            if addr and counter is not None:
                counts[addr] = counter
        return counts

    def locator_state(self):
        st = self.mn.state()
        for e in st["map-cache"]:
            if e["prefix"] == lt.SITE4:
                return {l["address"]: l["reachable"] for l in e["locators"]}, st["control"]
        self.fail(f"no mapping of {lt.SITE4} in {st['map-cache']}")

    def carried_by(self, locator, timeout=10):
        """Whether the next 5 pings went through locator and none through the other (waits
        for the packets, not for a time: a loaded machine pings more slowly)."""
        other = X_MAIN if locator == X_SECOND else X_SECOND
        before = self.data_packets()

        def five_more():
            now = self.data_packets()
            return now if now[locator] - before[locator] >= 5 else None
        try:
            after = wait_for(five_more, timeout, f"5 pings through {locator}", interval=0.1)
        except TimeoutError:
            after = self.data_packets()
        return (after[locator] - before[locator] >= 5 and after[other] == before[other],
                f"{before} -> {after}")

    def reach_then_carried(self, reach, timeout, what, carrier):
        """Waits for the locators' reachability to become reach, then checks that the pings go
        through carrier; returns the seconds the change took."""
        since = time.monotonic()
        wait_for(lambda: self.locator_state()[0] == reach, timeout, what, interval=0.2)
        took = time.monotonic() - since
        ok, why = self.carried_by(carrier)
        self.assertTrue(ok, why)
        return took

    def test_probing(self):
        cap = Capture(self.t, lt.R, ["r1", "r2", "r3", "r4"], os.path.join(self.dir, "control.pcapng"),
                      os.path.join(self.dir, "tshark.log"))
        self.addCleanup(cap.stop)
        # A second capture, stopped (and so written out) to get a real probe reply to replay.
        side = Capture(self.t, lt.R, ["r4"], os.path.join(self.dir, "recorded.pcapng"),
                       os.path.join(self.dir, "tshark-recorded.log"))
        self.addCleanup(side.stop)
        self.x = lt.Daemon(self.t, lt.X, x_conf(), self.dir)
        self.mn = lt.Daemon(self.t, lt.MN, mn_conf(), self.dir)
        self.x.wait_ready()
        self.mn.wait_ready()
        log = os.path.join(self.dir, "ping.log")
        self.assertTrue(lt.ping_ok(self.t, lt.MN, lt.C4, lt.EID4), "MN -> C at all")
        ping = self.t.popen(lt.MN, ["ping", "-n", "-i", "0.1", "-c", "600", "-W", "1", "-I", lt.EID4,
                                    lt.C4], log)

        # (a) both locators answer; .25 carries the traffic.
        wait_for(lambda: self.locator_state()[1]["rloc-probe-answered"] >= 4, 15,
                 "answered probes to both locators", interval=0.3)
        reach, control = self.locator_state()
        self.assertEqual(reach, {X_SECOND: True, X_MAIN: True})
        ok, why = self.carried_by(X_SECOND)
        self.assertTrue(ok, why)

        # (b) forged and replayed probe replies: counted, nothing changes.
        unsolicited = control["rloc-probe-reply-unsolicited"]
        lt.send_control(self.t, lt.R, lt.MN_UPLINKS["up1"][4][1], UP1_4,
                        probe_reply(0x0123456789ABCDEF, "192.0.2.128", 25, X_SECOND))
        replies = [m for m in side.stop_and_decode()
                   if m.type == 2 and m.src == X_SECOND and m.fields.get("lisp.mrep.flags.probe") == "1"]
        self.assertTrue(replies, "a probe reply from the second locator recorded")
        lt.send_control(self.t, lt.X, X_SECOND, replies[0].dst, replies[0].payload)
        wait_for(lambda: self.locator_state()[1]["rloc-probe-reply-unsolicited"] >= unsolicited + 2, 15,
                 "the forged and the replayed reply counted")
        reach, control = self.locator_state()
        self.assertEqual(reach, {X_SECOND: True, X_MAIN: True})
        self.assertEqual(control["map-reply-accepted"], 0, "nothing installed from them")

        # (c) .25 goes silent: unreachable after three missed probes, traffic moves to .17.
        self.nft(f"insert rule inet {NFT_TABLE} in ip daddr {X_SECOND} drop")
        detected = self.reach_then_carried({X_SECOND: False, X_MAIN: True}, 12,
                                           "the second locator marked unreachable", X_MAIN)
        self.assertGreaterEqual(self.locator_state()[1]["rloc-probe-missed"], 3)
        probes = {p["address"]: p for p in self.mn.state()["rloc-probes"]}
        self.assertEqual(set(probes), {X_SECOND, X_MAIN})
        self.assertFalse(probes[X_SECOND]["reachable"])
        self.assertGreaterEqual(probes[X_SECOND]["misses"], 3)
        self.assertEqual(probes[X_SECOND]["eid"], lt.SITE4)
        self.assertTrue(probes[X_MAIN]["reachable"])
        self.assertIn(f"locator {X_SECOND} unreachable", self.mn.proc.log())

        # (d) back: reachable again at the next answered probe, and preferred again.
        handle = [line.split("# handle ")[1] for line in
                  self.t.run(lt.X, ["nft", "-a", "list", "chain", "inet", NFT_TABLE, "in"]).stdout.splitlines()
                  if "drop" in line][0]
        self.nft(f"delete rule inet {NFT_TABLE} in handle {handle}")
        recovered = self.reach_then_carried({X_SECOND: True, X_MAIN: True}, 15,
                                            "the second locator reachable again", X_SECOND)
        self.assertIn(f"locator {X_SECOND} reachable again", self.mn.proc.log())
        ping.stop()
        probes = {p["address"]: p for p in self.mn.state()["rloc-probes"]}
        self.assertTrue(all(p["reachable"] and p["misses"] == 0 for p in probes.values()), probes)
        rtts = {a: p["rtt-ms"] for a, p in probes.items()}
        self.assertTrue(all(isinstance(r, float) and 0 <= r < 1000 for r in rtts.values()), rtts)
        print(f"probing every 1 s: the locator unreachable {detected:.1f} s after it went silent, "
              f"reachable {recovered:.1f} s after it came back; probe RTTs {rtts} ms")

        # Every control message decodes cleanly; probes and replies pair up by nonce.
        msgs = cap.stop_and_decode()
        self.assertEqual(decode_problems(msgs), [])
        probes = [m for m in msgs if m.type == 1 and m.fields.get("lisp.mreq.flags.probe") == "1"]
        answers = [m for m in msgs if m.type == 2 and m.fields.get("lisp.mrep.flags.probe") == "1"]
        self.assertTrue(any(p.dst == X_SECOND for p in probes), "probes to the second locator")
        self.assertTrue(any(p.dst == X_MAIN for p in probes), "probes to .17")
        probe_nonces = {p.nonce() for p in probes}
        forged = 0x0123456789ABCDEF
        for a in answers:
            if a.nonce() != forged:
                self.assertIn(a.nonce(), probe_nonces, f"{a}: the nonce of a probe")
        # Probed locators are marked (p bit) in the answers from X.
        self.assertTrue(any("1" in a.all.get("lisp.loc.flags.probe", []) for a in answers
                            if a.src in (X_SECOND, X_MAIN)))


if __name__ == "__main__":
    unittest.main(verbosity=2)
