#!/usr/bin/env python3
"""Where an hvt guest's instructions go: a count per function.

  bench/hvt_profile.py TENDER IMAGE [ARGS...]   (or: make hvt-profile)

TENDER is the profiling build of morgana-hvt (MG__HVT_PROFILE, built by
`make hvt-profile` as _out/bench/morgana-hvt-profile), which single-steps
the guest and writes the address of each instruction it executes. Where KVM
emulates the guest's instructions, each costs about a microsecond, so the
count is the guest's boot time. Prints the total, the functions by count,
then the order in which the guest went through them (runs of one function
as "name:count").
"""
import bisect
import collections
import os
import subprocess
import sys
import tempfile


def symbols(image):
    out = subprocess.run(["nm", "-n", image], capture_output=True,
                         text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    return syms


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    tender, image = sys.argv[1], sys.argv[2]
    syms = symbols(image)
    addrs = [a for a, _ in syms]
    with tempfile.NamedTemporaryFile(prefix="hvt-profile.") as trace:
        env = dict(os.environ, MG_HVT_PROFILE=trace.name)
        run = subprocess.run([tender, image] + sys.argv[3:], env=env,
                             stdout=subprocess.DEVNULL)
        pcs = [int(line, 16) for line in open(trace.name)]
    counts = collections.Counter()
    runs = []
    for pc in pcs:
        i = bisect.bisect_right(addrs, pc) - 1
        name = syms[i][1] if i >= 0 else "?"
        counts[name] += 1
        if runs and runs[-1][0] == name:
            runs[-1][1] += 1
        else:
            runs.append([name, 1])
    print(f"{len(pcs)} guest instructions (exit status {run.returncode})")
    for name, n in counts.most_common():
        print(f"{n:8} {name}")
    print()
    print("  ".join(f"{name}:{n}" for name, n in runs))


if __name__ == "__main__":
    main()
