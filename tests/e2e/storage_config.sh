#!/usr/bin/env bash
# Storage in the configuration: errors at config.c's line, the hvt
# manifest, configuring again when a store's folder changes, the archive
# morgana build makes, and the block bindings of morgana run.
source "$(dirname "$0")/lib.sh"

# A unikernel whose config.c body is $1, printing its kv_ro store's
# hello.txt; data/ holds hello.txt.
unikernel() {
	mkdir -p data && printf 'one\n' >data/hello.txt || fail "data"
	cat >config.c <<-EOF
		#include <mg/config.h>
		void mg_configure(mg_config *c)
		{
			mg_app *app = mg_main(c, "cfg", "cfg_start");
			mg_app_source(app, "cfg.c");
			mg_app_console(app, mg_default_console(c));
			$1
		}
	EOF
	cat >cfg.c <<-'EOF'
		#include <stdlib.h>
		#include <mg/kv_ro.h>
		#include <mg/mg.h>
		#include "mg_app.h"
		int cfg_start(mg_console *console, mg_kv_ro *kv)
		{
			void *d;
			size_t n;
			int rc = mg_kv_ro_get_all(kv, "hello.txt", &d, &n);
			if (rc < 0) {
				mg_console_printf(console, "%s\n", mg_strerror(rc));
				return 1;
			}
			mg_console_printf(console, "hello.txt: %s", (char *)d);
			int files = 0;
			mg_kv_entry e[8];
			size_t k;
			if (mg_kv_ro_list(kv, "", NULL, e, 8, &k) == 0)
				files = (int)k;
			mg_console_printf(console, "entries: %d\n", files);
			free(d);
			return 0;
		}
	EOF
}

t_folder_errors() {
	unikernel 'mg_app_kv_ro(app, mg_crunch_kv_ro(c, "nope"));'
	run "$MORGANA" configure -t unix
	assert_rc 1
	assert_out "config.c:7: error: kv_ro store: 'nope' is not a folder (paths are relative to the folder of config.c)"
	unikernel 'mg_app_kv_ro(app, mg_fs_kv_ro(c, "data"));'
	run "$MORGANA" configure -t hvt
	assert_rc 1
	assert_out "config.c:7: error: kv_ro store fs reads a host folder at run time: it runs on unix only"
	unikernel 'mg_app_kv_ro(app, mg_generic_kv_ro(c, "data"));'
	run "$MORGANA" configure -t unix --kv=zip
	assert_rc 1
	assert_out "crunch|fs|tar"
	unikernel 'mg_app_kv_ro(app, mg_tar_kv_ro(c, mg_block_file(c, "Bad Name", NULL, 0)));'
	run "$MORGANA" configure -t unix
	assert_rc 1
	assert_out "block device name 'Bad Name'"
	unikernel 'mg_app_kv_ro(app, mg_tar_kv_ro(c, mg_block_file(c, "d", "d.img", 1000)));'
	run "$MORGANA" configure -t unix
	assert_rc 1
	assert_out "block device d: size 1000 is not a whole number of 512-byte sectors"
	# A folder with a FIFO: left out, with a warning.
	unikernel 'mg_app_kv_ro(app, mg_crunch_kv_ro(c, "data"));'
	mkfifo data/pipe
	run "$MORGANA" configure -t unix
	assert_rc 0
	assert_out "'pipe' is neither a file nor a folder: left out"
}

t_crunch_follows_the_folder() {
	unikernel 'mg_app_kv_ro(app, mg_generic_kv_ro(c, "data"));'
	configure_build -t unix
	run "$MORGANA" run
	assert_out "hello.txt: one"
	assert_out "entries: 1"
	# A changed file, then a new one, then a removed one: each makes
	# build configure again.
	sleep 0.01
	printf 'two\n' >data/hello.txt
	run "$MORGANA" build
	assert_rc 0
	assert_out "data/hello.txt changed: configuring again"
	run "$MORGANA" run
	assert_out "hello.txt: two"
	sleep 0.01
	printf 'x' >data/new.txt
	run "$MORGANA" build
	assert_out "data changed: configuring again"
	run "$MORGANA" run
	assert_out "entries: 2"
	rm data/new.txt
	run "$MORGANA" build
	assert_out "configuring again"
	run "$MORGANA" run
	assert_out "entries: 1"
	# Nothing changed: nothing done.
	run "$MORGANA" build
	assert_not_out "configuring again"
}

t_tar_archive() {
	unikernel 'mg_app_kv_ro(app, mg_tar_folder_kv_ro(c, "data"));'
	run "$MORGANA" configure -t unix
	assert_rc 0
	assert_no_file dist/cfg-data.tar
	run "$MORGANA" build
	assert_rc 0
	assert_out "TAR     dist/cfg-data.tar"
	assert_file dist/cfg-data.tar
	mv dist/cfg-data.tar saved.tar
	run "$MORGANA" run
	assert_rc 1
	assert_out "the image needs block device 'data_tar' bound to dist/cfg-data.tar, which does not exist: run 'morgana build' first"
	mv saved.tar dist/cfg-data.tar
	# GNU tar reads it, and finds the same bytes.
	mkdir x && tar --warning=no-unknown-keyword -xf dist/cfg-data.tar -C x ||
		fail "GNU tar cannot extract the archive"
	cmp x/hello.txt data/hello.txt || fail "extracted file differs"
	run "$MORGANA" run
	assert_rc 0
	assert_out "hello.txt: one"
	sleep 0.01
	printf 'three\n' >data/hello.txt
	run "$MORGANA" build
	assert_out "TAR     dist/cfg-data.tar"
	run "$MORGANA" run
	assert_out "hello.txt: three"
	run "$MORGANA" build
	assert_not_out "TAR"
	# The same folder gives the same archive.
	cp dist/cfg-data.tar first.tar
	touch config.c
	run "$MORGANA" build
	assert_out "TAR"
	cmp first.tar dist/cfg-data.tar || fail "the archive is not reproducible"
	run "$MORGANA" describe
	assert_out "data_tar  block/platform"
	assert_out "kv_ro/tar"
}

t_manifest() {
	unikernel 'mg_app_kv_ro(app, mg_tar_kv_ro(c, mg_block_file(c, "disk", NULL, 0)));'
	run "$MORGANA" configure -t "$T"
	assert_rc 0
	assert_out "configured"
	grep -q '{ "disk", MG_HVT_DEVICE_BLOCK }' "_build/$T/main.c" ||
		fail "no manifest entry for disk"
	run "$MORGANA" build
	assert_rc 0
	run "$MORGANA" run
	assert_rc 64
	assert_out "the image needs block device 'disk': add --block:disk=FILE"
	# The tender itself refuses an image run without the binding.
	run "$TENDER" "dist/cfg.$T"
	assert_rc 64
	assert_out "the image needs block device 'disk': add --block:disk=FILE"
}

t_block_file_made_once() {
	unikernel 'mg_app_kv_ro(app, mg_tar_kv_ro(c, mg_block_file(c, "disk", "disks/d.img", 8192)));'
	configure_build -t unix
	run "$MORGANA" run
	assert_out "created disks/d.img (8192 bytes of zeros) for block device 'disk'"
	# All zeros: an empty archive, so hello.txt is missing.
	assert_out "no such entry"
	[ "$(stat -c %s disks/d.img)" = 8192 ] || fail "size"
	printf 'keep' | dd of=disks/d.img bs=1 seek=4096 conv=notrunc 2>/dev/null
	run "$MORGANA" run
	assert_not_out "created"
	[ "$(dd if=disks/d.img bs=1 skip=4096 count=4 2>/dev/null)" = keep ] ||
		fail "the file was made again"
}

t_fs_kv_rw() {
	mkdir data
	cat >config.c <<-'EOF'
		#include <mg/config.h>
		void mg_configure(mg_config *c)
		{
			mg_app *app = mg_main(c, "rw", "rw_start");
			mg_app_source(app, "rw.c");
			mg_boot_string(c, "note", "", "A note to add");
			mg_app_console(app, mg_default_console(c));
			mg_app_kv_rw(app, mg_fs_kv_rw(c, "data"));
		}
	EOF
	cat >rw.c <<-'EOF'
		#include <string.h>
		#include <mg/kv_rw.h>
		#include <mg/mg.h>
		#include "mg_app.h"
		static int show(void *arg, const mg_kv_entry *e)
		{
			mg_console_printf(arg, "note %s\n", e->name);
			return 0;
		}
		int rw_start(mg_console *console, mg_kv_rw *kv)
		{
			if (*mg_keys.note) {
				int rc = mg_kv_rw_set(kv, mg_keys.note, "x", 1);
				mg_console_printf(console, "set: %s\n",
				                  mg_strerror(rc));
			}
			mg_kv_ro ro = mg_kv_rw_ro(kv);
			return mg_kv_ro_list_each(&ro, "notes", show, console) < 0;
		}
	EOF
	configure_build -t unix
	run "$MORGANA" run -- --note=notes/first
	assert_rc 0
	assert_out "set: success"
	assert_out "note first"
	assert_file data/notes/first
	run "$MORGANA" run -- --note=notes/second
	assert_out "note first"
	assert_out "note second"
	run "$MORGANA" run -- --note=../escape
	assert_out "set: invalid argument"
	run "$MORGANA" configure -t hvt
	assert_rc 1
	assert_out "kv_rw store fs writes a host folder at run time: it runs on unix only"
}

run_test folder_errors t_folder_errors
run_test fs_kv_rw t_fs_kv_rw
run_test crunch_follows_the_folder t_crunch_follows_the_folder
run_test tar_archive t_tar_archive
for t in hvt spt; do
	E2E_TARGET=$t run_test "manifest_$t" t_manifest
done
run_test block_file_made_once t_block_file_made_once
finish
