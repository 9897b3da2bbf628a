/* Condition variables: FIFO queues of waiting fibers. */
#include <mg/error.h>
#include <mg/fiber.h>

#include "fiber_internal.h"

void mg_cond_init(mg_cond *c)
{
	c->q.head = c->q.tail = NULL;
}

int mg_cond_wait(mg_cond *c)
{
	return mg__sched_wait(&c->q, MG_FOREVER, MG__W_COND, true);
}

int mg_cond_wait_until(mg_cond *c, uint64_t deadline_ns)
{
	return mg__sched_wait(&c->q, deadline_ns, MG__W_COND, true);
}

void mg_cond_signal(mg_cond *c)
{
	if (c->q.head)
		mg__sched_wake(mg__waiter_fiber(c->q.head), 0);
}

void mg_cond_broadcast(mg_cond *c)
{
	/* Waking unlinks the head, so this ends even if nobody re-waits;
	 * fibers woken here cannot run (and re-wait) before it returns. */
	while (c->q.head)
		mg__sched_wake(mg__waiter_fiber(c->q.head), 0);
}
