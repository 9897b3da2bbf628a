/* Confine the tender, once set up, to the few system calls the run loop uses.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hvt.h"

/*
 * Anything else kills the process (SIGSYS, exit status 159 from a shell):
 * a tender that a guest has subverted can then only do what the run loop
 * does anyway. The vCPU is the only descriptor ioctl() may touch.
 */
static const unsigned allowed[] = {
    SYS_read,      SYS_write,      SYS_pread64, SYS_pwrite64,
    SYS_readv,     SYS_writev,     SYS_ppoll,   SYS_clock_gettime,
    SYS_fdatasync, SYS_exit_group, SYS_exit,    SYS_rt_sigreturn,
};

static const unsigned vcpu_ioctls[] = {
    KVM_RUN, KVM_GET_REGS, /* fault reports */
    KVM_GET_SREGS,         /* fault reports */
    KVM_TRANSLATE,         /* fault reports */
};

#define ARG_LO(n) (offsetof(struct seccomp_data, args) + 8 * (n))

void mg__hvt_seccomp(mg__hvt *h)
{
	struct sock_filter f[64];
	unsigned n = 0;
	const struct sock_filter kill =
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	const struct sock_filter allow =
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);

	f[n++] = (struct sock_filter)BPF_STMT(
	    BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	                                      AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = kill;
	f[n++] = (struct sock_filter)BPF_STMT(
	    BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	/* x32 system calls share the architecture: refuse them. */
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
	                                      0x40000000, 0, 1);
	f[n++] = kill;
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		                                      allowed[i], 0, 1);
		f[n++] = allow;
	}
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	                                      SYS_ioctl, 1, 0);
	f[n++] = kill;
	/* The kernel reads fd and request as 32-bit: so do we. */
	f[n++] =
	    (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	                                      (unsigned)h->vcpu_fd, 1, 0);
	f[n++] = kill;
	f[n++] =
	    (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(1));
	for (size_t i = 0; i < sizeof vcpu_ioctls / sizeof vcpu_ioctls[0];
	     i++) {
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		                                      vcpu_ioctls[i], 0, 1);
		f[n++] = allow;
	}
	f[n++] = kill;

	struct sock_fprog prog = {.len = (unsigned short)n, .filter = f};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		mg__tender_die(MG_HVT_EXIT_HOST,
		               "cannot install seccomp filter: %s",
		               strerror(errno));
}
