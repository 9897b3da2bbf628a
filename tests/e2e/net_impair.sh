#!/usr/bin/env bash
# tools/impair, the seeded frame impairment relay the network tests use in
# place of tc netem: clean relay both ways, loss/duplication/reordering at
# the asked rates and identical for the same seed, delay, packet sockets.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../netlib.sh"

IMPAIR=$O/tools/impair
FRAMES=$ROOT/tools/impair/frames.py

# An interface made quiet: no IPv6 chatter among the numbered frames.
quiet_up() { # TAG IF
	nl_wait_until 5 nl_in "$1" ip link show "$2"
	nl_in "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
	nl_in "$1" ip link set "$2" up
}

# relay ARGS...: impair between taps ta and tb in namespace a.
relay() {
	[ -x "$IMPAIR" ] || fail "$IMPAIR is not built"
	nl_ns a
	NL_LOG=$TDIR/impair.log nl_bg a "$IMPAIR" "$@" tap:ta tap:tb
	quiet_up a ta
	quiet_up a tb
}

# frames SEND RECV COUNT: sets SEQ (arrival order) and DELAY (ms).
frames() {
	run nl_in a python3 "$FRAMES" "$@"
	assert_rc 0
	SEQ=$(printf '%s\n' "$OUT" | head -n 1)
	DELAY=$(printf '%s\n' "$OUT" | sed -n 's/^first_delay_ms //p')
}

count() { # how many numbers in $SEQ
	[ -z "$SEQ" ] && { echo 0; return; }
	echo "$SEQ" | tr ',' '\n' | wc -l
}

t_clean_both_ways() {
	relay
	frames ta tb 500
	assert_eq "$SEQ" "$(seq -s, 0 499)"
	frames tb ta 500
	assert_eq "$SEQ" "$(seq -s, 0 499)"
}

# The same seed gives the same fates; the rates are near the asked ones.
impaired() { # SEED: sets SEQ
	relay --seed="$1" --loss=10 --dup=5 --reorder=5
	frames ta tb 2000
	nl_cleanup
}
t_seeded_loss_dup_reorder() {
	impaired 7
	local first=$SEQ
	impaired 7
	assert_eq "$SEQ" "$first"
	local n uniq dups lost swaps
	n=$(count)
	uniq=$(echo "$SEQ" | tr ',' '\n' | sort -un | wc -l)
	dups=$((n - uniq))
	lost=$((2000 - uniq))
	swaps=$(echo "$SEQ" | tr ',' '\n' | awk 'NR > 1 && $1 < prev { s++ } { prev = $1 } END { print s + 0 }')
	# 10 % of 2000 lost, 5 % of the rest twice, about 5 % held back.
	[ $lost -ge 140 ] && [ $lost -le 260 ] || fail "lost $lost of 2000 at 10 %"
	[ $dups -ge 50 ] && [ $dups -le 130 ] || fail "$dups duplicates at 5 %"
	[ $swaps -ge 50 ] && [ $swaps -le 140 ] || fail "$swaps out of order at 5 %"
	impaired 8
	[ "$SEQ" != "$first" ] || fail "seeds 7 and 8 gave the same run"
}

t_delay() {
	relay --delay=60 --a-to-b
	frames ta tb 20 1000
	assert_eq "$SEQ" "$(seq -s, 0 19)"
	awk -v d="$DELAY" 'BEGIN { exit !(d >= 60 && d < 300) }' ||
		fail "first frame took $DELAY ms with --delay=60"
	# The other direction is not impaired.
	frames tb ta 20 1000
	awk -v d="$DELAY" 'BEGIN { exit !(d < 50) }' ||
		fail "b to a took $DELAY ms without delay"
}

# A packet socket on one end: here a veth whose peer the frames use.
t_raw_endpoint() {
	[ -x "$IMPAIR" ] || fail "$IMPAIR is not built"
	nl_ns a
	nl_in a ip link add va type veth peer name vb
	nl_in a sysctl -qw net.ipv6.conf.va.disable_ipv6=1
	nl_in a sysctl -qw net.ipv6.conf.vb.disable_ipv6=1
	nl_in a ip link set va up
	nl_in a ip link set vb up
	NL_LOG=$TDIR/impair.log nl_bg a "$IMPAIR" --loss=50 --seed=3 raw:vb tap:tb
	quiet_up a tb
	frames va tb 400
	local n
	n=$(count)
	[ "$n" -ge 140 ] && [ "$n" -le 260 ] || fail "$n of 400 through at 50 % loss"
	frames tb va 400
	n=$(count)
	[ "$n" -ge 140 ] && [ "$n" -le 260 ] || fail "$n of 400 back at 50 % loss"
	kill -USR1 "$NL_PID"
	nl_wait_until 5 grep -q "a->b: in 400" "$TDIR/impair.log"
}

# netlib's impaired unikernel link, with a stand-in for the unikernel: a
# program on the tap that answers ARP for 10.0.0.2 and reports the UDP
# datagram the host then sends it.
t_unikernel_link() {
	nl_ns a
	NL_IMPAIR_LOG=$TDIR/impair.log nl_impair_tap a uk0 host0 10.0.0.1/24 \
		--dup=100 --seed=5
	NL_LOG=$TDIR/uk.log nl_bg a python3 -c '
import fcntl, socket, struct, sys
fd = open("/dev/net/tun", "r+b", buffering=0)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", b"uk0", 0x1002))
me = bytes.fromhex("020000000002")
ip = socket.inet_aton("10.0.0.2")
while True:
    f = fd.read(2048)
    if f[12:14] == b"\x08\x06" and f[20:22] == b"\x00\x01" and f[38:42] == ip:
        reply = (f[6:12] + me + b"\x08\x06" + f[14:20] + b"\x00\x02" +
                 me + ip + f[22:28] + f[28:32])
        fd.write(reply)
        print("arp request answered", flush=True)
    elif f[12:14] == b"\x08\x00" and f[23] == 17 and f[30:34] == ip:
        print("udp", f[42:].decode(errors="replace"), flush=True)
'
	nl_wait_until 5 nl_in a python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"through impair", ("10.0.0.2", 9))'
	nl_wait_until 5 grep -q "udp through impair" "$TDIR/uk.log"
	run nl_in a ip neigh show 10.0.0.2
	assert_out "lladdr 02:00:00:00:00:02"
	# --dup=100: everything came twice, both ways.
	run grep -c "udp through impair" "$TDIR/uk.log"
	assert_eq "$OUT" 2
}

t_bad_arguments() {
	[ -x "$IMPAIR" ] || fail "$IMPAIR is not built"
	run "$IMPAIR" --loss=x tap:a tap:b
	assert_rc 64
	assert_out "--loss=x: not a number"
	run "$IMPAIR" --loss=150 tap:a tap:b
	assert_rc 64
	run "$IMPAIR" eth0 tap:b
	assert_rc 64
	assert_out "neither tap:NAME nor raw:NAME"
}

run_test clean_both_ways t_clean_both_ways
run_test seeded_loss_dup_reorder t_seeded_loss_dup_reorder
run_test delay t_delay
run_test raw_endpoint t_raw_endpoint
run_test unikernel_link t_unikernel_link
run_test bad_arguments t_bad_arguments
finish
