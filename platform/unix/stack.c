/* Fiber stacks: mmap with a guard page below, and a registry of guards. */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mg/error.h>
#include <mg/platform.h>

#include "unix_internal.h"

/*
 * The fault handler must tell a guard page from any other address, with
 * no locks and no allocation: an open-addressing table keyed by the guard
 * page's address, replaced whole when it grows so that a reader never sees
 * it half-built.
 *
 * Each stack costs two kernel mappings (guard and stack), so the kernel's
 * vm.max_map_count (65530 by default) bounds live fibers to about 32000.
 */

struct guard {
	uintptr_t page; /* 0: empty slot */
	size_t usable;
};

static struct guard *table;
static size_t mask; /* capacity - 1 */
static size_t used;
static size_t page_size;

static size_t home(uintptr_t page, size_t m)
{
	return (size_t)(((uint64_t)page >> 12) * 0x9e3779b97f4a7c15ull >> 20) &
	       m;
}

static void put(struct guard *t, size_t m, struct guard g)
{
	size_t i = home(g.page, m);
	while (t[i].page)
		i = (i + 1) & m;
	t[i] = g;
}

static int grow(void)
{
	size_t cap = table ? (mask + 1) * 2 : 256;
	struct guard *t = calloc(cap, sizeof *t);
	if (!t)
		return MG_ENOMEM;
	for (size_t i = 0; table && i <= mask; i++)
		if (table[i].page)
			put(t, cap - 1, table[i]);
	struct guard *old = table;
	table = t;
	mask = cap - 1;
	free(old);
	return 0;
}

int mg__unix_guard_lookup(uintptr_t addr, size_t *usable)
{
	struct guard *t = table;
	size_t m = mask;
	if (!t || !page_size)
		return 0;
	uintptr_t page = addr & ~(uintptr_t)(page_size - 1);
	for (size_t i = home(page, m); t[i].page; i = (i + 1) & m) {
		if (t[i].page == page) {
			*usable = t[i].usable;
			return 1;
		}
	}
	return 0;
}

static void guard_remove(uintptr_t page)
{
	size_t i = home(page, mask);
	while (table[i].page != page) {
		if (!table[i].page)
			return;
		i = (i + 1) & mask;
	}
	/* Backward-shift deletion: no tombstones, probes stay short. */
	for (;;) {
		table[i].page = 0;
		size_t j = i;
		for (;;) {
			j = (j + 1) & mask;
			if (!table[j].page)
				return;
			size_t k = home(table[j].page, mask);
			/* Move j back to i unless its home lies in (i, j]. */
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			table[i] = table[j];
			i = j;
			break;
		}
	}
}

int mg_platform_stack_alloc(size_t size, void **base, size_t *usable)
{
	if (!page_size)
		page_size = (size_t)sysconf(_SC_PAGESIZE);
	mg__unix_fault_install();
	size_t use = size ? size : 1;
	if (use > SIZE_MAX / 2)
		return MG_ENOMEM;
	use = (use + page_size - 1) & ~(page_size - 1);
	if ((used + 1) * 2 > (table ? mask + 1 : 0) && grow() != 0)
		return MG_ENOMEM;
	char *m = mmap(NULL, use + page_size, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
	               -1, 0);
	if (m == MAP_FAILED)
		return MG_ENOMEM;
	if (mprotect(m, page_size, PROT_NONE) != 0) {
		munmap(m, use + page_size);
		return MG_ENOMEM;
	}
	put(table, mask, (struct guard){(uintptr_t)m, use});
	used++;
	*base = m + page_size;
	*usable = use;
	return 0;
}

void mg_platform_stack_free(void *base, size_t usable)
{
	char *m = (char *)base - page_size;
	guard_remove((uintptr_t)m);
	used--;
	munmap(m, usable + page_size);
}
