#!/usr/bin/env bash
# `morgana run --mem=MiB` and mg_hvt_mem() in config.c: an hvt image whose
# crunched data exceeds the tender's default 16 MiB runs with either;
# --mem is refused on unix and out of range.
source "$(dirname "$0")/lib.sh"

# 20 MiB of data ending with 'Z', crunched into the image.
big_app() {
	in_unikernel tests/e2e/mem_app mem_app
	mkdir -p data
	{ head -c $((20 * 1024 * 1024 - 1)) /dev/zero; printf Z; } >data/big
}

t_unix_refuses_mem() {
	in_copy hello
	configure_build -t unix
	run "$MORGANA" run --mem=64
	assert_rc 64
	assert_out "--mem sets the memory of an hvt or spt guest"
	run "$MORGANA" run
	assert_rc 0
}

t_bad_mem() {
	in_copy hello
	configure_build -t unix
	for v in 1 4097 abc 64k ""; do
		run "$MORGANA" run --mem="$v"
		assert_rc 64
		assert_out "run: --mem=$v: give the guest's memory in MiB"
	done
}

t_mem_config_bounds() {
	big_app
	run "$MORGANA" configure -t hvt --guest-mem=5000
	assert_rc 1
	assert_out "mg_hvt_mem: 5000 MiB is out of range (2 to 4096)"
}

t_guest_mem() {
	big_app
	configure_build -t "$T"
	# The tender's default is too small for the image: refused.
	run "$MORGANA" run
	assert_rc 252
	assert_out "see --mem"
	run "$MORGANA" run --mem=64
	assert_rc 0
	assert_out "big: 20971520 bytes, ending with 'Z'"
	# Asked for in config.c: `morgana run` alone; --mem still overrides.
	configure_build -t "$T" --guest-mem=64
	run "$MORGANA" run
	assert_rc 0
	assert_out "big: 20971520 bytes, ending with 'Z'"
	run "$MORGANA" run --mem=17
	assert_rc 252
	assert_out "see --mem"
	# The same config.c on unix: mg_hvt_mem() does not matter there.
	configure_build -t unix --guest-mem=64
	run "$MORGANA" run
	assert_rc 0
	assert_out "big: 20971520 bytes"
}

run_test unix_refuses_mem t_unix_refuses_mem
run_test bad_mem t_bad_mem
run_test mem_config_bounds t_mem_config_bounds
run_on "hvt spt" guest_mem
finish
