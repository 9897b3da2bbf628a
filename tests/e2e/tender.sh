#!/usr/bin/env bash
# The tenders' own behaviour (morgana-hvt, morgana-spt): options, images
# they refuse (each broken one way by tests/hvt/elfmut.py) and device
# bindings checked against the image's manifest, all before the guest
# runs, so without the target too; the tests that run a guest need it.
source "$(dirname "$0")/lib.sh"
source "$ROOT/tests/guest/lib.sh"

t_help() {
	run "$TENDER" --help
	assert_rc 0
	assert_out "usage: morgana-$T [OPTIONS] IMAGE [BOOT ARGUMENTS...]"
	assert_out "--net:NAME=TAP"
	run "$TENDER" --version
	assert_rc 0
	assert_out "$T ABI"
}

t_bad_options() {
	run "$TENDER"
	assert_rc 64
	assert_out "no image given"
	run "$TENDER" --frobnicate "$HELLO"
	assert_rc 64
	assert_out "unknown option '--frobnicate'"
	for m in 1 abc 5000 -3 ""; do
		run "$TENDER" --mem=$m "$HELLO"
		assert_rc 64
		assert_out "memory is a number of MiB from 2 to 4096"
	done
	run "$TENDER" --net:=x "$HELLO"
	assert_rc 64
}

t_missing_image() {
	run "$TENDER" nothing-here.hvt
	assert_rc 252
	assert_out "nothing-here.hvt: cannot open the image"
}

# refuse MUTATION MESSAGE: the tender refuses hello.hvt broken that way.
refuse() {
	python3 "$ELFMUT" "$1" "$HELLO" "$1.$T" || fail "elfmut.py $1"
	run "$TENDER" "$1.$T"
	assert_rc 252
	assert_out "$1.$T: $2"
}

t_refuse_truncated() {
	refuse truncated-header "is truncated: 40 bytes, too short for an ELF header"
	refuse truncated-segment "is truncated: segment 1"
}

t_refuse_not_x86_64() {
	refuse not-elf "not an ELF file"
	refuse class32 "not a 64-bit ELF file"
	refuse big-endian "not a little-endian ELF file"
	refuse machine "built for machine 183, not x86-64"
	refuse dyn "not a static executable"
}

t_refuse_bad_segments() {
	refuse wx "segment 0 is writable and executable"
	refuse overlap "segment 1 overlaps segment 0"
	refuse descending "segment 2 is not in ascending address order"
	refuse below-base "segment 0 starts at 0x1000, below the load address 0x100000"
	refuse too-big "segment 2 (0x"
	assert_out "does not fit in guest memory (16 MiB; see --mem)"
	refuse filesz "segment 2: file size"
	refuse unaligned "segment 1: address"
	assert_out "is not page-aligned"
}

t_refuse_entry_interp_manifest() {
	refuse entry "entry point 0x"
	assert_out "is not in an executable segment"
	refuse interp "is dynamically linked"
	refuse no-manifest "has no Morgana manifest note"
}

t_more_memory_fits() {
	need "$T"
	# The image refused with 16 MiB runs with more.
	python3 "$ELFMUT" too-big "$HELLO" big.hvt || fail "elfmut.py"
	run "$TENDER" --mem=128 big.hvt
	assert_rc 0
	assert_out "Hello from Morgana"
}

t_refuse_linux_binary() {
	run "$TENDER" /bin/true
	assert_rc 252
	assert_out "not a static executable"
}

t_binding_missing() {
	run "$TENDER" --block:disk="$DISK" "$TIMG" exit 0
	assert_rc 64
	assert_out "the image needs network device 'net0': add --net:net0=TAP"
	run "$TENDER" --net:net0=tap0 "$TIMG" exit 0
	assert_rc 64
	assert_out "the image needs block device 'disk': add --block:disk=FILE"
}

t_binding_unknown() {
	run "$TENDER" "${BIND[@]}" --net:eth9=tap0 "$TIMG" exit 0
	assert_rc 64
	assert_out "--net:eth9: the image has no network device named 'eth9' (its devices: net0 (network), disk (block))"
	run "$TENDER" --net:net0=tap0 "$HELLO"
	assert_rc 64
	assert_out "its devices: none"
}

t_binding_duplicate_or_wrong_kind() {
	run "$TENDER" "${BIND[@]}" --block:disk="$DISK" "$TIMG" exit 0
	assert_rc 64
	assert_out "--block:disk: device 'disk' is bound twice"
	run "$TENDER" --net:net0=t --net:disk=t "$TIMG" exit 0
	assert_rc 64
	assert_out "'disk' is a block device: bind it with --block:disk=..."
	run "$TENDER" --net:net0= --block:disk="$DISK" "$TIMG" exit 0
	assert_rc 64
	assert_out "missing tap name"
}

t_binding_block_file() {
	run "$TENDER" --net:net0=t --block:disk=no/such/file "$TIMG" exit 0
	assert_rc 64
	assert_out "--block:disk: cannot open 'no/such/file'"
}

# Bound to a file that is there, the guest runs.
t_bound_block_file_runs() {
	need "$T"
	guest exit 5
	assert_rc 5
}

t_boot_arguments_too_long() {
	local long
	long=$(head -c 9000 /dev/zero | tr '\0' x)
	run "$TENDER" "$HELLO" "$long"
	assert_rc 64
	assert_out "boot arguments too long"
}

# Each with both tenders: what runs no guest needs no target.
for t in $GUEST_TARGETS; do
	for n in help bad_options missing_image refuse_truncated \
		refuse_not_x86_64 refuse_bad_segments \
		refuse_entry_interp_manifest more_memory_fits refuse_linux_binary \
		binding_missing binding_unknown binding_duplicate_or_wrong_kind \
		binding_block_file bound_block_file_runs boot_arguments_too_long; do
		E2E_TARGET=$t run_test "${n}_$t" "t_$n"
	done
done
finish
