#!/usr/bin/env bash
# The read-write store on hvt: a workload whose tender is killed with
# SIGKILL at random moments keeps every step it finished, and each restart
# finds the store at the last step it said or the next.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/store_lib.sh"

t_killed_hvt() {
	in_unikernel tests/e2e/store_crash store_crash
	run "$MORGANA" configure -t hvt
	assert_rc 0
	run "$MORGANA" build
	assert_rc 0
	kill_rounds hvt 12
}

t_hvt_unusable() {
	fail "/dev/kvm is not usable read-write here, or morgana-hvt is not built"
}

if hvt_ready; then
	run_test killed_hvt t_killed_hvt
else
	run_test killed_hvt t_hvt_unusable
fi
finish
