#!/usr/bin/env bash
# examples/website on hvt and spt in 8 MiB of guest memory serving a site of more
# than 5 MiB from the default store (crunch: the files are in the image):
# every file fetched by curl from a tap in a namespace, checked by SHA-256,
# one at a time and by 8 clients at once.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../netlib.sh"

DIR=$E2E_TMP/website
SITE=$DIR/site
MIB=$((1 << 20))

# The example with files added: incompressible binaries and pages of text,
# 5 MiB and more in all (the image must still leave the guest a heap).
make_site() {
	cp -R "$ROOT/examples/website/." "$DIR/" &&
		rm -rf "$DIR/_build" "$DIR/dist" || return 1
	mkdir -p "$SITE/data" "$SITE/pages/more" || return 1
	local i
	for i in 1 2 3 4; do
		head -c $MIB /dev/urandom >"$SITE/data/blob$i.bin"
	done
	head -c $((640 << 10)) /dev/urandom >"$SITE/data/part.bin"
	for i in $(seq 0 15); do
		{
			printf '<!DOCTYPE html>\n<html><head><title>page %d</title>' "$i"
			printf '</head><body><h1>page %d</h1><pre>\n' "$i"
			head -c 18000 /dev/urandom | base64 -w 76
			printf '</pre></body></html>\n'
		} >"$SITE/pages/p$i.html"
	done
	cp "$SITE/pages/p0.html" "$SITE/pages/more/index.html"
}

# Built once per target that runs here, side by side in one folder.
built=
for t in hvt spt; do
	target_ready $t || continue
	if [ -z "$built" ]; then
		mkdir -p "$DIR"
		make_site >"$DIR.log" 2>&1
		built=1
	fi
	(cd "$DIR" && "$MORGANA" configure -t $t && "$MORGANA" build) \
		>>"$DIR.log" 2>&1
done

# start: the image in namespace a behind tap0 with 8 MiB of memory.
start() {
	IMG=$DIR/dist/website.$T
	[ -f "$IMG" ] || fail "the image did not build: $(tail -n 20 "$DIR.log")"
	nl_ns a
	nl_tap a tap0 10.0.0.1/24
	NL_LOG=$TDIR/server.log nl_bg a "$TENDER" --mem=8 \
		--net:service=tap0 "$IMG" --port=8080
	SRV_PID=$NL_PID
	nl_wait_until 20 grep -q "listening on" "$TDIR/server.log"
	nl_wait_tcp a 10.0.0.2 8080 10
}

# alive: the guest still runs and logged no error.
alive() {
	kill -0 "$SRV_PID" 2>/dev/null ||
		fail "the guest exited: $(tail -n 5 "$TDIR/server.log")"
	run cat "$TDIR/server.log"
	assert_not_out "error"
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# files: every file of the site, relative to it.
files() { (cd "$SITE" && find . -type f | sed 's|^\./||' | sort); }

t_website_mem8_5mib_size() {
	IMG=$DIR/dist/website.$T
	[ -f "$IMG" ] || fail "the image did not build: $(tail -n 20 "$DIR.log")"
	local site img
	site=$(du -sb "$SITE" | cut -f1)
	img=$(stat -c %s "$IMG")
	echo "  site $site bytes, image $img bytes"
	[ "$site" -ge $((5 * MIB)) ] || fail "the site is $site bytes"
	# crunch holds the files in the image, hence in guest memory
	[ "$img" -gt "$site" ] || fail "the image ($img) is smaller than the site"
}

t_website_mem8_5mib_every_file() {
	start
	local f n=0 t0=$SECONDS
	while read -r f; do
		run nl_in a curl -sS --max-time 30 -o "$TDIR/body" \
			-w '%{http_code}' "http://10.0.0.2:8080/$f"
		assert_rc 0
		assert_eq "$OUT" 200
		[ "$(sha "$TDIR/body")" = "$(sha "$SITE/$f")" ] ||
			fail "/$f is not the file"
		n=$((n + 1))
	done < <(files)
	[ $n -ge 25 ] || fail "only $n files"
	# a folder's index
	run nl_in a curl -sS --max-time 30 http://10.0.0.2:8080/pages/more/
	assert_rc 0
	assert_out "<title>page 0</title>"
	echo "  $n files in $((SECONDS - t0)) s"
	alive
}

# 8 clients at once, each taking a binary and a page on one connection:
# 8 connections and 8 MiB sent from the image.
t_website_mem8_5mib_parallel() {
	start
	run timeout 60 ip netns exec "$(nl_name a)" bash -c '
		for i in 1 2 3 4 5 6 7 8; do
			mkdir -p "$1/$i"
			(cd "$1/$i" && curl -sS --max-time 50 \
				-O "$2/data/blob$(((i - 1) % 4 + 1)).bin" \
				-O "$2/pages/p$i.html") &
		done
		wait' _ "$TDIR/c" http://10.0.0.2:8080
	assert_rc 0
	local i f
	for i in 1 2 3 4 5 6 7 8; do
		for f in data/blob$(((i - 1) % 4 + 1)).bin pages/p$i.html; do
			[ -f "$TDIR/c/$i/${f#*/}" ] || fail "client $i has no $f"
			[ "$(sha "$TDIR/c/$i/${f#*/}")" = "$(sha "$SITE/$f")" ] ||
				fail "client $i: $f is not the file"
		done
	done
	alive
}

run_on "hvt spt" website_mem8_5mib_size website_mem8_5mib_every_file \
	website_mem8_5mib_parallel
finish
