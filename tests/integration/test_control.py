#!/usr/bin/python3
"""lispmnd's control plane (UDP 4342) between network namespaces (picture in lisp_topology.py).

R plays the map-server and map-resolver with small Python scripts, so that every answer
can be crafted (lispmn-server itself is tested in test_server.py, test_e2e.py and
test_replay.py): a listener on R's 198.51.100.18:4342 records what MN sends, and one-shot
senders answer from there.

  (a) RLOC-probe: a Map-Request with P set for MN's EID, sent to MN's up1 RLOC, gets an
      authoritative Map-Reply with P set, the nonce echoed, MN's four RLOCs with L and R,
      and up1's IPv4 RLOC alone marked probed;
  (b) a Map-Request (not a probe) for a foreign EID gets no answer and is counted;
  (c) registration: MN's Map-Registers reach the "map-server" at start, decode in tshark
      (type 3, want-map-notify, key ID 0x0002), carry both EIDs with the four RLOCs and an
      HMAC-SHA-256 that Python recomputes with the configured key; the state says
      "registering"; a retry follows after 3 s; removing up1's addresses sends a new
      Map-Register without up1's RLOCs within 1 s;
  (d) a Map-Notify built from that Map-Register with the right key makes MN "registered";
      three answering it with a wrong key make it "auth-failed", the right one still
      registers, and wrong-key ones under the spent nonce change nothing; no key in the state file;
  (e) resolution: a miss sends an ECM'd Map-Request to the map-resolver, retransmitted after
      1 s and 2 s, then given up; a Map-Reply with the nonce installs the mapping (origin
      map-reply), one with another nonce is counted as unsolicited;
  (f) map-cache-limit=: more destinations resolved than the limit leave at most the limit's
      worth of mappings (the configured ones kept), the rest evicted and counted.
"""
import json
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
from lisp_codec import (decode_map_register, decode_map_reply, ecm, hmac256,  # noqa: E402
                        map_notify_from, map_reply, map_request, read_afi)

MS = "198.51.100.18"      # R's address on X's link: the stand-in map-server/map-resolver
KEY = "documentation-key"
UP1_4, UP1_6 = lt.MN_UPLINKS["up1"][4][0], lt.MN_UPLINKS["up1"][6][0]
UP2_4, UP2_6 = lt.MN_UPLINKS["up2"][4][0], lt.MN_UPLINKS["up2"][6][0]
FOREIGN_DST = "203.0.113.77"

# "t" is when the datagram arrived (the kernel's receive time, SO_TIMESTAMPNS, on the
# monotonic clock), not when this script, maybe slowed by a loaded machine, got to read it.
LISTENER = """
import json, socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux's value, if Python lacks it
s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
s.bind((sys.argv[1], 4342))
out = open(sys.argv[2], "a", buffering=1)
print("ready", flush=True)
while True:
    data, anc, _, (addr, port) = s.recvmsg(65535, 64)
    sec, nsec = [struct.unpack("qq", d[:16]) for level, kind, d in anc
                 if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS][0]
    t = time.monotonic() - (time.time() - (sec + nsec / 1e9))
    out.write(json.dumps({"t": t, "from": addr, "port": port, "hex": data.hex()}) + "\\n")
"""

# Sends the messages, then prints the replies: up to `expected` of them however long they take
# (a loaded machine answers late; at most 20 s), then any more that come within `wait` s.
EXCHANGE = """
import socket, sys
src, dst, port, wait = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
expected = int(sys.argv[5])
src, sport = src.rsplit("/", 1)
s = socket.socket(socket.AF_INET6 if ':' in dst else socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("::" if ':' in dst and src == "0.0.0.0" else src, int(sport)))
s.settimeout(20 if expected > 0 else wait)
for h in sys.argv[6:]:
    s.sendto(bytes.fromhex(h), (dst, port))
try:
    while True:
        data, _ = s.recvfrom(65535)
        print(data.hex(), flush=True)
        expected -= 1
        if expected <= 0:
            s.settimeout(wait)
except socket.timeout:
    pass
"""



class ControlTest(fixtures.TestCase):
    def workdir_name(self):
        return self.id().split(".", 1)[-1]

    def setUp(self):
        super().setUp()
        self.received = os.path.join(self.dir, "r-received.jsonl")
        if os.path.exists(self.received):
            os.unlink(self.received)
        self.listener = self.t.popen(lt.R, [lt.PYTHON, "-c", LISTENER, MS, self.received],
                                     os.path.join(self.dir, "r-listener.log"))
        wait_for(lambda: "ready" in self.listener.log() or not self.listener.running(), 5,
                 "the listener in R")

    def start_mn(self, extra=(), map_server=True):
        conf = lt.mn_config(extra=extra)
        if map_server:
            conf += f"\n[map-server {MS}]\nkey={KEY}\nkey-id=0\nalgorithm=hmac-sha-256\n"
        self.mn = lt.Daemon(self.t, lt.MN, conf, self.dir)
        self.mn.wait_ready()

    def log(self):
        return f"\nMN log:\n{self.mn.proc.log()}"

    def messages(self, type_=None, since=0.0):
        try:
            with open(self.received) as f:
                msgs = [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            return []
        for m in msgs:
            m["data"] = bytes.fromhex(m["hex"])
        return [m for m in msgs if m["t"] >= since and (type_ is None or m["data"][0] >> 4 == type_)]

    def exchange(self, dst, payloads, wait=1.0, src="0.0.0.0", port=4342, sport=0, expected=0):
        """Replies to payloads: the `expected` ones (waited for), and any more within wait s."""
        r = self.t.run(lt.R, [lt.PYTHON, "-c", EXCHANGE, f"{src}/{sport}", dst, str(port), str(wait),
                              str(expected)] + [p.hex() for p in payloads], timeout=wait + 30)
        return [bytes.fromhex(line) for line in r.stdout.split()]

    def control(self):
        return self.mn.state()["control"]

    def state_text(self):
        with open(self.mn.state_file) as f:
            return f.read()


class EtrTest(ControlTest):
    def setUp(self):
        super().setUp()
        self.start_mn(map_server=False)

    def test_rloc_probe(self):
        nonce = 0x0123456789ABCDEF
        replies = self.exchange(UP1_4, [map_request(nonce, lt.EID4, 32, lt.MN_UPLINKS["up1"][4][1],
                                                    probe=True)], expected=1)
        self.assertEqual(len(replies), 1, f"replies: {replies}{self.log()}")
        rep = decode_map_reply(replies[0])
        self.assertTrue(rep["P"])
        self.assertEqual(rep["nonce"], nonce)
        self.assertEqual(len(rep["records"]), 1)
        rec = rep["records"][0]
        self.assertEqual(rec["eid"], f"{lt.EID4}/32")
        self.assertTrue(rec["A"])
        locs = {l["addr"]: l for l in rec["locators"]}
        self.assertEqual(set(locs), {UP1_4, UP1_6, UP2_4, UP2_6})
        for addr, l in locs.items():
            self.assertTrue(l["L"] and l["R"], l)
            self.assertEqual((l["priority"], l["weight"]), (1, 50))
            self.assertEqual(l["p"], addr == UP1_4, l)
        # A plain (not probing) request for the IPv6 EID over IPv6 gets no p bits.
        replies = self.exchange(UP2_6, [map_request(7, lt.EID6, 128, lt.MN_UPLINKS["up2"][6][1])],
                                expected=1)
        self.assertEqual(len(replies), 1, self.log())
        rep = decode_map_reply(replies[0])
        self.assertFalse(rep["P"])
        self.assertEqual(rep["records"][0]["eid"], f"{lt.EID6}/128")
        self.assertFalse(any(l["p"] for l in rep["records"][0]["locators"]))
        self.assertEqual(self.control()["map-request-answered"], 2)

    def test_foreign_eid_dropped(self):
        # Not a probe: a probe tests the locator and is answered whatever EID it names
        # (test_interop.py).
        replies = self.exchange(UP1_4, [map_request(9, "192.0.2.99", 32, lt.MN_UPLINKS["up1"][4][1])])
        self.assertEqual(replies, [])
        c = self.control()
        self.assertEqual(c["map-request-foreign-eid"], 1, c)
        self.assertEqual(c["map-request-answered"], 0, c)


class RegistrationTest(ControlTest):
    def setUp(self):
        super().setUp()
        self.start_mn()

    def first_register(self):
        wait_for(lambda: self.messages(3), 5, "a Map-Register")
        return self.messages(3)[0]

    def check_register(self, data, rlocs):
        m = decode_map_register(data)
        self.assertEqual(m["type"], 3)
        self.assertTrue(m["P"] and m["M"] and m["I"], m)
        self.assertEqual((m["key_id"], m["alg"]), (0, 2))
        self.assertEqual(len(m["auth"]), 32)
        self.assertEqual(m["auth"], hmac256(KEY, data, m["auth_off"], 32), "HMAC mismatch")
        self.assertEqual(m["site_id"], 0)
        self.assertEqual({r["eid"] for r in m["records"]}, {f"{lt.EID6}/128", f"{lt.EID4}/32"})
        for r in m["records"]:
            self.assertEqual(r["ttl"], 10)
            self.assertEqual({l["addr"] for l in r["locators"]}, set(rlocs), r)
            for l in r["locators"]:
                self.assertTrue(l["L"] and l["R"], l)
                self.assertEqual((l["priority"], l["weight"]), (1, 50))
        return m

    def test_register_retry_and_rloc_change(self):
        first = self.first_register()
        m1 = self.check_register(first["data"], [UP1_4, UP1_6, UP2_4, UP2_6])
        self.assertNotEqual(m1["nonce"], 0)
        st = self.mn.state()
        self.assertEqual([(s["address"], s["state"]) for s in st["map-servers"]],
                         [(MS, "registering")])
        self.assertIsNone(st["map-servers"][0]["last-map-notify"])
        self.assertNotIn(KEY, self.state_text())
        # Unanswered: again after 3 s, with a fresh nonce and the same xTR-ID.
        wait_for(lambda: len(self.messages(3)) >= 2, 5, "a second Map-Register")
        second = self.messages(3)[1]
        self.assertAlmostEqual(second["t"] - first["t"], 3.0, delta=0.6)
        m2 = self.check_register(second["data"], [UP1_4, UP1_6, UP2_4, UP2_6])
        self.assertNotEqual(m2["nonce"], m1["nonce"])
        self.assertEqual(m2["xtr_id"], m1["xtr_id"])

        # up1 loses its addresses: a Map-Register without them at once.
        cut = time.monotonic()
        self.t.del_addr(lt.MN, "up1", f"{UP1_4}/29")
        self.t.del_addr(lt.MN, "up1", f"{UP1_6}/64")

        def without_up1():
            for msg in self.messages(3, since=cut):
                rlocs = {l["addr"] for r in decode_map_register(msg["data"])["records"]
                         for l in r["locators"]}
                if rlocs == {UP2_4, UP2_6}:
                    return msg
            return None
        msg = wait_for(without_up1, 10, "a Map-Register without up1's RLOCs")
        self.assertLess(msg["t"] - cut, 1.0, self.log())
        self.check_register(msg["data"], [UP2_4, UP2_6])
        self.assertEqual(msg["from"], UP2_4)

    def test_tshark_decodes_map_register(self):
        pcap = os.path.join(self.dir, "r-r1.pcapng")
        self.first_register()
        seconds = 5
        cap = self.t.popen(lt.R, ["tshark", "-n", "-i", "r1", "-f", "udp port 4342", "-w", pcap,
                                  "-a", f"duration:{seconds}"],
                           os.path.join(self.dir, "tshark-capture.log"))
        wait_for(lambda: "Capturing on" in cap.log() or not cap.running(), 10, "tshark to capture")
        cap.wait(seconds + 10)  # the 3 s retry falls inside
        r = self.t.run(lt.R, ["tshark", "-n", "-r", pcap, "-T", "json", "--no-duplicate-keys"],
                       timeout=60)
        frames = [f["_source"]["layers"] for f in json.loads(r.stdout)]
        regs = [l["lisp"] for l in frames if "lisp" in l and int(l["lisp"].get("lisp.type", "0")) == 3]
        self.assertTrue(regs, f"no Map-Register in {len(frames)} frames{self.log()}")
        for lisp in regs:
            text = json.dumps(lisp)
            self.assertNotIn("_ws.malformed", text)
            flat = dict(lt.tshark_leaves(lisp))
            self.assertEqual(flat.get("lisp.mreg.flags.wmn"), "1", text[:2000])
            self.assertEqual(flat.get("lisp.keyid"), "0x0002", text[:2000])
            self.assertEqual(flat.get("lisp.records"), "2", text[:2000])
            for addr in (UP1_4, UP1_6, UP2_4, UP2_6):
                self.assertIn(addr, text)

    def test_map_notify_registers_and_bad_key_fails(self):
        reg = self.first_register()
        port = reg["port"]
        self.assertEqual(port, 4342)
        good = map_notify_from(reg["data"], KEY)
        bad = map_notify_from(reg["data"], "not-the-key")
        # Three answers to our Map-Register (its nonce) with a wrong key: auth-failed.
        self.exchange(reg["from"], [bad, bad, bad], wait=0.3, src=MS)
        st = wait_for(lambda: (lambda s: s if s["map-servers"][0]["state"] == "auth-failed" else None)(
            self.mn.state()), 3, "state auth-failed")
        self.assertEqual(st["control"]["map-notify-auth-failed"], 3)
        # The right one, for the same Map-Register, still registers.
        self.exchange(reg["from"], [good], wait=0.3, src=MS)
        st = wait_for(lambda: (lambda s: s if s["map-servers"][0]["state"] == "registered" else None)(
            self.mn.state()), 3, "state registered")
        self.assertIsNotNone(st["map-servers"][0]["last-map-notify"])
        self.assertEqual(st["control"]["map-notify-accepted"], 1)
        # No retry after the acknowledgement: the next Map-Register is the 60 s refresh.
        time.sleep(3.5)
        self.assertEqual(len(self.messages(3)), 1, self.log())
        # Its nonce is spent: bad MACs under it now are anyone's forgeries and change nothing.
        self.exchange(reg["from"], [bad, bad, bad], wait=0.3, src=MS)
        wait_for(lambda: self.control()["map-notify-auth-failed"] == 6, 3, "the forgeries counted")
        self.assertEqual(self.mn.state()["map-servers"][0]["state"], "registered")
        self.assertNotIn(KEY, self.state_text())
        # A Map-Notify from an address that is no map-server is not even looked at.
        self.exchange(reg["from"], [map_notify_from(reg["data"], KEY)], wait=0.3,
                      src=lt.MN_UPLINKS["up1"][4][1])
        self.assertEqual(self.control()["map-notify-unknown-server"], 1)

    def test_unreachable_after_three_tries(self):
        self.first_register()
        # Map-Registers at 0, 3 and 9 s; the third unanswered by 21 s.
        st = wait_for(lambda: (lambda s: s if s["map-servers"][0]["state"] == "unreachable" else None)(
            self.mn.state()), 25, "state unreachable", interval=0.5)
        self.assertEqual(st["map-servers"][0]["last-error"], "no Map-Notify")
        self.assertEqual(len(self.messages(3)), 4, self.log())


class ResolverTest(ControlTest):
    def setUp(self):
        super().setUp()
        self.start_mn(extra=[f"map-resolvers={MS}"], map_server=False)

    def requests(self):
        """The ECM'd Map-Requests R received: (time, nonce, inner dst, ITR-RLOCs, record)."""
        out = []
        for msg in self.messages(8):
            d = msg["data"]
            inner = d[4:]
            self.assertEqual(inner[0] >> 4, 4, "inner IPv4 header")
            ihl = (inner[0] & 0xF) * 4
            dst = socket.inet_ntoa(inner[16:20])
            sport, dport = struct.unpack_from("!HH", inner, ihl)
            req = inner[ihl + 8:]
            word0, nonce = struct.unpack_from("!IQ", req, 0)
            self.assertEqual(word0 >> 28, 1)
            irc = ((word0 >> 8) & 0x1F) + 1
            src_eid, off = read_afi(req, 12)
            rlocs = []
            for _ in range(irc):
                a, off = read_afi(req, off)
                rlocs.append(a)
            mask = req[off + 1]
            eid, off = read_afi(req, off + 2)
            out.append({"t": msg["t"], "nonce": nonce, "smr_invoked": bool(word0 & 0x00400000), "dst": dst, "rlocs": rlocs,
                        "record": f"{eid}/{mask}", "source_eid": src_eid, "ports": (sport, dport)})
        return out

    def test_map_request_retries_then_reply(self):
        lt.ping(self.t, lt.MN, FOREIGN_DST, count=1)
        reqs = wait_for(lambda: (lambda r: r if len(r) >= 3 else None)(self.requests()), 6,
                        "three Map-Requests")
        first = reqs[0]
        self.assertEqual(first["dst"], FOREIGN_DST)
        self.assertEqual(first["record"], f"{FOREIGN_DST}/32")
        self.assertEqual(first["source_eid"], lt.EID4)
        self.assertEqual(first["ports"], (4342, 4342))
        self.assertEqual(set(first["rlocs"]), {UP1_4, UP1_6, UP2_4, UP2_6})
        self.assertAlmostEqual(reqs[1]["t"] - reqs[0]["t"], 1.0, delta=0.4)
        self.assertAlmostEqual(reqs[2]["t"] - reqs[1]["t"], 2.0, delta=0.4)
        time.sleep(4.5)
        self.assertEqual(len(self.requests()), 3, "no fourth try")
        c = self.control()
        self.assertEqual((c["map-request-sent"], c["map-request-retry"], c["map-request-gave-up"]),
                         (1, 2, 1), c)

        # Again, and this time answered; first a reply with a wrong nonce.
        since = time.monotonic()
        lt.ping(self.t, lt.MN, FOREIGN_DST, count=1, interval=0.2)
        req = wait_for(lambda: [r for r in self.requests() if r["t"] >= since], 10, "a new Map-Request")[0]
        x4 = lt.X_UPLINK[4][0]
        self.exchange(req["rlocs"][0], [map_reply(req["nonce"] ^ 1, "203.0.113.0", 24, [(x4, 1, 100)])],
                      wait=0.2, src=MS)
        self.exchange(req["rlocs"][0], [map_reply(req["nonce"], "203.0.113.0", 24, [(x4, 1, 100)])],
                      wait=0.2, src=MS)

        def installed():
            st = self.mn.state()
            return [e for e in st["map-cache"] if e["prefix"] == "203.0.113.0/24"] and st
        st = wait_for(installed, 10, "the mapping in MN's map-cache")
        entry = [e for e in st["map-cache"] if e["prefix"] == "203.0.113.0/24"][0]
        self.assertEqual(entry["origin"], "map-reply")
        self.assertEqual([l["address"] for l in entry["locators"]], [x4])
        c = st["control"]
        self.assertEqual(c["map-reply-unsolicited"], 1, c)
        self.assertEqual(c["map-reply-accepted"], 1, c)
        self.assertEqual(st["map-resolvers"][0]["address"], MS)
        self.assertEqual(st["map-resolvers"][0]["replies"], 1)

    def test_ecm_map_request_answered(self):
        """A Map-Request in an ECM, as a map-server forwards it to the ETR: the Map-Reply goes
        to the ITR-RLOC at the inner UDP source port."""
        itr = lt.MN_UPLINKS["up1"][4][1]
        msg = ecm(itr, lt.EID4, 43210, map_request(0xABCDEF, lt.EID4, 32, itr))
        replies = self.exchange(UP1_4, [msg], sport=43210, expected=1)
        self.assertEqual(len(replies), 1, self.log())
        rep = decode_map_reply(replies[0])
        self.assertEqual(rep["nonce"], 0xABCDEF)
        self.assertFalse(rep["P"])
        self.assertTrue(rep["records"][0]["A"])
        self.assertEqual(len(rep["records"][0]["locators"]), 4)

    def test_smr_invokes_map_request(self):
        """An SMR for a source EID MN has cached makes MN ask the map-resolver (s bit) for it,
        once per second at most, and it gets no Map-Reply itself; an SMR for an EID MN has
        not cached is ignored (RFC 9301 §6.1)."""
        peer = "203.0.113.99"
        itr = lt.MN_UPLINKS["up1"][4][1]
        stranger = map_request(76, lt.EID4, 32, itr, smr=True, source_eid="203.0.113.98")
        self.assertEqual(self.exchange(UP1_4, [stranger], wait=0.5), [])
        wait_for(lambda: self.control()["smr-not-cached"] == 1, 5, "the SMR ignored")
        self.assertEqual(self.requests(), [])
        # The peer's mapping, cached through a miss.
        lt.ping(self.t, lt.MN, peer, count=1)
        req = wait_for(lambda: self.requests(), 10, "the miss's Map-Request")[0]
        x4 = lt.X_UPLINK[4][0]
        self.exchange(req["rlocs"][0], [map_reply(req["nonce"], peer, 32, [(x4, 1, 100)])],
                      wait=0.2, src=MS)
        wait_for(lambda: [e for e in self.mn.state()["map-cache"] if e["prefix"] == f"{peer}/32"],
                 10, "the peer's mapping cached")
        smr = map_request(77, lt.EID4, 32, itr, smr=True, source_eid=peer)
        replies = self.exchange(UP1_4, [smr, smr], wait=0.5)
        self.assertEqual(replies, [])
        smr_invoked = lambda: [r for r in self.requests() if r["smr_invoked"]]
        wait_for(smr_invoked, 10, "the SMR-invoked Map-Request")
        time.sleep(0.3)
        reqs = smr_invoked()
        self.assertEqual(len(reqs), 1, reqs)
        self.assertEqual(reqs[0]["record"], f"{peer}/32")
        c = self.control()
        self.assertEqual(c["smr-received"], 3, c)
        self.assertEqual(c["smr-invoked-sent"], 1, c)


# Sends one UDP datagram to each address given (port 9, discard), from MN.
SEND_UDP = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for dst in sys.argv[1:]:
    s.sendto(b"x", (dst, 9))
"""


class MapCacheLimitTest(ControlTest):
    """(f) map-cache-limit=16: resolving 40 destinations (answered by R) keeps at most 16
    mappings, the configured ones among them; the rest are evicted and counted, and the
    state file says so."""

    requests = ResolverTest.requests

    def setUp(self):
        super().setUp()
        self.start_mn(extra=[f"map-resolvers={MS}", "map-cache-limit=16"], map_server=False)

    def test_limit_holds(self):
        dests = [f"203.0.113.{100 + i}" for i in range(40)]
        x4 = lt.X_UPLINK[4][0]
        answered = set()
        deadline = time.monotonic() + 90
        # Lookups may be rate-limited: whatever has no answer yet is sent again each round.
        while len(answered) < len(dests) and time.monotonic() < deadline:
            self.t.run(lt.MN, [lt.PYTHON, "-c", SEND_UDP] + [d for d in dests if d not in answered])
            time.sleep(1.0)
            latest = {}
            for r in self.requests():
                if r["dst"] in dests and r["dst"] not in answered:
                    latest[r["dst"]] = r
            if latest:
                rloc = next(iter(latest.values()))["rlocs"][0]
                self.exchange(rloc, [map_reply(r["nonce"], r["dst"], 32, [(x4, 1, 100)])
                                     for r in latest.values()], wait=0.2, src=MS)
                answered |= set(latest)
        st = wait_for(lambda: (lambda s: s if s["control"]["map-reply-accepted"] >= 30 else None)(
            self.mn.state()), 20, "30 mappings learnt")
        c = st["control"]
        self.assertEqual(st["map-cache-limit"], 16)
        self.assertLessEqual(st["map-cache-size"], 16, st["map-cache"])
        self.assertLessEqual(len(st["map-cache"]), 16)
        self.assertEqual(st["map-cache-omitted"], 0)
        # Two configured mappings, never evicted; everything learnt beyond the room went.
        prefixes = {e["prefix"] for e in st["map-cache"]}
        self.assertTrue({lt.SITE4, lt.SITE6} <= prefixes, prefixes)
        self.assertGreaterEqual(c["map-cache-evicted"], c["map-reply-accepted"] - 14, c)
        self.assertTrue(self.mn.proc.running())


if __name__ == "__main__":
    unittest.main(verbosity=2)
