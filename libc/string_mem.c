/* libc/string_mem.c: memcpy, memmove and memset. */
#include <stdint.h>
#include <string.h>

#include <mg/libc.h>

#include "internal.h"

/*
 * From this size on, `rep movsb` / `rep stosb` (fast strings, ERMS) beat a
 * loop of general-register moves, and the registers stay general: images
 * run with no SSE, so no vector loop is possible anyway.
 */
#define REP_MIN 512

/*
 * Where the CPU is emulated, costs are per instruction executed (about
 * 0.6 us) and, for a string instruction, per element moved: `rep movsb`
 * costs per byte, `rep movsq` per 8 bytes, a register loop per move. The
 * quadword forms are then the fastest from 16 bytes on, by 4 to 6 times
 * at 64 to 256 bytes (measured in an hvt guest, bench/README.md); on a
 * real CPU they are slower than both the loops and the byte forms.
 */
bool mg__libc_cpu_emulated;
int (*mg__libc_bulk_copy)(void *dst, const void *src, size_t n);

/*
 * Copy (n) < 16 bytes with two possibly overlapping moves of the widest
 * size that fits. Both loads happen before the stores, so the ranges may
 * overlap (memmove uses it too).
 */
static inline __attribute__((always_inline)) void
copy_short(unsigned char *d, const unsigned char *s, size_t n)
{
	if (n >= 8) {
		uint64_t a = *(const mg__uword *)s;
		uint64_t b = *(const mg__uword *)(s + n - 8);
		*(mg__uword *)d = a;
		*(mg__uword *)(d + n - 8) = b;
	} else if (n >= 4) {
		uint32_t a = *(const mg__u32 *)s;
		uint32_t b = *(const mg__u32 *)(s + n - 4);
		*(mg__u32 *)d = a;
		*(mg__u32 *)(d + n - 4) = b;
	} else if (n >= 2) {
		uint16_t a = *(const mg__u16 *)s;
		uint16_t b = *(const mg__u16 *)(s + n - 2);
		*(mg__u16 *)d = a;
		*(mg__u16 *)(d + n - 2) = b;
	} else if (n) {
		*d = *s;
	}
}

/*
 * Copy (n) >= 16 bytes front to back, 16 at a time; the last 16 bytes are
 * read first and stored last, covering the ragged end. Safe when (d) is
 * below (s) even if they overlap: every chunk is read before it is stored
 * and stores never reach source bytes not yet read.
 */
static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	uint64_t t0 = *(const mg__uword *)(s + n - 16);
	uint64_t t1 = *(const mg__uword *)(s + n - 8);
	size_t i = 0;
	for (; i + 32 < n; i += 32) {
		uint64_t a = *(const mg__uword *)(s + i);
		uint64_t b = *(const mg__uword *)(s + i + 8);
		uint64_t c = *(const mg__uword *)(s + i + 16);
		uint64_t e = *(const mg__uword *)(s + i + 24);
		*(mg__uword *)(d + i) = a;
		*(mg__uword *)(d + i + 8) = b;
		*(mg__uword *)(d + i + 16) = c;
		*(mg__uword *)(d + i + 24) = e;
	}
	if (i + 16 < n) {
		uint64_t a = *(const mg__uword *)(s + i);
		uint64_t b = *(const mg__uword *)(s + i + 8);
		*(mg__uword *)(d + i) = a;
		*(mg__uword *)(d + i + 8) = b;
	}
	*(mg__uword *)(d + n - 16) = t0;
	*(mg__uword *)(d + n - 8) = t1;
}

/* The mirror of copy_forward() for (d) above an overlapping (s). */
static void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
	uint64_t h0 = *(const mg__uword *)s;
	uint64_t h1 = *(const mg__uword *)(s + 8);
	for (size_t i = n; i > 16; i -= 16) {
		uint64_t a = *(const mg__uword *)(s + i - 16);
		uint64_t b = *(const mg__uword *)(s + i - 8);
		*(mg__uword *)(d + i - 16) = a;
		*(mg__uword *)(d + i - 8) = b;
	}
	*(mg__uword *)d = h0;
	*(mg__uword *)(d + 8) = h1;
}

/*
 * Whether `rep movsb` is the fast way for this copy. On the AMD EPYC this
 * was measured on, it runs 30 times slower when the destination is 1 to 15
 * bytes past the source modulo a page (and 2-3 times up to 31), so such
 * copies, up to 63 for margin, go through the loop (bench/README.md).
 */
static int rep_ok(const void *d, const void *s, size_t n)
{
	return n >= REP_MIN && (((uintptr_t)d - (uintptr_t)s - 1) & 4095) >= 63;
}

static void rep_movsb(void *d, const void *s, size_t n)
{
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}

static void rep_stosb(void *d, unsigned char c, size_t n)
{
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
}

/*
 * Copy (n) >= 8 bytes forward with `rep movsq`, then the last 8 bytes,
 * read before the first store, over the ragged end. Safe for (d) below an
 * overlapping (s), as copy_forward().
 */
static void rep_movsq(unsigned char *d, const unsigned char *s, size_t n)
{
	uint64_t tail = *(const mg__uword *)(s + n - 8);
	unsigned char *end = d + n - 8;
	size_t words = n / 8;
	__asm__ volatile("rep movsq"
	                 : "+D"(d), "+S"(s), "+c"(words)
	                 :
	                 : "memory");
	*(mg__uword *)end = tail;
}

void *(memcpy)(void *restrict dst, const void *restrict src, size_t n)
{
	if (n < 16)
		copy_short(dst, src, n);
	else if (n >= MG_LIBC_BULK_MIN && mg__libc_bulk_copy &&
	         mg__libc_bulk_copy(dst, src, n) == 0)
		;
	else if (mg__libc_cpu_emulated)
		rep_movsq(dst, src, n);
	else if (rep_ok(dst, src, n))
		rep_movsb(dst, src, n);
	else
		copy_forward(dst, src, n);
	return dst;
}

void *(memmove)(void *dst, const void *src, size_t n)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;
	/* (d) below (s), or no overlap: copying forward reads first. */
	int forward = d - s >= n;
	if (n < 16)
		copy_short(dst, src, n);
	else if (n >= MG_LIBC_BULK_MIN && mg__libc_bulk_copy &&
	         mg__libc_bulk_copy(dst, src, n) == 0)
		;
	else if (!forward)
		copy_backward(dst, src, n);
	else if (mg__libc_cpu_emulated)
		rep_movsq(dst, src, n);
	else if (rep_ok(dst, src, n))
		rep_movsb(dst, src, n);
	else
		copy_forward(dst, src, n);
	return dst;
}

void *(memset)(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t v = MG__ONES * (unsigned char)c;
	if (n >= 16 && mg__libc_cpu_emulated) {
		unsigned char *end = d + n - 8;
		size_t words = n / 8;
		__asm__ volatile("rep stosq"
		                 : "+D"(d), "+c"(words)
		                 : "a"(v)
		                 : "memory");
		*(mg__uword *)end = v;
	} else if (n >= REP_MIN) {
		rep_stosb(d, (unsigned char)c, n);
	} else if (n >= 16) {
		size_t i = 0;
		for (; i + 32 < n; i += 32) {
			*(mg__uword *)(d + i) = v;
			*(mg__uword *)(d + i + 8) = v;
			*(mg__uword *)(d + i + 16) = v;
			*(mg__uword *)(d + i + 24) = v;
		}
		if (i + 16 < n) {
			*(mg__uword *)(d + i) = v;
			*(mg__uword *)(d + i + 8) = v;
		}
		*(mg__uword *)(d + n - 16) = v;
		*(mg__uword *)(d + n - 8) = v;
	} else if (n >= 8) {
		*(mg__uword *)d = v;
		*(mg__uword *)(d + n - 8) = v;
	} else if (n >= 4) {
		*(mg__u32 *)d = (uint32_t)v;
		*(mg__u32 *)(d + n - 4) = (uint32_t)v;
	} else {
		for (size_t i = 0; i < n; i++)
			d[i] = (unsigned char)c;
	}
	return dst;
}
