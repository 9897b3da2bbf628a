/* libc/string_cmp.c: comparison and search in NUL-terminated strings. */
#include <stdint.h>
#include <string.h>
#include <strings.h>

int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const void *)a, *q = (const void *)b;
	while (*p && *p == *q)
		p++, q++;
	return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const void *)a, *q = (const void *)b;
	for (; n; n--, p++, q++)
		if (*p != *q || !*p)
			return *p - *q;
	return 0;
}

static int lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

int strcasecmp(const char *a, const char *b)
{
	const unsigned char *p = (const void *)a, *q = (const void *)b;
	while (*p && lower(*p) == lower(*q))
		p++, q++;
	return lower(*p) - lower(*q);
}

int strncasecmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const void *)a, *q = (const void *)b;
	for (; n; n--, p++, q++)
		if (lower(*p) != lower(*q) || !*p)
			return lower(*p) - lower(*q);
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

/* A set of bytes, one bit each: makes the span functions O(n + m). */
typedef struct byteset {
	uint64_t bits[4];
} byteset;

static void set_fill(byteset *set, const char *chars)
{
	*set = (byteset){{0}};
	for (const unsigned char *c = (const void *)chars; *c; c++)
		set->bits[*c >> 6] |= 1ull << (*c & 63);
}

static int set_has(const byteset *set, unsigned char c)
{
	return (set->bits[c >> 6] >> (c & 63)) & 1;
}

size_t strspn(const char *s, const char *accept)
{
	byteset set;
	set_fill(&set, accept);
	size_t n = 0;
	while (s[n] && set_has(&set, (unsigned char)s[n]))
		n++;
	return n;
}

size_t strcspn(const char *s, const char *reject)
{
	byteset set;
	set_fill(&set, reject);
	size_t n = 0;
	while (s[n] && !set_has(&set, (unsigned char)s[n]))
		n++;
	return n;
}

char *strpbrk(const char *s, const char *accept)
{
	s += strcspn(s, accept);
	return *s ? (char *)s : NULL;
}

char *strtok_r(char *restrict s, const char *restrict delim,
               char **restrict save)
{
	if (!s)
		s = *save;
	s += strspn(s, delim);
	if (!*s) {
		*save = s;
		return NULL;
	}
	char *end = s + strcspn(s, delim);
	if (*end)
		*end++ = 0;
	*save = end;
	return s;
}
