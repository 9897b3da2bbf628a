/* The platform's monotonic and wall clocks as devices; RFC 3339 dates. */
#include <stdbool.h>
#include <string.h>

#include <mg/mclock.h>
#include <mg/pclock.h>
#include <mg/platform.h>

static uint64_t mono_now(void *self)
{
	(void)self;
	return mg_platform_monotonic_ns();
}

static uint64_t wall_now(void *self)
{
	(void)self;
	return mg_platform_wall_ns();
}

static const mg_mclock_ops mclock_ops = {.now_ns = mono_now};
static const mg_pclock_ops pclock_ops = {.now_ns = wall_now};

int mg_mclock_platform_connect(mg_mclock *out)
{
	out->ops = &mclock_ops;
	out->self = NULL;
	return 0;
}

int mg_pclock_platform_connect(mg_pclock *out)
{
	out->ops = &pclock_ops;
	out->self = NULL;
	return 0;
}

static bool is_leap(uint64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/*
 * Days since 1970-01-01 to a proleptic Gregorian date. The calendar
 * repeats every 400 years (146097 days), and 2000-01-01 (day 10957)
 * starts such a cycle, so whole cycles are skipped first; the rest takes
 * at most 400 + 12 steps.
 */
static void civil_from_days(uint64_t days, uint64_t *year, unsigned *month,
                            unsigned *mday)
{
	static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30,
	                                   31, 31, 30, 31, 30, 31};
	uint64_t y = 1970;
	if (days >= 10957) {
		days -= 10957;
		y = 2000 + days / 146097 * 400;
		days %= 146097;
	}
	for (;;) {
		unsigned len = is_leap(y) ? 366 : 365;
		if (days < len)
			break;
		days -= len;
		y++;
	}
	unsigned m = 0;
	for (;; m++) {
		unsigned len = mdays[m] + (m == 1 && is_leap(y));
		if (days < len)
			break;
		days -= len;
	}
	*year = y;
	*month = m + 1;
	*mday = (unsigned)days + 1;
}

/* Write (v) as exactly (n) decimal digits at (p). */
static void put_digits(char *p, unsigned v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

char *mg_pclock_format_rfc3339(uint64_t ns, char buf[static 21])
{
	uint64_t secs = ns / 1000000000u;
	uint64_t year;
	unsigned month, mday;
	civil_from_days(secs / 86400, &year, &month, &mday);
	unsigned sod = (unsigned)(secs % 86400);
	/* 2^64 ns is about 584 years: the year always has four digits. */
	memcpy(buf, "YYYY-MM-DDTHH:MM:SSZ", 21);
	put_digits(buf, (unsigned)year, 4);
	put_digits(buf + 5, month, 2);
	put_digits(buf + 8, mday, 2);
	put_digits(buf + 11, sod / 3600, 2);
	put_digits(buf + 14, sod / 60 % 60, 2);
	put_digits(buf + 17, sod % 60, 2);
	return buf;
}
