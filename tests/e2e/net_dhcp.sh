#!/usr/bin/env bash
# The direct stack's DHCP client against dnsmasq in a namespace:
# examples/net/ping booted with --dhcp takes its address from dnsmasq,
# answers ping there, and releases the lease when it stops; on unix-direct
# on spt, and on hvt where KVM is usable.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../netlib.sh"

BUILD=$E2E_TMP/build

build() { # TARGET
	local dir=$BUILD/$1
	mkdir -p "$dir"
	cp -R "$ROOT/examples/net/ping/." "$dir/" && rm -rf "$dir/_build" "$dir/dist"
	(cd "$dir" && "$MORGANA" configure -t "$1" && "$MORGANA" build) \
		>"$dir.log" 2>&1
}

lease() { # TARGET
	[ -f "$BUILD/$1/dist/ping.$1" ] ||
		fail "the $1 image did not build: $(tail -n 20 "$BUILD/$1.log")"
	command -v dnsmasq >/dev/null || fail "dnsmasq is not installed (scripts/deps)"
	nl_ns a
	nl_tap a tap0 10.0.0.1/24
	NL_LOG=$TDIR/dnsmasq.log nl_bg a dnsmasq --no-daemon --conf-file=/dev/null \
		--user=root --port=0 --no-ping --interface=tap0 --bind-interfaces \
		--dhcp-range=10.0.0.50,10.0.0.60,255.255.255.0,5m \
		--dhcp-option=option:router,10.0.0.1 \
		--dhcp-leasefile="$TDIR/leases" --log-dhcp --log-facility=-
	# A DISCOVER before dnsmasq listens would wait 4 s for its resend.
	nl_wait_until 10 nl_udp_bound a 67
	cd "$BUILD/$1" || fail cd
	NL_LOG=$TDIR/ping.log nl_bg a "$MORGANA" run --net:service=tap0 -- \
		--dhcp --stop-port=9
	nl_wait_until 20 grep -q "answering on 10.0.0." "$TDIR/ping.log"
	local addr
	addr=$(sed -n 's/.*answering on \(10\.0\.0\.[0-9]*\)\/24.*/\1/p' \
		"$TDIR/ping.log")
	[ -n "$addr" ] || fail "no address in: $(cat "$TDIR/ping.log")"
	run cat "$TDIR/leases"
	assert_out " $addr "
	run nl_in a ping -c 3 -i 0.2 -W 2 "$addr"
	assert_rc 0
	assert_out "3 received"
	nl_in a sh -c "echo stop | nc -u -w 1 $addr 9" >/dev/null 2>&1
	# The release comes after "ping: done": start() returns, the stack
	# is disconnected as the unikernel exits.
	nl_wait_until 10 grep -q "lease released" "$TDIR/ping.log"
	run cat "$TDIR/ping.log"
	assert_out "dhcp: bound to $addr/24, router 10.0.0.1"
	assert_out "dhcp: lease released"
	assert_out_re "dhcp.rx_ack 1$"
	nl_wait_until 5 grep -q "DHCPRELEASE(tap0) $addr" "$TDIR/dnsmasq.log"
	run cat "$TDIR/dnsmasq.log"
	assert_out "DHCPDISCOVER(tap0)"
	assert_out "DHCPACK(tap0) $addr"
}

t_unix_direct() { lease unix; }
t_net_dhcp() { lease "$T"; }

build unix
target_ready hvt && build hvt
target_ready spt && build spt
run_test net_dhcp_unix_direct t_unix_direct
run_on "hvt spt" net_dhcp
finish
