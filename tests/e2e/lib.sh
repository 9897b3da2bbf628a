# Helpers of the end-to-end tests (sourced): tests, assertions, temp dirs.
#
#   source "$(dirname "$0")/lib.sh"
#   t_hello() { in_copy hello; run "$MORGANA" configure -t unix; assert_rc 0; }
#   run_test hello t_hello
#   finish
#
# Each test runs in a subshell inside its own empty temp dir ($TDIR, removed
# afterwards), prints "ok NAME", "FAIL NAME: why" or (a target this machine
# cannot run) "skip NAME: why", and finish prints "N passed, N failed, N
# skipped" and sets the exit status.

# tests/run runs every tests/e2e/*.sh: run alone, this file has no tests.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	echo "lib.sh holds the helpers of the other scripts; no tests of its own"
	echo "0 passed, 0 failed"
	exit 0
fi

set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
O=${O:-_out}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
MORGANA=$O/bin/morgana
E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mg-e2e.XXXXXX")
trap 'rm -rf "$E2E_TMP"' EXIT
E2E_PASS=0
E2E_FAIL=0
E2E_SKIP=0
export LC_ALL=C

# Stop the current test with a message (and the last command's output).
fail() {
	echo "FAIL $E2E_NAME: $*"
	if [ -n "${OUT+x}" ]; then
		echo "  last command: ${CMD:-?} (exit ${RC:-?}), output:"
		printf '%s\n' "$OUT" | head -n 40 | sed 's/^/  | /'
	fi
	exit 1
}

# run CMD...: run it, keep its merged output in $OUT and status in $RC.
run() {
	CMD="$*"
	OUT=$("$@" 2>&1)
	RC=$?
	return 0
}

assert_rc() {
	[ "$RC" = "$1" ] || fail "expected exit status $1, got $RC"
}

assert_out() { # the output contains this text
	case $OUT in *"$1"*) ;; *) fail "output lacks: $1" ;; esac
}

assert_not_out() {
	case $OUT in *"$1"*) fail "output has: $1" ;; *) ;; esac
}

assert_out_re() { # an output line matches this extended regex
	printf '%s\n' "$OUT" | grep -Eq -- "$1" || fail "no output line matches: $1"
}

assert_eq() {
	[ "$1" = "$2" ] || fail "expected '$2', got '$1'"
}

assert_file() {
	[ -f "$1" ] || fail "missing file $1"
}

assert_no_file() {
	[ ! -e "$1" ] || fail "unexpected $1"
}

# in_unikernel DIR NAME: work in a clean copy of ROOT/DIR named NAME,
# without what configure, build and run left there (block device files).
in_unikernel() {
	cp -R "$ROOT/$1" "$TDIR/$2" || fail "cannot copy $1"
	rm -rf "$TDIR/$2/_build" "$TDIR/$2/dist" "$TDIR/$2"/*.img
	cd "$TDIR/$2" || fail "cd"
}

# in_copy EXAMPLE: work in a clean copy of examples/EXAMPLE (storage/block
# is copied to block).
in_copy() {
	in_unikernel "examples/$1" "${1##*/}"
}

# configure_build [ARG...]: morgana configure ARG..., then morgana build;
# both must succeed.
configure_build() {
	run "$MORGANA" configure "$@"
	assert_rc 0
	run "$MORGANA" build
	assert_rc 0
}

# build_example EXAMPLE DIR TARGET [FLAG...]: a copy of examples/EXAMPLE in
# DIR, configured for TARGET with FLAGs and built, the tool's output in
# DIR.log. Its status is the build's; callers that build up front check
# for the image when they use it and show DIR.log.
build_example() {
	local ex=$1 dir=$2 target=$3
	shift 3
	mkdir -p "$dir"
	cp -R "$ROOT/examples/$ex/." "$dir/" && rm -rf "$dir/_build" "$dir/dist"
	(cd "$dir" && "$MORGANA" configure -t "$target" "$@" &&
		"$MORGANA" build) >"$dir.log" 2>&1
}

# Targets. unix always runs; hvt needs a usable /dev/kvm, spt a recent
# Linux x86-64 with seccomp. tests/targets.sh
# holds the checks, shared with scripts/check's opening report.
source "$ROOT/tests/targets.sh"

# target_ready TARGET: the machine runs TARGET and, for a guest target,
# its tender and build rules are built; else false with the reason in
# $TARGET_WHY.
target_ready() {
	mg_target_ready "$1" || {
		TARGET_WHY=$MG_TARGET_WHY
		return 1
	}
	case $1 in
	hvt | spt)
		[ -x "$O/bin/morgana-$1" ] && [ -f "$O/share/morgana/mk/$1.mk" ] || {
			TARGET_WHY="morgana-$1 or share/morgana/mk/$1.mk is not built"
			return 1
		}
		;;
	esac
}

# use_target TARGET: T, and for a guest target (hvt, spt) its tender
# $TENDER and the test images of tests/guest/module.mk: $TIMG (the
# platform test, argv[1] picks a test) and $HELLO.
use_target() {
	T=$1
	TENDER=$O/bin/morgana-$T
	IMG=$O/tests/$T
	TIMG=$IMG/${T}_test.$T
	HELLO=$IMG/hello.$T
}

# run_on "TARGET..." NAME...: run_test NAME_TARGET for each NAME and
# TARGET, with use_target TARGET done, each skipped with the reason where
# TARGET cannot run. The test is t_NAME_on where a script has one (beside
# a unix test t_NAME), else t_NAME; it finds its target in $T.
run_on() {
	local targets=$1 t name fn
	shift
	for t in $targets; do
		for name in "$@"; do
			fn=t_$name
			declare -F "t_${name}_on" >/dev/null && fn=t_${name}_on
			E2E_NEED=$t E2E_TARGET=$t run_test "${name}_$t" "$fn"
		done
	done
}

# skip WHY: end the current test as skipped. Only for a target that this
# machine cannot run (need); nothing else is ever skipped.
skip() {
	echo "skip $E2E_NAME: $*"
	exit 77
}

# need TARGET: skip the current test unless TARGET runs here.
need() {
	target_ready "$1" || skip "needs target $1: $TARGET_WHY"
}

# run_test NAME FUNCTION: the test passes when FUNCTION returns, fails
# (fail) or is skipped (need, skip). E2E_NEED=TARGET run_test ... needs
# TARGET before FUNCTION starts.
run_test() {
	# E2E_ONLY=REGEX runs only the tests whose names match.
	if [ -n "${E2E_ONLY:-}" ] && ! [[ $1 =~ $E2E_ONLY ]]; then
		return 0
	fi
	E2E_NAME=$1
	TDIR=$E2E_TMP/$1
	mkdir -p "$TDIR"
	local start=$SECONDS
	(
		cd "$TDIR" || exit 1
		unset OUT
		[ -z "${E2E_TARGET:-}" ] || use_target "$E2E_TARGET"
		[ -z "${E2E_NEED:-}" ] || need "$E2E_NEED"
		"$2"
	)
	case $? in
	0)
		echo "ok $1 ($((SECONDS - start)) s)"
		E2E_PASS=$((E2E_PASS + 1))
		;;
	77) E2E_SKIP=$((E2E_SKIP + 1)) ;;
	*) E2E_FAIL=$((E2E_FAIL + 1)) ;;
	esac
	rm -rf "$TDIR"
}

finish() {
	echo "$E2E_PASS passed, $E2E_FAIL failed, $E2E_SKIP skipped"
	[ "$E2E_FAIL" -eq 0 ]
	exit
}

[ -x "$MORGANA" ] || {
	echo "FAIL setup: $MORGANA is missing: run make first"
	echo "0 passed, 1 failed"
	exit 1
}
