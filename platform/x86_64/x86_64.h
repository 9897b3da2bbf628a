/* x86-64 guest code that hvt and spt share: TSC, RDRAND, entropy. */
#ifndef MG_PLATFORM_X86_64_H
#define MG_PLATFORM_X86_64_H

#include <stddef.h>
#include <stdint.h>

#include <mg/hvt_abi.h>
#include <mg/platform.h>

static inline uint64_t mg__x86_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* CPUID.1:ECX.RDRAND, found by the entry code (canary_x86_64.h). */
extern int mg__x86_has_rdrand;

/* One RDRAND value, or 0 if the CPU gives none. */
uint64_t mg__x86_rdrand(void);

/*
 * mg_platform_entropy() (entropy.c) keys itself from these 32 bytes, the
 * tender's getrandom() seed, at its first call: the platform names them
 * at boot; if they are all zero it aborts with (no_seed), a message
 * naming the platform.
 */
void mg__x86_entropy_seed(const uint8_t seed[32], const char *no_seed);

/*
 * The devices of the image's manifest, as the boot information lists them
 * (devices.c): (count) records of (stride) bytes from (first), each
 * beginning with its name (MG_HVT_NAME_MAX bytes) and its kind (uint32),
 * as struct mg_hvt_device and struct mg_spt_device do; its index is its
 * handle. (acquired) has a bit per device taken.
 */
typedef struct mg__x86_devices {
	const uint8_t *first;
	size_t stride;
	uint32_t count;
	uint32_t acquired;
} mg__x86_devices;

/* Take device (name) of (kind) (enum mg_hvt_device_kind): its index, also
 * stored in (*h), or MG_ENOENT, MG_EBUSY. */
int mg__x86_device_acquire(mg__x86_devices *d, const char *name, uint32_t kind,
                           mg_handle *h);
/* Whether (h) is an acquired device of (kind). */
int mg__x86_device_valid(const mg__x86_devices *d, mg_handle h, uint32_t kind);

#endif
