/* Mistakes in config.c or in the configure flags: each says what and where. */
#include "test_codegen_util.h"

static mg_app *app(mg_config *c)
{
	mg_app *a = mg__main(c, "t", "t_start", "config.c", 2);
	mg__app_source(a, "t.c", "config.c", 3);
	return a;
}

/* Check, and return the diagnostics. */
static const char *check(mg_config *c)
{
	mg__cfg_check(c);
	return diags(c);
}

#define EXPECT_ERROR(c, text)                                                  \
	do {                                                                   \
		const char *d_ = check(c);                                     \
		ASSERT_CONTAINS(d_, text);                                     \
		ASSERT_CMP((c)->errors.n, >=, 1);                              \
		mg__cfg_free(c);                                               \
	} while (0)

MGT_TEST(no_mg_main)
{
	mg_config *c = cfg();
	mg_default_console(c);
	EXPECT_ERROR(c,
	             "config.c: error: mg_configure() never calls mg_main(): "
	             "add\n\tmg_app *app = mg_main(c, \"NAME\", "
	             "\"NAME_start\");");
}

MGT_TEST(mg_main_twice_and_bad_names)
{
	mg_config *c = cfg();
	app(c);
	mg__main(c, "u", "u_start", "config.c", 9);
	EXPECT_ERROR(c, "config.c:9: error: mg_main called a second time "
	                "(first at config.c:2)");
	c = cfg();
	mg__main(c, "Bad Name", "t_start", "config.c", 4);
	EXPECT_ERROR(c, "config.c:4: error: application name 'Bad Name'");
	c = cfg();
	mg__main(c, "t", "1start", "config.c", 4);
	EXPECT_ERROR(c, "config.c:4: error: start function '1start' is not a "
	                "C identifier");
	c = cfg();
	mg__main(c, "t", "main", "config.c", 4);
	EXPECT_ERROR(c, "start function 'main' would clash with Morgana's own "
	                "symbols: call it something like t_start");
}

MGT_TEST(an_app_needs_sources_that_exist)
{
	mg_config *c = cfg();
	mg__main(c, "t", "t_start", "config.c", 2);
	EXPECT_ERROR(c, "config.c:2: error: the application has no sources: "
	                "add mg_app_source(app, \"t.c\")");
	mg__cfg_opts o = {.target = "unix", .check_files = true};
	c = mg__cfg_new(&o);
	mg_app *a = mg__main(c, "t", "t_start", "config.c", 2);
	mg__app_source(a, "no/such/file.c", "config.c", 5);
	EXPECT_ERROR(c, "config.c:5: error: source 'no/such/file.c' not found "
	                "(paths are relative to the folder of config.c)");
	c = cfg();
	a = mg__main(c, "t", "t_start", "config.c", 2);
	mg__app_source(a, "t.cpp", "config.c", 6);
	EXPECT_ERROR(c, "config.c:6: error: source 't.cpp': sources are .c");
}

MGT_TEST(unknown_configure_flags)
{
	char *f1[] = {"--cuont=3", NULL};
	mg_config *c = cfg_flags("unix", f1);
	app(c);
	mg_key_int(c, "count", 1, "n");
	mg_key_bool(c, "fast", false, "f");
	EXPECT_ERROR(c, "error: unknown configure key --cuont (did you mean "
	                "--count?); the configure keys of this unikernel are "
	                "--count, --fast (morgana configure --help describes "
	                "them)");
	char *f2[] = {"--zzz", NULL};
	c = cfg_flags("unix", f2);
	app(c);
	EXPECT_ERROR(c, "unknown configure key --zzz; this unikernel has no "
	                "configure keys");
	char *f3[] = {"oops", NULL};
	c = cfg_flags("unix", f3);
	app(c);
	EXPECT_ERROR(c, "'oops' is not a configure key (keys are given as "
	                "--name=value)");
}

MGT_TEST(boot_keys_given_at_configure_time)
{
	char *f1[] = {"--greeting=hi", NULL};
	mg_config *c = cfg_flags("unix", f1);
	app(c);
	mg__boot_key(c, MG_KEY_STRING, "greeting", "Hello", 0, 0, "g",
	             "config.c", 7);
	EXPECT_ERROR(c, "error: --greeting is a boot-time key (of the "
	                "application, declared at config.c:7), not a configure "
	                "key: give it when the image starts, as in 'morgana "
	                "run -- --greeting=hi'");
	char *f2[] = {"--greting=hi", NULL};
	c = cfg_flags("unix", f2);
	app(c);
	mg__boot_key(c, MG_KEY_STRING, "greeting", "Hello", 0, 0, "g",
	             "config.c", 7);
	EXPECT_ERROR(c, "unknown configure key --greting (did you mean "
	                "--greeting? That is a boot-time key");
}

MGT_TEST(bad_configure_values)
{
	char *f[] = {"--count=lots", "--fast=maybe", "--net=carrier-pigeon",
	             "--name", NULL};
	mg_config *c = cfg_flags("unix", f);
	app(c);
	ASSERT_EQ(mg_key_int(c, "count", 4, "n"), 4);
	ASSERT_EQ(mg_key_bool(c, "fast", false, "f"), 0);
	ASSERT_STREQ(mg_key_choice(c, "net", "socket", "socket|direct", "n"),
	             "socket");
	mg_key_string(c, "name", "x", "a name");
	const char *d = check(c);
	ASSERT_CONTAINS(d, "error: --count=lots: not an integer (--count "
	                   "takes an integer; default 4)");
	ASSERT_CONTAINS(d, "error: --fast=maybe: not a boolean (use --fast, "
	                   "--no-fast, or --fast=true|false)");
	ASSERT_CONTAINS(d, "error: --net=carrier-pigeon: not a valid choice "
	                   "(choose one of socket|direct)");
	ASSERT_CONTAINS(d, "error: configure key --name needs a value: "
	                   "--name=VALUE");
	mg__cfg_free(c);
}

MGT_TEST(bad_key_declarations)
{
	mg_config *c = cfg();
	app(c);
	mg__key_choice(c, "net", "tap", "socket|direct", "n", "config.c", 3);
	EXPECT_ERROR(c, "config.c:3: error: configure key --net: default 'tap' "
	                "is not one of its choices 'socket|direct'");
	c = cfg();
	app(c);
	mg__key_int(c, "Count", 1, "n", "config.c", 4);
	EXPECT_ERROR(c, "config.c:4: error: configure key name 'Count': use "
	                "lower case letters");
	c = cfg();
	app(c);
	mg__key_int(c, "target", 1, "n", "config.c", 4);
	EXPECT_ERROR(c, "config.c:4: error: configure key name 'target' is "
	                "reserved");
	c = cfg();
	app(c);
	mg__key_int(c, "n", 1, "n", "config.c", 4);
	mg__key_bool(c, "n", true, "n", "config.c", 5);
	EXPECT_ERROR(c, "config.c:5: error: configure key --n declared again "
	                "with another type (first at config.c:4)");
}

MGT_TEST(bad_boot_keys)
{
	mg_config *c = cfg();
	app(c);
	mg__boot_key(c, MG_KEY_STRING, "name", "a", 0, 0, "d", "config.c", 3);
	mg__boot_key(c, MG_KEY_STRING, "name", "b", 0, 0, "d", "config.c", 4);
	EXPECT_ERROR(c, "config.c:4: error: boot key --name declared twice "
	                "(first at config.c:3)");
	c = cfg();
	app(c);
	mg__key_string(c, "mode", "a", "d", "config.c", 3);
	mg__boot_key(c, MG_KEY_STRING, "mode", "b", 0, 0, "d", "config.c", 4);
	EXPECT_ERROR(c, "config.c:4: error: boot key --mode has the name of a "
	                "configure key (declared at config.c:3)");
	c = cfg();
	app(c);
	mg__boot_int(c, "status", 300, 0, 255, "d", "config.c", 5);
	EXPECT_ERROR(c, "config.c:5: error: boot key --status: default '300' "
	                "is not an integer in [0, 255]");
	c = cfg();
	app(c);
	mg__boot_key(c, MG_KEY_IPV4, "gw", "10.0.0.256", 0, 0, "d", "config.c",
	             6);
	mg__boot_key(c, MG_KEY_IPV4_PREFIX, "ip", "10.0.0.1/33", 0, 0, "d",
	             "config.c", 7);
	mg__boot_key(c, MG_KEY_IPV4, "gw2", "010.0.0.1", 0, 0, "d", "config.c",
	             8);
	const char *d = check(c);
	ASSERT_CONTAINS(d, "config.c:6: error: boot key --gw: default "
	                   "'10.0.0.256' is not a valid ipv4");
	ASSERT_CONTAINS(d, "config.c:7: error: boot key --ip: default "
	                   "'10.0.0.1/33' is not a valid ipv4-prefix");
	ASSERT_CONTAINS(d, "config.c:8: error: boot key --gw2");
	mg__cfg_free(c);
	c = cfg();
	app(c);
	mg__boot_key(c, MG_KEY_BOOL, "help", "true", 0, 0, "d", "config.c", 9);
	EXPECT_ERROR(c, "config.c:9: error: boot key name 'help' is reserved");
	c = cfg();
	app(c);
	mg__boot_key(c, MG_KEY_BOOL, "int", "true", 0, 0, "d", "config.c", 9);
	EXPECT_ERROR(c, "config.c:9: error: boot key --int: 'int' is a C "
	                "keyword, so it cannot be a field of struct mg_keys");
}

static const mg_device_desc tap_desc = {
    .name = "tap",
    .module = "netif",
    .impl = "tap",
    .ctype = "int",
    .header = "t.h",
    .connect = "tap_connect",
    .targets = "unix",
};

MGT_TEST(a_device_that_does_not_support_the_target)
{
	mg_config *c = cfg_flags("hvt", NULL);
	app(c);
	mg__device_new(c, &tap_desc, "config.c", 11);
	EXPECT_ERROR(c, "config.c:11: error: device tap (netif/tap) does not "
	                "support target 'hvt'; it supports: unix");
}

static const mg_device_desc user_desc = {
    .name = "user",
    .module = "user",
    .impl = "u",
    .ctype = "int",
    .header = "u.h",
    .connect = "user_connect",
    .deps = "netif",
};

MGT_TEST(wrong_dependencies)
{
	mg_config *c = cfg();
	mg_app *a = app(c);
	mg_device *u = mg__device_new(c, &user_desc, "config.c", 3);
	mg__device_dep(u, mg_console_device(mg_default_console(c)), "config.c",
	               4);
	mg__app_device(a, u, "user");
	const char *d = check(c);
	ASSERT_CONTAINS(d, "config.c:4: error: dependency 1 of device user "
	                   "must be a netif device; console is a console");
	ASSERT_CONTAINS(d, "config.c:3: error: device user needs 1 dependency "
	                   "(netif) but has 0: add them with mg_device_dep()");
	mg__cfg_free(c);

	c = cfg();
	u = mg__device_new(c, &user_desc, "config.c", 3);
	mg_device *t = mg__device_new(c, &tap_desc, "config.c", 4);
	mg__device_dep(u, t, "config.c", 5);
	mg__device_dep(u, t, "config.c", 6);
	mg__device_dep(t, t, "config.c", 7);
	app(c);
	const char *d2 = check(c);
	ASSERT_CONTAINS(d2, "config.c:6: error: device user takes 1 dependency "
	                    "(netif), this would be one more");
	ASSERT_CONTAINS(d2, "config.c:7: error: device tap cannot depend on "
	                    "itself");
	mg__cfg_free(c);
}

MGT_TEST(a_dependency_cycle)
{
	static const mg_device_desc p = {.name = "p",
	                                 .module = "p",
	                                 .impl = "i",
	                                 .ctype = "int",
	                                 .header = "h.h",
	                                 .connect = "f",
	                                 .deps = "q"};
	static const mg_device_desc q = {.name = "q",
	                                 .module = "q",
	                                 .impl = "i",
	                                 .ctype = "int",
	                                 .header = "h.h",
	                                 .connect = "f",
	                                 .deps = "p"};
	mg_config *c = cfg();
	mg_app *a = app(c);
	mg_device *dp = mg__device_new(c, &p, "config.c", 3);
	mg_device *dq = mg__device_new(c, &q, "config.c", 4);
	mg__device_dep(dp, dq, "config.c", 5);
	mg__device_dep(dq, dp, "config.c", 6);
	mg__app_device(a, dp, "p");
	EXPECT_ERROR(c, "config.c:3: error: dependency cycle: p -> q -> p");
}

static const mg_key_desc k_key[] = {
    {.name = "k", .type = MG_KEY_INT, .def = "1"},
    {.name = NULL},
};

static mg_config *with_template(const char *code)
{
	static mg_device_desc t = {
	    .name = "t",
	    .module = "t",
	    .impl = "tpl",
	    .ctype = "int",
	    .header = "t.h",
	    .at_file = "config.c",
	    .at_line = 40,
	    .keys = k_key,
	};
	t.code = code;
	mg_config *c = cfg();
	mg_app *a = app(c);
	mg__app_device(a, mg__device_new(c, &t, "config.c", 41), "t");
	return c;
}

MGT_TEST(bad_templates)
{
	mg_config *c = with_template("rc = f(${self}, ${me});");
	EXPECT_ERROR(c, "config.c:40: error: device t: unknown placeholder "
	                "${me} in its code template (known: ${self}, ${dep0}"
	                "..., ${key:NAME}, $$)");
	c = with_template("rc = f(${dep0});");
	EXPECT_ERROR(c, "config.c:40: error: device t: code template uses "
	                "${dep0} but the device has 0 dependencies");
	c = with_template("rc = f(${key:kk});");
	EXPECT_ERROR(c,
	             "config.c:40: error: device t: code template uses "
	             "${key:kk} but the device has no boot key of that name");
	c = with_template("rc = f($self);");
	EXPECT_ERROR(c, "config.c:40: error: device t: code template: a '$' "
	                "that starts no ${...} placeholder (write $$ for a "
	                "'$')");
}

MGT_TEST(bad_device_descriptions)
{
	mg_config *c = cfg();
	mg__device_new(c,
	               &(mg_device_desc){.name = "x",
	                                 .module = "m",
	                                 .impl = "i",
	                                 .ctype = "int",
	                                 .header = "h.h"},
	               "config.c", 3);
	EXPECT_ERROR(c, "config.c:3: error: device x: give exactly one of "
	                ".connect (a function) and .code (a template)");
	c = cfg();
	mg__device_new(c,
	               &(mg_device_desc){.name = "Net0",
	                                 .module = "m",
	                                 .impl = "i",
	                                 .ctype = "int",
	                                 .header = "h.h",
	                                 .connect = "f"},
	               "config.c", 4);
	EXPECT_ERROR(c, "config.c:4: error: device name 'Net0'");
	c = cfg();
	mg__device_new(c,
	               &(mg_device_desc){.name = "x",
	                                 .module = "m",
	                                 .impl = "i",
	                                 .ctype = "int",
	                                 .header = "h.h",
	                                 .connect = "f()"},
	               "config.c", 5);
	EXPECT_ERROR(c, "config.c:5: error: device x: connect function 'f()' "
	                "is not a C identifier");
	c = cfg();
	mg__device_new(c, NULL, "config.c", 6);
	EXPECT_ERROR(c, "config.c:6: error: mg_device_new: no description");
}

MGT_TEST(mg_config_error_reports_at_its_line)
{
	mg_config *c = cfg();
	app(c);
	mg__error_at(c, "config.c", 12, "hvt needs %s", "a tap");
	EXPECT_ERROR(c, "config.c:12: error: hvt needs a tap");
}
