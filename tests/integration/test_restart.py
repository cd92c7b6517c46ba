#!/usr/bin/python3
"""What the daemons keep and refuse across a restart of lispmn-server, and the files they
refuse to start with (issue 15), with the real daemons in network namespaces (picture in
lisp_topology.py; lispmn-server in R, the mobile node's lispmnd in MN):

  readable_config:   a lispmn-server.conf or lispmnd.conf holding keys that group or others
                     can read, or that another user owns, is refused at start with the command
                     that fixes it (chmod 600 FILE, chown); at mode 600 both start;
  restart_replay:    MN registers, moves away from up1 and back (its Map-Register without up1
                     recorded from the wire), and lispmn-server is restarted while R keeps MN's own refreshes away: the old,
                     authentic Map-Register sent again is refused by the new server (its replay
                     state came through the restart, --replay-state), no registration appears;
                     meanwhile a Map-Request for MN's EID (registered before the restart, not
                     yet again) gets a negative reply with TTL 0, not longer than the time left
                     until its registration must have refreshed (one for an address of a site
                     nobody had registered keeps its minute); once MN's refreshes pass again
                     it is registered with its current locators.
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
from fixtures import MS, SERVER, SERVER_CONF, map_server_states, mn_conf  # noqa: E402
from lisp_capture import Capture  # noqa: E402

CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lisp_client.py")
UP1_4, UP2_4 = lt.MN_UPLINKS["up1"][4][0], lt.MN_UPLINKS["up2"][4][0]
X4 = lt.X_UPLINK[4][0]
# Seconds a registration lives after its last refresh (LMN_MS_DEFAULT_TIMEOUT): after a start,
# the time within which every earlier registration must have come back.
REGISTRATION_LIFETIME = 180
NOBODY = 65534


class ReadableConfig(fixtures.TestCase):
    PROGRAMS = (fixtures.LISPMND, SERVER)

    def start_refused(self, argv, path):
        """Runs a daemon that must refuse its configuration at once; its message."""
        r = self.t.run(lt.R, argv, check=False, timeout=20)
        self.assertNotEqual(r.returncode, 0, f"{argv} started with {path}")
        return r.stderr.strip()

    def check_file(self, name, text, argv):
        path = os.path.join(self.dir, name)
        lt.write_private(path, text)
        os.chmod(path, 0o644)
        message = self.start_refused(argv + ["--config", path], path)
        self.assertIn(f"{path}: holds keys but its mode 0644 lets everyone at it: "
                      f"run `chmod 600 {path}`", message)
        os.chmod(path, 0o640)
        message = self.start_refused(argv + ["--config", path], path)
        self.assertIn(f"mode 0640 lets its group at it: run `chmod 600 {path}`", message)
        # Private, but another user's: that user could rewrite the keys a root daemon uses.
        os.chmod(path, 0o600)
        os.chown(path, NOBODY, NOBODY)
        message = self.start_refused(argv + ["--config", path], path)
        self.assertIn(f"belongs to user {NOBODY}, not to root or to the user this daemon runs "
                      f"as: run `chown root {path}`", message)
        os.chown(path, 0, 0)
        return path

    def test_readable_config(self):
        path = self.check_file("lispmn-server.conf", SERVER_CONF, [SERVER])
        # Mode 600, root's: lispmn-server starts.
        server = lt.MapServer(self.t, lt.R, SERVER_CONF, self.dir)
        self.assertEqual(oct(os.stat(server.conf).st_mode & 0o777), "0o600")
        self.assertEqual(server.stop(), 0)
        self.check_file("lispmnd.conf", mn_conf(), [fixtures.LISPMND])
        self.assertTrue(os.path.exists(path))


class Restart(fixtures.TestCase):
    PROGRAMS = (fixtures.LISPMND, SERVER)

    def setUp(self):
        super().setUp()
        self.server = lt.MapServer(self.t, lt.R, SERVER_CONF, self.dir)

    def counters(self):
        return self.server.state()["counters"]

    def registered_locators(self, eid=f"{lt.EID4}/32"):
        for r in self.server.state()["registrations"]:
            if r["eid"] == eid:
                return sorted(l["address"] for l in r["locators"])
        return None

    def nft(self, command):
        self.t.run(lt.R, ["nft"] + command.split())

    def request(self, eid):
        """An ECM'd Map-Request for eid from X's address, as a peer's ITR sends it; the reply."""
        r = self.t.run(lt.X, [lt.PYTHON, CLIENT, "request", MS, "4342", eid, X4])
        return json.loads(r.stdout)["reply"]

    def test_restart_replay(self):
        side = Capture(self.t, lt.R, ["r1", "r2"], os.path.join(self.dir, "recorded.pcapng"),
                       os.path.join(self.dir, "tshark-recorded.log"))
        self.addCleanup(side.stop)
        mn = lt.Daemon(self.t, lt.MN, mn_conf(), self.dir)
        mn.wait_ready()
        wait_for(lambda: map_server_states(mn) == ["registered"], 10, "MN registered")
        both = self.registered_locators()
        # MN moves: up1's address goes (MN registers without it; the capture, long started by
        # now, records that), then comes back (MN registers with both again).
        self.t.del_addr(lt.MN, "up1", f"{UP1_4}/29")
        wait_for(lambda: UP1_4 not in (self.registered_locators() or [UP1_4]), 10,
                 "the registration without up1")
        self.t.addr(lt.MN, "up1", f"{UP1_4}/29")
        wait_for(lambda: self.registered_locators() == both, 10, "the registration with up1 again")
        msgs = side.stop_and_decode()
        old = [m for m in msgs if m.type == 3 and m.src == UP2_4 and m.dst == MS]
        self.assertTrue(old, "MN's Map-Register without up1 recorded")
        first_register = old[0]

        # R keeps MN's own Map-Registers away from the server from now on (dropped on arrival),
        # so that what the restarted server holds comes only from what this test sends.
        self.nft("add table inet lmntest")
        self.nft("add chain inet lmntest in { type filter hook input priority 0 ; }")
        self.nft(f"add rule inet lmntest in ip saddr {{ {UP1_4}, {UP2_4} }} udp dport 4342 "
                 "counter drop")
        self.assertEqual(self.server.stop(), 0)
        with open(self.server.replay_state) as f:
            replay_state = f.read()
        self.assertTrue(replay_state.startswith("lispmn-server replay state 1\n"), replay_state)
        self.assertIn(" 1 mobile\n", replay_state)   # MN's xTR-ID, its nonces counting up
        self.assertIn(f"eid {lt.EID4}/32 ", replay_state)
        started = time.monotonic()
        self.server.start("server-restarted.log")
        self.assertEqual(self.registered_locators(), None, "nothing registered after the restart")

        # The Map-Register from before the move, sent again (from R): authentic, but old.
        lt.send_control(self.t, lt.R, lt.MN_UPLINKS["up2"][4][1], MS, first_register.payload)
        wait_for(lambda: self.counters()["drop-replayed-map-register"] == 1, 10,
                 "the replayed Map-Register dropped")
        c = self.counters()
        self.assertEqual((c["registrations-new"], c["tx-map-notify"]), (0, 0), c)
        self.assertEqual(self.registered_locators(), None, "the old locators were not installed")

        # A peer asks for MN's EID: registered before the restart, not again yet. The answer
        # is negative and must not outlive the time left until MN has to refresh.
        reply = self.request(lt.EID4)
        elapsed = time.monotonic() - started
        self.assertIsNotNone(reply, "no answer to the Map-Request")
        self.assertEqual((reply["type"], reply["locators"]), (2, 0), reply)
        self.assertLessEqual(reply["ttl"] * 60, REGISTRATION_LIFETIME - elapsed, reply)
        self.assertEqual(reply["ttl"], 0, reply)
        # C's address: inside the office site, which nothing registered before the restart
        # either: the usual minute.
        other = self.request(lt.C4)
        self.assertEqual((other["type"], other["locators"], other["ttl"]), (2, 0, 1), other)

        # MN's refreshes pass again: at its next one (within a minute) it is registered with
        # the locators it has now, and the replayed message still counts as the only replay.
        self.nft("delete table inet lmntest")
        wait_for(lambda: self.registered_locators() == both, 75,
                 "MN's next refresh registered with the restarted server", interval=1)
        self.assertEqual(self.counters()["drop-replayed-map-register"], 1)
        print(f"restart: the replay refused, negative TTL {reply['ttl']} min "
              f"{elapsed:.1f} s after the start")


if __name__ == "__main__":
    unittest.main(verbosity=2)
