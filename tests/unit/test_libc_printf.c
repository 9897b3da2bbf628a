/* The freestanding libc's snprintf family, against glibc's. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>

#include "../../libc/host/mgl.h"
#include "mgtest.h"

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static size_t below(size_t n)
{
	return rnd() % n;
}

/*
 * Up to MAX_ARGS arguments, each passed as a 64-bit integer. The x86-64
 * ABI passes every integer-class argument in its own 8-byte register or
 * stack slot, and va_arg(ap, int) reads the low half of one, so a format
 * built at random can take its arguments from one fixed call. Values meant
 * for int are stored sign-extended, as an int argument would be.
 */
#define MAX_ARGS 16

typedef struct fmt_case {
	char fmt[200];
	size_t len;
	uint64_t args[MAX_ARGS];
	int nargs;
} fmt_case;

static void add(fmt_case *c, const char *s)
{
	size_t n = strlen(s);
	memcpy(c->fmt + c->len, s, n + 1);
	c->len += n;
}

static void add_arg(fmt_case *c, uint64_t v)
{
	c->args[c->nargs++] = v;
}

static uint64_t int_slot(int v)
{
	return (uint64_t)(int64_t)v;
}

/* Integers that find edge cases: extremes, small, one byte, random widths. */
static uint64_t edgy_value(void)
{
	static const uint64_t edges[] = {
	    0,
	    1,
	    (uint64_t)-1,
	    0x7f,
	    0x80,
	    0xff,
	    0x100,
	    0x7fff,
	    0x8000,
	    0xffff,
	    0x7fffffff,
	    0x80000000,
	    0xffffffff,
	    0x100000000,
	    0x7fffffffffffffff,
	    0x8000000000000000,
	    10,
	    99,
	    100,
	    0x12345678,
	};
	if (below(3) == 0)
		return edges[below(sizeof edges / sizeof *edges)];
	return rnd() >> below(64);
}

static const char *const strings[] = {
    "",
    "a",
    "hello",
    "hello, world",
    "tab\there",
    "\x80\xff high",
    "a much longer string that goes on for a while, to be cut short",
};

static void gen_flags(fmt_case *c, char conv)
{
	const char *flags = "-+ 0#";
	for (int i = 0; i < 5; i++) {
		char f = flags[below(5)];
		/* C: # only for o x X, 0 only for integers; else undefined */
		if (below(3) || (f == '#' && !strchr("oxX", conv)) ||
		    (f == '0' && !strchr("diuoxX", conv)))
			continue;
		char s[2] = {f, 0};
		add(c, s);
	}
}

static void gen_width_prec(fmt_case *c, char conv)
{
	char s[16];
	switch (below(4)) {
	case 0:
		snprintf(s, sizeof s, "%zu", 1 + below(30));
		add(c, s);
		break;
	case 1:
		add(c, "*");
		add_arg(c, int_slot((int)below(61) - 30));
		break;
	default:
		break;
	}
	if (conv == 'c' || below(2)) /* a precision with %c is undefined */
		return;
	switch (below(4)) {
	case 0:
		add(c, ".");
		break;
	case 1:
		snprintf(s, sizeof s, ".%zu", below(30));
		add(c, s);
		break;
	default:
		add(c, ".*");
		add_arg(c, int_slot((int)below(36) - 5));
		break;
	}
}

static void gen_length_and_arg(fmt_case *c, char conv)
{
	static const char *const lens[] = {"",   "hh", "h", "l",
	                                   "ll", "z",  "t", "j"};
	if (conv == 'c') {
		add_arg(c, int_slot((int)edgy_value()));
	} else if (conv == 's') {
		size_t i = below(sizeof strings / sizeof *strings + 1);
		add_arg(c, i < sizeof strings / sizeof *strings
		               ? (uint64_t)(uintptr_t)strings[i]
		               : 0);
	} else if (conv == 'p') {
		add_arg(c, below(5) ? edgy_value() : 0);
	} else {
		size_t l = below(8);
		add(c, lens[l]);
		uint64_t v = edgy_value();
		add_arg(c, l <= 2 ? int_slot((int)v) : v);
	}
	char s[2] = {conv, 0};
	add(c, s);
}

static void gen_case(fmt_case *c)
{
	static const char conversions[] = "diuoxXcsp%";
	c->len = 0;
	c->nargs = 0;
	c->fmt[0] = 0;
	int specs = 1 + (int)below(4);
	for (int i = 0; i < specs; i++) {
		if (below(2))
			add(c, below(2) ? "ab" : " _");
		char conv = conversions[below(sizeof conversions - 1)];
		add(c, "%");
		if (conv == '%') {
			add(c, "%");
			continue;
		}
		gen_flags(c, conv);
		gen_width_prec(c, conv);
		gen_length_and_arg(c, conv);
	}
}

#define A(i) c->args[i]
#define ALL_ARGS                                                               \
	A(0), A(1), A(2), A(3), A(4), A(5), A(6), A(7), A(8), A(9), A(10),     \
	    A(11), A(12), A(13), A(14), A(15)

/* Format (c) with both libraries into a (cap)-byte buffer; compare all. */
static void compare(const fmt_case *c, size_t cap)
{
	char want[1024], got[1024];
	memset(want, '#', sizeof want);
	memset(got, '#', sizeof got);
	int rw = snprintf(want, cap, c->fmt, ALL_ARGS);
	int rg = mgl_snprintf(got, cap, c->fmt, ALL_ARGS);
	if (rw != rg || memcmp(want, got, sizeof want) != 0)
		mgt_fail(__FILE__, __LINE__,
		         "format \"%s\" cap %zu: glibc %d \"%.*s\", ours %d "
		         "\"%.*s\"",
		         c->fmt, cap, rw, (int)(cap ? cap - 1 : 0), want, rg,
		         (int)(cap ? cap - 1 : 0), got);
}

MGT_TEST(random_formats_match_glibc)
{
	fmt_case c;
	for (int iter = 0; iter < 100000; iter++) {
		gen_case(&c);
		compare(&c, 1024);
		/* And cut short: the return value still counts everything. */
		compare(&c, below(40));
	}
}

MGT_TEST(every_length_and_edge_value)
{
	static const char *const lens[] = {"",   "hh", "h", "l",
	                                   "ll", "z",  "t", "j"};
	const char *convs = "diuoxX";
	const uint64_t values[] = {0,
	                           1,
	                           (uint64_t)-1,
	                           0x80,
	                           0x8000,
	                           0x80000000,
	                           0x8000000000000000,
	                           0x7fffffffffffffff,
	                           0xfedcba9876543210};
	fmt_case c = {0};
	for (size_t l = 0; l < 8; l++)
		for (const char *v = convs; *v; v++)
			for (size_t i = 0; i < sizeof values / sizeof *values;
			     i++) {
				snprintf(c.fmt, sizeof c.fmt, "[%%#%s%c]",
				         lens[l], *v);
				if (*v != 'o' && *v != 'x' && *v != 'X')
					snprintf(c.fmt, sizeof c.fmt,
					         "[%%+%s%c]", lens[l], *v);
				c.args[0] = values[i];
				compare(&c, 1024);
			}
}

MGT_TEST(truncation_and_return_value)
{
	char buf[8];
	memset(buf, 'z', sizeof buf);
	ASSERT_EQ(mgl_snprintf(buf, 4, "%s", "abcdef"), 6);
	ASSERT_STREQ(buf, "abc");
	ASSERT_EQ(buf[4], 'z');
	ASSERT_EQ(mgl_snprintf(NULL, 0, "%d-%s", 12345, "xy"), 8);
	ASSERT_EQ(mgl_snprintf(buf, 1, "abc"), 3);
	ASSERT_EQ(buf[0], 0);
	ASSERT_EQ(mgl_sprintf(buf, "%03d|%x", 7, 255), 6);
	ASSERT_STREQ(buf, "007|ff");
}

MGT_TEST(overflowing_int_is_refused)
{
	mgl_errno = 0;
	ASSERT_EQ(mgl_snprintf(NULL, 0, "%2147483647d%d", 1, 2), -1);
	ASSERT_EQ(mgl_errno, EOVERFLOW);
	mgl_errno = 0;
	ASSERT_EQ(mgl_snprintf(NULL, 0, "%2147483648d", 1), -1);
	ASSERT_EQ(mgl_errno, EOVERFLOW);
	mgl_errno = 0;
	ASSERT_EQ(mgl_snprintf(NULL, 0, "%.2147483648d", 1), -1);
	ASSERT_EQ(mgl_errno, EOVERFLOW);
	ASSERT_EQ(mgl_snprintf(NULL, 0, "%*d", INT_MIN, 1), -1);
	ASSERT_EQ(mgl_snprintf(NULL, 0, "%2147483646d", 1), 2147483646);
}

MGT_TEST(unsupported_conversions_are_marked)
{
	char buf[64];
	int n = 5;
	ASSERT_EQ(mgl_snprintf(buf, sizeof buf, "a%nb%d", &n, 7), 6);
	ASSERT_STREQ(buf, "a%!nb7");
	ASSERT_EQ(n, 5);
	/* The double travels in an SSE register; the ints still line up. */
	mgl_snprintf(buf, sizeof buf, "%d %f %e %g %d", 1, 2.5, 3.5, 4.5, 9);
	ASSERT_STREQ(buf, "1 %!f %!e %!g 9");
	mgl_snprintf(buf, sizeof buf, "%lc|%ls|%d", 'x', L"wide", 3);
	ASSERT_STREQ(buf, "%!c|%!s|3");
	mgl_snprintf(buf, sizeof buf, "%y%d", 4);
	ASSERT_STREQ(buf, "%!y4");
	ASSERT_EQ(mgl_snprintf(buf, sizeof buf, "end%"), 3);
	ASSERT_STREQ(buf, "end");
}

static int call_vsprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = mgl_vsprintf(buf, fmt, ap);
	va_end(ap);
	return n;
}

MGT_TEST(vsprintf_and_null_pointers)
{
	char buf[64];
	ASSERT_EQ(call_vsprintf(buf, "%s|%p|%5.1s|", (char *)NULL, NULL, "xyz"),
	          19);
	ASSERT_STREQ(buf, "(null)|(nil)|    x|");
}

static void console_output(void *arg)
{
	static char arena[1 << 16] __attribute__((aligned(16)));
	(void)arg;
	mgl_mg__libc_heap_init(arena, sizeof arena);
	mgl_printf("x=%d %s\n", 42, "ok");
	mgl_puts("line");
	mgl_putchar('!');
	char long_text[600];
	memset(long_text, 'L', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = 0;
	int n = mgl_printf("<%s>", long_text);
	mgl_printf("%d", n);
}

MGT_TEST(printf_writes_to_the_console)
{
	char out[2048];
	int status = mgt_run_child(console_output, NULL, out, sizeof out);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	char want[2048];
	char long_text[600];
	memset(long_text, 'L', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = 0;
	snprintf(want, sizeof want, "x=42 ok\nline\n!<%s>601", long_text);
	ASSERT_STREQ(out, want);
}
