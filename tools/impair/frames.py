#!/usr/bin/env python3
"""Numbered test frames through impair: send on one interface, receive on
another, print what arrived (used by tests/e2e/net_impair.sh).

    frames.py SEND_IF RECV_IF COUNT [GAP_US]
prints one line: the sequence numbers received, in arrival order, comma
separated, then a line "first_delay_ms D" (arrival - send of the first)."""
import socket
import struct
import sys
import time

ETH_TYPE = 0x88B5  # IEEE local experimental: nothing else uses it
DST = bytes.fromhex("020000000002")
SRC = bytes.fromhex("020000000001")


def main():
    send_if, recv_if, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    gap = int(sys.argv[4]) / 1e6 if len(sys.argv) > 4 else 0.0001
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_TYPE))
    rx.bind((recv_if, ETH_TYPE))
    rx.setblocking(False)
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_TYPE))
    tx.bind((send_if, ETH_TYPE))
    got, first_delay = [], None
    t0 = None

    def drain():
        nonlocal first_delay
        while True:
            try:
                f = rx.recv(2048)
            except BlockingIOError:
                return
            if len(f) < 18 or struct.unpack("!H", f[12:14])[0] != ETH_TYPE:
                continue
            seq = struct.unpack("!I", f[14:18])[0]
            if first_delay is None and seq == 0:
                first_delay = (time.monotonic() - t0) * 1000
            got.append(seq)

    for i in range(count):
        frame = DST + SRC + struct.pack("!HI", ETH_TYPE, i) + bytes(42)
        if i == 0:
            t0 = time.monotonic()
        tx.send(frame)
        drain()
        if gap:
            time.sleep(gap)
    # Until nothing has come for 300 ms (bounded: 10 s).
    last, end = time.monotonic(), time.monotonic() + 10
    while time.monotonic() - last < 0.3 and time.monotonic() < end:
        n = len(got)
        drain()
        if len(got) != n:
            last = time.monotonic()
        time.sleep(0.005)
    print(",".join(map(str, got)))
    print("first_delay_ms %.1f" % (first_delay if first_delay is not None else -1))


main()
