/* Fibers and the cooperative scheduler. */
#ifndef MG_FIBER_H
#define MG_FIBER_H

/*
 * A unikernel runs on one core. Fibers run one at a time, each until it
 * waits (a timer, a condition, device readiness, a join) or calls
 * mg_yield(). When no fiber can run, the scheduler calls the platform's
 * mg_platform_yield() with the earliest timer deadline.
 *
 * Determinism: given the same sequence of clock readings and device
 * readiness, fibers run in the same order. Runnable fibers run in FIFO
 * order of becoming runnable; timers with equal deadlines fire in the
 * order they were armed. Fibers that keep yielding do not starve the
 * others: every 64 switches the scheduler also fires due timers and polls
 * the devices that fibers wait for.
 *
 * Cancellation is cooperative: mg_fiber_cancel() makes the target's current
 * or next blocking call (mg_sleep*, mg_cond_wait*, mg_io_wait, mg_join*,
 * mg_pick; mg_yield excluded) return MG_ECANCELED; the fiber is expected to
 * clean up and return. A request is used up by the call it fails, so the
 * clean-up can itself wait (join its own fibers, say).
 *
 * Blocking calls (and mg_yield) MUST be made from a fiber: outside one
 * they abort. A deadline already past makes a timed wait return
 * MG_ETIMEDOUT (mg_sleep_until: 0) at once, without yielding.
 */

#include <stddef.h>
#include <stdint.h>

#include <mg/platform.h>

typedef struct mg_fiber mg_fiber;

/* A fiber's body. Its return value is what mg_join() returns. */
typedef int (*mg_fiber_fn)(void *arg);

/* Default usable stack size of a fiber, in bytes. (core/boot.c gives the
 * application's fiber "main" 256 KiB.) A fiber that overflows its stack
 * stops the unikernel with a report naming it. */
#define MG_FIBER_STACK_DEFAULT (64 * 1024)

typedef struct mg_fiber_opts {
	const char *name;  /* for logs and crash reports; static storage */
	size_t stack_size; /* 0: MG_FIBER_STACK_DEFAULT */
	int detached;      /* reclaimed when it ends; cannot be joined */
} mg_fiber_opts;

/*
 * Create a fiber running (fn)(arg), runnable after the fibers already
 * runnable. Returns NULL only when out of memory. (opts) may be NULL.
 * A fiber that is not detached MUST be joined, or its memory leaks.
 */
mg_fiber *mg_spawn(mg_fiber_fn fn, void *arg, const mg_fiber_opts *opts);

/*
 * Wait for (f) to end; returns its value (and frees it). MG_ECANCELED if
 * the caller is cancelled while waiting (f stays joinable), MG_EDEADLK if
 * (f) is the caller, MG_EINVAL if (f) is NULL. Aborts if (f) is detached
 * or another fiber is joining it.
 */
int mg_join(mg_fiber *f);

/* As mg_join(), MG_ETIMEDOUT at monotonic (deadline_ns). */
int mg_join_until(mg_fiber *f, uint64_t deadline_ns);

/*
 * Wait for the first of (n) fibers to end (of several that had already
 * ended, the one that ended first). The others are cancelled and joined
 * before returning. Stores the winner's value in (*value) when non-NULL
 * and returns its index. If (deadline_ns) passes first, all are cancelled
 * and joined and MG_ETIMEDOUT returned; likewise MG_ECANCELED if the caller
 * is cancelled while waiting. Every fiber passed in is consumed, so the
 * call waits for the cancelled ones to return. MG_EINVAL if (n) is 0 or a
 * fiber is NULL, MG_EDEADLK if one is the caller (nothing consumed then).
 */
int mg_pick(mg_fiber *const fibers[], size_t n, uint64_t deadline_ns,
	    int *value);

/* Request cancellation of (f) (see above). Idempotent: requests made
 * before the fiber has seen the first one count once. No effect on a
 * fiber that has ended; NULL is ignored. */
void mg_fiber_cancel(mg_fiber *f);

/* The running fiber; NULL outside any fiber. */
mg_fiber *mg_self(void);

/* The name given at spawn ("fiber" if none). */
const char *mg_fiber_name(const mg_fiber *f);

/* Let every other runnable fiber run once, then continue. */
void mg_yield(void);

/* Sleep until monotonic (deadline_ns). 0 or MG_ECANCELED. */
int mg_sleep_until(uint64_t deadline_ns);

/* Sleep for (ns). 0 or MG_ECANCELED. */
int mg_sleep_ns(uint64_t ns);

/* Monotonic time now, in ns (the platform clock). */
uint64_t mg_now_ns(void);

/* Turn a relative timeout into a deadline, saturating at UINT64_MAX. */
uint64_t mg_deadline_in(uint64_t ns);

#define MG_NS_PER_MS 1000000ull
#define MG_NS_PER_S 1000000000ull
#define MG_FOREVER UINT64_MAX

/*
 * Condition variable. Fibers waiting on it wake in FIFO order. There is no
 * mutex: fibers are cooperative, so a fiber that checks a predicate and
 * waits cannot be interrupted between the two.
 */
typedef struct mg_cond {
	struct mg_waitq {
		struct mg__waiter *head, *tail;
	} q;
} mg_cond;

#define MG_COND_INIT {{0, 0}}

void mg_cond_init(mg_cond *c);

/* Wait for a signal. 0, or MG_ECANCELED. */
int mg_cond_wait(mg_cond *c);

/* As mg_cond_wait(); MG_ETIMEDOUT at monotonic (deadline_ns). */
int mg_cond_wait_until(mg_cond *c, uint64_t deadline_ns);

/* Wake the longest waiting fiber, if any. */
void mg_cond_signal(mg_cond *c);

/* Wake every waiting fiber. */
void mg_cond_broadcast(mg_cond *c);

/*
 * Wait until the platform reports (h) ready or (deadline_ns) passes.
 * 0 when ready, MG_ETIMEDOUT, or MG_ECANCELED. Every fiber waiting on (h)
 * wakes, in the order they began to wait. A readiness report that no fiber
 * waits for is dropped: the owner of a handle checks its device before
 * waiting (on unix host descriptors are edge-triggered: mg/platform_unix.h).
 */
int mg_io_wait(mg_handle h, uint64_t deadline_ns);

/*
 * Run the scheduler until fiber (main) ends, then return its value; (main)
 * is consumed as by mg_join(). Used by core/boot.c and by unit tests; an
 * application never calls it, and calling it from a fiber aborts. Fibers
 * still alive when (main) ends are left as they are (the unikernel exits;
 * a test may call mg__run again). Aborts with a report naming the
 * waiting fibers if every fiber waits with no timer and no device (a
 * deadlock that no event can end).
 */
int mg__run(mg_fiber *main);

#endif
