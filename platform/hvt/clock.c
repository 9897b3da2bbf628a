/* Clocks from the TSC, at the frequency the tender measured: integer only. */
#include "hvt_internal.h"

#define NS_PER_S 1000000000ull

static uint64_t tsc_base;  /* TSC at monotonic 0 */
static uint64_t tsc_mult;  /* ns per tick, 32.32 fixed point */
static uint64_t wall_base; /* wall-clock ns at monotonic 0 */

void mg__hvt_clock_init(void)
{
	const struct mg_hvt_boot_info *bi = mg__hvt_boot;
	uint64_t now = mg__x86_rdtsc();

	if (bi->tsc_hz == 0)
		mg_platform_abort("hvt: the tender gave no TSC frequency");
	/* Fits: 10^9 << 32 < 2^62, and tsc_hz >= 1. */
	tsc_mult = (NS_PER_S << 32) / bi->tsc_hz;
	/*
	 * The tender read the guest TSC together with the wall clock; trust
	 * that reading only if it is plausible (before now, under a minute).
	 */
	tsc_base = now;
	if (bi->tsc_at_boot != 0 && bi->tsc_at_boot <= now &&
	    now - bi->tsc_at_boot < 60 * bi->tsc_hz)
		tsc_base = bi->tsc_at_boot;
	wall_base = bi->wall_ns;
}

uint64_t mg_platform_monotonic_ns(void)
{
	uint64_t ticks = mg__x86_rdtsc() - tsc_base;
	return (uint64_t)(((unsigned __int128)ticks * tsc_mult) >> 32);
}

/* Set once at boot and advanced by the TSC: no exit per reading. */
uint64_t mg_platform_wall_ns(void)
{
	return wall_base + mg_platform_monotonic_ns();
}
