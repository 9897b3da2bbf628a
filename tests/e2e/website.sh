#!/usr/bin/env bash
# examples/website end to end, on the socket stack (loopback of a namespace
# of its own), on unix-direct, spt and hvt (a tap in a namespace): curl
# against every feature of the crunch image (folder indexes and redirects,
# content types, 404, 405, HEAD, ETag and Last-Modified with their 304s,
# ranges, 416, keep-alive, the log line of each request; on the socket
# stack under ASan and UBSan too); the tar image
# on an archive with a 50 MB file (checked by SHA-256, a range in its
# middle, the server's memory staying small); wrk with 100 connections for
# 10 s without an error; 500 idle connections while a new client is
# served; and headless Chromium rendering the front page from unix-direct,
# the spt and the hvt guest.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../netlib.sh"

BUILD=$E2E_TMP/build
TOOLS=$ROOT/tests/e2e/website_tools.py
CLIENTS=$ROOT/tests/e2e/http_server_clients.py
BIGTAR=$E2E_TMP/big.tar
BIG=$BIGTAR.bin
MB=50

# build NAME TARGET FLAGS: examples/website configured with FLAGS.
build() {
	build_example website "$BUILD/$1" "$2" $3
}

build socket unix ""
build socket_tar unix --kv=tar
build socket_sanitized unix --sanitize
build unix_direct unix --net=direct
build unix_direct_tar unix "--net=direct --kv=tar"
for t in hvt spt; do
	target_ready $t || continue
	build $t $t ""
	build ${t}_tar $t --kv=tar
done
python3 "$TOOLS" tar "$BIGTAR" "$ROOT/examples/website/site" $MB

# start NAME [RUN OPTIONS...] [-- BOOT KEYS...]: image NAME (a build
# above) in namespace a on port 8080; $URL is its address, $SRV_PID the
# image's pid on unix, $TDIR/server.log its output.
start() {
	local name=$1 target=unix
	shift
	local run=() boot=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		run+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	boot=("$@")
	case $name in hvt*) target=hvt ;; spt*) target=spt ;; esac
	local img=$BUILD/$name/dist/website.$target
	[ -f "$img" ] || fail "the $name image did not build: $(tail -n 20 "$BUILD/$name.log")"
	nl_ns a
	# 500 idle connections are 500 descriptors on the socket stack.
	ulimit -n 4096
	cd "$BUILD/$name" || fail cd
	if [ "${name#socket}" != "$name" ]; then
		HOST=127.0.0.1
		NL_LOG=$TDIR/server.log nl_bg a "$img" "${run[@]}" \
			--port=8080 "${boot[@]}"
	else
		HOST=10.0.0.2
		nl_tap a tap0 10.0.0.1/24
		NL_LOG=$TDIR/server.log nl_bg a "$MORGANA" run "${run[@]}" \
			--net:service=tap0 -- --port=8080 "${boot[@]}"
	fi
	SRV_PID=$NL_PID
	cd "$TDIR" || fail cd
	nl_wait_until 20 grep -q "listening on" "$TDIR/server.log"
	nl_wait_tcp a "$HOST" 8080 10
	URL=http://$HOST:8080
	SITE=$BUILD/$name/site
}

c() { # curl in the namespace, bounded
	nl_in a curl -sS --max-time 60 "$@"
}

# get PATH [CURL ARGS...]: the body into $TDIR/body, the head into
# $TDIR/head, "CODE TYPE" into $OUT.
get() {
	local path=$1
	shift
	rm -f "$TDIR/body"
	run c -o "$TDIR/body" -D "$TDIR/head" -w '%{http_code} %{content_type}' \
		"$@" "$URL$path"
	assert_rc 0
}

# field NAME: the value of field NAME in $TDIR/head.
field() {
	grep -i "^$1:" "$TDIR/head" | head -n 1 | cut -d' ' -f2- | tr -d '\r'
}

body_is() { # FILE: the last body is FILE's bytes
	cmp -s "$TDIR/body" "$1" || fail "the body differs from $1"
}

logged() { # LINE: the server logged it
	grep -qxF "$1" "$TDIR/server.log" || fail "the server did not log: $1"
}

sha() { sha256sum | cut -d' ' -f1; }

httpdate() { date -u -d "@$1" '+%a, %d %b %Y %H:%M:%S GMT'; }

# The crunch image: every feature on the small site.
features() {
	start "$STACK"
	local html="200 text/html; charset=utf-8"
	# "/" and a folder's index on one connection.
	run c -v "$URL/" "$URL/about/"
	assert_rc 0
	assert_out "Re-using existing connection"
	assert_out "<title>Morgana: a website in a unikernel</title>"
	assert_out "<title>About the website example</title>"
	get /
	assert_eq "$OUT" "$html"
	body_is "$SITE/index.html"
	get /about/
	assert_eq "$OUT" "$html"
	body_is "$SITE/about/index.html"
	get /about "-G" -d x=1
	assert_eq "$OUT" "301 text/plain; charset=utf-8"
	assert_eq "$(field Location)" "/about/?x=1"
	get /about -L
	assert_eq "$OUT" "$html"
	run c -I "$URL/about"
	assert_out "HTTP/1.1 301"
	# Content types.
	get /style.css
	assert_eq "$OUT" "200 text/css; charset=utf-8"
	body_is "$SITE/style.css"
	get /images/logo.svg
	assert_eq "$OUT" "200 image/svg+xml"
	get /images/sunset.png
	assert_eq "$OUT" "200 image/png"
	body_is "$SITE/images/sunset.png"
	get /robots.txt
	assert_eq "$OUT" "200 text/plain; charset=utf-8"
	get /images/%73unset.png
	assert_eq "$OUT" "200 image/png"
	# Missing, outside, other methods.
	get /nope.html
	assert_eq "${OUT%% *}" 404
	get /images/
	assert_eq "${OUT%% *}" 404
	get /style.css/x
	assert_eq "${OUT%% *}" 404
	get /a/..%2F..%2Fetc/passwd --path-as-is
	assert_eq "${OUT%% *}" 404
	get / -X POST -d x=1
	assert_eq "${OUT%% *}" 405
	assert_eq "$(field Allow)" "GET, HEAD"
	get /style.css -X DELETE
	assert_eq "${OUT%% *}" 405
	# HEAD: the head of GET, no body (raw, so that a body would show).
	local size
	size=$(stat -c %s "$SITE/style.css")
	run nl_in a sh -c "printf 'HEAD /style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | timeout 10 nc $HOST 8080"
	assert_out "HTTP/1.1 200 OK"
	assert_out "Content-Length: $size"
	assert_out "Content-Type: text/css"
	assert_not_out "body {"
	# ETag: the SHA-256 of the bytes; If-None-Match -> 304.
	get /style.css
	local etag lm
	etag=$(field ETag)
	assert_eq "$etag" "\"$(sha <"$SITE/style.css" | cut -c1-32)\""
	get /style.css -H "If-None-Match: $etag"
	assert_eq "${OUT%% *}" 304
	[ -s "$TDIR/body" ] && fail "a 304 with a body"
	[ -z "$(field Content-Type)" ] || fail "a 304 with a Content-Type"
	assert_eq "$(field ETag)" "$etag"
	get /style.css -H "If-None-Match: \"other\", W/$etag"
	assert_eq "${OUT%% *}" 304
	get /style.css -H 'If-None-Match: "other"'
	assert_eq "${OUT%% *}" 200
	# Last-Modified: the file's time at configure; If-Modified-Since.
	lm=$(field Last-Modified)
	assert_eq "$lm" "$(httpdate "$(stat -c %Y "$SITE/style.css")")"
	get /style.css -H "If-Modified-Since: $lm"
	assert_eq "${OUT%% *}" 304
	get /style.css -H "If-Modified-Since: $(httpdate $(($(stat -c %Y "$SITE/style.css") - 86400)))"
	assert_eq "${OUT%% *}" 200
	# If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
	get /style.css -H 'If-None-Match: "other"' -H "If-Modified-Since: $lm"
	assert_eq "${OUT%% *}" 200
	# Ranges: a-b, a-, -n, several (the whole file), unsatisfiable.
	get /style.css -r 10-19
	assert_eq "$OUT" "206 text/css; charset=utf-8"
	assert_eq "$(field Content-Range)" "bytes 10-19/$size"
	assert_eq "$(cat "$TDIR/body")" "$(tail -c +11 "$SITE/style.css" | head -c 10)"
	get /style.css -r 700-
	assert_eq "$(field Content-Range)" "bytes 700-$((size - 1))/$size"
	assert_eq "$(cat "$TDIR/body")" "$(tail -c +701 "$SITE/style.css")"
	get /style.css -r -100
	assert_eq "${OUT%% *}" 206
	assert_eq "$(field Content-Range)" "bytes $((size - 100))-$((size - 1))/$size"
	assert_eq "$(cat "$TDIR/body")" "$(tail -c 100 "$SITE/style.css")"
	get /style.css -r 0-1,5-6
	assert_eq "${OUT%% *}" 200
	body_is "$SITE/style.css"
	get /style.css -r 5000-
	assert_eq "${OUT%% *}" 416
	assert_eq "$(field Content-Range)" "bytes */$size"
	get /style.css -r 10-19 -H "If-Range: $etag"
	assert_eq "${OUT%% *}" 206
	get /style.css -r 10-19 -H 'If-Range: "other"'
	assert_eq "${OUT%% *}" 200
	# A log line per request: method, target, status, body bytes.
	logged "GET / 200 $(stat -c %s "$SITE/index.html")"
	logged "GET /about?x=1 301 20"
	logged "GET /nope.html 404 10"
	logged "POST / 405 19"
	logged "HEAD /style.css 200 0"
	logged "HEAD /about 301 0"
	logged "GET /style.css 304 0"
	logged "GET /style.css 206 10"
	logged "GET /style.css 416 22"
}

# The tar image on an archive with every content type and a 50 MB file;
# hvt and spt run with the tender's default 16 MiB.
big_tar() {
	local mem=()
	case $STACK in hvt | spt) mem=(--mem=16) ;; esac
	start "${STACK}_tar" "${mem[@]}" "--block:site_tar=$BIGTAR"
	get /
	body_is "$ROOT/examples/website/site/index.html"
	local ext type
	for ext in js:text/javascript json:application/json \
		txt:text/plain png:image/png jpg:image/jpeg gif:image/gif \
		svg:image/svg+xml ico:image/vnd.microsoft.icon \
		wasm:application/wasm woff2:font/woff2 pdf:application/pdf \
		bin:application/octet-stream JPEG:image/jpeg \
		html:text/html css:text/css; do
		type=${ext#*:}
		get "/types/t.${ext%%:*}"
		case $OUT in "200 $type"*) ;; *) fail "t.${ext%%:*}: $OUT" ;; esac
	done
	# The archive's digests and times give ETag and Last-Modified.
	run c -I "$URL/big.bin"
	assert_out "ETag: \"$(sha <"$BIG" | cut -c1-32)\""
	assert_out "Last-Modified: $(httpdate 1700000000)"
	assert_out "Content-Length: $((MB << 20))"
	get /big.bin -H "If-Modified-Since: $(httpdate 1700000000)"
	assert_eq "${OUT%% *}" 304
	local t0=$SECONDS
	get /big.bin
	assert_eq "$OUT" "200 application/octet-stream"
	assert_eq "$(sha <"$TDIR/body")" "$(sha <"$BIG")"
	echo "  $MB MB in $((SECONDS - t0)) s"
	local off=$((25 << 20)) n=100000
	get /big.bin -r "$off-$((off + n - 1))"
	assert_eq "${OUT%% *}" 206
	assert_eq "$(sha <"$TDIR/body")" "$(tail -c +$((off + 1)) "$BIG" | head -c $n | sha)"
	logged "GET /big.bin 200 $((MB << 20))"
	logged "GET /big.bin 206 $n"
	if [ "$STACK" != hvt ]; then
		# Streamed: the process never held the file.
		local hwm
		hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$SRV_PID/status")
		[ -n "$hwm" ] && [ "$hwm" -lt 30000 ] ||
			fail "the server's peak memory is ${hwm:-?} KiB"
	fi
}

# wrk: 100 connections for 10 s, no socket error and no 4xx/5xx. On hvt
# a request takes milliseconds of emulated guest time, and 100 of them
# queued wait seconds: wrk's 2 s timeout would count them as errors.
wrk() {
	start "$STACK"
	local timeout=()
	[ "$STACK" = hvt ] && timeout=(--timeout 30s)
	run nl_in a timeout 60 wrk -t1 -c100 -d10s "${timeout[@]}" "$URL/"
	assert_rc 0
	echo "$OUT" | grep -E 'requests in|Requests/sec' | sed 's/^/  /'
	assert_out_re "^ +[0-9]+ requests in"
	assert_not_out "Socket errors"
	assert_not_out "Non-2xx"
	[ "$(echo "$OUT" | awk '/requests in/ { print $1 }')" -gt 100 ] ||
		fail "too few requests"
	get /
	assert_eq "${OUT%% *}" 200
}

# 500 connections opened and left idle; a new client is still served
# while every one of them stays open.
idle500() {
	start "$STACK" -- --header-timeout=60
	NL_LOG=$TDIR/idle.out nl_bg a python3 "$CLIENTS" idle "$HOST" 8080 \
		500 "$TDIR/ready" "$TDIR/go"
	local idle=$NL_PID
	nl_wait_until 40 test -f "$TDIR/ready"
	local t0=$SECONDS
	get /about/
	assert_eq "${OUT%% *}" 200
	body_is "$SITE/about/index.html"
	[ $((SECONDS - t0)) -le 5 ] ||
		fail "the new client waited $((SECONDS - t0)) s"
	touch "$TDIR/go"
	wait "$idle"
	run cat "$TDIR/idle.out"
	assert_out "open 500"
}

# Headless Chromium renders the front page: the screenshot is not blank
# and the server sent the stylesheet and both images.
chromium() {
	start "$STACK"
	run nl_in a timeout 60 chromium --headless --no-sandbox --disable-gpu \
		--disable-dev-shm-usage --user-data-dir="$TDIR/chromium" \
		--screenshot="$TDIR/shot.png" --window-size=800,600 "$URL/"
	assert_file "$TDIR/shot.png"
	run python3 "$TOOLS" png "$TDIR/shot.png"
	assert_rc 0
	echo "  screenshot: $OUT"
	run cat "$TDIR/server.log" # shown if a line is missing
	logged "GET / 200 $(stat -c %s "$SITE/index.html")"
	logged "GET /style.css 200 $(stat -c %s "$SITE/style.css")"
	logged "GET /images/logo.svg 200 $(stat -c %s "$SITE/images/logo.svg")"
	logged "GET /images/sunset.png 200 $(stat -c %s "$SITE/images/sunset.png")"
}

# on STACK CHECK...: each CHECK (a function above) against the images of
# STACK (socket, unix_direct, hvt), as test website_STACK_CHECK.
on() {
	STACK=$1
	shift
	local check
	for check in "$@"; do
		run_test "website_${STACK}_$check" "$check"
	done
}

on socket features big_tar wrk idle500
on socket_sanitized features # under ASan and UBSan
on unix_direct features big_tar wrk idle500
on unix_direct chromium
E2E_NEED=spt on spt features big_tar wrk idle500 chromium
E2E_NEED=hvt on hvt features big_tar wrk idle500 chromium
finish
