#!/usr/bin/env bash
# The read-write store: examples/storage/notes on unix, under ASan+UBSan and
# on hvt, notes kept across boots and targets; a workload killed with
# SIGKILL at random moments keeps every step it finished (unix; hvt and
# spt in storage_store_guest.sh).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/store_lib.sh"

notes() { # $1: configure flags, $2: target
	local t=${2:-unix}
	in_copy storage/notes
	configure_build -t $t $1
	run "$MORGANA" run
	assert_rc 0
	assert_out "created notes.img (4194304 bytes of zeros)"
	assert_out "no notes"
	run "$MORGANA" run -- "--add=buy milk"
	assert_rc 0
	assert_out "added note 1"
	run "$MORGANA" run -- "--add=call Ada, then Grace"
	assert_rc 0
	assert_out "2: call Ada, then Grace"
	run "$MORGANA" run
	assert_eq "$OUT" "1: buy milk
2: call Ada, then Grace"
	run "$MORGANA" run -- --remove=1
	assert_rc 0
	assert_out "removed note 1"
	run "$MORGANA" run -- --remove=1
	assert_rc 1
	assert_out "no note 1"
	run "$MORGANA" run -- --add=third
	assert_eq "$OUT" "added note 3
2: call Ada, then Grace
3: third"
	run "$MORGANA" run -- --clear
	assert_rc 0
	assert_out "no notes"
	run "$MORGANA" run -- --add=again
	assert_out "4: again"
	run "$MORGANA" run -- --notes-format
	assert_rc 0
	assert_out "no notes"
	# Not a store, not blank: refused with the reason, never formatted.
	# (both superblock copies: one damaged copy is survived)
	head -c 1024 /dev/urandom | dd of=notes.img conv=notrunc status=none
	run "$MORGANA" run
	assert_rc 1
	assert_out "no valid superblock"
	assert_out "device notes (store): connect failed"
}
t_notes() { notes ""; }
t_notes_sanitized() { notes --sanitize; }
t_notes_on() { notes "" "$T"; }

# Notes written on unix are read on hvt or spt, and the other way round.
t_notes_unix_then() {
	in_copy storage/notes
	run "$MORGANA" configure -t unix
	run "$MORGANA" build
	assert_rc 0
	run "$MORGANA" configure -t "$T"
	run "$MORGANA" build
	assert_rc 0
	run "$MORGANA" run -t unix -- --add=from-unix
	assert_rc 0
	run "$MORGANA" run -t "$T" -- --add=from-$T
	assert_eq "$OUT" "added note 2
1: from-unix
2: from-$T"
	run "$MORGANA" run -t unix
	assert_out "2: from-$T"
}

t_killed_unix() {
	in_unikernel tests/e2e/store_crash store_crash
	configure_build -t unix
	kill_rounds unix 12
}

run_test notes t_notes
run_test notes_sanitized t_notes_sanitized
run_test killed_unix t_killed_unix
run_on "hvt spt" notes
run_on "hvt spt" notes_unix_then
finish
