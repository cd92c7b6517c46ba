"""Capturing the control traffic (UDP 4342) of a test with tshark, and judging every LISP
message in it with tshark's dissector, an independent decoder:

    cap = Capture(t, ns, ["r1", "r3"], path, log)   # starts tshark in namespace ns
    ...                                             # the scenario
    msgs = cap.stop_and_decode()                    # [LispMessage], asserts nothing yet
    problems = decode_problems(msgs)                # [] when every message decodes cleanly

tshark 4.0 does not know Map-Notify-Ack (type 5): for those the fields the tests need are
read here with struct (and the MAC recomputed with Python's hmac when a key is given).
"""
import hashlib
import hmac
import json
import os
import signal
import struct
import subprocess

from netns import wait_for

# _ws.expert.severity values of Wireshark (epan/proto.h): warning and error.
EXPERT_WARNING, EXPERT_ERROR = 6291456, 8388608


class LispMessage:
    """One UDP 4342 datagram of the capture: tshark's fields, flattened (the first value of
    each name, and all of them in `all`), and its payload."""

    def __init__(self, frame, layers, payload):
        self.frame = frame
        self.layers = layers
        self.payload = payload
        self.all = {}
        for key, value in _leaves(layers.get("lisp", {})):
            self.all.setdefault(key, []).append(value)
        self.fields = {k: v[0] for k, v in self.all.items()}
        self.type = int(self.fields.get("lisp.type", "-1"))
        # The outer header (an ECM has a second one inside).
        ip = _first(layers.get("ip")) or _first(layers.get("ipv6")) or {}
        self.src = ip.get("ip.src") or ip.get("ipv6.src")
        self.dst = ip.get("ip.dst") or ip.get("ipv6.dst")

    def nonce(self):
        """The nonce as an int (tshark's for every type it knows, ours for type 5)."""
        if "lisp.nonce" in self.fields:
            return int(self.fields["lisp.nonce"], 16)
        return struct.unpack_from("!Q", self.payload, 4)[0]

    def __repr__(self):
        return f"frame {self.frame} type {self.type} {self.src} -> {self.dst}"


def _first(layer):
    return layer[0] if isinstance(layer, list) else layer


def _leaves(obj, key=None):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, (dict, list)):
                yield from _leaves(v, k)
            else:
                yield k, v
    elif isinstance(obj, list):
        for v in obj:
            if isinstance(v, (dict, list)):
                yield from _leaves(v, key)
            else:
                yield key, v


def _experts(obj):
    """Every _ws.expert object in tshark's JSON tree of a frame."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "_ws.expert":
                for e in v if isinstance(v, list) else [v]:
                    yield e
            else:
                yield from _experts(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _experts(v)


class Capture:
    def __init__(self, t, ns, interfaces, path, log):
        self.t, self.path = t, path
        if os.path.exists(path):
            os.unlink(path)
        # The filter before the interfaces: it is then the default of every one of them.
        cmd = ["tshark", "-n", "-q", "-f", "udp port 4342"]
        for i in interfaces:
            cmd += ["-i", i]
        cmd += ["-w", path]
        self.proc = t.popen(ns, cmd, log)
        wait_for(lambda: "Capturing on" in self.proc.log() or not self.proc.running(), 15,
                 f"tshark to capture on {interfaces}")
        if not self.proc.running():
            raise RuntimeError(f"tshark did not start:\n{self.proc.log()}")

    def stop(self):
        if self.proc.running():
            os.kill(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.stop()

    def stop_and_decode(self):
        self.stop()
        return decode(self.path)


def decode(path):
    """The UDP 4342 datagrams of a capture file, decoded by tshark."""
    r = subprocess.run(["tshark", "-n", "-r", path, "-T", "json", "--no-duplicate-keys"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
    # A file still being written may end in the middle of a packet: tshark says so and
    # exits non-zero, after decoding what precedes.
    if r.returncode != 0 and not r.stdout.strip():
        raise RuntimeError(f"tshark -r {path}: {r.stderr}")
    frames = json.loads(r.stdout) if r.stdout.strip() else []
    f = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.number",
                        "-e", "udp.payload"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=120)
    payloads = {}
    for line in f.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and parts[1]:
            payloads[parts[0]] = bytes.fromhex(parts[1].split(",")[0].replace(":", ""))
    out = []
    for frame in frames:
        layers = frame["_source"]["layers"]
        number = layers.get("frame", {}).get("frame.number")
        out.append(LispMessage(number, layers, payloads.get(number, b"")))
    return out


def decode_problems(msgs):
    """What is wrong with the decode of each message: no LISP layer, malformed, an expert
    warning or error (tshark's words), or for a Map-Notify-Ack (unknown to tshark) a layout
    that does not add up. Empty when all is well."""
    problems = []
    for m in msgs:
        text = json.dumps(m.layers)
        if "lisp" not in m.layers:
            problems.append(f"{m}: no LISP layer")
        if "_ws.malformed" in text:
            problems.append(f"{m}: malformed: {text[:1500]}")
        for e in _experts(m.layers):
            severity = int(e.get("_ws.expert.severity", "0"))
            if severity >= EXPERT_WARNING:
                problems.append(f"{m}: expert {e.get('_ws.expert.message')}")
        if m.type == 5:
            reason = check_notify_ack(m.payload)
            if reason:
                problems.append(f"{m}: Map-Notify-Ack: {reason}")
    return problems


def check_notify_ack(data, key=None):
    """None when data is a well-formed Map-Notify-Ack (type 5, its records fill the message
    exactly, the MAC verifies with key when given), else the reason."""
    try:
        word0, _nonce, _key_id, alg, auth_len = struct.unpack_from("!IQBBH", data, 0)
        if word0 >> 28 != 5:
            return f"type {word0 >> 28}"
        off = 16 + auth_len
        for _ in range(word0 & 0xFF):
            _ttl, nloc, _mask, _flags, _ver, afi = struct.unpack_from("!IBBHHH", data, off)
            off += 12 + {1: 4, 2: 16}[afi]
            for _ in range(nloc):
                afi = struct.unpack_from("!H", data, off + 6)[0]
                off += 8 + {1: 4, 2: 16}[afi]
        if word0 & 0x08000000:   # I bit: xTR-ID and site-ID
            off += 24
        if off != len(data):
            return f"{len(data) - off} bytes left over after the records"
        if key is not None:
            digest = hashlib.sha256 if alg == 2 else hashlib.sha1
            zeroed = data[:16] + bytes(auth_len) + data[16 + auth_len:]
            mac = hmac.new(key.encode(), zeroed, digest).digest()
            if not hmac.compare_digest(mac[:auth_len], data[16:16 + auth_len]):
                return "MAC does not verify"
    except (struct.error, KeyError) as e:
        return f"truncated or unknown AFI ({e})"
    return None
