/* fuzz/libc_printf_fuzz.c: libc's vsnprintf on any format, and vs glibc. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Two modes, by the low bit of the first byte:
 * - raw: the rest of the input is the format, whatever it holds (with at
 *   most 16 '%' and '*', the arguments passed). Every argument is a
 *   pointer to a string, so that any conversion reads valid memory (%n is
 *   refused and writes nothing). The library must not fault
 *   (ASan, UBSan), must count the same output for any buffer size, cut it
 *   at the size with a terminator and never write past it.
 * - structured: the input picks specifications among those whose meaning C
 *   defines (as the unit test's generator does) and their arguments; the
 *   output and return value must be glibc's.
 */

static int (*const glibc_snprintf)(char *, size_t, const char *,
                                   ...) = snprintf;

/* The library's source, its one public function renamed (see strtol's). */
#define vsnprintf mgl_vsnprintf
#include "../libc/printf.c"
#undef vsnprintf

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ours(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = mgl_vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}

#define ARGS(a)                                                                \
	a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10],     \
	    a[11], a[12], a[13], a[14], a[15]

static void fail(const char *what, const char *fmt)
{
	fprintf(stderr, "printf fuzz: %s, format \"%s\"\n", what, fmt);
	abort();
}

static void raw_mode(const char *fmt, size_t cap)
{
	static const char text[] = "text";
	const char *a[16];
	for (int i = 0; i < 16; i++)
		a[i] = text;
	static char big[8192], small[64 + 8];
	errno = 0;
	int n = ours(big, sizeof big, fmt, ARGS(a));
	if (n < 0) {
		if (errno != EOVERFLOW)
			fail("-1 without EOVERFLOW", fmt);
		return;
	}
	if ((size_t)n < sizeof big && big[n] != 0)
		fail("no terminator after the output", fmt);
	memset(small, '#', sizeof small);
	if (ours(small, cap, fmt, ARGS(a)) != n)
		fail("the count depends on the buffer size", fmt);
	if (cap) {
		size_t kept = (size_t)n < cap - 1 ? (size_t)n : cap - 1;
		if (memcmp(small, big, kept) != 0 || small[kept] != 0)
			fail("a cut output differs from the whole", fmt);
	}
	for (size_t i = cap; i < sizeof small; i++)
		if (small[i] != '#')
			fail("written past the buffer size", fmt);
}

/* The input, consumed a byte at a time; zeros once it runs out. */
typedef struct reader {
	const uint8_t *p;
	size_t n;
} reader;

static unsigned next(reader *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static const char *const strings[] = {"", "a", "hello, world", "\x80\xff",
                                      "a longer string, to be cut short"};

/* One specification C defines, appended to (fmt); its arguments to (a). */
static void add_spec(reader *r, char *fmt, uint64_t *a, int *na)
{
	static const char convs[] = "diuoxXcsp%";
	static const char *const lens[] = {"",   "hh", "h", "l",
	                                   "ll", "z",  "t", "j"};
	char conv = convs[next(r) % 10];
	size_t len = strlen(fmt);
	fmt[len++] = '%';
	unsigned flags = next(r);
	for (int i = 0; i < 5 && conv != '%'; i++) {
		char f = "-+ 0#"[i];
		if (!(flags >> i & 1) || (f == '#' && !strchr("oxX", conv)) ||
		    (f == '0' && !strchr("diuoxX", conv)))
			continue;
		fmt[len++] = f;
	}
	unsigned wp = conv == '%' ? 0 : next(r);
	if (wp & 1)
		len += (size_t)sprintf(fmt + len, "%u", next(r) % 40);
	else if (wp & 2) {
		fmt[len++] = '*';
		a[(*na)++] = (uint64_t)(int64_t)((int)next(r) - 128);
	}
	if ((wp & 4) && conv != 'c') {
		fmt[len++] = '.';
		if (wp & 8)
			len += (size_t)sprintf(fmt + len, "%u", next(r) % 40);
	}
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | next(r);
	if (strchr("diuoxX", conv)) {
		unsigned l = next(r) % 8;
		len += (size_t)sprintf(fmt + len, "%s", lens[l]);
		a[(*na)++] = l <= 2 ? (uint64_t)(int64_t)(int)v : v;
	} else if (conv == 's') {
		a[(*na)++] = (uintptr_t)strings[v % 5];
	} else if (conv == 'c') {
		a[(*na)++] = (uint64_t)(int64_t)(int)v;
	} else if (conv == 'p') {
		a[(*na)++] = v;
	}
	fmt[len++] = conv;
	fmt[len] = 0;
}

static void structured_mode(reader *r, size_t cap)
{
	char fmt[256] = "";
	uint64_t a[16] = {0};
	int na = 0;
	int specs = 1 + (int)(next(r) % 4);
	for (int i = 0; i < specs; i++) {
		strcat(fmt, next(r) & 1 ? "ab" : "");
		add_spec(r, fmt, a, &na);
	}
	char want[1024], got[1024];
	memset(want, '#', sizeof want);
	memset(got, '#', sizeof got);
	int nw = glibc_snprintf(want, cap, fmt, ARGS(a));
	int ng = ours(got, cap, fmt, ARGS(a));
	if (nw != ng || memcmp(want, got, sizeof want) != 0) {
		fprintf(stderr, "glibc %d \"%s\", ours %d \"%s\"\n", nw,
		        cap ? want : "", ng, cap ? got : "");
		fail("differs from glibc", fmt);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 512)
		return 0;
	size_t cap = data[1] % 65;
	if (data[0] & 1) {
		reader r = {data + 2, size - 2};
		structured_mode(&r, cap ? cap : 1024);
		return 0;
	}
	char fmt[512];
	memcpy(fmt, data + 2, size - 2);
	fmt[size - 2] = 0;
	/* Each '%' or '*' takes at most one argument: stay within the 16. */
	int takers = 0;
	for (const char *c = fmt; *c; c++)
		takers += *c == '%' || *c == '*';
	if (takers <= 16)
		raw_mode(fmt, cap);
	return 0;
}
