# Helpers of tests/e2e/guest.sh and tender.sh (sourced after
# tests/e2e/lib.sh): build the test images of every guest target (hvt,
# spt), a disk and a namespace for the net device, and guest, which runs
# the platform test image of the current target (use_target).
#
# The images build on any machine; a test that runs a guest needs its
# target (need, run_on) and is skipped, with the reason, where the
# machine cannot run it.

ELFMUT=$ROOT/tests/hvt/elfmut.py
# TARGET_test.TARGET declares a network device net0 and a block device disk.
DISK=$E2E_TMP/disk.img
BIND=(--net:net0=tap-test --block:disk="$DISK")
GUEST_TARGETS="hvt spt"

guest_setup_fail() {
	echo "FAIL setup: $*"
	echo "0 passed, 1 failed"
	exit 1
}

for t in $GUEST_TARGETS; do
	if ! make -s -C "$ROOT" O="$O" "$t-tests" >"$E2E_TMP/build.log" 2>&1; then
		tail -n 30 "$E2E_TMP/build.log"
		guest_setup_fail "the $t test images do not build (make $t-tests)"
	fi
done
truncate -s 1M "$DISK" || guest_setup_fail "cannot create $DISK"

# The tender opens (and, missing, creates) the tap of net0: it does so in a
# namespace of its own, removed when the script exits, never in the host's.
source "$ROOT/tests/netlib.sh"
E2E_NAME=guest nl_ns guest
GUEST_NS=$(E2E_NAME=guest nl_name guest)

# guest TEST [ARGS...]: run $TIMG with its devices bound.
guest() {
	run ip netns exec "$GUEST_NS" "$TENDER" "${BIND[@]}" "$TIMG" "$@"
}
