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
    # the I bit: bit 6 of a Map-Register, bit 4 of a Map-Notify (RFC 9301 5.6, 5.7)
    i_bit = 0x08000000 if word0 >> 28 == 4 else 0x02000000
    m = {"type": word0 >> 28, "P": bool(word0 & 0x08000000), "I": bool(word0 & i_bit),
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


# ---- NAT traversal (draft-ietf-lisp-nat-traversal): Info, ECM flags, data header ----

def info_request(nonce, key, key_id, eid, mask):
    """An Info-Request (type 7, R=0) authenticated with HMAC-SHA-256 over the whole message,
    TTL 0, the EID-prefix, then AFI 0."""
    head = struct.pack("!IQBBH", 7 << 28, nonce, key_id, 2 if key else 0, 32 if key else 0)
    msg = bytearray(head + (bytes(32) if key else b"") + struct.pack("!IBB", 0, 0, mask)
                    + afi_addr(eid) + struct.pack("!H", 0))
    if key:
        msg[16:48] = hmac256(key, bytes(msg), 16, 32)
    return bytes(msg)


def decode_info(data, key=None):
    """An Info message as a dict; for a reply, the NAT-Traversal LCAF's fields; mac_ok when
    a key is given."""
    word0, nonce, key_id, alg, auth_len = struct.unpack_from("!IQBBH", data, 0)
    assert word0 >> 28 == 7, f"type {word0 >> 28}, not an Info message"
    off = 16 + auth_len
    ttl, _rsvd, mask = struct.unpack_from("!IBB", data, off)
    eid, off = read_afi(data, off + 6)
    m = {"R": bool(word0 & 0x08000000), "nonce": nonce, "key_id": key_id, "alg": alg,
         "ttl": ttl, "eid": f"{eid}/{mask}"}
    if key is not None:
        m["mac_ok"] = hmac.compare_digest(hmac256(key, data, 16, auth_len)[:auth_len],
                                          data[16:16 + auth_len])
    if m["R"]:
        afi, _r1, _flags, lcaf_type, _r2, length = struct.unpack_from("!HBBBBH", data, off)
        assert (afi, lcaf_type) == (16387, 7), "no NAT-Traversal LCAF"
        end = off + 8 + length
        m["ms_port"], m["etr_port"] = struct.unpack_from("!HH", data, off + 8)
        off += 12
        m["global_etr"], off = read_afi(data, off)
        m["ms_rloc"], off = read_afi(data, off)
        m["private_etr"], off = read_afi(data, off)
        m["rtrs"] = []
        while off < end:
            rtr, off = read_afi(data, off)
            m["rtrs"].append(rtr)
    return m


def map_register_xtr(key, key_id, eid, locators, nonce, xtr_id, site_id=0, notify=True,
                     proxy=True, ttl=3):
    """A Map-Register (HMAC-SHA-256) of one EID-prefix ("192.0.2.10/32") with locators
    [(address, priority, weight)], I=1 with the 16-byte xTR-ID and the site-ID."""
    addr, mask = eid.split("/")
    word0 = ((3 << 28) | (0x08000000 if proxy else 0) | 0x02000000
             | (0x100 if notify else 0) | 1)
    record = struct.pack("!IBBHH", ttl, len(locators), int(mask), 0x1000, 0) + afi_addr(addr)
    for rloc, prio, weight in locators:
        record += struct.pack("!BBBBH", prio, weight, 255, 0, 0x1) + afi_addr(rloc)
    msg = bytearray(struct.pack("!IQBBH", word0, nonce, key_id, 2, 32) + bytes(32) + record
                    + xtr_id + struct.pack("!Q", site_id))
    msg[16:48] = hmac256(key, bytes(msg), 16, 32)
    return bytes(msg)


def ip_udp(src, dst, sport, dport, payload):
    """An IPv4 or IPv6 header and a UDP header (checksum computed) around payload."""
    v6 = ":" in src
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    s, d = socket.inet_pton(fam, src), socket.inet_pton(fam, dst)
    length = 8 + len(payload)
    pseudo = s + d + (struct.pack("!IxxxB", length, 17) if v6
                      else struct.pack("!xBH", 17, length))
    udp = struct.pack("!HHHH", sport, dport, length, 0) + payload
    csum = checksum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", csum) + udp[8:]
    if v6:
        return struct.pack("!IHBB", 0x60000000, length, 17, 64) + s + d + udp
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + length, 0, 0, 64, 17, 0, s, d)
    return hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:] + udp


def ecm_flags(inner_src, inner_dst, message, r=False, n=False, sport=4342, dport=4342,
              security=b""):
    """An ECM with the NAT-traversal bits: R (to an RTR), N (relayed to a map-server) and,
    when security is given, S and that authentication block."""
    word0 = (8 << 28) | (0x08000000 if security else 0) | (0x02000000 if r else 0) \
        | (0x01000000 if n else 0)
    return struct.pack("!I", word0) + security + ip_udp(inner_src, inner_dst, sport, dport,
                                                        message)


def decode_ecm(data):
    """An ECM's bits, its MS-RTR block (ad_type, key_id, auth) when S is set, its inner
    addresses and ports and the inner message."""
    word0 = struct.unpack_from("!I", data, 0)[0]
    assert word0 >> 28 == 8, f"type {word0 >> 28}, not an ECM"
    m = {"S": bool(word0 & 0x08000000), "R": bool(word0 & 0x02000000),
         "N": bool(word0 & 0x01000000)}
    off = 4
    if m["S"]:
        ad_type, key_id, auth_len = struct.unpack_from("!B3xHH", data, off)
        m["ad_type"], m["ms_rtr_key_id"] = ad_type, key_id
        m["ms_rtr_auth_off"] = off + 8
        m["ms_rtr_auth"] = data[off + 8:off + 8 + auth_len]
        off += 8 + auth_len
    if data[off] >> 4 == 4:
        m["src"], m["dst"] = socket.inet_ntoa(data[off + 12:off + 16]), \
            socket.inet_ntoa(data[off + 16:off + 20])
        off += (data[off] & 0xF) * 4
    else:
        m["src"] = socket.inet_ntop(socket.AF_INET6, data[off + 8:off + 24])
        m["dst"] = socket.inet_ntop(socket.AF_INET6, data[off + 24:off + 40])
        off += 40
    m["sport"], m["dport"], length = struct.unpack_from("!HHH", data, off)
    m["inner"] = data[off + 8:off + length]
    return m


def data_header(iid=None, nonce=None):
    """The 8-byte LISP data header: I bit and IID when iid is given, N bit with a nonce."""
    flags = (0x80 if nonce is not None else 0) | (0x08 if iid is not None else 0)
    word0 = flags << 24 | (nonce or 0)
    word1 = (iid or 0) << 8
    return struct.pack("!II", word0, word1)


def decode_data_header(data):
    flags, = struct.unpack_from("!B", data, 0)
    word1, = struct.unpack_from("!I", data, 4)
    return {"I": bool(flags & 0x08), "N": bool(flags & 0x80), "iid": word1 >> 8 if flags & 0x08
            else None, "lsb": word1 & 0xFF}
