/* libc/tlsf_check.c: heap statistics and a full consistency check. */
#include <mg/libc.h>

#include "tlsf.h"

void mg__libc_heap_stats(mg_libc_heap_stats *out)
{
	const mg__heap *h = &mg__heap_state;
	*out = (mg_libc_heap_stats){0};
	if (!mg__tlsf_ready())
		return;
	out->total = (size_t)((char *)h->sentinel - h->start);
	for (mg__block *b = (mg__block *)h->start; b != h->sentinel;
	     b = tlsf_next(b)) {
		size_t size = tlsf_size(b);
		if (!(b->head & TLSF_FREE)) {
			out->used_blocks++;
			continue;
		}
		out->free_blocks++;
		out->free += size;
		if (size > out->largest_free)
			out->largest_free = size;
	}
}

static void fail(const char *what, const mg__block *b)
{
	mg__tlsf_fail("heap check", what, b);
}

/* One block of the walk: its header against its neighbours'. */
static void check_block(const mg__block *b, const mg__block *prev)
{
	const mg__heap *h = &mg__heap_state;
	size_t size = tlsf_size(b);
	if (!tlsf_tag_ok(b))
		fail("bad tag at", b);
	if (size < TLSF_MIN_BLOCK || size % TLSF_ALIGN ||
	    size > (size_t)((char *)h->sentinel - (char *)b))
		fail("bad size at", b);
	bool prev_free = prev && (prev->head & TLSF_FREE);
	if (!!(b->head & TLSF_PREV_FREE) != prev_free)
		fail("wrong previous-free flag at", b);
	if (prev_free && (b->head & TLSF_FREE))
		fail("two adjacent free blocks at", b);
	if (prev_free && b->prev_phys != prev)
		fail("wrong previous-block link at", b);
}

/*
 * Every free list: right bitmap bits, right sizes, sound links, and no
 * more entries than the walk found free blocks (a cycle would be endless).
 */
static size_t check_lists(size_t limit)
{
	const mg__heap *h = &mg__heap_state;
	size_t count = 0;
	for (unsigned fl = 0; fl < TLSF_FL_COUNT; fl++) {
		if (!!(h->fl_map & (1ull << fl)) != !!h->sl_map[fl])
			fail("first-level bitmap wrong, level",
			     h->lists[fl][0]);
		for (unsigned sl = 0; sl < TLSF_SL_COUNT; sl++) {
			const mg__block *b = h->lists[fl][sl];
			if (!!(h->sl_map[fl] & (1u << sl)) != !!b)
				fail("second-level bitmap wrong at", b);
			for (const mg__block *prev = NULL; b;
			     prev = b, b = b->next_free) {
				unsigned f, s;
				tlsf_mapping(tlsf_size(b), &f, &s);
				if (!tlsf_in_heap(b) ||
				    !(b->head & TLSF_FREE) || f != fl ||
				    s != sl || b->prev_free != prev)
					fail("bad free-list entry", b);
				if (++count > limit)
					fail("free lists hold too many blocks",
					     b);
			}
		}
	}
	return count;
}

void mg__libc_heap_check(void)
{
	const mg__heap *h = &mg__heap_state;
	if (!mg__tlsf_ready())
		return;
	size_t free_blocks = 0;
	const mg__block *prev = NULL;
	const mg__block *b = (const mg__block *)h->start;
	for (; b < h->sentinel; prev = b, b = tlsf_next(b)) {
		check_block(b, prev);
		free_blocks += (b->head & TLSF_FREE) != 0;
	}
	if (b != h->sentinel || !tlsf_tag_ok(b) || tlsf_size(b) != 0)
		fail("blocks do not end at the sentinel", b);
	if (!!(b->head & TLSF_PREV_FREE) != (prev && (prev->head & TLSF_FREE)))
		fail("wrong previous-free flag at the sentinel", b);
	if (check_lists(free_blocks) != free_blocks)
		fail("free lists and blocks disagree, last block", prev);
}
