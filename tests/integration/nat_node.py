#!/usr/bin/python3
"""A stand-in for a mobile node behind a NAT, for test_rtr.py, written from the
NAT-traversal draft independently of lispmnd: it registers through an RTR (an ECM'd
Map-Register with the R bit, sent from its data port 4341) and prints what came back on that
port (the Data-Map-Notify) as JSON.

  nat_node.py register MS RTR KEY KEY_ID EID/LEN XTR_ID_HEX [--nonce N] [--timeout S]
  nat_node.py serve MS RTR KEY KEY_ID EID/LEN XTR_ID_HEX --ping HOST --seconds S
      registers, pings HOST from its EID through the RTR, prints the outcome as a JSON line
      (flushed), then answers pings to its EID through the RTR for S seconds
  nat_node.py forge-data RTR EID HOST        (a data packet from EID, not from its node)
  nat_node.py encap-ping RTR SRC DST         (a correspondent ITR's echo request, SRC to DST)
  nat_node.py flood RTR MS COUNT SOURCE...   (forged ECM'd Map-Registers, random xTR-IDs)
  nat_node.py forge-notify RTR MS KEY_ID     (an ECM'd Map-Notify with a wrong MS-RTR MAC)
"""
import argparse
import json
import os
import socket
import struct
import sys
import time

import lisp_codec as lc


def local_address(towards):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((towards, 4342))
    return s.getsockname()[0]


def decode_data_map_notify(data, key):
    h = lc.decode_data_header(data)
    ip = data[8:]
    out = {"header": h, "inner_src": socket.inet_ntoa(ip[12:16]),
           "inner_dst": socket.inet_ntoa(ip[16:20])}
    udp = ip[(ip[0] & 0xF) * 4:]
    out["sport"], out["dport"], length, csum = struct.unpack_from("!HHHH", udp, 0)
    pseudo = ip[12:20] + struct.pack("!xBH", 17, length)
    out["udp_checksum_ok"] = csum != 0 and lc.checksum(pseudo + udp[:length]) == 0
    notify = udp[8:length]
    m = lc.decode_map_register(notify)
    out["notify"] = {"type": m["type"], "nonce": m["nonce"], "I": m["I"],
                     "xtr_id": m.get("xtr_id", b"").hex(),
                     "mac_ok": lc.hmac256(key, notify, 16, len(m["auth"])) == m["auth"],
                     "eids": [r["eid"] for r in m["records"]]}
    return out


def register(a):
    private = local_address(a.rtr)
    nonce = a.nonce or int(time.time() * 1e6)
    xtr_id = bytes.fromhex(a.xtr_id)
    reg = lc.map_register_xtr(a.key, int(a.key_id), a.eid, [(a.rtr, 1, 100)], nonce, xtr_id)
    ecm = lc.ecm_flags(private, a.ms, reg, r=True)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((private, 4341))
    s.sendto(ecm, (a.rtr, 4342))
    s.settimeout(a.timeout)
    result = {"private": private, "nonce": nonce, "reply": None}
    try:
        data, peer = s.recvfrom(65535)
        result["from"] = list(peer)
        result["reply"] = decode_data_map_notify(data, a.key)
    except socket.timeout:
        pass
    json.dump(result, sys.stdout)


def icmp_echo(src, dst, ident, seq, reply=False):
    """An IPv4 ICMP echo request (or reply)."""
    payload = b"lispmn-rtr-test"
    icmp = struct.pack("!BBHHH", 0 if reply else 8, 0, 0, ident, seq) + payload
    icmp = icmp[:2] + struct.pack("!H", lc.checksum(icmp)) + icmp[4:]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 0, 0, 64, 1, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    return hdr[:10] + struct.pack("!H", lc.checksum(hdr)) + hdr[12:] + icmp


def parse_icmp(packet):
    """(src, dst, type, id, seq) of an IPv4 ICMP echo, or None."""
    if len(packet) < 28 or packet[0] >> 4 != 4 or packet[9] != 1:
        return None
    ihl = (packet[0] & 0xF) * 4
    kind, _code, _sum, ident, seq = struct.unpack_from("!BBHHH", packet, ihl)
    return (socket.inet_ntoa(packet[12:16]), socket.inet_ntoa(packet[16:20]), kind, ident, seq)


def serve(a):
    private = local_address(a.rtr)
    eid = a.eid.split("/")[0]
    nonce = int(time.time() * 1e6)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((private, 4341))
    reg = lc.map_register_xtr(a.key, int(a.key_id), a.eid, [(a.rtr, 1, 100)], nonce,
                              bytes.fromhex(a.xtr_id))
    result = {"registered": False, "ping": None, "answered": 0}
    deadline = time.monotonic() + 10
    s.sendto(lc.ecm_flags(private, a.ms, reg, r=True), (a.rtr, 4342))
    s.settimeout(1)
    while time.monotonic() < deadline and not result["registered"]:
        try:
            data, _ = s.recvfrom(65535)
        except socket.timeout:
            continue
        h = lc.decode_data_header(data)
        result["registered"] = h["I"] and h["iid"] == 0xFFFFFF
    # one ping from our EID to HOST through the RTR, from our data port
    sent = time.monotonic()
    if result["registered"]:
        for seq in range(1, 6):
            s.sendto(lc.data_header() + icmp_echo(eid, a.ping, 4341, seq), (a.rtr, 4341))
            try:
                data, peer = s.recvfrom(65535)
            except socket.timeout:
                continue
            echo = parse_icmp(data[8:])
            if echo and echo[2] == 0 and echo[3] == 4341:
                result["ping"] = {"from": list(peer), "src": echo[0], "dst": echo[1],
                                  "header": lc.decode_data_header(data),
                                  "rtt": time.monotonic() - sent}
                break
    print(json.dumps(result), flush=True)
    # answer pings to our EID
    end = time.monotonic() + a.seconds
    while time.monotonic() < end:
        try:
            data, peer = s.recvfrom(65535)
        except socket.timeout:
            continue
        echo = parse_icmp(data[8:])
        if echo and echo[2] == 8 and echo[1] == eid:
            payload = data[8:]
            ihl = (payload[0] & 0xF) * 4
            body = bytearray(payload[ihl:])
            body[0] = 0
            body[2:4] = b"\0\0"
            body[2:4] = struct.pack("!H", lc.checksum(bytes(body)))
            hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 0, 0, 64, 1, 0,
                              socket.inet_aton(eid), socket.inet_aton(echo[0]))
            hdr = hdr[:10] + struct.pack("!H", lc.checksum(hdr)) + hdr[12:]
            s.sendto(lc.data_header() + hdr + bytes(body), (a.rtr, 4341))
            result["answered"] += 1
            print(json.dumps({"answered": result["answered"], "from": list(peer)}), flush=True)


def encap_ping(a):
    """An echo request from SRC to DST, encapsulated to the RTR as a correspondent's ITR
    does when the mapping of DST names the RTR."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(lc.data_header() + icmp_echo(a.src, a.dst, 9, 1), (a.rtr, 4341))
    json.dump({"sent": 1}, sys.stdout)


def forge_data(a):
    """A data packet whose inner source is a node's EID, sent from an address that is not
    the node's translated one."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(lc.data_header() + icmp_echo(a.eid, a.host, 7, 1), (a.rtr, 4341))
    json.dump({"sent": 1}, sys.stdout)


def flood(a):
    """COUNT forged registrations spread over the SOURCE addresses, each with a random xTR-ID
    and a key nobody has."""
    socks = []
    for src in a.sources:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((src, 0))
        socks.append((s, src))
    sent = 0
    for i in range(a.count):
        s, src = socks[i % len(socks)]
        reg = lc.map_register_xtr("forged", 1, "192.0.2.77/32", [(a.rtr, 1, 100)],
                                  int.from_bytes(os.urandom(8), "big"), os.urandom(16))
        s.sendto(lc.ecm_flags(src, a.ms, reg, r=True), (a.rtr, 4342))
        sent += 1
    json.dump({"sent": sent}, sys.stdout)


def forge_notify(a):
    """A Map-Notify for a made-up xTR-ID in an ECM with the R bit and an MS-RTR block whose
    MAC is made of zeros, sent from the map-server's own address."""
    reg = lc.map_register_xtr("forged", 1, "192.0.2.10/32", [(a.rtr, 1, 100)], 1, bytes(16))
    notify = lc.map_notify_from(reg, "forged")
    block = struct.pack("!B3xHH", 2, int(a.key_id), 32) + bytes(32)
    ecm = lc.ecm_flags(a.ms, "198.51.100.10", notify, r=True, security=block)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a.ms, 0))
    s.sendto(ecm, (a.rtr, 4342))
    json.dump({"sent": 1}, sys.stdout)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="what", required=True)
    r = sub.add_parser("register")
    for arg in ("ms", "rtr", "key", "key_id", "eid", "xtr_id"):
        r.add_argument(arg)
    r.add_argument("--nonce", type=int, default=0)
    r.add_argument("--timeout", type=float, default=3.0)
    f = sub.add_parser("flood")
    f.add_argument("rtr")
    f.add_argument("ms")
    f.add_argument("count", type=int)
    f.add_argument("sources", nargs="+")
    v = sub.add_parser("serve")
    for arg in ("ms", "rtr", "key", "key_id", "eid", "xtr_id"):
        v.add_argument(arg)
    v.add_argument("--ping", required=True)
    v.add_argument("--seconds", type=float, default=30)
    d = sub.add_parser("forge-data")
    for arg in ("rtr", "eid", "host"):
        d.add_argument(arg)
    e = sub.add_parser("encap-ping")
    for arg in ("rtr", "src", "dst"):
        e.add_argument(arg)
    n = sub.add_parser("forge-notify")
    n.add_argument("rtr")
    n.add_argument("ms")
    n.add_argument("key_id")
    a = p.parse_args()
    {"register": register, "flood": flood, "forge-notify": forge_notify, "serve": serve,
     "forge-data": forge_data, "encap-ping": encap_ping}[a.what](a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
