# Helpers of tests/e2e/hvt_*.sh (sourced after tests/e2e/lib.sh): build the
# test images, check that KVM is usable, and shorthands to run the tender.
#
# The images build on any machine; a test that runs a guest needs a usable
# /dev/kvm (need hvt, tests/e2e/lib.sh) and is skipped, with the reason,
# where there is none.

HVT=$O/bin/morgana-hvt
IMG=$O/tests/hvt
ELFMUT=$ROOT/tests/hvt/elfmut.py
# hvt_test.hvt declares a network device net0 and a block device disk.
DISK=$E2E_TMP/disk.img
BIND=(--net:net0=tap-test --block:disk="$DISK")

hvt_setup_fail() {
	echo "FAIL setup: $*"
	echo "0 passed, 1 failed"
	exit 1
}

if ! make -s -C "$ROOT" O="$O" hvt-tests >"$E2E_TMP/build.log" 2>&1; then
	tail -n 30 "$E2E_TMP/build.log"
	hvt_setup_fail "the hvt test images do not build (make hvt-tests)"
fi
truncate -s 1M "$DISK" || hvt_setup_fail "cannot create $DISK"

# The tender opens (and, missing, creates) the tap of net0: it does so in a
# namespace of its own, removed when the script exits, never in the host's.
source "$ROOT/tests/netlib.sh"
E2E_NAME=hvt nl_ns guest
HVT_NS=$(E2E_NAME=hvt nl_name guest)

# guest TEST [ARGS...]: run hvt_test.hvt with its devices bound.
guest() {
	run ip netns exec "$HVT_NS" "$HVT" "${BIND[@]}" "$IMG/hvt_test.hvt" "$@"
}
