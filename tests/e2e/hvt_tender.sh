#!/usr/bin/env bash
# morgana-hvt's own behaviour: options, images it refuses (each broken one
# way by tests/hvt/elfmut.py) and device bindings checked against the
# image's manifest, all before the guest runs: without KVM too, but for
# the tests that run a guest or need its memory (need hvt).
source "$(dirname "$0")/lib.sh"
source "$ROOT/tests/hvt/lib.sh"

t_help() {
	run "$HVT" --help
	assert_rc 0
	assert_out "usage: morgana-hvt [OPTIONS] IMAGE [BOOT ARGUMENTS...]"
	assert_out "--net:NAME=TAP"
	run "$HVT" --version
	assert_rc 0
	assert_out "hvt ABI"
}

t_bad_options() {
	run "$HVT"
	assert_rc 64
	assert_out "no image given"
	run "$HVT" --frobnicate "$IMG/hello.hvt"
	assert_rc 64
	assert_out "unknown option '--frobnicate'"
	for m in 1 abc 5000 -3 ""; do
		run "$HVT" --mem=$m "$IMG/hello.hvt"
		assert_rc 64
		assert_out "memory is a number of MiB from 2 to 4096"
	done
	run "$HVT" --net:=x "$IMG/hello.hvt"
	assert_rc 64
}

t_missing_image() {
	run "$HVT" nothing-here.hvt
	assert_rc 252
	assert_out "nothing-here.hvt: cannot open the image"
}

# refuse MUTATION MESSAGE: the tender refuses hello.hvt broken that way.
refuse() {
	python3 "$ELFMUT" "$1" "$IMG/hello.hvt" "$1.hvt" || fail "elfmut.py $1"
	run "$HVT" "$1.hvt"
	assert_rc 252
	assert_out "$1.hvt: $2"
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
	need hvt
	# The image refused with 16 MiB runs with more.
	python3 "$ELFMUT" too-big "$IMG/hello.hvt" big.hvt || fail "elfmut.py"
	run "$HVT" --mem=128 big.hvt
	assert_rc 0
	assert_out "Hello from Morgana"
}

t_refuse_linux_binary() {
	run "$HVT" /bin/true
	assert_rc 252
	assert_out "not a static executable"
}

t_binding_missing() {
	run "$HVT" --block:disk="$DISK" "$IMG/hvt_test.hvt" exit 0
	assert_rc 64
	assert_out "the image needs network device 'net0': add --net:net0=TAP"
	run "$HVT" --net:net0=tap0 "$IMG/hvt_test.hvt" exit 0
	assert_rc 64
	assert_out "the image needs block device 'disk': add --block:disk=FILE"
}

t_binding_unknown() {
	run "$HVT" "${BIND[@]}" --net:eth9=tap0 "$IMG/hvt_test.hvt" exit 0
	assert_rc 64
	assert_out "--net:eth9: the image has no network device named 'eth9' (its devices: net0 (network), disk (block))"
	run "$HVT" --net:net0=tap0 "$IMG/hello.hvt"
	assert_rc 64
	assert_out "its devices: none"
}

t_binding_duplicate_or_wrong_kind() {
	run "$HVT" "${BIND[@]}" --block:disk="$DISK" "$IMG/hvt_test.hvt" exit 0
	assert_rc 64
	assert_out "--block:disk: device 'disk' is bound twice"
	run "$HVT" --net:net0=t --net:disk=t "$IMG/hvt_test.hvt" exit 0
	assert_rc 64
	assert_out "'disk' is a block device: bind it with --block:disk=..."
	run "$HVT" --net:net0= --block:disk="$DISK" "$IMG/hvt_test.hvt" exit 0
	assert_rc 64
	assert_out "missing tap name"
}

t_binding_block_file() {
	need hvt # the tender opens the files after KVM
	run "$HVT" --net:net0=t --block:disk=no/such/file "$IMG/hvt_test.hvt" exit 0
	assert_rc 64
	assert_out "--block:disk: cannot open 'no/such/file'"
	guest exit 5
	assert_rc 5
}

t_boot_arguments_too_long() {
	local long
	long=$(head -c 9000 /dev/zero | tr '\0' x)
	run "$HVT" "$IMG/hello.hvt" "$long"
	assert_rc 64
	assert_out "boot arguments too long"
}

run_test help t_help
run_test bad_options t_bad_options
run_test missing_image t_missing_image
run_test refuse_truncated t_refuse_truncated
run_test refuse_not_x86_64 t_refuse_not_x86_64
run_test refuse_bad_segments t_refuse_bad_segments
run_test refuse_entry_interp_manifest t_refuse_entry_interp_manifest
run_test more_memory_fits t_more_memory_fits
run_test refuse_linux_binary t_refuse_linux_binary
run_test binding_missing t_binding_missing
run_test binding_unknown t_binding_unknown
run_test binding_duplicate_or_wrong_kind t_binding_duplicate_or_wrong_kind
run_test binding_block_file t_binding_block_file
run_test boot_arguments_too_long t_boot_arguments_too_long
finish
