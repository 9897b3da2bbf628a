/* Internal interfaces of the spt guest platform. */
#ifndef MG_PLATFORM_SPT_INTERNAL_H
#define MG_PLATFORM_SPT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <mg/platform.h>
#include <mg/spt_abi.h>

#include "../x86_64/x86_64.h"

/* The tender's boot information. */
extern const struct mg_spt_boot_info *mg__spt_boot;

/*
 * Linux system calls, made directly: the image has no host libc. Each
 * returns the kernel's value, a negative errno on failure. Only those of
 * mg/spt_abi.h pass the tender's filter.
 */
static inline long mg__spt_syscall3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall"
	                 : "=a"(r)
	                 : "a"(n), "D"(a), "S"(b), "d"(c)
	                 : "rcx", "r11", "memory");
	return r;
}

static inline long mg__spt_syscall5(long n, long a, long b, long c, long d,
                                    long e)
{
	long r;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	__asm__ volatile("syscall"
	                 : "=a"(r)
	                 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
	                 : "rcx", "r11", "memory");
	return r;
}

/* Linux's errno values the platform tells apart. */
#define MG__SPT_EINTR  4
#define MG__SPT_EAGAIN 11
#define MG__SPT_ENOSPC 28

/* Write all of (buf, len) to (fd), looping over short writes. */
void mg__spt_write_all(int fd, const void *buf, size_t len);

/* devices.c: the manifest's devices (set up at boot), and the one behind
 * handle (h) if it is of (kind) and acquired, else NULL. */
extern mg__x86_devices mg__spt_devices;
const struct mg_spt_device *mg__spt_device(mg_handle h, uint32_t kind);

/* net.c: the net devices holding a frame kept from a short read. */
uint64_t mg__spt_net_pending(void);

/* stack.c: the fault report's hook (mg_spt_boot_info.fault_hook). */
const char *mg__spt_fault_hook(uint64_t addr);

#endif
