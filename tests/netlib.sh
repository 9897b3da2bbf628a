# Network namespace helpers for the network tests (sourced, after lib.sh).
#
#   source "$(dirname "$0")/../netlib.sh"
#   t_x() {
#       nl_ns a                      # namespace mg-<test>-a-<pid>, lo up
#       nl_tap a tap0 10.0.0.1/24    # a tap in it, addressed, up
#       nl_bg a ./dist/echo.unix     # a process in it, killed at the end
#       nl_wait_tcp a 10.0.0.2 7 5   # until something listens (5 s max)
#       nl_in a nc -N 10.0.0.2 7 < f # run a client in it
#   }
#
# Every namespace, and every process started in one, is removed when the
# shell that made it exits, on success, failure (lib.sh's fail exits) or a
# signal. Names are unique per run (the pid) so tests can run side by side;
# every wait is bounded. Needs root (ip netns) and iproute2.

NL_NS=()      # namespaces made by this shell
NL_PIDS=()    # background processes started by this shell
NL_OWNER=     # $BASHPID of the shell whose trap cleans up

nl_cleanup() {
	local p n
	for p in "${NL_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for n in "${NL_NS[@]}"; do
		# Anything still running inside (a child of a child) goes too,
		# or the namespace would outlive its name.
		for p in $(ip netns pids "$n" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null
		done
		ip netns del "$n" 2>/dev/null
	done
	for p in "${NL_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	NL_NS=()
	NL_PIDS=()
}

# The trap of the shell making namespaces: lib.sh's temp folder is removed
# by the main shell only (a test's subshell must not remove it).
nl_trap() {
	[ "$NL_OWNER" = "$BASHPID" ] && return
	NL_OWNER=$BASHPID
	NL_NS=()
	NL_PIDS=()
	if [ "$BASHPID" = "$$" ] && [ -n "${E2E_TMP:-}" ]; then
		trap 'nl_cleanup; rm -rf "$E2E_TMP"' EXIT
	else
		trap 'nl_cleanup' EXIT
	fi
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# The full name of namespace TAG.
nl_name() {
	local t=${E2E_NAME:-net}
	echo "mg-${t:0:20}-$1-$$"
}

# nl_ns TAG: a new namespace with its loopback up.
nl_ns() {
	nl_trap
	local n
	n=$(nl_name "$1")
	ip netns del "$n" 2>/dev/null
	ip netns add "$n" || fail "cannot create network namespace $n (root and iproute2 needed)"
	NL_NS+=("$n")
	ip -n "$n" link set lo up || fail "cannot bring lo up in $n"
	# Linux sizes a TSO burst to about 1 ms of its sending rate, plus
	# 64 KiB >> (min RTT in us >> tcp_tso_rtt_log): to a peer whose round
	# trip takes milliseconds (a KVM guest where every instruction is
	# emulated) that is two segments a burst, which would then cost the
	# guest per segment. Counting the RTT in units of 8 ms instead of
	# 0.5 ms lets full bursts go to such a peer as to a fast one.
	ip netns exec "$n" sysctl -qw net.ipv4.tcp_tso_rtt_log=17 2>/dev/null
	return 0
}

# nl_in TAG CMD...: run CMD in namespace TAG.
nl_in() {
	local n
	n=$(nl_name "$1")
	shift
	ip netns exec "$n" "$@"
}

# nl_bg TAG CMD...: start CMD in namespace TAG in the background (its
# output to $NL_LOG if set); $NL_PID is its pid. Killed at cleanup.
nl_bg() {
	local n
	n=$(nl_name "$1")
	shift
	ip netns exec "$n" "$@" >"${NL_LOG:-/dev/null}" 2>&1 &
	NL_PID=$!
	NL_PIDS+=("$NL_PID")
}

# nl_tap TAG IFNAME [ADDR/PREFIX]: a tap device in namespace TAG, up.
nl_tap() {
	ip -n "$(nl_name "$1")" tuntap add dev "$2" mode tap ||
		fail "cannot create tap $2"
	[ -n "${3:-}" ] && { ip -n "$(nl_name "$1")" addr add "$3" dev "$2" ||
		fail "cannot address $2"; }
	ip -n "$(nl_name "$1")" link set "$2" up
}

# nl_veth TAG1 IF1 ADDR1 TAG2 IF2 ADDR2: a veth pair between two
# namespaces (the same one twice is allowed), addressed and up.
nl_veth() {
	local n1 n2
	n1=$(nl_name "$1")
	n2=$(nl_name "$4")
	ip -n "$n1" link add "$2" type veth peer name "$5" netns "$n2" ||
		fail "cannot create veth $2/$5"
	ip -n "$n1" addr add "$3" dev "$2" && ip -n "$n2" addr add "$6" dev "$5" ||
		fail "cannot address veth $2/$5"
	ip -n "$n1" link set "$2" up && ip -n "$n2" link set "$5" up
}

# nl_bridge TAG BR [ADDR/PREFIX] PORT...: a bridge in TAG holding PORTs.
nl_bridge() {
	local ns br addr p
	ns=$(nl_name "$1")
	br=$2
	addr=$3
	shift 3
	ip -n "$ns" link add "$br" type bridge || fail "cannot create bridge $br"
	for p in "$@"; do
		ip -n "$ns" link set "$p" master "$br" || fail "cannot add $p to $br"
	done
	[ -n "$addr" ] && ip -n "$ns" addr add "$addr" dev "$br"
	ip -n "$ns" link set "$br" up
}

# nl_wait_until SECONDS CMD...: poll CMD every 50 ms until it succeeds;
# fails the test after SECONDS of wall-clock time, however long each try of
# CMD takes (CMD may be a shell function, so it must bound itself).
nl_wait_until() {
	local secs=$1 end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $end ] && fail "still not true after $secs s: $*"
		sleep 0.05
	done
}

nl_tcp_listening() { # TAG PORT
	nl_in "$1" ss -Hltn "sport = :$2" | grep -q LISTEN
}

nl_udp_bound() { # TAG PORT
	[ -n "$(nl_in "$1" ss -Hlun "sport = :$2")" ]
}

# nl_wait_tcp TAG ADDR PORT SECONDS: until a TCP connect to ADDR:PORT from
# TAG succeeds (the stack answers, whichever it is).
nl_wait_tcp() {
	nl_wait_until "$4" nl_in "$1" nc -z -w 1 "$2" "$3"
}

# nl_impair_tap TAG UKTAP HOSTTAP HOSTADDR [IMPAIR OPTIONS...]: the link of
# a unikernel (hvt, unix-direct) impaired by tools/impair. The unikernel
# binds tap UKTAP (made here, unaddressed, without ARP or IPv6 so that the
# namespace's own stack stays out of it); impair relays its frames to tap
# HOSTTAP, which carries the host's address HOSTADDR. $NL_IMPAIR_PID is
# impair's pid (kill -USR1 prints its counters into $NL_IMPAIR_LOG).
nl_impair_tap() {
	local tag=$1 uk=$2 host=$3 addr=$4
	shift 4
	local impair=${NL_IMPAIR:-$O/tools/impair}
	[ -x "$impair" ] || fail "$impair is not built (make)"
	ip -n "$(nl_name "$tag")" tuntap add dev "$uk" mode tap ||
		fail "cannot create tap $uk"
	nl_in "$tag" sysctl -qw "net.ipv6.conf.$uk.disable_ipv6=1"
	ip -n "$(nl_name "$tag")" link set "$uk" arp off up
	NL_LOG=${NL_IMPAIR_LOG:-/dev/null} nl_bg "$tag" "$impair" "$@" \
		"raw:$uk" "tap:$host"
	NL_IMPAIR_PID=$NL_PID
	nl_wait_until 5 nl_in "$tag" ip link show "$host"
	ip -n "$(nl_name "$tag")" addr add "$addr" dev "$host" ||
		fail "cannot address $host"
	ip -n "$(nl_name "$tag")" link set "$host" up
}

# nl_concurrent_echo TAG ADDR BYTES SECONDS: 200 nc clients in TAG at once,
# each sending BYTES of its own random data to ADDR port 7 and taking the
# echo; fails the test unless all 200 get back exactly what they sent.
nl_concurrent_echo() {
	local tag=$1 addr=$2 each=$3 secs=$4
	head -c $((200 * each)) /dev/urandom >"$TDIR/all"
	mkdir "$TDIR/c"
	split -b "$each" -d -a 3 "$TDIR/all" "$TDIR/c/in."
	run timeout "$secs" ip netns exec "$(nl_name "$tag")" bash -c '
		cd "$1" || exit 1
		for f in in.*; do
			nc -N "$2" 7 <"$f" >"out.${f#in.}" &
		done
		wait' _ "$TDIR/c" "$addr"
	assert_rc 0
	local bad=0 f
	for f in "$TDIR"/c/in.*; do
		cmp -s "$f" "$TDIR/c/out.${f##*.}" || bad=$((bad + 1))
	done
	[ "$(ls "$TDIR"/c/out.* | wc -l)" = 200 ] || fail "not 200 clients"
	[ $bad = 0 ] || fail "$bad of 200 connections echoed wrong data"
}
