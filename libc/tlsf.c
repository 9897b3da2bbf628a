/* libc/tlsf.c: the TLSF allocator's free lists, split and merge: all O(1). */
#include <stdio.h>
#include <string.h>

#include <mg/platform.h>

#include "tlsf.h"

mg__heap mg__heap_state;

void mg__tlsf_fail(const char *who, const char *what, const void *p)
{
	static char msg[160];
	snprintf(msg, sizeof msg, "%s: %s %p", who, what, p);
	mg_platform_abort(msg);
}

static void insert_free(mg__block *b)
{
	mg__heap *h = &mg__heap_state;
	unsigned fl, sl;
	tlsf_mapping(tlsf_size(b), &fl, &sl);
	mg__block *first = h->lists[fl][sl];
	b->next_free = first;
	b->prev_free = NULL;
	if (first)
		first->prev_free = b;
	h->lists[fl][sl] = b;
	h->sl_map[fl] |= 1u << sl;
	h->fl_map |= 1ull << fl;
}

static void remove_free(mg__block *b)
{
	mg__heap *h = &mg__heap_state;
	unsigned fl, sl;
	tlsf_mapping(tlsf_size(b), &fl, &sl);
	if (b->next_free)
		b->next_free->prev_free = b->prev_free;
	if (b->prev_free) {
		b->prev_free->next_free = b->next_free;
		return;
	}
	if (h->lists[fl][sl] != b)
		mg__tlsf_fail("malloc", "free list corrupted at", b);
	h->lists[fl][sl] = b->next_free;
	if (!b->next_free) {
		h->sl_map[fl] &= ~(1u << sl);
		if (!h->sl_map[fl])
			h->fl_map &= ~(1ull << fl);
	}
}

/*
 * Take a free block of at least (size) out of its list. The request is
 * rounded up to the next list boundary first, so that any block of the
 * list found is big enough (good fit, no list walk).
 */
static mg__block *take_free(size_t size)
{
	mg__heap *h = &mg__heap_state;
	if (size >= TLSF_MAX_SIZE)
		return NULL;
	if (size >= TLSF_SMALL) {
		unsigned f = 63u - (unsigned)__builtin_clzll(size);
		size += ((size_t)1 << (f - TLSF_SL_LOG2)) - 1;
	}
	unsigned fl, sl;
	tlsf_mapping(size, &fl, &sl);
	uint32_t sl_map = h->sl_map[fl] & (~0u << sl);
	if (!sl_map) {
		uint64_t fl_map = h->fl_map & (~0ull << (fl + 1));
		if (!fl_map)
			return NULL;
		fl = (unsigned)__builtin_ctzll(fl_map);
		sl_map = h->sl_map[fl];
	}
	sl = (unsigned)__builtin_ctz(sl_map);
	mg__block *b = h->lists[fl][sl];
	remove_free(b);
	return b;
}

/* Mark (b) free for its successor: flag and back pointer. */
static void link_free(mg__block *b)
{
	mg__block *next = tlsf_next(b);
	b->head |= TLSF_FREE;
	next->head |= TLSF_PREV_FREE;
	next->prev_phys = b;
}

static void mark_used(mg__block *b)
{
	b->head &= ~TLSF_FREE;
	tlsf_next(b)->head &= ~TLSF_PREV_FREE;
}

/* The free block before (b), checked: a wrong one means corruption. */
static mg__block *prev_free_block(mg__block *b)
{
	mg__block *p = b->prev_phys;
	if (!tlsf_in_heap(p) || !tlsf_tag_ok(p) || !(p->head & TLSF_FREE) ||
	    tlsf_next(p) != b)
		mg__tlsf_fail("free", "heap corrupted before block", b);
	return p;
}

/*
 * Free (b), merging it with free neighbours so that no two free blocks
 * are adjacent. An absorbed block keeps its (free) header in memory,
 * which is how a later double free of it is still recognised.
 */
static void release(mg__block *b)
{
	b->head |= TLSF_FREE;
	if (b->head & TLSF_PREV_FREE) {
		mg__block *p = prev_free_block(b);
		remove_free(p);
		tlsf_set_head(p, tlsf_size(p) + tlsf_size(b),
		              p->head & TLSF_FLAGS);
		b = p;
	}
	mg__block *next = tlsf_next(b);
	if (next->head & TLSF_FREE) {
		remove_free(next);
		tlsf_set_head(b, tlsf_size(b) + tlsf_size(next),
		              b->head & TLSF_FLAGS);
	}
	link_free(b);
	insert_free(b);
}

/* Cut (b) to (size) if the rest can be a block of its own; free the rest. */
static void trim(mg__block *b, size_t size)
{
	size_t rest = tlsf_size(b) - size;
	if (rest < TLSF_MIN_BLOCK)
		return;
	tlsf_set_head(b, size, b->head & TLSF_FLAGS);
	mg__block *r = tlsf_next(b);
	tlsf_set_head(r, rest, 0);
	release(r);
}

void mg__tlsf_init(void *start, size_t size)
{
	mg__heap *h = &mg__heap_state;
	/*
	 * The state (10 KiB of lists) starts zero, as static storage, and
	 * only a heap set up before can have changed it: clearing it at every
	 * first call would be the single most expensive step of an hvt boot
	 * where the CPU is emulated (rep stosb there costs per byte).
	 */
	if (h->start)
		memset(h, 0, sizeof *h);
	h->given = start;
	h->given_size = size;
}

bool mg__tlsf_set_up(void)
{
	mg__heap *h = &mg__heap_state;
	uintptr_t start = (uintptr_t)h->given, size = h->given_size;
	if (!size)
		return false;
	h->given_size = 0; /* one try: a region too small stays unusable */
	uintptr_t lo = (start + TLSF_ALIGN - 1) & ~(uintptr_t)15;
	uintptr_t hi = (start + size) & ~(uintptr_t)15;
	if (start + size < start || hi < lo || hi - lo < TLSF_MIN_BLOCK + 32)
		return false; /* too small (or wrapping): every malloc fails */
	if (hi - lo > TLSF_MAX_SIZE)
		hi = lo + TLSF_MAX_SIZE;
	h->start = (char *)lo;
	h->sentinel = (mg__block *)(hi - 16);
	mg__block *b = (mg__block *)lo;
	tlsf_set_head(b, (size_t)((char *)h->sentinel - h->start), 0);
	tlsf_set_head(h->sentinel, 0, 0);
	link_free(b);
	insert_free(b);
	return true;
}

mg__block *mg__tlsf_alloc(size_t size)
{
	if (!mg__tlsf_ready())
		return NULL;
	mg__block *b = take_free(size);
	if (b) {
		trim(b, size);
		mark_used(b);
	}
	return b;
}

/*
 * Take (size) + (align) + a minimal block, then give back the part before
 * the aligned payload (at least a minimal block, or nothing) and the tail.
 */
mg__block *mg__tlsf_alloc_aligned(size_t size, size_t align)
{
	if (align >= TLSF_MAX_SIZE || !mg__tlsf_ready())
		return NULL;
	mg__block *b = take_free(size + align + TLSF_MIN_BLOCK);
	if (!b)
		return NULL;
	uintptr_t pay = (uintptr_t)b + TLSF_PAYLOAD;
	uintptr_t at = (pay + align - 1) & ~(uintptr_t)(align - 1);
	if (at != pay && at - pay < TLSF_MIN_BLOCK)
		at = (pay + TLSF_MIN_BLOCK + align - 1) &
		     ~(uintptr_t)(align - 1);
	size_t gap = at - pay;
	if (gap) {
		mg__block *a = (mg__block *)((char *)b + gap);
		tlsf_set_head(a, tlsf_size(b) - gap, TLSF_PREV_FREE);
		tlsf_set_head(b, gap, TLSF_FREE);
		a->prev_phys = b;
		insert_free(b);
		b = a;
	}
	trim(b, size);
	mark_used(b);
	return b;
}

void mg__tlsf_free(mg__block *b)
{
	release(b);
}

bool mg__tlsf_resize(mg__block *b, size_t size)
{
	size_t cur = tlsf_size(b);
	mg__block *next = tlsf_next(b);
	if (size > cur) {
		if (!(next->head & TLSF_FREE) || cur + tlsf_size(next) < size)
			return false;
		remove_free(next);
		tlsf_set_head(b, cur + tlsf_size(next), b->head & TLSF_FLAGS);
		mark_used(b);
	}
	trim(b, size);
	return true;
}

mg__block *mg__tlsf_block(void *p, const char *who)
{
	mg__block *b = (mg__block *)((char *)p - TLSF_PAYLOAD);
	if (((uintptr_t)p & (TLSF_ALIGN - 1)) || !tlsf_in_heap(b) ||
	    !tlsf_tag_ok(b))
		mg__tlsf_fail(who, "invalid pointer (not from malloc)", p);
	if (b->head & TLSF_FREE)
		mg__tlsf_fail(who, "double free of", p);
	size_t size = tlsf_size(b);
	mg__block *next = tlsf_next(b);
	if (size < TLSF_MIN_BLOCK ||
	    size > (size_t)((char *)mg__heap_state.sentinel - (char *)b) ||
	    !tlsf_tag_ok(next) || (next->head & TLSF_PREV_FREE))
		mg__tlsf_fail(who, "heap corrupted after block", p);
	return b;
}
