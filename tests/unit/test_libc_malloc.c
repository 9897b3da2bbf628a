/* The freestanding libc's TLSF allocator: contents, alignment, checks. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../../libc/host/mgl.h"
#include "mgtest.h"

#define ARENA (16u << 20)

static unsigned char arena[ARENA] __attribute__((aligned(4096)));

static uint64_t rng_state = 0xda942042e4dd58b5ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static size_t below(size_t n)
{
	return rnd() % n;
}

static void heap_init(void)
{
	mgl_mg__libc_heap_init(arena, ARENA);
}

static int in_arena(const void *p, size_t n)
{
	const unsigned char *c = p;
	return c >= arena && c + n <= arena + ARENA;
}

static mg_libc_heap_stats stats(void)
{
	mg_libc_heap_stats s;
	mgl_mg__libc_heap_stats(&s);
	return s;
}

/* --- random sequences with content checks --- */

typedef struct slot {
	unsigned char *p;
	size_t size;
	size_t align;
	unsigned seed;
} slot;

#define SLOTS 1500

static slot slots[SLOTS];

static size_t random_size(void)
{
	switch (below(20)) {
	case 0:
		return 4096 + below(128 << 10);
	case 1:
	case 2:
	case 3:
	case 4:
	case 5:
	case 6:
	case 7:
		return 128 + below(4096);
	default:
		return below(129);
	}
}

static void fill(slot *s)
{
	for (size_t i = 0; i < s->size; i++)
		s->p[i] = (unsigned char)(s->seed + i * 7);
}

/* The first (n) bytes still hold the slot's pattern. */
static void check(const slot *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s->p[i] != (unsigned char)(s->seed + i * 7))
			mgt_fail(__FILE__, __LINE__,
			         "block %p (%zu bytes) changed at %zu",
			         (void *)s->p, s->size, i);
}

static void check_placement(const slot *s)
{
	ASSERT_TRUE(in_arena(s->p, s->size));
	ASSERT_EQ((uintptr_t)s->p % s->align, 0);
	ASSERT_CMP(mgl_malloc_usable_size(s->p), >=, s->size);
}

static void new_block(slot *s)
{
	size_t size = random_size(), count;
	s->align = 16;
	switch (below(6)) {
	case 0:
		s->align = (size_t)1 << (5 + below(8)); /* 32 .. 4096 */
		s->p = mgl_aligned_alloc(s->align, size);
		break;
	case 1:
		/* Reused memory is dirty: calloc must clear all it gives. */
		count = 1 + below(8);
		size = size / 8 + 1;
		s->p = mgl_calloc(count, size);
		size *= count;
		for (size_t i = 0; s->p && i < size; i++)
			if (s->p[i])
				mgt_fail(__FILE__, __LINE__, "calloc: byte %zu",
				         i);
		break;
	case 2:
		s->align = 64;
		ASSERT_EQ(mgl_posix_memalign((void **)&s->p, 64, size), 0);
		break;
	default:
		s->p = mgl_malloc(size);
		break;
	}
	ASSERT_TRUE(s->p != NULL);
	s->size = size;
	s->seed = (unsigned)rnd();
	check_placement(s);
	fill(s);
}

static void resize_block(slot *s)
{
	size_t size = random_size(), keep = size < s->size ? size : s->size;
	unsigned char *q = mgl_realloc(s->p, size);
	ASSERT_TRUE(q != NULL);
	s->p = q;
	s->align = 16;
	check(s, keep);
	s->size = size;
	check_placement(s);
	fill(s);
}

static int by_address(const void *a, const void *b)
{
	const slot *x = a, *y = b;
	return (x->p > y->p) - (x->p < y->p);
}

/* Live blocks, sorted by address, must not overlap (usable sizes). */
static void check_no_overlap(void)
{
	static slot sorted[SLOTS];
	size_t n = 0;
	for (size_t i = 0; i < SLOTS; i++)
		if (slots[i].p)
			sorted[n++] = slots[i];
	qsort(sorted, n, sizeof *sorted, by_address);
	for (size_t i = 1; i < n; i++)
		ASSERT_CMP(sorted[i - 1].p +
		               mgl_malloc_usable_size(sorted[i - 1].p),
		           <=, sorted[i].p);
}

MGT_TEST(random_sequences_keep_contents)
{
	heap_init();
	for (int op = 0; op < 100000; op++) {
		slot *s = &slots[below(SLOTS)];
		if (!s->p) {
			new_block(s);
		} else if (below(3) == 0) {
			resize_block(s);
		} else {
			check(s, s->size);
			mgl_free(s->p);
			s->p = NULL;
		}
		if (op % 5000 == 0) {
			check_no_overlap();
			mgl_mg__libc_heap_check();
		}
	}
	for (size_t i = 0; i < SLOTS; i++) {
		if (slots[i].p)
			check(&slots[i], slots[i].size);
		mgl_free(slots[i].p);
		slots[i].p = NULL;
	}
	mgl_mg__libc_heap_check();
	mg_libc_heap_stats st = stats();
	ASSERT_EQ(st.used_blocks, 0);
	ASSERT_EQ(st.free_blocks, 1);
	ASSERT_EQ(st.free, st.total);
	/* Everything is one block again: most of the arena in one piece. */
	void *big = mgl_malloc(st.total / 10 * 9);
	ASSERT_TRUE(big != NULL);
	memset(big, 1, st.total / 10 * 9);
	mgl_free(big);
}

/* --- out of memory --- */

static size_t oom_calls, oom_last;

static void oom_hook(size_t size)
{
	oom_calls++;
	oom_last = size;
}

MGT_TEST(out_of_memory_returns_null_and_recovers)
{
	heap_init();
	mgl_mg__libc_oom_hook = oom_hook;
	mgl_errno = 0;
	ASSERT_TRUE(mgl_malloc(ARENA) == NULL);
	ASSERT_EQ(mgl_errno, ENOMEM);
	ASSERT_EQ(oom_calls, 1);
	ASSERT_EQ(oom_last, ARENA);
	ASSERT_TRUE(mgl_malloc(SIZE_MAX) == NULL);
	ASSERT_TRUE(mgl_malloc(SIZE_MAX - 8) == NULL);
	ASSERT_TRUE(mgl_calloc(SIZE_MAX / 2, 3) == NULL);
	ASSERT_TRUE(mgl_calloc((size_t)1 << 33, (size_t)1 << 31) == NULL);
	ASSERT_TRUE(mgl_aligned_alloc(4096, ARENA) == NULL);
	ASSERT_TRUE(mgl_aligned_alloc((size_t)1 << 62, 16) == NULL);
	ASSERT_EQ(oom_calls, 7);

	/* Fill the heap with 1 KiB blocks, then all of it is usable again. */
	static void *blocks[ARENA / 1000 + 1];
	size_t n = 0;
	while ((blocks[n] = mgl_malloc(1000)) != NULL)
		memset(blocks[n++], 0xab, 1000);
	ASSERT_CMP(n, >, ARENA / 1024 * 99 / 100);
	ASSERT_EQ(mgl_errno, ENOMEM);
	void *p = NULL;
	ASSERT_EQ(mgl_posix_memalign(&p, 64, 4096), ENOMEM);
	for (size_t i = 0; i < n; i++)
		mgl_free(blocks[i]);
	mgl_mg__libc_heap_check();
	ASSERT_EQ(stats().free_blocks, 1);
	void *big = mgl_malloc(ARENA / 10 * 9);
	ASSERT_TRUE(big != NULL);
	mgl_free(big);
}

MGT_TEST(no_heap_means_no_memory)
{
	mgl_errno = 0;
	ASSERT_TRUE(mgl_malloc(1) == NULL);
	ASSERT_EQ(mgl_errno, ENOMEM);
	mgl_mg__libc_heap_init(arena, 40); /* too small for a block */
	ASSERT_TRUE(mgl_malloc(1) == NULL);
	mgl_mg__libc_heap_init(arena + 1, 200); /* unaligned: trimmed */
	void *p = mgl_malloc(1);
	ASSERT_TRUE(p != NULL && in_arena(p, 1) && (uintptr_t)p % 16 == 0);
	mgl_free(p);
}

/* --- API details --- */

MGT_TEST(malloc_edge_cases)
{
	heap_init();
	void *a = mgl_malloc(0), *b = mgl_malloc(0);
	ASSERT_TRUE(a && b && a != b);
	mgl_free(a);
	mgl_free(b);
	mgl_free(NULL);
	ASSERT_EQ(mgl_malloc_usable_size(NULL), 0);

	void *p = NULL;
	ASSERT_EQ(mgl_posix_memalign(&p, 4, 10), EINVAL);
	ASSERT_EQ(mgl_posix_memalign(&p, 24, 10), EINVAL);
	ASSERT_EQ(mgl_posix_memalign(&p, 0, 10), EINVAL);
	ASSERT_TRUE(p == NULL);
	mgl_errno = 0;
	ASSERT_TRUE(mgl_aligned_alloc(48, 10) == NULL);
	ASSERT_EQ(mgl_errno, EINVAL);
	for (size_t align = 1; align <= (1u << 20); align <<= 1) {
		unsigned char *q = mgl_aligned_alloc(align, 100);
		ASSERT_TRUE(q != NULL);
		ASSERT_EQ((uintptr_t)q % align, 0);
		memset(q, 0x5c, 100);
		mgl_free(q);
	}
	mgl_mg__libc_heap_check();
	ASSERT_EQ(stats().free_blocks, 1);
}

MGT_TEST(realloc_in_place_and_moving)
{
	heap_init();
	ASSERT_TRUE(mgl_realloc(NULL, 10) != NULL);
	unsigned char *a = mgl_malloc(1000);
	unsigned char *fence = mgl_malloc(16);
	memset(a, 3, 1000);
	/* Shrinking never moves. */
	ASSERT_TRUE(mgl_realloc(a, 100) == a);
	/* The space just given back is free: growing takes it in place. */
	ASSERT_TRUE(mgl_realloc(a, 900) == a);
	for (int i = 0; i < 100; i++)
		ASSERT_EQ(a[i], 3);
	/* Blocked by the fence: moves, keeps the contents. */
	unsigned char *b = mgl_realloc(a, 5000);
	ASSERT_TRUE(b != NULL && b != a);
	for (int i = 0; i < 100; i++)
		ASSERT_EQ(b[i], 3);
	/* realloc(p, 0) keeps a minimal block (see stdlib.h). */
	unsigned char *c = mgl_realloc(b, 0);
	ASSERT_TRUE(c == b);
	ASSERT_CMP(mgl_malloc_usable_size(c), >=, 1);
	/* A failed realloc leaves the block alone. */
	mgl_errno = 0;
	ASSERT_TRUE(mgl_realloc(c, ARENA) == NULL);
	ASSERT_EQ(mgl_errno, ENOMEM);
	ASSERT_EQ(c[0], 3);
	mgl_free(c);
	mgl_free(fence);
	mgl_mg__libc_heap_check();
}

/* --- integrity checks abort with a message --- */

static void expect_abort(void (*fn)(void *), const char *message)
{
	char out[512];
	int status = mgt_run_child(fn, NULL, out, sizeof out);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
		mgt_fail(__FILE__, __LINE__, "no abort, status %#x: %s", status,
		         out);
	ASSERT_CONTAINS(out, message);
}

static void double_free(void *arg)
{
	(void)arg;
	heap_init();
	void *p = mgl_malloc(100);
	mgl_free(p);
	mgl_free(p);
}

/* The freed block was merged into its free neighbour before the second free. */
static void double_free_after_merge(void *arg)
{
	(void)arg;
	heap_init();
	void *a = mgl_malloc(100), *b = mgl_malloc(100);
	mgl_malloc(100);
	mgl_free(a);
	mgl_free(b);
	mgl_free(b);
}

static void free_foreign(void *arg)
{
	char local[64];
	(void)arg;
	heap_init();
	mgl_free(local + 16);
}

static void free_interior(void *arg)
{
	(void)arg;
	heap_init();
	char *p = mgl_malloc(256);
	memset(p, 0, 256);
	mgl_free(p + 32);
}

static void overflow_into_next(void *arg)
{
	(void)arg;
	heap_init();
	char *p = mgl_malloc(24);
	mgl_malloc(24);
	memset(p, 0x41, mgl_malloc_usable_size(p) + 8);
	mgl_free(p);
}

static void realloc_freed(void *arg)
{
	(void)arg;
	heap_init();
	void *p = mgl_malloc(64);
	mgl_malloc(64);
	mgl_free(p);
	mgl_realloc(p, 128);
}

MGT_TEST(bad_frees_abort)
{
	expect_abort(double_free, "free: double free of 0x");
	expect_abort(double_free_after_merge, "free: double free of 0x");
	expect_abort(free_foreign, "free: invalid pointer");
	expect_abort(free_interior, "free: invalid pointer");
	expect_abort(overflow_into_next, "free: heap corrupted after block");
	expect_abort(realloc_freed, "realloc: double free of");
}
