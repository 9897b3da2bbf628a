/* Scheduler internals shared by core/fiber*.c and core/sched*.c. */
#ifndef MG_CORE_FIBER_INTERNAL_H
#define MG_CORE_FIBER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mg/fiber.h>

#include "timer.h"

#if defined(__SANITIZE_ADDRESS__)
#define MG__ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MG__ASAN 1
#endif
#endif

/* A place in a wait queue (mg_cond, an I/O bucket); one per fiber. */
struct mg__waiter {
	struct mg__waiter *prev, *next;
	struct mg_waitq *q; /* NULL when not queued */
	mg_handle handle;   /* for I/O waits */
};

enum {
	MG__F_RUNNABLE,
	MG__F_RUNNING,
	MG__F_BLOCKED,
	MG__F_DONE,
};

/* What a blocked fiber waits for (the deadlock report names it). */
enum {
	MG__W_SLEEP,
	MG__W_COND,
	MG__W_IO,
	MG__W_JOIN,
};

/* mg_spawn() sets each field itself (clearing the struct costs more):
 * a new field must be set there too. */
struct mg_fiber {
	void *sp; /* saved stack pointer while switched out */
	mg_fiber *run_next;
	uint8_t state;
	uint8_t wait_kind;
	bool cancellable; /* in its current wait */
	bool cancel_pending;
	bool detached;
	int wake_result;
	struct mg__waiter w;
	mg__timer timer;
	mg_fiber *joiner;  /* the fiber waiting in mg_join/mg_pick on us */
	mg_fiber *joining; /* for the deadlock report */
	mg_fiber_fn fn;
	void *arg;
	const char *name;
	int result;
	uint64_t end_seq; /* order of ending, for mg_pick */
	void *stack;
	size_t stack_usable, stack_req;
	mg_fiber *all_prev, *all_next; /* live fibers, for the report */
#ifdef MG__ASAN
	void *asan_fake_stack;
	const void *asan_bottom;
	size_t asan_size;
#endif
};

typedef struct mg__sched {
	mg_fiber *cur;
	mg_fiber root; /* the context that called mg__run */
	mg_fiber *main;
	mg_fiber *runq_head, *runq_tail;
	unsigned picks; /* since the last look at timers and devices */
	mg__timer_heap timers;
	struct mg_waitq *io_tab; /* buckets of I/O waiters, by handle */
	unsigned io_bits;
	size_t io_waiters;
	size_t live; /* spawned and not ended */
	mg_fiber *all;
	mg_fiber *zombie; /* ended; its stack is released once off it */
	uint64_t end_seq;
} mg__sched;

extern mg__sched mg__s;

/* core/switch_<arch>.S: save callee-saved state on the current stack,
 * store the stack pointer in (*save), continue on (to). */
void mg__switch(void **save, void *to);

/* core/fiber_<arch>.c: the initial stack pointer of a fiber that will
 * start in mg__fiber_main(f) on the stack ending at (top). */
void *mg__ctx_init(void *top, mg_fiber *f);

/* core/fiber.c: the body of every fiber, entered on its own stack. */
_Noreturn void mg__fiber_main(mg_fiber *f);

/* core/fiber.c: give back a dead fiber's stack, and its struct if
 * detached. */
void mg__fiber_release(mg_fiber *f);

/* --- core/sched.c --- */

static inline void mg__runq_push(mg_fiber *f)
{
	f->state = MG__F_RUNNABLE;
	f->run_next = NULL;
	if (mg__s.runq_tail)
		mg__s.runq_tail->run_next = f;
	else
		mg__s.runq_head = f;
	mg__s.runq_tail = f;
}

/* Room in the timer heap and I/O table for (live) fibers. 0, MG_ENOMEM. */
int mg__sched_reserve(size_t live);

/*
 * Block the running fiber, queued on (q) if not NULL, with a timer at
 * (deadline) unless MG_FOREVER, until mg__sched_wake(). Returns its wake
 * result: 0, MG_ETIMEDOUT, or MG_ECANCELED (only if (cancellable)).
 */
int mg__sched_wait(struct mg_waitq *q, uint64_t deadline, int kind,
                   bool cancellable);

/* Make a blocked (f) runnable with (result); no effect otherwise. */
void mg__sched_wake(mg_fiber *f, int result);

/* Called after every switch, on the stack that was switched to. */
void mg__sched_arrived(void *fake_stack);

/* End the running fiber (already marked done). */
_Noreturn void mg__sched_exit(void);

/* The running fiber, aborting with (what) outside any fiber. */
mg_fiber *mg__sched_self(const char *what);

/* --- wait queues (FIFO) --- */

static inline void mg__waitq_push(struct mg_waitq *q, struct mg__waiter *w)
{
	w->q = q;
	w->next = NULL;
	w->prev = q->tail;
	if (q->tail)
		q->tail->next = w;
	else
		q->head = w;
	q->tail = w;
}

static inline void mg__waitq_remove(struct mg__waiter *w)
{
	struct mg_waitq *q = w->q;
	if (w->prev)
		w->prev->next = w->next;
	else
		q->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		q->tail = w->prev;
	w->q = NULL;
	w->prev = w->next = NULL;
}

static inline mg_fiber *mg__waiter_fiber(struct mg__waiter *w)
{
	return (mg_fiber *)((char *)w - offsetof(mg_fiber, w));
}

/* --- core/sched_io.c --- */

/* Wake every fiber waiting for (h). */
void mg__io_ready(mg_handle h);

/* Grow the I/O table for (live) fibers. 0 or MG_ENOMEM. */
int mg__io_reserve(size_t live);

/* The I/O table until more than 64 fibers live (static: no allocation). */
#define MG__IO_BOOT_BITS 6
extern struct mg_waitq mg__io_boot_tab[1u << MG__IO_BOOT_BITS];

#endif
