#!/usr/bin/env bash
# morgana run and network devices: the net device of a direct-stack image
# (unix --net=direct, hvt, spt) bound to a given tap, or to one that run
# makes as root, addresses from --ipv4 and removes at exit; the manifest
# of hvt and spt images;
# the refusals. Each test in its own network namespace.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../netlib.sh"

# fetch_copy FLAGS TARGET: examples/net/fetch configured and built here.
fetch_copy() {
	mkdir -p "$TDIR/net" && cp -R "$ROOT/examples/net/fetch" "$TDIR/net/" ||
		fail "cannot copy examples/net/fetch"
	rm -rf "$TDIR/net/fetch/_build" "$TDIR/net/fetch/dist"
	cd "$TDIR/net/fetch" || fail "cd"
	run "$MORGANA" configure -t "$2" $1
	assert_rc 0
	run "$MORGANA" build
	assert_rc 0
}

# As root with nothing bound, run makes mg-service in the subnet of --ipv4
# (mg-service1 here: the name is taken) and removes it at the end; the
# tap that was there stays. The image fetches from a server on the host's
# side when its stack can (then its answer is checked too).
made_tap() { # TARGET
	fetch_copy --net=direct "$1"
	nl_ns a
	nl_tap a mg-service
	printf 'over the tap\n' >"$TDIR/answer"
	nl_bg a sh -c "nc -l -N 0.0.0.0 8080 <'$TDIR/answer'"
	run nl_in a timeout 30 "$MORGANA" run -- --host=192.168.7.1 --port=8080 \
		--ipv4=192.168.7.2/24 --timeout-ms=3000
	assert_out "created tap mg-service1 for net device 'service', host address 192.168.7.1/24 (removed when the image exits)"
	[ "$RC" = 0 ] && assert_out "over the tap"
	nl_in a ip link show mg-service1 >/dev/null 2>&1 &&
		fail "mg-service1 was not removed"
	nl_in a ip link show mg-service >/dev/null 2>&1 ||
		fail "the tap that was there before was removed"
}
t_unix_direct_makes_a_tap() { made_tap unix; }
t_guest_makes_a_tap() { made_tap "$T"; }

# A tap given is passed on and left in place: no tap made.
t_given_tap_is_used() {
	fetch_copy --net=direct unix
	nl_ns a
	nl_tap a tap7 10.0.0.1/24
	run nl_in a timeout 30 "$MORGANA" run --net:service=tap7 -- \
		--host=10.0.0.1 --port=9 --timeout-ms=1000
	assert_not_out "created tap"
	nl_in a ip link show tap7 >/dev/null 2>&1 || fail "tap7 was removed"
}

t_not_root_is_told_how() {
	fetch_copy --net=direct unix
	chmod o+x "$E2E_TMP" "$TDIR" "$TDIR/net"
	chmod -R o+rX "$TDIR/net/fetch"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$MORGANA" run
	assert_rc 64
	assert_out "the image needs net device 'service': add --net:service=TAP"
	assert_out "sudo ip tuntap add dev tap0 mode tap user"
	assert_out "sudo ip addr add 10.0.0.1/24 dev tap0"
}

t_socket_image_refuses_net() {
	fetch_copy "" unix
	run "$MORGANA" run --net:service=tap0
	assert_rc 64
	assert_out "this image has no net device"
	run cat _build/unix/devices.txt
	assert_eq "$OUT" ""
}

# Building and the tender's refusal need no target: only running does.
t_manifest_names_the_device() {
	fetch_copy "" "$T"
	run grep -A1 "MG_HVT_MANIFEST" "_build/$T/main.c"
	assert_out '{ "service", MG_HVT_DEVICE_NET }'
	run cat "_build/$T/devices.txt"
	assert_eq "$OUT" "net service"
	run "$TENDER" "dist/fetch.$T"
	assert_rc 64
	assert_out "the image needs network device 'service': add --net:service=TAP"
	run "$MORGANA" configure -t "$T" --net=socket
	assert_rc 1
	assert_out "the socket stack runs on unix only"
}

run_test unix_direct_makes_a_tap t_unix_direct_makes_a_tap
run_on "hvt spt" guest_makes_a_tap
run_test given_tap_is_used t_given_tap_is_used
run_test not_root_is_told_how t_not_root_is_told_how
run_test socket_image_refuses_net t_socket_image_refuses_net
for t in hvt spt; do
	E2E_TARGET=$t run_test "manifest_names_the_device_$t" t_manifest_names_the_device
done
finish
