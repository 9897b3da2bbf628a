/* The ELF loader: checks an hvt or spt image completely, then copies it in. */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "tender.h"

/*
 * Everything is read from a buffer holding the whole file, so that one
 * bounds check per header covers every later access, and so that the
 * fuzzer can drive it without files.
 */

/* (off + len <= size) without overflow. */
static bool in_file(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

static int check_ehdr(const Elf64_Ehdr *e, size_t size, char *err,
                      size_t errlen)
{
	if (memcmp(e->e_ident, ELFMAG, SELFMAG) != 0)
		return mg__tender_refuse(err, errlen, "not an ELF file");
	if (e->e_ident[EI_CLASS] != ELFCLASS64)
		return mg__tender_refuse(err, errlen,
		                         "not a 64-bit ELF file (class %u)",
		                         e->e_ident[EI_CLASS]);
	if (e->e_ident[EI_DATA] != ELFDATA2LSB)
		return mg__tender_refuse(err, errlen,
		                         "not a little-endian ELF file");
	if (e->e_ident[EI_VERSION] != EV_CURRENT || e->e_version != EV_CURRENT)
		return mg__tender_refuse(
		    err, errlen, "unsupported ELF version %u", e->e_version);
	if (e->e_machine != EM_X86_64)
		return mg__tender_refuse(
		    err, errlen, "built for machine %u, not x86-64 (%u)",
		    e->e_machine, EM_X86_64);
	if (e->e_type != ET_EXEC)
		return mg__tender_refuse(
		    err, errlen,
		    "not a static executable (ELF type %u, "
		    "expected ET_EXEC)",
		    e->e_type);
	if (e->e_ehsize != sizeof(Elf64_Ehdr))
		return mg__tender_refuse(err, errlen, "bad ELF header size %u",
		                         e->e_ehsize);
	if (e->e_phentsize != sizeof(Elf64_Phdr))
		return mg__tender_refuse(
		    err, errlen, "bad program header size %u", e->e_phentsize);
	if (e->e_phnum == 0)
		return mg__tender_refuse(err, errlen, "has no program headers");
	if (e->e_phnum > MG__TENDER_PHDRS_MAX)
		return mg__tender_refuse(err, errlen,
		                         "has %u program headers (at most %u)",
		                         e->e_phnum, MG__TENDER_PHDRS_MAX);
	if (!in_file(e->e_phoff, (uint64_t)e->e_phnum * sizeof(Elf64_Phdr),
	             size))
		return mg__tender_refuse(
		    err, errlen,
		    "is truncated: the program headers end past "
		    "the end of the file");
	return 0;
}

/* Find the MORGANA manifest among the notes of PT_NOTE segment (i). */
static int scan_notes(const uint8_t *file, const Elf64_Phdr *p, unsigned i,
                      mg__tender_image *img, char *err, size_t errlen)
{
	const uint64_t end = p->p_offset + p->p_filesz;
	uint64_t off = p->p_offset;

	while (off < end) {
		Elf64_Nhdr n;
		if (end - off < sizeof n)
			return mg__tender_refuse(
			    err, errlen, "segment %u: truncated note header",
			    i);
		memcpy(&n, file + off, sizeof n);
		off += sizeof n;
		uint64_t namesz = ((uint64_t)n.n_namesz + 3) & ~3ull;
		uint64_t descsz = ((uint64_t)n.n_descsz + 3) & ~3ull;
		if (namesz > end - off || descsz > end - off - namesz)
			return mg__tender_refuse(
			    err, errlen,
			    "segment %u: a note extends past the "
			    "segment",
			    i);
		bool ours = n.n_namesz == sizeof MG_HVT_NOTE_NAME &&
		            memcmp(file + off, MG_HVT_NOTE_NAME,
		                   sizeof MG_HVT_NOTE_NAME) == 0 &&
		            n.n_type == MG_HVT_NOTE_MANIFEST;
		if (ours) {
			if (img->manifest)
				return mg__tender_refuse(
				    err, errlen, "has two Morgana manifests");
			img->manifest = file + off + namesz;
			img->manifest_size = n.n_descsz;
		}
		off += namesz + descsz;
	}
	return 0;
}

static int check_load(const Elf64_Phdr *p, unsigned i, size_t size,
                      uint64_t mem_size, const mg__tender_image *img, char *err,
                      size_t errlen)
{
	if (!in_file(p->p_offset, p->p_filesz, size))
		return mg__tender_refuse(
		    err, errlen,
		    "is truncated: segment %u (file offset 0x%llx "
		    "+ 0x%llx) ends past the end of the file (%zu "
		    "bytes)",
		    i, (unsigned long long)p->p_offset,
		    (unsigned long long)p->p_filesz, size);
	if (p->p_filesz > p->p_memsz)
		return mg__tender_refuse(
		    err, errlen,
		    "segment %u: file size 0x%llx exceeds its "
		    "memory size 0x%llx",
		    i, (unsigned long long)p->p_filesz,
		    (unsigned long long)p->p_memsz);
	if ((p->p_flags & PF_W) && (p->p_flags & PF_X))
		return mg__tender_refuse(err, errlen,
		                         "segment %u is writable and "
		                         "executable",
		                         i);
	if (p->p_align > 1 && (p->p_align & (p->p_align - 1)) != 0)
		return mg__tender_refuse(
		    err, errlen,
		    "segment %u: alignment 0x%llx is not a power of "
		    "two",
		    i, (unsigned long long)p->p_align);
	if (p->p_align > 1 && (p->p_vaddr - p->p_offset) % p->p_align != 0)
		return mg__tender_refuse(
		    err, errlen,
		    "segment %u: address 0x%llx and file offset "
		    "0x%llx disagree modulo its alignment 0x%llx",
		    i, (unsigned long long)p->p_vaddr,
		    (unsigned long long)p->p_offset,
		    (unsigned long long)p->p_align);
	if (p->p_vaddr % MG_HVT_PAGE_SIZE != 0)
		return mg__tender_refuse(
		    err, errlen,
		    "segment %u: address 0x%llx is not page-aligned", i,
		    (unsigned long long)p->p_vaddr);
	if (p->p_vaddr < MG_HVT_LOAD_BASE)
		return mg__tender_refuse(
		    err, errlen,
		    "segment %u starts at 0x%llx, below the load "
		    "address 0x%llx",
		    i, (unsigned long long)p->p_vaddr, MG_HVT_LOAD_BASE);
	if (p->p_vaddr > mem_size || p->p_memsz > mem_size - p->p_vaddr)
		return mg__tender_refuse(
		    err, errlen,
		    "segment %u (0x%llx + 0x%llx) does not fit in "
		    "guest memory (%llu MiB; see --mem)",
		    i, (unsigned long long)p->p_vaddr,
		    (unsigned long long)p->p_memsz,
		    (unsigned long long)(mem_size >> 20));
	if (img->nseg > 0) {
		const mg__tender_segment *prev = &img->seg[img->nseg - 1];
		if (p->p_vaddr < prev->vaddr)
			return mg__tender_refuse(
			    err, errlen,
			    "segment %u is not in ascending address "
			    "order",
			    i);
		/* Permissions are per page: segments may not share one. */
		if (p->p_vaddr < img->end)
			return mg__tender_refuse(
			    err, errlen, "segment %u overlaps segment %u", i,
			    prev->index);
	}
	if (img->nseg == MG__TENDER_SEGMENTS_MAX)
		return mg__tender_refuse(err, errlen,
		                         "has more than %u loadable segments",
		                         MG__TENDER_SEGMENTS_MAX);
	return 0;
}

int mg__tender_elf_check(const uint8_t *file, size_t size, uint64_t mem_size,
                         uint64_t end_max, mg__tender_image *img, char *err,
                         size_t errlen)
{
	Elf64_Ehdr e;

	memset(img, 0, sizeof *img);
	if (size < sizeof e)
		return mg__tender_refuse(
		    err, errlen,
		    "is truncated: %zu bytes, too short for an ELF "
		    "header",
		    size);
	memcpy(&e, file, sizeof e);
	if (check_ehdr(&e, size, err, errlen) < 0)
		return -1;

	for (unsigned i = 0; i < e.e_phnum; i++) {
		Elf64_Phdr p;
		memcpy(&p, file + e.e_phoff + i * sizeof p, sizeof p);
		switch (p.p_type) {
		case PT_LOAD:
			if (p.p_memsz == 0)
				break;
			if (check_load(&p, i, size, mem_size, img, err,
			               errlen) < 0)
				return -1;
			img->seg[img->nseg++] = (mg__tender_segment){
			    .vaddr = p.p_vaddr,
			    .memsz = p.p_memsz,
			    .offset = p.p_offset,
			    .filesz = p.p_filesz,
			    .flags = p.p_flags,
			    .index = i,
			};
			/* Cannot overflow: the segment fits in mem_size. */
			img->end =
			    (p.p_vaddr + p.p_memsz + MG_HVT_PAGE_SIZE - 1) &
			    ~(MG_HVT_PAGE_SIZE - 1);
			break;
		case PT_NOTE:
			if (!in_file(p.p_offset, p.p_filesz, size))
				return mg__tender_refuse(
				    err, errlen,
				    "is truncated: note segment %u "
				    "ends past the end of the file",
				    i);
			if (scan_notes(file, &p, i, img, err, errlen) < 0)
				return -1;
			break;
		case PT_INTERP:
		case PT_DYNAMIC:
			return mg__tender_refuse(
			    err, errlen,
			    "is dynamically linked (segment %u); Morgana "
			    "images are static",
			    i);
		case PT_TLS:
			return mg__tender_refuse(
			    err, errlen,
			    "uses thread-local storage (segment %u), "
			    "which Morgana images do not have",
			    i);
		default:
			break; /* PT_GNU_STACK, PT_PHDR...: nothing to do */
		}
	}

	if (img->nseg == 0)
		return mg__tender_refuse(err, errlen,
		                         "has no loadable segment");
	if (img->end > mem_size)
		return mg__tender_refuse(
		    err, errlen,
		    "does not fit in guest memory (%llu MiB; see "
		    "--mem)",
		    (unsigned long long)(mem_size >> 20));
	if (img->end > end_max)
		return mg__tender_refuse(
		    err, errlen,
		    "is too large: it ends at 0x%llx, the tender loads "
		    "images up to 0x%llx",
		    (unsigned long long)img->end, (unsigned long long)end_max);
	bool entry_ok = false;
	for (unsigned s = 0; s < img->nseg; s++) {
		const mg__tender_segment *g = &img->seg[s];
		if ((g->flags & PF_X) && e.e_entry >= g->vaddr &&
		    e.e_entry - g->vaddr < g->memsz)
			entry_ok = true;
	}
	if (!entry_ok)
		return mg__tender_refuse(
		    err, errlen,
		    "entry point 0x%llx is not in an executable "
		    "segment",
		    (unsigned long long)e.e_entry);
	if (!img->manifest)
		return mg__tender_refuse(
		    err, errlen,
		    "has no Morgana manifest note (is it an hvt or spt "
		    "image?)");
	img->entry = e.e_entry;
	return 0;
}

void mg__tender_elf_load(const uint8_t *file, const mg__tender_image *img,
                         uint8_t *mem)
{
	/* The rest of each segment (its BSS) is already zero. */
	for (unsigned s = 0; s < img->nseg; s++) {
		const mg__tender_segment *g = &img->seg[s];
		memcpy(mem + g->vaddr, file + g->offset, g->filesz);
	}
}
