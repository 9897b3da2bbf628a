# Which targets this machine can run (sourced by tests/e2e/lib.sh and
# tests/run). A test that needs a target the machine cannot run is
# skipped with the reason given here; nothing else is ever skipped.
#
#   mg_target_ready TARGET   true, or false with the reason in MG_TARGET_WHY
#   mg_targets_report        one line per target: runs, or why it does not

MG_TARGETS="unix hvt spt"

mg_target_ready() {
	MG_TARGET_WHY=
	case $1 in
	unix) return 0 ;;
	hvt)
		if [ ! -e /dev/kvm ]; then
			MG_TARGET_WHY="/dev/kvm does not exist on this machine"
		elif [ ! -c /dev/kvm ]; then
			MG_TARGET_WHY="/dev/kvm is not a character device"
		elif ! (exec 3<>/dev/kvm) 2>/dev/null; then
			MG_TARGET_WHY="/dev/kvm cannot be opened read-write by $(id -un)"
		else
			return 0
		fi
		return 1
		;;
	spt)
		# morgana-spt maps the guest at 1 MiB, confines it with a
		# seccomp filter and waits in epoll_pwait2 (Linux 5.11).
		local v min
		v=$(uname -r | sed -E 's/^([0-9]+)\.([0-9]+).*/\1 \2/')
		min=$(cat /proc/sys/vm/mmap_min_addr 2>/dev/null || echo 0)
		if [ "$(uname -sm)" != "Linux x86_64" ]; then
			MG_TARGET_WHY="spt runs on Linux x86-64 only, not $(uname -sm)"
		elif [ "${v% *}" -lt 5 ] || { [ "${v% *}" -eq 5 ] && [ "${v#* }" -lt 11 ]; }; then
			MG_TARGET_WHY="Linux $(uname -r) lacks epoll_pwait2 (5.11 or later is needed)"
		elif ! grep -q '^Seccomp:' /proc/self/status; then
			MG_TARGET_WHY="this kernel has no seccomp"
		elif [ "$min" -gt 1048576 ]; then
			MG_TARGET_WHY="vm.mmap_min_addr is $min, above the guest's 1 MiB"
		else
			return 0
		fi
		return 1
		;;
	*)
		MG_TARGET_WHY="unknown target '$1'"
		return 1
		;;
	esac
}

mg_targets_report() {
	local t
	for t in $MG_TARGETS; do
		if mg_target_ready "$t"; then
			echo "target $t: runs"
		else
			echo "target $t: left out, its tests are skipped: $MG_TARGET_WHY"
		fi
	done
}
