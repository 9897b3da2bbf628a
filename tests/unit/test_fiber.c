/* Fibers: ordering, join, pick, cancellation, scale, crashes. */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include <mg/error.h>
#include <mg/fiber.h>
#include <mg/platform_unix.h>

#include "mgtest.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#else
#define SANITIZED 0
#endif

/* A trace of events, to check orders against expected strings. */
static char trace[256];
static size_t trace_len;

static void note(const char *s)
{
	while (*s && trace_len < sizeof trace - 1)
		trace[trace_len++] = *s++;
	trace[trace_len] = 0;
}

static int run_main(mg_fiber_fn fn, void *arg)
{
	mg_fiber_opts o = {.name = "main"};
	mg_fiber *m = mg_spawn(fn, arg, &o);
	ASSERT_TRUE(m != NULL);
	return mg__run(m);
}

static int note_fn(void *arg)
{
	note(arg);
	return 0;
}

static int fifo_main(void *arg)
{
	(void)arg;
	mg_fiber *f[3];
	f[0] = mg_spawn(note_fn, "A", NULL);
	f[1] = mg_spawn(note_fn, "B", NULL);
	f[2] = mg_spawn(note_fn, "C", NULL);
	note("m");
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(mg_join(f[i]), 0);
	note("j");
	return 5;
}

MGT_TEST(spawned_fibers_run_in_fifo_order_after_the_spawner_waits)
{
	ASSERT_EQ(run_main(fifo_main, NULL), 5);
	ASSERT_STREQ(trace, "mABCj");
}

static int yielder(void *arg)
{
	const char *name = arg;
	for (int i = 1; i <= 3; i++) {
		char ev[3] = {name[0], (char)('0' + i), 0};
		note(ev);
		mg_yield();
	}
	return 0;
}

static int yield_main(void *arg)
{
	(void)arg;
	mg_fiber *a = mg_spawn(yielder, "a", NULL);
	mg_fiber *b = mg_spawn(yielder, "b", NULL);
	mg_fiber *c = mg_spawn(yielder, "c", NULL);
	mg_join(a);
	mg_join(b);
	mg_join(c);
	return 0;
}

MGT_TEST(yield_interleaves_runnable_fibers_round_robin)
{
	run_main(yield_main, NULL);
	ASSERT_STREQ(trace, "a1b1c1a2b2c2a3b3c3");
}

static int ret_arg(void *arg)
{
	return (int)(intptr_t)arg;
}

static int sleep_then_ret(void *arg)
{
	int ms = (int)(intptr_t)arg;
	int r = mg_sleep_ns((uint64_t)ms * MG_NS_PER_MS);
	return r == 0 ? ms : r;
}

static int join_main(void *arg)
{
	(void)arg;
	mg_fiber *f = mg_spawn(ret_arg, (void *)42, NULL);
	ASSERT_EQ(mg_join(f), 42);
	/* Joining a fiber that ended before the join. */
	f = mg_spawn(ret_arg, (void *)-7, NULL);
	mg_yield();
	ASSERT_EQ(mg_join(f), -7);
	ASSERT_EQ(mg_join(mg_self()), MG_EDEADLK);
	ASSERT_EQ(mg_join(NULL), MG_EINVAL);
	/* A join that times out leaves the fiber joinable. */
	f = mg_spawn(sleep_then_ret, (void *)60, NULL);
	uint64_t t0 = mg_now_ns();
	ASSERT_EQ(mg_join_until(f, mg_deadline_in(10 * MG_NS_PER_MS)),
	          MG_ETIMEDOUT);
	ASSERT_CMP(mg_now_ns() - t0, >=, 10 * MG_NS_PER_MS);
	ASSERT_EQ(mg_join_until(f, MG_FOREVER), 60);
	return 0;
}

MGT_TEST(join_returns_values_and_join_until_times_out)
{
	ASSERT_EQ(run_main(join_main, NULL), 0);
}

static int results[8];

/* Sleeps (arg) ms and records what the sleep returned. */
static int recorder(void *arg)
{
	int i = (int)(intptr_t)arg;
	int r = mg_sleep_ns((uint64_t)(i + 1) * 10 * MG_NS_PER_MS);
	results[i] = r == 0 ? 1 : r;
	return 100 + i;
}

static int pick_main(void *arg)
{
	(void)arg;
	/* Deliberately not in deadline order. */
	mg_fiber *f[3] = {mg_spawn(recorder, (void *)2, NULL),
	                  mg_spawn(recorder, (void *)0, NULL),
	                  mg_spawn(recorder, (void *)1, NULL)};
	int v = 0;
	ASSERT_EQ(mg_pick(f, 3, MG_FOREVER, &v), 1);
	ASSERT_EQ(v, 100);
	ASSERT_EQ(results[0], 1);
	ASSERT_EQ(results[1], MG_ECANCELED);
	ASSERT_EQ(results[2], MG_ECANCELED);

	memset(results, 0, sizeof results);
	mg_fiber *g[2] = {mg_spawn(recorder, (void *)5, NULL),
	                  mg_spawn(recorder, (void *)6, NULL)};
	uint64_t t0 = mg_now_ns();
	ASSERT_EQ(mg_pick(g, 2, mg_deadline_in(15 * MG_NS_PER_MS), &v),
	          MG_ETIMEDOUT);
	ASSERT_CMP(mg_now_ns() - t0, >=, 15 * MG_NS_PER_MS);
	ASSERT_EQ(results[5], MG_ECANCELED);
	ASSERT_EQ(results[6], MG_ECANCELED);

	/* Among fibers that already ended, the first to end wins. */
	mg_fiber *h[3] = {mg_spawn(ret_arg, (void *)1, NULL),
	                  mg_spawn(ret_arg, (void *)2, NULL),
	                  mg_spawn(ret_arg, (void *)3, NULL)};
	mg_yield();
	ASSERT_EQ(mg_pick(h + 1, 2, MG_FOREVER, &v), 0);
	ASSERT_EQ(v, 2);
	ASSERT_EQ(mg_join(h[0]), 1);
	return 0;
}

MGT_TEST(pick_returns_the_first_to_end_and_cancels_the_others)
{
	ASSERT_EQ(run_main(pick_main, NULL), 0);
}

static int picker(void *arg)
{
	(void)arg;
	mg_fiber *f[2] = {mg_spawn(recorder, (void *)3, NULL),
	                  mg_spawn(recorder, (void *)4, NULL)};
	int r = mg_pick(f, 2, MG_FOREVER, NULL);
	/* The request was used up: this wait proceeds. */
	return r * 10 + mg_sleep_ns(1);
}

static int pick_cancel_main(void *arg)
{
	(void)arg;
	mg_fiber *p = mg_spawn(picker, NULL, NULL);
	mg_yield();
	mg_fiber_cancel(p);
	ASSERT_EQ(mg_join(p), MG_ECANCELED * 10);
	ASSERT_EQ(results[3], MG_ECANCELED);
	ASSERT_EQ(results[4], MG_ECANCELED);
	mg_fiber *none[1] = {NULL};
	ASSERT_EQ(mg_pick(none, 1, MG_FOREVER, NULL), MG_EINVAL);
	ASSERT_EQ(mg_pick(none, 0, MG_FOREVER, NULL), MG_EINVAL);
	mg_fiber *me[1] = {mg_self()};
	ASSERT_EQ(mg_pick(me, 1, MG_FOREVER, NULL), MG_EDEADLK);
	return 0;
}

MGT_TEST(a_cancelled_pick_cancels_and_joins_every_fiber)
{
	ASSERT_EQ(run_main(pick_cancel_main, NULL), 0);
}

static int forever_sleeper(void *arg)
{
	(void)arg;
	int first = mg_sleep_until(MG_FOREVER);
	/* Cancellation is one-shot: the next wait proceeds. */
	int second = mg_sleep_ns(MG_NS_PER_MS);
	return first * 100 + second;
}

static int joiner_of(void *arg)
{
	return mg_join(arg);
}

static int cancel_main(void *arg)
{
	(void)arg;
	/* Cancelled while blocked. */
	mg_fiber *f = mg_spawn(forever_sleeper, NULL, NULL);
	mg_yield();
	mg_fiber_cancel(f);
	mg_fiber_cancel(f); /* idempotent */
	ASSERT_EQ(mg_join(f), MG_ECANCELED * 100);
	/* Cancelled before it first ran: its first wait returns at once. */
	f = mg_spawn(forever_sleeper, NULL, NULL);
	mg_fiber_cancel(f);
	ASSERT_EQ(mg_join(f), MG_ECANCELED * 100);
	/* A cancelled join leaves its target joinable. */
	mg_fiber *target = mg_spawn(forever_sleeper, NULL, NULL);
	mg_fiber *j = mg_spawn(joiner_of, target, NULL);
	mg_yield();
	mg_fiber_cancel(j);
	ASSERT_EQ(mg_join(j), MG_ECANCELED);
	mg_fiber_cancel(target);
	ASSERT_EQ(mg_join(target), MG_ECANCELED * 100);
	/* Cancelling oneself: the next blocking call sees it. */
	mg_fiber_cancel(mg_self());
	mg_yield(); /* not a cancellation point */
	ASSERT_EQ(mg_sleep_ns(MG_NS_PER_S), MG_ECANCELED);
	return 0;
}

MGT_TEST(cancel_makes_the_current_or_next_blocking_call_fail)
{
	ASSERT_EQ(run_main(cancel_main, NULL), 0);
}

static long counter;

static int count_and_yield(void *arg)
{
	(void)arg;
	counter++;
	mg_yield();
	return 1;
}

static int many_main(void *arg)
{
	(void)arg;
	static mg_fiber *f[1000];
	for (int round = 0; round < 100; round++) {
		for (int i = 0; i < 1000; i++) {
			f[i] = mg_spawn(count_and_yield, NULL, NULL);
			ASSERT_TRUE(f[i] != NULL);
		}
		for (int i = 0; i < 1000; i++)
			ASSERT_EQ(mg_join(f[i]), 1);
	}
	/* Detached fibers clean up after themselves. */
	mg_fiber_opts det = {.name = "detached", .detached = 1};
	for (int i = 0; i < 1000; i++)
		ASSERT_TRUE(mg_spawn(count_and_yield, NULL, &det) != NULL);
	mg_sleep_ns(MG_NS_PER_MS);
	return 0;
}

MGT_TEST(a_hundred_thousand_fibers_spawn_and_finish)
{
	ASSERT_EQ(run_main(many_main, NULL), 0);
	ASSERT_EQ(counter, 101000);
}

static int spawn_join_main(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100000; i++)
		ASSERT_EQ(mg_join(mg_spawn(ret_arg, (void *)(intptr_t)i, NULL)),
		          i);
	return 0;
}

MGT_TEST(spawn_and_join_of_100000_fibers_is_fast)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(run_main(spawn_join_main, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	          (t1.tv_nsec - t0.tv_nsec) / 1000000;
	/* Sanitizers poison and check every stack byte. */
	ASSERT_CMP(ms, <, SANITIZED ? 3000 : 500);
}

static int name_fn(void *arg)
{
	ASSERT_STREQ(mg_fiber_name(mg_self()), arg);
	ASSERT_STREQ(mg__fiber_current_name(), arg);
	return 0;
}

static int big_frame(void *arg)
{
	size_t n = (size_t)(intptr_t)arg;
	volatile char buf[200 * 1024];
	memset((char *)buf, 1, n);
	return buf[n - 1];
}

static int misc_main(void *arg)
{
	(void)arg;
	ASSERT_STREQ(mg_fiber_name(mg_self()), "main");
	mg_fiber_opts o = {.name = "worker"};
	ASSERT_EQ(mg_join(mg_spawn(name_fn, "worker", &o)), 0);
	ASSERT_EQ(mg_join(mg_spawn(name_fn, "fiber", NULL)), 0);
	/* A requested stack size is honoured. */
	mg_fiber_opts big = {.name = "big", .stack_size = 256 * 1024};
	ASSERT_EQ(mg_join(mg_spawn(big_frame, (void *)(200 * 1024), &big)), 1);
	/* A fiber left sleeping does not keep mg__run from returning. */
	mg_spawn(forever_sleeper, NULL, NULL);
	return 3;
}

MGT_TEST(names_stack_sizes_and_main_ending_early)
{
	ASSERT_TRUE(mg_self() == NULL);
	ASSERT_EQ(run_main(misc_main, NULL), 3);
	ASSERT_TRUE(mg_self() == NULL);
	/* The scheduler can run again after main ended. */
	ASSERT_EQ(run_main(misc_main, NULL), 3);
}

static int stuck_joiner(void *arg)
{
	return mg_join(arg);
}

static mg_cond cond = MG_COND_INIT;

static int deadlock_main(void *arg)
{
	(void)arg;
	mg_fiber_opts o = {.name = "sleeper"};
	mg_fiber *s = mg_spawn(forever_sleeper, NULL, &o);
	mg_fiber_opts j = {.name = "joiner"};
	mg_spawn(stuck_joiner, s, &j);
	return mg_cond_wait(&cond);
}

static void deadlock_child(void *arg)
{
	(void)arg;
	run_main(deadlock_main, NULL);
}

MGT_TEST(deadlock_aborts_with_a_report)
{
	char out[4096];
	int st = mgt_run_child(deadlock_child, NULL, out, sizeof out);
	ASSERT_TRUE(WIFSIGNALED(st));
	ASSERT_EQ(WTERMSIG(st), SIGABRT);
	ASSERT_CONTAINS(out, "deadlock");
	ASSERT_CONTAINS(out, "fiber 'main' waits on a condition");
	ASSERT_CONTAINS(out, "fiber 'sleeper' sleeps with no deadline");
	ASSERT_CONTAINS(out, "fiber 'joiner' waits to join 'sleeper'");
}

static int outside_main(void *arg)
{
	(void)arg;
	return 0;
}

static void sleep_outside_child(void *arg)
{
	(void)arg;
	mg_spawn(outside_main, NULL, NULL);
	mg_sleep_ns(1);
}

MGT_TEST(blocking_outside_a_fiber_aborts)
{
	char out[1024];
	int st = mgt_run_child(sleep_outside_child, NULL, out, sizeof out);
	ASSERT_TRUE(WIFSIGNALED(st));
	ASSERT_CONTAINS(out, "called outside a fiber");
}

/* Bounded only by a limit far beyond any stack, to keep the compiler from
 * calling it infinite. */
static int recurse(long depth, long limit)
{
	volatile char pad[512];
	pad[0] = (char)depth;
	if (depth >= limit)
		return pad[0];
	return recurse(depth + 1, limit) + pad[0];
}

static int deep_fn(void *arg)
{
	(void)arg;
	return recurse(0, 1L << 40);
}

static int overflow_main(void *arg)
{
	(void)arg;
	mg_fiber_opts o = {.name = "deep", .stack_size = 32 * 1024};
	return mg_join(mg_spawn(deep_fn, NULL, &o));
}

static void overflow_child(void *arg)
{
	(void)arg;
	run_main(overflow_main, NULL);
}

MGT_TEST(stack_overflow_is_reported_with_the_fiber_name)
{
	char out[8192];
	int st = mgt_run_child(overflow_child, NULL, out, sizeof out);
	ASSERT_TRUE(!(WIFEXITED(st) && WEXITSTATUS(st) == 0));
	/* Ours always comes first; under ASan its report follows (or, if its
	 * handler was installed last, stands alone). */
	if (strstr(out, "AddressSanitizer")) {
		ASSERT_CONTAINS(out, "stack-overflow");
	} else {
		ASSERT_TRUE(WIFSIGNALED(st));
		ASSERT_EQ(WTERMSIG(st), SIGABRT);
	}
	if (!strstr(out, "AddressSanitizer") || strstr(out, "morgana: "))
		ASSERT_CONTAINS(out, "morgana: fiber 'deep' overflowed its "
		                     "stack (32768 bytes)\n");
}

static int holder(void *arg)
{
	(void)arg;
	char *volatile p = malloc(100);
	memset(p, 1, 100);
	mg_sleep_until(MG_FOREVER);
	return p[0];
}

static int holder_main(void *arg)
{
	(void)arg;
	mg_spawn(holder, NULL, NULL);
	mg_yield();
	return 0;
}

static void exit_with_waiting_fiber(void *arg)
{
	(void)arg;
	mg_platform_exit(run_main(holder_main, NULL));
}

MGT_TEST(memory_held_by_waiting_fibers_at_exit_is_not_a_leak)
{
	/* Under LeakSanitizer (unix-san), fiber stacks must be roots. */
	char out[4096];
	int st = mgt_run_child(exit_with_waiting_fiber, NULL, out, sizeof out);
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(WEXITSTATUS(st), 0);
	ASSERT_TRUE(strstr(out, "LeakSanitizer") == NULL);
}
