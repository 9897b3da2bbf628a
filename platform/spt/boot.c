/* The C side of boot: check the tender's ABI, entropy, heap, then mg__boot().
 */
#include <mg/libc.h>

#include "spt_internal.h"

const struct mg_spt_boot_info *mg__spt_boot;
static mg_boot_info boot_info;

_Noreturn void mg__spt_start(struct mg_spt_boot_info *bi);

const mg_boot_info *mg_platform_boot_info(void)
{
	return &boot_info;
}

/* Called by _start (entry_x86_64.S) with the canary already set. */
void mg__spt_start(struct mg_spt_boot_info *bi)
{
	mg__spt_boot = bi;
	mg__spt_devices =
	    (mg__x86_devices){(const uint8_t *)bi->devices,
	                      sizeof bi->devices[0], bi->device_count, 0};
	if (bi->abi_version != MG_SPT_ABI_VERSION)
		mg_platform_abort("spt: this image and the tender speak "
		                  "different ABI versions");
	bi->fault_hook = mg__spt_fault_hook;
	mg__x86_entropy_seed(bi->seed, "spt: the tender gave no entropy seed");
	/*
	 * The heap goes to libc's allocator, which is then the platform's
	 * own: mg_boot_info reports no separate heap (see mg/platform.h).
	 */
	mg__libc_heap_init((void *)(uintptr_t)bi->image_end,
	                   bi->heap_end - bi->image_end);
	boot_info.argc = (int)bi->argc;
	boot_info.argv = bi->argv;
	boot_info.target = "spt";
	mg__boot();
}
