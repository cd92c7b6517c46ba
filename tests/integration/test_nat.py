#!/usr/bin/python3
"""NAT traversal on the mobile node (draft-ietf-lisp-nat-traversal), with the real daemons and
a real NAT: lisp_topology.build_nat() puts N, an nftables masquerade with random ports (what
Linux does, an endpoint-dependent "symmetric" NAT), between MN's up1 and R. up1's IPv6 is
routed through N untranslated; up2 is public. lispmn-server is the map-server (and, where
said, the proxy and RTR on the same address) in S, a namespace of its own behind R.

- Discovery: up1's IPv4 RLOC is behind a NAT, seen as N's outside address and a random port,
  with the RTR the map-server named; up1's IPv6 and up2 are public; nat-traversal=off asks
  nothing; D-Bus Rlocs shows the same.
- Forged Info-Replies (wrong nonce, wrong MAC) from someone on N's LAN are dropped and
  counted and change nothing; without a valid answer the RLOC ends "unknown".
- Forged Data-Map-Notifys (wrong MAC, xTR-ID, nonce) are dropped and counted.
- Through lispmn-server's RTR: registration (mixed uplinks: one locator set; behind the NAT
  only: nothing sent directly), the keepalive's bytes, C and MN reaching each other (ping
  both ways, IPv6 EIDs over the IPv4 RTR, TCP), the NAT's bindings flushed, roaming public ->
  NAT -> public with a TCP session, two nodes behind one NAT, two NATs in a row.
Run as root: meson test -C build nat
"""
import json
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402
from fixtures import MN_KEY, SERVER, SERVER_CONF, X_CONF, mn_conf  # noqa: E402
from lisp_capture import Capture, decode_problems  # noqa: E402

MS, MS6 = lt.S4, lt.S6   # lispmn-server in S, behind R
RTR = MS   # the map-server's own address: it names itself as the RTR
NAT_WAN4 = lt.MN_UPLINKS["up1"][4][0]
UP1_4, UP1_6 = lt.NAT_LAN[4][0], lt.NAT_LAN[6][0]
UP2_4, UP2_6 = lt.MN_UPLINKS["up2"][4][0], lt.MN_UPLINKS["up2"][6][0]

NAT_SERVER_CONF = SERVER_CONF + f"""
[map-server]
rtrs={RTR}
"""


def mn_nat_conf(lines=(), ipv6_server=True):
    """fixtures' mobile node, registering with (and asking) S; with ipv6_server, S's IPv6
    address as a second map-server, for the IPv6 RLOCs to ask."""
    conf = mn_conf(lines=lines, resolvers=(MS,)).replace(f"[map-server {fixtures.MS}]",
                                                         f"[map-server {MS}]")
    if ipv6_server:
        conf += f"\n[map-server {MS6}]\nkey={MN_KEY}\n"
    return conf


def rloc(state, address):
    for r in state.get("rlocs", []):
        if r.get("address") == address:
            return r
    return None


class NatTestCase(fixtures.TestCase):
    """MN's lispmnd behind N (and up2 public), lispmn-server in R."""
    PROGRAMS = (fixtures.LISPMND, SERVER)
    NATS = 1

    def build_topology(self):
        lt.build_nat(self.t, nats=self.NATS)
        lt.add_server_ns(self.t)

    def start(self, lines=(), server_conf=NAT_SERVER_CONF, env=None, ipv6_server=True):
        self.server = lt.MapServer(self.t, lt.S, server_conf, self.dir)
        self.mn = lt.Daemon(self.t, lt.MN, mn_nat_conf(lines, ipv6_server), self.dir, env=env)
        self.mn.wait_ready()

    def nat_of(self, address):
        r = rloc(self.mn.state(), address)
        return r and r.get("nat")

    def wait_nat(self, address, want, timeout=15):
        wait_for(lambda: self.nat_of(address) == want, timeout, f"{address}: nat={want}")

    def control(self):
        return self.mn.state()["control"]

    def start_rtr(self, lines=(), ipv6_server=True):
        self.start(lines=lines, server_conf=RTR_SERVER_CONF, ipv6_server=ipv6_server)

    def rtr_registration(self, address=UP1_4):
        r = rloc(self.mn.state(), address)
        return r and r.get("rtr-registration")


class Discovery(NatTestCase):
    BUS = True

    def test_behind_nat_and_public(self):
        cap = Capture(self.t, lt.NAT, ["lan"], os.path.join(self.dir, "lan.pcapng"),
                      os.path.join(self.dir, "tshark.log"))
        self.addCleanup(cap.stop)
        self.start(env=self.env)
        self.wait_nat(UP1_4, "behind-nat")
        state = self.mn.state()
        up1 = rloc(state, UP1_4)
        self.assertEqual(up1["public-address"], NAT_WAN4)
        self.assertNotEqual(up1["public-port"], 0)
        self.assertEqual(up1["rtr"], RTR)
        for address in (UP1_6, UP2_4, UP2_6):
            self.wait_nat(address, "public")
            r = rloc(self.mn.state(), address)
            self.assertEqual((r["public-address"], r["public-port"], r["rtr"]), ("", 0, ""))
        c = self.control()
        self.assertGreaterEqual(c["info-reply-accepted"], 4)
        self.assertEqual(c["info-reply-bad-nonce"] + c["info-reply-bad-mac"], 0)
        # D-Bus Rlocs tells the same (what lispmnctl and the applet show).
        rlocs = {r["address"]: r for r in self.get("Rlocs")}
        self.assertEqual((rlocs[UP1_4]["nat"], rlocs[UP1_4]["public-address"], rlocs[UP1_4]["rtr"]),
                         ("behind-nat", NAT_WAN4, RTR))
        self.assertEqual(rlocs[UP1_4]["public-port"], up1["public-port"])
        self.assertEqual(rlocs[UP2_4]["nat"], "public")
        # The map-server saw one Info-Request per RLOC at least.
        self.assertGreaterEqual(self.server.state()["counters"]["tx-info-reply"], 4)
        # tshark reads what up1 sent and received cleanly: the Info messages, and the
        # Map-Register to the RTR in an ECM with the R bit, from port 4341.
        wait_for(lambda: self.control()["rtr-map-register-sent"] >= 1, 10, "a Map-Register to the RTR")
        msgs = cap.stop_and_decode()
        self.assertEqual(decode_problems(msgs), [])
        self.assertTrue([m for m in msgs if m.type == 7 and m.src == UP1_4], "the Info-Request")
        self.assertTrue([m for m in msgs if m.type == 7 and m.dst == UP1_4], "the Info-Reply")
        ecms = [m for m in msgs if m.type == 8 and m.src == UP1_4 and m.dst == RTR]
        self.assertTrue(ecms, "the ECM'd Map-Register")
        self.assertEqual(ecms[0].layers["udp"][0]["udp.srcport"], "4341")
        f = ecms[0].fields
        # this tshark names the R bit (bit 6) nothing: it shows among the reserved bits
        self.assertEqual(f["lisp.ecm.res"], "0x02000000", f)
        self.assertEqual((f["lisp.mreg.flags.pmr"], f["lisp.mreg.flags.wmn"],
                          f["lisp.mreg.flags.xtrid"], f["lisp.mreg.flags.rtr"]), ("1", "1", "1", "0"))
        # up1's IPv4 locator is the RTR (reachable, not local); no private address is listed
        locators = dict(zip(ecms[0].all["lisp.loc.locator"], ecms[0].all["lisp.loc.flags"]))
        self.assertEqual(locators, {RTR: "0x0001", UP1_6: "0x0005", UP2_4: "0x0005",
                                    UP2_6: "0x0005"})

    def test_off(self):
        self.start(lines=["nat-traversal=off"], env=self.env)
        wait_for(lambda: rloc(self.mn.state(), UP2_4) is not None, 10, "up2's RLOC")
        for address in (UP1_4, UP1_6, UP2_4, UP2_6):
            self.wait_nat(address, "off", 5)
        self.assertEqual(self.control()["info-request-sent"], 0)
        self.assertEqual(self.server.state()["counters"]["rx-info"], 0)

    def test_on(self):
        """nat-traversal=on: the public IPv4 RLOC goes through the RTR too; the IPv6 ones have
        no IPv6 RTR to go through."""
        self.start(lines=["nat-traversal=on"])
        self.wait_nat(UP2_4, "public")
        self.assertEqual(rloc(self.mn.state(), UP2_4)["rtr"], RTR)
        self.wait_nat(UP1_4, "behind-nat")
        self.assertEqual(rloc(self.mn.state(), UP1_4)["rtr"], RTR)
        self.wait_nat(UP2_6, "public")
        self.assertEqual(rloc(self.mn.state(), UP2_6)["rtr"], "")

    def test_no_map_server_of_the_family(self):
        """Only an IPv4 map-server: nobody to ask from the IPv6 RLOCs."""
        self.start(ipv6_server=False)
        self.wait_nat(UP1_4, "behind-nat")
        self.wait_nat(UP2_4, "public")
        self.wait_nat(UP1_6, "unknown", 5)
        self.wait_nat(UP2_6, "unknown", 5)


# lispmn-server in R as map-server, proxy and RTR on one address (R's, on N's side).
RTR_SERVER_CONF = NAT_SERVER_CONF + f"""
[proxy]
eids={lt.EID4}/32;{lt.EID6}/128
uplinks=s0
map-resolver={MS}
tun=lmn-rtr0

[rtr]
address={RTR}
map-servers={MS}
"""


class ThroughRtr(NatTestCase):
    """Registration through lispmn-server's RTR (its control plane)."""

    def test_mixed_uplinks(self):
        """up1's IPv4 behind N through the RTR, up1's IPv6 and up2 public: one locator set,
        the RTR in up1's IPv4 place, registered both ways."""
        self.start_rtr()
        wait_for(lambda: self.rtr_registration() == "registered", 15, "registered through the RTR")
        self.assertGreaterEqual(self.control()["data-map-notify-accepted"], 1)
        want = sorted([RTR, UP1_6, UP2_4, UP2_6])
        wait_for(lambda: self.server.registrations().get(f"{lt.EID4}/32") == want, 10,
                 f"the map-server to hold {want}")
        nodes = self.server.state()["rtr"]["nodes"]
        self.assertEqual([n["private-rloc"] for n in nodes], [UP1_4])
        self.assertTrue(nodes[0]["translated"].startswith(NAT_WAN4 + ":"), nodes[0])
        # The direct Map-Register to the second map-server may still await its Map-Notify.
        wait_for(lambda: fixtures.map_server_states(self.mn) == ["registered", "registered"], 10,
                 "both map-servers registered")

    def test_only_behind_nat(self):
        """Every uplink behind the NAT: nothing registered directly, the map-server's state
        follows the registration through the RTR."""
        self.t.carrier(lt.MN, "up2", False)
        self.t.del_addr(lt.MN, "up1", f"{UP1_6}/64")
        self.start_rtr(ipv6_server=False)
        wait_for(lambda: self.rtr_registration() == "registered", 15, "registered through the RTR")
        wait_for(lambda: fixtures.map_server_states(self.mn) == ["registered"], 5,
                 "the map-server registered")
        self.assertEqual(self.server.registrations().get(f"{lt.EID4}/32"), [RTR])
        # Only the withdrawal at the end goes directly: so far nothing did.
        sent = self.control()["map-register-sent"]
        self.assertEqual(sent, 0, "Map-Registers sent directly from behind the NAT")

    def test_keepalive_cost(self):
        """The keepalive's bytes through N: the ECM'd Map-Register out, the Data-Map-Notify
        back (one EID of each family, two locators), over 3 keepalives 5 s apart."""
        for rule in (["add", "table", "ip", "lmncount"],
                     ["add", "chain", "ip", "lmncount", "count",
                      "{ type filter hook forward priority 10 ; }"],
                     ["add", "rule", "ip", "lmncount", "count", "ip", "saddr", UP1_4, "udp",
                      "sport", "4341", "udp", "dport", "4342", "counter"],
                     ["add", "rule", "ip", "lmncount", "count", "ip", "daddr", UP1_4, "udp",
                      "sport", "4342", "udp", "dport", "4341", "counter"]):
            self.t.run(lt.NAT, ["nft"] + rule)
        self.start_rtr(lines=["nat-keepalive-interval=5"])
        wait_for(lambda: self.rtr_registration() == "registered", 15, "registered through the RTR")
        start = self.control()["data-map-notify-accepted"]
        wait_for(lambda: self.control()["data-map-notify-accepted"] >= start + 3, 30,
                 "3 more keepalives answered")
        out = self.t.run(lt.NAT, ["nft", "-j", "list", "chain", "ip", "lmncount", "count"]).stdout
        counters = [e["rule"]["expr"][-1]["counter"] for e in json.loads(out)["nftables"]
                    if "rule" in e]
        (out_pkts, out_bytes), (in_pkts, in_bytes) = [(c["packets"], c["bytes"]) for c in counters]
        self.assertGreaterEqual(min(out_pkts, in_pkts), 3)
        per_exchange = out_bytes / out_pkts + in_bytes / in_pkts
        # the figure lispmnd.conf(5) quotes: 3 keepalives a minute at the default 20 s
        report = (f"keepalive: {out_bytes / out_pkts:.0f} bytes out, {in_bytes / in_pkts:.0f} "
                  f"back (IPv4 packets); at 20 s: {3 * per_exchange:.0f} bytes a minute")
        with open(os.path.join(self.dir, "keepalive-cost.txt"), "w") as f:
            f.write(report + "\n")
        print(report, file=sys.stderr)
        self.assertLess(3 * per_exchange, 2000)


def ping_gaps(log, interval_ms, count):
    """(longest run of lost pings in ms, replies) of a `ping -D -c count` log: the losses at
    the start and the end count too."""
    with open(log) as f:
        seqs = sorted({int(w.split("=")[1]) for line in f for w in line.split()
                       if w.startswith("icmp_seq=")})
    edges = [0] + seqs + [count + 1]
    gaps = [b - a - 1 for a, b in zip(edges, edges[1:])]
    return max(gaps) * interval_ms, len(seqs)


class Data(NatTestCase):
    """Traffic through the RTR: X, the correspondent site's xTR, registers with the same
    map-server; C behind it and MN's EIDs reach each other."""

    def start_all(self, lines=(), only_nat=True):
        if only_nat:
            self.t.carrier(lt.MN, "up2", False)
            self.t.del_addr(lt.MN, "up1", f"{UP1_6}/64")
        self.start_rtr(lines=lines, ipv6_server=False)
        self.x = lt.Daemon(self.t, lt.X, X_CONF.replace(fixtures.MS, MS), self.dir)
        self.x.wait_ready()
        wait_for(lambda: fixtures.map_server_states(self.x) == ["registered"], 10, "X registered")

    def test_reach_behind_nat(self):
        """MN only behind N: ping both ways (IPv4 and IPv6 EIDs over the IPv4 RTR), then TCP
        from C to MN."""
        self.start_all()
        wait_for(lambda: self.rtr_registration() == "registered", 15, "registered through the RTR")
        self.assertTrue(lt.ping_ok(self.t, lt.MN, lt.C4, lt.EID4), "MN -> C through the RTR")
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID4), "C -> MN through the RTR")
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID6), "C -> MN (IPv6 EID) through the RTR")
        # X sends to the RTR, the only locator the map-server gives for MN.
        self.assertEqual(x_locators(self.x), [RTR])
        transfer = lt.Transfer(self.t, self.dir, lt.MN, lt.EID4, lt.C, lt.C4, "client", 300000)
        ok, message = transfer.result()
        self.assertTrue(ok, message)
        # MN resolved nothing itself: everything went to the RTR.
        self.assertEqual(self.control()["map-request-sent"], 0)

    def test_conntrack_flushed(self):
        """N forgets every binding: C reaches MN again at the next keepalive (5 s here)."""
        self.start_all(lines=["nat-keepalive-interval=5"])
        wait_for(lambda: self.rtr_registration() == "registered", 15, "registered through the RTR")
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID4), "C -> MN before")
        before = self.server.state()["rtr"]["nodes"][0]["translated"]
        log = os.path.join(self.dir, "ping.log")
        ping = self.t.popen(lt.C, ["ping", "-D", "-i", "0.1", "-c", "150", "-W", "1", lt.EID4], log)
        time.sleep(1)
        lt.flush_conntrack(self.t, lt.NAT)
        flushed = time.monotonic()
        wait_for(lambda: self.server.state()["rtr"]["nodes"][0]["translated"] != before, 15,
                 "the RTR to verify the new binding")
        rebound = time.monotonic() - flushed
        ping.wait(20)
        gap, replies = ping_gaps(log, 100, 150)
        print(f"conntrack flushed: new binding verified after {rebound:.1f} s; longest gap "
              f"{gap} ms; {replies} of 150 replies", file=sys.stderr)
        with open(os.path.join(self.dir, "conntrack-flush.txt"), "w") as f:
            f.write(f"rebound {rebound:.2f} s, longest gap {gap} ms, {replies}/150\n")
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID4), "C -> MN after")

    def test_roaming_public_nat_public(self):
        """An incoming TCP session (C -> MN) survives public (up2) -> behind N (up1) -> public
        (up2), and C reaches MN in each place; the gap in C's pings at each move and the time
        from up1's address to the registration through the RTR are reported."""
        self.t.carrier(lt.MN, "up1", False)
        self.t.del_addr(lt.MN, "up1", f"{UP1_6}/64")
        self.start_all(only_nat=False)
        wait_for(lambda: fixtures.map_server_states(self.mn) == ["registered"], 10, "MN registered")
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID4), "C -> MN, public")
        log = os.path.join(self.dir, "ping.log")
        ping = self.t.popen(lt.C, ["ping", "-D", "-i", "0.05", "-c", "300", "-W", "1", lt.EID4], log)
        transfer = lt.Transfer(self.t, self.dir, lt.MN, lt.EID4, lt.C, lt.C4, "client", 600000,
                               rate=50000)
        time.sleep(2)
        # into the NAT
        moved_in = time.time()
        self.t.carrier(lt.MN, "up1", True)
        self.t.carrier(lt.MN, "up2", False)
        wait_for(lambda: self.rtr_registration() == "registered", 15, "registered through the RTR")
        wait_for(lambda: x_locators(self.x) == [RTR], 10, "X to send to the RTR")
        time.sleep(2)
        # out again
        moved_out = time.time()
        self.t.carrier(lt.MN, "up2", True)
        self.t.carrier(lt.MN, "up1", False)
        ok, message = transfer.result()
        ping.wait(20)
        gap_in, gap_out = move_gaps(log, moved_in), move_gaps(log, moved_out)
        registering = log_interval(self.mn.proc.log(100000), "RLOCs: up1 ", "registered through the RTR")
        report = (f"roaming: into the NAT {gap_in * 1000:.0f} ms without pings, out of it "
                  f"{gap_out * 1000:.0f} ms; registered through the RTR "
                  f"{registering * 1000:.0f} ms after up1 came up")
        print(report, file=sys.stderr)
        with open(os.path.join(self.dir, "roaming.txt"), "w") as f:
            f.write(report + "\n")
        self.assertTrue(ok, message)
        # C's pings came back in each of the three places
        self.assertTrue(replies_between(log, moved_in + gap_in, moved_out), "no reply behind the NAT")
        self.assertTrue(replies_between(log, moved_out + gap_out, time.time()), "none after")


# Two nodes behind the same NAT: MN2 on a second LAN port of N, with EIDs of its own in the
# same site.
MN2, MN2_UP = "mn2", ("198.51.100.57", "198.51.100.58", 29)
EID2_4, EID2_6 = "192.0.2.11", "2001:db8:e1d::11"
TWO_NODES_SERVER_CONF = RTR_SERVER_CONF.replace(
    f"eid-prefixes={lt.EID4}/32;{lt.EID6}/128\nkey={MN_KEY}",
    f"eid-prefixes=192.0.2.0/28;2001:db8:e1d::/64\nkey={MN_KEY}\naccept-more-specifics=true")
MN2_CONF = f"""[lispmnd]
mode=mobile-node
eids={EID2_4}/32;{EID2_6}/128
map-resolvers={MS}

[uplink up1]

[map-server {MS}]
key={MN_KEY}
"""


class TwoNodes(NatTestCase):
    def build_topology(self):
        super().build_topology()
        self.t.add_ns(MN2)
        self.t.link(MN2, "up1", lt.NAT, "lan2")
        mine, gw, plen = MN2_UP
        self.t.addr(MN2, "up1", f"{mine}/{plen}")
        self.t.addr(lt.NAT, "lan2", f"{gw}/{plen}")
        self.t.route(MN2, "default", "via", gw, "dev", "up1", "metric", "100")

    def test_two_nodes_behind_one_nat(self):
        """Both register through the RTR from the same public address (two bindings of N);
        C reaches each, and they reach each other through the RTR."""
        self.t.carrier(lt.MN, "up2", False)
        self.t.del_addr(lt.MN, "up1", f"{UP1_6}/64")
        self.start(server_conf=TWO_NODES_SERVER_CONF, ipv6_server=False)
        self.mn2 = lt.Daemon(self.t, MN2, MN2_CONF, self.dir)
        self.mn2.wait_ready()
        # X routes MN2's EIDs into its TUN too
        x_conf = X_CONF.replace(fixtures.MS, MS).replace(
            f"routes={lt.EID4}/32;{lt.EID6}/128",
            f"routes={lt.EID4}/32;{lt.EID6}/128;{EID2_4}/32;{EID2_6}/128")
        self.x = lt.Daemon(self.t, lt.X, x_conf, self.dir)
        self.x.wait_ready()
        wait_for(lambda: self.rtr_registration() == "registered", 15, "MN registered")
        wait_for(lambda: (rloc(self.mn2.state(), MN2_UP[0]) or {}).get("rtr-registration")
                 == "registered", 15, "MN2 registered")
        nodes = {n["private-rloc"]: n["translated"] for n in self.server.state()["rtr"]["nodes"]}
        self.assertEqual(sorted(nodes), sorted([UP1_4, MN2_UP[0]]))
        self.assertTrue(all(t.startswith(NAT_WAN4 + ":") for t in nodes.values()), nodes)
        self.assertNotEqual(nodes[UP1_4], nodes[MN2_UP[0]])
        wait_for(lambda: fixtures.map_server_states(self.x) == ["registered"], 10, "X registered")
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID4), "C -> MN")
        self.assertTrue(lt.ping_ok(self.t, lt.C, EID2_4), "C -> MN2")
        self.assertTrue(lt.ping_ok(self.t, lt.MN, EID2_4, lt.EID4), "MN -> MN2")
        self.assertTrue(lt.ping_ok(self.t, MN2, lt.EID6, EID2_6), "MN2 -> MN (IPv6 EIDs)")


def x_locators(x):
    cache = {e["prefix"]: [loc["address"] for loc in e["locators"]]
             for e in x.state()["map-cache"]}
    return cache.get(f"{lt.EID4}/32", [])


def ping_times(log):
    """The wall-clock times of the replies in a `ping -D` log."""
    with open(log) as f:
        return [float(line[1:line.index("]")]) for line in f
                if line.startswith("[") and "icmp_seq=" in line]


def move_gaps(log, moved):
    """Seconds between the last reply before `moved` and the first one after it."""
    times = ping_times(log)
    before = [t for t in times if t < moved]
    after = [t for t in times if t >= moved]
    if not before or not after:
        return float("inf")
    return after[0] - before[-1]


def replies_between(log, start, end):
    return [t for t in ping_times(log) if start <= t <= end]


def log_interval(text, first, then):
    """Seconds from the last line with `first` before the first line with `then` after it, by
    the log's own clock (HH:MM:SS.mmm)."""
    def stamp(line):
        h, m, sec = re.search(r"(\d\d):(\d\d):(\d\d\.\d+)", line).groups()
        return int(h) * 3600 + int(m) * 60 + float(sec)
    lines = text.splitlines()
    end = next(i for i, line in enumerate(lines) if then in line)
    begin = max(i for i, line in enumerate(lines[:end]) if first in line)
    return stamp(lines[end]) - stamp(lines[begin])


class TwoNats(NatTestCase):
    """A carrier-grade NAT (N) under the home router (N2): one more translation."""
    NATS = 2

    def test_discovery_through_two_nats(self):
        self.start()
        self.wait_nat(UP1_4, "behind-nat")
        up1 = rloc(self.mn.state(), UP1_4)
        self.assertEqual((up1["public-address"], up1["rtr"]), (NAT_WAN4, RTR))
        self.wait_nat(UP1_6, "public")
        self.wait_nat(UP2_4, "public")

    def test_reach_through_two_nats(self):
        """Behind both NATs only: registered through the RTR, reached by C."""
        self.t.carrier(lt.MN, "up2", False)
        self.t.del_addr(lt.MN, "up1", f"{UP1_6}/64")
        self.start_rtr(ipv6_server=False)
        self.x = lt.Daemon(self.t, lt.X, X_CONF.replace(fixtures.MS, MS), self.dir)
        self.x.wait_ready()
        wait_for(lambda: self.rtr_registration() == "registered", 15, "registered through the RTR")
        wait_for(lambda: fixtures.map_server_states(self.x) == ["registered"], 10, "X registered")
        self.assertTrue(lt.ping_ok(self.t, lt.C, lt.EID4), "C -> MN through two NATs")
        self.assertTrue(lt.ping_ok(self.t, lt.MN, lt.C4, lt.EID4), "MN -> C through two NATs")


# Someone on N's LAN (on the path) who reads the Info-Request MN sends from up1 and answers
# first: with its nonce under another key, and with another nonce under the right key.
FORGER = r"""
import socket, struct, sys, time
sys.path.insert(0, sys.argv[1])
import lisp_codec as c
mn, lan, key, eid, out = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
sniff = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
sniff.bind((lan, 0))
sniff.settimeout(1)

def info_reply(nonce, key):
    lcaf = struct.pack("!HH", 4342, 4342) + c.afi_addr(mn) + c.afi_addr("198.51.100.2") \
        + struct.pack("!H", 0)
    nat = struct.pack("!HBBBBH", 16387, 0, 0, 7, 0, len(lcaf)) + lcaf
    addr, mask = eid.split("/")
    msg = bytearray(struct.pack("!IQBBH", (7 << 28) | 0x08000000, nonce, 0, 2, 32) + bytes(32)
                    + struct.pack("!IBB", 1440, 0, int(mask)) + c.afi_addr(addr) + nat)
    msg[16:48] = c.hmac256(key, bytes(msg), 16, 32)
    return bytes(msg)

deadline = time.monotonic() + 15
while time.monotonic() < deadline:
    try:
        pkt = sniff.recv(2048)
    except socket.timeout:
        continue
    ihl = (pkt[0] & 15) * 4
    if pkt[9] != 17 or socket.inet_ntoa(pkt[12:16]) != mn:
        continue
    sport, dport = struct.unpack_from("!HH", pkt, ihl)
    payload = pkt[ihl + 8:]
    if dport != 4342 or not payload or payload[0] >> 4 != 7:
        continue
    nonce = struct.unpack_from("!Q", payload, 4)[0]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(info_reply(nonce, "not-" + key), (mn, sport))
    s.sendto(info_reply(nonce ^ 1, key), (mn, sport))
    open(out, "w").write(str(nonce))
    sys.exit(0)
sys.exit("no Info-Request seen")
"""


# The same on-path forger for the Data-Map-Notify: it reads MN's Map-Register through the RTR
# (an ECM from up1's port 4341) and answers on that port as the RTR would, first with a wrong
# MAC, our nonce under the wrong xTR-ID, another nonce, then (it knows the key: it stands in
# for the RTR relaying the map-server's answer) the right one.
DMN_FORGER = r"""
import socket, struct, sys, time
sys.path.insert(0, sys.argv[1])
import lisp_codec as c
mn, lan, key, ms, out = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
sniff = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
sniff.bind((lan, 0))
sniff.settimeout(1)

def data_map_notify(notify):
    header = struct.pack("!BBBBI", 0x08, 0, 0, 0, 0xFFFFFF00)
    return header + c.ip_udp(ms, mn, 4342, 4342, notify)

def with_xtr_id(register, xtr_id):
    return register[:-24] + xtr_id + register[-8:]

def with_nonce(register, nonce):
    return register[:4] + struct.pack("!Q", nonce) + register[12:]

deadline = time.monotonic() + 20
while time.monotonic() < deadline:
    try:
        pkt = sniff.recv(4096)
    except socket.timeout:
        continue
    ihl = (pkt[0] & 15) * 4
    if pkt[9] != 17 or socket.inet_ntoa(pkt[12:16]) != mn:
        continue
    sport, dport = struct.unpack_from("!HH", pkt, ihl)
    ecm = pkt[ihl + 8:]
    if sport != 4341 or dport != 4342 or not ecm or ecm[0] >> 4 != 8 or not ecm[0] & 0x02:
        continue
    register = ecm[4 + 20 + 8:]
    m = c.decode_map_register(register)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    forged = [c.map_notify_from(register, "not-" + key),
              c.map_notify_from(with_xtr_id(register, bytes(16)), key),
              c.map_notify_from(with_nonce(register, m["nonce"] ^ 1), key),
              c.map_notify_from(register, key)]
    for notify in forged:
        s.sendto(data_map_notify(notify), (mn, 4341))
        time.sleep(0.05)
    open(out, "w").write(str(m["nonce"]))
    sys.exit(0)
sys.exit("no Map-Register through the RTR seen")
"""


class Forged(NatTestCase):
    def test_forged_info_replies(self):
        """The real answers are held back by N (so that MN keeps asking), the forged ones
        are dropped and counted, and up1 stays "probing", then "unknown"."""
        self.server = lt.MapServer(self.t, lt.S, NAT_SERVER_CONF, self.dir)
        self.t.run(lt.NAT, ["nft", "add", "table", "ip", "lmnhold"])
        self.t.run(lt.NAT, ["nft", "add", "chain", "ip", "lmnhold", "hold",
                            "{ type filter hook forward priority 0 ; }"])
        self.t.run(lt.NAT, ["nft", "add", "rule", "ip", "lmnhold", "hold", "oifname", "lan",
                            "udp", "sport", "4342", "drop"])
        done = os.path.join(self.dir, "forged")
        forger = self.t.popen(lt.NAT, [lt.PYTHON, "-c", FORGER, os.path.dirname(os.path.abspath(__file__)),
                                       UP1_4, "lan", MN_KEY, f"{lt.EID4}/32", done],
                              os.path.join(self.dir, "forger.log"))
        self.mn = lt.Daemon(self.t, lt.MN, mn_nat_conf(), self.dir)
        self.mn.wait_ready()
        wait_for(lambda: os.path.exists(done) or not forger.running(), 20, "the forger")
        self.assertTrue(os.path.exists(done), forger.log())
        wait_for(lambda: self.control()["info-reply-bad-mac"] >= 1, 10, "the bad MAC counted")
        wait_for(lambda: self.control()["info-reply-bad-nonce"] >= 1, 10, "the bad nonce counted")
        self.assertIn(self.nat_of(UP1_4), ("probing", "unknown"))
        # The public RLOCs got their answers all the same.
        self.wait_nat(UP2_4, "public")
        # After the 3 tries (1 + 2 + 4 s) with no valid answer: unknown.
        self.wait_nat(UP1_4, "unknown", 15)
        self.assertTrue(self.mn.proc.running())

    def test_forged_data_map_notifys(self):
        """Data-Map-Notifys on up1's port 4341 for its Map-Register through the RTR: a wrong
        MAC, another xTR-ID, another nonce are dropped and counted and leave the registration
        through the RTR "registering"; the right one registers it. (No RTR runs: the forger
        on N's LAN answers in its place.)"""
        done = os.path.join(self.dir, "forged")
        forger = self.t.popen(lt.NAT, [lt.PYTHON, "-c", DMN_FORGER,
                                       os.path.dirname(os.path.abspath(__file__)), UP1_4, "lan",
                                       MN_KEY, MS, done],
                              os.path.join(self.dir, "forger.log"))
        self.start()
        wait_for(lambda: os.path.exists(done) or not forger.running(), 20, "the forger")
        self.assertTrue(os.path.exists(done), forger.log())
        wait_for(lambda: self.control()["data-map-notify-accepted"] >= 1, 10,
                 "the right Data-Map-Notify accepted")
        c = self.control()
        self.assertEqual((c["data-map-notify-bad-mac"], c["data-map-notify-bad-xtr-id"],
                          c["data-map-notify-bad-nonce"]), (1, 1, 1))
        up1 = rloc(self.mn.state(), UP1_4)
        self.assertEqual((up1["nat"], up1["rtr"], up1["rtr-registration"]),
                         ("behind-nat", RTR, "registered"))
        # Never written to the TUN as data.
        self.assertEqual(self.mn.state()["counters"]["rx-packets"], 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
