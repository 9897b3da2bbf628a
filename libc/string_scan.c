/* libc/string_scan.c: memcmp, memchr, memrchr, strlen and strnlen. */
#include <stdint.h>
#include <string.h>

#include "internal.h"

int(memcmp)(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;
	for (; n >= 8; n -= 8, p += 8, q += 8) {
		uint64_t x = *(const mg__uword *)p;
		uint64_t y = *(const mg__uword *)q;
		if (x != y) {
			/* Big-endian order compares like the bytes do. */
			x = __builtin_bswap64(x);
			y = __builtin_bswap64(y);
			return x < y ? -1 : 1;
		}
	}
	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

/*
 * Within (n) it reads whole aligned words, so it may look past the match
 * (a terminator, for strnlen) up to the end of its word: see strlen().
 */
__attribute__((no_sanitize_address)) void *memchr(const void *s, int c,
                                                  size_t n)
{
	const unsigned char *p = s;
	unsigned char b = (unsigned char)c;
	for (; n && ((uintptr_t)p & 7); n--, p++)
		if (*p == b)
			return (void *)p;
	/* XOR turns the matching bytes into zeros. */
	uint64_t pattern = MG__ONES * b;
	for (; n >= 8; n -= 8, p += 8)
		if (mg__zero_byte(*(const mg__word *)p ^ pattern))
			break;
	for (; n; n--, p++)
		if (*p == b)
			return (void *)p;
	return NULL;
}

void *memrchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	while (n--)
		if (p[n] == (unsigned char)c)
			return (void *)(p + n);
	return NULL;
}

/*
 * Reads aligned pairs of words, so it may look at up to 15 bytes before
 * (s) and after the terminator. An aligned 16-byte pair never straddles a
 * page, so that cannot fault; it is outside the object, which
 * AddressSanitizer would report, hence the attribute.
 */
__attribute__((no_sanitize_address)) size_t(strlen)(const char *s)
{
	uintptr_t start = (uintptr_t)s;
	const mg__word *w = (const mg__word *)(start & ~(uintptr_t)15);
	uint64_t lo = w[0], hi = w[1];
	/* Make the bytes before (s) non-zero so they cannot match. */
	size_t skip = start & 15;
	if (skip >= 8) {
		lo = ~0ull;
		hi |= (1ull << 8 * (skip - 8)) - 1;
	} else {
		lo |= (1ull << 8 * skip) - 1;
	}
	while (!(mg__zero_byte(lo) | mg__zero_byte(hi))) {
		w += 2;
		lo = w[0];
		hi = w[1];
	}
	uint64_t z = mg__zero_byte(lo);
	size_t at =
	    z ? mg__first_flag(z) : 8 + mg__first_flag(mg__zero_byte(hi));
	return (uintptr_t)w + at - start;
}

size_t strnlen(const char *s, size_t max)
{
	const char *end = memchr(s, 0, max);
	return end ? (size_t)(end - s) : max;
}
