#!/usr/bin/env bash
# The storage examples (examples/storage/block and kv_ro), configured,
# built and run from clean copies on unix, under ASan+UBSan, and on hvt.
source "$(dirname "$0")/lib.sh"

block() { # $1: configure flags, $2: target
	in_copy storage/block
	configure_build -t ${2:-unix} $1
	run "$MORGANA" run
	assert_rc 0
	assert_out "created disk.img (1048576 bytes of zeros) for block device 'disk'"
	assert_out "disk: 2048 sectors of 512 bytes"
	assert_out "past the end: MG_ERANGE; misaligned: MG_EINVAL"
	assert_out "pattern (seed 1) written and read back from 2048 sectors: ok"
	# The pattern is in the host file: the next boot finds it.
	run "$MORGANA" run -- --verify-only
	assert_rc 0
	assert_not_out "created"
	assert_out "pattern (seed 1) found and read back from 2048 sectors: ok"
	run "$MORGANA" run -- --verify-only --seed=2
	assert_rc 1
	assert_out "sector 0: pattern mismatch"
	run "$MORGANA" run -- --seed=9 --batch=7
	assert_rc 0
	python3 - <<-'EOF' || fail "disk.img does not hold seed 9's pattern"
		import struct
		d = open('disk.img', 'rb').read()
		k = (9 * 0x9e3779b97f4a7c15) % 2**64
		for s in (0, 1000, 2047):
		    for j in (0, 63):
		        w, = struct.unpack_from('<Q', d, s * 512 + j * 8)
		        assert w == ((s << 32) | j) ^ k, (s, j)
	EOF
	# Another file, bound by hand.
	truncate -s 64K other.img
	run "$MORGANA" run --block:disk=other.img
	assert_rc 0
	assert_out "disk: 128 sectors of 512 bytes"
	truncate -s 1000 odd.img
	# Refused by the unix image's connect (1), or by the tender (64).
	run "$MORGANA" run --block:disk=odd.img
	[ "$RC" = 1 ] || [ "$RC" = 64 ] || fail "odd.img accepted (exit $RC)"
	assert_out "whole number of 512-byte sectors"
	run "$MORGANA" run --block:disc=other.img
	assert_rc 64
	assert_out "no block device named 'disc'"
}
t_block() { block ""; }
t_block_sanitized() { block --sanitize; }
t_block_on() { block "" "$T"; }

kv_ro() { # $1: configure flags, $2: target
	local t=${2:-unix}
	in_copy storage/kv_ro
	configure_build -t $t $1
	assert_file dist/kv_ro-data.tar
	run "$MORGANA" run
	assert_rc 0
	local sum
	sum=$(sha256sum data/docs/nested/deep.txt | cut -c1-64)
	local kinds="crunch tar"
	[ "$t" = unix ] && kinds="crunch tar fs"
	for k in $kinds; do
		assert_out "$k: 4 files, 108 bytes"
		assert_out "hello.txt of $k: Hello from a kv_ro store!"
	done
	[ "$(printf '%s\n' "$OUT" | grep -c "  docs/nested/deep.txt 18 bytes sha256 $sum")" = \
		"$(echo $kinds | wc -w)" ] || fail "each store lists deep.txt with its digest"
	[ "$(printf '%s\n' "$OUT" | grep -c '^  docs/$')" = "$(echo $kinds | wc -w)" ] ||
		fail "each store lists docs/"
	run "$MORGANA" run -- --show=docs/nested/deep.txt
	assert_rc 0
	assert_out "docs/nested/deep.txt of tar: three levels down"
	run "$MORGANA" run -- --show=nope
	assert_rc 1
	assert_out "nope: no such entry"
}
t_kv_ro() { kv_ro ""; }
t_kv_ro_sanitized() { kv_ro --sanitize; }
t_kv_ro_on() { kv_ro "" "$T"; }

run_test block t_block
run_test block_sanitized t_block_sanitized
run_test kv_ro t_kv_ro
run_test kv_ro_sanitized t_kv_ro_sanitized
run_on "hvt spt" block kv_ro
finish
