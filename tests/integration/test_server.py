#!/usr/bin/python3
"""lispmn-server in a network namespace, spoken to by lisp_client.py (an independent Python
encoder) from another one: a Map-Register is acknowledged with an authenticated Map-Notify,
a wrong key gets no answer, Map-Requests get proxy and negative replies, garbage does not
stop it, and the state file and --show tell what happened. Run as root:
meson test -C build --suite integration
"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402
from fixtures import SERVER  # noqa: E402

CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lisp_client.py")
MS4, MN4 = "203.0.113.1", "203.0.113.2"
MS6, MN6 = "2001:db8:ffff::1", "2001:db8:ffff::2"
KEY = "integration-key"

CONFIG = f"""[lispmn-server]
listen={MS4};{MS6}

[site ana]
eid-prefixes=192.0.2.0/24
key={KEY}
key-id=0
accept-more-specifics=true
"""


class Server(fixtures.TestCase):
    """lispmn-server alone in "ms", the client in "mn", one link between them."""
    PROGRAMS = (SERVER,)

    def build_topology(self):
        self.t.add_ns("ms")
        self.t.add_ns("mn")
        self.t.link("ms", "eth0", "mn", "eth0")
        self.t.addr("ms", "eth0", f"{MS4}/24")
        self.t.addr("mn", "eth0", f"{MN4}/24")
        self.t.addr("ms", "eth0", f"{MS6}/64")
        self.t.addr("mn", "eth0", f"{MN6}/64")

    def setUp(self):
        super().setUp()
        self.server = lt.MapServer(self.t, "ms", CONFIG, self.dir)
        self.proc, self.state_file = self.server.proc, self.server.state_file

    def client(self, *args):
        r = self.t.run("mn", ["/usr/bin/python3", CLIENT] + list(args))
        return json.loads(r.stdout)

    def state(self):
        """A state file the server wrote after this call (SIGUSR1)."""
        return self.server.state()

    def test_register_and_resolve(self):
        r = self.client("register", MS4, "4342", KEY, "0", "192.0.2.10/32", MN4, "--notify",
                        "--proxy")
        self.assertIsNotNone(r["reply"], "no Map-Notify")
        self.assertEqual(r["reply"]["type"], 4)
        self.assertEqual(r["reply"]["nonce"], r["sent_nonce"])
        self.assertTrue(r["reply"]["mac_ok"])
        regs = self.state()["registrations"]
        self.assertEqual([g["eid"] for g in regs], ["192.0.2.10/32"])
        self.assertEqual(regs[0]["locators"][0]["address"], MN4)

        # proxy reply, over IPv6 to the server; the reply goes to the IPv4 ITR-RLOC
        r = self.client("request", MS6, "4342", "192.0.2.10", MN4)
        self.assertEqual(r["reply"]["type"], 2)
        self.assertEqual(r["reply"]["nonce"], r["sent_nonce"])
        self.assertEqual(r["reply"]["locators"], 1)
        # unregistered inside the site: negative, 1 minute, natively-forward
        r = self.client("request", MS4, "4342", "192.0.2.99", MN4)
        self.assertEqual((r["reply"]["locators"], r["reply"]["ttl"], r["reply"]["action"],
                          r["reply"]["mask"]), (0, 1, 1, 32))
        # outside every site: negative, 15 minutes, the largest prefix clear of the site
        r = self.client("request", MS4, "4342", "192.0.3.1", MN4)
        self.assertEqual((r["reply"]["locators"], r["reply"]["ttl"], r["reply"]["mask"]),
                         (0, 15, 24))

        out = self.t._host([SERVER, "--show", self.state_file]).stdout
        self.assertIn("192.0.2.10/32", out)
        self.assertIn("tx-map-notify", out)

    def test_refused_and_garbage(self):
        # A wrong key: nothing registered; the only answer is an unauthenticated Map-Notify
        # with the nonce, so that the xTR can say "wrong key" rather than "no answer".
        r = self.client("register", MS4, "4342", "wrong-key", "0", "192.0.2.10/32", MN4,
                        "--notify", "--timeout", "1")
        self.assertEqual(r["reply"]["type"], 4, f"{r}")
        r = self.client("register", MS6, "4342", KEY, "0", "198.51.100.0/24", MN4,
                        "--notify", "--timeout", "1")
        self.assertIsNone(r["reply"])
        for hexdata in ("", "30", "80000000", "3" + "0" * 79, "ff" * 300):
            r = self.client("raw", MS4, "4342", hexdata, "--timeout", "0.2")
            self.assertIsNone(r["reply"])
        self.assertTrue(self.proc.running())
        # each state() asks for a new file; wait for the counters of the garbage
        wait_for(lambda: self.state()["counters"]["drop-malformed"] >= 2, 5, "counters")
        c = self.state()["counters"]
        self.assertEqual(c["drop-bad-mac"], 1)
        self.assertEqual(c["tx-auth-failed-map-notify"], 1)
        self.assertEqual(c["drop-eid-not-allowed"], 1)
        self.assertEqual(self.state()["registrations"], [])
        with open(self.state_file) as f:
            self.assertNotIn(KEY, f.read())
        self.assertNotIn(KEY, self.proc.log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
