#!/usr/bin/env bash
# The socket stack end to end: examples/net/echo and net/fetch as unix
# images on the host's sockets, with clients and servers on loopback in a
# network namespace of their own: nc TCP and UDP echo, 200 concurrent
# connections, 100 MB each way with SHA-256, fetch against a host server.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../netlib.sh"

BUILD=$E2E_TMP/build

# build NAME EXAMPLE FLAGS: examples/net/EXAMPLE configured with FLAGS in
# $BUILD/NAME; prints the image path.
build() {
	local dir=$BUILD/$1
	mkdir -p "$dir"
	cp -R "$ROOT/examples/net/$2/." "$dir/" && rm -rf "$dir/_build" "$dir/dist"
	(cd "$dir" && "$MORGANA" configure -t unix $3 && "$MORGANA" build) \
		>"$dir.log" 2>&1 || return 1
}

# Built once for every test; a failed build fails the tests that need it.
build echo echo "" && ECHO=$BUILD/echo/dist/echo.unix
build echo_san echo --sanitize && ECHO_SAN=$BUILD/echo_san/dist/echo.unix
build fetch fetch "" && FETCH=$BUILD/fetch/dist/fetch.unix

need() { # IMAGE-VARIABLE
	[ -n "${!1:-}" ] || fail "the image ($1) did not build: $(tail -n 20 "$BUILD"/*.log)"
}

# start_echo IMAGE: echo on port 7 in namespace a, up and answering.
start_echo() {
	nl_ns a
	NL_LOG=$TDIR/echo.log nl_bg a "$1" --port=7
	nl_wait_tcp a 127.0.0.1 7 10
}

t_tcp_and_udp_echo() {
	need ECHO
	start_echo "$ECHO"
	run nl_in a sh -c "printf 'hello\nworld\n' | nc -N 127.0.0.1 7"
	assert_rc 0
	assert_eq "$OUT" "hello
world"
	run cat "$TDIR/echo.log"
	assert_out "echo: listening on 0.0.0.0/0, tcp and udp port 7"
	run nl_in a sh -c "echo ping | nc -u -w 1 127.0.0.1 7"
	assert_eq "$OUT" "ping"
	# Datagrams of several sizes up to the largest, each echoed whole.
	run nl_in a python3 - <<'EOF'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
for n in (0, 1, 1472, 1473, 9000, 65507):
    d = bytes((i * 7 + n) & 255 for i in range(n))
    s.sendto(d, ("127.0.0.1", 7))
    got, _ = s.recvfrom(70000)
    assert got == d, (n, len(got))
print("udp ok")
EOF
	assert_rc 0
	assert_out "udp ok"
}

# 200 clients at once, each with its own 32 KiB, run in one shell inside
# the namespace; every echo must match what its client sent.
concurrent() {
	start_echo "$1"
	nl_concurrent_echo a 127.0.0.1 32768 60
}
t_200_concurrent_tcp() { need ECHO; concurrent "$ECHO"; }
t_200_concurrent_tcp_sanitized() {
	need ECHO_SAN
	concurrent "$ECHO_SAN"
	run cat "$TDIR/echo.log"
	assert_not_out "ERROR"
	assert_not_out "Sanitizer"
}

# 100 MB through echo: both directions at once, checked by SHA-256.
t_100mb_each_way_through_echo() {
	need ECHO
	start_echo "$ECHO"
	head -c 100M /dev/urandom >"$TDIR/big"
	run timeout 60 ip netns exec "$(nl_name a)" \
		sh -c "nc -N 127.0.0.1 7 <'$TDIR/big' >'$TDIR/back'"
	assert_rc 0
	local a b
	a=$(sha256sum <"$TDIR/big")
	b=$(sha256sum <"$TDIR/back")
	assert_eq "$b" "$a"
}

# The unikernel as client: a request to a host server, its answer printed.
t_fetch_from_a_host_server() {
	need FETCH
	nl_ns a
	printf 'HTTP/1.0 200 OK\r\n\r\nhello from the host\n' >"$TDIR/answer"
	NL_LOG=$TDIR/request nl_bg a sh -c "nc -l -N 127.0.0.1 8080 <'$TDIR/answer'"
	nl_wait_until 10 nl_tcp_listening a 8080
	run nl_in a "$FETCH" --host=127.0.0.1 --port=8080 \
		--send='GET / HTTP/1.0\r\n\r\n'
	assert_rc 0
	assert_out "hello from the host"
	nl_wait_until 5 grep -q "GET / HTTP/1.0" "$TDIR/request"
}

# 100 MB downloaded by fetch, printed to its console, checked.
t_fetch_100mb() {
	need FETCH
	nl_ns a
	head -c 100M /dev/urandom >"$TDIR/big"
	# Not nc: it stops sending when its peer shuts its side, as fetch
	# does at once.
	NL_LOG=$TDIR/server.log nl_bg a python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 8080))
s.listen(1)
c, _ = s.accept()
with open(sys.argv[1], "rb") as f:
    while b := f.read(1 << 16):
        c.sendall(b)
c.shutdown(socket.SHUT_WR)
c.recv(1)
c.close()' "$TDIR/big"
	nl_wait_until 10 nl_tcp_listening a 8080
	timeout 60 ip netns exec "$(nl_name a)" "$FETCH" --host=127.0.0.1 \
		--port=8080 >"$TDIR/got" 2>&1 || fail "fetch failed: $(tail -c 300 "$TDIR/got")"
	local a b
	a=$(sha256sum <"$TDIR/big")
	b=$(sha256sum <"$TDIR/got")
	assert_eq "$b" "$a"
}

t_fetch_errors() {
	need FETCH
	nl_ns a
	run nl_in a "$FETCH" --host=127.0.0.1 --port=9
	assert_rc 1
	assert_out "fetch: connect to 127.0.0.1:9: connection refused"
	# Only loopback in the namespace: no route elsewhere.
	run nl_in a "$FETCH" --host=192.0.2.1 --port=80
	assert_rc 1
	assert_out "fetch: connect to 192.0.2.1:80: network unreachable"
}

# --ipv4 picks the address to bind; one the host does not have is refused.
t_bind_address() {
	need ECHO
	nl_ns a
	NL_LOG=$TDIR/echo.log nl_bg a "$ECHO" --port=7 --ipv4=127.0.0.1/8
	nl_wait_tcp a 127.0.0.1 7 10
	run cat "$TDIR/echo.log"
	assert_out "listening on 127.0.0.1/8"
	run nl_in a "$ECHO" --port=8 --ipv4=192.0.2.1/24
	assert_rc 1
	assert_out "cannot bind to 192.0.2.1: not an address of this host"
	assert_out "device stack (socket): connect failed: invalid argument"
	run "$ECHO" --help
	assert_out "--ipv4"
	run "$ECHO" --dhcp
	assert_rc 64
}

run_test tcp_and_udp_echo t_tcp_and_udp_echo
run_test 200_concurrent_tcp t_200_concurrent_tcp
run_test 200_concurrent_tcp_sanitized t_200_concurrent_tcp_sanitized
run_test 100mb_each_way_through_echo t_100mb_each_way_through_echo
run_test fetch_from_a_host_server t_fetch_from_a_host_server
run_test fetch_100mb t_fetch_100mb
run_test fetch_errors t_fetch_errors
run_test bind_address t_bind_address
finish
