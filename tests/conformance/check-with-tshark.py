#!/usr/bin/python3
"""Conformance of lispmn's encoders, judged by an independent decoder.

    check-with-tshark.py EMITTER WORKDIR

Runs EMITTER (tests/conformance/emit-messages) to write a pcap of messages built by the
protocol library and a JSON file of what each frame must contain, decodes the pcap with
tshark (-T json), and checks that:
  * every expected tshark field has exactly the expected values, in order;
  * tshark reports no malformed packet and no expert error or warning about LISP;
  * every MAC recomputed here with Python's hmac module (not the library) matches.
Prints one line per check and closes with "N passed, N failed"; exits 1 on any failure.
"""
import hashlib
import hmac
import json
import os
import shutil
import struct
import subprocess
import sys

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok - {what}")
    else:
        failed += 1
        print(f"FAIL - {what}")


def udp_payloads(path):
    """The UDP payload of each frame of an Ethernet pcap, read with struct alone."""
    data = open(path, "rb").read()
    magic = struct.unpack_from("<I", data)[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off, out = 24, []
    while off + 16 <= len(data):
        incl = struct.unpack_from(endian + "I", data, off + 8)[0]
        frame = data[off + 16: off + 16 + incl]
        off += 16 + incl
        ethertype = struct.unpack_from("!H", frame, 12)[0]
        ip = frame[14:]
        if ethertype == 0x0800:
            udp = ip[(ip[0] & 0x0F) * 4:]
        else:
            udp = ip[40:]
        length = struct.unpack_from("!H", udp, 4)[0]
        out.append(udp[8:length])
    return out


def flatten(node, fields):
    """Collects every field of a tshark JSON layer tree, in document order."""
    for key, value in node.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                flatten(item, fields)
            else:
                fields.setdefault(key, []).append(item)
    return fields


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    emitter, workdir = sys.argv[1], sys.argv[2]
    tshark = shutil.which("tshark")
    if tshark is None:
        print("FAIL - tshark is not installed (tools/install-deps.sh installs it)")
        print("0 passed, 1 failed")
        return 1
    os.makedirs(workdir, exist_ok=True)
    pcap = os.path.join(workdir, "conformance.pcap")
    expected_path = os.path.join(workdir, "conformance.json")
    subprocess.run([emitter, pcap, expected_path], check=True)
    expected = json.load(open(expected_path))["frames"]

    result = subprocess.run([tshark, "-r", pcap, "-T", "json", "--no-duplicate-keys"],
                            capture_output=True, text=True, check=True)
    packets = json.loads(result.stdout)
    check(len(packets) == len(expected), f"tshark sees {len(packets)} frames, {len(expected)} written")
    payloads = udp_payloads(pcap)

    for number, (packet, want) in enumerate(zip(packets, expected), start=1):
        name = f"frame {number} ({want['what']})"
        layers = packet["_source"]["layers"]
        fields = flatten(layers, {})
        check("_ws.malformed" not in fields and "_ws.malformed" not in layers,
              f"{name}: tshark reports no malformed packet")
        severities = fields.get("_ws.expert.severity", [])
        messages = fields.get("_ws.expert.message", [])
        # 8388608 = error, 6291456 = warning in Wireshark's expert severities.
        bad = [m for s, m in zip(severities, messages) if int(s) >= 6291456]
        check(not bad, f"{name}: no expert error or warning {bad if bad else ''}")
        for field, values in want["fields"].items():
            got = fields.get(field)
            check(got == values, f"{name}: {field} = {values}" + ("" if got == values else f", tshark says {got}"))
        mac = want.get("hmac")
        if mac:
            msg = bytearray(payloads[number - 1])
            offset, length = mac["offset"], mac["length"]
            on_wire = bytes(msg[offset:offset + length])
            msg[offset:offset + length] = bytes(length)
            digest = hmac.new(mac["key"].encode(), bytes(msg),
                              hashlib.sha1 if mac["algorithm"] == "sha1" else hashlib.sha256).digest()
            check(on_wire == digest[:length],
                  f"{name}: {mac['algorithm']} MAC recomputed with Python's hmac matches")
            if "lisp.auth" in fields:  # tshark 4.0 does not decode Map-Notify-Ack at all
                auth = fields["lisp.auth"][0]
                check(auth == ":".join(f"{b:02x}" for b in on_wire),
                      f"{name}: tshark shows the same MAC bytes")

    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
