#!/usr/bin/env python3
"""Raw-socket clients of tests/e2e/http_server.sh.

  hostile HOST PORT HEADER_TIMEOUT_S   malformed and hostile requests: each
                                       gets its status, then a close
  idle HOST PORT N READY GO            N connections left idle: READY is
                                       written once they are open; when GO
                                       appears, prints how many are still
                                       open and exits
"""
import os
import socket
import sys
import time


def talk(host, port, data, timeout=5.0):
    """Send (data), read until the server closes. (bytes, closed)."""
    s = socket.create_connection((host, port), timeout=timeout)
    out = b""
    try:
        s.sendall(data)
        while True:
            b = s.recv(65536)
            if not b:
                return out, True
            out += b
    except socket.timeout:
        return out, False
    except (ConnectionResetError, BrokenPipeError):
        return out, True
    finally:
        s.close()


def status_of(out):
    if not out.startswith(b"HTTP/1.1 "):
        return None
    return int(out[9:12])


def responses(out):
    return out.count(b"HTTP/1.1 ")


H = b"Host: t\r\n"
CASES = [
    # Request smuggling: both framings, lengths that disagree; the GET
    # after them must not be answered.
    ("cl_and_te", b"POST /echo HTTP/1.1\r\n" + H +
     b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"0\r\n\r\nGET / HTTP/1.1\r\n" + H + b"\r\n", 400),
    ("duplicate_content_length", b"POST /echo HTTP/1.1\r\n" + H +
     b"Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcde", 400),
    ("content_length_list", b"POST /echo HTTP/1.1\r\n" + H +
     b"Content-Length: 5, 5\r\n\r\nabcde", 400),
    ("bad_chunk_size", b"POST /echo HTTP/1.1\r\n" + H +
     b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400),
    ("chunk_size_overflow", b"POST /echo HTTP/1.1\r\n" + H +
     b"Transfer-Encoding: chunked\r\n\r\n10000000000000000\r\n", 400),
    ("chunk_without_crlf", b"POST /echo HTTP/1.1\r\n" + H +
     b"Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n", 400),
    ("obs_fold", b"GET / HTTP/1.1\r\n" + H + b"X-A: a\r\n  b\r\n\r\n", 400),
    ("space_before_colon", b"GET / HTTP/1.1\r\n" + H + b"X-A : a\r\n\r\n",
     400),
    ("bare_lf", b"GET / HTTP/1.1\n" + H + b"\r\n", 400),
    ("no_host", b"GET / HTTP/1.1\r\n\r\n", 400),
    ("oversized_header", b"GET / HTTP/1.1\r\n" + H + b"X-Big: " +
     b"a" * 20000 + b"\r\n\r\n", 431),
    ("too_many_fields", b"GET / HTTP/1.1\r\n" + H +
     b"".join(b"X-%d: v\r\n" % i for i in range(150)) + b"\r\n", 431),
    ("long_request_line", b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n" + H +
     b"\r\n", 414),
    ("body_over_limit", b"POST /echo HTTP/1.1\r\n" + H +
     b"Content-Length: 999999999999\r\n\r\n", 413),
    ("unknown_expectation", b"GET / HTTP/1.1\r\n" + H +
     b"Expect: tea\r\n\r\n", 417),
    ("unknown_coding", b"POST /echo HTTP/1.1\r\n" + H +
     b"Transfer-Encoding: gzip, chunked\r\n\r\n", 501),
    ("http2_version", b"GET / HTTP/2.0\r\n\r\n", 505),
]


def hostile(host, port, header_timeout):
    bad = 0

    def check(name, ok, why):
        nonlocal bad
        print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + why))
        bad += 0 if ok else 1

    for name, data, want in CASES:
        out, closed = talk(host, port, data)
        st = status_of(out)
        check(name, st == want and closed and responses(out) == 1,
              "status %s (want %d), closed %s, %d responses: %r" %
              (st, want, closed, responses(out), out[:120]))

    # HEAD then GET on one connection: the HEAD response has the length
    # and no body, so the GET's response follows its head directly.
    out, closed = talk(host, port, b"HEAD / HTTP/1.1\r\n" + H + b"\r\n"
                       b"GET / HTTP/1.1\r\n" + H +
                       b"Connection: close\r\n\r\n")
    head, _, rest = out.partition(b"\r\n\r\n")
    check("head_then_get", closed and b"Content-Length: 19" in head and
          rest.startswith(b"HTTP/1.1 200") and responses(out) == 2,
          repr(out[:300]))

    # Three pipelined requests in one segment, answered in order.
    out, closed = talk(host, port,
                       b"GET / HTTP/1.1\r\n" + H + b"\r\n"
                       b"POST /echo HTTP/1.1\r\n" + H +
                       b"Content-Length: 3\r\n\r\nabc"
                       b"GET /lines?n=2 HTTP/1.1\r\n" + H +
                       b"Connection: close\r\n\r\n")
    check("pipelined_three", closed and responses(out) == 3 and
          out.index(b"hello") < out.index(b"abc") < out.index(b"line 2"),
          repr(out[:400]))

    # Slowloris: one byte a second never completes a head; the server
    # answers 408 and closes at the header timeout.
    s = socket.create_connection((host, port), timeout=1.0)
    t0 = time.monotonic()
    out = b""
    closed = False
    data = b"GET / HTTP/1.1\r\n" + H + b"X-Slow: " + b"a" * 100
    for i in range(len(data)):
        try:
            s.send(data[i:i + 1])
            b = s.recv(4096)
            out += b
            if not b:
                closed = True
                break
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            closed = True
            break
        if time.monotonic() - t0 > header_timeout + 5:
            break
    took = time.monotonic() - t0
    s.close()
    check("slowloris", closed and status_of(out) == 408 and
          took < header_timeout + 2.5,
          "closed %s after %.1f s, %r" % (closed, took, out[:80]))

    # A connection that sends nothing is closed silently.
    s = socket.create_connection((host, port), timeout=header_timeout + 3)
    t0 = time.monotonic()
    try:
        got = s.recv(100)
    except socket.timeout:
        got = None
    took = time.monotonic() - t0
    s.close()
    check("silent_idle", got == b"" and took < header_timeout + 2.5,
          "got %r after %.1f s" % (got, took))
    return 1 if bad else 0


def idle(host, port, n, ready, go):
    socks = []
    for _ in range(n):
        s = socket.create_connection((host, port), timeout=5)
        socks.append(s)
    open(ready, "w").close()
    t0 = time.monotonic()
    while not os.path.exists(go) and time.monotonic() - t0 < 60:
        time.sleep(0.05)
    still = 0
    for s in socks:
        s.setblocking(False)
        try:
            still += 1 if s.recv(1) else 0
        except BlockingIOError:
            still += 1
        except OSError:
            pass
    print("open %d" % still)
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "hostile":
        sys.exit(hostile(sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))
    sys.exit(idle(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                  sys.argv[5], sys.argv[6]))
