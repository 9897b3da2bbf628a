/* Internal interfaces of the hvt guest platform. */
#ifndef MG_PLATFORM_HVT_INTERNAL_H
#define MG_PLATFORM_HVT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <mg/hvt_abi.h>
#include <mg/platform.h>

#include "../x86_64/x86_64.h"

/* The tender's boot information (read-only page). */
extern const struct mg_hvt_boot_info *mg__hvt_boot;

/*
 * Call the tender. (arg) is the call's argument block: on the boot stack,
 * a fiber stack or static data, all below 4 GiB and 8-byte aligned. The
 * "memory" clobber makes the compiler write the block before the exit
 * and read the tender's answers after it.
 */
static inline void mg__hvt_call(unsigned call, void *arg)
{
	__asm__ volatile("outl %0, %w1"
	                 :
	                 : "a"((uint32_t)(uintptr_t)arg),
	                   "d"((uint16_t)(MG_HVT_PORT_BASE + call))
	                 : "memory");
}

/* devices.c: the manifest's devices (set up at boot). */
extern mg__x86_devices mg__hvt_devices;

/* net.c: the net devices whose RX ring holds a frame (a ready set, no
 * exit); send what the TX rings hold before the guest ends. */
uint64_t mg__hvt_net_ready(void);
void mg__hvt_net_flush(void);

/* clock.c */
void mg__hvt_clock_init(void);

/* traps.c: load the IDT (built by hvt.ld) and the exception stack. */
void mg__hvt_traps_init(void);

/* stack.c: the 4 KiB page-table entry of (va), splitting a 2 MiB page
 * when (split); NULL if not mapped or a split needs memory it lacks. */
uint64_t *mg__hvt_pte(uint64_t va, int split);

#endif
