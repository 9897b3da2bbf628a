#!/usr/bin/env bash
# The examples, configured, built and run from clean copies, plain and under
# ASan+UBSan: their output and exit status.
source "$(dirname "$0")/lib.sh"

hello() { # $1: configure flags, $2: target
	local t=${2:-unix}
	in_copy hello
	run "$MORGANA" configure -t $t $1
	assert_rc 0
	assert_out "configured dist/hello.$t for target $t"
	run "$MORGANA" build
	assert_rc 0
	assert_file dist/hello.$t
	run "$MORGANA" run
	assert_rc 0
	assert_out "Hello from Morgana"
	assert_out "boot arguments (0):"
	run "$MORGANA" run -- --greeting="Hi there" --status=7
	assert_rc 7
	assert_out "Hi there"
	assert_out "boot arguments (2):"
	assert_out "  1: --greeting=Hi there"
	assert_out "  2: --status=7"
	assert_out "exiting with status 7"
	if [ "$t" = unix ]; then
		# The image is a program of its own: run it directly too.
		run ./dist/hello.unix --status=3
		assert_rc 3
	fi
	run "$MORGANA" run -- --status=256
	assert_rc 64
	assert_out "--status"
	run "$MORGANA" run -- --help
	assert_rc 0
	assert_out "--greeting=STRING"
}
t_hello() { hello ""; }
t_hello_sanitized() { hello --sanitize; }
t_hello_on() { hello "" "$T"; }

timers() {
	in_copy timers
	configure_build -t ${2:-unix} $1
	run "$MORGANA" run
	assert_rc 0
	assert_eq "$OUT" "fast woke after 10 ms
medium woke after 20 ms
slow woke after 30 ms
all sleepers woke
race: the condition won (value 2)"
	run "$MORGANA" run -- --signal-after=80 --timeout=20
	assert_rc 0
	assert_out "race: the timer won (value 1)"
}
t_timers() { timers ""; }
t_timers_sanitized() { timers --sanitize; }
t_timers_on() { timers "" "$T"; }

random() {
	in_copy random
	configure_build -t ${2:-unix} $1
	run "$MORGANA" run
	assert_rc 0
	local first=$OUT
	[ "$(printf '%s\n' "$OUT" | grep -Ec '^[0-9a-f]{16}  die [1-6]$')" = 5 ] ||
		fail "expected 5 lines 'HEX16  die N'"
	run "$MORGANA" run -- --count=40
	assert_rc 0
	[ "$(printf '%s\n' "$OUT" | grep -Ec '^[0-9a-f]{16}  die [1-6]$')" = 40 ] ||
		fail "expected 40 numbers"
	[ "$(printf '%s\n' "$OUT" | sort -u | wc -l)" = 40 ] ||
		fail "40 random 64-bit numbers should all differ"
	[ "$(printf '%s\n' "$OUT" | head -n 5)" != "$first" ] ||
		fail "two runs gave the same numbers"
	run "$MORGANA" run -- --count=0
	assert_rc 0
	assert_eq "$OUT" ""
}
t_random() { random ""; }
t_random_sanitized() { random --sanitize; }
t_random_on() { random "" "$T"; }

run_test hello t_hello
run_test hello_sanitized t_hello_sanitized
run_test timers t_timers
run_test timers_sanitized t_timers_sanitized
run_test random t_random
run_test random_sanitized t_random_sanitized
run_on "hvt spt" hello timers random
finish
