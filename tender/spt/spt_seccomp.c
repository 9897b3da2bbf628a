/* The seccomp filter: the guest's system calls, each by its arguments. */
#include <errno.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "spt.h"

static void rule(scmp_filter_ctx ctx, long nr, unsigned n,
                 struct scmp_arg_cmp a)
{
	int rc = n ? seccomp_rule_add(ctx, SCMP_ACT_ALLOW, (int)nr, 1, a)
	           : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, (int)nr, 0);
	if (rc < 0)
		mg__tender_die(MG_SPT_EXIT_HOST,
		               "seccomp: cannot add the rule for %s: %s",
		               mg__spt_syscall_name(nr), strerror(-rc));
}

static void on_fd(scmp_filter_ctx ctx, long nr, int fd)
{
	rule(ctx, nr, 1, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fd));
}

/*
 * mg/spt_abi.h lists what is allowed. Anything else raises SIGSYS
 * (SCMP_ACT_TRAP), which spt_fault.c reports before it ends the process,
 * as it does a call made for another architecture (int $0x80, x32). The
 * filter is loaded last, after which the tender makes no system call but
 * the jump's none; its context is never freed (free() might call munmap,
 * which the filter forbids).
 */
void mg__spt_seccomp(const mg__spt *s)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx)
		mg__tender_die(MG_SPT_EXIT_HOST, "seccomp: cannot start a "
		                                 "filter");
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP) < 0)
		mg__tender_die(MG_SPT_EXIT_HOST, "seccomp: cannot set the "
		                                 "action for other "
		                                 "architectures");
	on_fd(ctx, MG_SPT_SYS_WRITE, 1);
	on_fd(ctx, MG_SPT_SYS_WRITE, 2);
	const struct mg_spt_boot_info *bi = s->boot;
	for (uint32_t i = 0; i < bi->device_count; i++) {
		const struct mg_spt_device *d = &bi->devices[i];
		if (d->kind == MG_HVT_DEVICE_NET) {
			on_fd(ctx, MG_SPT_SYS_READV, d->fd);
			on_fd(ctx, MG_SPT_SYS_WRITEV, d->fd);
		} else {
			on_fd(ctx, MG_SPT_SYS_PREAD64, d->fd);
			if (!(d->flags & MG_HVT_DEVICE_READ_ONLY)) {
				on_fd(ctx, MG_SPT_SYS_PWRITE64, d->fd);
				on_fd(ctx, MG_SPT_SYS_FDATASYNC, d->fd);
			}
		}
	}
	on_fd(ctx, MG_SPT_SYS_EPOLL_PWAIT2, s->epoll_fd);
	rule(ctx, MG_SPT_SYS_CLOCK_GETTIME, 1,
	     SCMP_A0(SCMP_CMP_EQ, CLOCK_MONOTONIC));
	rule(ctx, MG_SPT_SYS_CLOCK_GETTIME, 1,
	     SCMP_A0(SCMP_CMP_EQ, CLOCK_REALTIME));
	rule(ctx, MG_SPT_SYS_MPROTECT, 1, SCMP_A2(SCMP_CMP_EQ, PROT_NONE));
	rule(ctx, MG_SPT_SYS_MPROTECT, 1,
	     SCMP_A2(SCMP_CMP_EQ, PROT_READ | PROT_WRITE));
	rule(ctx, MG_SPT_SYS_EXIT_GROUP, 0, SCMP_A0(SCMP_CMP_EQ, 0));
	int rc = seccomp_load(ctx);
	if (rc < 0)
		mg__tender_die(MG_SPT_EXIT_HOST,
		               "seccomp: cannot load the "
		               "filter: %s",
		               strerror(-rc));
}
