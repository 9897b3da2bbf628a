#!/usr/bin/env bash
# make install: the installed morgana finds its own files and builds
# unikernels anywhere, also through a symbolic link on the PATH.
source "$(dirname "$0")/lib.sh"

t_installed_tool_builds_and_runs() {
	local prefix=$TDIR/prefix
	run make -C "$ROOT" -s install O="$O" PREFIX="$prefix"
	assert_rc 0
	assert_file "$prefix/bin/morgana"
	assert_file "$prefix/include/mg/config.h"
	assert_file "$prefix/lib/morgana/host/libmgconfig.a"
	assert_file "$prefix/lib/morgana/unix/libmgcore.a"
	assert_file "$prefix/share/morgana/mk/unix.mk"
	assert_file "$prefix/share/morgana/templates/new/config.c"
	mkdir -p bin work
	ln -s "$prefix/bin/morgana" bin/morgana
	cd work || fail cd
	run env PATH="$TDIR/bin:$PATH" morgana new there
	assert_rc 0
	cd there || fail cd
	run env PATH="$TDIR/bin:$PATH" morgana configure -t unix
	assert_rc 0
	# The build uses the installed tree, not the one it was staged in.
	grep -qx "MG_PREFIX := $prefix" _build/unix/Makefile ||
		fail "Makefile does not use $prefix"
	grep -rq "$O" _build/unix/Makefile && fail "Makefile refers to $O"
	run env PATH="$TDIR/bin:$PATH" morgana build
	assert_rc 0
	run env PATH="$TDIR/bin:$PATH" morgana run -- --name=installed
	assert_rc 0
	assert_out "Hello, installed!"
	# Configured by the staged morgana, built by the installed one.
	run "$MORGANA" configure -t unix
	assert_rc 0
	run env PATH="$TDIR/bin:$PATH" morgana build
	assert_rc 0
	assert_out "configured by another installation of morgana: configuring again"
	grep -qx "MG_PREFIX := $prefix" _build/unix/Makefile ||
		fail "Makefile does not use $prefix after the build"
}

t_incomplete_installation_is_explained() {
	mkdir -p broken/bin
	cp "$MORGANA" broken/bin/morgana
	run broken/bin/morgana configure -t unix
	assert_rc 1
	assert_out "my installation is incomplete: $TDIR/broken/include/mg/config.h is missing"
	# Commands that need no installed files still work.
	run broken/bin/morgana --version
	assert_rc 0
}

run_test installed_tool_builds_and_runs t_installed_tool_builds_and_runs
run_test incomplete_installation_is_explained t_incomplete_installation_is_explained
finish
