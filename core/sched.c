/* The scheduler: run queue, context switches, waiting, timers, idling. */
#include <stdio.h>
#include <string.h>

#include <mg/error.h>
#include <mg/fiber.h>
#include <mg/platform.h>

#include "fiber_internal.h"

#ifdef MG__ASAN
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom,
                                    size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save,
                                     const void **bottom_old, size_t *size_old);
#endif

/*
 * After this many fibers taken from the run queue, timers and devices are
 * looked at even though fibers are still runnable, so that fibers that
 * keep yielding cannot starve sleepers and I/O. It keeps the clock read
 * (and, when fibers wait for devices, the non-blocking poll) off the
 * switch path.
 */
#define PICKS_PER_LOOK 64

/* Handles taken from one mg_platform_yield(). */
#define READY_MAX 64

#ifdef MG__ASAN
static mg_fiber *switched_from;
#endif

/*
 * The timer heap's first slots are static, so that spawning the first
 * fibers at boot allocates nothing for it (an hvt guest whose CPU is
 * emulated pays for every instruction of a realloc). Past them the heap
 * moves to the heap allocator (mg__sched_reserve).
 */
#define BOOT_TIMERS 64
static mg__timer *boot_timers[BOOT_TIMERS];

mg__sched mg__s = {
    .cur = &mg__s.root,
    .root = {.name = "(no fiber)", .state = MG__F_RUNNING},
    .timers = {.v = boot_timers, .cap = BOOT_TIMERS},
    .io_tab = mg__io_boot_tab,
    .io_bits = MG__IO_BOOT_BITS,
};

mg_fiber *mg__sched_self(const char *what)
{
	if (mg__s.cur == &mg__s.root) {
		char msg[128];
		snprintf(msg, sizeof msg, "morgana: %s called outside a fiber",
		         what);
		mg_platform_abort(msg);
	}
	return mg__s.cur;
}

mg_fiber *mg_self(void)
{
	return mg__s.cur == &mg__s.root ? NULL : mg__s.cur;
}

const char *mg__fiber_current_name(void)
{
	return mg__s.cur->name;
}

uint64_t mg_now_ns(void)
{
	return mg_platform_monotonic_ns();
}

uint64_t mg_deadline_in(uint64_t ns)
{
	uint64_t now = mg_platform_monotonic_ns();
	return ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
}

int mg__sched_reserve(size_t live)
{
	/* The heap needs a slot per fiber; the I/O table grows in the same
	 * steps only to keep its chains short, so the heap's room decides. */
	if (live <= mg__s.timers.cap && mg__s.io_tab)
		return 0;
	int r = 0;
	if (live > mg__s.timers.cap && mg__s.timers.v == boot_timers) {
		/* Out of the static slots: realloc() cannot take those. */
		mg__timer_heap grown = {0};
		r = mg__timer_heap_reserve(&grown, live);
		if (r != 0)
			return r;
		memcpy(grown.v, boot_timers, mg__s.timers.n * sizeof *grown.v);
		mg__s.timers.v = grown.v;
		mg__s.timers.cap = grown.cap;
	}
	r = mg__timer_heap_reserve(&mg__s.timers, live);
	if (r == 0)
		r = mg__io_reserve(live);
	return r;
}

void mg__sched_arrived(void *fake_stack)
{
#ifdef MG__ASAN
	/* The root stack's extent is learnt when it is first left. */
	const void *bottom;
	size_t size;
	__sanitizer_finish_switch_fiber(fake_stack, &bottom, &size);
	if (switched_from == &mg__s.root) {
		mg__s.root.asan_bottom = bottom;
		mg__s.root.asan_size = size;
	}
#else
	(void)fake_stack;
#endif
	mg_fiber *z = mg__s.zombie;
	if (z) {
		mg__s.zombie = NULL;
		mg__fiber_release(z);
	}
}

static void switch_to(mg_fiber *next)
{
	mg_fiber *self = mg__s.cur;
	next->state = MG__F_RUNNING;
	if (next == self)
		return;
	mg__s.cur = next;
#ifdef MG__ASAN
	switched_from = self;
	/* A fiber that ended passes NULL so that ASan drops its fake stack. */
	__sanitizer_start_switch_fiber(
	    self->state == MG__F_DONE ? NULL : &self->asan_fake_stack,
	    next->asan_bottom, next->asan_size);
	mg__switch(&self->sp, next->sp);
	mg__sched_arrived(self->asan_fake_stack);
#else
	mg__switch(&self->sp, next->sp);
	mg__sched_arrived(NULL);
#endif
}

static const char *wait_what(const mg_fiber *f)
{
	switch (f->wait_kind) {
	case MG__W_SLEEP:
		return "sleeps with no deadline";
	case MG__W_COND:
		return "waits on a condition";
	case MG__W_IO:
		return "waits for a device";
	default:
		return "waits to join";
	}
}

/* Nothing can ever run again: say who waits for what, then stop. */
static _Noreturn void deadlock(void)
{
	char msg[2048];
	size_t used = 0, shown = 0;
	used +=
	    (size_t)snprintf(msg, sizeof msg,
	                     "morgana: deadlock: no fiber can run, no timer "
	                     "is armed and no fiber waits for a device");
	for (mg_fiber *f = mg__s.all; f && used < sizeof msg; f = f->all_next) {
		if (f->state != MG__F_BLOCKED)
			continue;
		if (++shown > 16) {
			snprintf(msg + used, sizeof msg - used, "\n  ...");
			break;
		}
		int n = snprintf(
		    msg + used, sizeof msg - used, "\n  fiber '%s' %s%s%s%s",
		    f->name, wait_what(f),
		    f->wait_kind == MG__W_JOIN ? " '" : "",
		    f->wait_kind == MG__W_JOIN && f->joining ? f->joining->name
		                                             : "",
		    f->wait_kind == MG__W_JOIN ? "'" : "");
		used += (size_t)n;
	}
	mg_platform_abort(msg);
}

static void fire_timers(uint64_t now)
{
	mg__timer *t;
	while ((t = mg__timer_pop_due(&mg__s.timers, now)) != NULL) {
		mg_fiber *f =
		    (mg_fiber *)((char *)t - offsetof(mg_fiber, timer));
		mg__sched_wake(f, MG_ETIMEDOUT);
	}
}

/*
 * Look at devices and timers; with (block), wait for the first event when
 * nothing is runnable. Devices before timers: a fiber whose handle became
 * ready as its deadline passed gets the data rather than a timeout.
 */
static void look_around(bool block)
{
	uint64_t deadline = 0;
	mg__timer *first = mg__timer_min(&mg__s.timers);
	if (block) {
		if (first)
			deadline = first->deadline;
		else if (mg__s.io_waiters)
			deadline = MG_FOREVER;
		else
			deadlock();
	}
	if (block || mg__s.io_waiters) {
		mg_handle ready[READY_MAX];
		size_t n = 0;
		mg_platform_yield(deadline, ready, READY_MAX, &n);
		for (size_t i = 0; i < n && i < READY_MAX; i++)
			mg__io_ready(ready[i]);
	}
	if (mg__s.timers.n)
		fire_timers(mg_platform_monotonic_ns());
}

/* Run the next runnable fiber; returns when the caller runs again. */
static void schedule(void)
{
	for (;;) {
		if (mg__s.runq_head) {
			if (++mg__s.picks >= PICKS_PER_LOOK) {
				mg__s.picks = 0;
				look_around(false);
			}
			mg_fiber *next = mg__s.runq_head;
			mg__s.runq_head = next->run_next;
			if (!mg__s.runq_head)
				mg__s.runq_tail = NULL;
			switch_to(next);
			return;
		}
		mg__s.picks = 0;
		look_around(true);
	}
}

void mg__sched_wake(mg_fiber *f, int result)
{
	if (f->state != MG__F_BLOCKED)
		return;
	if (f->w.q) {
		mg__waitq_remove(&f->w);
		if (f->wait_kind == MG__W_IO)
			mg__s.io_waiters--;
	}
	mg__timer_disarm(&mg__s.timers, &f->timer);
	f->wake_result = result;
	mg__runq_push(f);
}

int mg__sched_wait(struct mg_waitq *q, uint64_t deadline, int kind,
                   bool cancellable)
{
	mg_fiber *self = mg__sched_self("a blocking call");
	if (cancellable && self->cancel_pending) {
		self->cancel_pending = false;
		return MG_ECANCELED;
	}
	if (deadline != MG_FOREVER) {
		if (deadline <= mg_platform_monotonic_ns())
			return MG_ETIMEDOUT;
		mg__timer_arm(&mg__s.timers, &self->timer, deadline);
	}
	if (q) {
		mg__waitq_push(q, &self->w);
		if (kind == MG__W_IO)
			mg__s.io_waiters++;
	}
	self->wait_kind = (uint8_t)kind;
	self->cancellable = cancellable;
	self->state = MG__F_BLOCKED;
	schedule();
	return self->wake_result;
}

void mg_fiber_cancel(mg_fiber *f)
{
	if (!f || f->state == MG__F_DONE)
		return;
	if (f->state == MG__F_BLOCKED && f->cancellable)
		mg__sched_wake(f, MG_ECANCELED);
	else if (!(f->state == MG__F_RUNNABLE &&
	           f->wake_result == MG_ECANCELED))
		f->cancel_pending = true; /* unless woken by one, not yet run */
}

void mg__sched_exit(void)
{
	mg_fiber *self = mg__s.cur;
	mg__s.zombie = self;
	if (self == mg__s.main)
		switch_to(&mg__s.root);
	else
		schedule();
	mg_platform_abort("morgana: an ended fiber was resumed");
}

void mg_yield(void)
{
	mg_fiber *self = mg__sched_self("mg_yield");
	self->wake_result = 0;
	mg__runq_push(self);
	schedule();
}

int mg_sleep_until(uint64_t deadline_ns)
{
	int r = mg__sched_wait(NULL, deadline_ns, MG__W_SLEEP, true);
	return r == MG_ETIMEDOUT ? 0 : r;
}

int mg_sleep_ns(uint64_t ns)
{
	return mg_sleep_until(mg_deadline_in(ns));
}

int mg__run(mg_fiber *main)
{
	if (mg__s.cur != &mg__s.root)
		mg_platform_abort("morgana: mg__run called inside a fiber");
	if (!main)
		mg_platform_abort("morgana: mg__run without a main fiber");
	mg__s.main = main;
	while (main->state != MG__F_DONE)
		schedule();
	mg__s.main = NULL;
	int result = main->result;
	/* As mg_join would: main is consumed. */
	main->detached = true;
	mg__fiber_release(main);
	return result;
}
