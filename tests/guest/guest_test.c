/* A test unikernel for a guest platform alone (hvt, spt): argv[1] picks a test.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mg/libc.h>
#include <mg/platform.h>

/* Instead of core/: this image has no scheduler, mg__boot is ours. */
const char *mg__fiber_current_name(void)
{
	return "deep";
}

#include "guest_test.h"

void say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	mg_platform_console_write(buf, n < (int)sizeof buf ? (size_t)n
	                                                   : sizeof buf - 1);
}

static const int rodata_value = 42;
static unsigned char data_code[16] = {0xc3}; /* ret */

__attribute__((used, noinline)) static int some_function(int x)
{
	return x + 1;
}

/* The canary check fires when this returns (do not inline it). */
__attribute__((noinline)) static void smash(size_t n)
{
	char buf[16];
	volatile size_t len = n;
	memset(buf, 'A', len);
	__asm__ volatile("" : : "r"(buf) : "memory");
}

/* Recurses until the guard page stops it (the limit is never reached). */
__attribute__((noinline)) static int recurse(int depth)
{
	volatile char pad[512];
	pad[0] = (char)depth;
	if (depth > 1000000)
		return pad[0];
	return recurse(depth + 1) + pad[0];
}

/* An address the compiler cannot see through: page 0. */
static volatile uintptr_t null_page = 8;

static void on_stack(void *top, void (*fn)(void))
{
	__asm__ volatile("mov %0, %%rsp; call *%1; ud2"
	                 :
	                 : "r"(top), "r"(fn)
	                 : "memory");
}

static void overflow(void)
{
	recurse(0);
}

static int test_sleep(void)
{
	mg_handle ready[4];
	size_t n;
	uint64_t t0 = mg_platform_monotonic_ns();
	uint64_t deadline = t0 + 50 * 1000000ull;
	/* Spurious wakeups are allowed: loop until the deadline. */
	while (mg_platform_monotonic_ns() < deadline)
		mg_platform_yield(deadline, ready, 4, &n);
	uint64_t t1 = mg_platform_monotonic_ns();
	say("slept %llu us\n", (unsigned long long)((t1 - t0) / 1000));
	return 0;
}

static int test_clock(void)
{
	uint64_t m0 = mg_platform_monotonic_ns(), w0 = mg_platform_wall_ns();
	volatile unsigned spin = 0;
	for (int i = 0; i < 1000; i++)
		spin++;
	uint64_t m1 = mg_platform_monotonic_ns(), w1 = mg_platform_wall_ns();
	say("monotonic %llu -> %llu\n", (unsigned long long)m0,
	    (unsigned long long)m1);
	say("wall %llu s\n", (unsigned long long)(w1 / 1000000000ull));
	/* 2023-01-01 < wall < 2100-01-01, and both clocks advanced. */
	if (m1 <= m0 || w1 <= w0 || w0 < 1672531200ull * 1000000000ull ||
	    w0 > 4102444800ull * 1000000000ull)
		return 1;
	return 0;
}

static int test_heap(void)
{
	enum { CHUNK = 1 << 20, MAX = 4096 };
	static void *blocks[MAX];
	size_t n = 0;
	while (n < MAX && (blocks[n] = malloc(CHUNK)) != NULL) {
		memset(blocks[n], 0x5a, 64); /* touch each */
		n++;
	}
	say("heap: %zu MiB allocated\n", n);
	void *huge = malloc((size_t)8 << 30);
	say("heap: 8 GiB %s\n", huge ? "allocated?!" : "refused");
	for (size_t i = 0; i < n; i++)
		free(blocks[i]);
	void *again = malloc((n - 1) * (size_t)CHUNK);
	say("heap: %zu MiB again %s\n", n - 1, again ? "ok" : "FAILED");
	free(again);
	return huge || !again ? 1 : 0;
}

static int test_entropy(void)
{
	uint8_t a[40], b[40];
	mg_platform_entropy(a, sizeof a);
	mg_platform_entropy(b, sizeof b);
	int zero = 1;
	for (size_t i = 0; i < sizeof a; i++)
		zero &= a[i] == 0;
	say("entropy: %02x%02x%02x%02x %s\n", a[0], a[1], a[2], a[3],
	    zero || memcmp(a, b, sizeof a) == 0 ? "BAD" : "differs");
	return zero || memcmp(a, b, sizeof a) == 0;
}

/*
 * memcpy, memmove and memset both ways libc has (mg__libc_cpu_emulated:
 * quadword string moves, else loops and byte string moves), against the
 * expected bytes one by one, over sizes around each path's edges, with
 * misaligned ends, overlapping moves both ways and the bytes around the
 * destination. Sizes stay small: where the CPU is emulated every
 * instruction of the check costs a microsecond.
 */
enum { STR_BUF = 640, STR_CHECK = 16 };

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + 3);
}

/* The first (len) bytes of (b): only what a step can look at. */
static void fill_pattern(unsigned char *b, size_t len)
{
	for (size_t i = 0; i < len && i < STR_BUF; i++)
		b[i] = pattern(i);
}

/*
 * (b)[at..at + n) must be pattern(from..) (or (c) if from is SIZE_MAX), and
 * the STR_CHECK bytes on each side (around) as pattern(i), or (c_around).
 */
static int check_range(const char *what, size_t n, const unsigned char *b,
                       size_t at, size_t from, int c, int around)
{
	size_t lo = at > STR_CHECK ? at - STR_CHECK : 0;
	size_t hi = at + n + STR_CHECK < STR_BUF ? at + n + STR_CHECK : STR_BUF;
	for (size_t i = lo; i < hi; i++) {
		unsigned want;
		if (i >= at && i < at + n)
			want = from == SIZE_MAX ? (unsigned)c
			                        : pattern(from + i - at);
		else
			want = around < 0 ? pattern(i) : (unsigned)around;
		if (b[i] != want) {
			say("strings: %s of %zu bytes at %zu: byte %zu is %#x, "
			    "not %#x\n",
			    what, n, at, i, b[i], want);
			return 1;
		}
	}
	return 0;
}

static int test_strings(void)
{
	static const size_t sizes[] = {0,  1,  7,  8,  15, 16,  17, 31,
	                               32, 33, 63, 64, 65, 511, 512};
	static unsigned char src[STR_BUF], dst[STR_BUF];
	int bad = 0;
	for (int emulated = 0; emulated < 2; emulated++) {
		mg__libc_cpu_emulated = emulated;
		for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
			size_t n = sizes[k];
			for (size_t at = 1; at <= 16; at += 15) {
				size_t from = 19 - at; /* ends misaligned */
				size_t used = at + n + 24 + STR_CHECK;
				fill_pattern(src, used);
				for (size_t i = 0; i < used && i < STR_BUF; i++)
					dst[i] = 0xee;
				memcpy(dst + at, src + from, n);
				bad |= check_range("memcpy", n, dst, at, from,
				                   0, 0xee);
				memset(dst + at, 0x5a, n);
				bad |= check_range("memset", n, dst, at,
				                   SIZE_MAX, 0x5a, 0xee);
				memmove(src + at + 3, src + at, n);
				bad |= check_range("memmove up", n, src, at + 3,
				                   at, 0, -1);
				fill_pattern(src, used);
				memmove(src + at, src + at + 3, n);
				bad |= check_range("memmove down", n, src, at,
				                   at + 3, 0, -1);
				fill_pattern(src, used);
				memmove(src + at + 24, src + at, n);
				bad |= check_range("memmove up by 24", n, src,
				                   at + 24, at, 0, -1);
			}
		}
	}
	mg__libc_cpu_emulated = false;
	say("strings: %s\n", bad ? "FAILED" : "ok");
	return bad;
}

static int test_devices(void)
{
	mg_handle h;
	mg_platform_block_info bi;
	mg_platform_net_info ni;
	char sector[512];
	int r1 = mg_platform_block_acquire("disk", &h, &bi);
	int r2 = mg_platform_block_acquire("disk", &h, &bi);
	int r3 = mg_platform_block_acquire("nope", &h, &bi);
	int r4 = mg_platform_block_read(h, 0, sector, sizeof sector);
	int r5 = mg_platform_net_acquire("net0", &h, &ni);
	say("devices: %d %d %d %d %d capacity %llu\n", r1, r2, r3, r4, r5,
	    (unsigned long long)bi.capacity);
	return 0;
}

_Noreturn void mg__boot(void)
{
	const mg_boot_info *bi = mg_platform_boot_info();
	const char *t = bi->argc > 1 ? bi->argv[1] : "";

	if (strcmp(t, "exit") == 0)
		mg_platform_exit(bi->argc > 2 ? atoi(bi->argv[2]) : 0);
	if (strcmp(t, "abort") == 0)
		mg_platform_abort("test: deliberate abort");
	if (strcmp(t, "args") == 0) {
		for (int i = 0; i < bi->argc; i++)
			say("argv[%d]=[%s]\n", i, bi->argv[i]);
		mg_platform_exit(0);
	}
	if (strcmp(t, "write0") == 0)
		*(volatile int *)null_page = 1;
	if (strcmp(t, "writetext") == 0)
		*(volatile unsigned char *)(uintptr_t)some_function = 0xcc;
	if (strcmp(t, "writerodata") == 0)
		*(volatile int *)(uintptr_t)&rodata_value = 7;
	if (strcmp(t, "execdata") == 0)
		((void (*)(void))(uintptr_t)data_code)();
	if (strcmp(t, "smash") == 0)
		smash(64);
	if (strcmp(t, "overflow") == 0) {
		/*
		 * argv[2] stacks of 64 KiB first (kept), so that the one that
		 * overflows can be pushed past the 4 KiB-mapped memory after
		 * the image, into a 2 MiB page the platform must split.
		 */
		int before = bi->argc > 2 ? atoi(bi->argv[2]) : 0;
		void *base;
		size_t usable;
		for (int i = 0; i <= before; i++)
			if (mg_platform_stack_alloc(i < before ? 65536 : 16384,
			                            &base, &usable) != 0)
				mg_platform_abort("test: no stack");
		say("stack at %p\n", base);
		on_stack((char *)base + usable, overflow);
	}
	if (strcmp(t, "stacks") == 0) {
		/* Many stacks, freed and reallocated: guards come and go. */
		void *base[64];
		size_t usable[64];
		for (int round = 0; round < 3; round++) {
			for (int i = 0; i < 64; i++)
				if (mg_platform_stack_alloc(65536, &base[i],
				                            &usable[i]) != 0)
					mg_platform_abort("test: no stack");
			/* Both ends usable (a byte each: every guest
			 * instruction is slow), then the guard goes. */
			for (int i = 0; i < 64; i++) {
				((volatile char *)base[i])[0] = 1;
				((volatile char *)base[i])[usable[i] - 1] = 1;
				mg_platform_stack_free(base[i], usable[i]);
			}
		}
		say("stacks: ok\n");
		mg_platform_exit(0);
	}
	if (strcmp(t, "ud2") == 0)
		__asm__ volatile("ud2");
	if (strcmp(t, "strings") == 0)
		mg_platform_exit(test_strings());
	if (strcmp(t, "sleep") == 0)
		mg_platform_exit(test_sleep());
	if (strcmp(t, "clock") == 0)
		mg_platform_exit(test_clock());
	if (strcmp(t, "heap") == 0)
		mg_platform_exit(test_heap());
	if (strcmp(t, "entropy") == 0)
		mg_platform_exit(test_entropy());
	if (strcmp(t, "devices") == 0)
		mg_platform_exit(test_devices());
	mg_test_target(t, bi);
	say("guest_test: unknown or failed test '%s'\n", t);
	mg_platform_exit(99);
}
