/* libc/string_search.c: strstr and memmem in linear time (Two-Way). */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/*
 * Crochemore and Perrin's Two-Way matching: split the needle at a critical
 * position, match the right part left to right and then the left part
 * right to left, and shift by the period. O(n + m) time, O(1) space, so a
 * hostile haystack (the usual "aaa...ab") cannot make it quadratic.
 */

/*
 * The start of the maximal suffix of (x) (length m) for the byte order
 * (flip: reversed), minus one, as a signed index; its period in (*period).
 */
static ptrdiff_t max_suffix(const unsigned char *x, ptrdiff_t m, bool flip,
                            ptrdiff_t *period)
{
	ptrdiff_t ms = -1, j = 0, k = 1, p = 1;
	while (j + k < m) {
		unsigned char a = x[j + k], b = x[ms + k];
		if (a == b) {
			if (k == p) {
				j += p;
				k = 1;
			} else {
				k++;
			}
		} else if ((a < b) != flip) {
			j += k;
			k = 1;
			p = j - ms;
		} else {
			ms = j++;
			k = p = 1;
		}
	}
	*period = p;
	return ms;
}

typedef struct factor {
	ptrdiff_t ell;    /* the left part is x[0..ell] */
	ptrdiff_t period; /* the shift after a full match */
	bool periodic;    /* the left part repeats: remember matched bytes */
} factor;

static factor factorize(const unsigned char *x, ptrdiff_t m)
{
	ptrdiff_t p1, p2;
	ptrdiff_t s1 = max_suffix(x, m, false, &p1);
	ptrdiff_t s2 = max_suffix(x, m, true, &p2);
	factor f = {s1 > s2 ? s1 : s2, s1 > s2 ? p1 : p2, false};
	if (memcmp(x, x + f.period, (size_t)(f.ell + 1)) == 0) {
		f.periodic = true;
	} else {
		ptrdiff_t right = m - f.ell - 1;
		f.period = (f.ell + 1 > right ? f.ell + 1 : right) + 1;
	}
	return f;
}

static const unsigned char *two_way(const unsigned char *y, ptrdiff_t n,
                                    const unsigned char *x, ptrdiff_t m)
{
	factor f = factorize(x, m);
	ptrdiff_t mem = 0; /* bytes of the left part known to match */
	for (ptrdiff_t j = 0; j <= n - m;) {
		ptrdiff_t i = f.ell + 1 > mem ? f.ell + 1 : mem;
		while (i < m && x[i] == y[i + j])
			i++;
		if (i < m) {
			j += i - f.ell;
			mem = 0;
			continue;
		}
		i = f.ell;
		while (i >= mem && x[i] == y[i + j])
			i--;
		if (i < mem)
			return y + j;
		j += f.period;
		mem = f.periodic ? m - f.period : 0;
	}
	return NULL;
}

void *memmem(const void *hay, size_t n, const void *needle, size_t m)
{
	if (m == 0)
		return (void *)hay;
	if (m > n)
		return NULL;
	if (m == 1)
		return memchr(hay, *(const unsigned char *)needle, n);
	return (void *)two_way(hay, (ptrdiff_t)n, needle, (ptrdiff_t)m);
}

char *strstr(const char *hay, const char *needle)
{
	if (!needle[0])
		return (char *)hay;
	if (!needle[1])
		return strchr(hay, needle[0]);
	size_t m = strlen(needle);
	/* Only the first m bytes decide whether the haystack is too short. */
	if (strnlen(hay, m) < m)
		return NULL;
	return memmem(hay, strlen(hay), needle, m);
}
