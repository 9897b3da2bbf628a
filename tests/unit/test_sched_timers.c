/* Timers: heap order, tie-breaking, sleep accuracy, fairness to sleepers. */
#include <time.h>

#include <mg/error.h>
#include <mg/fiber.h>

#include "../../core/fiber_internal.h"
#include "../../core/timer.h"
#include "mgtest.h"

static int run_main(mg_fiber_fn fn, void *arg)
{
	mg_fiber_opts o = {.name = "main"};
	mg_fiber *m = mg_spawn(fn, arg, &o);
	ASSERT_TRUE(m != NULL);
	return mg__run(m);
}

static uint64_t host_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static unsigned lcg = 12345;

static unsigned next_rand(void)
{
	lcg = lcg * 1103515245u + 12345u;
	return lcg >> 8;
}

MGT_TEST(heap_pops_by_deadline_then_arming_order)
{
	enum { N = 2000 };
	static mg__timer t[N];
	static int armed[N];
	mg__timer_heap h = {0};
	ASSERT_EQ(mg__timer_heap_reserve(&h, N), 0);
	/* Few distinct deadlines, so that ties are common. */
	for (int round = 0; round < 20000; round++) {
		int i = (int)(next_rand() % N);
		if (armed[i]) {
			mg__timer_disarm(&h, &t[i]);
			armed[i] = 0;
		} else {
			mg__timer_arm(&h, &t[i], next_rand() % 50);
			armed[i] = 1;
		}
	}
	uint64_t last_deadline = 0, last_seq = 0;
	size_t popped = 0, expected = 0;
	for (int i = 0; i < N; i++)
		expected += (size_t)armed[i];
	ASSERT_EQ(h.n, expected);
	mg__timer *x;
	while ((x = mg__timer_pop_due(&h, UINT64_MAX)) != NULL) {
		ASSERT_TRUE(!mg__timer_armed(x));
		if (popped)
			ASSERT_TRUE(x->deadline > last_deadline ||
			            (x->deadline == last_deadline &&
			             x->seq > last_seq));
		last_deadline = x->deadline;
		last_seq = x->seq;
		popped++;
	}
	ASSERT_EQ(popped, expected);
	mg__timer_heap_fini(&h);
}

MGT_TEST(heap_pops_only_due_timers)
{
	mg__timer a = {0}, b = {0};
	mg__timer_heap h = {0};
	mg__timer_arm(&h, &a, 100);
	mg__timer_arm(&h, &b, 50);
	ASSERT_TRUE(mg__timer_min(&h) == &b);
	ASSERT_TRUE(mg__timer_pop_due(&h, 49) == NULL);
	ASSERT_TRUE(mg__timer_pop_due(&h, 50) == &b);
	ASSERT_TRUE(mg__timer_pop_due(&h, 99) == NULL);
	mg__timer_disarm(&h, &a);
	mg__timer_disarm(&h, &a); /* disarming twice is harmless */
	ASSERT_TRUE(mg__timer_min(&h) == NULL);
	mg__timer_heap_fini(&h);
}

static char order[16];
static size_t order_len;
static uint64_t shared_deadline;

/* Fiber (arg) arms its timer after yielding 4 - arg times, so fibers arm
 * in the reverse of their spawn order. */
static int tie_sleeper(void *arg)
{
	int i = (int)(intptr_t)arg;
	for (int k = 0; k < 4 - i; k++)
		mg_yield();
	ASSERT_EQ(mg_sleep_until(shared_deadline), 0);
	order[order_len++] = (char)('0' + i);
	return 0;
}

static int tie_main(void *arg)
{
	(void)arg;
	shared_deadline = mg_deadline_in(5 * MG_NS_PER_MS);
	mg_fiber *f[5];
	for (int i = 0; i < 5; i++)
		f[i] = mg_spawn(tie_sleeper, (void *)(intptr_t)i, NULL);
	for (int i = 0; i < 5; i++)
		mg_join(f[i]);
	return 0;
}

MGT_TEST(equal_deadlines_fire_in_arming_order)
{
	run_main(tie_main, NULL);
	ASSERT_STREQ(order, "43210");
}

static int ms_sleeper(void *arg)
{
	int ms = (int)(intptr_t)arg;
	mg_sleep_ns((uint64_t)ms * MG_NS_PER_MS);
	order[order_len++] = (char)('0' + ms / 10);
	return 0;
}

static int deadline_main(void *arg)
{
	(void)arg;
	mg_fiber *a = mg_spawn(ms_sleeper, (void *)30, NULL);
	mg_fiber *b = mg_spawn(ms_sleeper, (void *)10, NULL);
	mg_fiber *c = mg_spawn(ms_sleeper, (void *)20, NULL);
	mg_join(a);
	mg_join(b);
	mg_join(c);
	return 0;
}

MGT_TEST(earlier_deadlines_fire_first)
{
	run_main(deadline_main, NULL);
	ASSERT_STREQ(order, "123");
}

static int accuracy_main(void *arg)
{
	(void)arg;
	for (int i = 0; i < 5; i++) {
		uint64_t t0 = mg_now_ns(), h0 = host_ns();
		ASSERT_EQ(mg_sleep_ns(50 * MG_NS_PER_MS), 0);
		uint64_t slept = mg_now_ns() - t0, host = host_ns() - h0;
		ASSERT_CMP(slept, >=, 50 * MG_NS_PER_MS);
		ASSERT_CMP(host, >=, 50 * MG_NS_PER_MS);
		ASSERT_CMP(slept, <, 60 * MG_NS_PER_MS);
	}
	/* A deadline already past returns at once. */
	uint64_t t0 = mg_now_ns();
	ASSERT_EQ(mg_sleep_until(0), 0);
	ASSERT_EQ(mg_sleep_ns(0), 0);
	ASSERT_CMP(mg_now_ns() - t0, <, MG_NS_PER_MS);
	return 0;
}

MGT_TEST(sleeping_50ms_takes_50_to_60ms)
{
	ASSERT_EQ(run_main(accuracy_main, NULL), 0);
}

static volatile int stop_spinning;

static int spinner(void *arg)
{
	long *spins = arg;
	while (!stop_spinning) {
		(*spins)++;
		mg_yield();
	}
	return 0;
}

static int starve_main(void *arg)
{
	(void)arg;
	long spins = 0;
	mg_fiber *a = mg_spawn(spinner, &spins, NULL);
	mg_fiber *b = mg_spawn(spinner, &spins, NULL);
	uint64_t t0 = mg_now_ns();
	ASSERT_EQ(mg_sleep_ns(10 * MG_NS_PER_MS), 0);
	uint64_t late = mg_now_ns() - t0 - 10 * MG_NS_PER_MS;
	stop_spinning = 1;
	mg_join(a);
	mg_join(b);
	ASSERT_CMP(spins, >, 100);
	/*
	 * Starved, the sleeper would wake only after the spinners stop; the
	 * bound leaves room for the host preempting this process.
	 */
	ASSERT_CMP(late, <, 50 * MG_NS_PER_MS);
	return 0;
}

MGT_TEST(fibers_that_keep_yielding_do_not_starve_a_sleeper)
{
	ASSERT_EQ(run_main(starve_main, NULL), 0);
}

static int deadline_in_main(void *arg)
{
	(void)arg;
	ASSERT_EQ(mg_deadline_in(UINT64_MAX), UINT64_MAX);
	ASSERT_EQ(mg_deadline_in(UINT64_MAX - 1), UINT64_MAX);
	uint64_t now = mg_now_ns();
	uint64_t d = mg_deadline_in(MG_NS_PER_S);
	ASSERT_CMP(d, >=, now + MG_NS_PER_S);
	ASSERT_CMP(d, <, now + MG_NS_PER_S + 100 * MG_NS_PER_MS);
	return 0;
}

MGT_TEST(deadline_in_saturates)
{
	ASSERT_EQ(run_main(deadline_in_main, NULL), 0);
}

static int cancel_target(void *arg)
{
	(void)arg;
	return mg_sleep_ns(10 * MG_NS_PER_S);
}

static int cond_waiter(void *arg)
{
	return mg_cond_wait_until(arg, mg_deadline_in(10 * MG_NS_PER_S));
}

static int cancel_timer_main(void *arg)
{
	(void)arg;
	/* A cancelled sleep's timer is disarmed: nothing fires later. */
	mg_fiber *f = mg_spawn(cancel_target, NULL, NULL);
	mg_yield();
	mg_fiber_cancel(f);
	ASSERT_EQ(mg__s.timers.n, 0);
	ASSERT_EQ(mg_join(f), MG_ECANCELED);
	/* So is a timed wait's, when what it waited for came first. */
	mg_cond c = MG_COND_INIT;
	mg_fiber *w = mg_spawn(cond_waiter, &c, NULL);
	mg_yield();
	ASSERT_EQ(mg__s.timers.n, 1);
	mg_cond_signal(&c);
	ASSERT_EQ(mg__s.timers.n, 0);
	ASSERT_EQ(mg_join(w), 0);
	return 0;
}

MGT_TEST(cancelling_a_sleep_disarms_its_timer)
{
	ASSERT_EQ(run_main(cancel_timer_main, NULL), 0);
}
