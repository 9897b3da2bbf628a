/* bench/libc_bench.c: the freestanding libc next to glibc, in one run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../libc/host/mgl.h"

/*
 * Each row times the same loop over glibc's function and over ours (the
 * host build, renamed mgl_*), both called through a pointer so that neither
 * is inlined. Figures are for this host CPU: glibc uses AVX here, ours is
 * restricted to general registers and rep movsb/stosb, as in the guest.
 */

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef void *(*copy_fn)(void *, const void *, size_t);
typedef void *(*set_fn)(void *, int, size_t);
typedef size_t (*len_fn)(const char *);

static unsigned char *src, *dst;
#define BUF (2u << 20)

/* Repetitions so that one trial moves about 256 MiB. */
static size_t reps_for(size_t n)
{
	size_t r = (256ull << 20) / (n + 16);
	return r < 200 ? 200 : r > 10000000 ? 10000000 : r;
}

/* Each figure is the best of TRIALS, as the host may be shared. */
#define TRIALS 3

static double gbps_copy(copy_fn f, size_t n)
{
	size_t reps = reps_for(n);
	double best = 1e9;
	for (int t = 0; t < TRIALS; t++) {
		double t0 = now();
		for (size_t i = 0; i < reps; i++)
			f(dst + (i & 7), src + (i & 3), n);
		double dt = now() - t0;
		best = dt < best ? dt : best;
	}
	return (double)n * (double)reps / best / 1e9;
}

static double gbps_set(set_fn f, size_t n)
{
	size_t reps = reps_for(n);
	double best = 1e9;
	for (int t = 0; t < TRIALS; t++) {
		double t0 = now();
		for (size_t i = 0; i < reps; i++)
			f(dst + (i & 7), (int)i, n);
		double dt = now() - t0;
		best = dt < best ? dt : best;
	}
	return (double)n * (double)reps / best / 1e9;
}

static double gbps_len(len_fn f, size_t n)
{
	size_t reps = reps_for(n), sum = 0;
	double best = 1e9;
	memset(src, 'x', n + 8);
	for (int k = 0; k < 8; k++)
		src[k + n] = 0;
	for (int t = 0; t < TRIALS; t++) {
		sum = 0;
		double t0 = now();
		for (size_t i = 0; i < reps; i++)
			sum += f((const char *)src + (i & 7));
		double dt = now() - t0;
		best = dt < best ? dt : best;
	}
	return (double)sum / best / 1e9;
}

static void table_rows(void)
{
	static const size_t sizes[] = {16, 64, 256, 1024, 4096, 65536, 1 << 20};
	volatile copy_fn g_cpy = memcpy, m_cpy = mgl_memcpy;
	volatile copy_fn g_mov = memmove, m_mov = mgl_memmove;
	volatile set_fn g_set = memset, m_set = mgl_memset;
	volatile len_fn g_len = strlen, m_len = mgl_strlen;
	printf("%-9s %9s %10s %10s %7s\n", "function", "bytes", "glibc GB/s",
	       "ours GB/s", "ratio");
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		size_t n = sizes[i];
		double g, m;
		g = gbps_copy(g_cpy, n);
		m = gbps_copy(m_cpy, n);
		printf("%-9s %9zu %10.2f %10.2f %7.2f\n", "memcpy", n, g, m,
		       m / g);
		g = gbps_copy(g_mov, n);
		m = gbps_copy(m_mov, n);
		printf("%-9s %9zu %10.2f %10.2f %7.2f\n", "memmove", n, g, m,
		       m / g);
		g = gbps_set(g_set, n);
		m = gbps_set(m_set, n);
		printf("%-9s %9zu %10.2f %10.2f %7.2f\n", "memset", n, g, m,
		       m / g);
		g = gbps_len(g_len, n);
		m = gbps_len(m_len, n);
		printf("%-9s %9zu %10.2f %10.2f %7.2f\n", "strlen", n, g, m,
		       m / g);
	}
}

typedef void *(*alloc_fn)(size_t);
typedef void (*free_fn)(void *);

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* ns per malloc+free pair: (live) blocks, sizes 16..(max), random order. */
static double ns_churn_once(alloc_fn al, free_fn fr, size_t live, size_t max)
{
	static void *slot[4096];
	size_t ops = 1000000;
	rng = 88172645463325252ull;
	for (size_t i = 0; i < live; i++)
		slot[i] = al(16 + rnd() % max);
	double t0 = now();
	for (size_t i = 0; i < ops; i++) {
		size_t k = rnd() % live;
		fr(slot[k]);
		slot[k] = al(16 + rnd() % max);
		*(volatile char *)slot[k] = 1;
	}
	double t = now() - t0;
	for (size_t i = 0; i < live; i++)
		fr(slot[i]);
	return t / (double)ops * 1e9;
}

static double ns_churn(alloc_fn al, free_fn fr, size_t live, size_t max)
{
	double best = 1e9;
	for (int t = 0; t < TRIALS; t++) {
		double ns = ns_churn_once(al, fr, live, max);
		best = ns < best ? ns : best;
	}
	return best;
}

static void malloc_rows(void)
{
	static const struct {
		size_t live, max;
	} cases[] = {{1, 64}, {1024, 256}, {4096, 4096}, {1024, 65536}};
	volatile alloc_fn g_al = malloc, m_al = mgl_malloc;
	volatile free_fn g_fr = free, m_fr = mgl_free;
	printf("\n%-22s %12s %12s %7s\n", "malloc+free", "glibc ns/op",
	       "ours ns/op", "ratio");
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		double g = ns_churn(g_al, g_fr, cases[i].live, cases[i].max);
		double m = ns_churn(m_al, m_fr, cases[i].live, cases[i].max);
		char what[32];
		snprintf(what, sizeof what, "%zu live, 16..%zu", cases[i].live,
		         cases[i].max);
		printf("%-22s %12.1f %12.1f %7.2f\n", what, g, m, g / m);
	}
}

int main(void)
{
	static unsigned char arena[256u << 20] __attribute__((aligned(64)));
	/*
	 * Source and destination 1 KiB apart modulo a page, as unrelated
	 * buffers usually are: a distance of a few bytes modulo 4 KiB makes
	 * some CPUs' store forwarding (and rep movsb) much slower.
	 */
	unsigned char *mem = aligned_alloc(4096, 2 * BUF + 8192);
	memset(mem, 1, 2 * BUF + 8192);
	src = mem + 64;
	dst = mem + BUF + 4096 + 1088;
	mgl_mg__libc_heap_init(arena, sizeof arena);
	table_rows();
	malloc_rows();
	printf("(ratio: ours relative to glibc, above 1 is faster)\n");
	return 0;
}
