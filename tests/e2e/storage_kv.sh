#!/usr/bin/env bash
# kv_ro stores read back byte-identical: tar archives (built by morgana
# build, and made by GNU tar in its own format) with long names, nested
# folders, a 50 MB file and an empty one; crunch of the same folder and of
# 1,000 files; fs. On unix, under ASan+UBSan, and on hvt. The test
# unikernel tests/storage/kvdump writes what it reads to a block device,
# which tests/storage/dump.py compares with the host folder.
source "$(dirname "$0")/lib.sh"

DUMP=$ROOT/tests/storage/dump.py

# The folders, made once: "big" with what tar must carry, "many" with
# 1,000 files.
BIG=$E2E_TMP/big
MANY=$E2E_TMP/many
LONG_DIR=$(printf 'long-folder-name-%.0s' 1 2 3 4 5 6 7)
LONG_FILE=$(printf 'a-file-name-longer-than-ustar-allows-%.0s' 1 2 3 4 5).txt
make_data() {
	mkdir -p "$BIG/$LONG_DIR/a/b/c/d/e" "$BIG/empty folder" "$BIG/x/y" &&
		head -c 52428800 /dev/urandom >"$BIG/x/y/big.bin" &&
		: >"$BIG/empty" &&
		printf 'deep\n' >"$BIG/$LONG_DIR/a/b/c/d/e/$LONG_FILE" &&
		printf 'spaces and UTF-8\n' >"$BIG/x/with space é.txt" &&
		printf 'hello\n' >"$BIG/hello.txt" &&
		touch -d @1700000000.123456789 "$BIG/hello.txt" &&
		python3 - "$MANY" <<-'EOF'
			import os, sys
			root = sys.argv[1]
			for i in range(1000):
			    d = os.path.join(root, 'd%02d' % (i // 40), 's%d' % (i % 3))
			    os.makedirs(d, exist_ok=True)
			    with open(os.path.join(d, 'f%04d.txt' % i), 'w') as f:
			        f.write('file %d\n' % i * (i % 50 + 1))
		EOF
}
make_data || {
	echo "FAIL setup: cannot make the test folders"
	echo "0 passed, 1 failed"
	exit 1
}

# kvdump FOLDER CONFIGURE-FLAGS...: a copy of kvdump over FOLDER as data/.
kvdump() {
	local folder=$1
	shift
	cp "$ROOT"/tests/storage/kvdump/* . || fail "cannot copy kvdump"
	ln -s "$folder" data || fail "ln"
	configure_build "$@"
}

# dump FOLDER [RUN OPTIONS]: run, then compare the dump with FOLDER.
dump() {
	local folder=$1
	shift
	rm -f out.img
	truncate -s 64M out.img
	run "$MORGANA" run --block:out=out.img "$@"
	assert_rc 0
	assert_out "dumped"
	run python3 "$DUMP" "$folder" out.img ${DUMP_ARGS:-}
	assert_rc 0
	assert_out "dump matches"
}

tar_built() { # $1: target, $2: more configure flags
	kvdump "$BIG" -t "$1" --kv=tar ${2:-}
	assert_file dist/kvdump-data.tar
	dump "$BIG"
	assert_out "dump matches: 5 files, 9 folders"
}
t_tar_built() { tar_built unix; }
t_tar_built_sanitized() { tar_built unix --sanitize; }
t_tar_built_on() { tar_built "$T"; }

# An archive in GNU's own format (long names as 'L' records), bound in
# place of the one morgana build makes.
tar_gnu() {
	kvdump "$BIG" -t "$1" --kv=tar
	(cd "$BIG" && tar --format=gnu -cf "$TDIR/gnu.tar" .) || fail "tar"
	DUMP_ARGS=--whole-seconds dump "$BIG" --block:data_tar="$TDIR/gnu.tar"
	assert_out "dump matches: 5 files, 9 folders"
	# Without the ./ prefix, and with names given one by one.
	(cd "$BIG" && tar --format=gnu -cf "$TDIR/named.tar" hello.txt x) ||
		fail "tar"
	rm -f out.img
	truncate -s 64M out.img
	run "$MORGANA" run --block:out=out.img --block:data_tar="$TDIR/named.tar"
	assert_rc 0
	assert_out "dumped 3 files, 2 folders, 52428823 bytes"
}
t_tar_gnu() { tar_gnu unix; }
t_tar_gnu_on() { tar_gnu "$T"; }

tar_corrupt() {
	kvdump "$BIG" -t "$1" --kv=tar
	cp dist/kvdump-data.tar bad.tar
	# One byte of the first header's name.
	printf 'Z' | dd of=bad.tar bs=1 seek=3 conv=notrunc 2>/dev/null
	truncate -s 8M out.img
	run "$MORGANA" run --block:out=out.img --block:data_tar=bad.tar
	assert_rc 1
	assert_out "ERROR tar: not a usable tar archive: header at byte 0: checksum mismatch"
	assert_out "device data (tar): connect failed: malformed data"
	# Cut in the middle of the 50 MB file.
	head -c 20971520 dist/kvdump-data.tar >cut.tar
	run "$MORGANA" run --block:out=out.img --block:data_tar=cut.tar
	assert_rc 1
	assert_out_re "header at byte [0-9]+: its 52428800 bytes of data run past the end of the archive \(20971520 bytes\)"
	# Not a tar archive at all.
	head -c 65536 /dev/urandom >random.tar
	run "$MORGANA" run --block:out=out.img --block:data_tar=random.tar
	assert_rc 1
	assert_out "not a usable tar archive: header at byte 0: "
}
t_tar_corrupt() { tar_corrupt unix; }
t_tar_corrupt_on() { tar_corrupt "$T"; }

t_crunch_big() {
	kvdump "$BIG" -t unix --kv=crunch
	dump "$BIG"
	assert_out "dump matches: 5 files, 9 folders"
}

crunch_many() { # $1: target, $2: more configure flags
	local start=$SECONDS
	kvdump "$MANY" -t "$1" --kv=crunch ${2:-}
	dump "$MANY"
	assert_out "dump matches: 1000 files, 100 folders"
	[ $((SECONDS - start)) -lt 60 ] || fail "took $((SECONDS - start)) s"
}
t_crunch_many() { crunch_many unix; }
t_crunch_many_sanitized() { crunch_many unix --sanitize; }
t_crunch_many_on() { crunch_many "$T"; }

t_tar_many() {
	kvdump "$MANY" -t unix --kv=tar
	dump "$MANY"
	assert_out "dump matches: 1000 files, 100 folders"
}

t_fs() {
	kvdump "$BIG" -t unix --kv=fs
	dump "$BIG"
	assert_out "dump matches: 5 files, 9 folders"
	# A link inside the folder is followed; one leading out is not
	# part of the store.
	mkdir inside && printf 'in\n' >inside/f && ln -s f inside/link &&
		ln -s /etc/hostname inside/out && ln -s ../../etc inside/up ||
		fail "links"
	mkdir links && cd links || fail "cd"
	kvdump "$TDIR/inside" -t unix --kv=fs
	truncate -s 1M out.img
	run "$MORGANA" run --block:out=out.img
	assert_rc 0
	assert_out "dumped 2 files, 0 folders, 6 bytes"
	run python3 - <<-EOF
		d = open('out.img', 'rb').read()
		assert b' f\n' in d and b' link\n' in d, 'link inside missing'
		assert b' out\n' not in d and b' up\n' not in d, 'link out listed'
		print('links ok')
	EOF
	assert_out "links ok"
}

run_test tar_built t_tar_built
run_test tar_built_sanitized t_tar_built_sanitized
run_test tar_gnu t_tar_gnu
run_test tar_corrupt t_tar_corrupt
run_test crunch_big t_crunch_big
run_test crunch_many t_crunch_many
run_test crunch_many_sanitized t_crunch_many_sanitized
run_test tar_many t_tar_many
run_test fs t_fs
run_on "hvt spt" tar_built tar_gnu tar_corrupt crunch_many
finish
