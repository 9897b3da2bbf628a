/* A test unikernel for the hvt platform alone: argv[1] picks what to do. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mg/hvt_abi.h>
#include <mg/libc.h>
#include <mg/platform.h>

MG_HVT_MANIFEST(2, {"net0", MG_HVT_DEVICE_NET}, {"disk", MG_HVT_DEVICE_BLOCK});

/* Instead of core/: this image has no scheduler, mg__boot is ours. */
const char *mg__fiber_current_name(void)
{
	return "deep";
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
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

/* tests/hvt/sse_x86_64.S: out = a * b + b on four floats; MXCSR. */
void mg_test_sse(const uint32_t a[4], const uint32_t b[4], uint32_t out[4]);
uint32_t mg_test_mxcsr(void);

/*
 * SSE is enabled by the tender (CR4.OSFXSR, OSXMMEXCPT; MXCSR 0x1f80).
 * The CR4 check must pass anywhere. The arithmetic then runs on a real
 * CPU; where KVM emulates every guest instruction it ends in an emulation
 * failure at an SSE instruction instead (tests/e2e/hvt_guest.sh accepts
 * either), but never in #UD. Floats travel as their bits: the guest's C
 * has no FP registers.
 */
static int test_sse(void)
{
	static const uint32_t a[4] = {0x3fc00000, 0x40000000, 0xc0400000,
	                              0x3e800000}; /* 1.5 2 -3 0.25 */
	static const uint32_t b[4] = {0x40000000, 0x3f000000, 0x40800000,
	                              0x41000000}; /* 2 0.5 4 8 */
	static const uint32_t want[4] = {0x40a00000, 0x3fc00000, 0xc1000000,
	                                 0x41200000}; /* 5 1.5 -8 10 */
	uint32_t out[4] = {0};
	uint64_t cr4;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	bool fxsr = cr4 & (1u << 9), xmmexcpt = cr4 & (1u << 10);
	say("sse: cr4 %#llx: OSFXSR %s, OSXMMEXCPT %s\n",
	    (unsigned long long)cr4, fxsr ? "on" : "OFF",
	    xmmexcpt ? "on" : "OFF");
	if (!fxsr || !xmmexcpt)
		return 1;
	say("sse: (1.5 2 -3 0.25) * (2 0.5 4 8) + (2 0.5 4 8) with mulps, "
	    "addps\n");
	mg_test_sse(a, b, out);
	bool right = memcmp(out, want, sizeof out) == 0;
	say("sse: %08x %08x %08x %08x (want 5 1.5 -8 10): %s\n", out[0], out[1],
	    out[2], out[3], right ? "correct" : "WRONG");
	uint32_t mxcsr = mg_test_mxcsr();
	/* The status flags (low 6 bits) stay clear: every result is exact. */
	say("sse: mxcsr %#x\n", mxcsr);
	return right && mxcsr == 0x1f80 ? 0 : 1;
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

/* COPY straight, as libc's memcpy() makes it. */
static int copy_call(void *dst, const void *src, uint64_t len)
{
	uint64_t cr3;
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	struct mg_hvt_copy a = {.dst = (uint64_t)(uintptr_t)dst,
	                        .src = (uint64_t)(uintptr_t)src,
	                        .len = len,
	                        .cr3 = cr3};
	__asm__ volatile("outl %0, %w1"
	                 :
	                 : "a"((uint32_t)(uintptr_t)&a),
	                   "d"((uint16_t)(MG_HVT_PORT_BASE + MG_HVT_CALL_COPY))
	                 : "memory");
	return (int)a.ret;
}

/*
 * The tender's COPY (mg/hvt_abi.h): memcpy() of 1 MiB goes through it
 * and is right, overlapping moves are right, and it refuses what the
 * guest's own page tables forbid: writing the read-only text, reading
 * past guest memory. Prints the time of 8 MiB of memcpy().
 */
static int test_copy(void)
{
	static uint8_t a[1 << 20], b[1 << 20];
	for (size_t i = 0; i < sizeof a; i += 4096)
		a[i] = (uint8_t)(i >> 12), a[i + 4095] = (uint8_t)~(i >> 12);
	uint64_t t0 = mg_platform_monotonic_ns();
	for (int i = 0; i < 8; i++)
		memcpy(b, a, sizeof a);
	uint64_t t1 = mg_platform_monotonic_ns();
	int same = memcmp(a, b, sizeof a) == 0;
	memmove(b + 1000, b, 100000); /* overlapping, forward */
	int moved = memcmp(b + 1000, a, 100000) == 0;
	int text = copy_call((void *)(uintptr_t)test_copy, a, 4096);
	int beyond = copy_call(b, (void *)(uintptr_t)(MG_HVT_MEM_MAX - 100),
	                       4096);
	int ok = copy_call(b, a, 4096);
	say("copy: same %d moved %d text %d beyond %d ok %d; 8 MiB in %llu "
	    "us\n",
	    same, moved, text, beyond, ok,
	    (unsigned long long)((t1 - t0) / 1000));
	return 0;
}

/* A raw net hypercall on device 0 (net0); returns its ret. */
static int net_call(unsigned call, struct mg_hvt_net_ring *r, uint64_t size)
{
	struct mg_hvt_net_io a = {.handle = 0, .ring = r, .size = size};
	__asm__ volatile("outl %0, %w1"
	                 :
	                 : "a"((uint32_t)(uintptr_t)&a),
	                   "d"((uint16_t)(MG_HVT_PORT_BASE + call))
	                 : "memory");
	return (int)a.ret;
}

/*
 * The tender's checks of the net rings (mg/hvt_abi.h): a bad geometry and
 * a second registration are refused; then (how) breaks the rings and the
 * next NET_SYNC must end the guest with MG_HVT_EXIT_ABI.
 */
static int test_netring(const char *how)
{
	enum { AREA = 128 * 1024 };
	static uint64_t area[(32 + 2 * AREA) / 8];
	struct mg_hvt_net_ring *r = (void *)area;
	uint8_t *tx = (uint8_t *)(r + 1);
	r->tx_size = 3 * 32 * 1024; /* no power of two */
	r->rx_size = AREA;
	int bad = net_call(MG_HVT_CALL_NET_RING, r, sizeof area);
	r->tx_size = 32 * 1024; /* too small for a largest frame */
	int small = net_call(MG_HVT_CALL_NET_RING, r, sizeof area);
	r->tx_size = AREA;
	int ok = net_call(MG_HVT_CALL_NET_RING, r, sizeof area);
	int again = net_call(MG_HVT_CALL_NET_RING, r, sizeof area);
	/* A frame to send, and a sync that sends it. */
	struct mg_hvt_net_rec *s = (void *)tx;
	s->len = 60;
	memset(s + 1, 0xff, 60);
	r->tx_prod = MG_HVT_NET_REC_BYTES(60);
	int sync = net_call(MG_HVT_CALL_NET_SYNC, NULL, 0);
	say("netring: %d %d %d %d %d tx_cons %u offloads %u\n", bad, small, ok,
	    again, sync, r->tx_cons, r->offloads);
	struct mg_hvt_net_rec *next = (void *)(tx + r->tx_cons);
	if (strcmp(how, "txahead") == 0) {
		r->tx_prod = r->tx_cons + AREA + 16;
	} else if (strcmp(how, "txlen") == 0) {
		next->len = 1515; /* over the MTU without offloads */
		r->tx_prod = r->tx_cons + MG_HVT_NET_REC_BYTES(1515);
	} else if (strcmp(how, "txgso") == 0) {
		next->len = 1515; /* a segment to cut needs a checksum asked */
		next->gso = MG_NET_GSO_TCPV4;
		next->gso_size = 1000;
		r->tx_prod = r->tx_cons + MG_HVT_NET_REC_BYTES(1515);
	} else if (strcmp(how, "txpast") == 0) {
		next->len = 1000; /* the record runs past the queue */
		r->tx_prod = r->tx_cons + 64;
	} else if (strcmp(how, "rxcons") == 0) {
		r->rx_cons = r->rx_prod + 16;
	} else {
		return 0;
	}
	net_call(MG_HVT_CALL_NET_SYNC, NULL, 0);
	return 1; /* not reached: the tender ends the guest */
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
	if (strcmp(t, "badptr") == 0) {
		struct mg_hvt_write a = {
		    .data = (const char *)(uintptr_t)0xfff00000, .len = 4096};
		__asm__ volatile(
		    "outl %0, %w1"
		    :
		    : "a"((uint32_t)(uintptr_t)&a),
		      "d"((uint16_t)(MG_HVT_PORT_BASE + MG_HVT_CALL_WRITE))
		    : "memory");
	}
	if (strcmp(t, "ud2") == 0)
		__asm__ volatile("ud2");
	if (strcmp(t, "sse") == 0)
		mg_platform_exit(test_sse());
	if (strcmp(t, "strings") == 0)
		mg_platform_exit(test_strings());
	if (strcmp(t, "copy") == 0)
		mg_platform_exit(test_copy());
	/* With no IDT the #UD that follows becomes a triple fault. */
	if (strcmp(t, "triple") == 0) {
		struct __attribute__((packed)) {
			uint16_t limit;
			uint64_t base;
		} none = {0, 0};
		__asm__ volatile("lidt %0; ud2" : : "m"(none));
	}
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
	if (strcmp(t, "netring") == 0)
		mg_platform_exit(test_netring(bi->argc > 2 ? bi->argv[2] : ""));
	say("hvt_test: unknown or failed test '%s'\n", t);
	mg_platform_exit(99);
}
