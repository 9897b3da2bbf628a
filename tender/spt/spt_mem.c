/* Guest memory: the image's segments with their permissions, heap, stack. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "spt.h"

#define PAGE MG_SPT_PAGE_SIZE

static int prot_of(uint32_t flags)
{
	return ((flags & PF_R) ? PROT_READ : 0) |
	       ((flags & PF_W) ? PROT_WRITE : 0) |
	       ((flags & PF_X) ? PROT_EXEC : 0);
}

static void protect(uint64_t addr, uint64_t len, int prot)
{
	if (mprotect((void *)(uintptr_t)addr, len, prot) < 0)
		mg__tender_die(MG_SPT_EXIT_HOST,
		               "cannot protect guest memory at 0x%llx: %s",
		               (unsigned long long)addr, strerror(errno));
}

/*
 * One anonymous mapping of [MG_SPT_LOAD_BASE, mem_size), read-write and
 * zero; the segments are copied in, then each gets its own permissions
 * (the checks made them page-aligned and disjoint); the page below the
 * stack is unmapped. MAP_FIXED_NOREPLACE: the range must be free in this
 * process, never taken from something of the tender's.
 */
void mg__spt_mem_load(mg__spt *s, const uint8_t *file)
{
	const mg__tender_image *img = &s->img;
	uint64_t base = MG_SPT_LOAD_BASE, len = s->mem_size - base;
	void *p = mmap((void *)(uintptr_t)base, len, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE |
	                   MAP_NORESERVE,
	               -1, 0);
	if (p == MAP_FAILED || p != (void *)(uintptr_t)base)
		mg__tender_die(MG_SPT_EXIT_HOST,
		               "cannot map guest memory at 0x%llx (%llu MiB): "
		               "%s",
		               (unsigned long long)base,
		               (unsigned long long)(s->mem_size >> 20),
		               p == MAP_FAILED ? strerror(errno)
		                               : "placed elsewhere");
	for (unsigned i = 0; i < img->nseg; i++) {
		const mg__tender_segment *g = &img->seg[i];
		memcpy((void *)(uintptr_t)g->vaddr, file + g->offset,
		       g->filesz);
		uint64_t end = (g->vaddr + g->memsz + PAGE - 1) & ~(PAGE - 1);
		protect(g->vaddr, end - g->vaddr, prot_of(g->flags));
	}
	uint64_t top = s->mem_size - MG_SPT_TOP_BYTES;
	s->stack_top = top;
	uint64_t guard = top - MG_SPT_STACK_SIZE - PAGE;
	if (munmap((void *)(uintptr_t)guard, PAGE) < 0)
		mg__tender_die(MG_SPT_EXIT_HOST,
		               "cannot unmap the stack "
		               "guard page: %s",
		               strerror(errno));
	s->boot = (struct mg_spt_boot_info *)(uintptr_t)top;
	s->boot->mem_size = s->mem_size;
	s->boot->image_end = img->end;
	s->boot->heap_end = guard;
}
