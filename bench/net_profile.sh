#!/usr/bin/env bash
# Guest instructions per TCP frame of examples/net/echo on hvt: the echo
# runs under the single-stepping tender (make hvt-profile) behind a tap, a
# client sends BYTES and reads them back, and the trace of the transfer
# (from connect to a second after the last echoed byte) is counted per
# function.
# Not a test: see bench/README.md ("Instructions per frame"). Needs root.
#
#   bench/net_profile.sh [BYTES] [TOP] [FUNC]   (default 16384 bytes, top 40;
#   FUNC: also the count of each of its instructions, by address)
#   NET_PROFILE_TIME=1   run under morgana-hvt instead, untraced, and print
#                        the transfer's wall time and KB/s each way
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/tests/e2e/lib.sh"
source "$ROOT/tests/netlib.sh"
E2E_NAME=netprof
BYTES=${1:-16384}
TOP=${2:-40}
FUNC=${3:-}
W=$E2E_TMP
TENDER=$O/bench/morgana-hvt-profile
[ -z "${NET_PROFILE_TIME:-}" ] || TENDER=$O/bin/morgana-hvt
[ -x "$TENDER" ] || fail "$TENDER is not built (make hvt-profile)"
[ -c /dev/kvm ] || fail "no /dev/kvm"

mkdir -p "$W/hvt"
cp -R "$ROOT/examples/net/echo/." "$W/hvt/" && rm -rf "$W/hvt/_build" "$W/hvt/dist"
(cd "$W/hvt" && "$MORGANA" configure -t hvt && "$MORGANA" build) \
	>"$W/build.log" 2>&1 || fail "echo did not build: $(tail -n 20 "$W/build.log")"

nl_ns a
nl_tap a tap0 10.0.0.1/24
TRACE=$W/trace
MG_HVT_PROFILE=$TRACE NL_LOG=$W/hvt.out nl_bg a "$TENDER" --mem=8 \
	--net:service=tap0 "$W/hvt/dist/echo.hvt" --port=7 ${NET_PROFILE_LOGS:+--logs=$NET_PROFILE_LOGS}
PID=$NL_PID
nl_wait_until 120 grep -q "listening on" "$W/hvt.out"
START=$([ -f "$TRACE" ] && wc -l <"$TRACE" || echo 0)
nl_in a python3 - "$BYTES" <<'PY' || fail "transfer failed"
import socket, sys, threading, time
n = int(sys.argv[1])
t0 = time.monotonic()
s = socket.create_connection(("10.0.0.2", 7), timeout=120)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
data = bytes(i * 7 % 251 for i in range(n))
# Sending from a thread: a transfer larger than the buffers both ways
# would otherwise stall with the echo unread.
w = threading.Thread(target=s.sendall, args=(data,))
w.start()
got = b""
while len(got) < n:
    b = s.recv(65536)
    if not b:
        break
    got += b
w.join()
assert got == data, "echo differs"
dt = time.monotonic() - t0
print(f"{n} bytes echoed in {dt:.2f} s: {n / dt / 1000:.0f} KB/s each way")
s.close()
PY
if [ -n "${NET_PROFILE_TIME:-}" ]; then
	# Frames (a segmentation offload's burst counts once) and bytes the
	# host's side of the tap saw.
	nl_in a ip -s link show tap0 | awk '
		/RX:/ {getline; printf "tap0 RX (from the guest): %d bytes in %d frames\n", $1, $2}
		/TX:/ {getline; printf "tap0 TX (to the guest): %d bytes in %d frames\n", $1, $2}'
	kill "$PID"; wait "$PID" 2>/dev/null
	[ -z "${NET_PROFILE_LOGS:-}" ] || cat "$W/hvt.out"
	exit 0
fi
sleep 1
END=$(wc -l <"$TRACE")
kill "$PID"; wait "$PID" 2>/dev/null
python3 - "$W/hvt/dist/echo.hvt" "$TRACE" "$START" "$END" "$TOP" "$FUNC" <<'PY'
import bisect, collections, subprocess, sys
image, trace, start, end, top = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
func = sys.argv[6]
bypc = collections.Counter()
syms = []
for line in subprocess.run(["nm", "-n", image], capture_output=True, text=True, check=True).stdout.splitlines():
    p = line.split()
    if len(p) == 3 and p[1] in "tTwW":
        syms.append((int(p[0], 16), p[2]))
addrs = [a for a, _ in syms]
# Hypercalls (an exit each) and rep string instructions (whose cost on an
# emulating KVM grows with their length, counted once here).
special = {}
for line in subprocess.run(["objdump", "-d", "--no-show-raw-insn", image],
                           capture_output=True, text=True,
                           check=True).stdout.splitlines():
    p = line.split(None, 2)
    if len(p) >= 2 and p[0].endswith(":") and p[1] in ("out", "rep"):
        special[int(p[0][:-1], 16)] = p[1]
kinds = collections.Counter()
entry = {a: n for a, n in syms}
counts = collections.Counter()
calls = collections.Counter()
with open(trace) as f:
    for i, line in enumerate(f):
        if i < start:
            continue
        if i >= end:
            break
        pc = int(line, 16)
        j = bisect.bisect_right(addrs, pc) - 1
        name = syms[j][1] if j >= 0 else "?"
        counts[name] += 1
        if name == func:
            bypc[pc] += 1
        if pc in entry:
            calls[name] += 1
        if pc in special:
            kinds[special[pc]] += 1
total = sum(counts.values())
frames = calls["eth_input"] + calls["mg_platform_net_write"]
print(f"{total} guest instructions, {calls['eth_input']} frames in, "
      f"{calls['mg_platform_net_write']} out, {total // max(frames, 1)} per frame; "
      f"{kinds['out']} hypercalls, {kinds['rep']} rep instructions")
for name, c in counts.most_common(top):
    print(f"{c:9d} {100 * c / total:5.1f}% {calls[name]:6d} calls  {name}")
for pc in sorted(bypc):
    print(f"  {pc:x} {bypc[pc]}")
PY
[ -z "$FUNC" ] || objdump -d --no-show-raw-insn "$W/hvt/dist/echo.hvt" |
	sed -n "/<$FUNC>:/,/^\$/p"
