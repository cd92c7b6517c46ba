#!/usr/bin/python3
"""docs/guide-own-mobility.md, followed in network namespaces: the blocks the guide marks
with an HTML comment `<!-- test: NAME -->` on the line before their fence are what runs, so
that the guide and this test cannot drift apart.

    server (eth0 203.0.113.1/29) --- s0 .6  [inet]  n0 .14 --- wan 203.0.113.9/29 [nat] lan 198.51.100.1/24
                                            h0 .22                                           |
                                              |                            laptop wlan0 198.51.100.10/24
                                 host eth0 203.0.113.17/29 (no LISP)

inet is the Internet: it routes the EID prefix 192.0.2.0/28 to the server, as the guide asks
of the provider. nat masquerades with random ports (the tests' nftables NAT).

- server-sh: each command run in the server's namespace (the sysctl, the firewall);
- server-conf: the server's configuration file, written to the work directory;
- server-run: lispmn-server started in the server's namespace, its /etc/lispmn/ and /run/
  paths moved into the work directory;
- laptop-nm: the NetworkManager profile. Running NetworkManager in the laptop's namespace
  is too heavy for this test (tests/nm does that for the plugin), so its vpn.data and
  vpn.secrets are turned into the lispmnd.conf the plugin's Configure call amounts to (one
  uplink, wlan0, as the plugin's RLOC feeder would hand over); a key this test does not
  know fails the test, so the guide cannot name a key nobody checked;
- laptop-check: each lispmnctl command against the laptop's lispmnd (on a private bus);
- server-check: lispmn-server --show of the server's state file;
- host-check: the ping from a host without LISP, through the proxy, the RTR and the NAT.
Run as root: meson test -C build guide
"""
import json
import os
import re
import shlex
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import wait_for  # noqa: E402
import lisp_topology as lt  # noqa: E402
import fixtures  # noqa: E402
from fixtures import LISPMNCTL, LISPMND, SERVER  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GUIDE = os.path.join(HERE, "..", "..", "docs", "guide-own-mobility.md")
MARKED = re.compile(r"^<!-- test: ([a-z-]+) -->\n```[a-z]*\n(.*?)^```$", re.M | re.S)

SERVER_IP, LAPTOP_IP, HOST_IP = "203.0.113.1", "198.51.100.10", "203.0.113.17"
EID_PREFIX, EID = "192.0.2.0/28", "192.0.2.10"

# The vpn.data keys of the profile, and the lispmnd.conf [lispmnd] line each becomes.
VPN_DATA_TO_CONF = {
    "eid": lambda v: "eids=" + ";".join(f"{a}/{128 if ':' in a else 32}" for a in v.split()),
    "map-resolver": lambda v: f"map-resolvers={v}",
    "proxy-etr": lambda v: f"proxy-etrs={v} 1 100",
    "nat-traversal": lambda v: f"nat-traversal={v}",
    "nat-keepalive-interval": lambda v: f"nat-keepalive-interval={v}",
}


def guide_blocks():
    """{name: [block text, ...]} of the guide's marked blocks, in order."""
    with open(GUIDE) as f:
        text = f.read()
    blocks = {}
    for name, body in MARKED.findall(text):
        blocks.setdefault(name, []).append(body)
    return blocks


def commands(block):
    """The commands of a shell block: continued lines joined, each split as the shell would
    (quotes), a leading sudo dropped (the test runs as root)."""
    out = []
    for line in block.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] == "sudo":
            words = words[1:]
        if words:
            out.append(words)
    return out


def lispmnd_conf(nm_block):
    """The lispmnd.conf equivalent to the guide's nmcli profile."""
    add, up = commands(nm_block)
    assert add[:6] == ["nmcli", "connection", "add", "type", "vpn", "vpn-type"], add
    assert up[:3] == ["nmcli", "connection", "up"], up
    data = dict(item.strip().split("=", 1) for item in add[add.index("vpn.data") + 1].split(","))
    secrets = dict(item.strip().split("=", 1)
                   for item in add[add.index("vpn.secrets") + 1].split(","))
    lines = ["[lispmnd]", "mode=mobile-node", "manage-addresses=true"]
    map_server = data.pop("map-server")
    for key, value in data.items():
        if key not in VPN_DATA_TO_CONF:
            raise AssertionError(f"the guide's vpn.data has {key}=, which this test does not know")
        lines.append(VPN_DATA_TO_CONF[key](value))
    lines += ["", "[uplink wlan0]", "", f"[map-server {map_server}]",
              f"key={secrets['map-server-key']}", ""]
    return "\n".join(lines)


class Guide(fixtures.TestCase):
    PROGRAMS = (LISPMND, SERVER, LISPMNCTL)
    BUS = True

    def build_topology(self):
        t = self.t
        for ns in ("server", "inet", "nat", "laptop", "host"):
            t.add_ns(ns)
        for ns, ifname, peer, mine, gw in (("server", "eth0", "s0", SERVER_IP, "203.0.113.6"),
                                           ("nat", "wan", "n0", "203.0.113.9", "203.0.113.14"),
                                           ("host", "eth0", "h0", HOST_IP, "203.0.113.22")):
            t.link(ns, ifname, "inet", peer)
            t.addr(ns, ifname, f"{mine}/29")
            t.addr("inet", peer, f"{gw}/29")
            t.route(ns, "default", "via", gw, "dev", ifname)
        t.route("inet", EID_PREFIX, "via", SERVER_IP, "dev", "s0")
        t.link("laptop", "wlan0", "nat", "lan")
        t.addr("nat", "lan", "198.51.100.1/24")
        t.addr("laptop", "wlan0", f"{LAPTOP_IP}/24")
        # NetworkManager's metric for Wi-Fi: lispmnd's default route (metric 50) wins
        t.route("laptop", "default", "via", "198.51.100.1", "dev", "wlan0", "metric", "600")
        lt.masquerade(t, "nat", "wan")

    def paths(self, words):
        """A guide command with the server's installed paths moved into the work directory
        and the programs taken from the build."""
        programs = {"lispmn-server": SERVER, "lispmnctl": LISPMNCTL}
        moved = {"/etc/lispmn/": self.dir + "/", "/run/": self.dir + "/"}
        out = [programs.get(words[0], words[0])]
        for w in words[1:]:
            for old, new in moved.items():
                w = w.replace(old, new)
            out.append(w)
        # The replay state in the work directory, not the system's default place.
        if words[0] == "lispmn-server" and "--config" in words:
            out += ["--replay-state", os.path.join(self.dir, "lispmn-server.replay")]
        return out

    def start_server(self, blocks):
        (conf,) = blocks["server-conf"]
        lt.write_private(os.path.join(self.dir, "lispmn-server.conf"), conf)
        for block in blocks["server-sh"]:
            for words in commands(block):
                self.t.run("server", words)
        (run,) = [commands(b) for b in blocks["server-run"]]
        self.assertEqual(len(run), 1, run)
        self.server = self.t.popen("server", self.paths(run[0]), os.path.join(self.dir, "server.log"))
        self.server_state = os.path.join(self.dir, "lispmn-server.json")
        wait_for(lambda: os.path.exists(self.server_state) or not self.server.running(), 5,
                 "lispmn-server's state file")
        self.assertTrue(self.server.running(), self.server.log())

    def start_laptop(self, blocks):
        (nm,) = blocks["laptop-nm"]
        self.laptop = lt.Daemon(self.t, "laptop", lispmnd_conf(nm), self.dir, env=self.env)
        self.laptop.wait_ready()

    def wlan0(self):
        return [r for r in self.laptop.state().get("rlocs", []) if r.get("address") == LAPTOP_IP]

    def test_guide(self):
        blocks = guide_blocks()
        self.assertEqual(sorted(blocks), ["host-check", "laptop-check", "laptop-nm", "server-check",
                                          "server-conf", "server-run", "server-sh"])
        self.start_server(blocks)
        self.start_laptop(blocks)
        wait_for(lambda: [r.get("rtr-registration") for r in self.wlan0()] == ["registered"], 20,
                 "the laptop registered through the RTR")

        # laptop-check: what the guide says the user sees
        for words in commands(blocks["laptop-check"][0]):
            bus = f"DBUS_SYSTEM_BUS_ADDRESS={self.env['DBUS_SYSTEM_BUS_ADDRESS']}"
            r = self.t.run("laptop", ["env", bus] + self.paths(words), check=False)
            self.assertEqual(r.returncode, 0, f"{words}: {r.stdout}{r.stderr}")
            if words[-1] == "--json":
                status = json.loads(r.stdout)
                self.assertEqual(status["state"], "registered")
                (rloc,) = [x for x in status["rlocs"] if x["address"] == LAPTOP_IP]
                self.assertEqual((rloc["nat"], rloc["public-address"], rloc["rtr"]),
                                 ("behind-nat", "203.0.113.9", SERVER_IP))

        # server-check: the EID registered with the RTR as its locator
        (show,) = commands(blocks["server-check"][0])
        state = lt.fresh_state(self.server, self.server_state, "lispmn-server")
        r = self.t.run("server", self.paths(show))
        self.assertIn(f"{EID}/32", r.stdout)
        regs = {x["eid"]: [loc["address"] for loc in x["locators"]]
                for x in state.get("registrations", [])}
        self.assertEqual(regs.get(f"{EID}/32"), [SERVER_IP])
        self.assertEqual([n["private-rloc"] for n in state["rtr"]["nodes"]], [LAPTOP_IP])

        # host-check: a host without LISP reaches the laptop's EID
        (ping,) = commands(blocks["host-check"][0])
        r = self.t.run("host", ping, check=False, timeout=30)
        self.assertEqual(r.returncode, 0, f"{ping}: {r.stdout}{r.stderr}\n{self.server.log()}")
        # ... and both ways through the RTR: to the laptop from its port 4342, back to its 4341
        rtr = lt.fresh_state(self.server, self.server_state, "lispmn-server")["rtr"]["counters"]
        self.assertGreaterEqual(rtr["tx-data-to-node"], 3, rtr)
        self.assertGreaterEqual(rtr["rx-data-from-node"], 3, rtr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
