#!/usr/bin/env bash
# The HTTP server end to end: examples/http/server on the socket stack
# (loopback of a namespace of its own), on unix-direct, hvt and spt (a tap
# in a namespace), driven by curl (keep-alive, Date, HEAD, chunked upload and
# download, 100-continue, 404/405), by raw sockets (tests/e2e/
# http_server_clients.py: smuggling, malformed and oversized requests,
# slowloris against a 2 s header timeout), and with 500 idle connections
# open while a new client is served.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../netlib.sh"

BUILD=$E2E_TMP/build
CLIENTS=$ROOT/tests/e2e/http_server_clients.py

# build NAME TARGET FLAGS: examples/http/server configured with FLAGS.
build() {
	build_example http/server "$BUILD/$1" "$2" $3
}

build socket unix ""
build direct unix --net=direct
target_ready hvt && build hvt hvt ""
target_ready spt && build spt spt ""

# start STACK [BOOT KEYS...]: the server in namespace a on port 8080;
# $HOST is its address.
start() {
	local stack=$1
	shift
	local img=$BUILD/$stack/dist/server.unix
	case $stack in hvt | spt) img=$BUILD/$stack/dist/server.$stack ;; esac
	[ -f "$img" ] || fail "the $stack image did not build: $(tail -n 20 "$BUILD/$stack.log")"
	# On hvt and spt, 500 connections need more than the default guest
	# memory: each holds a handler fiber's stack and its buffers
	# (docs/http.md).
	local mem=()
	case $stack in hvt | spt) mem=(--mem=64) ;; esac
	nl_ns a
	# 500 idle connections are 500 descriptors on the socket stack.
	ulimit -n 4096
	if [ "$stack" = socket ]; then
		HOST=127.0.0.1
		NL_LOG=$TDIR/server.log nl_bg a "$img" --port=8080 "$@"
	else
		HOST=10.0.0.2
		nl_tap a tap0 10.0.0.1/24
		cd "$BUILD/$stack" || fail cd
		NL_LOG=$TDIR/server.log nl_bg a "$MORGANA" run "${mem[@]}" \
			--net:service=tap0 -- --port=8080 "$@"
	fi
	nl_wait_until 20 grep -q "listening on" "$TDIR/server.log"
	nl_wait_tcp a "$HOST" 8080 10
	URL=http://$HOST:8080
}

c() { # curl in the namespace, bounded
	nl_in a curl -sS --max-time 20 "$@"
}

features() {
	start "$1"
	# Keep-alive: two URLs on one connection.
	run c -v "$URL/" "$URL/"
	assert_rc 0
	assert_out "Re-using existing connection"
	[ "$(printf '%s\n' "$OUT" | grep -c '^hello from morgana')" = 2 ] ||
		fail "two bodies expected"
	assert_out_re "^< Date: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} 20[0-9]{2} [0-9:]{8} GMT"
	assert_not_out "< Connection: close"
	# HEAD: the GET head, no body.
	run c -I "$URL/"
	assert_rc 0
	assert_out "HTTP/1.1 200 OK"
	assert_out "Content-Length: 19"
	assert_not_out "hello"
	# Chunked upload, echoed back whole.
	head -c 300000 /dev/urandom >"$TDIR/up"
	run c -v -H 'Transfer-Encoding: chunked' --data-binary "@$TDIR/up" \
		-o "$TDIR/back" "$URL/echo"
	assert_rc 0
	assert_out "> Transfer-Encoding: chunked"
	cmp -s "$TDIR/up" "$TDIR/back" || fail "chunked upload came back different"
	# 100-continue on a 3 MB body: the server asks for it when it reads.
	head -c 3000000 /dev/urandom >"$TDIR/big"
	run c -v -H 'Expect: 100-continue' --data-binary "@$TDIR/big" \
		-o "$TDIR/back" "$URL/echo"
	assert_rc 0
	assert_out "< HTTP/1.1 100 Continue"
	assert_out "< HTTP/1.1 200 OK"
	cmp -s "$TDIR/big" "$TDIR/back" || fail "3 MB upload came back different"
	# A chunked response.
	run c -i "$URL/lines?n=5000"
	assert_out "Transfer-Encoding: chunked"
	assert_out "line 5000"
	[ "$(printf '%s\n' "$OUT" | grep -c '^line ')" = 5000 ] ||
		fail "5000 lines expected"
	# 404 and 405 with Allow.
	run c -o /dev/null -w '%{http_code}' "$URL/nope"
	assert_eq "$OUT" 404
	run c -i "$URL/echo"
	assert_out "HTTP/1.1 405 Method Not Allowed"
	assert_out "Allow: POST, PUT"
}

hostile() {
	start "$1" --header-timeout=2
	run timeout 60 ip netns exec "$(nl_name a)" python3 "$CLIENTS" \
		hostile "$HOST" 8080 2
	assert_rc 0
}

# 500 connections opened and left idle; a new client is still served
# while every one of them stays open.
idle500() {
	start "$1" --header-timeout=30
	NL_LOG=$TDIR/idle.out nl_bg a python3 "$CLIENTS" idle "$HOST" 8080 \
		500 "$TDIR/ready" "$TDIR/go"
	local idle=$NL_PID
	nl_wait_until 30 test -f "$TDIR/ready"
	local t0=$SECONDS
	run c "$URL/"
	assert_rc 0
	assert_out "hello from morgana"
	run c -H 'Transfer-Encoding: chunked' --data-binary "@$CLIENTS" \
		"$URL/echo"
	assert_rc 0
	assert_out "def hostile"
	[ $((SECONDS - t0)) -le 5 ] ||
		fail "the new client waited $((SECONDS - t0)) s"
	touch "$TDIR/go"
	wait "$idle"
	run cat "$TDIR/idle.out"
	assert_out "open 500"
}

t_features_socket() { features socket; }
t_features_direct() { features direct; }
t_hostile_socket() { hostile socket; }
t_hostile_direct() { hostile direct; }
t_idle500_socket() { idle500 socket; }
t_idle500_direct() { idle500 direct; }
t_http_server_features_on() { features "$T"; }
t_http_server_hostile_on() { hostile "$T"; }
t_http_server_500_idle_on() { idle500 "$T"; }

run_test http_server_features_socket t_features_socket
run_test http_server_features_unix_direct t_features_direct
run_test http_server_hostile_socket t_hostile_socket
run_test http_server_hostile_unix_direct t_hostile_direct
run_test http_server_500_idle_socket t_idle500_socket
run_test http_server_500_idle_unix_direct t_idle500_direct
run_on "hvt spt" http_server_features http_server_hostile http_server_500_idle
finish
