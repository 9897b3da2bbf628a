#!/usr/bin/env python3
"""A small HTTP/1.1 server for tests/e2e/http_client.sh.

  http_origin.py ADDR PORT FILE

GET /file    FILE with Content-Length
GET /chunked FILE in chunks of 10000 bytes
GET /small   "hello\\n"
GET /close   "bye\\n", then the connection closes
POST /echo   the request body (chunked or by length) sent back in chunks

Keeps connections open (HTTP/1.1), closes one idle for 2 s. Logs "conn"
for each connection and "req METHOD PATH LEN" for each request on stderr,
unbuffered, so that a test can count them.
"""
import socket
import socketserver
import sys
from http.server import BaseHTTPRequestHandler


def log(s):
    print(s, file=sys.stderr, flush=True)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 2

    def setup(self):
        super().setup()
        log("conn")

    def log_message(self, fmt, *args):
        pass

    def body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.read(2)
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def send_chunked(self, data, piece):
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for i in range(0, len(data), piece):
            part = data[i:i + piece]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
        self.wfile.write(b"0\r\n\r\n")

    def send_whole(self, data):
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        log("req GET %s 0" % self.path)
        self.send_response(200)
        if self.path == "/file":
            self.send_whole(FILE)
        elif self.path == "/chunked":
            self.send_chunked(FILE, 10000)
        elif self.path == "/close":
            self.send_header("Connection", "close")
            self.close_connection = True
            self.send_whole(b"bye\n")
        else:
            self.send_whole(b"hello\n")

    def do_POST(self):
        data = self.body()
        log("req POST %s %d" % (self.path, len(data)))
        self.send_response(200)
        self.send_chunked(data, 4096)


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True


if __name__ == "__main__":
    with open(sys.argv[3], "rb") as f:
        FILE = f.read()
    srv = Server((sys.argv[1], int(sys.argv[2])), Handler)
    srv.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    log("listening")
    srv.serve_forever()
