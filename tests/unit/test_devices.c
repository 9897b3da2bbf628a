/* The basic devices: console, clocks, RFC 3339 dates, the time device. */
#include <time.h>
#include <unistd.h>

#include <mg/console.h>
#include <mg/error.h>
#include <mg/fiber.h>
#include <mg/mclock.h>
#include <mg/pclock.h>
#include <mg/time.h>

#include "mgtest.h"

static char out[16384];

static void console_output(void *arg)
{
	(void)arg;
	mg_console c;
	ASSERT_EQ(mg_console_platform_connect(&c), 0);
	ASSERT_EQ(mg_console_puts(&c, "plain "), 0);
	ASSERT_EQ(mg_console_printf(&c, "%s=%d %05.1f\n", "n", -42, 3.14159),
	          12);
	ASSERT_EQ(mg_console_write(&c, "raw\0bytes", 9), 0);
}

MGT_TEST(platform_console_writes_stdout)
{
	ASSERT_EQ(mgt_run_child(console_output, NULL, out, sizeof out), 0);
	ASSERT_STREQ(out, "plain n=-42 003.1\nraw");
}

/* A console that records what it is given, and can fail. */
typedef struct rec {
	char buf[8192];
	size_t len;
	int calls;
	int fail;
} rec;

static int rec_write(void *self, const char *buf, size_t len)
{
	rec *r = self;
	r->calls++;
	if (r->fail)
		return r->fail;
	ASSERT_CMP(r->len + len, <=, sizeof r->buf);
	memcpy(r->buf + r->len, buf, len);
	r->len += len;
	return 0;
}

static const mg_console_ops rec_ops = {.write = rec_write};

MGT_TEST(printf_is_one_write_and_cut_at_4k)
{
	static rec r;
	mg_console c = {&rec_ops, &r};
	static char big[6000];
	memset(big, 'x', sizeof big - 1);
	ASSERT_EQ(mg_console_printf(&c, "%s!", big), 4095);
	ASSERT_EQ(r.calls, 1);
	ASSERT_EQ(r.len, 4095);
	ASSERT_EQ(r.buf[4094], 'x');
	ASSERT_EQ(mg_console_printf(&c, "%s", ""), 0);
	r.len = 0;
	ASSERT_EQ(mg_console_printf(&c, "%d-%s", 7, "ok"), 4);
	ASSERT_TRUE(memcmp(r.buf, "7-ok", 4) == 0);
	r.fail = MG_EIO;
	ASSERT_EQ(mg_console_printf(&c, "lost"), MG_EIO);
	ASSERT_EQ(mg_console_puts(&c, "lost"), MG_EIO);
}

MGT_TEST(monotonic_clock)
{
	mg_mclock m;
	ASSERT_EQ(mg_mclock_platform_connect(&m), 0);
	uint64_t a = mg_mclock_now_ns(&m);
	for (int i = 0; i < 1000; i++) {
		uint64_t b = mg_mclock_now_ns(&m);
		ASSERT_CMP(b, >=, a);
		a = b;
	}
	usleep(20000);
	uint64_t c = mg_mclock_now_ns(&m);
	ASSERT_CMP(c - a, >=, 20000000);
	ASSERT_CMP(c - a, <, 5000000000);
}

MGT_TEST(wall_clock)
{
	mg_pclock p;
	ASSERT_EQ(mg_pclock_platform_connect(&p), 0);
	uint64_t ns = mg_pclock_now_ns(&p);
	long long host = (long long)time(NULL);
	ASSERT_CMP((long long)(ns / 1000000000u), >=, host - 2);
	ASSERT_CMP((long long)(ns / 1000000000u), <=, host + 2);
}

static const char *rfc3339(uint64_t secs, uint64_t extra_ns)
{
	static char buf[21];
	memset(buf, '#', sizeof buf);
	ASSERT_TRUE(mg_pclock_format_rfc3339(secs * 1000000000u + extra_ns,
	                                     buf) == buf);
	ASSERT_EQ(buf[20], 0);
	return buf;
}

MGT_TEST(rfc3339_known_dates)
{
	ASSERT_STREQ(rfc3339(0, 0), "1970-01-01T00:00:00Z");
	ASSERT_STREQ(rfc3339(1, 999999999), "1970-01-01T00:00:01Z");
	ASSERT_STREQ(rfc3339(951782400, 0), "2000-02-29T00:00:00Z");
	ASSERT_STREQ(rfc3339(978307199, 0), "2000-12-31T23:59:59Z");
	ASSERT_STREQ(rfc3339(2147483648u, 0), "2038-01-19T03:14:08Z");
	/* 2100 is not a leap year: February ends on the 28th. */
	ASSERT_STREQ(rfc3339(4107542399u, 0), "2100-02-28T23:59:59Z");
	ASSERT_STREQ(rfc3339(4107542400u, 0), "2100-03-01T00:00:00Z");
	ASSERT_STREQ(rfc3339(13574606400u, 0), "2400-02-29T12:00:00Z");
	static char buf[21];
	ASSERT_STREQ(mg_pclock_format_rfc3339(UINT64_MAX, buf),
	             "2554-07-21T23:34:33Z");
}

MGT_TEST(rfc3339_agrees_with_gmtime)
{
	uint64_t x = 88172645463325252ull;
	char want[32];
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* Up to 2554, the end of the uint64 ns range. */
		time_t t = (time_t)(x % 18446744073u);
		struct tm tm;
		ASSERT_TRUE(gmtime_r(&t, &tm) != NULL);
		strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm);
		ASSERT_STREQ(rfc3339((uint64_t)t, 0), want);
	}
}

static int sleeper(void *arg)
{
	mg_time *t = arg;
	uint64_t before = mg_now_ns();
	int rc = mg_time_sleep_ns(t, 30 * MG_NS_PER_MS);
	uint64_t slept = mg_now_ns() - before;
	ASSERT_EQ(rc, 0);
	ASSERT_CMP(slept, >=, 30 * MG_NS_PER_MS);
	ASSERT_CMP(slept, <, 5 * MG_NS_PER_S);
	return 7;
}

MGT_TEST(time_device_sleeps_on_the_scheduler)
{
	mg_time t;
	ASSERT_EQ(mg_time_sched_connect(&t), 0);
	mg_fiber *f = mg_spawn(sleeper, &t, NULL);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(mg__run(f), 7);
}
