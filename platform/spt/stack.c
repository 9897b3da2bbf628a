/* Fiber stacks, each above a guard page made inaccessible with mprotect. */
#include <stdlib.h>

#include <mg/error.h>

#include "spt_internal.h"

#define PAGE      4096ull
#define PROT_NONE 0
#define PROT_RW   3
/* Marks the two words below a guard page: the fault report tells a stack
 * overflow from any other fault by them. */
#define GUARD_MAGIC 0x4d475f4755415244ull /* "MG_GUARD" */

/*
 * A stack is a malloc() block of (size) + 2 pages: the first page boundary
 * at least 16 bytes into it starts the guard page, the stack follows, and
 * the two words just below the guard keep the block's address (for the
 * free) and the marker.
 */
int mg_platform_stack_alloc(size_t size, void **base, size_t *usable)
{
	size_t n = (size + PAGE - 1) & ~(PAGE - 1);
	if (n == 0 || n < size || n > SIZE_MAX - 2 * PAGE)
		return MG_ENOMEM;
	uint8_t *p = malloc(n + 2 * PAGE);
	if (!p)
		return MG_ENOMEM;
	uintptr_t guard =
	    ((uintptr_t)p + 16 + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
	if (mg__spt_syscall3(MG_SPT_SYS_MPROTECT, (long)guard, PAGE,
	                     PROT_NONE) < 0) {
		free(p);
		return MG_ENOMEM;
	}
	((uint8_t **)guard)[-1] = p;
	((uint64_t *)guard)[-2] = GUARD_MAGIC ^ guard;
	*base = (uint8_t *)guard + PAGE;
	*usable = n;
	return 0;
}

void mg_platform_stack_free(void *base, size_t usable)
{
	static const char bad[] =
	    "spt: mg_platform_stack_free of a pointer that is no stack";
	uintptr_t guard = (uintptr_t)base - PAGE;
	(void)usable;
	if (((uint64_t *)guard)[-2] != (GUARD_MAGIC ^ guard))
		mg_platform_abort(bad);
	uint8_t *p = ((uint8_t **)guard)[-1];
	if ((uintptr_t)p >= guard || guard - (uintptr_t)p > PAGE)
		mg_platform_abort(bad);
	if (mg__spt_syscall3(MG_SPT_SYS_MPROTECT, (long)guard, PAGE, PROT_RW) <
	    0)
		mg_platform_abort("spt: cannot make a stack guard page "
		                  "accessible again");
	((uint64_t *)guard)[-2] = 0;
	free(p);
}

/* Append (s) to (buf) at (*n): nothing else may be called here. */
static void append(char *buf, size_t size, size_t *n, const char *s)
{
	while (*s && *n + 1 < size)
		buf[(*n)++] = *s++;
	buf[*n] = '\0';
}

/*
 * see mg/spt_abi.h (fault_hook): a fault in a page whose two words below
 * carry the marker is a fiber's stack overflow. The words are read only
 * where they are heap: below the guard, inside the heap's bounds.
 */
const char *mg__spt_fault_hook(uint64_t addr)
{
	static char msg[160];
	uint64_t guard = addr & ~(PAGE - 1);
	const struct mg_spt_boot_info *bi = mg__spt_boot;
	if (guard < bi->image_end + 16 || guard >= bi->heap_end)
		return 0;
	if (((const uint64_t *)(uintptr_t)guard)[-2] != (GUARD_MAGIC ^ guard))
		return 0;
	size_t n = 0;
	const char *name = mg__fiber_current_name();
	append(msg, sizeof msg, &n, "stack overflow in fiber '");
	append(msg, sizeof msg, &n, name ? name : "?");
	append(msg, sizeof msg, &n, "'");
	return msg;
}
