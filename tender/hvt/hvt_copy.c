/* The COPY hypercall: guest memory moved by the tender, checked against the
 * guest's own page tables. */
#include <string.h>

#include <mg/error.h>

#include "hvt.h"

/* see mg/hvt_abi.h (struct mg_hvt_copy) */

#define PTE_P    1ull
#define PTE_RW   2ull
#define PTE_PS   0x80ull
#define PTE_ADDR 0x000ffffffffff000ull

/*
 * The entry mapping (va) and the size of the page it maps, after walking
 * the four levels from (cr3); 0 when a table lies outside guest memory or
 * a level is not present. (*rw) is whether every level allows writing.
 */
static uint64_t walk(const mg__hvt *h, uint64_t cr3, uint64_t va,
                     uint64_t *page, bool *rw)
{
	uint64_t table = cr3 & PTE_ADDR;
	*rw = true;
	for (int level = 3; level >= 0; level--) {
		unsigned shift = 12 + 9 * (unsigned)level;
		uint64_t at = table + ((va >> shift) & 511) * 8;
		if (at > h->mem_size - 8)
			return 0;
		uint64_t e;
		memcpy(&e, h->mem + at, 8);
		if (!(e & PTE_P))
			return 0;
		*rw = *rw && (e & PTE_RW);
		if (level == 0 || ((e & PTE_PS) && level <= 2)) {
			*page = 1ull << shift;
			return e;
		}
		table = e & PTE_ADDR;
	}
	return 0;
}

/* Whether [va, va + len) is mapped at the same addresses, inside guest
 * memory, and writable if (write). */
static bool range_ok(const mg__hvt *h, uint64_t cr3, uint64_t va, uint64_t len,
                     bool write)
{
	if (va > h->mem_size || len > h->mem_size - va)
		return false;
	uint64_t end = va + len;
	while (va < end) {
		uint64_t page;
		bool rw;
		uint64_t e = walk(h, cr3, va, &page, &rw);
		uint64_t base = va & ~(page - 1);
		if (!e || (write && !rw) ||
		    (e & PTE_ADDR & ~(page - 1)) != base)
			return false;
		va = base + page;
	}
	return true;
}

void mg__hvt_copy(mg__hvt *h, struct mg_hvt_copy *a)
{
	uint64_t dst = a->dst, src = a->src, len = a->len, cr3 = a->cr3;
	if (!len) {
		a->ret = 0;
		return;
	}
	if (!range_ok(h, cr3, src, len, false) ||
	    !range_ok(h, cr3, dst, len, true)) {
		a->ret = MG_EFAULT;
		return;
	}
	memmove(h->mem + dst, h->mem + src, len);
	a->ret = 0;
}
