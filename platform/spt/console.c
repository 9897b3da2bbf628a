/* Console, clocks, exit and abort: a system call each. */
#include <string.h>

#include "spt_internal.h"

#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1

void mg__spt_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		long n =
		    mg__spt_syscall3(MG_SPT_SYS_WRITE, fd, (long)p, (long)len);
		if (n == -MG__SPT_EINTR)
			continue;
		if (n <= 0)
			return; /* a console nobody reads loses the bytes */
		p += n;
		len -= (size_t)n;
	}
}

void mg_platform_console_write(const char *buf, size_t len)
{
	mg__spt_write_all(1, buf, len);
}

struct ts {
	long sec, nsec;
};

/*
 * Through the host's vDSO where the tender found it: a clock read is then
 * some 20 ns instead of a system call through the filter, and the TCP
 * stack reads the clock for every segment.
 */
static uint64_t clock_ns(long id)
{
	struct ts ts = {0, 0};
	uint64_t vdso = mg__spt_boot->vdso_clock_gettime;
	if (vdso)
		((int (*)(int, struct ts *))(uintptr_t)vdso)((int)id, &ts);
	else
		mg__spt_syscall3(MG_SPT_SYS_CLOCK_GETTIME, id, (long)&ts, 0);
	return (uint64_t)ts.sec * 1000000000ull + (uint64_t)ts.nsec;
}

uint64_t mg_platform_monotonic_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t mg_platform_wall_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

_Noreturn void mg_platform_exit(int status)
{
	for (;;)
		mg__spt_syscall3(MG_SPT_SYS_EXIT_GROUP, status & 0xff, 0, 0);
}

/*
 * As the hvt tender does: the message on the console, newline-terminated,
 * "IMAGE: guest aborted" on stderr, and 134.
 */
_Noreturn void mg_platform_abort(const char *msg)
{
	static const char tail[] = ": guest aborted\n";
	size_t len = strlen(msg);
	mg__spt_write_all(1, msg, len);
	if (len == 0 || msg[len - 1] != '\n')
		mg__spt_write_all(1, "\n", 1);
	const char *image = mg__spt_boot && mg__spt_boot->argc > 0
	                        ? mg__spt_boot->argv[0]
	                        : "morgana-spt";
	mg__spt_write_all(2, image, strlen(image));
	mg__spt_write_all(2, tail, sizeof tail - 1);
	for (;;)
		mg__spt_syscall3(MG_SPT_SYS_EXIT_GROUP, MG_SPT_EXIT_ABORT, 0,
		                 0);
}
