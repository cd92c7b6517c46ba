#!/usr/bin/python3
"""One TCP transfer with a checksum, run inside a namespace by the tests.

    tcp_transfer.py serve   --bind ADDR --port P --role recv|send [--bytes N] [--rate B/s]
    tcp_transfer.py connect --to ADDR --port P --source ADDR --role send|recv [--bytes N] [--rate B/s]

The server accepts one connection. The side with role `send` sends N random bytes (paced to
--rate bytes/s if given, so that a transfer lasts long enough to survive an event in the
middle) and closes; the `recv` side reads to EOF. Each side prints one JSON line:
{"role": ..., "bytes": ..., "sha256": ..., "peer": ..., "seconds": ...}; the test compares
the two checksums. The server prints "ready" (flushed) once it listens.
Every socket operation has a timeout, so a broken path ends the transfer with an error.
"""
import argparse
import hashlib
import json
import random
import socket
import sys
import time

CHUNK = 16384


def send_all(sock, size, rate):
    data = random.randbytes(size)
    start = time.monotonic()
    for off in range(0, size, CHUNK):
        if rate:
            # pace: do not get ahead of rate bytes/s
            ahead = off / rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)
        sock.sendall(data[off:off + CHUNK])
    sock.shutdown(socket.SHUT_WR)
    # wait for the peer's close, so that "done" means the data arrived
    while sock.recv(CHUNK):
        pass
    return size, hashlib.sha256(data).hexdigest()


def recv_all(sock):
    h = hashlib.sha256()
    n = 0
    while True:
        b = sock.recv(65536)
        if not b:
            break
        h.update(b)
        n += len(b)
    return n, h.hexdigest()


def transfer(sock, args, peer):
    start = time.monotonic()
    if args.role == "send":
        n, digest = send_all(sock, args.bytes, args.rate)
    else:
        n, digest = recv_all(sock)
        sock.close()
    print(json.dumps({"role": args.role, "bytes": n, "sha256": digest, "peer": peer,
                      "seconds": round(time.monotonic() - start, 3)}), flush=True)


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["serve", "connect"])
    ap.add_argument("--bind")
    ap.add_argument("--to")
    ap.add_argument("--source")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--role", choices=["send", "recv"], required=True)
    ap.add_argument("--bytes", type=int, default=4 << 20)
    ap.add_argument("--rate", type=float, default=0)
    ap.add_argument("--timeout", type=float, default=30)
    args = ap.parse_args()

    if args.mode == "serve":
        srv = socket.socket(family_of(args.bind), socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind((args.bind, args.port))
        srv.listen(1)
        srv.settimeout(args.timeout)
        print("ready", flush=True)
        sock, peer = srv.accept()
        srv.close()
    else:
        sock = socket.socket(family_of(args.to), socket.SOCK_STREAM)
        sock.settimeout(args.timeout)
        if args.source:
            sock.bind((args.source, 0))
        sock.connect((args.to, args.port))
        peer = sock.getpeername()
    sock.settimeout(args.timeout)
    transfer(sock, args, peer[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
