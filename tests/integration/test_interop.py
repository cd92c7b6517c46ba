#!/usr/bin/python3
"""lispmnd and lispmn-server against the LISP implementations deployed today (issue 13), in
network namespaces (picture in lisp_topology.py). The foreign peers are played by Python
stand-ins that send their exact layouts, or their exact bytes from the captures in
../shared/vectors/foreign/; each deviation from RFC 9301 is named where it is met.

  oor_smr_layout:      after a move, MN's SMR to a peer has the layout OOR accepts
                       (Source-EID = MN's EID that moved, EID-record = the peer's own
                       EID-prefix), one per EID of MN, and is sent again 1, 2 and 4 s later
                       while no SMR-invoked Map-Request comes: 4 in all, then counted as
                       unanswered;
  oor_smr_answered:    the same, and the peer's SMR-invoked Map-Request for one EID (sent
                       directly, as OOR may) gets its Map-Reply and stops that EID's SMRs;
  smr_answered_e2e:    real daemons: X's lispmnd looks MN up through lispmn-server, which
                       forwards the SMR-invoked Map-Request to MN (proxy-reply=never), and
                       MN's SMRs stop as answered;
  lispersnet_probe:    an RLOC-probe laid out as lispers.net's (Source-EID = MN's EID,
                       EID-record of AFI 0) gets a Map-Reply with P set and the probed
                       locator marked; a plain Map-Request of that layout stays unanswered;
  oor_key_id:          MN configured key-id=1, algorithm=hmac-sha-1 (0x0101 on the wire) is
                       registered by a Map-Notify echoing Key ID 0 (0x0001), as OOR's;
  server_nonces:       lispmn-server acknowledges every refresh of lispers.net's captured
                       Map-Register (the same nonce each time) and of OOR's (random nonces,
                       no xTR-ID). That it still refuses lispmnd's older Map-Registers sent
                       again is test_replay.py's test_replays; ten minutes of refreshes and
                       the other settings are tests/unit/test-interop.c's.
"""
import hashlib
import hmac
import json
import os
import struct
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402
from fixtures import MS, SERVER, SERVER_CONF, X_CONF, map_server_states, mn_conf  # noqa: E402
from lisp_codec import afi_addr, decode_map_register, decode_map_reply, map_request, read_afi  # noqa: E402

FOREIGN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
                       "vectors", "foreign")
UP1_4, UP2_4 = lt.MN_UPLINKS["up1"][4][0], lt.MN_UPLINKS["up2"][4][0]
X4 = lt.X_UPLINK[4][0]
R_X = lt.X_UPLINK[4][1]   # R's address on X's link
SMR_TRIES = 4             # LMN_SMR_TRIES: the first SMR and three more

# Records every datagram to ADDR:4342 as a JSON line: arrival time, sender, bytes.
LISTENER = """
import json, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 4342))
out = open(sys.argv[2], "a", buffering=1)
print("ready", flush=True)
while True:
    data, (addr, port) = s.recvfrom(65535)
    out.write(json.dumps({"t": time.monotonic(), "from": addr, "port": port,
                          "hex": data.hex()}) + "\\n")
"""

# Sends each datagram to DST:4342 from SRC in turn and prints the replies to it: with ANSWERED
# 1, the first is waited for up to 20 s (a loaded machine is slow), then any more that come
# within WAIT s.
EXCHANGE = """
import socket, sys
src, dst, wait, answered = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4] == "1"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
for h in sys.argv[5:]:
    s.sendto(bytes.fromhex(h), (dst, 4342))
    s.settimeout(20 if answered else wait)
    try:
        while True:
            data, _ = s.recvfrom(65535)
            print(data.hex(), flush=True)
            s.settimeout(wait)
    except socket.timeout:
        pass
"""


def pcap_payloads(name):
    """The UDP payloads of a capture of ../shared/vectors/foreign (classic pcap, Ethernet,
    IPv4 or IPv6), in order."""
    with open(os.path.join(FOREIGN, name), "rb") as f:
        data = f.read()
    magic = struct.unpack_from("<I", data, 0)[0]
    endian = "<" if magic == 0xA1B2C3D4 else ">"
    off, out = 24, []
    while off + 16 <= len(data):
        caplen = struct.unpack_from(endian + "I", data, off + 8)[0]
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        ethertype = struct.unpack_from("!H", frame, 12)[0]
        ip = frame[14:]
        if ethertype == 0x0800:
            udp = ip[(ip[0] & 0xF) * 4:]
        else:
            udp = ip[40:]
        out.append(udp[8:struct.unpack_from("!H", udp, 4)[0]])
    return out


def decode_map_request(data):
    """Flags, nonce, Source-EID, ITR-RLOCs and the first record of a Map-Request."""
    word0, nonce = struct.unpack_from("!IQ", data, 0)
    assert word0 >> 28 == 1, f"type {word0 >> 28}, not a Map-Request"
    source_eid, off = read_afi(data, 12)
    rlocs = []
    for _ in range(((word0 >> 8) & 0x1F) + 1):
        a, off = read_afi(data, off)
        rlocs.append(a)
    mask = data[off + 1]
    eid, _ = read_afi(data, off + 2)
    return {"smr": bool(word0 & 0x01000000), "probe": bool(word0 & 0x02000000),
            "smr_invoked": bool(word0 & 0x00400000), "records": word0 & 0xFF, "nonce": nonce,
            "source_eid": source_eid, "itr_rlocs": rlocs, "record": f"{eid}/{mask}"}


class InteropTest(fixtures.TestCase):
    def workdir_name(self):
        return self.id().split(".", 1)[-1]

    def listen(self, ns, addr, name):
        """A listener on addr:4342 in ns; returns the function reading what it received."""
        path = os.path.join(self.dir, f"{name}.jsonl")
        if os.path.exists(path):
            os.unlink(path)
        proc = self.t.popen(ns, [lt.PYTHON, "-c", LISTENER, addr, path],
                            os.path.join(self.dir, f"{name}.log"))
        wait_for(lambda: "ready" in proc.log() or not proc.running(), 5, f"the listener in {ns}")

        def received():
            try:
                with open(path) as f:
                    msgs = [json.loads(line) for line in f if line.strip()]
            except FileNotFoundError:
                return []
            for m in msgs:
                m["data"] = bytes.fromhex(m["hex"])
            return msgs
        return received

    def exchange(self, ns, src, dst, payloads, wait=0.5, answered=False):
        """The replies to payloads, sent from src in ns to dst:4342 one after the other;
        answered: each is answered (its first reply is waited for)."""
        r = self.t.run(ns, [lt.PYTHON, "-c", EXCHANGE, src, dst, str(wait), "1" if answered else "0"]
                       + [p.hex() for p in payloads], timeout=(20 + wait) * len(payloads) + 10)
        return [bytes.fromhex(line) for line in r.stdout.split()]

    def log(self, daemon):
        return f"\nlog:\n{daemon.proc.log()}"

    def move(self):
        """up1 loses its addresses."""
        self.t.del_addr(lt.MN, "up1", f"{UP1_4}/29")
        self.t.del_addr(lt.MN, "up1", f"{lt.MN_UPLINKS['up1'][6][0]}/64")


class OorSmr(InteropTest):
    """MN with static mappings of C's site through X's IPv4 RLOC only, no map-server (SMRs
    go at once after a move); in X, instead of an xTR, a listener on X's RLOC: OOR's part."""

    def setUp(self):
        super().setUp()
        self.mn = lt.Daemon(self.t, lt.MN, lt.mn_config(families=(4,)), self.dir)
        self.mn.wait_ready()
        self.at_x = self.listen(lt.X, X4, "x-received")
        # Traffic to C's site: X's RLOC becomes a peer of MN's (unanswered, X runs no xTR).
        lt.ping(self.t, lt.MN, lt.C4, count=2, interval=0.2)
        # The move: up1's IPv4 address goes (one change of MN's RLOCs, so one round of SMRs).
        self.t.del_addr(lt.MN, "up1", f"{UP1_4}/29")

    def smrs(self):
        out = []
        for m in self.at_x():
            req = decode_map_request(m["data"])
            if req["smr"]:
                out.append(dict(req, t=m["t"], sender=m["from"]))
        return out

    def control(self):
        return self.mn.state()["control"]

    def check_oor_layout(self, smr, own_eid, site):
        # OOR (lisp_xtr.c, tr_recv_map_request) looks the EID-record up among its *own*
        # EIDs and drops the SMR when it is not one of them; it looks the Source-EID up in
        # its map-cache to ask for it again.
        self.assertEqual(smr["source_eid"], own_eid, smr)
        self.assertEqual(smr["record"], site, smr)
        self.assertEqual(smr["records"], 1, smr)
        self.assertFalse(smr["probe"] or smr["smr_invoked"], smr)
        self.assertEqual(set(smr["itr_rlocs"]), {lt.MN_UPLINKS["up1"][6][0], UP2_4,
                                                 lt.MN_UPLINKS["up2"][6][0]}, smr)
        self.assertEqual(smr["sender"], UP2_4)

    def test_oor_smr_layout(self):
        def all_unanswered():
            c = self.control()
            return c["smr-unanswered"] == 2 and c
        c = wait_for(all_unanswered, 40, "both EIDs' SMRs given up" + self.log(self.mn))
        self.assertEqual((c["smr-sent"], c["smr-retry"], c["smr-answered"]),
                         (2, 2 * (SMR_TRIES - 1), 0), c)
        smrs = self.smrs()
        by_eid = {eid: [s for s in smrs if s["source_eid"] == eid] for eid in (lt.EID4, lt.EID6)}
        self.assertEqual({e: len(s) for e, s in by_eid.items()},
                         {lt.EID4: SMR_TRIES, lt.EID6: SMR_TRIES}, smrs)
        for eid, site in ((lt.EID4, lt.SITE4), (lt.EID6, lt.SITE6)):
            for smr in by_eid[eid]:
                self.check_oor_layout(smr, eid, site)
            # Backing off: timers never fire early, so each gap is at least the interval.
            times = [s["t"] for s in by_eid[eid]]
            for gap, interval in zip([b - a for a, b in zip(times, times[1:])], (1, 2, 4)):
                self.assertGreater(gap, interval - 0.1, times)
            # A fresh nonce each time (OOR sends 0, which it tolerates from others too).
            self.assertEqual(len({s["nonce"] for s in by_eid[eid]}), SMR_TRIES)

    def test_oor_smr_answered(self):
        first = wait_for(lambda: [s for s in self.smrs() if s["source_eid"] == lt.EID4], 10,
                         "MN's SMR for its IPv4 EID")[0]
        # What OOR does on such an SMR (oor-smr-probe.pcap frames 2-4 go through its
        # map-server; asked directly here): a Map-Request with the s bit for the SMR's
        # Source-EID, from its own EID, listing its RLOC.
        invoked = bytearray(map_request(0x5EED, lt.EID4, 32, X4, source_eid=lt.C4))
        invoked[2] |= 0x40   # s: SMR-invoked
        replies = self.exchange(lt.X, X4, first["sender"], [bytes(invoked)], answered=True)
        seen_then = len([s for s in self.smrs() if s["source_eid"] == lt.EID4])
        self.assertEqual(len(replies), 1, self.log(self.mn))
        rep = decode_map_reply(replies[0])
        self.assertEqual(rep["nonce"], 0x5EED)
        self.assertEqual(rep["records"][0]["eid"], f"{lt.EID4}/32")
        self.assertNotIn(UP1_4, {l["addr"] for l in rep["records"][0]["locators"]})

        # The IPv6 EID's SMRs run their course; the IPv4 EID's stopped when answered.
        def ended():
            c = self.control()
            return c["smr-unanswered"] + c["smr-answered"] == 2 and c
        c = wait_for(ended, 40, "both SMR rounds over" + self.log(self.mn))
        self.assertEqual((c["smr-answered"], c["smr-unanswered"]), (1, 1), c)
        smrs = self.smrs()
        v4 = [s for s in smrs if s["source_eid"] == lt.EID4]
        self.assertLessEqual(len(v4), seen_then + 1, "no SMR for the IPv4 EID after the answer")
        self.assertEqual(len([s for s in smrs if s["source_eid"] == lt.EID6]), SMR_TRIES)


class SmrAnsweredEndToEnd(InteropTest):
    """lispmn-server in R forwards Map-Requests for MN's EIDs to MN (proxy-reply=never), so
    X's SMR-invoked Map-Request reaches MN, as with an OOR map-server (oor-smr-probe.pcap
    frames 2-3)."""
    PROGRAMS = (fixtures.LISPMND, SERVER)

    def test_smr_answered_e2e(self):
        conf = SERVER_CONF.replace("[site office]", "proxy-reply=never\n\n[site office]")
        self.server = lt.MapServer(self.t, lt.R, conf, self.dir)
        self.mn, self.x = lt.start_daemons(self.t, self.dir, mn_conf(), X_CONF)
        wait_for(lambda: map_server_states(self.mn) == ["registered"], 10, "MN registered")
        wait_for(lambda: map_server_states(self.x) == ["registered"], 10, "X registered")
        self.assertTrue(lt.ping_ok(self.t, lt.MN, lt.C4, lt.EID4), "MN -> C through resolution")
        self.move()

        def answered():
            c = self.mn.state()["control"]
            return c["smr-answered"] >= 1 and c
        c = wait_for(answered, 20, "X's SMR-invoked Map-Request answering MN's SMR"
                     + self.log(self.mn))
        self.assertGreaterEqual(c["smr-sent"], 1, c)
        self.assertGreaterEqual(self.x.state()["control"]["smr-invoked-sent"], 1)

        def x_locators():
            return {l["address"] for e in self.x.state()["map-cache"]
                    if e["prefix"] == f"{lt.EID4}/32" for l in e["locators"]}
        wait_for(lambda: x_locators() and UP1_4 not in x_locators(), 10,
                 "X's map-cache to follow the move")


class LispersnetProbe(InteropTest):
    def test_lispersnet_probe(self):
        self.mn = lt.Daemon(self.t, lt.MN, lt.mn_config(), self.dir)
        self.mn.wait_ready()
        r_up1 = lt.MN_UPLINKS["up1"][4][1]

        # lispers.net's RLOC-probe (lisp.py): Source-EID = the probed node's EID and an
        # EID-record of mask 0, AFI 0. RFC 9301 §7.1: a probe tests the locator, so the
        # record is not ours to check.
        def probe(nonce, flags, source_eid):
            word0 = (1 << 28) | flags | 1
            return (struct.pack("!IQ", word0, nonce) + afi_addr(source_eid) + afi_addr(r_up1)
                    + struct.pack("!BBH", 0, 0, 0))
        replies = self.exchange(lt.R, r_up1, UP1_4, [probe(0x1DF, 0x02000000, lt.EID4)],
                                answered=True)
        self.assertEqual(len(replies), 1, self.log(self.mn))
        rep = decode_map_reply(replies[0])
        self.assertTrue(rep["P"])
        self.assertEqual(rep["nonce"], 0x1DF)
        self.assertEqual([r["eid"] for r in rep["records"]], [f"{lt.EID4}/32"])
        locs = {l["addr"]: l for l in rep["records"][0]["locators"]}
        self.assertEqual({a for a, l in locs.items() if l["p"]}, {UP1_4})
        # The IPv6 EID as Source-EID: that EID's record.
        replies = self.exchange(lt.R, r_up1, UP1_4, [probe(0x2DF, 0x02000000, lt.EID6)],
                                answered=True)
        self.assertEqual([r["eid"] for r in decode_map_reply(replies[0])["records"]],
                         [f"{lt.EID6}/128"])
        # Not a probe: a Map-Request for no EID of ours is still unanswered.
        self.assertEqual(self.exchange(lt.R, r_up1, UP1_4, [probe(0x3DF, 0, lt.EID4)]), [])
        c = self.mn.state()["control"]
        self.assertEqual((c["rloc-probe-other-record"], c["map-request-foreign-eid"],
                          c["map-request-answered"]), (2, 1, 2), c)


class OorKeyId(InteropTest):
    def test_oor_key_id(self):
        key = "oor-style-key"
        at_r = self.listen(lt.R, R_X, "r-received")
        conf = lt.mn_config(extra=[]) + (f"\n[map-server {R_X}]\nkey={key}\nkey-id=1\n"
                                         "algorithm=hmac-sha-1\n")
        self.mn = lt.Daemon(self.t, lt.MN, conf, self.dir)
        self.mn.wait_ready()
        first = wait_for(lambda: [m for m in at_r() if m["data"][0] >> 4 == 3], 10,
                         "MN's Map-Register")[0]
        reg = decode_map_register(first["data"])
        self.assertEqual((reg["key_id"], reg["alg"], len(reg["auth"])), (1, 1, 20))
        # OOR validates it and answers with Key ID 0 (Key ID field 0x0001): its
        # key-type 1 is the algorithm, and it has no key IDs.
        notify = bytearray(first["data"])
        word0 = struct.unpack_from("!I", notify, 0)[0]
        struct.pack_into("!I", notify, 0, (4 << 28) | (0x08000000 if word0 & 0x02000000 else 0)
                         | (word0 & 0xFF))
        notify[12] = 0
        notify[16:36] = bytes(20)
        notify[16:36] = hmac.new(key.encode(), bytes(notify), hashlib.sha1).digest()
        self.exchange(lt.R, R_X, first["from"], [bytes(notify)], wait=0.2)
        wait_for(lambda: map_server_states(self.mn) == ["registered"], 10,
                 "MN registered by the Map-Notify of Key ID 0" + self.log(self.mn))
        self.assertEqual(self.mn.state()["control"]["map-notify-auth-failed"], 0)


class ServerNonces(InteropTest):
    PROGRAMS = (SERVER,)

    def test_server_nonces(self):
        conf = SERVER_CONF + (
            "\n[site lispersnet]\neid-prefixes=203.0.113.6/32;2001:db8:e1d::6/128\n"
            "key=lnetF-secret-key\nalgorithm=hmac-sha-256\n"
            "\n[site oor]\neid-prefixes=192.0.2.1/32;2001:db8:e1d::1/128\n"
            "key=oorA-lab-key\nalgorithm=hmac-sha-1\n")
        self.server = lt.MapServer(self.t, lt.R, conf, self.dir)
        # lispers.net's Map-Register (want-map-notify, xTR-ID) sent three times, as its
        # refreshes go: the same nonce 01dfdfdfddccbbaa each time, each acknowledged.
        ln = pcap_payloads("lispersnet-register.pcap")[0]
        self.assertEqual(struct.unpack_from("!Q", ln, 4)[0], 0x01DFDFDFDDCCBBAA)
        notifies = self.exchange(lt.X, X4, R_X, [ln, ln, ln], answered=True)
        self.assertEqual(len(notifies), 3, self.server.log())
        self.assertTrue(all(struct.unpack_from("!Q", n, 4)[0] == 0x01DFDFDFDDCCBBAA
                            for n in notifies))
        # OOR's two Map-Registers (random nonces, no xTR-ID), each twice.
        oor = pcap_payloads("oor-register.pcap")[:2]
        self.assertFalse(decode_map_register(oor[0])["I"])
        notifies = self.exchange(lt.X, X4, R_X, oor + oor, answered=True)
        self.assertEqual(len(notifies), 4, self.server.log())
        regs = self.server.registrations()
        for eid in ("203.0.113.6/32", "2001:db8:e1d::6/128", "192.0.2.1/32", "2001:db8:e1d::1/128"):
            self.assertIn(eid, regs)
        self.assertEqual(self.server.state()["counters"]["drop-replayed-map-register"], 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
