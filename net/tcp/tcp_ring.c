/* Byte rings of the send and receive buffers, and sequence range sets. */
#include <string.h>

#include <mg/error.h>

#include "tcp_int.h"

static void *tcp_alloc(mg_tcpcore *t, size_t n)
{
	return t->cfg.alloc(t->cfg.ctx, n);
}

int mg__ring_alloc(mg_tcpcore *t, mg__ring *r, uint32_t cap)
{
	uint8_t *b = tcp_alloc(t, cap);
	if (!b)
		return MG_ENOMEM;
	r->buf = b;
	r->cap = cap;
	r->head = 0;
	r->len = 0;
	return 0;
}

void mg__ring_free(mg_tcpcore *t, mg__ring *r)
{
	if (r->buf)
		t->cfg.free(t->cfg.ctx, r->buf, r->cap);
	memset(r, 0, sizeof(*r));
}

/* Copy (n) bytes at logical offset (off) between a ring and flat memory. */
static void ring_copy(const mg__ring *r, uint32_t off, uint8_t *flat,
                      uint32_t n, bool to_ring)
{
	uint32_t mask = r->cap - 1;
	uint32_t at = (r->head + off) & mask;
	uint32_t first = r->cap - at < n ? r->cap - at : n;
	if (to_ring) {
		memcpy(r->buf + at, flat, first);
		memcpy(r->buf, flat + first, n - first);
	} else {
		memcpy(flat, r->buf + at, first);
		memcpy(flat + first, r->buf, n - first);
	}
}

/*
 * Grow (r) to (cap) bytes, keeping the first (keep) logical bytes (which
 * may exceed r->len: out-of-order data lies past it). The only place
 * where a connection's memory changes after it is set up.
 */
int mg__ring_grow(mg_tcpcore *t, mg__ring *r, uint32_t cap, uint32_t keep)
{
	if (cap <= r->cap)
		return 0;
	uint8_t *b = tcp_alloc(t, cap);
	if (!b)
		return MG_ENOMEM;
	if (keep > r->cap)
		keep = r->cap;
	if (r->buf) {
		ring_copy(r, 0, b, keep, false);
		t->cfg.free(t->cfg.ctx, r->buf, r->cap);
	}
	r->buf = b;
	r->cap = cap;
	r->head = 0;
	return 0;
}

void mg__ring_write_at(mg__ring *r, uint32_t off, const uint8_t *p, uint32_t n)
{
	ring_copy(r, off, (uint8_t *)p, n, true);
}

void mg__ring_read_at(const mg__ring *r, uint32_t off, uint8_t *p, uint32_t n)
{
	ring_copy(r, off, p, n, false);
}

void mg__ring_views(const mg__ring *r, uint32_t off, uint32_t n, mg_cbuf out[2])
{
	out[0] = out[1] = (mg_cbuf){NULL, 0};
	if (!n)
		return;
	uint32_t mask = r->cap - 1;
	uint32_t at = (r->head + off) & mask;
	uint32_t first = r->cap - at < n ? r->cap - at : n;
	out[0] = (mg_cbuf){r->buf + at, first};
	if (n > first)
		out[1] = (mg_cbuf){r->buf, n - first};
}

/*
 * Add [start, end) to the sorted, disjoint set (r, *n) of at most (max)
 * ranges, merging what touches or overlaps. Returns the index of the
 * range that now holds it, or UINT32_MAX (set unchanged) when it would
 * need a new range and the set is full. The merged range takes (stamp).
 */
uint32_t mg__ranges_add(mg__tcp_range *r, uint8_t *n, uint8_t max,
                        uint32_t start, uint32_t end, uint32_t stamp)
{
	uint8_t i = 0;
	while (i < *n && SEQ_LT(r[i].end, start))
		i++;
	/* r[i] is the first range that may touch [start, end). */
	uint8_t j = i;
	while (j < *n && SEQ_LEQ(r[j].start, end)) {
		start = SEQ_MIN(start, r[j].start);
		end = SEQ_MAX(end, r[j].end);
		j++;
	}
	if (j == i) {
		if (*n == max)
			return UINT32_MAX;
		memmove(&r[i + 1], &r[i], (size_t)(*n - i) * sizeof(*r));
		(*n)++;
	} else if (j > i + 1) {
		memmove(&r[i + 1], &r[j], (size_t)(*n - j) * sizeof(*r));
		*n = (uint8_t)(*n - (j - i - 1));
	}
	r[i].start = start;
	r[i].end = end;
	r[i].stamp = stamp;
	return i;
}
