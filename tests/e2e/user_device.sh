#!/usr/bin/env bash
# The device written in a unikernel's own config.c, as docs/devices.md shows
# it: the files are taken from that page, then configured, built and run.
source "$(dirname "$0")/lib.sh"

# Write each "```c FILE" block of docs/devices.md into FILE, here.
extract() {
	awk '
		/^```c [^ ]+$/ { file = $2; printf "" > file; next }
		/^```/ { file = ""; next }
		file != "" { print >> file }
	' "$ROOT/docs/devices.md"
	for f in config.c ticker.h ticker.c ticks.c; do
		[ -s "$f" ] || fail "docs/devices.md has no block for $f"
	done
}

t_user_device_builds_and_runs() {
	extract
	configure_build -t unix
	assert_out "CC      ticker.c"
	run "$MORGANA" run -- --ticks=2
	assert_rc 0
	assert_eq "$OUT" "tick 1
tick 2
done after 2 ticks"
	run "$MORGANA" run -- --ticks=3 --tick-ms=1
	assert_rc 0
	assert_out "done after 3 ticks"
}

t_user_device_connect_failure() {
	extract
	configure_build -t unix --sanitize
	run "$MORGANA" run -- --tick-ms=0
	assert_rc 1
	assert_eq "$OUT" "device ticker (sleep): connect failed: invalid argument"
}

t_user_device_in_describe() {
	extract
	run "$MORGANA" configure -t unix
	assert_rc 0
	run "$MORGANA" describe
	assert_rc 0
	assert_out_re "^  ticker +ticker/sleep +console,time +ticker_connect +config\.c:[0-9]+$"
	assert_out_re "^  boot +--tick-ms +default 10 \(0\.\.1000\) +ticker +Period of the ticks"
	assert_out_re "^  boot +--ticks +default 3 \(1\.\.100\) +application +How many ticks"
	assert_out "start: ticks_start(console, ticker) from config.c:"
	run "$MORGANA" describe --dot
	assert_out '"ticker" -> "console";'
	assert_out '"ticker" -> "time";'
	assert_out '"ticks" -> "ticker" [label = "1"];'
	run "$MORGANA" run -- --help
	assert_rc 1 # not built yet: run says so
	assert_out "run 'morgana build' first"
}

t_user_device_miswired() {
	extract
	# The typed constructor catches a clock given as the console.
	sed -i 's/ticker_new(c, console, mg_default_time(c))/ticker_new(c, mg_default_time(c), mg_default_time(c))/' config.c
	grep -q 'ticker_new(c, mg_default_time' config.c || fail "sed"
	run "$MORGANA" configure -t unix
	assert_rc 1
	assert_out_re "^config\.c:$(grep -n 'ticker_new(c, mg_default' config.c | cut -d: -f1):[0-9]+: error: .*incompatible pointer type"
}

t_user_device_wrong_connect_signature() {
	extract
	sed -i 's/int64_t period_ms);/int64_t period_ms, int extra);/' ticker.h
	sed -i 's/int64_t period_ms)$/int64_t period_ms, int extra)/' ticker.c
	run "$MORGANA" configure -t unix
	assert_rc 0
	run "$MORGANA" build
	assert_rc 1
	# Reported at the MG_CONNECT line of config.c, not in main.c.
	assert_out_re "^config\.c:$(grep -n 'MG_CONNECT' config.c | cut -d: -f1):[0-9]+: error: too few arguments to function .ticker_connect."
}

t_user_device_missing_header() {
	extract
	sed -i 's/.header = "ticker.h"/.header = "tickr.h"/' config.c
	run "$MORGANA" configure -t unix
	assert_rc 0
	run "$MORGANA" build
	assert_rc 1
	# At the device's description in config.c, not in main.c.
	assert_out_re "^config\.c:$(grep -n 'MG_CONNECT' config.c | cut -d: -f1):[0-9]+: fatal error: tickr\.h: No such file"
	assert_not_out "main.c:"
}

run_test user_device_builds_and_runs t_user_device_builds_and_runs
run_test user_device_connect_failure t_user_device_connect_failure
run_test user_device_in_describe t_user_device_in_describe
run_test user_device_miswired t_user_device_miswired
run_test user_device_wrong_connect_signature t_user_device_wrong_connect_signature
run_test user_device_missing_header t_user_device_missing_header
finish
