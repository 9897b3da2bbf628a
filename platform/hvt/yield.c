/* Waiting: one POLL hypercall blocks the whole guest in the tender. */
#include "hvt_internal.h"

void mg_platform_yield(uint64_t deadline_ns, mg_handle *ready, size_t max,
                       size_t *n_ready)
{
	struct mg_hvt_poll a = {
	    .deadline_ns = deadline_ns,
	    .now_ns = mg_platform_monotonic_ns(),
	};
	size_t n = 0;

	/* Frames already in an RX ring: ready without an exit. The TX ring
	 * is sent at the next exit, which comes once they are read. */
	uint64_t pending = mg__hvt_net_ready();
	if (pending) {
		for (; pending && n < max; pending &= pending - 1)
			ready[n++] = (mg_handle)__builtin_ctzll(pending);
		*n_ready = n;
		return;
	}
	/* With no device to ask about, a poll that cannot wait is free. */
	if (mg__hvt_boot->device_count == 0 && deadline_ns <= a.now_ns) {
		*n_ready = 0;
		return;
	}
	mg__hvt_call(MG_HVT_CALL_POLL, &a);
	/*
	 * Devices are ready until read (level-triggered), so any not
	 * reported for lack of room comes back in the next call.
	 */
	for (uint64_t set = a.ready; set && n < max; set &= set - 1)
		ready[n++] = (mg_handle)__builtin_ctzll(set);
	*n_ready = n;
}
