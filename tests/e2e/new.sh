#!/usr/bin/env bash
# morgana new: the starter unikernel configures, builds and runs as made.
source "$(dirname "$0")/lib.sh"

t_new_runs_as_generated() {
	run "$MORGANA" new hi
	assert_rc 0
	assert_out "created hi/ with config.c and hi.c"
	assert_file hi/config.c
	assert_file hi/hi.c
	cd hi || fail cd
	configure_build -t unix
	assert_file dist/hi.unix
	run "$MORGANA" run
	assert_rc 0
	assert_eq "$OUT" "Hello, World!
hi slept 10 ms and stops."
	run "$MORGANA" run -- --name=Morgana
	assert_out "Hello, Morgana!"
}

t_new_with_a_dash_under_sanitizers() {
	run "$MORGANA" new my-app
	assert_rc 0
	grep -q 'my_app_start' my-app/config.c || fail "start function not my_app_start"
	cd my-app || fail cd
	configure_build -t unix --sanitize
	run "$MORGANA" run
	assert_rc 0
	assert_out "my-app slept 10 ms and stops."
}

t_new_refuses() {
	mkdir taken
	run "$MORGANA" new taken
	assert_rc 1
	assert_out "new: $TDIR/taken already exists: pick another name or remove it"
	run "$MORGANA" new "Bad Name"
	assert_rc 64
	assert_out "'Bad Name' is not a good unikernel name"
	run "$MORGANA" new
	assert_rc 64
	assert_out "give one NAME: morgana new NAME"
	run "$MORGANA" -C taken new inner
	assert_rc 0
	assert_file taken/inner/config.c
}

run_test new_runs_as_generated t_new_runs_as_generated
run_test new_with_a_dash_under_sanitizers t_new_with_a_dash_under_sanitizers
run_test new_refuses t_new_refuses
finish
