# Helpers of the end-to-end tests (sourced): tests, assertions, temp dirs.
#
#   source "$(dirname "$0")/lib.sh"
#   t_hello() { in_copy hello; run "$MORGANA" configure -t unix; assert_rc 0; }
#   run_test hello t_hello
#   finish
#
# Each test runs in a subshell inside its own empty temp dir ($TDIR, removed
# afterwards), prints "ok NAME" or "FAIL NAME: why", and finish prints
# "N passed, N failed" and sets the exit status.

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

# in_copy EXAMPLE: work in a clean copy of examples/EXAMPLE.
in_copy() {
	cp -R "$ROOT/examples/$1" "$TDIR/$1" || fail "cannot copy examples/$1"
	rm -rf "$TDIR/$1/_build" "$TDIR/$1/dist"
	cd "$TDIR/$1" || fail "cd"
}

# run_test NAME FUNCTION
run_test() {
	E2E_NAME=$1
	TDIR=$E2E_TMP/$1
	mkdir -p "$TDIR"
	local start=$SECONDS
	(
		cd "$TDIR" || exit 1
		unset OUT
		"$2"
	)
	if [ $? -eq 0 ]; then
		echo "ok $1 ($((SECONDS - start)) s)"
		E2E_PASS=$((E2E_PASS + 1))
	else
		E2E_FAIL=$((E2E_FAIL + 1))
	fi
	rm -rf "$TDIR"
}

finish() {
	echo "$E2E_PASS passed, $E2E_FAIL failed"
	[ "$E2E_FAIL" -eq 0 ]
	exit
}

[ -x "$MORGANA" ] || {
	echo "FAIL setup: $MORGANA is missing: run make first"
	echo "0 passed, 1 failed"
	exit 1
}
