/* The C side of boot: traps, clocks, heap and argv, then mg__boot(). */
#include <stdlib.h>

#include <mg/libc.h>

#include "hvt_internal.h"

const struct mg_hvt_boot_info *mg__hvt_boot;
static mg_boot_info boot_info;

_Noreturn void mg__hvt_start(const struct mg_hvt_boot_info *bi);

const mg_boot_info *mg_platform_boot_info(void)
{
	return &boot_info;
}

static int cpu_has_rdrand(void)
{
	uint32_t a = 1, b, c = 0, d;
	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return (c >> 30) & 1;
}

/* Called by _start (entry_x86_64.S) with the canary already set. */
void mg__hvt_start(const struct mg_hvt_boot_info *bi)
{
	mg__hvt_boot = bi;
	mg__hvt_traps_init();
	if (bi->abi_version != MG_HVT_ABI_VERSION)
		mg_platform_abort("hvt: this image and the tender speak "
				  "different ABI versions");
	mg__hvt_has_rdrand = cpu_has_rdrand();
	mg__hvt_clock_init();

	/*
	 * The heap is everything above the image. It goes to libc's
	 * allocator, which is then the platform's own: mg_boot_info reports
	 * no separate heap (see mg/platform.h).
	 */
	mg__libc_heap_init((void *)(uintptr_t)bi->image_end,
			   bi->mem_size - bi->image_end);

	/* At most one word per two characters of the line. */
	size_t max = bi->cmdline_len / 2 + 1;
	char **argv = malloc((max + 1) * sizeof *argv);
	if (!argv)
		mg_platform_abort("hvt: no memory for the boot arguments "
				  "(see --mem)");
	boot_info.argc = mg__hvt_split_args(bi->cmdline, argv, (int)max);
	if (boot_info.argc == 0) { /* the tender always passes a name */
		argv[0] = "image";
		argv[1] = NULL;
		boot_info.argc = 1;
	}
	boot_info.argv = argv;
	boot_info.target = "hvt";
	mg__boot();
}
