#!/usr/bin/env bash
# Mistakes in config.c and in the application: reported at the line that
# made them (config.c or the app's source), never inside generated code.
source "$(dirname "$0")/lib.sh"

# line_of PATTERN FILE: the number of the first line holding PATTERN.
line_of() {
	grep -nF -- "$1" "$2" | head -n 1 | cut -d: -f1
}

# A hello unikernel whose config.c body is $1 (after mg_main/source).
unikernel() {
	mkdir u && cd u || fail cd
	cat >config.c <<C
#include <mg/config.h>

void mg_configure(mg_config *c)
{
	mg_app *app = mg_main(c, "u", "u_start");
	mg_app_source(app, "u.c");
$1
}
C
	cat >u.c <<'C'
#include <mg/mg.h>
#include "mg_app.h"
int u_start(mg_console *console)
{
	mg_console_puts(console, "u started\n");
	return 0;
}
C
}

t_config_c_does_not_compile() {
	unikernel '	mg_app_console(app, mg_default_console(c));
	int x = ;'
	run "$MORGANA" configure -t unix
	assert_rc 1
	assert_out "config.c:$(line_of 'int x' config.c):"
	assert_out "config.c does not compile (see the errors above)"
	assert_no_file _build/unix/main.c
}

t_wrong_module_type_is_a_compile_error() {
	unikernel '	mg_app_console(app, mg_default_time(c));'
	run "$MORGANA" configure -t unix
	assert_rc 1
	assert_out_re "^config\.c:$(line_of mg_default_time config.c):[0-9]+: error: .*incompatible pointer type"
	assert_out "mg_time *"
	assert_out "a device of one module type is given where another is expected"
}

t_unknown_function_in_config_c() {
	unikernel '	mg_app_consol(app, mg_default_console(c));'
	run "$MORGANA" configure -t unix
	assert_rc 1
	assert_out_re "^config\.c:$(line_of mg_app_consol config.c):[0-9]+: error: implicit declaration of function .mg_app_consol."
}

t_no_mg_configure() {
	mkdir u && cd u && echo '#include <mg/config.h>' >config.c
	run "$MORGANA" configure -t unix
	assert_rc 1
	assert_out "config.c does not define mg_configure(): it must have"
	assert_out "void mg_configure(mg_config *c) { ... }"
}

t_config_c_crashes() {
	unikernel '	mg_app_console(app, mg_default_console(c));
	*(volatile int *)0 = 1;'
	run "$MORGANA" configure -t unix
	assert_rc 1
	assert_out "config.c crashed while running mg_configure() (signal 11)"
}

t_device_without_the_target() {
	unikernel '	static const mg_device_desc tap = {
		.name = "tap", .module = "netif", .impl = "tap",
		.ctype = "int", .header = "tap.h",
		.connect = "tap_connect", .targets = "hvt",
	};
	mg_device_new(c, &tap);
	mg_app_console(app, mg_default_console(c));'
	run "$MORGANA" configure -t unix
	assert_rc 1
	assert_out "config.c:$(line_of 'mg_device_new' config.c): error: device tap (netif/tap) does not support target 'unix'; it supports: hvt"
}

t_missing_source() {
	unikernel '	mg_app_source(app, "helper.c");
	mg_app_console(app, mg_default_console(c));'
	run "$MORGANA" configure -t unix
	assert_rc 1
	assert_out "config.c:$(line_of helper.c config.c): error: source 'helper.c' not found (paths are relative to the folder of config.c)"
}

t_missing_start_function() {
	unikernel '	mg_app_console(app, mg_default_console(c));'
	sed -i 's/u_start/v_start/' u.c
	run "$MORGANA" configure -t unix
	assert_rc 0
	run "$MORGANA" build
	assert_rc 1
	assert_out "the application's start function u_start (named by mg_main at config.c:5) is not defined in its sources; define"
	assert_out "  int u_start(mg_console *console)"
}

t_start_function_signature_mismatch() {
	unikernel '	mg_app_console(app, mg_default_console(c));
	mg_app_time(app, mg_default_time(c));'
	run "$MORGANA" configure -t unix
	assert_rc 0
	run "$MORGANA" build
	assert_rc 1
	# At the app's line, with the expected prototype from config.c.
	assert_out_re "^u\.c:3:[0-9]+: error: conflicting types for .u_start."
	assert_out_re "^config\.c:5:[0-9]+: note: previous declaration of .u_start."
	assert_out "the start function u_start does not have the parameters that config.c gives it (mg_main at config.c:5); it must be"
	assert_out "  int u_start(mg_console *console, mg_time *time)"
	assert_not_out "main.c:"
}

t_template_error_points_at_config_c() {
	unikernel '	static const mg_device_desc gadget = {
		.name = "gadget", .module = "console", .impl = "gadget",
		.ctype = "mg_console", .header = "mg/console.h",
		MG_CODE("rc = gadget_connect(${self});"),
	};
	mg_app_console(app, mg_console_of(mg_device_new(c, &gadget)));'
	run "$MORGANA" configure -t unix
	assert_rc 0
	run "$MORGANA" build
	assert_rc 1
	assert_out_re "^config\.c:$(line_of MG_CODE config.c):[0-9]+: error: implicit declaration of function .gadget_connect."
	assert_not_out "main.c:"
}

t_connect_failure_names_the_device() {
	unikernel '	static const mg_device_desc broken = {
		.name = "broken", .module = "console", .impl = "never",
		.ctype = "mg_console", .header = "mg/console.h",
		MG_CODE("(void)${self};\nrc = MG_ENOTSUP;"),
	};
	mg_app_console(app, mg_console_of(mg_device_new(c, &broken)));'
	configure_build -t unix
	run "$MORGANA" run
	assert_rc 1
	assert_out "device broken (never): connect failed: operation not supported"
	assert_not_out "u started"
}

t_unused_device_is_a_warning() {
	unikernel '	mg_default_random(c);
	mg_app_console(app, mg_default_console(c));'
	run "$MORGANA" configure -t unix
	assert_rc 0
	assert_out "config.c:$(line_of mg_default_random config.c): warning: device random (random/chacha) is not given to the application: left out of the image"
	run "$MORGANA" build
	assert_rc 0
	assert_not_out "random"
}

run_test config_c_does_not_compile t_config_c_does_not_compile
run_test wrong_module_type_is_a_compile_error t_wrong_module_type_is_a_compile_error
run_test unknown_function_in_config_c t_unknown_function_in_config_c
run_test no_mg_configure t_no_mg_configure
run_test config_c_crashes t_config_c_crashes
run_test device_without_the_target t_device_without_the_target
run_test missing_source t_missing_source
run_test missing_start_function t_missing_start_function
run_test start_function_signature_mismatch t_start_function_signature_mismatch
run_test template_error_points_at_config_c t_template_error_points_at_config_c
run_test connect_failure_names_the_device t_connect_failure_names_the_device
run_test unused_device_is_a_warning t_unused_device_is_a_warning
finish
