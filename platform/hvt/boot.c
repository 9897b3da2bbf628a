/* The C side of boot: traps, clocks and heap, then mg__boot(). */
#include <mg/libc.h>

#include "hvt_internal.h"

const struct mg_hvt_boot_info *mg__hvt_boot;
static mg_boot_info boot_info;

static int bulk_copy(void *dst, const void *src, size_t n)
{
	uint64_t cr3;
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	struct mg_hvt_copy a = {.dst = (uint64_t)(uintptr_t)dst,
	                        .src = (uint64_t)(uintptr_t)src,
	                        .len = n,
	                        .cr3 = cr3};
	mg__hvt_call(MG_HVT_CALL_COPY, &a);
	return (int)a.ret;
}

_Noreturn void mg__hvt_start(const struct mg_hvt_boot_info *bi);

const mg_boot_info *mg_platform_boot_info(void)
{
	return &boot_info;
}

/* Called by _start (entry_x86_64.S) with the canary already set. */
void mg__hvt_start(const struct mg_hvt_boot_info *bi)
{
	uint64_t t0 = mg__x86_rdtsc();

	mg__hvt_boot = bi;
	mg__hvt_devices =
	    (mg__x86_devices){(const uint8_t *)bi->devices,
	                      sizeof bi->devices[0], bi->device_count, 0};
	mg__hvt_traps_init();
	if (bi->abi_version != MG_HVT_ABI_VERSION)
		mg_platform_abort("hvt: this image and the tender speak "
		                  "different ABI versions");
	mg__hvt_clock_init();
	mg__x86_entropy_seed(bi->seed, "hvt: the tender gave no entropy seed");
	/*
	 * The forty-odd instructions since t0 take nanoseconds on a real CPU
	 * and some 25 us where KVM emulates each one: libc then picks the
	 * string instructions that cost least there. Above 5 us is emulated
	 * (a TSC read that exits to the host costs a microsecond or two).
	 */
	mg__libc_cpu_emulated = mg__x86_rdtsc() - t0 > bi->tsc_hz / 200000;
	/* There, an 8-byte step of a copy costs about a microsecond and an
	 * exit about fifteen: the tender moves long copies (COPY). */
	if (mg__libc_cpu_emulated)
		mg__libc_bulk_copy = bulk_copy;

	/*
	 * The heap is everything above the image. It goes to libc's
	 * allocator, which is then the platform's own: mg_boot_info reports
	 * no separate heap (see mg/platform.h).
	 */
	mg__libc_heap_init((void *)(uintptr_t)bi->image_end,
	                   bi->mem_size - bi->image_end);

	boot_info.argc = (int)bi->argc;
	boot_info.argv = bi->argv;
	boot_info.target = "hvt";
	mg__boot();
}
