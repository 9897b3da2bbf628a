/* Devices' disconnects: generated in reverse connect order, run on exit. */
#include <limits.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_codegen_util.h"

/* Devices a <- b <- c <- d (each needs the one before); b has no
 * disconnect. */
static const mg_device_desc dev_descs[] = {
    {.name = "a",
     .module = "thing",
     .impl = "stub",
     .ctype = "struct thing",
     .header = "thing.h",
     .code = "rc = thing_up(${self}, \"a\");",
     .at_file = "config.c",
     .at_line = 5,
     .disconnect = "thing_down"},
    {.name = "b",
     .module = "thing",
     .impl = "stub",
     .ctype = "struct thing",
     .header = "thing.h",
     .code = "rc = thing_up(${self}, \"b\");",
     .at_file = "config.c",
     .at_line = 6,
     .deps = "thing"},
    {.name = "c",
     .module = "thing",
     .impl = "stub",
     .ctype = "struct thing",
     .header = "thing.h",
     .code = "rc = thing_up(${self}, \"c\");",
     .at_file = "config.c",
     .at_line = 7,
     .deps = "thing",
     .disconnect = "thing_down"},
    {.name = "d",
     .module = "thing",
     .impl = "stub",
     .ctype = "struct thing",
     .header = "thing.h",
     .code = "rc = thing_up(${self}, \"d\");",
     .at_file = "config.c",
     .at_line = 8,
     .deps = "thing",
     .disconnect = "thing_down"},
};

/* Made in the order d, a, c, b: the connect order comes from the deps. */
static mg_config *chain(void)
{
	mg_config *c = cfg();
	mg_app *app = mg__main(c, "demo", "demo_start", "config.c", 3);
	mg__app_source(app, "demo.c", "config.c", 3);
	mg_device *d = mg__device_new(c, &dev_descs[3], "config.c", 10);
	mg_device *a = mg__device_new(c, &dev_descs[0], "config.c", 11);
	mg_device *cc = mg__device_new(c, &dev_descs[2], "config.c", 12);
	mg_device *b = mg__device_new(c, &dev_descs[1], "config.c", 13);
	mg__device_dep(b, a, "config.c", 14);
	mg__device_dep(cc, b, "config.c", 15);
	mg__device_dep(d, cc, "config.c", 16);
	mg__app_device(app, d, "thing");
	ASSERT_EQ(mg__cfg_check(c), 0);
	return c;
}

MGT_TEST(disconnects_are_generated_last_connected_first)
{
	mg_config *c = chain();
	char *text = mg__gen_main(c);
	const char *ca = strstr(text, "thing_up(&dev_a");
	const char *cd = strstr(text, "thing_up(&dev_d");
	const char *da = strstr(text, "rc = thing_down(&dev_a);");
	const char *dc = strstr(text, "rc = thing_down(&dev_c);");
	const char *dd = strstr(text, "rc = thing_down(&dev_d);");
	ASSERT_TRUE(ca && cd && da && dc && dd);
	ASSERT_TRUE(ca < cd);
	ASSERT_TRUE(cd < dd && dd < dc && dc < da);
	ASSERT_TRUE(strstr(text, "thing_down(&dev_b)") == NULL);
	/* Only what was connected: d is the 4th, a the 1st. */
	ASSERT_CONTAINS(text, "\tif (nconnected > 3) {\n\t\tnconnected = 3;\n"
	                      "#line 8 \"config.c\"\n"
	                      "\t\trc = thing_down(&dev_d);\n");
	ASSERT_CONTAINS(text, "\tif (nconnected > 0) {\n\t\tnconnected = 0;\n");
	ASSERT_CONTAINS(text, "failed = device_failed(\"c\", \"stub\", "
	                      "\"disconnect\", rc);");
	ASSERT_CONTAINS(text, "\t.disconnect = disconnect_devices,\n");
	free(text);
	mg__cfg_free(c);
}

MGT_TEST(no_disconnect_function_without_a_device_that_has_one)
{
	mg_config *c = cfg();
	mg_app *app = mg__main(c, "demo", "demo_start", "config.c", 3);
	mg__app_source(app, "demo.c", "config.c", 3);
	mg__app_device(app, mg__default(c, "console", "config.c", 4),
	               "console");
	mg__cfg_check(c);
	ASSERT_STREQ(diags(c), "");
	char *text = mg__gen_main(c);
	ASSERT_TRUE(strstr(text, "disconnect_devices(void)") == NULL);
	ASSERT_TRUE(strstr(text, ".disconnect =") == NULL);
	ASSERT_TRUE(strstr(text, "nconnected") == NULL);
	free(text);
	mg__cfg_free(c);
}

MGT_TEST(a_disconnect_that_is_not_an_identifier_is_refused)
{
	mg_config *c = cfg();
	mg_device_desc bad = dev_descs[0];
	bad.disconnect = "thing down";
	mg__device_new(c, &bad, "config.c", 9);
	ASSERT_CONTAINS(diags(c), "disconnect function 'thing down' is not a "
	                          "C identifier");
	mg__cfg_free(c);
}

/* ---- the generated code linked into an image and run ---- */

static const char thing_h[] =
    "#ifndef THING_H\n#define THING_H\n"
    "struct thing { const char *name; };\n"
    "int thing_up(struct thing *t, const char *name);\n"
    "int thing_down(struct thing *t);\n"
    "#endif\n";

/* FAIL_UP=NAME fails that connect, FAIL_DOWN=NAME that disconnect. */
static const char thing_c[] =
    "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
    "#include <mg/error.h>\n#include <mg/platform.h>\n"
    "#include \"thing.h\"\n"
    "/* Through the console, as the generated code reports failures. */\n"
    "void say(const char *what, const char *name);\n"
    "void say(const char *what, const char *name)\n{\n"
    "\tchar b[64];\n\tint n = snprintf(b, sizeof b, \"%s %s\\n\", what, "
    "name);\n"
    "\tmg_platform_console_write(b, (size_t)n);\n}\n"
    "static int is(const char *var, const char *name)\n{\n"
    "\tconst char *v = getenv(var);\n\treturn v && !strcmp(v, name);\n}\n"
    "int thing_up(struct thing *t, const char *name)\n{\n"
    "\tt->name = name;\n\tsay(\"up\", name);\n"
    "\treturn is(\"FAIL_UP\", name) ? MG_EIO : 0;\n}\n"
    "int thing_down(struct thing *t)\n{\n"
    "\tsay(\"down\", t->name);\n"
    "\treturn is(\"FAIL_DOWN\", t->name) ? MG_EIO : 0;\n}\n";

/* STATUS=N: start returns N; EXIT=N: a second fiber calls mg_exit(N)
 * while start waits, and a third calls it again. */
static const char demo_c[] =
    "#include <stdlib.h>\n"
    "#include <mg/mg.h>\n#include \"thing.h\"\n#include \"mg_app.h\"\n"
    "void say(const char *what, const char *name);\n"
    "static int exiter(void *arg)\n{\n"
    "\tmg_exit((int)(long)arg);\n}\n"
    "int demo_start(struct thing *d)\n{\n"
    "\tsay(\"start\", d->name);\n"
    "\tif (getenv(\"EXIT\")) {\n"
    "\t\tlong st = atol(getenv(\"EXIT\"));\n"
    "\t\tmg_spawn(exiter, (void *)st, NULL);\n"
    "\t\tmg_spawn(exiter, (void *)(st + 1), NULL);\n"
    "\t\tmg_sleep_until(MG_FOREVER);\n"
    "\t\tsay(\"woken\", \"start\");\n\t}\n"
    "\treturn atoi(getenv(\"STATUS\") ? getenv(\"STATUS\") : \"0\");\n}\n";

static void write_to(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(fputs(text, f) >= 0, 1);
	ASSERT_EQ(fclose(f), 0);
}

static const char *repo_root(void)
{
	static char root[PATH_MAX];
	char me[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", me, sizeof(me) - 1);
	ASSERT_TRUE(n > 0);
	me[n] = 0;
	char *p = strstr(me, "/_out/tests/");
	ASSERT_TRUE(p != NULL);
	*p = 0;
	snprintf(root, sizeof(root), "%s", me);
	return root;
}

static char dir[] = "/tmp/mgt_exit_XXXXXX";

/* Run the image with (env) set; its output in (out), its exit status. */
static int run_image(const char *env, char *out, size_t len)
{
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "cd %s && env %s ./img >out.txt 2>&1", dir,
	         env);
	int st = system(cmd);
	snprintf(cmd, sizeof(cmd), "%s/out.txt", dir);
	FILE *f = fopen(cmd, "r");
	ASSERT_TRUE(f != NULL);
	size_t n = fread(out, 1, len - 1, f);
	out[n] = 0;
	fclose(f);
	ASSERT_TRUE(WIFEXITED(st));
	return WEXITSTATUS(st);
}

MGT_TEST(an_image_disconnects_its_devices_on_a_clean_exit)
{
	ASSERT_TRUE(mkdtemp(dir) != NULL);
	char path[8192], cmd[32768], out[4096];
	mg_config *c = chain();
	char *m = mg__gen_main(c);
	char *h = mg__gen_app_h(c);
	mg__cfg_free(c);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/_build/unix", dir);
	ASSERT_EQ(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/_build/unix/main.c", dir);
	write_to(path, m);
	snprintf(path, sizeof(path), "%s/_build/unix/mg_app.h", dir);
	write_to(path, h);
	free(m);
	free(h);
	snprintf(path, sizeof(path), "%s/thing.h", dir);
	write_to(path, thing_h);
	snprintf(path, sizeof(path), "%s/thing.c", dir);
	write_to(path, thing_c);
	snprintf(path, sizeof(path), "%s/demo.c", dir);
	write_to(path, demo_c);
	char root[PATH_MAX];
	ASSERT_TRUE(realpath(repo_root(), root) != NULL);
	snprintf(
	    cmd, sizeof(cmd),
	    "cd %s && cc -std=gnu11 -Wall -Wextra -Werror -I. -I_build/unix "
	    "-I'%s/include' "
	    "-o img _build/unix/main.c thing.c demo.c "
	    "'%s/_out/lib/morgana/unix/libmgcore.a' "
	    "'%s/_out/lib/morgana/unix/libmgplatform.a' "
	    "'%s/_out/lib/morgana/unix/libmgcore.a'",
	    dir, root, root, root, root);
	ASSERT_EQ(system(cmd), 0);

	ASSERT_EQ(run_image("STATUS=5", out, sizeof out), 5);
	ASSERT_STREQ(out, "up a\nup b\nup c\nup d\nstart d\n"
	                  "down d\ndown c\ndown a\n");

	/* A failed connect disconnects what was connected before it. */
	ASSERT_EQ(run_image("FAIL_UP=c", out, sizeof out), 1);
	ASSERT_STREQ(out,
	             "up a\nup b\nup c\n"
	             "device c (stub): connect failed: input/output error\n"
	             "down a\n");

	/* A failed disconnect is reported, the others still run, and a
	 * status 0 becomes 1; another status is kept. */
	ASSERT_EQ(run_image("FAIL_DOWN=c", out, sizeof out), 1);
	ASSERT_CONTAINS(out, "down c\ndevice c (stub): disconnect failed: "
	                     "input/output error\ndown a\n");
	ASSERT_EQ(run_image("FAIL_DOWN=c STATUS=3", out, sizeof out), 3);

	/* mg_exit() from another fiber: the first caller's status, each
	 * disconnect once, start never resumed. */
	ASSERT_EQ(run_image("EXIT=7", out, sizeof out), 7);
	ASSERT_STREQ(out, "up a\nup b\nup c\nup d\nstart d\n"
	                  "down d\ndown c\ndown a\n");

	/* An MG_E code from start() is reported, then the devices go. */
	ASSERT_EQ(run_image("STATUS=-9", out, sizeof out), 1);
	ASSERT_CONTAINS(out, "demo: start returned MG_EIO");
	ASSERT_CONTAINS(out, "down d\ndown c\ndown a\n");

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ASSERT_EQ(system(cmd), 0);
}
