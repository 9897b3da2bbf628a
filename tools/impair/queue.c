/* impair: the fate of each frame and the queue of one direction. */
#include <stdlib.h>
#include <string.h>

#include "impair.h"

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna), seeded through splitmix64. */
static uint64_t next(imp_dir *d)
{
	uint64_t *s = d->rng;
	uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

static double uniform(imp_dir *d)
{
	return (double)(next(d) >> 11) * 0x1.0p-53;
}

void imp_dir_init(imp_dir *d, const imp_conf *conf, uint64_t seed,
                  unsigned dir_id)
{
	memset(d, 0, sizeof(*d));
	d->conf = *conf;
	uint64_t x = seed ^ (0x9e3779b97f4a7c15ull * (dir_id + 1));
	for (int i = 0; i < 4; i++) {
		uint64_t z = (x += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		d->rng[i] = z ^ (z >> 31);
	}
}

/* Insert (f) by (due_ns, seq), from the tail: frames mostly come in order. */
static void enqueue(imp_dir *d, imp_frame *f)
{
	f->seq = d->seq++;
	imp_frame *p = d->tail;
	while (p && p->due_ns > f->due_ns)
		p = p->prev;
	f->prev = p;
	f->next = p ? p->next : d->head;
	if (f->next)
		f->next->prev = f;
	else
		d->tail = f;
	if (p)
		p->next = f;
	else
		d->head = f;
	d->queued++;
}

static imp_frame *copy(const void *data, size_t len, uint64_t due)
{
	imp_frame *f = malloc(sizeof(*f) + len);
	if (!f)
		return NULL;
	memset(f, 0, sizeof(*f));
	f->due_ns = due;
	f->len = len;
	memcpy(f->data, data, len);
	return f;
}

void imp_dir_input(imp_dir *d, const void *data, size_t len, uint64_t now_ns)
{
	const imp_conf *c = &d->conf;
	d->st.in++;
	/* Every frame draws the same numbers, whatever happens to it, so
	 * the n-th frame's fate depends on the seed alone. */
	double lose = uniform(d), dup = uniform(d), hold = uniform(d);
	uint64_t jit = next(d);
	if (lose < c->loss) {
		d->st.lost++;
		return;
	}
	uint64_t due = now_ns + c->delay_ns;
	if (c->jitter_ns)
		due += jit % (c->jitter_ns + 1);
	int copies = dup < c->dup ? 2 : 1;
	for (int i = 0; i < copies; i++) {
		if (d->queued + (d->held != NULL) >= c->limit) {
			d->st.overflow++;
			continue;
		}
		imp_frame *f = copy(data, len, due);
		if (!f) {
			d->st.failed++;
			continue;
		}
		if (i)
			d->st.duplicated++;
		if (i == 0 && hold < c->reorder && !d->held) {
			/* Sent after the next frame, or when it waited long
			 * enough for one. */
			f->due_ns = due + c->hold_ns;
			d->held = f;
			d->st.reordered++;
			continue;
		}
		enqueue(d, f);
		if (d->held && d->held != f) {
			imp_frame *h = d->held;
			uint64_t own = h->due_ns - c->hold_ns;
			d->held = NULL;
			h->due_ns = own > due ? own : due;
			enqueue(d, h);
		}
	}
}

imp_frame *imp_dir_next(imp_dir *d, uint64_t now_ns)
{
	if (d->held && d->held->due_ns <= now_ns &&
	    (!d->head || d->held->due_ns < d->head->due_ns)) {
		imp_frame *h = d->held;
		d->held = NULL;
		return h;
	}
	imp_frame *f = d->head;
	if (!f || f->due_ns > now_ns)
		return NULL;
	d->head = f->next;
	if (d->head)
		d->head->prev = NULL;
	else
		d->tail = NULL;
	d->queued--;
	f->next = f->prev = NULL;
	return f;
}

uint64_t imp_dir_deadline(const imp_dir *d)
{
	uint64_t t = d->head ? d->head->due_ns : UINT64_MAX;
	if (d->held && d->held->due_ns < t)
		t = d->held->due_ns;
	return t;
}

void imp_dir_free(imp_dir *d)
{
	while (d->head) {
		imp_frame *f = d->head;
		d->head = f->next;
		free(f);
	}
	free(d->held);
	d->held = NULL;
	d->tail = NULL;
	d->queued = 0;
}
