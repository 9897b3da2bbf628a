/* Waiting: one epoll_pwait2 on the tender's set of net devices. */
#include "spt_internal.h"

/* struct epoll_event, packed on x86-64. */
struct event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

void mg_platform_yield(uint64_t deadline_ns, mg_handle *ready, size_t max,
                       size_t *n_ready)
{
	size_t n = 0;
	/* A frame kept from a short read is ready without a wait. */
	uint64_t pend = mg__spt_net_pending();
	if (pend) {
		for (; pend && n < max; pend &= pend - 1)
			ready[n++] = (mg_handle)__builtin_ctzll(pend);
		*n_ready = n;
		return;
	}
	struct {
		long sec, nsec;
	} ts, *tsp = NULL;
	if (deadline_ns != UINT64_MAX) {
		uint64_t now = mg_platform_monotonic_ns();
		uint64_t wait = deadline_ns > now ? deadline_ns - now : 0;
		ts.sec = (long)(wait / 1000000000u);
		ts.nsec = (long)(wait % 1000000000u);
		tsp = &ts;
	}
	struct event ev[MG_HVT_DEVICES_MAX];
	int want = max < MG_HVT_DEVICES_MAX ? (int)max : MG_HVT_DEVICES_MAX;
	if (want == 0)
		want = 1;
	long got =
	    mg__spt_syscall5(MG_SPT_SYS_EPOLL_PWAIT2, mg__spt_boot->epoll_fd,
	                     (long)ev, want, (long)tsp, 0);
	/* An interrupted wait is a spurious wakeup (mg/platform.h). */
	for (long i = 0; i < got && n < max; i++)
		ready[n++] = (mg_handle)ev[i].data;
	*n_ready = n;
}
