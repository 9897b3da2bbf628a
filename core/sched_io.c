/* Fibers waiting for device handles: a hash table of FIFO wait queues. */
#include <stdlib.h>

#include <mg/error.h>
#include <mg/fiber.h>

#include "fiber_internal.h"

/*
 * A bucket per live fiber or so (there is one wait per fiber at most), so
 * chains stay short. The table grows at spawn time, never in mg_io_wait,
 * so waiting does not allocate.
 */
#define IO_MIN_BITS MG__IO_BOOT_BITS

/* The first table is static (mg__s starts with it): spawning at boot
 * allocates nothing for it. */
struct mg_waitq mg__io_boot_tab[(size_t)1 << MG__IO_BOOT_BITS];

static size_t bucket_of(mg_handle h, unsigned bits)
{
	return (size_t)((h * 0x9e3779b97f4a7c15ull) >> (64 - bits));
}

int mg__io_reserve(size_t live)
{
	unsigned bits = mg__s.io_bits ? mg__s.io_bits : IO_MIN_BITS;
	while (((size_t)1 << bits) < live)
		bits++;
	if (mg__s.io_tab && bits == mg__s.io_bits)
		return 0;
	struct mg_waitq *tab = calloc((size_t)1 << bits, sizeof *tab);
	if (!tab)
		return MG_ENOMEM;
	/* Moving bucket by bucket keeps each handle's waiters in order. */
	for (size_t i = 0; mg__s.io_tab && i < ((size_t)1 << mg__s.io_bits);
	     i++) {
		struct mg__waiter *w;
		while ((w = mg__s.io_tab[i].head) != NULL) {
			mg__waitq_remove(w);
			mg__waitq_push(&tab[bucket_of(w->handle, bits)], w);
		}
	}
	if (mg__s.io_tab != mg__io_boot_tab)
		free(mg__s.io_tab);
	mg__s.io_tab = tab;
	mg__s.io_bits = bits;
	return 0;
}

void mg__io_ready(mg_handle h)
{
	struct mg_waitq *q = &mg__s.io_tab[bucket_of(h, mg__s.io_bits)];
	struct mg__waiter *w = q->head, *next;
	for (; w; w = next) {
		next = w->next;
		if (w->handle == h)
			mg__sched_wake(mg__waiter_fiber(w), 0);
	}
}

int mg_io_wait(mg_handle h, uint64_t deadline_ns)
{
	mg_fiber *self = mg__sched_self("mg_io_wait");
	self->w.handle = h;
	return mg__sched_wait(&mg__s.io_tab[bucket_of(h, mg__s.io_bits)],
	                      deadline_ns, MG__W_IO, true);
}
