#!/usr/bin/env bash
# The examples of docs/network.md that no other test runs as written: its
# C blocks are the examples' own code, the tap session with examples/net/ping
# and the counters it prints, and the echo unikernel on hvt and spt in 8 MiB.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../netlib.sh"

DOC=$ROOT/docs/network.md
BUILD=$E2E_TMP/build

# build NAME EXAMPLE TARGET FLAGS: examples/net/EXAMPLE in $BUILD/NAME.
build() {
	local dir=$BUILD/$1
	mkdir -p "$dir"
	cp -R "$ROOT/examples/net/$2/." "$dir/" && rm -rf "$dir/_build" "$dir/dist"
	(cd "$dir" && "$MORGANA" configure -t "$3" $4 && "$MORGANA" build) \
		>"$dir.log" 2>&1
}

# Each ```c block of the doc is a verbatim part of a file of examples/net
# or include/mg, so the doc shows code that builds and that tests run.
t_code_blocks() {
	assert_file "$DOC"
	run python3 - "$DOC" "$ROOT" <<'EOF'
import glob, re, sys
doc, root = sys.argv[1], sys.argv[2]
blocks = re.findall(r"```c\n(.*?)```", open(doc).read(), re.S)
files = glob.glob(root + "/examples/net/*/*.c") + glob.glob(root + "/include/mg/*.h")
texts = [open(f).read() for f in files]
bad = 0
for b in blocks:
    if not any(b in t for t in texts):
        bad += 1
        print("not in examples/net or include/mg:\n" + b[:300])
print(len(blocks), "blocks,", bad, "not found")
sys.exit(1 if bad or not blocks else 0)
EOF
	assert_rc 0
}

# The "Running on a tap" session, in a namespace: the tap made by hand,
# ping from the host, the counters printed when the image stops.
t_tap_session() {
	[ -f "$BUILD/ping/dist/ping.unix" ] ||
		fail "ping did not build: $(tail -n 20 "$BUILD/ping.log")"
	nl_ns a
	nl_in a ip tuntap add dev tap0 mode tap || fail "tuntap"
	nl_in a ip addr add 10.0.0.1/24 dev tap0
	nl_in a ip link set tap0 up
	cd "$BUILD/ping" || fail cd
	NL_LOG=$TDIR/ping.log nl_bg a "$MORGANA" run --net:service=tap0 -- \
		--ipv4=10.0.0.2/24 --stop-port=9
	nl_wait_until 10 grep -q "answering on 10.0.0.2/24" "$TDIR/ping.log"
	run nl_in a ping -c 3 -W 2 10.0.0.2
	assert_rc 0
	assert_out "3 received"
	nl_in a sh -c "echo stop | nc -u -w 1 10.0.0.2 9" >/dev/null 2>&1
	nl_wait_until 10 grep -q "ping: done" "$TDIR/ping.log"
	OUT=$(cat "$TDIR/ping.log")
	# The lines the doc shows (their values vary with the host's own
	# traffic on the tap, such as IPv6 solicitations).
	assert_out "ping: answering on 10.0.0.2/24"
	assert_out "ping: counters"
	local c
	for c in ethernet.rx_frames ethernet.tx_frames arp.rx_requests \
		arp.tx_replies arp.tx_announce ipv4.rx_datagrams \
		icmp.rx_echo_requests icmp.tx_echo_replies udp.rx_delivered; do
		assert_out_re "^  $c [0-9]+$"
		grep -q "  $c " "$DOC" || fail "the doc does not show $c"
	done
	assert_out_re "^  icmp.tx_echo_replies 3$"
}

# The memory figure: echo on hvt and spt with --mem=8 echoes TCP and UDP.
t_network_doc_echo_mem8() {
	[ -f "$BUILD/echo_$T/dist/echo.$T" ] ||
		fail "echo did not build: $(tail -n 20 "$BUILD/echo_$T.log")"
	nl_ns a
	nl_tap a tap0 10.0.0.1/24
	cd "$BUILD/echo_$T" || fail cd
	NL_LOG=$TDIR/echo.log nl_bg a "$TENDER" --mem=8 \
		--net:service=tap0 "dist/echo.$T" --port=7
	nl_wait_until 20 grep -q "listening on 10.0.0.2/24" "$TDIR/echo.log"
	head -c 200000 /dev/urandom >"$TDIR/in"
	run timeout 60 ip netns exec "$(nl_name a)" \
		sh -c "nc -N 10.0.0.2 7 <'$TDIR/in' >'$TDIR/back'"
	assert_rc 0
	cmp -s "$TDIR/in" "$TDIR/back" || fail "200 KB did not come back intact"
	run nl_in a sh -c "echo ping | nc -u -w 1 10.0.0.2 7"
	assert_eq "$OUT" "ping"
	grep -q -- "--mem=8" "$DOC" || fail "the doc does not give --mem=8"
}

build ping ping unix ""
for t in hvt spt; do
	target_ready $t && build echo_$t echo $t ""
done
run_test network_doc_code_blocks t_code_blocks
run_test network_doc_tap_session t_tap_session
run_on "hvt spt" network_doc_echo_mem8
finish
