/* x86-64 guest code that hvt and spt share: TSC, RDRAND, entropy. */
#ifndef MG_PLATFORM_X86_64_H
#define MG_PLATFORM_X86_64_H

#include <stddef.h>
#include <stdint.h>

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

#endif
