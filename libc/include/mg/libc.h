/* mg/libc.h: what the platform calls to set up the freestanding libc. */
#ifndef MG_LIBC_H
#define MG_LIBC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Give the allocator the memory [start, start + size) (the platform's
 * mg_boot_info heap). MUST be called once, before the first malloc();
 * calling it again forgets every block of the previous heap. Until then,
 * or if the region is too small to hold a block (under 64 bytes after
 * alignment), every allocation fails with ENOMEM.
 */
void mg__libc_heap_init(void *start, size_t size);

/*
 * If set, called with the requested (size) each time an allocation fails,
 * just before NULL is returned. It MAY log and MAY abort; if it returns,
 * the allocation still fails. It MUST NOT assume that allocating works.
 */
extern void (*mg__libc_oom_hook)(size_t size);

typedef struct mg_libc_heap_stats {
	size_t total;        /* bytes managed, headers included */
	size_t free;         /* bytes in free blocks, headers included */
	size_t largest_free; /* the largest malloc() that can succeed now */
	size_t used_blocks;
	size_t free_blocks;
} mg_libc_heap_stats;

void mg__libc_heap_stats(mg_libc_heap_stats *out);

/*
 * Walk every block and every free list and check their invariants; on the
 * first violation, abort (mg_platform_abort) with a message naming it.
 * O(heap size): for tests and debugging, not for hot paths.
 */
void mg__libc_heap_check(void);

/*
 * Whether the CPU is emulated instruction by instruction (as by KVM on
 * some nested or PVM hosts), which makes every instruction executed cost
 * about a microsecond and a `rep movsb` cost per byte. false (the default)
 * suits a real CPU. The platform MAY set it once at boot, before any other
 * code runs; memcpy, memmove and memset then move whole words with `rep
 * movsq`/`rep stosq`. Results are the same either way.
 */
extern bool mg__libc_cpu_emulated;

/*
 * If set (by a platform whose memory is slow to touch, such as an hvt
 * guest whose instructions are emulated), memcpy() and memmove() of at
 * least MG_LIBC_BULK_MIN bytes call it first: it returns 0 when it moved
 * the bytes (as memmove), else the copy is done here. It MUST NOT
 * itself copy through memcpy() or memmove() with such a size.
 */
extern int (*mg__libc_bulk_copy)(void *dst, const void *src, size_t n);
#define MG_LIBC_BULK_MIN 256

/*
 * The stack protector's canary (-fstack-protector-strong with
 * -mstack-protector-guard=global). It starts as a fixed terminator value;
 * the platform SHOULD set it from entropy at boot, in a function that never
 * returns (a frame entered with the old value would fail its check).
 */
extern uintptr_t __stack_chk_guard;

/* Called by the compiler's canary check: aborts "stack smashing detected". */
_Noreturn void __stack_chk_fail(void);

#endif
