/* Boot: arguments, --help, usage errors, connect and start, exit status. */
#include <signal.h>
#include <sys/wait.h>

#include <mg/error.h>
#include <mg/fiber.h>
#include <mg/log.h>
#include <mg/platform.h>
#include <mg/platform_unix.h>
#include <mg/unikernel.h>

#include "mgtest.h"

static const char *greeting;
static int64_t count;

static mg_arg args[] = {
    {.name = "greeting",
     .type = MG_ARG_STRING,
     .def = "Hello",
     .doc = "Text to print",
     .owner = "application",
     .dest = &greeting},
    {.name = "count",
     .type = MG_ARG_INT,
     .def = "1",
     .doc = "Times to print it",
     .owner = "application",
     .dest = &count,
     .min = 0,
     .max = 10},
};

/* What connect() and start() do, set by each test before booting. */
static int connect_result;
static int start_result;
static int started;

static int app_connect(void)
{
	if (connect_result)
		mg_platform_console_write("cannot connect\n", 15);
	return connect_result;
}

static int app_start(void)
{
	char line[128];
	started = 1;
	/* The application runs on a fiber named "main". */
	snprintf(line, sizeof line, "%s from %s, %lld time(s)\n", greeting,
	         mg_fiber_name(mg_self()), (long long)count);
	mg_platform_console_write(line, strlen(line));
	/* And can block: the scheduler is running. */
	if (mg_sleep_ns(MG_NS_PER_MS) != 0)
		return 99;
	return start_result;
}

const mg_unikernel mg__unikernel = {
    .name = "hello",
    .args = args,
    .nargs = sizeof args / sizeof args[0],
    .connect = app_connect,
    .start = app_start,
};

/* Boot in a child with (argv), NULL-terminated; return the wait status. */
static int boot(char **argv, char *out, size_t outlen);

static char **boot_argv;

static void boot_child(void *arg)
{
	(void)arg;
	int argc = 0;
	while (boot_argv[argc])
		argc++;
	mg_unix_init(argc, boot_argv);
	mg__boot();
}

static int boot(char **argv, char *out, size_t outlen)
{
	boot_argv = argv;
	return mgt_run_child(boot_child, NULL, out, outlen);
}

static int exit_status(int st)
{
	ASSERT_TRUE(WIFEXITED(st));
	return WEXITSTATUS(st);
}

MGT_TEST(boot_parses_keys_runs_start_and_exits_with_its_value)
{
	char out[1024];
	start_result = 7;
	int st = boot((char *[]){"hello", "--greeting=Hi", "--count=3", NULL},
	              out, sizeof out);
	ASSERT_EQ(exit_status(st), 7);
	ASSERT_STREQ(out, "Hi from main, 3 time(s)\n");
	start_result = 0;
	st = boot((char *[]){"hello", NULL}, out, sizeof out);
	ASSERT_EQ(exit_status(st), 0);
	ASSERT_STREQ(out, "Hello from main, 1 time(s)\n");
}

MGT_TEST(help_lists_the_keys_and_exits_0)
{
	char out[8192];
	int st = boot((char *[]){"hello", "--count=99", "--help", NULL}, out,
	              sizeof out);
	ASSERT_EQ(exit_status(st), 0);
	ASSERT_CONTAINS(out, "--greeting");
	ASSERT_CONTAINS(out, "Text to print");
	ASSERT_CONTAINS(out, "--logs");
	ASSERT_TRUE(strstr(out, " from main") == NULL);
}

MGT_TEST(a_bad_argument_is_a_usage_error_64)
{
	char out[2048];
	int st =
	    boot((char *[]){"hello", "--gretting=x", NULL}, out, sizeof out);
	ASSERT_EQ(exit_status(st), 64);
	ASSERT_CONTAINS(out, "hello: ");
	ASSERT_CONTAINS(out, "--gretting");
	ASSERT_CONTAINS(out, "\nTry 'hello --help'.\n");
	ASSERT_TRUE(strstr(out, " from main") == NULL);
	st = boot((char *[]){"hello", "--count=11", NULL}, out, sizeof out);
	ASSERT_EQ(exit_status(st), 64);
	ASSERT_CONTAINS(out, "hello: ");
	ASSERT_CONTAINS(out, "Try 'hello --help'.");
}

MGT_TEST(logs_key_is_applied_and_checked)
{
	char out[2048];
	int st =
	    boot((char *[]){"hello", "--logs=*:debug", NULL}, out, sizeof out);
	ASSERT_EQ(exit_status(st), 0);
	ASSERT_CONTAINS(out, "Hello from main");
	st = boot((char *[]){"hello", "--logs=nosuchsource:debug", NULL}, out,
	          sizeof out);
	ASSERT_EQ(exit_status(st), 64);
	ASSERT_CONTAINS(out, "nosuchsource");
	ASSERT_CONTAINS(out, "Try 'hello --help'.");
}

MGT_TEST(connect_failure_exits_1_without_starting)
{
	char out[1024];
	connect_result = -1;
	int st = boot((char *[]){"hello", NULL}, out, sizeof out);
	ASSERT_EQ(exit_status(st), 1);
	ASSERT_STREQ(out, "cannot connect\n");
}

MGT_TEST(an_error_code_from_start_is_reported_and_exits_1)
{
	char out[1024];
	start_result = MG_ETIMEDOUT;
	int st = boot((char *[]){"hello", NULL}, out, sizeof out);
	ASSERT_EQ(exit_status(st), 1);
	ASSERT_CONTAINS(out, "hello: start returned MG_ETIMEDOUT (timed out)");
}
