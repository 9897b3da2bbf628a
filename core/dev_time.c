/* The time device: sleeping on the core scheduler's timers. */
#include <mg/fiber.h>
#include <mg/time.h>

static int sched_sleep(void *self, uint64_t ns)
{
	(void)self;
	return mg_sleep_ns(ns);
}

static const mg_time_ops sched_ops = {.sleep_ns = sched_sleep};

int mg_time_sched_connect(mg_time *out)
{
	out->ops = &sched_ops;
	out->self = NULL;
	return 0;
}
