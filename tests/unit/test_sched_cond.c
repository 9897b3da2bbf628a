/* Condition variables: FIFO wakeups, broadcast, timeouts, cancellation. */
#include <mg/error.h>
#include <mg/fiber.h>

#include "mgtest.h"

static char trace[64];
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

static mg_cond cond = MG_COND_INIT;

static int cond_waiter(void *arg)
{
	int r = mg_cond_wait(&cond);
	note(arg);
	return r;
}

static int cond_main(void *arg)
{
	(void)arg;
	mg_fiber *f[4];
	const char *names[4] = {"1", "2", "3", "4"};
	for (int i = 0; i < 4; i++)
		f[i] = mg_spawn(cond_waiter, (void *)names[i], NULL);
	mg_yield(); /* all four wait now, in spawn order */
	mg_cond_signal(&cond);
	mg_yield();
	note("|");
	mg_cond_signal(&cond);
	mg_cond_signal(&cond);
	mg_yield();
	note("|");
	mg_cond_broadcast(&cond);
	mg_cond_broadcast(&cond); /* nobody left: no effect */
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(mg_join(f[i]), 0);
	mg_cond_signal(&cond); /* no waiter: a no-op */

	uint64_t t0 = mg_now_ns();
	ASSERT_EQ(mg_cond_wait_until(&cond, mg_deadline_in(5 * MG_NS_PER_MS)),
	          MG_ETIMEDOUT);
	ASSERT_CMP(mg_now_ns() - t0, >=, 5 * MG_NS_PER_MS);
	ASSERT_EQ(mg_cond_wait_until(&cond, 0), MG_ETIMEDOUT);
	ASSERT_TRUE(cond.q.head == NULL);
	return 0;
}

MGT_TEST(cond_wakes_waiters_in_fifo_order)
{
	ASSERT_EQ(run_main(cond_main, NULL), 0);
	ASSERT_STREQ(trace, "1|23|4");
}

static int cancelled_waiter(void *arg)
{
	mg_cond *c = arg;
	int r = mg_cond_wait(c);
	/* Out of the queue: a signal now goes to the next waiter. */
	return r;
}

static int cond_cancel_main(void *arg)
{
	(void)arg;
	mg_cond c;
	mg_cond_init(&c);
	mg_fiber *a = mg_spawn(cancelled_waiter, &c, NULL);
	mg_fiber *b = mg_spawn(cancelled_waiter, &c, NULL);
	mg_yield();
	mg_fiber_cancel(a);
	mg_cond_signal(&c);
	ASSERT_EQ(mg_join(a), MG_ECANCELED);
	ASSERT_EQ(mg_join(b), 0);
	ASSERT_TRUE(c.q.head == NULL && c.q.tail == NULL);
	return 0;
}

MGT_TEST(a_cancelled_waiter_leaves_the_queue)
{
	ASSERT_EQ(run_main(cond_cancel_main, NULL), 0);
}
