/* Fuzz the hvt tender's image loader: ELF checks, manifest, page tables. */
// fuzz-link: tender/common/elf.c tender/common/manifest.c
// fuzz-link: tender/hvt/hvt_x86_64.c tender/common/log.c
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tender/hvt/hvt.h"

/*
 * Whatever the bytes, the loader either refuses them with a message or
 * describes an image whose every property the tender relies on holds;
 * loading it and building its page tables then stay inside guest memory
 * (ASan watches), and no page is both writable and executable.
 */

#define MEM_SIZE (8ull << 20)

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "elf_fuzz: %s failed\n", #cond);       \
			abort();                                               \
		}                                                              \
	} while (0)

static uint64_t pte_of(const uint8_t *mem, uint64_t cr3, uint64_t va)
{
	uint64_t e = cr3;
	for (int shift = 39; shift >= 12; shift -= 9) {
		memcpy(&e,
		       mem + (e & MG_HVT_PTE_ADDR) + 8 * ((va >> shift) & 511),
		       8);
		if (!(e & MG_HVT_PTE_P) || (e & MG_HVT_PTE_PS) || shift == 12)
			return e;
	}
	return e;
}

static void check_image(const uint8_t *data, size_t size,
                        const mg__tender_image *img)
{
	CHECK(img->nseg > 0 && img->nseg <= MG__TENDER_SEGMENTS_MAX);
	CHECK(img->end % MG_HVT_PAGE_SIZE == 0 && img->end <= MEM_SIZE);
	CHECK(img->manifest >= data && img->manifest_size <= size &&
	      img->manifest - data <= (ptrdiff_t)(size - img->manifest_size));
	int entry_ok = 0;
	for (unsigned i = 0; i < img->nseg; i++) {
		const mg__tender_segment *g = &img->seg[i];
		CHECK(g->vaddr >= MG_HVT_LOAD_BASE && g->vaddr % 4096 == 0);
		CHECK(g->memsz <= MEM_SIZE - g->vaddr);
		CHECK(g->filesz <= g->memsz);
		CHECK(g->offset <= size && g->filesz <= size - g->offset);
		CHECK(!((g->flags & PF_W) && (g->flags & PF_X)));
		if (i > 0) {
			const mg__tender_segment *p = &img->seg[i - 1];
			uint64_t p_end =
			    (p->vaddr + p->memsz + 4095) & ~4095ull;
			CHECK(g->vaddr >= p_end);
		}
		if ((g->flags & PF_X) && img->entry >= g->vaddr &&
		    img->entry - g->vaddr < g->memsz)
			entry_ok = 1;
	}
	CHECK(entry_ok);
}

static void check_tables(const uint8_t *mem, uint64_t cr3,
                         const mg__tender_image *img)
{
	CHECK(!(pte_of(mem, cr3, 0) & MG_HVT_PTE_P));
	uint64_t e = pte_of(mem, cr3, img->entry);
	CHECK((e & MG_HVT_PTE_P) && !(e & MG_HVT_PTE_NX));
	/* W^X on every 4 KiB page of the image and the region after it. */
	uint64_t top = (img->end + (2ull << 20)) & ~((2ull << 20) - 1);
	for (uint64_t a = 0; a < top && a < MEM_SIZE; a += 4096) {
		e = pte_of(mem, cr3, a);
		if (e & MG_HVT_PTE_P) {
			CHECK(!((e & MG_HVT_PTE_W) && !(e & MG_HVT_PTE_NX)));
			/* A 2 MiB page maps its aligned frame. */
			uint64_t mask =
			    e & MG_HVT_PTE_PS ? ~((2ull << 20) - 1) : ~0xfffull;
			CHECK((e & MG_HVT_PTE_ADDR & mask) == (a & mask));
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *mem;
	char err[256];
	mg__tender_image img;
	struct mg_hvt_device devices[MG_HVT_DEVICES_MAX];
	uint32_t ndev;

	if (!mem && !(mem = calloc(1, MEM_SIZE)))
		abort();
	memset(err, 0x55, sizeof err);
	if (mg__tender_elf_check(data, size, MEM_SIZE, MG__HVT_IMAGE_END_MAX,
	                         &img, err, sizeof err) < 0) {
		CHECK(memchr(err, '\0', sizeof err) && err[0] != '\0');
		return 0;
	}
	check_image(data, size, &img);
	mg__tender_elf_load(data, &img, mem);

	memset(err, 0x55, sizeof err);
	if (mg__tender_manifest_parse(img.manifest, img.manifest_size, devices,
	                              &ndev, err, sizeof err) < 0) {
		CHECK(memchr(err, '\0', sizeof err) && err[0] != '\0');
	} else {
		CHECK(ndev <= MG_HVT_DEVICES_MAX);
		for (uint32_t i = 0; i < ndev; i++)
			CHECK(devices[i].name[0] != '\0' &&
			      memchr(devices[i].name, '\0', MG_HVT_NAME_MAX));
	}

	/* The tender's memory is fresh: so must the tables' area be here. */
	memset(mem + MG_HVT_PT_BASE, 0, MG_HVT_PT_END - MG_HVT_PT_BASE);
	uint64_t cr3 = mg__hvt_x86_setup(mem, MEM_SIZE, &img);
	check_tables(mem, cr3, &img);
	return 0;
}
