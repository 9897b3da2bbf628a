/* Timers: a binary min-heap ordered by (deadline, arming sequence). */
#include "timer.h"

#include <stdlib.h>

#include <mg/error.h>
#include <mg/platform.h>

static int earlier(const mg__timer *a, const mg__timer *b)
{
	if (a->deadline != b->deadline)
		return a->deadline < b->deadline;
	return a->seq < b->seq;
}

static void place(mg__timer_heap *h, size_t i, mg__timer *t)
{
	h->v[i] = t;
	t->index = i + 1;
}

static void sift_up(mg__timer_heap *h, size_t i, mg__timer *t)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!earlier(t, h->v[parent]))
			break;
		place(h, i, h->v[parent]);
		i = parent;
	}
	place(h, i, t);
}

static void sift_down(mg__timer_heap *h, size_t i, mg__timer *t)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && earlier(h->v[c + 1], h->v[c]))
			c++;
		if (!earlier(h->v[c], t))
			break;
		place(h, i, h->v[c]);
		i = c;
	}
	place(h, i, t);
}

int mg__timer_heap_reserve(mg__timer_heap *h, size_t n)
{
	if (n <= h->cap)
		return 0;
	size_t cap = h->cap ? h->cap : 64;
	while (cap < n)
		cap *= 2;
	mg__timer **v = realloc(h->v, cap * sizeof *v);
	if (!v)
		return MG_ENOMEM;
	h->v = v;
	h->cap = cap;
	return 0;
}

void mg__timer_heap_fini(mg__timer_heap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

void mg__timer_arm(mg__timer_heap *h, mg__timer *t, uint64_t deadline)
{
	if (h->n == h->cap && mg__timer_heap_reserve(h, h->n + 1) != 0)
		mg_platform_abort("morgana: out of memory arming a timer");
	t->deadline = deadline;
	t->seq = h->next_seq++;
	sift_up(h, h->n++, t);
}

void mg__timer_disarm(mg__timer_heap *h, mg__timer *t)
{
	if (!t->index)
		return;
	size_t i = t->index - 1;
	t->index = 0;
	mg__timer *last = h->v[--h->n];
	if (last == t)
		return;
	/* The last node moves into the hole, then goes whichever way it must.
	 */
	if (i > 0 && earlier(last, h->v[(i - 1) / 2]))
		sift_up(h, i, last);
	else
		sift_down(h, i, last);
}

mg__timer *mg__timer_pop_due(mg__timer_heap *h, uint64_t now)
{
	if (!h->n || h->v[0]->deadline > now)
		return NULL;
	mg__timer *t = h->v[0];
	mg__timer_disarm(h, t);
	return t;
}
