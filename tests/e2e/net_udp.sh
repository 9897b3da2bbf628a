#!/usr/bin/env bash
# UDP over the direct stack: examples/net/echo configured --net=direct
# echoes datagrams of every size up to 65507 bytes (fragmented both ways),
# a closed port is refused by ICMP, and 500 round trips in a row all come
# back; on unix-direct, spt, and hvt where KVM is usable.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../netlib.sh"

BUILD=$E2E_TMP/build

build() { # TARGET
	local dir=$BUILD/$1
	mkdir -p "$dir"
	cp -R "$ROOT/examples/net/echo/." "$dir/" && rm -rf "$dir/_build" "$dir/dist"
	(cd "$dir" && "$MORGANA" configure -t "$1" --net=direct &&
		"$MORGANA" build) >"$dir.log" 2>&1
}

udp() { # TARGET
	[ -f "$BUILD/$1/dist/echo.$1" ] ||
		fail "the $1 image did not build: $(tail -n 20 "$BUILD/$1.log")"
	nl_ns a
	nl_tap a tap0 10.0.0.1/24
	cd "$BUILD/$1" || fail cd
	NL_LOG=$TDIR/echo.log nl_bg a "$MORGANA" run --net:service=tap0
	nl_wait_until 10 grep -q "listening on 10.0.0.2/24" "$TDIR/echo.log"
	run nl_in a python3 - <<'EOF'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
for n in (0, 1, 1472, 1473, 2961, 9000, 20000, 65507):
    d = bytes((i * 7 + n) & 255 for i in range(n))
    s.sendto(d, ("10.0.0.2", 7))
    got, src = s.recvfrom(70000)
    assert got == d, (n, len(got))
    assert src == ("10.0.0.2", 7), src
print("sizes ok")
for i in range(500):
    d = b"%d" % i
    s.sendto(d, ("10.0.0.2", 7))
    got, _ = s.recvfrom(100)
    assert got == d, (i, got)
print("round trips ok")
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.settimeout(3)
c.connect(("10.0.0.2", 5555))
c.send(b"x")
try:
    c.recv(10)
    print("no refusal")
except ConnectionRefusedError:
    print("refused ok")
EOF
	assert_rc 0
	assert_out "sizes ok"
	assert_out "round trips ok"
	assert_out "refused ok"
}

t_unix_direct() { udp unix; }
t_net_udp() { udp "$T"; }

build unix
target_ready hvt && build hvt
target_ready spt && build spt
run_test net_udp_unix_direct t_unix_direct
run_on "hvt spt" net_udp
finish
