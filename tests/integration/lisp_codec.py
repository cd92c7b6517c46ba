"""A tiny LISP control-plane codec for the tests, written from RFC 9301 independently of the
daemon's (daemon/lisp): builds Map-Requests, Map-Replies, Map-Notifies and ECMs, and decodes
Map-Replies and Map-Registers into dicts. Used by the tests, by lisp_client.py and by the
stand-ins they run in a namespace (with tests/integration on sys.path)."""
import hashlib
import hmac
import socket
import struct


def afi_addr(text):
    if ":" in text:
        return struct.pack("!H", 2) + socket.inet_pton(socket.AF_INET6, text)
    return struct.pack("!H", 1) + socket.inet_aton(text)


def read_afi(data, off):
    afi = struct.unpack_from("!H", data, off)[0]
    off += 2
    if afi == 0:
        return None, off
    if afi == 1:
        return socket.inet_ntoa(data[off:off + 4]), off + 4
    if afi == 2:
        return socket.inet_ntop(socket.AF_INET6, data[off:off + 16]), off + 16
    raise ValueError(f"AFI {afi} not handled by the test decoder")


def map_request(nonce, eid, mask, itr_rloc, probe=False, smr=False, source_eid=None):
    word0 = (1 << 28) | (0x02000000 if probe else 0) | (0x01000000 if smr else 0) | 1
    body = struct.pack("!IQ", word0, nonce)
    body += afi_addr(source_eid) if source_eid else struct.pack("!H", 0)
    body += afi_addr(itr_rloc)
    body += struct.pack("!BB", 0, mask) + afi_addr(eid)
    return body


def decode_records(data, off, count):
    records = []
    for _ in range(count):
        ttl, nloc, mask, act_a, _ver = struct.unpack_from("!IBBHH", data, off)
        off += 10
        eid, off = read_afi(data, off)
        locs = []
        for _ in range(nloc):
            prio, weight, _mp, _mw, flags = struct.unpack_from("!BBBBH", data, off)
            addr, off = read_afi(data, off + 6)
            locs.append({"addr": addr, "priority": prio, "weight": weight,
                         "L": bool(flags & 4), "p": bool(flags & 2), "R": bool(flags & 1)})
        records.append({"ttl": ttl, "eid": f"{eid}/{mask}", "action": act_a >> 13,
                         "A": bool(act_a & 0x1000), "locators": locs})
    return records, off


def decode_map_reply(data):
    word0, nonce = struct.unpack_from("!IQ", data, 0)
    assert word0 >> 28 == 2, f"type {word0 >> 28}, not a Map-Reply"
    records, _ = decode_records(data, 12, word0 & 0xFF)
    return {"P": bool(word0 & 0x08000000), "nonce": nonce, "records": records}


def decode_map_register(data):
    word0, nonce, key_id, alg, auth_len = struct.unpack_from("!IQBBH", data, 0)
    auth_off = 16
    records, off = decode_records(data, auth_off + auth_len, word0 & 0xFF)
    m = {"type": word0 >> 28, "P": bool(word0 & 0x08000000), "I": bool(word0 & 0x02000000),
         "M": bool(word0 & 0x100), "nonce": nonce, "key_id": key_id, "alg": alg,
         "auth": data[auth_off:auth_off + auth_len], "auth_off": auth_off, "records": records}
    if m["I"]:
        m["xtr_id"], m["site_id"] = data[off:off + 16], struct.unpack_from("!Q", data, off + 16)[0]
    return m


def hmac256(key, data, auth_off, auth_len):
    zeroed = data[:auth_off] + bytes(auth_len) + data[auth_off + auth_len:]
    return hmac.new(key.encode(), zeroed, hashlib.sha256).digest()


def map_notify_from(register, key):
    """The Map-Notify a map-server sends for a Map-Register: same nonce and records, type 4,
    the register's P/M flags cleared, I kept, MAC recomputed."""
    data = bytearray(register)
    word0 = struct.unpack_from("!I", data, 0)[0]
    word0 = (4 << 28) | (0x08000000 if word0 & 0x02000000 else 0) | (word0 & 0xFF)
    struct.pack_into("!I", data, 0, word0)
    auth_len = struct.unpack_from("!H", data, 14)[0]
    mac = hmac256(key, bytes(data), 16, auth_len)
    data[16:16 + auth_len] = mac
    return bytes(data)


def checksum(data):
    """The Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ecm(inner_src, inner_dst, sport, message):
    """An Encapsulated Control Message (as a map-server forwards a Map-Request); UDP
    checksum 0."""
    udp = struct.pack("!HHHH", sport, 4342, 8 + len(message), 0) + message
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                      socket.inet_aton(inner_src), socket.inet_aton(inner_dst))
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return struct.pack("!I", 8 << 28) + hdr + udp


def map_reply(nonce, eid, mask, locators, ttl=5):
    body = struct.pack("!IQ", (2 << 28) | 1, nonce)
    body += struct.pack("!IBBHH", ttl, len(locators), mask, 0, 0) + afi_addr(eid)
    for addr, prio, weight in locators:
        body += struct.pack("!BBBBH", prio, weight, 255, 0, 1) + afi_addr(addr)
    return body
