#!/usr/bin/env bash
# A clean exit disconnects the devices: a buffered store (--NAME-durable
# =false) keeps a change made just before start() returns, or before a
# fiber calls mg_exit(); on unix and hvt. (The DHCP release on exit is
# checked by net_dhcp.sh.)
source "$(dirname "$0")/lib.sh"

# examples/storage/notes: adds are batches (durable anyway); a remove is
# one buffered change, lost at exit unless the store is synced.
notes_buffered() { # TARGET
	in_copy storage/notes
	configure_build -t "$1"
	run "$MORGANA" run -t "$1" -- --add=first
	assert_rc 0
	run "$MORGANA" run -t "$1" -- --add=second
	assert_rc 0
	run "$MORGANA" run -t "$1" -- --notes-durable=false --remove=1
	assert_rc 0
	assert_out "removed note 1"
	run "$MORGANA" run -t "$1" -- --notes-durable=false
	assert_rc 0
	assert_eq "$OUT" "2: second"
}

exit_call() { # TARGET
	in_unikernel tests/e2e/exit_app exit_app
	configure_build -t "$1"
	run "$MORGANA" run -t "$1" -- --store-durable=false "--set=kept by exit" \
		--status=3
	assert_rc 3
	assert_out "set: success"
	assert_not_out "start resumed"
	run "$MORGANA" run -t "$1"
	assert_rc 0
	assert_out "k=kept by exit"
}

t_notes_buffered_unix() { notes_buffered unix; }
t_notes_buffered_on() { notes_buffered "$T"; }
t_exit_call_unix() { exit_call unix; }
t_exit_call_on() { exit_call "$T"; }

run_test notes_buffered_unix t_notes_buffered_unix
run_test exit_call_unix t_exit_call_unix
run_on "hvt spt" notes_buffered exit_call
finish
