/* Finding the host vDSO's clock_gettime for the guest. */
#include <elf.h>
#include <string.h>
#include <sys/auxv.h>

#include "spt.h"

/*
 * The vDSO is a small ELF object the kernel maps into every process, with
 * its section headers: its .dynsym names __vdso_clock_gettime. Its address
 * is the mapping's plus the symbol's value less the first segment's
 * address. 0 if anything is not as expected: the guest then makes the
 * system call.
 */
uint64_t mg__spt_vdso_clock_gettime(void)
{
	const uint8_t *base = (const uint8_t *)getauxval(AT_SYSINFO_EHDR);
	if (!base)
		return 0;
	const Elf64_Ehdr *e = (const void *)base;
	if (memcmp(e->e_ident, ELFMAG, SELFMAG) != 0 ||
	    e->e_ident[EI_CLASS] != ELFCLASS64 ||
	    e->e_shentsize != sizeof(Elf64_Shdr) ||
	    e->e_phentsize != sizeof(Elf64_Phdr))
		return 0;
	const Elf64_Phdr *ph = (const void *)(base + e->e_phoff);
	uint64_t load = UINT64_MAX;
	for (unsigned i = 0; i < e->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr < load)
			load = ph[i].p_vaddr;
	if (load == UINT64_MAX)
		return 0;
	const Elf64_Shdr *sh = (const void *)(base + e->e_shoff);
	for (unsigned i = 0; i < e->e_shnum; i++) {
		if (sh[i].sh_type != SHT_DYNSYM ||
		    sh[i].sh_link >= e->e_shnum ||
		    sh[i].sh_entsize != sizeof(Elf64_Sym))
			continue;
		const Elf64_Sym *sym = (const void *)(base + sh[i].sh_offset);
		const char *str =
		    (const char *)base + sh[sh[i].sh_link].sh_offset;
		size_t n = sh[i].sh_size / sizeof *sym;
		for (size_t j = 0; j < n; j++)
			if (sym[j].st_name && sym[j].st_shndx != SHN_UNDEF &&
			    ELF64_ST_TYPE(sym[j].st_info) == STT_FUNC &&
			    strcmp(str + sym[j].st_name,
			           "__vdso_clock_gettime") == 0)
				return (uint64_t)(uintptr_t)base +
				       sym[j].st_value - load;
	}
	return 0;
}
