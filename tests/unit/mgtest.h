/* A small unit test framework: each test runs in its own process. */
#ifndef MGTEST_H
#define MGTEST_H

/*
 * MGT_TEST(name) { ... } defines a test. The runner (mgtest.c provides
 * main) forks one child per test with a time limit (MGT_TIMEOUT_S seconds,
 * or the environment's MGT_TIMEOUT), prints "ok NAME" or "FAIL NAME: why",
 * and ends with "N passed, N failed". Arguments select tests by substring.
 * Assertions print both values and stop the test at the first failure.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MGT_TIMEOUT_S 60

typedef struct mgt_test {
	const char *name;
	void (*fn)(void);
} mgt_test;

#define MGT_TEST(name_)                                                       \
	static void mgt_fn_##name_(void);                                     \
	static const mgt_test mgt_t_##name_ = {#name_, mgt_fn_##name_};       \
	__attribute__((used, section("mgt_tests"))) static const mgt_test     \
		*const mgt_p_##name_ = &mgt_t_##name_;                        \
	static void mgt_fn_##name_(void)

__attribute__((noreturn, format(printf, 3, 4))) void
mgt_fail(const char *file, int line, const char *fmt, ...);

#define ASSERT_TRUE(c)                                                        \
	do {                                                                  \
		if (!(c))                                                     \
			mgt_fail(__FILE__, __LINE__, "%s is false", #c);      \
	} while (0)

#define ASSERT_EQ(a, b)                                                       \
	do {                                                                  \
		long long mgt_a = (long long)(a), mgt_b = (long long)(b);     \
		if (mgt_a != mgt_b)                                           \
			mgt_fail(__FILE__, __LINE__,                          \
				 "%s == %s: %lld != %lld", #a, #b, mgt_a,     \
				 mgt_b);                                      \
	} while (0)

#define ASSERT_NE(a, b)                                                       \
	do {                                                                  \
		long long mgt_a = (long long)(a), mgt_b = (long long)(b);     \
		if (mgt_a == mgt_b)                                           \
			mgt_fail(__FILE__, __LINE__, "%s != %s: both %lld",   \
				 #a, #b, mgt_a);                              \
	} while (0)

#define ASSERT_CMP(a, op, b)                                                  \
	do {                                                                  \
		long long mgt_a = (long long)(a), mgt_b = (long long)(b);     \
		if (!(mgt_a op mgt_b))                                        \
			mgt_fail(__FILE__, __LINE__, "%s %s %s: %lld vs %lld", \
				 #a, #op, #b, mgt_a, mgt_b);                  \
	} while (0)

#define ASSERT_STREQ(a, b)                                                    \
	do {                                                                  \
		const char *mgt_a = (a), *mgt_b = (b);                        \
		if (!mgt_a || !mgt_b || strcmp(mgt_a, mgt_b) != 0)            \
			mgt_fail(__FILE__, __LINE__,                          \
				 "%s == %s: \"%s\" != \"%s\"", #a, #b,        \
				 mgt_a ? mgt_a : "(null)",                    \
				 mgt_b ? mgt_b : "(null)");                   \
	} while (0)

#define ASSERT_CONTAINS(hay, needle)                                          \
	do {                                                                  \
		const char *mgt_h = (hay), *mgt_n = (needle);                 \
		if (!mgt_h || !strstr(mgt_h, mgt_n))                          \
			mgt_fail(__FILE__, __LINE__,                          \
				 "%s does not contain \"%s\": \"%s\"", #hay,  \
				 mgt_n, mgt_h ? mgt_h : "(null)");            \
	} while (0)

#define ASSERT_MEMEQ(a, b, n)                                                 \
	do {                                                                  \
		if (memcmp((a), (b), (n)) != 0)                               \
			mgt_fail(__FILE__, __LINE__, "%s and %s differ", #a,  \
				 #b);                                         \
	} while (0)

/*
 * Run (fn)(arg) in a child process with its stdout and stderr captured into
 * (out, outlen) (NUL-terminated, cut if longer). Returns the raw wait
 * status (use WIFEXITED/WEXITSTATUS/WIFSIGNALED). For tests of code that
 * must exit or abort.
 */
int mgt_run_child(void (*fn)(void *), void *arg, char *out, size_t outlen);

#endif
