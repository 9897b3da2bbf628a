/* The freestanding libc's strtol family, qsort, ctype, setjmp and exits. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../../libc/host/mgl.h"
#include "mgtest.h"

static uint64_t rng_state = 0x853c49e6748fea9bull;

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

/* --- strtol family --- */

static void random_number_text(char *s, size_t cap, int base)
{
	const char *junk = " \t\n\v\f\r+-0xXgGzZ19aAfF.";
	const char *digits = "0123456789abcdefghijklmnopqrstuvwxyz";
	size_t n = 0;
	while (below(3) == 0 && n < 4)
		s[n++] = " \t\n"[below(3)];
	if (below(2))
		s[n++] = "+-"[below(2)];
	if (below(3) == 0) {
		s[n++] = '0';
		if (below(2))
			s[n++] = "xX"[below(2)];
	}
	size_t ndigits = below(4) ? below(12) : below(cap - n - 8);
	int span = base ? base : 16;
	for (size_t i = 0; i < ndigits; i++) {
		char d = digits[below((size_t)span)];
		s[n++] = below(2) ? d : (char)toupper(d);
	}
	while (below(2) && n < cap - 2)
		s[n++] = junk[below(strlen(junk))];
	s[n] = 0;
}

#define CHECK_STRTO(ours, theirs, s, base)                                     \
	do {                                                                   \
		char *eo = NULL, *et = NULL;                                   \
		mgl_errno = 0;                                                 \
		errno = 0;                                                     \
		unsigned long long vo =                                        \
		    (unsigned long long)ours(s, &eo, base);                    \
		unsigned long long vt =                                        \
		    (unsigned long long)theirs(s, &et, base);                  \
		if (vo != vt || mgl_errno != errno || eo != et)                \
			mgt_fail(__FILE__, __LINE__,                           \
			         #ours "(\"%s\", %d): %llx errno %d end %td, " \
			               "glibc %llx errno %d end %td",          \
			         s, base, vo, mgl_errno, eo - s, vt, errno,    \
			         et - s);                                      \
	} while (0)

MGT_TEST(strtol_family_random_against_glibc)
{
	char s[96];
	for (int iter = 0; iter < 100000; iter++) {
		int base = below(4) == 0 ? 0 : 2 + (int)below(35);
		random_number_text(s, sizeof s, base);
		CHECK_STRTO(mgl_strtol, strtol, s, base);
		CHECK_STRTO(mgl_strtoll, strtoll, s, base);
		CHECK_STRTO(mgl_strtoul, strtoul, s, base);
		CHECK_STRTO(mgl_strtoull, strtoull, s, base);
	}
}

MGT_TEST(strtol_edges)
{
	static const char *const cases[] = {
	    "9223372036854775807",
	    "9223372036854775808",
	    "-9223372036854775808",
	    "-9223372036854775809",
	    "18446744073709551615",
	    "18446744073709551616",
	    "-18446744073709551615",
	    "-18446744073709551616",
	    "0x7fffffffffffffff",
	    "-0x8000000000000000",
	    "0xffffffffffffffff",
	    "0x10000000000000000",
	    "",
	    "   ",
	    "-",
	    "+",
	    "0x",
	    "0xg",
	    "-0x",
	    "0X1A",
	    "017",
	    "08",
	    "0",
	    "  -0",
	    "99999999999999999999999999999999999999x",
	    "zzzzzzzzzzzzzzzzzzzzzzzz",
	};
	const int bases[] = {0, 2, 8, 10, 16, 36};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		for (size_t b = 0; b < sizeof bases / sizeof *bases; b++) {
			CHECK_STRTO(mgl_strtol, strtol, cases[i], bases[b]);
			CHECK_STRTO(mgl_strtoul, strtoul, cases[i], bases[b]);
			CHECK_STRTO(mgl_strtoll, strtoll, cases[i], bases[b]);
			CHECK_STRTO(mgl_strtoull, strtoull, cases[i], bases[b]);
		}
	ASSERT_EQ(mgl_strtol("12", NULL, 10), 12);
	ASSERT_EQ(mgl_strtoimax("-5", NULL, 10), -5);
	ASSERT_EQ(mgl_strtoumax("ff", NULL, 16), 255);
	ASSERT_EQ(mgl_atoi(" -42x"), -42);
	ASSERT_EQ(mgl_atol("123456789012"), 123456789012L);
	ASSERT_EQ(mgl_atoll("-7"), -7);
}

MGT_TEST(strtol_bad_base)
{
	const char *s = " 12";
	char *end = (char *)s + 2;
	mgl_errno = 0;
	ASSERT_EQ(mgl_strtol(s, &end, 1), 0);
	ASSERT_EQ(mgl_errno, EINVAL);
	ASSERT_TRUE(end == s);
	mgl_errno = 0;
	ASSERT_EQ(mgl_strtoull(s, NULL, 37), 0);
	ASSERT_EQ(mgl_errno, EINVAL);
}

/* --- qsort and bsearch --- */

typedef struct item {
	uint32_t key;
	uint32_t id;
	char pad[4]; /* 12 bytes: not whole words, swapped bytewise */
} item;

static long comparisons;

static int cmp_item(const void *a, const void *b)
{
	const item *x = a, *y = b;
	comparisons++;
	return (x->key > y->key) - (x->key < y->key);
}

static uint32_t pattern_key(int pattern, size_t i, size_t n)
{
	switch (pattern) {
	case 0:
		return (uint32_t)rnd();
	case 1:
		return (uint32_t)i; /* sorted */
	case 2:
		return (uint32_t)(n - i); /* reversed */
	case 3:
		return 7; /* all equal */
	case 4:
		return (uint32_t)below(4); /* few distinct */
	case 5:
		return (uint32_t)(i < n / 2 ? i : n - i); /* organ pipe */
	default:
		return (uint32_t)(i % 16); /* sawtooth */
	}
}

/* Sort with every pattern and check: ordered, and each id once with its key. */
static void check_qsort(size_t n)
{
	item *a = malloc((n ? n : 1) * sizeof *a);
	uint32_t *key_of = malloc((n ? n : 1) * sizeof *key_of);
	char *seen = malloc(n ? n : 1);
	for (int pattern = 0; pattern < 7; pattern++) {
		for (size_t i = 0; i < n; i++) {
			a[i] = (item){
			    pattern_key(pattern, i, n), (uint32_t)i, {0}};
			key_of[i] = a[i].key;
		}
		mgl_qsort(a, n, sizeof *a, cmp_item);
		memset(seen, 0, n ? n : 1);
		for (size_t i = 0; i < n; i++) {
			if (i)
				ASSERT_CMP(a[i - 1].key, <=, a[i].key);
			ASSERT_CMP(a[i].id, <, n);
			ASSERT_EQ(seen[a[i].id], 0);
			seen[a[i].id] = 1;
			ASSERT_EQ(a[i].key, key_of[a[i].id]);
		}
	}
	free(a);
	free(key_of);
	free(seen);
}

MGT_TEST(qsort_patterns_and_sizes)
{
	const size_t sizes[] = {0, 1, 2, 3, 15, 16, 17, 18, 100, 1000, 100000};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
		check_qsort(sizes[i]);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

MGT_TEST(qsort_words_match_glibc)
{
	size_t n = 50000;
	uint64_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
	for (size_t i = 0; i < n; i++)
		a[i] = b[i] = rnd() % 1000;
	mgl_qsort(a, n, sizeof *a, cmp_u64);
	qsort(b, n, sizeof *b, cmp_u64);
	ASSERT_MEMEQ(a, b, n * sizeof *a);
	for (size_t i = 0; i < 2000; i++) {
		uint64_t key = rnd() % 1100;
		uint64_t *f = mgl_bsearch(&key, a, n, sizeof *a, cmp_u64);
		uint64_t *g = bsearch(&key, a, n, sizeof *a, cmp_u64);
		ASSERT_EQ(f != NULL, g != NULL);
		if (f)
			ASSERT_EQ(*f, key);
	}
	free(a);
	free(b);
}

/*
 * McIlroy's adversary ("A Killer Adversary for Quicksort", 1999): values
 * are fixed lazily, always against the pivot the sort seems to use, which
 * drives any plain quicksort quadratic. Introsort must stay n log n.
 */
static int *adv_val;
static int adv_gas, adv_solid, adv_candidate;

static int cmp_adversary(const void *px, const void *py)
{
	int x = *(const int *)px, y = *(const int *)py;
	comparisons++;
	if (adv_val[x] == adv_gas && adv_val[y] == adv_gas)
		adv_val[x == adv_candidate ? x : y] = adv_solid++;
	if (adv_val[x] == adv_gas)
		adv_candidate = x;
	else if (adv_val[y] == adv_gas)
		adv_candidate = y;
	return (adv_val[x] > adv_val[y]) - (adv_val[x] < adv_val[y]);
}

MGT_TEST(qsort_adversary_stays_n_log_n)
{
	int n = 200000;
	int *idx = malloc((size_t)n * sizeof *idx);
	adv_val = malloc((size_t)n * sizeof *adv_val);
	adv_gas = n;
	adv_solid = 0;
	adv_candidate = 0;
	for (int i = 0; i < n; i++) {
		idx[i] = i;
		adv_val[i] = adv_gas;
	}
	comparisons = 0;
	mgl_qsort(idx, (size_t)n, sizeof *idx, cmp_adversary);
	/* 2 n log2 n for the quicksort levels, as much again for heapsort */
	ASSERT_CMP(comparisons, <, 5L * n * 18);
	free(idx);
	free(adv_val);
}

/* --- ctype, small functions --- */

MGT_TEST(ctype_matches_c_locale)
{
	for (int c = -1; c < 256; c++) {
		ASSERT_EQ(!!mgl_isalnum(c), !!isalnum(c));
		ASSERT_EQ(!!mgl_isalpha(c), !!isalpha(c));
		ASSERT_EQ(!!mgl_isblank(c), !!isblank(c));
		ASSERT_EQ(!!mgl_iscntrl(c), !!iscntrl(c));
		ASSERT_EQ(!!mgl_isdigit(c), !!isdigit(c));
		ASSERT_EQ(!!mgl_isgraph(c), !!isgraph(c));
		ASSERT_EQ(!!mgl_islower(c), !!islower(c));
		ASSERT_EQ(!!mgl_isprint(c), !!isprint(c));
		ASSERT_EQ(!!mgl_ispunct(c), !!ispunct(c));
		ASSERT_EQ(!!mgl_isspace(c), !!isspace(c));
		ASSERT_EQ(!!mgl_isupper(c), !!isupper(c));
		ASSERT_EQ(!!mgl_isxdigit(c), !!isxdigit(c));
		ASSERT_EQ(mgl_tolower(c), tolower(c));
		ASSERT_EQ(mgl_toupper(c), toupper(c));
	}
}

MGT_TEST(small_functions)
{
	ASSERT_EQ(mgl_abs(-3), 3);
	ASSERT_EQ(mgl_labs(-30000000000L), 30000000000L);
	ASSERT_EQ(mgl_llabs(LLONG_MIN + 1), LLONG_MAX);
	ASSERT_EQ(mgl_imaxabs(-9), 9);
	ASSERT_TRUE(mgl_getenv("PATH") == NULL);
	mgl_srand(7);
	int first[4];
	for (int i = 0; i < 4; i++) {
		first[i] = mgl_rand();
		ASSERT_CMP(first[i], >=, 0);
	}
	ASSERT_NE(first[0], first[1]);
	mgl_srand(7);
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(mgl_rand(), first[i]);
}

/* --- setjmp and longjmp --- */

static mgl_jmp_buf jump_env;

static void __attribute__((noinline)) jump_from_depth(int depth, int val)
{
	if (depth < 0)
		return;
	if (depth)
		jump_from_depth(depth - 1, val);
	mgl_longjmp(jump_env, val);
}

MGT_TEST(setjmp_longjmp)
{
	volatile int visits = 0;
	long kept = 12345; /* lives in a callee-saved register, or the frame */
	int r = mgl_setjmp(jump_env);
	visits++;
	ASSERT_EQ(kept, 12345);
	if (r == 0)
		jump_from_depth(100, 0); /* 0 arrives as 1 */
	if (r == 1) {
		ASSERT_EQ(visits, 2);
		jump_from_depth(3, 42);
	}
	ASSERT_EQ(r, 42);
	ASSERT_EQ(visits, 3);
}

/* --- ways out: each in a child, checked by message and signal --- */

static void expect_abort(void (*fn)(void *), const char *message)
{
	char out[512];
	int status = mgt_run_child(fn, NULL, out, sizeof out);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
		mgt_fail(__FILE__, __LINE__, "no abort, status %#x: %s", status,
		         out);
	ASSERT_CONTAINS(out, message);
}

static void call_abort(void *arg)
{
	(void)arg;
	mgl_abort();
}

static void call_exit(void *arg)
{
	(void)arg;
	mgl_exit(7);
}

/* The library's assert.h, its function renamed like the rest. */
#define mg__libc_assert_fail mgl_mg__libc_assert_fail
#include "../../libc/include/assert.h"

static void failing_assert(void *arg)
{
	int x = arg == NULL ? 1 : 2;
	assert(x > 1);
}

#define NDEBUG
#include "../../libc/include/assert.h"

static void disabled_assert(void *arg)
{
	(void)arg;
	assert(0 == 1);
}

/*
 * qsort's frame holds an address-taken local, so -fstack-protector-strong
 * guards it: changing the global canary while it runs must make its
 * epilogue check fail.
 */
static int cmp_changing_canary(const void *a, const void *b)
{
	mgl___stack_chk_guard = 0x5a5a5a5a; /* differs from the initial value */
	return memcmp(a, b, 1);
}

static void smash(void *arg)
{
	char v[4] = "dcba";
	(void)arg;
	mgl_qsort(v, 4, 1, cmp_changing_canary);
}

MGT_TEST(abort_exit_assert_canary)
{
	expect_abort(call_abort, "abort() called");
	int status = mgt_run_child(call_exit, NULL, NULL, 0);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 7);
	expect_abort(failing_assert, "assertion failed: x > 1 (");
	expect_abort(failing_assert, "test_libc_stdlib.c:");
	status = mgt_run_child(disabled_assert, NULL, NULL, 0);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	expect_abort(smash, "stack smashing detected");
}
