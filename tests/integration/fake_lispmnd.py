#!/usr/bin/python3
"""NOT lispmnd: a slow Python stand-in of lispmnd's specified command line, TUN, static-mapping
data plane, state file and drop counters, to check the integration tests themselves before
the daemon exists (LISPMND=tests/integration/fake_lispmnd.py). It polls `ip` for uplink
changes every 100 ms, sends from the first up uplink only and knows no control plane.
"""
import argparse
import configparser
import fcntl
import ipaddress
import json
import os
import random
import select
import signal
import socket
import struct
import subprocess
import sys
import time

DROPS = ["malformed-outer", "not-our-rloc", "wrong-instance-id", "malformed-inner",
         "not-our-eid", "not-from-our-eid", "no-mapping", "queue-full", "negative-mapping",
         "no-remote-rloc", "no-local-rloc", "too-big", "send-failed", "tun-write-failed"]


def ip(*args, check=True):
    return subprocess.run(["ip"] + list(args), check=check, capture_output=True, text=True).stdout


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, 0x400454CA, struct.pack("16sH", name.encode(), 0x0001 | 0x1000))  # TUN, NO_PI
    return fd


class Node:
    def __init__(self, args):
        cfg = configparser.ConfigParser(inline_comment_prefixes=("#",), delimiters=("=",))
        cfg.optionxform = str
        cfg.read(args.config)
        main = cfg["lispmnd"]
        self.mode = main.get("mode", "mobile-node")
        self.eids = [ipaddress.ip_network(e) for e in main["eids"].split(";") if e]
        self.iid = int(main.get("instance-id", "0"))
        self.tun = main.get("tun", "lispmn0")
        self.state_file = args.state_file
        self.uplinks = {s.split()[1]: int(cfg[s].get("priority", "1"))
                        for s in cfg.sections() if s.startswith("uplink ")}
        self.mappings = []
        for s in cfg.sections():
            if s.startswith("mapping "):
                locs = [l.split() for l in cfg[s]["locators"].split(";") if l.strip()]
                self.mappings.append((ipaddress.ip_network(s.split()[1]),
                                      [(ipaddress.ip_address(a), int(p)) for a, p, *_ in locs]))
        self.counters = {"tx-packets": 0, "tx-bytes": 0, "rx-packets": 0, "rx-bytes": 0,
                         "drops": {d: 0 for d in DROPS}}
        self.fd = open_tun(self.tun)
        ip("link", "set", self.tun, "mtu", "1444", "up")
        metric = main.get("route-metric", "50")
        if self.mode == "mobile-node":
            for e in self.eids:
                ip("addr", "add", str(e), "dev", self.tun)
            for e in self.eids:
                default = "0.0.0.0/0" if e.version == 4 else "::/0"
                ip(f"-{e.version}", "route", "add", default, "dev", self.tun, "metric", metric,
                   "src", str(e.network_address))
        else:
            for net, _ in self.mappings:
                ip(f"-{net.version}", "route", "add", str(net), "dev", self.tun, "metric", metric)
        self.socks = {}   # (iface, family) -> socket
        for up in self.uplinks:
            for fam, any_addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
                s = socket.socket(fam, socket.SOCK_DGRAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, up.encode())
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if fam == socket.AF_INET6:
                    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                s.bind((any_addr, 4341))
                s.setblocking(False)
                self.socks[(up, 4 if fam == socket.AF_INET else 6)] = s
        self.rlocs = []
        self.dump = False

    def poll_rlocs(self):
        rlocs = []
        for up, prio in self.uplinks.items():
            info = json.loads(ip("-j", "addr", "show", "dev", up, check=False) or "[]")
            for link in info:
                lower_up = "LOWER_UP" in link.get("flags", [])
                for a in link.get("addr_info", []):
                    if a.get("scope") == "global":
                        rlocs.append({"interface": up, "address": a["local"], "priority": prio,
                                      "weight": 50, "state": "up" if lower_up else "down"})
        if rlocs != self.rlocs:
            self.rlocs = rlocs
            self.write_state()

    def write_state(self):
        if not self.state_file:
            return
        state = {"mode": self.mode, "eids": [str(e) for e in self.eids], "tun": self.tun,
                 "mtu": 1444, "rlocs": self.rlocs, "map-cache": [], "counters": self.counters}
        with open(self.state_file + ".tmp", "w") as f:
            json.dump(state, f)
        os.rename(self.state_file + ".tmp", self.state_file)

    def encapsulate(self, pkt):
        version = pkt[0] >> 4
        dst = ipaddress.ip_address(pkt[16:20] if version == 4 else pkt[24:40])
        matches = [m for m in self.mappings if dst in m[0]]
        if not matches:
            self.counters["drops"]["no-mapping"] += 1
            return
        up_rlocs = sorted((r["priority"], r["interface"], 4 if "." in r["address"] else 6)
                          for r in self.rlocs if r["state"] == "up")
        for loc, _ in sorted(matches[0][1], key=lambda l: l[1]):
            for _, iface, fam in up_rlocs:
                if fam == loc.version:
                    hdr = struct.pack("!II", 0x80000000 | random.getrandbits(24), 0)
                    try:
                        self.socks[(iface, fam)].sendto(hdr + pkt, (str(loc), 4341))
                        self.counters["tx-packets"] += 1
                        self.counters["tx-bytes"] += len(pkt)
                    except OSError:
                        self.counters["drops"]["send-failed"] += 1
                    return
        self.counters["drops"]["no-local-rloc"] += 1

    def decapsulate(self, data):
        drops = self.counters["drops"]
        if len(data) < 8 or (data[0] & 0x20 and not data[0] & 0x80) or (data[0] & 0x90 == 0x90):
            drops["malformed-outer"] += 1
            return
        if data[0] & 0x08 and struct.unpack("!I", data[4:8])[0] >> 8 != self.iid:
            drops["wrong-instance-id"] += 1
            return
        pkt = data[8:]
        version = pkt[0] >> 4 if pkt else 0
        if version == 4 and len(pkt) >= 20 and struct.unpack("!H", pkt[2:4])[0] <= len(pkt):
            dst = ipaddress.ip_address(pkt[16:20])
        elif version == 6 and len(pkt) >= 40 and 40 + struct.unpack("!H", pkt[4:6])[0] <= len(pkt):
            dst = ipaddress.ip_address(pkt[24:40])
        else:
            drops["malformed-inner"] += 1
            return
        if not any(dst in e for e in self.eids):
            drops["not-our-eid"] += 1
            return
        os.write(self.fd, pkt)
        self.counters["rx-packets"] += 1
        self.counters["rx-bytes"] += len(pkt)

    def run(self):
        stop = []
        signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
        signal.signal(signal.SIGINT, lambda *a: stop.append(1))
        signal.signal(signal.SIGUSR1, lambda *a: setattr(self, "dump", True))
        self.poll_rlocs()
        self.write_state()
        next_poll = time.monotonic() + 0.1
        while not stop:
            try:
                readable, _, _ = select.select([self.fd] + list(self.socks.values()), [], [], 0.1)
            except InterruptedError:
                readable = []
            for r in readable:
                if r == self.fd:
                    self.encapsulate(os.read(self.fd, 65535))
                else:
                    try:
                        self.decapsulate(r.recv(65535))
                    except BlockingIOError:
                        pass
            if time.monotonic() >= next_poll:
                self.poll_rlocs()
                next_poll = time.monotonic() + 0.1
            if self.dump:
                self.dump = False
                self.write_state()
        os.close(self.fd)  # the TUN goes, with its addresses and routes
        return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--state-file")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--debug", action="store_true")
    return Node(ap.parse_args()).run()


if __name__ == "__main__":
    sys.exit(main())
