/* Logs: --logs specs, level filtering, the line format and its limit. */
#include <unistd.h>

#include <mg/error.h>
#include <mg/log.h>

#include "mgtest.h"

MG_LOG_SOURCE(tst, "test", "this test's own source");
MG_LOG_SOURCE(tcp, "net.tcp", "a second source with a dotted name");

static char out[64 * 1024];

/*
 * Linked with --wrap=mg_platform_console_write (tests/module.mk): each
 * write is checked to be exactly one whole line, then passed on unless a
 * test holds it back.
 */
void __real_mg_platform_console_write(const char *buf, size_t len);
void __wrap_mg_platform_console_write(const char *buf, size_t len);

static int writes, partial_writes;
static int hold_back;

void __wrap_mg_platform_console_write(const char *buf, size_t len)
{
	writes++;
	if (len == 0 || buf[len - 1] != '\n' || memchr(buf, '\n', len - 1))
		partial_writes++;
	if (!hold_back)
		__real_mg_platform_console_write(buf, len);
}

static void ok_spec(const char *spec)
{
	char err[256] = "untouched";
	int rc = mg_log_configure(spec, err, sizeof err);
	if (rc != 0)
		mgt_fail(__FILE__, __LINE__, "'%s' refused: %s", spec, err);
}

/* Returns the message for a refused (spec). */
static const char *bad_spec(const char *spec)
{
	static char err[512];
	int rc = mg_log_configure(spec, err, sizeof err);
	if (rc != MG_EINVAL)
		mgt_fail(__FILE__, __LINE__, "'%s' accepted (%d)", spec, rc);
	return err;
}

MGT_TEST(default_level_is_info)
{
	ASSERT_EQ(mg__log_src_tst.level, MG_LOG_INFO);
	ASSERT_EQ(mg__log_src_core.level, MG_LOG_INFO);
}

MGT_TEST(configure_good_specs)
{
	ok_spec("test:debug");
	ASSERT_EQ(mg__log_src_tst.level, MG_LOG_DEBUG);
	ASSERT_EQ(mg__log_src_tcp.level, MG_LOG_INFO);
	ok_spec("*:error");
	ASSERT_EQ(mg__log_src_tst.level, MG_LOG_ERROR);
	ASSERT_EQ(mg__log_src_tcp.level, MG_LOG_ERROR);
	ASSERT_EQ(mg__log_src_core.level, MG_LOG_ERROR);
	/* Items apply in order. */
	ok_spec("*:warn,net.tcp:debug");
	ASSERT_EQ(mg__log_src_tcp.level, MG_LOG_DEBUG);
	ASSERT_EQ(mg__log_src_core.level, MG_LOG_WARN);
	ok_spec("net.tcp:debug,*:info");
	ASSERT_EQ(mg__log_src_tcp.level, MG_LOG_INFO);
	/* Level names in any case. */
	ok_spec("core:DEBUG,test:Warn");
	ASSERT_EQ(mg__log_src_core.level, MG_LOG_DEBUG);
	ASSERT_EQ(mg__log_src_tst.level, MG_LOG_WARN);
}

MGT_TEST(configure_bad_specs)
{
	const char *e = bad_spec("nope:debug");
	ASSERT_CONTAINS(e, "'nope:debug'");
	ASSERT_CONTAINS(e, "unknown log source");
	ASSERT_CONTAINS(e, "sources: *, core, net.tcp, test");

	e = bad_spec("test:verbose");
	ASSERT_CONTAINS(e, "'test:verbose'");
	ASSERT_CONTAINS(e, "unknown level");
	ASSERT_CONTAINS(e, "levels: error, warn, info, debug");

	ASSERT_CONTAINS(bad_spec(""), "expected SRC:LEVEL");
	ASSERT_CONTAINS(bad_spec("debug"), "expected SRC:LEVEL");
	ASSERT_CONTAINS(bad_spec("test:"), "unknown level");
	ASSERT_CONTAINS(bad_spec(":debug"), "no source");
	ASSERT_CONTAINS(bad_spec("test:debug,"), "empty item");
	ASSERT_STREQ(bad_spec("test:debug,test"),
	             "item 'test' has no ':', expected SRC:LEVEL as in "
	             "'*:debug' (levels: error, warn, info, debug)");
	ASSERT_STREQ(bad_spec("net.tcp:loud"),
	             "unknown level 'loud' in 'net.tcp:loud' (levels: error, "
	             "warn, info, debug)");
	ASSERT_STREQ(bad_spec("tcp:info"),
	             "unknown log source 'tcp' in 'tcp:info' (sources: *, "
	             "core, net.tcp, test)");
	ASSERT_CONTAINS(bad_spec(",test:debug"), "empty");
	ASSERT_CONTAINS(bad_spec("test:debug,,core:warn"), "empty");
	ASSERT_CONTAINS(bad_spec("Test:debug"), "unknown log source");
	ASSERT_CONTAINS(bad_spec("tes:debug"), "unknown log source");
	ASSERT_CONTAINS(bad_spec("test :debug"), "unknown log source");
	ASSERT_CONTAINS(bad_spec("test:debug:x"), "unknown level");
	ASSERT_CONTAINS(bad_spec("**:debug"), "unknown log source");
	ASSERT_EQ(mg_log_configure(NULL, NULL, 0), MG_EINVAL);
}

MGT_TEST(bad_spec_changes_nothing)
{
	ok_spec("*:warn");
	/* The first item is good, the second bad: neither applies. */
	bad_spec("test:debug,core:loud");
	ASSERT_EQ(mg__log_src_tst.level, MG_LOG_WARN);
	ASSERT_EQ(mg__log_src_core.level, MG_LOG_WARN);
}

MGT_TEST(error_message_fits_any_buffer)
{
	char err[12];
	memset(err, 'x', sizeof err);
	ASSERT_EQ(mg_log_configure("nope:debug", err, sizeof err), MG_EINVAL);
	ASSERT_EQ(strlen(err), sizeof err - 1);
	char one[1] = {'x'};
	ASSERT_EQ(mg_log_configure("nope:debug", one, 1), MG_EINVAL);
	ASSERT_EQ(one[0], 0);
	ASSERT_EQ(mg_log_configure("nope:debug", NULL, 0), MG_EINVAL);
	ASSERT_EQ(mg_log_configure("test:nope", NULL, 0), MG_EINVAL);
}

static void log_levels(void *arg)
{
	mg_log_configure(arg, NULL, 0);
	MG_LOG(tst, ERROR, "e%d", 1);
	MG_LOG(tst, WARN, "w%d", 2);
	MG_LOG(tst, INFO, "i%d", 3);
	MG_LOG(tst, DEBUG, "d%d", 4);
}

MGT_TEST(level_filtering)
{
	int st = mgt_run_child(log_levels, "test:warn", out, sizeof out);
	ASSERT_EQ(st, 0);
	ASSERT_CONTAINS(out, "] ERROR test: e1\n");
	ASSERT_CONTAINS(out, "] WARN test: w2\n");
	ASSERT_TRUE(strstr(out, "i3") == NULL);
	ASSERT_TRUE(strstr(out, "d4") == NULL);

	mgt_run_child(log_levels, "test:debug", out, sizeof out);
	ASSERT_CONTAINS(out, "] INFO test: i3\n");
	ASSERT_CONTAINS(out, "] DEBUG test: d4\n");

	mgt_run_child(log_levels, "test:error", out, sizeof out);
	ASSERT_CONTAINS(out, "e1");
	ASSERT_TRUE(strstr(out, "w2") == NULL);

	/* The default, info. */
	mgt_run_child(log_levels, "core:debug", out, sizeof out);
	ASSERT_CONTAINS(out, "i3");
	ASSERT_TRUE(strstr(out, "d4") == NULL);
}

/* Check "[SSSSS.UUUUUU] " and return the time it shows in microseconds. */
static long long stamp_us(const char *line)
{
	ASSERT_EQ(line[0], '[');
	ASSERT_EQ(line[6], '.');
	ASSERT_EQ(line[13], ']');
	ASSERT_EQ(line[14], ' ');
	long long s = 0, us = 0;
	for (int i = 1; i < 6; i++) {
		ASSERT_TRUE(line[i] == ' ' ||
		            (line[i] >= '0' && line[i] <= '9'));
		if (line[i] != ' ')
			s = s * 10 + (line[i] - '0');
	}
	ASSERT_TRUE(line[5] >= '0' && line[5] <= '9');
	for (int i = 7; i < 13; i++) {
		ASSERT_TRUE(line[i] >= '0' && line[i] <= '9');
		us = us * 10 + (line[i] - '0');
	}
	return s * 1000000 + us;
}

static void log_two_apart(void *arg)
{
	(void)arg;
	MG_LOG(tcp, INFO, "first %s", "line");
	usleep(30000);
	MG_LOG(tcp, WARN, "second");
}

MGT_TEST(line_format_and_time)
{
	ASSERT_EQ(mgt_run_child(log_two_apart, NULL, out, sizeof out), 0);
	char *second = strchr(out, '\n');
	ASSERT_TRUE(second != NULL);
	second++;
	ASSERT_TRUE(strncmp(out + 14, " INFO net.tcp: first line\n", 26) == 0);
	ASSERT_TRUE(strncmp(second + 14, " WARN net.tcp: second\n", 22) == 0);
	ASSERT_STREQ(second + 14 + 22, "");
	long long t1 = stamp_us(out), t2 = stamp_us(second);
	ASSERT_CMP(t2 - t1, >=, 30000);
	ASSERT_CMP(t2 - t1, <, 10000000);
}

static void log_long(void *arg)
{
	size_t n = *(size_t *)arg;
	char *msg = malloc(n + 1);
	memset(msg, 'a', n);
	msg[n] = 0;
	MG_LOG(tst, INFO, "%s", msg);
	free(msg);
}

MGT_TEST(long_lines_are_cut)
{
	size_t n = 5000;
	ASSERT_EQ(mgt_run_child(log_long, &n, out, sizeof out), 0);
	size_t len = strlen(out);
	ASSERT_EQ(len, MG_LOG_LINE_MAX);
	ASSERT_STREQ(out + len - 6, "aa...\n");
	ASSERT_EQ(strchr(out, '\n') - out, MG_LOG_LINE_MAX - 1);

	/* A message that just fits is not cut: header 25 + message + '\n'. */
	const size_t header = strlen("[    0.000000] INFO test: ");
	n = MG_LOG_LINE_MAX - 1 - header;
	mgt_run_child(log_long, &n, out, sizeof out);
	ASSERT_EQ(strlen(out), MG_LOG_LINE_MAX);
	ASSERT_STREQ(out + MG_LOG_LINE_MAX - 3, "aa\n");

	n++;
	mgt_run_child(log_long, &n, out, sizeof out);
	ASSERT_EQ(strlen(out), MG_LOG_LINE_MAX);
	ASSERT_STREQ(out + MG_LOG_LINE_MAX - 4, "...\n");
}

static void log_newline(void *arg)
{
	(void)arg;
	MG_LOG(tst, INFO, "ends with a newline\n");
	MG_LOG(tst, INFO, "%s", "");
}

MGT_TEST(one_newline_per_line)
{
	mgt_run_child(log_newline, NULL, out, sizeof out);
	ASSERT_CONTAINS(out, "test: ends with a newline\n[");
	ASSERT_CONTAINS(out, "INFO test: \n");
	ASSERT_TRUE(strstr(out, "\n\n") == NULL);
}

static char listed[4096];

static void collect(const char *line, void *ctx)
{
	(*(int *)ctx)++;
	ASSERT_TRUE(strchr(line, '\n') == NULL);
	strcat(listed, line);
	strcat(listed, "|");
}

MGT_TEST(list_sources_in_name_order)
{
	int lines = 0;
	ok_spec("net.tcp:debug");
	mg_log_list(collect, &lines);
	ASSERT_EQ(lines, 3);
	ASSERT_CONTAINS(listed, "  core     info   the Morgana runtime");
	ASSERT_CONTAINS(listed, "  net.tcp  debug  a second source");
	ASSERT_CONTAINS(listed, "  test     info   this test's own source|");
	ASSERT_TRUE(strstr(listed, "core") < strstr(listed, "net.tcp"));
	ASSERT_TRUE(strstr(listed, "net.tcp") < strstr(listed, "test "));
}

MGT_TEST(one_console_write_per_line)
{
	hold_back = 1;
	static char big[3000];
	memset(big, 'b', sizeof big - 1);
	MG_LOG(tst, WARN, "short %d", 1);
	MG_LOG(tcp, ERROR, "%s", big);
	MG_LOG(tst, INFO, "%s and %s", "two", "parts");
	MG_LOG(tst, DEBUG, "filtered out");
	ASSERT_EQ(writes, 3);
	ASSERT_EQ(partial_writes, 0);
}
