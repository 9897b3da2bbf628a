#!/usr/bin/env bash
# Two images on one block file: the second is refused before it boots,
# naming the file and the pid of the first, which holds the file's lock;
# the first's writes are all there afterwards. On unix, spt and hvt.
source "$(dirname "$0")/lib.sh"

# second_refused TARGET: store_crash runs on crash.img; a second run of it
# is refused; the first, killed, kept every step it said it finished.
second_refused() {
	in_unikernel tests/e2e/store_crash store_crash
	configure_build -t "$1"
	"$MORGANA" run -t "$1" -- --steps=1000000 >first.txt 2>&1 &
	local pid=$! i
	for i in $(seq 1 100); do
		grep -q '^step ' first.txt && break
		sleep 0.05
	done
	grep -q '^step ' first.txt || fail "the first run did not start: $(cat first.txt)"
	run "$MORGANA" run -t "$1" -- --steps=10
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	[ "$RC" != 0 ] || fail "the second run was not refused"
	assert_out "--block:disk: 'crash.img' is in use by process $pid, which holds its lock"
	assert_out "would lose each other's writes"
	assert_not_out "recovered at step"
	local last
	last=$(grep -E '^step [0-9]+$' first.txt | tail -n 1 | cut -d' ' -f2)
	[ -n "$last" ] || fail "the first run finished no step"
	run "$MORGANA" run -t "$1" -- --acked="$last" --steps=$((last + 20))
	assert_rc 0
	assert_not_out MISMATCH
	assert_out "recovered at step"
	assert_out "done at step $((last + 20))"
}

t_second_refused() { second_refused unix; }
t_second_refused_on() { second_refused "$T"; }

run_test second_refused t_second_refused
run_on "spt hvt" second_refused
finish
