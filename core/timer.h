/* Timers: a binary min-heap ordered by (deadline, arming sequence). */
#ifndef MG_CORE_TIMER_H
#define MG_CORE_TIMER_H

/*
 * The nodes are embedded in their owners (each fiber has one), so arming
 * never allocates once mg__timer_heap_reserve() has made room; the heap
 * itself is an array of node pointers. The sequence number breaks ties so
 * that equal deadlines fire in the order they were armed, which keeps the
 * scheduler deterministic.
 */

#include <stddef.h>
#include <stdint.h>

typedef struct mg__timer {
	uint64_t deadline;
	uint64_t seq;
	size_t index; /* 1 + position in the heap; 0 when not armed */
} mg__timer;

typedef struct mg__timer_heap {
	mg__timer **v;
	size_t n, cap;
	uint64_t next_seq;
} mg__timer_heap;

/* Make room for (n) armed timers. 0 or MG_ENOMEM. */
int mg__timer_heap_reserve(mg__timer_heap *h, size_t n);

/* Release the array; the heap must be empty. */
void mg__timer_heap_fini(mg__timer_heap *h);

/*
 * Arm (t), not armed, at (deadline). Aborts if there is no room: callers
 * reserve first, so that the sleep path cannot fail.
 */
void mg__timer_arm(mg__timer_heap *h, mg__timer *t, uint64_t deadline);

/* Disarm (t) if armed. */
void mg__timer_disarm(mg__timer_heap *h, mg__timer *t);

/* The earliest timer, or NULL. */
static inline mg__timer *mg__timer_min(const mg__timer_heap *h)
{
	return h->n ? h->v[0] : NULL;
}

/* Disarm and return the earliest timer if due at (now), else NULL. */
mg__timer *mg__timer_pop_due(mg__timer_heap *h, uint64_t now);

static inline int mg__timer_armed(const mg__timer *t)
{
	return t->index != 0;
}

#endif
