/* libc/tlsf.h: block layout of the TLSF allocator, shared by its files. */
#ifndef MG_LIBC_TLSF_H
#define MG_LIBC_TLSF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Two-level segregated fit (Masmano et al., "TLSF: a new dynamic memory
 * allocator for real-time systems", 2004). Free blocks sit in lists by
 * size: a first level per power of two, split linearly into SL_COUNT
 * second-level lists; two bitmaps find a non-empty list in O(1).
 *
 * A block starts 16 bytes before its payload:
 *   prev_phys  the previous block, valid only while that block is free
 *              (else it is the last word of that block's payload)
 *   head       size | flags | tag
 *   payload    (next_free, prev_free while free)
 * so a used block costs 8 bytes of header and the payload is 16-aligned.
 * The size is the distance to the next block, a multiple of 16. The top
 * 16 bits of head are a tag derived from the block's address: free() and
 * realloc() check it, which catches foreign pointers and overwritten
 * headers. A zero-size used sentinel ends the heap.
 */
#define TLSF_ALIGN     16
#define TLSF_SL_LOG2   5
#define TLSF_SL_COUNT  (1 << TLSF_SL_LOG2)
#define TLSF_FL_COUNT  40
#define TLSF_SMALL     (TLSF_SL_COUNT * TLSF_ALIGN) /* below: exact lists */
#define TLSF_MIN_BLOCK 32
#define TLSF_OVERHEAD  8  /* head word of a used block */
#define TLSF_PAYLOAD   16 /* offset of the payload in the block */
/* Heaps and requests stay below 2^47: sizes fit the head, lists exist. */
#define TLSF_MAX_SIZE ((size_t)1 << 47)

#define TLSF_FREE      1ull
#define TLSF_PREV_FREE 2ull
#define TLSF_FLAGS     3ull
#define TLSF_SIZE_MASK 0x0000fffffffffff0ull
#define TLSF_TAG_SHIFT 48

typedef struct mg__block {
	struct mg__block *prev_phys;
	uint64_t head;
	struct mg__block *next_free;
	struct mg__block *prev_free;
} mg__block;

typedef struct mg__heap {
	char *start; /* NULL until set up */
	mg__block *sentinel;
	/* Given by mg__tlsf_init(), set up at the first use (mg__tlsf_ready).
	 */
	char *given;
	size_t given_size;
	uint64_t fl_map;
	uint32_t sl_map[TLSF_FL_COUNT];
	mg__block *lists[TLSF_FL_COUNT][TLSF_SL_COUNT];
} mg__heap;

extern mg__heap mg__heap_state;

static inline size_t tlsf_size(const mg__block *b)
{
	return (size_t)(b->head & TLSF_SIZE_MASK);
}

static inline mg__block *tlsf_next(const mg__block *b)
{
	return (mg__block *)((char *)b + tlsf_size(b));
}

static inline uint64_t tlsf_tag(const mg__block *b)
{
	return ((uint64_t)(uintptr_t)b * 0x9e3779b97f4a7c15ull) >> 48;
}

static inline bool tlsf_tag_ok(const mg__block *b)
{
	return b->head >> TLSF_TAG_SHIFT == tlsf_tag(b);
}

static inline void tlsf_set_head(mg__block *b, size_t size, uint64_t flags)
{
	b->head = size | flags | tlsf_tag(b) << TLSF_TAG_SHIFT;
}

/* True if (b) lies where a block header can be, sentinel excluded. */
static inline bool tlsf_in_heap(const mg__block *b)
{
	const mg__heap *h = &mg__heap_state;
	return (const char *)b >= h->start && b < h->sentinel;
}

/* The list that holds free blocks of (size). */
static inline void tlsf_mapping(size_t size, unsigned *fl, unsigned *sl)
{
	if (size < TLSF_SMALL) {
		*fl = 0;
		*sl = (unsigned)(size / TLSF_ALIGN);
		return;
	}
	unsigned f = 63u - (unsigned)__builtin_clzll(size);
	*sl = (unsigned)(size >> (f - TLSF_SL_LOG2)) - TLSF_SL_COUNT;
	*fl = f - (TLSF_SL_LOG2 + 4) + 1; /* 4: log2 of TLSF_ALIGN */
}

/* Take [start, start + size) as the heap, forgetting any previous one. */
void mg__tlsf_init(void *start, size_t size);
/* Set the given heap up; false if there is none (or it is too small). */
bool mg__tlsf_set_up(void);

/*
 * Whether the heap is usable, setting it up at the first call: images that
 * allocate nothing at boot (an hvt guest on an emulated CPU counts every
 * instruction) do not pay for it.
 */
static inline bool mg__tlsf_ready(void)
{
	return mg__heap_state.start || mg__tlsf_set_up();
}
/* A used block of at least (size) bytes (a multiple of 16), or NULL. */
mg__block *mg__tlsf_alloc(size_t size);
/* As mg__tlsf_alloc() with the payload aligned to (align) > 16. */
mg__block *mg__tlsf_alloc_aligned(size_t size, size_t align);
/* Free a used block (checked first by mg__tlsf_block). */
void mg__tlsf_free(mg__block *b);
/* Resize a used block in place; false if the neighbour has no room. */
bool mg__tlsf_resize(mg__block *b, size_t size);
/*
 * The used block of payload (p), or abort with a message starting with
 * (who) if (p) is not one: foreign, misaligned, already free, or its
 * header or the next one overwritten.
 */
mg__block *mg__tlsf_block(void *p, const char *who);
/* Abort: "(who): (what) (p)". */
_Noreturn void mg__tlsf_fail(const char *who, const char *what, const void *p);

#endif
