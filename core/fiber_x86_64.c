/* The first frame of a new fiber on x86-64, as mg__switch pops it. */
#include <stdint.h>

#include "fiber_internal.h"

#ifdef __x86_64__

void mg__fiber_trampoline(void);

void *mg__ctx_init(void *top, mg_fiber *f)
{
	/*
	 * mg__switch pops r15, r14, r13, r12, rbx, rbp and returns: seven
	 * words. The trampoline is entered with rsp at the aligned top, so
	 * that its call to mg__fiber_main sees the ABI's 16-byte alignment.
	 */
	uintptr_t *sp = (uintptr_t *)((uintptr_t)top & ~(uintptr_t)15) - 7;
	sp[0] = 0;            /* r15 */
	sp[1] = 0;            /* r14 */
	sp[2] = 0;            /* r13 */
	sp[3] = (uintptr_t)f; /* r12: the trampoline's argument */
	sp[4] = 0;            /* rbx */
	sp[5] = 0;            /* rbp: ends frame-pointer walks */
	sp[6] = (uintptr_t)mg__fiber_trampoline;
	return sp;
}

#endif
