#!/usr/bin/env bash
# The HTTP client end to end: examples/http/get against a Python HTTP/1.1
# server (tests/e2e/http_origin.py) in a network namespace of the test's
# own, on the socket stack (loopback), on unix-direct, hvt and spt (a tap).
# Each target fetches a 1 MiB file by Content-Length and chunked, and a
# small one, on one kept connection (the server counts its connections),
# and sends a 64 KiB chunked POST that comes back; SHA-256 of the bodies
# checked.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../netlib.sh"

BUILD=$E2E_TMP/build
SERVER=$ROOT/tests/e2e/http_origin.py
BIG=$E2E_TMP/big
head -c 1048576 /dev/urandom >"$BIG"

# build NAME TARGET FLAGS: examples/http/get for TARGET in $BUILD/NAME.
build() {
	build_example http/get "$BUILD/$1" "$2" $3
}

build sock unix ""
build direct unix --net=direct
target_ready hvt && build hvt hvt ""
target_ready spt && build spt spt ""

# serve ADDR: the server in namespace a on ADDR:8080; log in $TDIR/srv.log.
serve() {
	NL_LOG=$TDIR/srv.log nl_bg a python3 "$SERVER" "$1" 8080 "$BIG"
	nl_wait_until 10 grep -q listening "$TDIR/srv.log"
}

# get NAME TARGET ADDR ARGS...: run the image NAME (built for TARGET)
# inside namespace a against ADDR:8080; its output in $TDIR/out.
get() {
	local name=$1 target=$2 addr=$3 dir=$BUILD/$1
	shift 3
	[ -f "$dir/dist/get.$target" ] ||
		fail "the $name image did not build: $(tail -n 20 "$dir.log")"
	cd "$dir" || fail cd
	local run=(./dist/get.unix)
	[ "$name" = sock ] ||
		run=("$MORGANA" run --net:service=tap0 -- --logs=net:warn)
	timeout 60 ip netns exec "$(nl_name a)" "${run[@]}" --host="$addr" \
		--port=8080 --timeout-ms=20000 "$@" \
		>"$TDIR/out" 2>"$TDIR/err" ||
		fail "get $*: $(tail -c 300 "$TDIR/out") $(tail -c 300 "$TDIR/err")"
	cd "$TDIR" || fail cd
}

sha() { sha256sum | cut -d' ' -f1; }

# check NAME TARGET ADDR: the three GETs on one connection, then the POST.
check() {
	local name=$1 target=$2 addr=$3 want n=1048576
	want=$(sha <"$BIG")
	get "$name" "$target" "$addr" --path=/file,/chunked,/small
	assert_eq "$(head -c $n "$TDIR/out" | sha)" "$want"
	assert_eq "$(tail -c +$((n + 1)) "$TDIR/out" | head -c $n | sha)" "$want"
	run tail -c +$((2 * n + 1)) "$TDIR/out"
	assert_eq "$OUT" "hello

get: 3 responses, last 200, 2097158 bytes"
	run cat "$TDIR/srv.log"
	assert_eq "$(grep -c '^conn' "$TDIR/srv.log")" 1
	assert_eq "$(grep -c '^req GET' "$TDIR/srv.log")" 3

	get "$name" "$target" "$addr" --method=POST --path=/echo \
		--body=0123456789abcdef --body-repeat=4096
	want=$(python3 -c 'import sys; sys.stdout.write("0123456789abcdef" * 4096)' | sha)
	assert_eq "$(head -c 65536 "$TDIR/out" | sha)" "$want"
	run tail -c +65537 "$TDIR/out"
	assert_eq "$OUT" "
get: 1 responses, last 200, 65536 bytes"
	run cat "$TDIR/srv.log"
	assert_out "req POST /echo 65536"
}

t_socket() {
	nl_ns a
	serve 127.0.0.1
	check sock unix 127.0.0.1
	# Nobody listening: the error is printed, the status is 1.
	cd "$BUILD/sock" || fail cd
	run nl_in a ./dist/get.unix --host=127.0.0.1 --port=9
	assert_rc 1
	assert_out "get: request 1 (/): connection refused"
}

# On a tap: the unikernel at 10.0.0.2, the server at 10.0.0.1.
on_tap() { # NAME TARGET
	nl_ns a
	nl_tap a tap0 10.0.0.1/24
	serve 10.0.0.1
	check "$1" "$2" 10.0.0.1
}

t_direct() { on_tap direct unix; }
t_http_client_on() { on_tap "$T" "$T"; }

run_test http_client_socket_stack t_socket
run_test http_client_unix_direct t_direct
run_on "hvt spt" http_client
finish
