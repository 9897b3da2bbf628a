/* timers: fibers that sleep and wake in order, then a timer races a condition.
 */
#include <stdbool.h>

#include <mg/mg.h>

#include "mg_app.h"

static mg_console *out;
static mg_time *sleeper_time;

typedef struct sleeper {
	const char *name;
	uint64_t ms;
} sleeper;

static int sleeper_run(void *arg)
{
	const sleeper *s = arg;
	int rc = mg_time_sleep_ns(sleeper_time, s->ms * MG_NS_PER_MS);
	if (rc < 0)
		return rc;
	mg_console_printf(out, "%s woke after %d ms\n", s->name, (int)s->ms);
	return 0;
}

/* The race: a timer against a fiber waiting for a condition. */
static mg_cond cond = MG_COND_INIT;
static bool signalled;

static int timer_run(void *arg)
{
	(void)arg;
	int rc = mg_time_sleep_ns(sleeper_time,
	                          (uint64_t)mg_keys.timeout * MG_NS_PER_MS);
	return rc < 0 ? rc : 1;
}

static int waiter_run(void *arg)
{
	(void)arg;
	while (!signalled) {
		int rc = mg_cond_wait(&cond);
		if (rc < 0)
			return rc; /* cancelled: the timer won */
	}
	return 2;
}

static int signaller_run(void *arg)
{
	(void)arg;
	mg_time_sleep_ns(sleeper_time,
	                 (uint64_t)mg_keys.signal_after * MG_NS_PER_MS);
	signalled = true;
	mg_cond_signal(&cond);
	return 0;
}

static int race(void)
{
	mg_fiber *signaller = mg_spawn(signaller_run, NULL,
	                               &(mg_fiber_opts){.name = "signaller"});
	mg_fiber *racers[2] = {
	    mg_spawn(timer_run, NULL, &(mg_fiber_opts){.name = "timer"}),
	    mg_spawn(waiter_run, NULL, &(mg_fiber_opts){.name = "waiter"}),
	};
	if (!signaller || !racers[0] || !racers[1]) {
		mg_console_printf(out, "out of memory\n");
		return 1;
	}
	int value = 0;
	int winner = mg_pick(racers, 2, MG_FOREVER, &value);
	if (winner < 0) {
		mg_console_printf(out, "pick failed: %s\n",
		                  mg_strerror(winner));
		return 1;
	}
	mg_console_printf(out, "race: the %s won (value %d)\n",
	                  winner == 0 ? "timer" : "condition", value);
	mg_join(signaller);
	return 0;
}

int timers_start(mg_console *console, mg_time *time)
{
	out = console;
	sleeper_time = time;

	/* Spawned in one order, they wake in the order of their sleeps. */
	static const sleeper sleepers[] = {
	    {"slow", 30}, {"fast", 10}, {"medium", 20}};
	mg_fiber *f[3];
	for (int i = 0; i < 3; i++) {
		f[i] = mg_spawn(sleeper_run, (void *)&sleepers[i],
		                &(mg_fiber_opts){.name = sleepers[i].name});
		if (!f[i]) {
			mg_console_printf(out, "out of memory\n");
			return 1;
		}
	}
	int failed = 0;
	for (int i = 0; i < 3; i++)
		failed |= mg_join(f[i]) != 0;
	mg_console_printf(out, "all sleepers woke\n");
	return failed | race();
}
