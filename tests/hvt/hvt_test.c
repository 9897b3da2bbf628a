/* The hvt tests of the guest test unikernel: hypercalls, SSE, triple fault. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <mg/hvt_abi.h>

#include "../guest/guest_test.h"

MG_HVT_MANIFEST(2, {"net0", MG_HVT_DEVICE_NET}, {"disk", MG_HVT_DEVICE_BLOCK});

/* tests/hvt/sse_x86_64.S: out = a * b + b on four floats; MXCSR. */
void mg_test_sse(const uint32_t a[4], const uint32_t b[4], uint32_t out[4]);
uint32_t mg_test_mxcsr(void);

/*
 * SSE is enabled by the tender (CR4.OSFXSR, OSXMMEXCPT; MXCSR 0x1f80).
 * The CR4 check must pass anywhere. The arithmetic then runs on a real
 * CPU; where KVM emulates every guest instruction it ends in an emulation
 * failure at an SSE instruction instead (tests/e2e/guest.sh accepts
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
		a[i] = (uint8_t)(i >> 12), a[i + 4095] = (uint8_t) ~(i >> 12);
	uint64_t t0 = mg_platform_monotonic_ns();
	for (int i = 0; i < 8; i++)
		memcpy(b, a, sizeof a);
	uint64_t t1 = mg_platform_monotonic_ns();
	int same = memcmp(a, b, sizeof a) == 0;
	memmove(b + 1000, b, 100000); /* overlapping, forward */
	int moved = memcmp(b + 1000, a, 100000) == 0;
	int text = copy_call((void *)(uintptr_t)test_copy, a, 4096);
	int beyond =
	    copy_call(b, (void *)(uintptr_t)(MG_HVT_MEM_MAX - 100), 4096);
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

void mg_test_target(const char *t, const mg_boot_info *bi)
{
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
	if (strcmp(t, "sse") == 0)
		mg_platform_exit(test_sse());
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
	if (strcmp(t, "netring") == 0)
		mg_platform_exit(test_netring(bi->argc > 2 ? bi->argv[2] : ""));
}
