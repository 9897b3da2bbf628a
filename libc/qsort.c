/* libc/qsort.c: qsort as introsort (never quadratic), and bsearch. */
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

/*
 * Quicksort with a median-of-three (ninther for large ranges) pivot, and
 * heapsort for any range that recursion has split more than 2 log2 n deep:
 * O(n log n) comparisons whatever the input, even one built against the
 * pivot rule. Short ranges are finished by insertion sort.
 */

typedef int (*cmp_fn)(const void *, const void *);

typedef struct sorter {
	char *base;
	size_t size;
	cmp_fn cmp;
	int words; /* elements are whole aligned words: swap by word */
} sorter;

#define INSERTION_MAX 16

static char *at(const sorter *s, size_t i)
{
	return s->base + i * s->size;
}

static void swap(const sorter *s, size_t i, size_t j)
{
	if (i == j)
		return;
	if (s->words) {
		mg__word *a = (mg__word *)(void *)at(s, i);
		mg__word *b = (mg__word *)(void *)at(s, j);
		for (size_t k = 0; k < s->size / 8; k++) {
			uint64_t t = a[k];
			a[k] = b[k];
			b[k] = t;
		}
		return;
	}
	char *a = at(s, i), *b = at(s, j);
	for (size_t k = 0; k < s->size; k++) {
		char t = a[k];
		a[k] = b[k];
		b[k] = t;
	}
}

static int less(const sorter *s, size_t i, size_t j)
{
	return s->cmp(at(s, i), at(s, j)) < 0;
}

static void insertion_sort(const sorter *s, size_t lo, size_t n)
{
	for (size_t i = lo + 1; i < lo + n; i++)
		for (size_t j = i; j > lo && less(s, j, j - 1); j--)
			swap(s, j, j - 1);
}

static void sift_down(const sorter *s, size_t lo, size_t root, size_t n)
{
	for (size_t child; (child = 2 * root + 1) < n; root = child) {
		if (child + 1 < n && less(s, lo + child, lo + child + 1))
			child++;
		if (!less(s, lo + root, lo + child))
			return;
		swap(s, lo + root, lo + child);
	}
}

static void heap_sort(const sorter *s, size_t lo, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(s, lo, i, n);
	for (size_t end = n - 1; end > 0; end--) {
		swap(s, lo, lo + end);
		sift_down(s, lo, 0, end);
	}
}

static size_t median3(const sorter *s, size_t a, size_t b, size_t c)
{
	if (less(s, a, b))
		return less(s, b, c) ? b : less(s, a, c) ? c : a;
	return less(s, a, c) ? a : less(s, b, c) ? c : b;
}

static size_t choose_pivot(const sorter *s, size_t lo, size_t n)
{
	size_t mid = lo + n / 2, hi = lo + n - 1;
	if (n < 128)
		return median3(s, lo, mid, hi);
	size_t d = n / 8;
	return median3(s, median3(s, lo, lo + d, lo + 2 * d),
	               median3(s, mid - d, mid, mid + d),
	               median3(s, hi - 2 * d, hi - d, hi));
}

/*
 * Hoare partition around the pivot moved to (lo). Scans stop on elements
 * equal to the pivot, so many equal keys still split evenly. Returns the
 * pivot's final place: left of it nothing greater, right nothing less.
 */
static size_t partition(const sorter *s, size_t lo, size_t n)
{
	swap(s, lo, choose_pivot(s, lo, n));
	size_t i = lo + 1, j = lo + n - 1;
	for (;;) {
		while (i <= j && less(s, i, lo))
			i++;
		while (i <= j && less(s, lo, j))
			j--;
		if (i >= j)
			break;
		swap(s, i++, j--);
	}
	swap(s, lo, j);
	return j;
}

static void intro_sort(const sorter *s, size_t lo, size_t n, unsigned depth)
{
	while (n > INSERTION_MAX) {
		if (depth-- == 0) {
			heap_sort(s, lo, n);
			return;
		}
		size_t p = partition(s, lo, n);
		size_t left = p - lo, right = lo + n - p - 1;
		/* Recurse into the smaller side: the stack stays O(log n). */
		if (left < right) {
			intro_sort(s, lo, left, depth);
			lo = p + 1;
			n = right;
		} else {
			intro_sort(s, p + 1, right, depth);
			n = left;
		}
	}
	insertion_sort(s, lo, n);
}

void qsort(void *base, size_t n, size_t size, cmp_fn cmp)
{
	if (n < 2 || !size)
		return;
	sorter s = {base, size, cmp, size % 8 == 0 && (uintptr_t)base % 8 == 0};
	unsigned depth = 0;
	for (size_t m = n; m > 1; m >>= 1)
		depth += 2;
	intro_sort(&s, 0, n, depth);
}

void *bsearch(const void *key, const void *base, size_t n, size_t size,
              cmp_fn cmp)
{
	const char *lo = base;
	while (n) {
		const char *mid = lo + (n / 2) * size;
		int c = cmp(key, mid);
		if (c == 0)
			return (void *)mid;
		if (c > 0) {
			lo = mid + size;
			n -= n / 2 + 1;
		} else {
			n /= 2;
		}
	}
	return NULL;
}
