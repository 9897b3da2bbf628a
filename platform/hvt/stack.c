/* Fiber stacks, each above a not-present guard page: from the heap, the first
 * from the boot stack. */
#include <stdbool.h>
#include <stdlib.h>

#include <mg/error.h>

#include "hvt_internal.h"

#define PAGE 4096ull
#define ADDR MG_HVT_PTE_ADDR
/* Accessed and dirty set in advance, as the tender does. */
#define AD ((1ull << 5) | (1ull << 6))

static inline void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint64_t *table(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & ADDR);
}

/*
 * Split the 2 MiB page of (*pde) into 512 4 KiB pages with the same
 * permissions. The new table comes from the heap: its own pages keep
 * their mapping, only the granularity changes.
 */
static int split(uint64_t *pde)
{
	uint64_t *pt = aligned_alloc(PAGE, PAGE);
	if (!pt)
		return -1;
	uint64_t base = *pde & ADDR & ~((2ull << 20) - 1);
	uint64_t flags = (*pde & ~ADDR & ~MG_HVT_PTE_PS) | AD;
	for (uint64_t i = 0; i < 512; i++)
		pt[i] = (base + i * PAGE) | flags;
	*pde = (uint64_t)(uintptr_t)pt | MG_HVT_PTE_P | MG_HVT_PTE_W | AD;
	/* The whole 2 MiB translation changed: flush the TLB. */
	uint64_t cr3;
	__asm__ volatile("mov %%cr3, %0; mov %0, %%cr3"
	                 : "=r"(cr3)
	                 :
	                 : "memory");
	return 0;
}

uint64_t *mg__hvt_pte(uint64_t va, int may_split)
{
	uint64_t cr3;
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	uint64_t e = table(cr3)[(va >> 39) & 511];
	if (!(e & MG_HVT_PTE_P))
		return NULL;
	e = table(e)[(va >> 30) & 511];
	if (!(e & MG_HVT_PTE_P) || (e & MG_HVT_PTE_PS))
		return NULL;
	uint64_t *pde = &table(e)[(va >> 21) & 511];
	if (!(*pde & MG_HVT_PTE_P))
		return NULL;
	if (*pde & MG_HVT_PTE_PS) {
		if (!may_split || split(pde) < 0)
			return NULL;
	}
	return &table(*pde)[(va >> 12) & 511];
}

/*
 * The boot stack (below MG_HVT_STACK_TOP down to the tender's guard page)
 * is 508 KiB, far more than the code that runs on it needs: mg__boot()
 * and the scheduler between fibers (the deepest, a refused boot argument's
 * message, takes a few KiB). Its top ROOT_STACK bytes stay the boot stack,
 * above a guard page the platform adds; the 440 KiB below serve as the
 * stack of one fiber at a time, usually core's main fiber, so that booting
 * takes no stack from the heap (a malloc() is some 200 instructions, which
 * count where the CPU is emulated).
 */
#define ROOT_STACK  (64 * 1024)
#define SPARE_GUARD (MG_HVT_STACK_TOP - ROOT_STACK - PAGE)
#define SPARE_BASE  (MG_HVT_STACK_GUARD + PAGE)
#define SPARE_SIZE  (SPARE_GUARD - SPARE_BASE)

static enum { SPARE_UNSET, SPARE_FREE, SPARE_USED, SPARE_NONE } spare;

/*
 * Guard the boot stack's top from the spare region, and mark the tender's
 * guard page below it as a stack guard (for the fault report). Both are in
 * the 4 KiB-mapped first 2 MiB, in one page table.
 */
static void spare_set_up(void)
{
	uintptr_t sp;
	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	/* Not from a fiber, nor from a boot stack already used that deep. */
	bool on_boot_stack = sp > SPARE_GUARD + PAGE && sp <= MG_HVT_STACK_TOP;
	uint64_t *pte = on_boot_stack ? mg__hvt_pte(SPARE_GUARD, 0) : NULL;
	if (!pte || !(*pte & MG_HVT_PTE_P)) {
		spare = SPARE_NONE;
		return;
	}
	*pte = (SPARE_GUARD & ADDR) | MG_HVT_PTE_GUARD;
	invlpg(SPARE_GUARD);
	pte[-(int64_t)((SPARE_GUARD - MG_HVT_STACK_GUARD) / PAGE)] =
	    (MG_HVT_STACK_GUARD & ADDR) | MG_HVT_PTE_GUARD;
	spare = SPARE_FREE;
}

/*
 * Any other stack is a plain malloc() block of (size) + 2 pages: the first page
 * boundary at least 8 bytes into it starts the guard page, the stack
 * follows, and the word just below the guard keeps the block's address
 * for the free. malloc() costs about half of aligned_alloc() in the
 * allocator, which counts where the guest's CPU is emulated; the price is
 * 16 bytes to a page left unused in front of each stack.
 */
int mg_platform_stack_alloc(size_t size, void **base, size_t *usable)
{
	size_t n = (size + PAGE - 1) & ~(PAGE - 1);
	if (n == 0 || n < size || n > SIZE_MAX - 2 * PAGE)
		return MG_ENOMEM;
	if (n <= SPARE_SIZE && spare != SPARE_USED && spare != SPARE_NONE) {
		if (spare == SPARE_UNSET)
			spare_set_up();
		if (spare == SPARE_FREE) {
			spare = SPARE_USED;
			*base = (void *)(uintptr_t)SPARE_BASE;
			*usable = n;
			return 0;
		}
	}
	uint8_t *p = malloc(n + 2 * PAGE);
	if (!p)
		return MG_ENOMEM;
	uintptr_t guard =
	    ((uintptr_t)p + 8 + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
	uint64_t *pte = mg__hvt_pte(guard, 1);
	if (!pte) {
		free(p);
		return MG_ENOMEM;
	}
	((uint8_t **)guard)[-1] = p;
	*pte = (guard & ADDR) | MG_HVT_PTE_GUARD;
	invlpg(guard);
	*base = (uint8_t *)guard + PAGE;
	*usable = n;
	return 0;
}

void mg_platform_stack_free(void *base, size_t usable)
{
	static const char bad[] =
	    "hvt: mg_platform_stack_free of a pointer that is no stack";
	uintptr_t guard = (uintptr_t)base - PAGE;
	(void)usable;
	if (guard == MG_HVT_STACK_GUARD && spare == SPARE_USED) {
		spare = SPARE_FREE;
		return;
	}
	uint64_t *pte = mg__hvt_pte(guard, 0);
	if (!pte || (*pte & MG_HVT_PTE_P) || !(*pte & MG_HVT_PTE_GUARD))
		mg_platform_abort(bad);
	uint8_t *p = ((uint8_t **)guard)[-1];
	if ((uintptr_t)p >= guard || guard - (uintptr_t)p > PAGE)
		mg_platform_abort(bad);
	/* The heap is read-write and never executable. */
	*pte =
	    (guard & ADDR) | MG_HVT_PTE_P | MG_HVT_PTE_W | MG_HVT_PTE_NX | AD;
	invlpg(guard);
	free(p);
}
