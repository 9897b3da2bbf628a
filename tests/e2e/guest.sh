#!/usr/bin/env bash
# The guest platforms (hvt, spt) under their real tenders: exit statuses,
# faults and their reports, the stack canary and guard pages, clocks,
# sleeping, the heap, entropy, devices, and the hello unikernel on core/;
# then what only one of them has: hvt's hypercalls, SSE and triple fault,
# and the system calls spt's seccomp filter stops.
source "$(dirname "$0")/lib.sh"
source "$ROOT/tests/guest/lib.sh"

t_exit_status() {
	for s in 0 7 255; do
		guest exit $s
		assert_rc $s
	done
}

t_hello() {
	run "$TENDER" "$HELLO"
	assert_rc 0
	assert_out "Hello from Morgana"
	run "$TENDER" "$HELLO" --greeting="two words" --status=3
	assert_rc 3
	assert_out "two words"
}

t_hello_help() {
	run "$TENDER" "$HELLO" --help
	assert_rc 0
	assert_out "--greeting=STRING"
	assert_out "--logs="
}

t_hello_bad_argument() {
	run "$TENDER" "$HELLO" --gretting=x
	assert_rc 64
	assert_out "unknown boot argument '--gretting'"
	run "$TENDER" "$HELLO" --status=300
	assert_rc 64
}

t_argv_round_trip() {
	guest args "a b" "" "it's" 'back\slash' '"q"'
	assert_rc 0
	assert_out "argv[0]=[$TIMG]"
	assert_out "argv[2]=[a b]"
	assert_out "argv[3]=[]"
	assert_out "argv[4]=[it's]"
	assert_out 'argv[5]=[back\slash]'
	assert_out 'argv[6]=["q"]'
}

t_abort() {
	guest abort
	assert_rc 134
	assert_out "test: deliberate abort"
	assert_out "guest aborted"
}

t_null_write_faults() {
	guest write0
	assert_rc 250
	assert_out "#PF page fault: write to a not-present page at 0x8 (a NULL pointer dereference)"
	assert_out_re "rip [0-9a-f]{16} rsp"
	assert_out "code at rip:"
}

t_text_write_faults() {
	guest writetext
	assert_rc 250
	assert_out "write to a read-only page at 0x10"
}

t_rodata_write_faults() {
	guest writerodata
	assert_rc 250
	assert_out "write to a read-only page"
}

t_data_exec_faults() {
	guest execdata
	assert_rc 250
	assert_out "instruction fetch from a non-executable page"
}

t_stack_smash_caught() {
	guest smash
	assert_rc 134
	assert_out "stack smashing detected"
}

t_stack_overflow_named() {
	guest overflow
	assert_rc 250
	assert_out "guest fault: stack overflow in fiber 'deep'"
	assert_out "write to a not-present page"
	# Past 2 MiB: the guard is in a 2 MiB page that had to be split.
	guest overflow 40
	assert_rc 250
	assert_out "guest fault: stack overflow in fiber 'deep'"
	assert_out_re "^stack at 0x([2-9a-f]|[0-9a-f]{2})[0-9a-f]{5}$"
}

t_fiber_overflow_through_core() {
	# core/'s main fiber on a platform stack: the report names it.
	run "$TENDER" "$HELLO" --overflow
	assert_rc 250
	assert_out "guest fault: stack overflow in fiber 'main'"
}

t_stack_guards_come_and_go() {
	guest stacks
	assert_rc 0
	assert_out "stacks: ok"
}

t_bad_pointer_stopped() {
	guest badptr
	assert_rc 251
	assert_out "guest passed an out-of-range pointer to hypercall WRITE: 0xfff00000 + 4096 > memory size"
}

t_invalid_opcode() {
	guest ud2
	assert_rc 250
	assert_out "#UD invalid opcode"
	assert_out "code at rip: 0f 0b"
}

t_sse_enabled() {
	# The tender enables SSE: CR4 as the guest reads it says so, always.
	# The arithmetic is then right (the guest runs natively) or stops in
	# KVM's emulator at mulps/addps (this host's KVM emulates the guest's
	# instructions). #UD (SSE off) or a wrong result fails.
	guest sse
	assert_out "OSFXSR on, OSXMMEXCPT on"
	assert_not_out "#UD"
	assert_not_out "WRONG"
	if [ "$RC" = 0 ]; then
		assert_out "0 (want 5 1.5 -8 10): correct"
		assert_out "sse: mxcsr 0x1f80"
	else
		assert_rc 250
		assert_out "emulation failure"
		assert_out "the instruction at rip is SSE"
		assert_out_re "code at rip: 0f 5[89] c1 "
		echo "  note: SSE arithmetic could not be checked: KVM emulates" \
			"guest instructions on this host (stopped at mulps/addps)"
	fi
}

t_string_functions() {
	# memcpy/memmove/memset as on a real CPU and as on an emulated one.
	guest strings
	assert_rc 0
	assert_out "strings: ok"
}

t_triple_fault() {
	guest triple
	assert_rc 250
	assert_out "triple fault"
	assert_out "cr0 0x80010033"
}

t_clock_advances() {
	guest clock
	assert_rc 0
	assert_out_re "^monotonic [0-9]+ -> [0-9]+$"
}

# check_sleep: $OUT has "slept N us"; at least 50 ms, not much more.
check_sleep() {
	local us
	us=$(printf '%s\n' "$OUT" | sed -n 's/^slept \([0-9]*\) us$/\1/p')
	[ -n "$us" ] || fail "no 'slept N us' line"
	[ "$us" -ge 50000 ] || fail "slept $us us, less than 50 ms"
	[ "$us" -lt 80000 ] || fail "slept $us us, 30 ms more than asked"
}

t_sleep_50ms() {
	local t0 t1
	t0=$(date +%s%N)
	guest sleep
	t1=$(date +%s%N)
	assert_rc 0
	check_sleep
	# The host agrees: the guest's clock does not run fast.
	[ $(((t1 - t0) / 1000000)) -ge 50 ] || fail "process took under 50 ms"
}

t_scheduler_sleep_50ms() {
	run "$TENDER" "$HELLO" --sleep-ms=50
	assert_rc 0
	check_sleep
}

t_heap_most_of_memory() {
	run ip netns exec "$GUEST_NS" "$TENDER" --mem=64 "${BIND[@]}" "$TIMG" heap
	assert_rc 0
	local mib
	mib=$(printf '%s\n' "$OUT" | sed -n 's/^heap: \([0-9]*\) MiB allocated$/\1/p')
	[ -n "$mib" ] || fail "no heap line"
	[ "$mib" -ge 60 ] || fail "only $mib MiB of 64 allocated"
	assert_out "heap: 8 GiB refused"
	assert_out "again ok"
}

t_small_memory() {
	run "$TENDER" --mem=2 "$HELLO"
	assert_rc 0
	assert_out "Hello from Morgana"
}

t_entropy() {
	guest entropy
	assert_rc 0
	assert_out "differs"
}

t_devices() {
	# acquire 0, again MG_EBUSY, unknown MG_ENOENT, a sector read 0
	# (tests/e2e/storage_*.sh test block I/O); the block capacity is the
	# file's size.
	guest devices
	assert_rc 0
	assert_out "devices: 0 -13 -6 0 0 capacity 1048576"
}

t_net_rings_checked() {
	# NET_RING refuses an area size that is no power of two, and one too
	# small for a largest frame (MG_EINVAL), takes good rings once (then
	# MG_EBUSY) and says which offloads the tap took; NET_SYNC sends the
	# queued frame.
	guest netring
	assert_rc 0
	assert_out "netring: -1 -1 0 -13 0 tx_cons 80 offloads 3"
	guest netring txahead
	assert_rc 251
	assert_out "TX position ahead by more than the area"
	guest netring txlen
	assert_rc 251
	assert_out "a TX frame's length or offloads are out of range"
	guest netring txgso
	assert_rc 251
	assert_out "a TX frame's length or offloads are out of range"
	guest netring txpast
	assert_rc 251
	assert_out "a TX record runs past its area or queue"
	guest netring rxcons
	assert_rc 251
	assert_out "RX position not between the tender's"
}

t_copy_hypercall() {
	# memcpy() of long blocks goes through COPY, which refuses to write
	# the read-only text (MG_EFAULT) or to read outside guest memory.
	guest copy
	assert_rc 0
	assert_out "copy: same 1 moved 1 text -33 beyond -33 ok 0"
}

t_run_as_linux_process() {
	run "$HELLO"
	assert_rc 126
	assert_out "hello.$T: this is a Morgana $T image; run it with morgana-$T or 'morgana run'"
}

t_seccomp_confines_tender() {
	"$TENDER" "$HELLO" --sleep-ms=2000 >/dev/null &
	local pid=$! mode=""
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		sleep 0.1
		mode=$(sed -n 's/^Seccomp:[[:space:]]*//p' /proc/$pid/status 2>/dev/null)
		[ "$mode" = 2 ] && break
	done
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	[ "$mode" = 2 ] || fail "Seccomp mode of the running tender is '$mode', not 2 (filter)"
}

# spt: a system call outside the filter ends the guest, named, with 251.
forbidden() {
	guest "$1"
	assert_rc 251
	assert_not_out "returned"
	assert_out "guest made a forbidden system call: $2"
}

t_forbidden_open() { forbidden open "open (2): not a system call the guest may make"; }
t_forbidden_openat() { forbidden openat "openat (257)"; }
t_forbidden_socket() { forbidden socket "socket (41)"; }
t_forbidden_execve() { forbidden execve "execve (59)"; }
t_forbidden_fork() { forbidden fork "fork (57)"; }
t_forbidden_ptrace() { forbidden ptrace "ptrace (101)"; }
t_forbidden_mmap_exec() { forbidden mmapexec "mmap (9)"; }
t_forbidden_mprotect_exec() {
	forbidden mprotectexec "mprotect (10): mprotect to 0x7: the guest may only make memory inaccessible or read-write, never executable"
}
t_descriptor_not_given() {
	forbidden writefd "write (1): write to descriptor 9: the guest writes only to its console (1, 2)"
	forbidden readvfd "readv (19): descriptor 0 is not one of the guest's devices"
}

t_other_architecture_refused() {
	# int $0x80: the filter refuses another architecture's call (251),
	# or a kernel without 32-bit emulation faults it (250); it never runs.
	guest int80
	assert_not_out "returned"
	case $RC in
	251) assert_out "of another architecture" ;;
	250) assert_out "guest fault:" ;;
	*) fail "int \$0x80 ended with $RC, not 250 or 251" ;;
	esac
}

t_minimal_image() {
	python3 "$ELFMUT" minimal min.hvt 42 || fail "elfmut.py"
	run "$TENDER" min.hvt
	assert_rc 42
}

run_on "$GUEST_TARGETS" exit_status hello hello_help hello_bad_argument \
	argv_round_trip abort null_write_faults text_write_faults \
	rodata_write_faults data_exec_faults stack_smash_caught \
	stack_overflow_named fiber_overflow_through_core \
	stack_guards_come_and_go invalid_opcode string_functions \
	clock_advances sleep_50ms scheduler_sleep_50ms heap_most_of_memory \
	small_memory entropy devices seccomp_confines_tender
# Started by Linux, not by its tender: needs no target.
for t in $GUEST_TARGETS; do
	E2E_TARGET=$t run_test "run_as_linux_process_$t" t_run_as_linux_process
done
run_on hvt bad_pointer_stopped sse_enabled triple_fault net_rings_checked \
	copy_hypercall minimal_image
run_on spt forbidden_open forbidden_openat forbidden_socket forbidden_execve \
	forbidden_fork forbidden_ptrace forbidden_mmap_exec \
	forbidden_mprotect_exec descriptor_not_given other_architecture_refused
finish
