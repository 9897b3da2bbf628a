#!/usr/bin/env bash
# morgana build rebuilds what changed and only that, configures again when
# config.c changes, and describe tells the stage of every key.
source "$(dirname "$0")/lib.sh"

compiled() { # the files the last build compiled, on one line
	printf '%s\n' "$OUT" | sed -n 's/^  CC      //p' | sort | tr '\n' ' '
}

t_nothing_changed_nothing_rebuilt() {
	in_copy hello
	run "$MORGANA" configure -t unix
	run "$MORGANA" build
	assert_rc 0
	assert_eq "$(compiled)" "_build/unix/main.c hello.c "
	run "$MORGANA" build
	assert_rc 0
	assert_eq "$(compiled)" ""
	assert_not_out "LD"
	# Configuring again the same way rewrites nothing that make sees.
	run "$MORGANA" configure -t unix
	run "$MORGANA" build
	assert_eq "$(compiled)" ""
}

t_a_changed_source_alone_is_rebuilt() {
	in_copy hello
	run "$MORGANA" configure -t unix
	run "$MORGANA" build
	sleep 0.01
	echo "/* changed */" >>hello.c
	run "$MORGANA" build
	assert_rc 0
	assert_eq "$(compiled)" "hello.c "
	assert_out "LD      dist/hello.unix"
}

t_changed_config_c_configures_again() {
	in_copy hello
	run "$MORGANA" configure -t unix --sanitize
	run "$MORGANA" build
	assert_rc 0
	sleep 0.01
	sed -i 's/"The exit status"/"The exit status (0..255)"/' config.c
	run "$MORGANA" build
	assert_rc 0
	assert_out "morgana: config.c changed: configuring again: morgana configure -t unix --sanitize"
	run "$MORGANA" run -- --help
	assert_out "The exit status (0..255)"
	# The saved --sanitize is still in effect.
	grep -q fsanitize=address _build/unix/flags || fail "lost --sanitize"
}

t_a_saved_key_that_config_c_dropped() {
	in_copy hello
	sed -i 's/mg_app_console(app, mg_default_console(c));/mg_key_bool(c, "loud", false, "Shout");\n\tmg_app_console(app, mg_default_console(c));/' config.c
	run "$MORGANA" configure -t unix --loud
	assert_rc 0
	sleep 0.01
	sed -i '/mg_key_bool(c, "loud"/d' config.c
	run "$MORGANA" build
	assert_rc 1
	assert_out "unknown configure key --loud"
	assert_out "that configure reused the keys of the last one; to change them, run 'morgana configure -t unix' with the keys you want"
	configure_build -t unix
}

t_changed_flags_rebuild_everything() {
	in_copy hello
	run "$MORGANA" configure -t unix
	run "$MORGANA" build
	run "$MORGANA" configure -t unix --sanitize
	run "$MORGANA" build
	assert_rc 0
	assert_eq "$(compiled)" "_build/unix/main.c hello.c "
}

t_describe_tells_the_stages() {
	in_copy random
	run "$MORGANA" describe
	assert_rc 1
	run "$MORGANA" configure -t unix
	run "$MORGANA" describe
	assert_rc 0
	assert_out "unikernel random, target unix"
	assert_out "start: random_start(console, random) from config.c:"
	assert_out_re '^  random +random/chacha +- +mg_random_chacha_connect +config\.c:[0-9]+$'
	assert_out_re '^  STAGE +KEY +VALUE +OWNER +DOC$'
	assert_out_re '^  boot +--count +default 5 \(0\.\.1000\) +application +How many numbers to print$'
	run "$MORGANA" describe --dot
	assert_rc 0
	assert_out 'digraph "random" {'
	assert_out '"random" -> "random" [label = "1"];'
	run "$MORGANA" build -v
	assert_rc 0
	assert_not_out "-fsanitize"
	[ "$(printf '%s\n' "$OUT" | grep -o 'libmgcore\.a' | wc -l)" = 1 ] ||
		fail "libmgcore.a linked twice"
	assert_out_re "^cc .*-c random.c"
}

t_targets_side_by_side() {
	[ -f "$O/share/morgana/mk/hvt.mk" ] || return 0
	in_copy hello
	run "$MORGANA" configure -t unix
	run "$MORGANA" build
	assert_rc 0
	run "$MORGANA" configure -t hvt
	assert_rc 0
	run "$MORGANA" build # the last configured: hvt
	assert_rc 0
	assert_file dist/hello.hvt
	run "$MORGANA" build -t unix # still up to date
	assert_rc 0
	assert_eq "$(compiled)" ""
	run "$MORGANA" configure -t spt
	assert_rc 0
	run "$MORGANA" build
	assert_rc 0
	assert_file dist/hello.spt
	run "$MORGANA" build -t hvt # still up to date
	assert_rc 0
	assert_eq "$(compiled)" ""
	run "$MORGANA" describe -t unix
	assert_out "unikernel hello, target unix"
	run "$MORGANA" describe
	assert_out "unikernel hello, target spt"
	run "$MORGANA" clean
	assert_out "removed dist/hello.unix"
	assert_out "removed dist/hello.hvt"
	assert_out "removed dist/hello.spt"
	assert_no_file dist
}

run_test nothing_changed_nothing_rebuilt t_nothing_changed_nothing_rebuilt
run_test a_changed_source_alone_is_rebuilt t_a_changed_source_alone_is_rebuilt
run_test changed_config_c_configures_again t_changed_config_c_configures_again
run_test a_saved_key_that_config_c_dropped t_a_saved_key_that_config_c_dropped
run_test changed_flags_rebuild_everything t_changed_flags_rebuild_everything
run_test describe_tells_the_stages t_describe_tells_the_stages
run_test targets_side_by_side t_targets_side_by_side
finish
