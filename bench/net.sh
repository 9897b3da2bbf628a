#!/usr/bin/env bash
# TCP figures of the network stacks next to Linux's: bulk throughput and
# 1-byte ping-pong rate from a Linux client to examples/net/echo, for the
# direct stack on unix, spt and hvt (through a tap) and the socket stack (on
# loopback), each followed in the same run by the same measurement against
# bench/net_peer's Linux echo server (across a veth pair, or on loopback).
# Not a test: see bench/README.md. Needs root (namespaces, taps), `make`
# and `make _out/bench/net_peer` (`make net-bench` does all three).
#
#   bench/net.sh [SECONDS]   each measurement's length (default 5)
#   NET_BENCH_HVT_MEM=MiB    the hvt and spt guests' memory (default 8)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/tests/e2e/lib.sh"
source "$ROOT/tests/netlib.sh"
E2E_NAME=netbench
SECS=${1:-5}
HVT_MEM=${NET_BENCH_HVT_MEM:-8}
PEER=$O/bench/net_peer
W=$E2E_TMP
[ -x "$PEER" ] || fail "$PEER is not built (make $PEER)"
[ -x "$MORGANA" ] || fail "$MORGANA is not built (make)"

# build NAME TARGET FLAGS: examples/net/echo for TARGET in $W/NAME.
build() {
	local dir=$W/$1
	mkdir -p "$dir"
	cp -R "$ROOT/examples/net/echo/." "$dir/" && rm -rf "$dir/_build" "$dir/dist"
	(cd "$dir" && "$MORGANA" configure -t "$2" $3 && "$MORGANA" build) \
		>"$dir.log" 2>&1 || fail "echo for $1 did not build: $(tail -n 20 "$dir.log")"
}

# measure TAG ADDR PORT: bulk then ping-pong against the echo at
# ADDR:PORT from namespace TAG; sets BULK (MB/s) and RR (transactions/s).
measure() {
	local out
	out=$(timeout $((SECS * 3 + 30)) ip netns exec "$(nl_name "$1")" \
		"$PEER" bulk "$2" "$3" "$SECS") || fail "bulk to $2:$3 failed: $out"
	BULK=$(echo "$out" | awk '{print $2}')
	echo "    $out"
	out=$(timeout $((SECS * 3 + 30)) ip netns exec "$(nl_name "$1")" \
		"$PEER" rr "$2" "$3" "$SECS") || fail "rr to $2:$3 failed: $out"
	RR=$(echo "$out" | awk '{print $2}')
	echo "    $out"
}

# wait_tcp TAG ADDR PORT SECONDS: until a connect from TAG succeeds, for
# SECONDS of wall time at most (each try may itself take a second).
wait_tcp() {
	local end=$((SECONDS + $4))
	until nl_in "$1" nc -z -w 1 "$2" "$3" 2>/dev/null; do
		[ $SECONDS -lt $end ] || fail "nothing answers on $2:$3 after $4 s"
		sleep 0.1
	done
}

ROWS=()
# row LABEL: one line of the summary from this pair of measurements.
row() {
	ROWS+=("$(awk -v l="$1" -v b="$UK_BULK" -v lb="$BULK" -v r="$UK_RR" \
		-v lr="$RR" 'BEGIN { printf "%-22s %9.2f %9.2f %6.3g   %8d %8d %6.3g",
		l, b, lb, b / lb, r, lr, r / lr }')")
}

# unikernel LABEL LOG CMD...: start CMD in namespace a, wait for echo,
# measure it then the Linux server across the veth pair, stop it.
unikernel() {
	local label=$1 log=$2
	shift 2
	ip -n "$(nl_name a)" neigh flush dev tap0
	NL_LOG=$log nl_bg a "$@"
	local pid=$NL_PID
	nl_wait_until 60 grep -q "listening on" "$log"
	wait_tcp a 10.0.0.2 7 30
	echo "  $label, through tap0:"
	measure a 10.0.0.2 7
	UK_BULK=$BULK UK_RR=$RR
	kill -0 "$pid" 2>/dev/null || fail "$label exited: $(tail -n 5 "$log")"
	echo "  Linux, through the veth pair:"
	measure a 10.0.1.2 7
	row "$label"
	kill "$pid"
	wait "$pid" 2>/dev/null
}

echo "building examples/net/echo for unix (direct, socket), spt and hvt"
build direct unix --net=direct
build socket unix ""
build spt spt ""
build hvt hvt ""

# Namespace a: the client, tap0 (10.0.0.1, the unikernel is 10.0.0.2) and
# a veth to namespace b, where Linux's echo server is (10.0.1.2). The
# loopback pair runs in namespace c.
nl_ns a
nl_ns b
nl_ns c
nl_tap a tap0 10.0.0.1/24
nl_veth a veth0 10.0.1.1/24 b veth1 10.0.1.2/24
nl_bg b "$PEER" server 10.0.1.2 7
wait_tcp a 10.0.1.2 7 10

echo "each measurement ${SECS} s (bulk: MB/s echoed back, after a fifth of warm-up)"
unikernel "unix-direct" "$W/direct.out" \
	"$W/direct/dist/echo.unix" --net:service=tap0 --port=7
if target_ready spt; then
	unikernel "spt --mem=$HVT_MEM" "$W/spt.out" "$O/bin/morgana-spt" \
		--mem="$HVT_MEM" --net:service=tap0 "$W/spt/dist/echo.spt" --port=7
else
	echo "  spt: skipped ($TARGET_WHY)"
fi
if [ -c /dev/kvm ] && [ -x "$O/bin/morgana-hvt" ]; then
	unikernel "hvt --mem=$HVT_MEM" "$W/hvt.out" "$O/bin/morgana-hvt" \
		--mem="$HVT_MEM" --net:service=tap0 "$W/hvt/dist/echo.hvt" --port=7
else
	echo "  hvt: skipped (no usable /dev/kvm or morgana-hvt)"
fi

# The socket stack binds every address of namespace c (its loopback).
NL_LOG=$W/socket.out nl_bg c "$W/socket/dist/echo.unix" --port=7
SOCKET_PID=$NL_PID
nl_bg c "$PEER" server 127.0.0.1 8
nl_wait_until 10 nl_tcp_listening c 7
nl_wait_until 10 nl_tcp_listening c 8
echo "  socket stack, loopback:"
measure c 127.0.0.1 7
UK_BULK=$BULK UK_RR=$RR
kill -0 "$SOCKET_PID" 2>/dev/null || fail "the socket-stack echo exited"
echo "  Linux, loopback:"
measure c 127.0.0.1 8
row "socket (loopback)"

echo
printf '%-22s %9s %9s %6s   %8s %8s %6s\n' "stack" "MB/s" "Linux" "ratio" \
	"rr/s" "Linux" "ratio"
printf '%s\n' "${ROWS[@]}"
