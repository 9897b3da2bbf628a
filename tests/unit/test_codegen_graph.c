/* The device graph: connect order, shared devices, choices, keys, templates. */
#include "test_codegen_util.h"

/* A device of module (name) with the dependencies (deps), by connect(). */
#define DEV(id, deps_)                                                         \
	static const mg_device_desc id##_desc = {                              \
	    .name = #id,                                                       \
	    .module = #id,                                                     \
	    .impl = "test",                                                    \
	    .ctype = "int",                                                    \
	    .header = "stdio.h",                                               \
	    .connect = #id "_connect",                                         \
	    .deps = deps_,                                                     \
	}

DEV(a, "b");
DEV(b, "c");
DEV(c, NULL);
DEV(d, NULL);
DEV(x, "y z");
DEV(y, "w");
DEV(z, "w");
DEV(w, NULL);

static mg_device *dev(mg_config *c, const mg_device_desc *d)
{
	return mg__device_new(c, d, "config.c", 1);
}

static mg_app *app(mg_config *c)
{
	mg_app *a = mg__main(c, "t", "t_start", "config.c", 2);
	mg__app_source(a, "t.c", "config.c", 3);
	return a;
}

static const char *order(mg_config *c)
{
	mg__buf b = {0};
	for (size_t i = 0; i < c->order.n; i++)
		mg__buf_printf(&b, "%s%s", i ? " " : "",
		               ((mg_device *)c->order.v[i])->name);
	char *s = mg__buf_take(&b);
	char *r = mg__strdup(c, s);
	free(s);
	return r;
}

MGT_TEST(order_puts_dependencies_first_and_is_stable)
{
	mg_config *c = cfg();
	mg_app *ap = app(c);
	mg_device *dd = dev(c, &d_desc), *da = dev(c, &a_desc),
	          *db = dev(c, &b_desc), *dc = dev(c, &c_desc);
	mg__device_dep(da, db, "config.c", 5);
	mg__device_dep(db, dc, "config.c", 6);
	mg__app_device(ap, da, "a");
	mg__app_device(ap, dd, "d");
	ASSERT_EQ(mg__cfg_check(c), 0);
	ASSERT_STREQ(order(c), "d c b a");
	mg__cfg_free(c);
}

MGT_TEST(order_of_a_diamond)
{
	mg_config *c = cfg();
	mg_app *ap = app(c);
	mg_device *dx = dev(c, &x_desc), *dy = dev(c, &y_desc),
	          *dz = dev(c, &z_desc), *dw = dev(c, &w_desc);
	mg__device_dep(dx, dy, "config.c", 5);
	mg__device_dep(dx, dz, "config.c", 5);
	mg__device_dep(dy, dw, "config.c", 6);
	mg__device_dep(dz, dw, "config.c", 7);
	mg__app_device(ap, dx, "x");
	ASSERT_EQ(mg__cfg_check(c), 0);
	ASSERT_STREQ(order(c), "w y z x");
	char *m = mg__gen_main(c);
	ASSERT_CONTAINS(m, "rc = x_connect(&dev_x, &dev_y, &dev_z);");
	ASSERT_CONTAINS(m, "rc = z_connect(&dev_z, &dev_w);");
	free(m);
	mg__cfg_free(c);
}

MGT_TEST(default_devices_are_shared)
{
	mg_config *c = cfg();
	mg_app *a = app(c);
	mg_console *c1 = mg_default_console(c), *c2 = mg_default_console(c);
	ASSERT_TRUE(c1 == c2);
	mg_app_console(a, c1);
	mg_app_console(a, c2);
	ASSERT_EQ(mg__cfg_check(c), 0);
	ASSERT_STREQ(order(c), "console");
	char *h = mg__gen_app_h(c);
	ASSERT_CONTAINS(h, "int t_start(mg_console *console, mg_console "
	                   "*console2);");
	free(h);
	char *m = mg__gen_main(c);
	ASSERT_CONTAINS(m, "return t_start(&dev_console, &dev_console);");
	free(m);
	mg__cfg_free(c);
}

static const mg_device_desc stack_impls[] = {
    {.name = "stack",
     .module = "stack",
     .impl = "socket",
     .ctype = "int",
     .header = "s.h",
     .connect = "socket_connect",
     .targets = "unix"},
    {.name = "stack",
     .module = "stack",
     .impl = "direct",
     .ctype = "int",
     .header = "s.h",
     .connect = "direct_connect",
     .targets = "unix hvt"},
    {.name = NULL},
};

static const char *choose(const char *target, const char *impl)
{
	static char out[512];
	mg_config *c = cfg_flags(target, NULL);
	mg_device *d = mg__device_choose(c, stack_impls, impl, "config.c", 9);
	snprintf(out, sizeof(out), "%s %s", mg_device_impl(d),
	         c->errors.n ? (char *)c->errors.v[0] : "");
	mg__cfg_free(c);
	return out;
}

MGT_TEST(a_generic_device_picks_by_target_and_key)
{
	ASSERT_STREQ(choose("unix", NULL), "socket ");
	ASSERT_STREQ(choose("unix", "direct"), "direct ");
	ASSERT_STREQ(choose("hvt", NULL), "direct ");
	ASSERT_CONTAINS(choose("hvt", "socket"),
	                "config.c:9: error: no stack implementation named "
	                "'socket' supports target 'hvt'; there are: socket "
	                "(targets: unix), direct (targets: unix hvt)");
	ASSERT_CONTAINS(choose("unix", "tap"),
	                "no stack implementation named 'tap'");
}

MGT_TEST(unused_devices_are_left_out_with_a_warning)
{
	mg_config *c = cfg();
	mg_app *a = app(c);
	mg_app_console(a, mg_default_console(c));
	mg__device_new(c,
	               &(mg_device_desc){
	                   .name = "lonely",
	                   .module = "m",
	                   .impl = "i",
	                   .ctype = "int",
	                   .header = "h.h",
	                   .connect = "f",
	                   .keys = (const mg_key_desc[]){{.name = "lonely-key",
	                                                  .type = MG_KEY_BOOL,
	                                                  .def = "true"},
	                                                 {.name = NULL}}},
	               "config.c", 12);
	ASSERT_EQ(mg__cfg_check(c), 0);
	ASSERT_CONTAINS(diags(c), "config.c:12: warning: device lonely (m/i) "
	                          "is not given to the application");
	char *m = mg__gen_main(c);
	ASSERT_TRUE(strstr(m, "lonely") == NULL);
	free(m);
	char *k = mg__gen_key_index(c);
	ASSERT_STREQ(k, "");
	free(k);
	mg__cfg_free(c);
}

MGT_TEST(configure_keys_take_their_flags)
{
	char *flags[] = {"--count=5",    "--verbose", "--no-fast",
	                 "--net=direct", "--count=7", NULL};
	mg_config *c = cfg_flags("unix", flags);
	ASSERT_EQ(mg_key_int(c, "count", 1, "how many"), 7);
	ASSERT_EQ(mg_key_bool(c, "verbose", false, "talk"), 1);
	ASSERT_EQ(mg_key_bool(c, "fast", true, "hurry"), 0);
	ASSERT_STREQ(mg_key_choice(c, "net", "socket", "socket|direct", "n"),
	             "direct");
	ASSERT_STREQ(mg_key_string(c, "name", "x", "a name"), "x");
	/* Declared again: the same value. */
	ASSERT_EQ(mg_key_int(c, "count", 1, "how many"), 7);
	mg_app *a = app(c);
	mg_app_console(a, mg_default_console(c));
	ASSERT_EQ(mg__cfg_check(c), 0);
	char *d = mg__gen_describe(c);
	ASSERT_CONTAINS(d, "configure  --count    7            ");
	ASSERT_CONTAINS(d, "configure  --name     x (default)  ");
	ASSERT_CONTAINS(d, "configured by: morgana configure -t unix "
	                   "--count=5 --verbose --no-fast --net=direct "
	                   "--count=7\n");
	free(d);
	char *s = mg__gen_saved_args(c);
	ASSERT_STREQ(s, "--count=5\n--verbose\n--no-fast\n--net=direct\n"
	                "--count=7\n");
	free(s);
	mg__cfg_free(c);
}

MGT_TEST(keys_help_shows_both_stages)
{
	mg_config *c = cfg();
	mg_key_choice(c, "net", "socket", "socket|direct", "The stack");
	mg_key_bool(c, "dhcp", false, "Use DHCP");
	mg_boot_ipv4_prefix(c, "ipv4", "10.0.0.2/24", "Address");
	mg_boot_string(c, "name", NULL, "Who");
	char *h = mg__gen_keys_help(c);
	ASSERT_CONTAINS(h,
	                "Configure-time keys of this unikernel (morgana "
	                "configure -t unix --NAME=VALUE):\n"
	                "  --net=socket|direct  The stack (default: socket)\n"
	                "  --[no-]dhcp          Use DHCP (default: false)\n");
	ASSERT_CONTAINS(h,
	                "  --ipv4=A.B.C.D/N  Address (default 10.0.0.2/24) "
	                "[application]\n"
	                "  --name=STRING     Who ((required)) [application]");
	free(h);
	mg__cfg_free(c);
}

MGT_TEST(device_keys_are_connect_arguments)
{
	mg_config *c = cfg();
	mg_app *a = app(c);
	mg_device *dc = dev(c, &c_desc);
	mg_device_key(dc, mg_boot_int(c, "port", 80, 1, 65535, "Port"));
	mg_device_key(dc, mg_boot_ipv4(c, "gw", "10.0.0.1", "Gateway"));
	mg_boot_bool(c, "verbose", false, "Talk");
	mg__app_device(a, dc, "c");
	ASSERT_EQ(mg__cfg_check(c), 0);
	char *m = mg__gen_main(c);
	ASSERT_CONTAINS(m, "static int64_t key_port; /* --port: Port (default "
	                   "80), of c */");
	ASSERT_CONTAINS(m, "static mg_ipv4_addr key_gw;");
	ASSERT_CONTAINS(m, "rc = c_connect(&dev_c, key_port, key_gw);");
	/* The application's keys come first in the table (--help order). */
	const char *verbose = strstr(m, ".name = \"verbose\"");
	const char *port = strstr(m, ".name = \"port\"");
	ASSERT_TRUE(verbose && port && verbose < port);
	ASSERT_CONTAINS(m, "\t\t.type = MG_ARG_BOOL,\n\t\t.def = \"false\",");
	ASSERT_CONTAINS(m, "\t\t.owner = \"c\",\n\t\t.dest = &key_port,\n"
	                   "\t\t.min = 1,\n\t\t.max = 65535,");
	free(m);
	char *h = mg__gen_app_h(c);
	ASSERT_CONTAINS(h, "\tbool verbose; /* --verbose: Talk (default "
	                   "false) */");
	ASSERT_TRUE(strstr(h, "port") == NULL);
	free(h);
	mg__cfg_free(c);
}

MGT_TEST(an_app_without_devices_or_keys)
{
	mg_config *c = cfg();
	mg_app *a = app(c);
	mg_app_lib(a, "m");
	mg_app_cflags(a, "-DNDEBUG -O3");
	ASSERT_EQ(mg__cfg_check(c), 0);
	char *h = mg__gen_app_h(c);
	ASSERT_CONTAINS(h, "int t_start(void);");
	ASSERT_TRUE(strstr(h, "mg_keys") == NULL);
	free(h);
	char *m = mg__gen_main(c);
	ASSERT_CONTAINS(m, "\t.args = NULL,\n\t.nargs = 0,");
	ASSERT_CONTAINS(m, "static int connect_devices(void)\n{\n\treturn 0;");
	ASSERT_TRUE(strstr(m, "mg_arg args[]") == NULL);
	free(m);
	char *mk = mg__gen_makefile(c);
	ASSERT_CONTAINS(mk, "\nMG_LIBS := m\nMG_APP_CFLAGS := -DNDEBUG -O3\n");
	free(mk);
	mg__cfg_free(c);
}

MGT_TEST(dot_graph_has_every_edge)
{
	mg_config *c = cfg();
	mg_app *ap = app(c);
	mg_device *da = dev(c, &a_desc), *db = dev(c, &b_desc),
	          *dc = dev(c, &c_desc);
	mg__device_dep(da, db, "config.c", 5);
	mg__device_dep(db, dc, "config.c", 6);
	mg__app_device(ap, da, "a");
	ASSERT_EQ(mg__cfg_check(c), 0);
	char *d = mg__gen_dot(c);
	ASSERT_CONTAINS(d, "digraph \"t\" {");
	ASSERT_CONTAINS(d, "\"t\" -> \"a\" [label = \"0\"];");
	ASSERT_CONTAINS(d, "\t\"b\" -> \"c\";\n\t\"a\" -> \"b\";\n}");
	free(d);
	mg__cfg_free(c);
}

MGT_TEST(templates_expand_their_placeholders)
{
	static const mg_key_desc keys[] = {
	    {.name = "n-max", .type = MG_KEY_INT, .def = "3"},
	    {.name = NULL},
	};
	static const mg_device_desc t = {
	    .name = "t",
	    .module = "t",
	    .impl = "tpl",
	    .ctype = "int",
	    .header = "t.h",
	    .deps = "c",
	    MG_CODE("rc = t_go(${self}, ${dep0}, ${key:n-max}, \"$$\");"),
	    .keys = keys,
	};
	mg_config *c = cfg();
	mg_app *a = app(c);
	mg_device *d = dev(c, &t);
	mg__device_dep(d, dev(c, &c_desc), "config.c", 4);
	mg__app_device(a, d, "t");
	ASSERT_EQ(mg__cfg_check(c), 0);
	char *m = mg__gen_main(c);
	char want[200];
	snprintf(want, sizeof(want),
	         "#line %d \"%s\"\n\trc = t_go(&dev_t, &dev_c, key_n_max, "
	         "\"$\");\n#line",
	         t.at_line, __FILE__);
	ASSERT_CONTAINS(m, want);
	free(m);
	mg__cfg_free(c);
}

MGT_TEST(typed_handles_check_the_module_type)
{
	mg_config *c = cfg();
	mg_device *t = mg_time_device(mg_default_time(c));
	ASSERT_TRUE(mg_time_of(t) != NULL);
	ASSERT_EQ(c->errors.n, 0);
	mg_console_of(t);
	ASSERT_EQ(c->errors.n, 1);
	ASSERT_CONTAINS(diags(c), "device time (made here) is a time device, "
	                          "used where a console is expected");
	mg__cfg_free(c);
}

MGT_TEST(hvt_images_carry_a_manifest)
{
	mg_config *c = cfg_flags("hvt", NULL);
	mg_app *a = app(c);
	mg_app_console(a, mg_default_console(c));
	mg_app_random(a, mg_default_random(c));
	ASSERT_EQ(mg__cfg_check(c), 0);
	char *m = mg__gen_main(c);
	ASSERT_CONTAINS(m, "#include <mg/hvt_abi.h>\nMG_HVT_MANIFEST(0);\n");
	free(m);
	char *mk = mg__gen_makefile(c);
	ASSERT_CONTAINS(mk, "include $(MG_PREFIX)/share/morgana/mk/hvt.mk\n");
	ASSERT_CONTAINS(mk, "MG_IMAGE := dist/t.hvt\n");
	free(mk);
	mg__cfg_free(c);
	c = cfg();
	app(c);
	ASSERT_EQ(mg__cfg_check(c), 0);
	m = mg__gen_main(c);
	ASSERT_TRUE(strstr(m, "MANIFEST") == NULL);
	free(m);
	mg__cfg_free(c);
}
