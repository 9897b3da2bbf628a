/* libc/strtol.c: strtol and its siblings, with C's end and range rules. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

/* What the subject sequence of a number said. */
typedef struct number {
	unsigned long long mag; /* magnitude, saturated */
	bool neg;
	bool overflow; /* the magnitude exceeded ULLONG_MAX */
} number;

static int digit_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/*
 * "0x" (or "0X") counts as a prefix only when a hex digit follows: in "0xg"
 * the number is the "0" and parsing stops at the 'x'.
 */
static bool hex_prefix(const char *s)
{
	return s[0] == '0' && (s[1] | 0x20) == 'x' &&
	       digit_value((unsigned char)s[2]) < 16;
}

/*
 * Parse (s) in (base) into (*n); the end of the subject sequence goes to
 * (*end), or (s) itself if there is none. False for a bad base.
 */
static bool scan(const char *s, int base, number *n, const char **end)
{
	const char *p = s;
	*n = (number){0, false, false};
	*end = s;
	if (base < 0 || base == 1 || base > 36)
		return false;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		n->neg = *p++ == '-';
	if ((base == 0 || base == 16) && hex_prefix(p)) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = *p == '0' ? 8 : 10;
	}
	const char *digits = p;
	for (int d; (d = digit_value((unsigned char)*p)) < base; p++) {
		if (__builtin_mul_overflow(n->mag, (unsigned)base, &n->mag) ||
		    __builtin_add_overflow(n->mag, (unsigned)d, &n->mag))
			n->overflow = true;
	}
	if (p != digits)
		*end = p;
	return true;
}

static void set_end(char **end, const char *at)
{
	if (end)
		*end = (char *)at;
}

/* A signed result in [-max - 1, max], clamped with ERANGE. */
static long long to_signed(const number *n, unsigned long long max)
{
	if (n->neg) {
		if (n->overflow || n->mag > max + 1) {
			errno = ERANGE;
			return -(long long)max - 1;
		}
		return n->mag == max + 1 ? -(long long)max - 1
		                         : -(long long)n->mag;
	}
	if (n->overflow || n->mag > max) {
		errno = ERANGE;
		return (long long)max;
	}
	return (long long)n->mag;
}

/* An unsigned result up to (max); a minus sign negates modulo max + 1. */
static unsigned long long to_unsigned(const number *n, unsigned long long max)
{
	if (n->overflow || n->mag > max) {
		errno = ERANGE;
		return max;
	}
	return n->neg ? (0 - n->mag) & max : n->mag;
}

static bool parse(const char *s, char **end, int base, number *n)
{
	const char *stop;
	bool ok = scan(s, base, n, &stop);
	set_end(end, stop);
	if (!ok)
		errno = EINVAL;
	return ok;
}

long long strtoll(const char *restrict s, char **restrict end, int base)
{
	number n;
	return parse(s, end, base, &n) ? to_signed(&n, LLONG_MAX) : 0;
}

long strtol(const char *restrict s, char **restrict end, int base)
{
	number n;
	return parse(s, end, base, &n) ? (long)to_signed(&n, LONG_MAX) : 0;
}

unsigned long long strtoull(const char *restrict s, char **restrict end,
                            int base)
{
	number n;
	return parse(s, end, base, &n) ? to_unsigned(&n, ULLONG_MAX) : 0;
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
	number n;
	return parse(s, end, base, &n)
	           ? (unsigned long)to_unsigned(&n, ULONG_MAX)
	           : 0;
}

intmax_t strtoimax(const char *restrict s, char **restrict end, int base)
{
	return strtoll(s, end, base);
}

uintmax_t strtoumax(const char *restrict s, char **restrict end, int base)
{
	return strtoull(s, end, base);
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
	return strtol(s, NULL, 10);
}

long long atoll(const char *s)
{
	return strtoll(s, NULL, 10);
}
