#!/usr/bin/env bash
# examples/net/ping on the direct stack, from a namespace's ping and
# arping: small and 20000-byte echoes (fragmented both ways), 10,000
# pings 1 ms apart, ARP; on unix-direct, spt, and hvt where KVM is usable.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../netlib.sh"

BUILD=$E2E_TMP/build

# build TARGET: examples/net/ping for TARGET in $BUILD/TARGET.
build() {
	local dir=$BUILD/$1
	mkdir -p "$dir"
	cp -R "$ROOT/examples/net/ping/." "$dir/" && rm -rf "$dir/_build" "$dir/dist"
	(cd "$dir" && "$MORGANA" configure -t "$1" && "$MORGANA" build) \
		>"$dir.log" 2>&1
}

# start TARGET: the ping image on tap0 of namespace a (host side
# 10.0.0.1/24, the unikernel 10.0.0.2), stopped by a datagram to port 9.
start() {
	[ -f "$BUILD/$1/dist/ping.$1" ] ||
		fail "the $1 image did not build: $(tail -n 20 "$BUILD/$1.log")"
	nl_ns a
	nl_tap a tap0 10.0.0.1/24
	cd "$BUILD/$1" || fail cd
	NL_LOG=$TDIR/ping.log nl_bg a "$MORGANA" run --net:service=tap0 -- \
		--stop-port=9
	nl_wait_until 10 grep -q "answering on 10.0.0.2/24" "$TDIR/ping.log"
}

# stop: ends the image through its stop port; $OUT is then its output.
stop() {
	nl_in a sh -c "echo stop | nc -u -w 1 10.0.0.2 9" >/dev/null 2>&1
	nl_wait_until 10 grep -q "ping: done" "$TDIR/ping.log"
	OUT=$(cat "$TDIR/ping.log")
}

pings() { # TARGET
	start "$1"
	run nl_in a ping -c 3 -i 0.2 -W 2 10.0.0.2
	assert_rc 0
	assert_out "3 packets transmitted, 3 received"
	# 20000 bytes: fragmented on the way there and on the way back.
	run nl_in a ping -c 3 -i 0.2 -W 2 -s 20000 10.0.0.2
	assert_rc 0
	assert_out "3 received"
	assert_out "20008 bytes from 10.0.0.2"
	run nl_in a arping -c 2 -w 3 -I tap0 10.0.0.2
	assert_rc 0
	assert_out "Received 2 response(s)"
	run nl_in a ping -q -c 10000 -i 0.001 -W 2 10.0.0.2
	assert_rc 0
	assert_out "10000 packets transmitted, 10000 received, 0% packet loss"
	stop
	assert_out "ping: stop received"
	assert_out_re "icmp.tx_echo_replies 1000[0-9]$"
	assert_out_re "ipv4.reassembled [3-9]$"
	assert_out_re "arp.tx_replies [1-9]"
	assert_not_out "drop_checksum"
}

t_unix_direct() { pings unix; }
t_net_ping() { pings "$T"; }

build unix
target_ready hvt && build hvt
target_ready spt && build spt
run_test net_ping_unix_direct t_unix_direct
run_on "hvt spt" net_ping
finish
