# Which targets this machine can run (sourced by tests/e2e/lib.sh and
# tests/run). A test that needs a target the machine cannot run is
# skipped with the reason given here; nothing else is ever skipped.
#
#   mg_target_ready TARGET   true, or false with the reason in MG_TARGET_WHY
#   mg_targets_report        one line per target: runs, or why it does not

MG_TARGETS="unix hvt"

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
