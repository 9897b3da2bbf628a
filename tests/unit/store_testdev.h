/* A memory device for the store's tests that can crash: after its Nth
 * write, writes fail, vanish, tear, or were cached and land out of order. */
#ifndef STORE_TESTDEV_H
#define STORE_TESTDEV_H

/*
 * The device keeps what reads see (cur), what a crash would keep at the
 * last flush (flushed), and the writes since then (pending). crash_image()
 * builds what the disk holds if the power goes out at the crash point:
 *   TD_FAIL     writes after the Nth return MG_EIO and do nothing;
 *   TD_DROP     they return 0 and reach nothing durable (a lying disk);
 *   TD_TEAR     write N+1 reaches the disk in part: some sectors new,
 *               others old, one of them a mix of both bytewise;
 *   TD_REORDER  writes are cached until a flush: the disk holds the last
 *               flush plus any subset of the sectors written since,
 *               write N+1 included (what mg/block.h allows).
 * In every mode writes 1..N complete normally. crash_op is the value of
 * (op) when write N+1 was issued (-1 if it never was).
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>

#include "../../storage/store/store.h"

#define TD_UNUSED __attribute__((unused))

enum { TD_NONE, TD_FAIL, TD_DROP, TD_TEAR, TD_REORDER };

typedef struct td_write {
	uint64_t off;
	size_t len;
	uint8_t *data;
	bool torn; /* write N+1 in TD_TEAR */
} td_write;

typedef struct tdev {
	uint8_t *cur, *flushed;
	uint64_t cap;
	uint32_t sector;
	int mode;
	long crash_after; /* N; -1: never */
	long writes, flushes, reads;
	long op, crash_op;
	bool crashed;
	td_write *pending;
	size_t npending, cap_pending;
	uint64_t rng;
} tdev;

static TD_UNUSED uint64_t td_rand(uint64_t *s)
{
	/* xorshift64*: fine for choosing which sectors survive. */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static TD_UNUSED void td_init(tdev *d, uint32_t sector, uint64_t cap)
{
	memset(d, 0, sizeof *d);
	d->cur = calloc(1, cap);
	d->flushed = calloc(1, cap);
	d->cap = cap;
	d->sector = sector;
	d->crash_after = -1;
	d->crash_op = -1;
	d->rng = 0x9e3779b97f4a7c15ull;
}

/* Start from (image) as the durable contents. */
static TD_UNUSED void td_load(tdev *d, const uint8_t *image)
{
	memcpy(d->cur, image, d->cap);
	memcpy(d->flushed, image, d->cap);
}

static TD_UNUSED void td_free(tdev *d)
{
	for (size_t i = 0; i < d->npending; i++)
		free(d->pending[i].data);
	free(d->pending);
	free(d->cur);
	free(d->flushed);
	memset(d, 0, sizeof *d);
}

static TD_UNUSED int td_read(void *self, uint64_t off, void *buf, size_t len)
{
	tdev *d = self;
	if (len % d->sector || off % d->sector || off > d->cap ||
	    len > d->cap - off)
		abort(); /* the store broke the device contract */
	d->reads++;
	memcpy(buf, d->cur + off, len);
	return 0;
}

static TD_UNUSED void td_pend(tdev *d, uint64_t off, const void *buf,
                              size_t len, bool torn)
{
	if (d->npending == d->cap_pending) {
		d->cap_pending = d->cap_pending ? d->cap_pending * 2 : 16;
		d->pending =
		    realloc(d->pending, d->cap_pending * sizeof *d->pending);
	}
	td_write *w = &d->pending[d->npending++];
	w->off = off;
	w->len = len;
	w->data = malloc(len);
	memcpy(w->data, buf, len);
	w->torn = torn;
}

static TD_UNUSED int td_write_fn(void *self, uint64_t off, const void *buf,
                                 size_t len)
{
	tdev *d = self;
	if (len % d->sector || off % d->sector || off > d->cap ||
	    len > d->cap - off || len == 0)
		abort();
	long n = ++d->writes;
	if (d->crash_after >= 0 && n > d->crash_after) {
		if (n == d->crash_after + 1) {
			d->crash_op = d->op;
			d->crashed = true;
			if (d->mode == TD_TEAR || d->mode == TD_REORDER)
				td_pend(d, off, buf, len, d->mode == TD_TEAR);
		}
		if (d->mode == TD_FAIL)
			return MG_EIO;
		/* seen by reads, durable nowhere */
		memcpy(d->cur + off, buf, len);
		return 0;
	}
	memcpy(d->cur + off, buf, len);
	td_pend(d, off, buf, len, false);
	return 0;
}

static TD_UNUSED int td_flush(void *self)
{
	tdev *d = self;
	d->flushes++;
	if (d->crashed) {
		return d->mode == TD_FAIL ? MG_EIO : 0;
	}
	for (size_t i = 0; i < d->npending; i++) {
		td_write *w = &d->pending[i];
		memcpy(d->flushed + w->off, w->data, w->len);
		free(w->data);
	}
	d->npending = 0;
	return 0;
}

/*
 * What the disk holds after the power goes out at the crash point. In
 * TD_REORDER, (variant) picks which cached writes landed: 0 any sectors
 * at random, 1 only the last write, 2 all but the first, 3 every other
 * write (the adversarial cases of a later write landing, an earlier not).
 */
static TD_UNUSED uint8_t *td_crash_image(tdev *d, int variant)
{
	uint8_t *img = malloc(d->cap);
	memcpy(img, d->flushed, d->cap);
	for (size_t i = 0; i < d->npending; i++) {
		td_write *w = &d->pending[i];
		size_t ns = w->len / d->sector;
		size_t mixed = (size_t)(td_rand(&d->rng) % ns);
		bool whole = variant == 1   ? i + 1 == d->npending
		             : variant == 2 ? i > 0
		                            : (i % 2) == 1;
		for (size_t k = 0; k < ns; k++) {
			uint8_t *dst = img + w->off + k * d->sector;
			const uint8_t *src = w->data + k * d->sector;
			bool keep = d->mode != TD_REORDER && !w->torn;
			if (!keep && d->mode == TD_REORDER && variant)
				keep = whole;
			else if (!keep)
				keep = td_rand(&d->rng) & 1;
			if (w->torn && k == mixed) {
				/* a sector that got only some of its bytes */
				for (uint32_t b = 0; b < d->sector; b++)
					if (td_rand(&d->rng) & 1)
						dst[b] = src[b];
				continue;
			}
			if (keep)
				memcpy(dst, src, d->sector);
		}
	}
	return img;
}

static TD_UNUSED mg__store_dev td_dev(tdev *d)
{
	return (mg__store_dev){
	    .self = d,
	    .read = td_read,
	    .write = td_write_fn,
	    .flush = td_flush,
	    .capacity = d->cap,
	    .sector_size = d->sector,
	    .read_only = false,
	};
}

/* A fixed clock, so that modification times are predictable. */
static TD_UNUSED uint64_t td_clock(void *ctx)
{
	uint64_t *t = ctx;
	return (*t)++;
}

#endif
