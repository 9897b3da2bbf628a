#!/usr/bin/env bash
# The morgana command's own errors: each says what went wrong and what to do.
source "$(dirname "$0")/lib.sh"

t_version_and_help() {
	run "$MORGANA" --version
	assert_rc 0
	assert_out_re '^morgana [0-9]+\.[0-9]+\.[0-9]+$'
	run "$MORGANA" help
	assert_rc 0
	for c in configure build run describe clean new help; do
		assert_out_re "^  $c "
	done
	for c in configure build run describe clean new; do
		run "$MORGANA" help $c
		assert_rc 0
		assert_out "usage: morgana $c"
		run "$MORGANA" $c --help
		assert_rc 0
		assert_out "usage: morgana $c"
	done
	run "$MORGANA"
	assert_rc 64
	assert_out "usage: morgana"
}

t_unknown_command() {
	run "$MORGANA" biuld
	assert_rc 64
	assert_out "unknown command 'biuld' (did you mean 'build'?)"
	run "$MORGANA" --frobnicate
	assert_rc 64
	assert_out "unknown option '--frobnicate'"
}

t_no_config_c() {
	for c in "configure -t unix" build run describe; do
		run "$MORGANA" $c
		assert_rc 1
		assert_out "no config.c in $TDIR: run 'morgana new NAME' to start one"
	done
}

t_unknown_target() {
	in_copy hello
	run "$MORGANA" configure -t hvx
	assert_rc 64
	assert_out "unknown target 'hvx'; known targets: "
	assert_out_re "known targets: .*unix"
	run "$MORGANA" build -t hvx
	assert_rc 64
	assert_out "unknown target 'hvx'"
	run "$MORGANA" configure -t
	assert_rc 64
	assert_out "-t needs a target"
}

t_build_before_configure() {
	in_copy hello
	for c in build run describe; do
		run "$MORGANA" $c
		assert_rc 1
		assert_out "nothing is configured in $TDIR/hello: run 'morgana configure -t unix' first"
	done
}

t_run_before_build() {
	in_copy hello
	run "$MORGANA" configure -t unix
	assert_rc 0
	run "$MORGANA" run
	assert_rc 1
	assert_out "no image dist/hello.unix yet: run 'morgana build' first"
	run "$MORGANA" run --greeting=x
	assert_rc 64
	assert_out "boot arguments go after '--': morgana run -- --greeting=x"
}

# A unikernel with configure-time keys.
keyed() {
	mkdir keyed && cd keyed || fail cd
	cat >config.c <<'C'
#include <mg/config.h>
#include <stdio.h>

void mg_configure(mg_config *c)
{
	const char *mode = mg_key_choice(c, "mode", "loud", "loud|quiet",
					 "How to greet");
	long long count = mg_key_int(c, "count", 2, "Greetings per run");
	mg_app *app = mg_main(c, "keyed", "keyed_start");
	mg_app_source(app, "keyed.c");
	char flags[64];
	snprintf(flags, sizeof(flags), "-DQUIET=%d -DCOUNT=%lld",
		 mode[0] == 'q', count);
	mg_app_cflags(app, flags);
	mg_boot_string(c, "who", "you", "Who to greet");
	mg_app_console(app, mg_default_console(c));
}
C
	cat >keyed.c <<'C'
#include <mg/mg.h>
#include "mg_app.h"
int keyed_start(mg_console *console)
{
	for (int i = 0; i < COUNT; i++)
		mg_console_printf(console, QUIET ? "hi %s\n" : "HELLO %s!\n",
				  mg_keys.who);
	return 0;
}
C
}

t_configure_keys() {
	keyed
	configure_build -t unix --mode=quiet --count=3
	run "$MORGANA" run -- --who=Ada
	assert_rc 0
	assert_eq "$OUT" "hi Ada
hi Ada
hi Ada"
	run "$MORGANA" describe
	assert_out_re '^  configure +--mode +quiet +config\.c:6 +How to greet$'
	assert_out_re '^  configure +--count +3 +config\.c:8 +Greetings per run$'
	assert_out_re '^  boot +--who +default "you" +application +Who to greet$'
}

t_bad_configure_keys() {
	keyed
	run "$MORGANA" configure -t unix --mode=whisper
	assert_rc 1
	assert_out "error: --mode=whisper: not a valid choice (choose one of loud|quiet)"
	assert_out "configure failed for target unix"
	run "$MORGANA" configure -t unix --count=many
	assert_rc 1
	assert_out "error: --count=many: not an integer"
	run "$MORGANA" configure -t unix --cuont=3
	assert_rc 1
	assert_out "unknown configure key --cuont (did you mean --count?); the configure keys of this unikernel are --mode, --count"
	run "$MORGANA" configure -t unix --who=Ada
	assert_rc 1
	assert_out "--who is a boot-time key (of the application, declared at config.c:15), not a configure key: give it when the image starts, as in 'morgana run -- --who=Ada'"
	run "$MORGANA" configure -t unix stray
	assert_rc 64
	assert_out "unexpected argument 'stray'"
}

t_configure_help_lists_both_stages() {
	keyed
	run "$MORGANA" configure --help
	assert_rc 0
	assert_out "usage: morgana configure"
	assert_out "Configure-time keys of this unikernel (morgana configure -t unix --NAME=VALUE):"
	assert_out_re '^  --mode=loud\|quiet +How to greet \(default: loud\)$'
	assert_out_re '^  --count=INT +Greetings per run \(default: 2\)$'
	assert_out "Boot-time keys (not for configure"
	assert_out_re '^  --who=STRING +Who to greet \(default "you"\) \[application\]$'
}

t_configure_key_given_at_run() {
	keyed
	configure_build -t unix
	run "$MORGANA" run -- --mode=quiet
	assert_rc 64
	assert_out "--mode=quiet is a configure-time key: it is fixed when the image is built, not at boot. Run"
	assert_out "morgana configure -t unix --mode=quiet && morgana build"
	# The image itself refuses it too, as an unknown boot argument.
	run ./dist/keyed.unix --mode=quiet
	assert_rc 64
}

t_work_elsewhere_with_C() {
	in_copy hello
	cd .. || fail cd
	run "$MORGANA" -C hello configure -t unix
	assert_rc 0
	run "$MORGANA" -C hello build
	assert_rc 0
	assert_file hello/dist/hello.unix
	run "$MORGANA" -C nowhere build
	assert_rc 1
	assert_out "-C nowhere: No such file or directory"
}

t_clean() {
	in_copy hello
	run "$MORGANA" clean
	assert_rc 0
	assert_out "nothing to clean"
	run "$MORGANA" configure -t unix
	run "$MORGANA" build
	assert_rc 0
	mkdir -p dist && echo keep >dist/notes.txt
	run "$MORGANA" clean
	assert_rc 0
	assert_out "removed dist/hello.unix"
	assert_no_file _build
	assert_no_file dist/hello.unix
	assert_file dist/notes.txt
	rm dist/notes.txt
	run "$MORGANA" configure -t unix
	run "$MORGANA" build
	run "$MORGANA" clean
	assert_no_file dist
}

run_test version_and_help t_version_and_help
run_test unknown_command t_unknown_command
run_test no_config_c t_no_config_c
run_test unknown_target t_unknown_target
run_test build_before_configure t_build_before_configure
run_test run_before_build t_run_before_build
run_test configure_keys t_configure_keys
run_test bad_configure_keys t_bad_configure_keys
run_test configure_help_lists_both_stages t_configure_help_lists_both_stages
run_test configure_key_given_at_run t_configure_key_given_at_run
run_test work_elsewhere_with_C t_work_elsewhere_with_C
run_test clean t_clean
finish
