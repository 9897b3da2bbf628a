#!/usr/bin/env bash
# kv_ro read throughput: the crunch and tar stores on hvt (and unix, with
# fs, for comparison). Builds bench/kv_read with the installed tool flow
# over a folder of one large file and small files, runs each image, prints
# what it measured. Not a test: see bench/README.md.
#
#   bench/kv_read.sh [MIB]   MIB: size of the large file (default 32)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-$ROOT/_out}
MORGANA=$O/bin/morgana
MIB=${1:-32}
W=$(mktemp -d "${TMPDIR:-/tmp}/mg-kv-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

mkdir -p "$W/data/small"
head -c $((MIB << 20)) /dev/urandom >"$W/data/big.bin"
for i in $(seq 1 200); do
	head -c 4096 /dev/urandom >"$W/data/small/f$i"
done

one() { # target kv
	local dir=$W/$1-$2
	mkdir -p "$dir"
	cp "$ROOT"/bench/kv_read/* "$dir"
	ln -s "$W/data" "$dir/data"
	cd "$dir" || exit 1
	"$MORGANA" configure -t "$1" --kv="$2" >/dev/null &&
		"$MORGANA" build >/dev/null || exit 1
	echo "--- $1, $2 ($(stat -c %s dist/kv_read.$1) bytes of image)"
	local bind=()
	[ "$2" = tar ] && bind=(--block:data_tar=dist/kv_read-data.tar)
	if [ "$1" = hvt ]; then
		# Room for an image that holds the data (crunch).
		"$O/bin/morgana-hvt" --mem=$((MIB * 2 + 64)) "${bind[@]}" \
			dist/kv_read.hvt --mib="$MIB"
	else
		"./dist/kv_read.unix" "${bind[@]}" --mib="$MIB"
	fi
}

echo "kv_ro reads: a ${MIB} MiB file read ${MIB} MiB at each get size,"
echo "then 200 files of 4 KiB (cold: first reads after boot)"
for kv in crunch tar; do one hvt $kv; done
for kv in crunch tar fs; do one unix $kv; done
