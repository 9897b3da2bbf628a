/* Fibers: creation, ending, joining, picking, and their recycled memory. */
#include <stdio.h>
#include <stdlib.h>

#include <mg/error.h>
#include <mg/fiber.h>
#include <mg/platform.h>

#include "fiber_internal.h"

#ifdef MG__ASAN
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
/*
 * LeakSanitizer scans only the thread's own stack for pointers: memory held
 * by fibers still waiting when the unikernel exits (a server's connections)
 * would be reported as leaked. A live fiber's stack is a root too; a
 * cached one is not, so that it hides no leak of the fiber that ended.
 */
void __lsan_register_root_region(const void *p, size_t size);
void __lsan_unregister_root_region(const void *p, size_t size);
#endif

/*
 * Ended fibers leave their stack and struct here for the next spawn, so
 * that spawning is a few stores in the steady state instead of mmap,
 * mprotect, a page fault and munmap (some 15 us together). Stacks are kept
 * per requested size, linked through a node at their top, which the last
 * fiber has just used and so is resident. The caps bound what an idle
 * unikernel keeps after a burst: at least a page of each cached stack.
 */
#define STACK_CACHE_MAX 1024
#define STACK_CLASSES   8
#define FIBER_CACHE_MAX 1024

struct free_stack {
	struct free_stack *next;
	void *base;
	size_t usable;
};

static struct stack_class {
	size_t req; /* 0: unused class */
	struct free_stack *head;
} classes[STACK_CLASSES];
static size_t stacks_cached;

static mg_fiber *fiber_cache;
static size_t fiber_cached;

/*
 * The first fiber's struct (usually the unikernel's main fiber) is static:
 * one malloc less at boot, where an hvt guest on an emulated CPU pays for
 * each instruction. Once ended it is cached like any other, never freed.
 */
static mg_fiber boot_fiber;
static bool boot_fiber_taken;

static struct stack_class *class_of(size_t req, bool create)
{
	for (size_t i = 0; i < STACK_CLASSES; i++) {
		if (classes[i].req == req)
			return &classes[i];
		if (!classes[i].req && create) {
			classes[i].req = req;
			return &classes[i];
		}
	}
	return NULL;
}

static int stack_get(mg_fiber *f, size_t req)
{
	f->stack_req = req;
	/* At boot nothing is cached: skip the look-up. */
	struct stack_class *c = stacks_cached ? class_of(req, false) : NULL;
	struct free_stack *s = c ? c->head : NULL;
	if (!s)
		return mg_platform_stack_alloc(req, &f->stack,
		                               &f->stack_usable);
	c->head = s->next;
	stacks_cached--;
	f->stack = s->base;
	f->stack_usable = s->usable;
	return 0;
}

static void stack_put(void *base, size_t usable, size_t req)
{
	struct stack_class *c =
	    stacks_cached < STACK_CACHE_MAX ? class_of(req, true) : NULL;
	if (!c) {
		mg_platform_stack_free(base, usable);
		return;
	}
#ifdef MG__ASAN
	/* The stack still carries the poison of its last frames. */
	__asan_unpoison_memory_region(base, usable);
#endif
	struct free_stack *s = (struct free_stack *)((char *)base + usable) - 1;
	s->next = c->head;
	s->base = base;
	s->usable = usable;
	c->head = s;
	stacks_cached++;
}

static mg_fiber *fiber_get(void)
{
	mg_fiber *f = fiber_cache;
	if (f) {
		fiber_cache = f->run_next;
		fiber_cached--;
		return f;
	}
	if (!boot_fiber_taken) {
		boot_fiber_taken = true;
		return &boot_fiber;
	}
	return malloc(sizeof *f);
}

static void fiber_put(mg_fiber *f)
{
	if (fiber_cached < FIBER_CACHE_MAX || f == &boot_fiber) {
		f->run_next = fiber_cache;
		fiber_cache = f;
		fiber_cached++;
		return;
	}
	free(f);
}

void mg__fiber_release(mg_fiber *f)
{
	if (f->stack) {
#ifdef MG__ASAN
		__lsan_unregister_root_region(f->stack, f->stack_usable);
#endif
		stack_put(f->stack, f->stack_usable, f->stack_req);
		f->stack = NULL;
	}
	if (f->detached && f != mg__s.main)
		fiber_put(f);
}

mg_fiber *mg_spawn(mg_fiber_fn fn, void *arg, const mg_fiber_opts *opts)
{
	size_t req = opts && opts->stack_size ? opts->stack_size
	                                      : MG_FIBER_STACK_DEFAULT;
	if (mg__sched_reserve(mg__s.live + 1) != 0)
		return NULL;
	mg_fiber *f = fiber_get();
	if (!f)
		return NULL;
	if (stack_get(f, req) != 0) {
		fiber_put(f);
		return NULL;
	}
	/* Field by field: cheaper than clearing the whole struct first. */
	f->wait_kind = 0;
	f->cancellable = false;
	f->cancel_pending = false;
	f->detached = opts && opts->detached;
	f->wake_result = 0;
	f->w.prev = f->w.next = NULL;
	f->w.q = NULL;
	f->w.handle = 0;
	f->timer.index = 0;
	f->joiner = f->joining = NULL;
	f->fn = fn;
	f->arg = arg;
	f->name = opts && opts->name ? opts->name : "fiber";
	f->result = 0;
	f->end_seq = 0;
	f->all_prev = NULL;
#ifdef MG__ASAN
	__lsan_register_root_region(f->stack, f->stack_usable);
	f->asan_fake_stack = NULL;
	f->asan_bottom = f->stack;
	f->asan_size = f->stack_usable;
#endif
	f->sp = mg__ctx_init((char *)f->stack + f->stack_usable, f);
	f->all_next = mg__s.all;
	if (mg__s.all)
		mg__s.all->all_prev = f;
	mg__s.all = f;
	mg__s.live++;
	mg__runq_push(f);
	return f;
}

void mg__fiber_main(mg_fiber *f)
{
	mg__sched_arrived(NULL);
	f->result = f->fn(f->arg);
	f->state = MG__F_DONE;
	f->end_seq = ++mg__s.end_seq;
	if (f->all_prev)
		f->all_prev->all_next = f->all_next;
	else
		mg__s.all = f->all_next;
	if (f->all_next)
		f->all_next->all_prev = f->all_prev;
	mg__s.live--;
	if (f->joiner)
		mg__sched_wake(f->joiner, 0);
	mg__sched_exit();
}

const char *mg_fiber_name(const mg_fiber *f)
{
	return f && f->name ? f->name : "fiber";
}

static void check_joinable(const mg_fiber *self, const mg_fiber *f,
                           const char *what)
{
	char msg[160];
	const char *why = NULL;
	if (f->detached)
		why = "is detached";
	else if (f->joiner && f->joiner != self)
		why = "is already being joined";
	if (!why)
		return;
	snprintf(msg, sizeof msg, "morgana: %s: fiber '%s' %s", what, f->name,
	         why);
	mg_platform_abort(msg);
}

/* Collect the value of ended (f) and free it. */
static int reap(mg_fiber *f)
{
	int v = f->result;
	fiber_put(f);
	return v;
}

/* Wait for (f) to end; (cancellable) as mg__sched_wait(). */
static int wait_end(mg_fiber *self, mg_fiber *f, uint64_t deadline,
                    bool cancellable)
{
	if (f->state == MG__F_DONE)
		return 0;
	f->joiner = self;
	self->joining = f;
	int r = mg__sched_wait(NULL, deadline, MG__W_JOIN, cancellable);
	f->joiner = NULL;
	self->joining = NULL;
	return f->state == MG__F_DONE ? 0 : r;
}

int mg_join_until(mg_fiber *f, uint64_t deadline_ns)
{
	if (!f)
		return MG_EINVAL;
	mg_fiber *self = mg__s.cur;
	if (f == self)
		return MG_EDEADLK;
	check_joinable(self, f, "mg_join");
	int r = wait_end(self, f, deadline_ns, true);
	return r ? r : reap(f);
}

int mg_join(mg_fiber *f)
{
	return mg_join_until(f, MG_FOREVER);
}

/* The index of the fiber of (fibers) that ended first, or -1. */
static int first_ended(mg_fiber *const fibers[], size_t n)
{
	int best = -1;
	for (size_t i = 0; i < n; i++) {
		const mg_fiber *f = fibers[i];
		if (f->state == MG__F_DONE &&
		    (best < 0 || f->end_seq < fibers[best]->end_seq))
			best = (int)i;
	}
	return best;
}

int mg_pick(mg_fiber *const fibers[], size_t n, uint64_t deadline_ns,
            int *value)
{
	if (n == 0 || n > INT32_MAX)
		return MG_EINVAL;
	mg_fiber *self = mg__s.cur;
	for (size_t i = 0; i < n; i++) {
		if (!fibers[i])
			return MG_EINVAL;
		if (fibers[i] == self)
			return MG_EDEADLK;
		check_joinable(self, fibers[i], "mg_pick");
	}
	int r = 0;
	int won = first_ended(fibers, n);
	if (won < 0) {
		for (size_t i = 0; i < n; i++)
			fibers[i]->joiner = self;
		self->joining = fibers[0];
		r = mg__sched_wait(NULL, deadline_ns, MG__W_JOIN, true);
		self->joining = NULL;
		for (size_t i = 0; i < n; i++)
			fibers[i]->joiner = NULL;
		/* A fiber ending after the timeout or cancellation woke us
		 * does not win: the wake decided. */
		won = r == 0 ? first_ended(fibers, n) : -1;
	}
	for (size_t i = 0; i < n; i++)
		if ((int)i != won)
			mg_fiber_cancel(fibers[i]);
	for (size_t i = 0; i < n; i++) {
		if ((int)i == won)
			continue;
		/* Not cancellable: every fiber passed in is consumed. A cancel
		 * arriving now stays pending for the caller's next wait. */
		wait_end(self, fibers[i], MG_FOREVER, false);
		reap(fibers[i]);
	}
	if (won < 0)
		return r;
	int v = reap(fibers[won]);
	if (value)
		*value = v;
	return won;
}
