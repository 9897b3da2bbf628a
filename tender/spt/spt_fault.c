/* Reports of the guest's faults and forbidden system calls. */
#define _GNU_SOURCE
#include <elf.h>
#include <linux/audit.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "spt.h"
#include "syscall_names.h"

/*
 * The handlers run in the guest's process after the seccomp filter is in
 * place, on a stack of their own (a guest that overflowed its stack has
 * none left): they only format, write(2) and _exit, all allowed. The
 * guest can write anywhere in the process, so what they read of its
 * memory is checked against the image's segments first.
 */

static const mg__spt *spt;
static volatile sig_atomic_t in_hook;

const char *mg__spt_syscall_name(long nr)
{
	if (nr >= 0 &&
	    (size_t)nr < sizeof syscall_names / sizeof *syscall_names)
		return syscall_names[nr];
	return NULL;
}

/* Whether [addr, addr + len) lies inside a segment of the image. */
static bool in_image(uint64_t addr, uint64_t len, uint32_t flags)
{
	for (unsigned i = 0; i < spt->img.nseg; i++) {
		const mg__tender_segment *g = &spt->img.seg[i];
		if (addr >= g->vaddr && len <= g->memsz &&
		    addr - g->vaddr <= g->memsz - len &&
		    (g->flags & flags) == flags)
			return true;
	}
	return false;
}

static void regs_of(const ucontext_t *uc, uint64_t r[MG_HVT_NREGS])
{
	const greg_t *g = uc->uc_mcontext.gregs;
	r[MG_HVT_RAX] = (uint64_t)g[REG_RAX];
	r[MG_HVT_RBX] = (uint64_t)g[REG_RBX];
	r[MG_HVT_RCX] = (uint64_t)g[REG_RCX];
	r[MG_HVT_RDX] = (uint64_t)g[REG_RDX];
	r[MG_HVT_RSI] = (uint64_t)g[REG_RSI];
	r[MG_HVT_RDI] = (uint64_t)g[REG_RDI];
	r[MG_HVT_RBP] = (uint64_t)g[REG_RBP];
	r[MG_HVT_R8] = (uint64_t)g[REG_R8];
	r[MG_HVT_R9] = (uint64_t)g[REG_R9];
	r[MG_HVT_R10] = (uint64_t)g[REG_R10];
	r[MG_HVT_R11] = (uint64_t)g[REG_R11];
	r[MG_HVT_R12] = (uint64_t)g[REG_R12];
	r[MG_HVT_R13] = (uint64_t)g[REG_R13];
	r[MG_HVT_R14] = (uint64_t)g[REG_R14];
	r[MG_HVT_R15] = (uint64_t)g[REG_R15];
}

static void print_state(const ucontext_t *uc)
{
	const greg_t *g = uc->uc_mcontext.gregs;
	uint64_t r[MG_HVT_NREGS];
	uint64_t rip = (uint64_t)g[REG_RIP];
	mg__tender_msg("  vector %llu error %#llx rip %016llx rsp %016llx "
	               "rflags %#llx cr2 %#llx",
	               (unsigned long long)g[REG_TRAPNO],
	               (unsigned long long)g[REG_ERR], (unsigned long long)rip,
	               (unsigned long long)g[REG_RSP],
	               (unsigned long long)g[REG_EFL],
	               (unsigned long long)uc->uc_mcontext.gregs[REG_CR2]);
	regs_of(uc, r);
	mg__tender_print_gprs(r);
	if (!in_image(rip, 16, PF_R)) {
		mg__tender_msg("  code at rip: outside the image");
		return;
	}
	char line[128];
	size_t n = (size_t)snprintf(line, sizeof line, "  code at rip:");
	for (int i = 0; i < 16; i++)
		n += (size_t)snprintf(line + n, sizeof line - n, " %02x",
		                      ((const uint8_t *)(uintptr_t)rip)[i]);
	mg__tender_msg("%s", line);
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return "SIGSEGV";
	case SIGBUS:
		return "SIGBUS";
	case SIGILL:
		return "SIGILL";
	case SIGFPE:
		return "SIGFPE";
	default:
		return "SIGTRAP";
	}
}

/* The guest's own words for a fault at (addr), if it has any. */
static const char *guest_says(uint64_t addr)
{
	uint64_t hook = spt->boot->fault_hook;
	if (!hook || in_hook || !in_image(hook, 1, PF_R | PF_X))
		return NULL;
	in_hook = 1; /* a fault inside the hook is reported without it */
	const char *msg = ((mg_spt_fault_hook)(uintptr_t)hook)(addr);
	in_hook = 0;
	if (msg && !in_image((uint64_t)(uintptr_t)msg, 1, PF_R))
		return NULL;
	return msg;
}

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	const ucontext_t *uc = ctx;
	const greg_t *g = uc->uc_mcontext.gregs;
	uint64_t vector = (uint64_t)g[REG_TRAPNO];
	uint64_t addr = (uint64_t)(uintptr_t)si->si_addr;

	if (sig == SIGSEGV || sig == SIGBUS) {
		const char *msg = guest_says(addr);
		if (msg)
			mg__tender_msg("guest fault: %.200s", msg);
		uint64_t guard = spt->boot->heap_end;
		if (addr >= guard && addr - guard < MG_SPT_PAGE_SIZE)
			mg__tender_msg("guest fault: the boot stack "
			               "overflowed");
	}
	if (sig == SIGSEGV && vector == 14) {
		mg__tender_msg("guest fault: %s: %s at 0x%llx%s",
		               mg__tender_vector_name(vector),
		               mg__tender_page_fault_kind((uint64_t)g[REG_ERR]),
		               (unsigned long long)addr,
		               addr < MG_SPT_PAGE_SIZE
		                   ? " (a NULL pointer dereference)"
		                   : "");
	} else if (vector < 32 && sig != SIGTRAP) {
		mg__tender_msg("guest fault: %s (%s)",
		               mg__tender_vector_name(vector),
		               signal_name(sig));
	} else {
		mg__tender_msg("guest fault: %s", signal_name(sig));
	}
	print_state(uc);
	_exit(MG_SPT_EXIT_FAULT);
}

/* Which rule a system call the filter refused broke. */
static void why_refused(long nr, const greg_t *g, char *buf, size_t len)
{
	long a0 = (long)g[REG_RDI], a2 = (long)g[REG_RDX];
	switch (nr) {
	case MG_SPT_SYS_WRITE:
		snprintf(buf, len,
		         "write to descriptor %ld: the guest writes only to "
		         "its console (1, 2)",
		         a0);
		return;
	case MG_SPT_SYS_READV:
	case MG_SPT_SYS_WRITEV:
	case MG_SPT_SYS_PREAD64:
	case MG_SPT_SYS_PWRITE64:
	case MG_SPT_SYS_FDATASYNC:
		snprintf(buf, len,
		         "descriptor %ld is not one of the guest's devices "
		         "for this call (net: readv, writev; block: pread64, "
		         "pwrite64, fdatasync, not written if read-only)",
		         a0);
		return;
	case MG_SPT_SYS_MPROTECT:
		snprintf(buf, len,
		         "mprotect to %#lx: the guest may only make memory "
		         "inaccessible or read-write, never executable",
		         a2);
		return;
	case MG_SPT_SYS_CLOCK_GETTIME:
		snprintf(buf, len,
		         "clock %ld: only CLOCK_MONOTONIC and "
		         "CLOCK_REALTIME",
		         a0);
		return;
	case MG_SPT_SYS_EPOLL_PWAIT2:
		snprintf(buf, len,
		         "descriptor %ld is not the guest's epoll "
		         "set",
		         a0);
		return;
	default:
		snprintf(buf, len,
		         "not a system call the guest may make "
		         "(docs/spt.md)");
	}
}

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	const ucontext_t *uc = ctx;
	const greg_t *g = uc->uc_mcontext.gregs;
	long nr = si->si_syscall;
	char why[256];
	(void)sig;
	if (si->si_arch != AUDIT_ARCH_X86_64) {
		mg__tender_msg("guest made a forbidden system call: number %ld "
		               "of another architecture (%#x): only x86-64 "
		               "system calls are allowed",
		               nr, si->si_arch);
	} else {
		const char *name = mg__spt_syscall_name(nr);
		why_refused(nr, g, why, sizeof why);
		mg__tender_msg("guest made a forbidden system call: %s (%ld): "
		               "%s",
		               name ? name : "unknown", nr, why);
	}
	mg__tender_msg(
	    "  args %#llx %#llx %#llx %#llx %#llx %#llx",
	    (unsigned long long)g[REG_RDI], (unsigned long long)g[REG_RSI],
	    (unsigned long long)g[REG_RDX], (unsigned long long)g[REG_R10],
	    (unsigned long long)g[REG_R8], (unsigned long long)g[REG_R9]);
	mg__tender_msg("  rip %016llx rsp %016llx",
	               (unsigned long long)g[REG_RIP],
	               (unsigned long long)g[REG_RSP]);
	_exit(MG_SPT_EXIT_SYSCALL);
}

void mg__spt_faults_init(const mg__spt *s)
{
	static const int faults[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
	size_t size = 64 * 1024;
	void *stack = mmap(NULL, size, PROT_READ | PROT_WRITE,
	                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	stack_t ss = {.ss_sp = stack, .ss_size = size};
	if (stack == MAP_FAILED || sigaltstack(&ss, NULL) < 0)
		mg__tender_die(MG_SPT_EXIT_HOST, "cannot set up the signal "
		                                 "stack");
	spt = s;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sa.sa_sigaction = on_fault;
	for (size_t i = 0; i < sizeof faults / sizeof *faults; i++)
		if (sigaction(faults[i], &sa, NULL) < 0)
			mg__tender_die(MG_SPT_EXIT_HOST, "sigaction failed");
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sa.sa_sigaction = on_sigsys;
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		mg__tender_die(MG_SPT_EXIT_HOST, "sigaction failed");
	/* Nothing the guest does may be stopped by a blocked signal. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}
