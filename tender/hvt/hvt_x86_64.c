/* x86-64 guest set-up in memory: GDT, TSS and identity page tables. */
#include <elf.h>
#include <string.h>

#include "hvt.h"

#define PML4     MG_HVT_PT_BASE
#define PDPT     (MG_HVT_PT_BASE + 0x1000)
#define PD(i)    (MG_HVT_PT_BASE + 0x2000 + (i)*0x1000ull) /* 4 of them */
#define PT_FIRST (MG_HVT_PT_BASE + 0x6000)

#define P  MG_HVT_PTE_P
#define W  MG_HVT_PTE_W
#define NX MG_HVT_PTE_NX
/*
 * Accessed and dirty are set in advance so that the CPU never has to write
 * a page-table entry back (each such write is an emulated access here).
 */
#define AD   ((1ull << 5) | (1ull << 6))
#define MIB2 (2ull << 20)

static void put64(uint8_t *mem, uint64_t gpa, uint64_t v)
{
	memcpy(mem + gpa, &v, sizeof v);
}

static void setup_gdt(uint8_t *mem)
{
	/* Flat 64-bit code and data, and the TSS that holds the IST. */
	put64(mem, MG_HVT_GDT_BASE, 0);
	put64(mem, MG_HVT_GDT_BASE + MG_HVT_SEL_CODE, 0x00af9b000000ffffull);
	put64(mem, MG_HVT_GDT_BASE + MG_HVT_SEL_DATA, 0x00cf93000000ffffull);
	uint64_t base = MG_HVT_TSS_BASE, limit = sizeof(struct mg_hvt_tss) - 1;
	uint64_t tss = (limit & 0xffff) | (base & 0xffffff) << 16 |
	               0x89ull << 40 /* present, available 64-bit TSS */ |
	               ((limit >> 16) & 0xf) << 48 |
	               ((base >> 24) & 0xff) << 56;
	put64(mem, MG_HVT_GDT_BASE + MG_HVT_SEL_TSS, tss);
	put64(mem, MG_HVT_GDT_BASE + MG_HVT_SEL_TSS + 8, base >> 32);
	memset(mem + MG_HVT_TSS_BASE, 0, sizeof(struct mg_hvt_tss));
	struct mg_hvt_tss *t = (struct mg_hvt_tss *)(mem + MG_HVT_TSS_BASE);
	t->iomap_base = sizeof *t; /* no I/O bitmap */
}

/* Flags of the 4 KiB page at (a) when mapped with page granularity. */
static uint64_t page_flags(uint64_t a, const mg__tender_image *img)
{
	if (a == 0 || a == MG_HVT_STACK_GUARD)
		return 0;
	if (a == MG_HVT_BOOT_INFO_BASE)
		return P | NX;
	if (a < MG_HVT_LOAD_BASE) {
		bool used = a == MG_HVT_GDT_BASE ||
		            (a >= MG_HVT_ARGS_BASE &&
		             a < MG_HVT_ARGS_BASE + MG_HVT_ARGS_MAX) ||
		            (a >= MG_HVT_PT_BASE && a < MG_HVT_PT_END) ||
		            a > MG_HVT_STACK_GUARD;
		return used ? P | W | NX : 0;
	}
	if (a >= img->end)
		return P | W | NX; /* the heap */
	for (unsigned s = 0; s < img->nseg; s++) {
		const mg__tender_segment *g = &img->seg[s];
		if (a >= g->vaddr && a - g->vaddr < g->memsz) {
			uint64_t f = P;
			if (g->flags & PF_W)
				f |= W;
			if (!(g->flags & PF_X))
				f |= NX;
			return f;
		}
	}
	return 0; /* a gap between segments */
}

uint64_t mg__hvt_x86_setup(uint8_t *mem, uint64_t mem_size,
                           const mg__tender_image *img)
{
	setup_gdt(mem);

	uint64_t chunks = (mem_size + MIB2 - 1) / MIB2;
	uint64_t image_chunks = (img->end + MIB2 - 1) / MIB2;
	uint64_t next_pt = PT_FIRST;

	/* Guest memory is fresh anonymous memory: the tables start zeroed. */
	put64(mem, PML4, PDPT | P | W | AD);
	for (uint64_t g = 0; g < (chunks + 511) / 512; g++)
		put64(mem, PDPT + 8 * g, PD(g) | P | W | AD);

	for (uint64_t c = 0; c < chunks; c++) {
		uint64_t base = c * MIB2;
		uint64_t pde = PD(c / 512) + 8 * (c % 512);
		bool partial = base + MIB2 > mem_size;
		if (c >= image_chunks && !partial) {
			put64(mem, pde, base | P | W | MG_HVT_PTE_PS | NX | AD);
			continue;
		}
		/* Checked: the image fits in MG__HVT_IMAGE_END_MAX. */
		uint64_t pt = next_pt;
		next_pt += 0x1000;
		put64(mem, pde, pt | P | W | AD);
		for (uint64_t i = 0; i < 512; i++) {
			uint64_t a = base + i * 0x1000;
			uint64_t f = a < mem_size ? page_flags(a, img) : 0;
			if (f)
				put64(mem, pt + 8 * i, a | f | AD);
		}
	}
	return PML4;
}
