#!/usr/bin/python3
"""The D-Bus Lookup method and `lispmnctl lig`, against the real mapping system: lispmn-server
in R is map-server and map-resolver, the correspondent site's xTR (X) and the mobile node
(MN) register with it, and MN's lispmnd is on a private system bus of the test's own.

  - a registered EID: the answer is the registration (prefix, locators, TTL), from the
    map-resolver asked: authoritative when the map-server forwards the request and X answers
    itself, not when the map-server answers for the mobile node (a proxy reply);
  - a non-EID: a negative answer, action natively-forward;
  - the answer never enters MN's map-cache;
  - resolver fail-over: the first map-resolver is silent, the second answers;
  - no resolver answering: org.lispmn.MobileNode1.Error.Timeout within the documented 7 s;
  - a stopped node: NotRunning, also for a lookup in flight when it stops; no map-resolver
    configured: NoMapResolver; no usable uplink: NoUplink;
  - bad addresses and wrong argument types: InvalidArgs;
  - lookups in flight are bounded per caller and in all, and their rate (LimitsExceeded);
  - lispmnctl lig: human and --json output against the daemon's answer and the
    registration; exit codes for usage errors, no answer and a stopped daemon.

Real dbus-daemon, lispmnd and lispmn-server between network namespaces; authorisation (for
Stop) is decided by python-dbusmock's polkitd template, as the real polkitd needs a system
bus and logind of its own."""
import ipaddress
import json
import os
import re
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402
from fixtures import (BUS_NAME, IFACE, LISPMNCTL, MS, PATH, SERVER, SERVER_CONF,  # noqa: E402
                      X_CONF, map_server_states, mn_conf)

from gi.repository import Gio, GLib  # noqa: E402

SILENT_RESOLVER = "203.0.113.1"   # routed to R, which has no route for it: never answers
NON_EID = "203.0.113.77"          # outside every site of lispmn-server
LOOKUP_TIMEOUT = 7.0              # lispmnd(8): tries at 0, 1 and 3 s, given up 4 s later


# The office site's requests are forwarded to X, which answers itself (authoritative); the
# mobile node's are answered by the map-server (a proxy reply, as its registration asks).
assert "key=office-key\n" in SERVER_CONF
LIG_SERVER_CONF = SERVER_CONF.replace("key=office-key\n", "key=office-key\nproxy-reply=never\n")


class LookupTest(fixtures.TestCase):
    """The e2e topology (lispmn-server in R) with MN on a private system bus."""
    PROGRAMS = (fixtures.LISPMND, SERVER, LISPMNCTL)
    BUS = True
    RESOLVERS = (MS,)
    STRICT = False   # True: the installed bus policy on a bus that denies by default

    def setUp(self):
        super().setUp()
        self.server = lt.MapServer(self.t, lt.R, LIG_SERVER_CONF, self.dir)
        self.mn, self.x = lt.start_daemons(self.t, self.dir, mn_conf(resolvers=self.RESOLVERS), X_CONF,
                                           mn_env=self.env)
        wait_for(lambda: self.name_has_owner(BUS_NAME), 5, "lispmnd on the bus")

    def wait_registered(self):
        wait_for(lambda: map_server_states(self.mn) == ["registered"]
                 and map_server_states(self.x) == ["registered"], 10, "MN and X registered")

    def registrations(self):
        return {r["eid"]: r for r in self.server.state().get("registrations", [])}

    def lookup(self, eid, signature="(s)", timeout_ms=20000):
        """(answer, None) or (None, GLib.Error)."""
        try:
            return self.bus.call_sync(BUS_NAME, PATH, IFACE, "Lookup", GLib.Variant(signature, (eid,)),
                                      None, Gio.DBusCallFlags.NONE, timeout_ms, None).unpack()[0], None
        except GLib.Error as e:
            return None, e

    def map_cache(self):
        return self.bus.call_sync(BUS_NAME, PATH, IFACE, "GetMapCache", None, None,
                                  Gio.DBusCallFlags.NONE, 2000, None).unpack()[0]

    def learnt_prefixes(self):
        return sorted(e["prefix"] for e in self.map_cache() if e["origin"] == "map-reply")

    def ctl(self, *args, timeout=30):
        return subprocess.run([LISPMNCTL, *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout)

    def error_name(self, error):
        return Gio.DBusError.get_remote_error(error)

    def log(self):
        return f"\nMN log:\n{self.mn.proc.log()}\nserver log:\n{self.server.log()}"


class Lookup(LookupTest):
    def test_registered_eid(self):
        self.wait_registered()
        before = self.mn.state()["control"]
        regs = self.registrations()
        for eid, prefix in ((lt.C4, lt.SITE4), (lt.C6, lt.SITE6), (lt.EID4, f"{lt.EID4}/32")):
            answer, error = self.lookup(eid)
            self.assertIsNone(error, f"{eid}: {error}{self.log()}")
            reg = regs[prefix]
            self.assertEqual(answer["prefix"], prefix)
            self.assertEqual(answer["action"], "no-action")
            self.assertEqual(answer["map-resolver"], MS)
            self.assertEqual(reg["proxy-reply"], prefix == f"{lt.EID4}/32")
            self.assertEqual(answer["authoritative"], not reg["proxy-reply"], f"{answer} {reg}")
            self.assertEqual(answer["ttl"], reg["ttl"])
            self.assertGreater(answer["rtt-ms"], 0)
            self.assertLess(answer["rtt-ms"], LOOKUP_TIMEOUT * 1000)
            self.assertEqual(sorted((l["address"], l["priority"], l["weight"]) for l in answer["locators"]),
                             sorted((l["address"], l["priority"], l["weight"]) for l in reg["locators"]),
                             f"{eid}: answer {answer}, registration {reg}")
            self.assertTrue(all(l["reachable"] for l in answer["locators"]))
        # Answered through the resolver (counted), but nothing entered the map-cache.
        after = self.mn.state()
        self.assertEqual(after["control"]["map-reply-accepted"] - before["map-reply-accepted"], 3)
        self.assertEqual(self.learnt_prefixes(), [])
        self.assertEqual([e for e in after["map-cache"] if e["origin"] == "map-reply"], [])
        # A packet to C still has to resolve C through the mapping system.
        sent = after["control"]["map-request-sent"]
        self.assertTrue(lt.ping_ok(self.t, lt.MN, lt.C4, lt.EID4), self.log())
        self.assertGreater(self.mn.state()["control"]["map-request-sent"], sent)
        self.assertIn(lt.SITE4, self.learnt_prefixes())

    def test_non_eid(self):
        cache_before = self.map_cache()
        answer, error = self.lookup(NON_EID)
        self.assertIsNone(error, f"{error}{self.log()}")
        self.assertEqual(answer["locators"], [])
        self.assertEqual(answer["action"], "natively-forward")
        self.assertEqual(answer["ttl"], 15)
        self.assertFalse(answer["authoritative"])
        self.assertEqual(answer["map-resolver"], MS)
        self.assertIn(ipaddress.ip_address(NON_EID), ipaddress.ip_network(answer["prefix"]))
        self.assertFalse(ipaddress.ip_network(answer["prefix"]).overlaps(ipaddress.ip_network(lt.SITE4)))
        self.assertEqual(self.map_cache(), cache_before)

        out = self.ctl("lig", NON_EID)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(f"Map-Request for {NON_EID} via map-resolver {MS}: Map-Reply in", out.stdout)
        self.assertRegex(out.stdout, rf"{re.escape(answer['prefix'])}\s+TTL 15 min, not authoritative")
        self.assertIn("negative, action natively-forward (no locators)", out.stdout)
        js = json.loads(self.ctl("--json", "lig", NON_EID).stdout)
        self.assertEqual((js["eid"], js["prefix"], js["action"], js["locators"]),
                         (NON_EID, answer["prefix"], "natively-forward", []))

    def test_lispmnctl_lig(self):
        self.wait_registered()
        reg = self.registrations()[lt.SITE4]
        answer, error = self.lookup(lt.C4)
        self.assertIsNone(error, f"{error}")
        out = self.ctl("lig", lt.C4)
        self.assertEqual(out.returncode, 0, out.stderr)
        print(out.stdout)
        lines = out.stdout.splitlines()
        self.assertRegex(lines[0], rf"^Map-Request for {lt.C4} via map-resolver {MS}: "
                                   r"Map-Reply in \d+\.\d ms$")
        self.assertEqual(lines[1], f"Mapping for {lt.C4}:")
        self.assertRegex(lines[2], rf"^  {re.escape(lt.SITE4)}\s+TTL {reg['ttl']} min, "
                                   rf"{'not ' if reg['proxy-reply'] else ''}authoritative$")
        self.assertRegex(lines[3], r"^  Locator\s+State\s+Priority/Weight$")
        table = sorted(tuple(l.split()) for l in lines[4:])
        self.assertEqual(table, sorted((l["address"], "up", f"{l['priority']}/{l['weight']}")
                                       for l in reg["locators"]))
        js = json.loads(self.ctl("--json", "lig", lt.C4).stdout)
        del js["rtt-ms"], answer["rtt-ms"]
        self.assertEqual(js.pop("eid"), lt.C4)
        self.assertEqual(js, answer)
        self.assertEqual(self.learnt_prefixes(), [])

    def test_rate_limited(self):
        """Answered lookups back to back: a burst of 20, then 10 a second; the rest is refused
        at once, and the daemon answers again a moment later."""
        answered, refused = 0, []
        start = time.monotonic()
        for _ in range(100):
            answer, error = self.lookup(NON_EID)
            if error is None:
                answered += 1
            else:
                refused.append(error.message)
        took = time.monotonic() - start
        print(f"100 lookups in {took:.2f} s: {answered} answered, {len(refused)} refused")
        self.assertTrue(refused)
        self.assertEqual(set(refused), {"GDBus.Error:org.freedesktop.DBus.Error.LimitsExceeded: too many "
                                        "lookups (more than 10 a second): try again in a moment"})
        self.assertGreaterEqual(answered, 20)
        self.assertLessEqual(answered, 20 + 10 * took + 1)
        time.sleep(0.3)
        answer, error = self.lookup(NON_EID)
        self.assertIsNone(error)

    def test_bad_arguments(self):
        state = (self.map_cache(), self.mn.state()["control"]["map-request-sent"])
        for eid, problem in (("", "'' is not an IPv4 or IPv6 address"),
                             ("192.0.2", "'192.0.2' is not an IPv4"),
                             ("192.0.2.1/32", "'192.0.2.1/32' is not an IPv4"),
                             ("2001:db8::g", "is not an IPv4 or IPv6 address"),
                             ("fe80::1%up1", "is not an IPv4 or IPv6 address"),
                             (" 192.0.2.1", "is not an IPv4 or IPv6 address"),
                             ("x" * 100000, "a text of 100000 bytes is not an IPv4 or IPv6 address")):
            answer, error = self.lookup(eid)
            self.assertIsNotNone(error, f"{eid!r:.40} was accepted: {answer}")
            self.assertEqual(self.error_name(error), "org.freedesktop.DBus.Error.InvalidArgs", error.message)
            self.assertIn(problem, error.message)
            self.assertLess(len(error.message), 300)
        for value, signature in ((7, "(u)"), ([lt.C4], "(as)")):
            answer, error = self.lookup(value, signature)
            self.assertEqual(self.error_name(error), "org.freedesktop.DBus.Error.InvalidArgs", error.message)
        self.assertEqual((self.map_cache(), self.mn.state()["control"]["map-request-sent"]), state,
                         "a refused lookup sent something or changed the map-cache")
        # lispmnctl refuses them itself, as usage errors.
        for args in (["lig"], ["lig", "192.0.2"], ["lig", lt.C4, "extra"], ["--json", "lig", "eid"]):
            out = self.ctl(*args)
            self.assertEqual(out.returncode, 2, f"{args}: {out.stdout}{out.stderr}")
            self.assertIn("try --help", out.stderr)


class Unprivileged(LookupTest):
    """data/org.lispmn.MobileNode1.conf on a bus that denies by default, as distributions'
    system buses do: an ordinary user may look up (and lispmnd runs as root)."""
    STRICT = True

    def test_nobody_may_look_up(self):
        out = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                              LISPMNCTL, "--json", "lig", NON_EID], env=self.env,
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        answer = json.loads(out.stdout)
        self.assertEqual((answer["eid"], answer["action"], answer["map-resolver"]),
                         (NON_EID, "natively-forward", MS))


# A stand-in map-resolver in R, answering each ECM'd Map-Request three times: with another
# nonce, with a record that does not cover the EID asked (both to be ignored), and at last,
# 0.3 s later, with the right one.
STAND_IN = """
import socket, struct, sys, time
sys.path.insert(0, sys.argv[2])
from lisp_codec import map_reply, read_afi
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 4342))
print("ready", flush=True)
while True:
    data, _ = s.recvfrom(65535)
    if data[0] >> 4 != 8:
        continue
    inner = 4 + (40 if data[4] >> 4 == 6 else (data[4] & 15) * 4)
    sport = struct.unpack_from("!H", data, inner)[0]
    req = data[inner + 8:]
    word0, nonce = struct.unpack_from("!IQ", req, 0)
    _, off = read_afi(req, 12)                       # source EID
    itrs = []
    for _ in range(((word0 >> 8) & 31) + 1):
        itr, off = read_afi(req, off)
        itrs.append(itr)
    mask = req[off + 1]
    eid, _ = read_afi(req, off + 2)
    itr = [a for a in itrs if ":" not in a][0]
    print("asked", eid, mask, "from", itr, flush=True)
    s.sendto(map_reply(nonce ^ 1, eid, mask, [("198.51.100.98", 1, 1)]), (itr, sport))
    s.sendto(map_reply(nonce, "203.0.113.0", 24, [("198.51.100.97", 1, 1)]), (itr, sport))
    time.sleep(0.3)
    s.sendto(map_reply(nonce, eid, mask, [("198.51.100.99", 7, 3), ("2001:db8:99::1", 8, 4)], ttl=42),
             (itr, sport))
"""
STAND_IN_ADDRESS = "198.51.100.18"   # R's address on X's link


class OnlyWhatWasAsked(LookupTest):
    """A Map-Reply is the answer only with the nonce and a record covering the EID asked."""
    RESOLVERS = (STAND_IN_ADDRESS,)

    def test_replies_checked(self):
        self.assertEqual(self.server.stop(), 0)   # the stand-in takes UDP 4342 in R
        stand_in = self.t.popen(lt.R, [lt.PYTHON, "-c", STAND_IN, STAND_IN_ADDRESS, lt.HERE],
                                os.path.join(self.dir, "stand-in.log"))
        wait_for(lambda: "ready" in stand_in.log() or not stand_in.running(), 5, "the stand-in resolver")
        before = self.mn.state()["control"]
        answer, error = self.lookup("192.0.2.200")
        self.assertIsNone(error, f"{error}\nstand-in: {stand_in.log()}{self.log()}")
        self.assertIn("asked 192.0.2.200 32", stand_in.log())
        self.assertEqual(answer["prefix"], "192.0.2.200/32")
        self.assertEqual((answer["ttl"], answer["authoritative"], answer["action"]), (42, False, "no-action"))
        self.assertEqual(answer["locators"],
                         [{"address": "198.51.100.99", "priority": 7, "weight": 3, "reachable": True},
                          {"address": "2001:db8:99::1", "priority": 8, "weight": 4, "reachable": True}])
        self.assertGreater(answer["rtt-ms"], 250, "the RTT of the reply that answered")
        after = self.mn.state()["control"]
        self.assertEqual(after["map-reply-unsolicited"] - before["map-reply-unsolicited"], 1)
        self.assertEqual(after["map-reply-record-ignored"] - before["map-reply-record-ignored"], 1)
        self.assertEqual(after["map-reply-accepted"] - before["map-reply-accepted"], 1)
        self.assertEqual(self.learnt_prefixes(), [])
        stand_in.stop()


class FailOver(LookupTest):
    """The first map-resolver never answers: the retry goes to the second one, after 1 s."""
    RESOLVERS = (SILENT_RESOLVER, MS)

    def test_fail_over_then_timeout(self):
        start = time.monotonic()
        answer, error = self.lookup(NON_EID)
        took = time.monotonic() - start
        self.assertIsNone(error, f"{error}{self.log()}")
        self.assertEqual(answer["map-resolver"], MS)
        self.assertGreaterEqual(took, 0.9, "answered before the first try timed out?")
        # The first try's second of silence is not in it (whatever the load adds to both).
        self.assertLess(answer["rtt-ms"], took * 1000 - 500,
                        "RTT of the try that was answered, not of the first")
        resolvers = {m["address"]: m for m in self.mn.state()["map-resolvers"]}
        self.assertEqual(resolvers[SILENT_RESOLVER]["replies"], 0)
        self.assertGreaterEqual(resolvers[SILENT_RESOLVER]["requests-sent"], 1)
        self.assertEqual(resolvers[MS]["replies"], 1)

        # No map-resolver answers at all: Timeout, within the documented time.
        self.assertEqual(self.server.stop(), 0)
        start = time.monotonic()
        answer, error = self.lookup(lt.C4)
        took = time.monotonic() - start
        self.assertIsNotNone(error, f"answered without a map-resolver: {answer}")
        self.assertEqual(self.error_name(error), "org.lispmn.MobileNode1.Error.Timeout", error.message)
        self.assertIn(f"no map-resolver answered for {lt.C4}", error.message)
        print(f"Timeout after {took:.2f} s")
        self.assertGreater(took, LOOKUP_TIMEOUT - 0.5)
        self.assertLess(took, LOOKUP_TIMEOUT + 2.5)
        out = self.ctl("lig", lt.C4)
        self.assertEqual(out.returncode, 3, out.stdout + out.stderr)
        self.assertEqual(out.stderr.count("\n"), 1, out.stderr)
        self.assertIn(f"lispmnctl: lig {lt.C4}: no map-resolver answered", out.stderr)
        self.assertEqual(self.learnt_prefixes(), [])

    def test_lookups_in_flight_are_bounded(self):
        """With no answer coming, lookups stay in flight for 7 s: four per caller, sixteen in
        all; the next one is refused at once, and the daemon keeps answering meanwhile."""
        self.assertEqual(self.server.stop(), 0)
        results = {}

        def issue(c, n):
            for i in range(n):
                def done(conn, res, key=(c, i)):
                    try:
                        conn.call_finish(res)
                        results[key] = "answered"
                    except GLib.Error as e:
                        results[key] = f"{Gio.DBusError.get_remote_error(e)}: {e.message}"
                callers[c].call(BUS_NAME, PATH, IFACE, "Lookup", GLib.Variant("(s)", (lt.C4,)), None,
                                Gio.DBusCallFlags.NONE, 20000, None, done)

        callers = [self.bus] + [self.connect() for _ in range(4)]
        start = time.monotonic()
        issue(0, 5)     # the fifth of one caller is refused at once
        self.assertTrue(self.spin(10, lambda: (0, 4) in results), results)
        self.assertEqual(list(results), [(0, 4)], results)
        self.assertIn("LimitsExceeded: too many lookups in flight (4 of this caller, at most 4)",
                      results[(0, 4)])
        for c in (1, 2, 3):
            issue(c, 4)  # 16 in flight now
        self.spin(1, lambda: False)
        issue(4, 1)     # a newcomer is refused: sixteen in all
        self.assertTrue(self.spin(10, lambda: (4, 0) in results), results)
        self.assertIn("LimitsExceeded: too many lookups in flight (16 in all, at most 16)",
                      results[(4, 0)])
        self.assertEqual(len(results), 2, "a lookup ended early")
        # Meanwhile the daemon answers other calls at once.
        t0 = time.monotonic()
        self.map_cache()
        # (blocked, it would answer only when they end, LOOKUP_TIMEOUT s after they began)
        self.assertLess(time.monotonic() - t0, LOOKUP_TIMEOUT / 2,
                        "the daemon blocked while lookups were in flight")
        self.assertTrue(self.spin(LOOKUP_TIMEOUT + 5, lambda: len(results) == 18), results)
        timed_out = [k for k, v in results.items() if "Error.Timeout" in v]
        self.assertEqual(len(timed_out), 16, results)
        self.assertLess(time.monotonic() - start, LOOKUP_TIMEOUT + 6)
        # Once they are over, a caller may look up again.
        results.pop((4, 0))
        issue(4, 1)
        self.spin(0.5, lambda: (4, 0) in results)
        self.assertNotIn((4, 0), results, "refused although nothing was in flight")


class NoMapResolver(fixtures.BusTest):
    """The plain topology of test_dbus.py: static mappings, no map-resolver configured."""

    def test_no_map_resolver(self):
        try:
            self.bus.call_sync(BUS_NAME, PATH, IFACE, "Lookup", GLib.Variant("(s)", (lt.C4,)), None,
                               Gio.DBusCallFlags.NONE, 5000, None)
            self.fail("a lookup without a map-resolver was answered")
        except GLib.Error as e:
            self.assertEqual(Gio.DBusError.get_remote_error(e), "org.lispmn.MobileNode1.Error.NoMapResolver")
            self.assertIn("no map-resolver is configured", e.message)


class CannotSend(LookupTest):
    """No uplink to send from; the node stopped; the daemon gone."""

    def test_no_uplink(self):
        self.start_polkit()
        self.allow(["org.lispmn.MobileNode1.configure"])
        self.bus.call_sync(BUS_NAME, PATH, IFACE, "SetRlocs", GLib.Variant("(aa{sv})", ([],)), None,
                           Gio.DBusCallFlags.NONE, 5000, None)
        wait_for(lambda: self.get("State") == "no-uplink", 10, "State no-uplink")
        answer, error = self.lookup(lt.C4)
        self.assertIsNotNone(error, f"answered without an uplink: {answer}")
        self.assertEqual(self.error_name(error), "org.lispmn.MobileNode1.Error.NoUplink", error.message)
        self.assertIn("no usable RLOC", error.message)
        out = self.ctl("lig", lt.C4)
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertIn(f"lispmnctl: lig {lt.C4}: cannot look {lt.C4} up: no usable RLOC", out.stderr)

    def test_stopped_node(self):
        self.start_polkit()
        self.allow(["org.lispmn.MobileNode1.control"])
        self.assertEqual(self.server.stop(), 0)   # the lookup below stays in flight
        results = []

        def done(conn, res):
            try:
                conn.call_finish(res)
                results.append("answered")
            except GLib.Error as e:
                results.append((Gio.DBusError.get_remote_error(e), e.message, time.monotonic()))
        self.bus.call(BUS_NAME, PATH, IFACE, "Lookup", GLib.Variant("(s)", (lt.C4,)), None,
                      Gio.DBusCallFlags.NONE, 20000, None, done)
        self.spin(0.5, lambda: False)
        self.assertEqual(results, [])
        stopped_at = time.monotonic()
        self.bus.call_sync(BUS_NAME, PATH, IFACE, "Stop", None, None, Gio.DBusCallFlags.NONE, 5000, None)
        self.assertTrue(self.spin(5, lambda: results), "the lookup in flight got no answer")
        name, message, when = results[0]
        self.assertEqual(name, "org.lispmn.MobileNode1.Error.NotRunning", message)
        self.assertIn("the mobile node stopped", message)
        # At once, not when the lookup would have timed out (LOOKUP_TIMEOUT s after it began).
        self.assertLess(when - stopped_at, LOOKUP_TIMEOUT / 2, "answered at once when the node stopped")

        answer, error = self.lookup(lt.C4)
        self.assertEqual(self.error_name(error), "org.lispmn.MobileNode1.Error.NotRunning", f"{answer}")
        self.assertIn("the mobile node is stopped", error.message)
        out = self.ctl("lig", lt.C4)
        self.assertEqual(out.returncode, 1)
        self.assertIn("the mobile node is stopped", out.stderr)
        # A bad address is still a bad address.
        answer, error = self.lookup("nonsense")
        self.assertEqual(self.error_name(error), "org.freedesktop.DBus.Error.InvalidArgs")

        # The daemon gone altogether: one clear line.
        self.assertEqual(self.mn.stop(), 0)
        out = self.ctl("lig", lt.C4)
        self.assertEqual(out.returncode, 1)
        self.assertEqual(out.stderr.strip().count("\n"), 0, out.stderr)
        self.assertIn("lispmnd is not running", out.stderr)


COMPLETION = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data",
                          "lispmnctl.bash-completion")


class HelpAndCompletion(unittest.TestCase):
    """--help, the bash completion and the man page list the same commands, lig included."""

    def complete(self, *words):
        script = (f"source {COMPLETION}; COMP_WORDS=(lispmnctl {' '.join(words)}); "
                  f"COMP_CWORD={len(words)}; _lispmnctl; echo \"${{COMPREPLY[*]}}\"")
        return subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                              timeout=10).stdout.split()

    def test_commands_in_step(self):
        out = subprocess.run([LISPMNCTL, "--help"], capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 0)
        commands = re.findall(r"^  ([a-z-]+)(?: EID)?\s{2,}", out.stdout.split("Commands:")[1], re.M)
        self.assertIn("lig", commands)
        self.assertIn("lig EID", out.stdout)
        self.assertIn("3 when no map-resolver answered lig", out.stdout)
        self.assertEqual(sorted(self.complete("")), sorted(commands))
        self.assertEqual(self.complete("li"), ["lig"])
        self.assertEqual(self.complete("lig", ""), [])
        self.assertEqual(self.complete("--json", "lig", "192.0.2.1", ""), [])
        with open(os.path.join(os.path.dirname(COMPLETION), "lispmnctl.1")) as f:
            man = f.read()
        for command in commands:
            in_roff = re.escape(command).replace("\\-", r"\\-")   # map-cache: map\-cache
            self.assertRegex(man, r"\n\.BI? " + in_roff + r"\b", command)


if __name__ == "__main__":
    unittest.main(verbosity=2)
