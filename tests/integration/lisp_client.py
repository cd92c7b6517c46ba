#!/usr/bin/python3
"""A minimal LISP control-plane client for the integration tests, written from RFC 9301 §5
independently of the C library: builds a Map-Register (HMAC-SHA-256) or an ECM'd
Map-Request, sends it from the namespace it runs in, and prints the reply as JSON.

  lisp_client.py register SERVER PORT KEY KEY_ID EID/LEN RLOC [--notify] [--proxy]
  lisp_client.py request SERVER PORT EID ITR_RLOC
  lisp_client.py info SERVER PORT KEY KEY_ID EID/LEN [--sport PORT]
  lisp_client.py raw SERVER PORT HEX
"""
import argparse
import hashlib
import hmac
import ipaddress
import json
import os
import socket
import struct
import sys

from lisp_codec import afi_addr, decode_info, ecm, info_request, map_request


def map_register(key, key_id, eid, rloc, nonce, notify, proxy):
    net = ipaddress.ip_network(eid)
    word0 = (3 << 28) | (1 if notify else 0) << 8 | (1 if proxy else 0) << 27 | 1
    locator = struct.pack("!BBBBH", 1, 100, 255, 0, 0x4 | 0x1) + afi_addr(rloc)
    record = (struct.pack("!IBBHH", 10, 1, net.prefixlen, 0x1000, 0)
              + afi_addr(str(net.network_address)) + locator)
    head = struct.pack("!IQBBH", word0, nonce, key_id, 2, 32)
    msg = bytearray(head + bytes(32) + record)
    msg[16:48] = hmac.new(key.encode(), bytes(msg), hashlib.sha256).digest()
    return bytes(msg)


def ecm_request(eid, itr, nonce, sport):
    """An ECM'd Map-Request for eid (IPv4) from itr, as an ITR sends it to a map-resolver."""
    return ecm(itr, eid, sport, map_request(nonce, eid, 32, itr))


def decode(data, key):
    """The fields the tests check, of a Map-Notify, a Map-Reply or an Info-Reply."""
    out = {"type": data[0] >> 4, "nonce": struct.unpack("!Q", data[4:12])[0]}
    if out["type"] == 7:
        out.update(decode_info(data, key))
    elif out["type"] == 4:
        auth_len = struct.unpack("!H", data[14:16])[0]
        zeroed = data[:16] + bytes(auth_len) + data[16 + auth_len:]
        mac = hmac.new(key.encode(), zeroed, hashlib.sha256).digest()[:auth_len]
        out["mac_ok"] = hmac.compare_digest(mac, data[16:16 + auth_len])
    elif out["type"] == 2:
        ttl, locs, mask, flags = struct.unpack("!IBBH", data[12:20])
        out.update(ttl=ttl, locators=locs, mask=mask, action=flags >> 13)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["register", "request", "info", "raw"])
    p.add_argument("server")
    p.add_argument("port", type=int)
    p.add_argument("args", nargs="*")
    p.add_argument("--notify", action="store_true")
    p.add_argument("--proxy", action="store_true")
    p.add_argument("--timeout", type=float, default=2.0)
    p.add_argument("--sport", type=int, default=0)
    a = p.parse_args()
    nonce = int.from_bytes(os.urandom(8), "big")
    family = socket.AF_INET6 if ":" in a.server else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind(("", a.sport))
    key = ""
    if a.what == "register":
        key, key_id, eid, rloc = a.args
        msg = map_register(key, int(key_id), eid, rloc, nonce, a.notify, a.proxy)
    elif a.what == "info":
        key, key_id, eid = a.args
        addr, mask = eid.split("/")
        msg = info_request(nonce, key, int(key_id), addr, int(mask))
    elif a.what == "request":
        eid, itr = a.args
        msg = ecm_request(eid, itr, nonce, s.getsockname()[1])
    else:
        msg = bytes.fromhex(a.args[0])
    s.sendto(msg, (a.server, a.port))
    s.settimeout(a.timeout)
    result = {"sent_nonce": nonce, "reply": None, "sport": s.getsockname()[1]}
    try:
        data, _ = s.recvfrom(65535)
        result["reply"] = decode(data, key)
    except socket.timeout:
        pass
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
