#!/usr/bin/env bash
# The read-write store on hvt and spt: a workload whose tender is killed
# with SIGKILL at random moments keeps every step it finished, and each
# restart finds the store at the last step it said or the next.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/store_lib.sh"

t_killed() {
	in_unikernel tests/e2e/store_crash store_crash
	configure_build -t "$T"
	kill_rounds "$T" 12
}

run_on "hvt spt" killed
finish
