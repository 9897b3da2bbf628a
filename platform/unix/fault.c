/* Reports for fatal faults: fiber stack overflows and stray accesses. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <mg/platform.h>

#include "unix_internal.h"

/* Weak: a program using only the platform need not link the scheduler. */
__attribute__((weak)) const char *mg__fiber_current_name(void);

/* The handler cannot run on the stack that overflowed. */
#define ALT_STACK_SIZE (64 * 1024)

/* What was installed before us: a sanitizer's report handler, usually. */
static struct sigaction previous_segv, previous_bus;

/* A tiny formatter: snprintf is not async-signal-safe. */
struct line {
	char buf[256];
	size_t n;
};

static void add(struct line *l, const char *s)
{
	while (*s && l->n < sizeof l->buf - 1)
		l->buf[l->n++] = *s++;
}

static void add_num(struct line *l, uintmax_t v, unsigned base)
{
	char tmp[32];
	size_t i = sizeof tmp;
	tmp[--i] = 0;
	do {
		tmp[--i] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	add(l, tmp + i);
}

static uintptr_t fault_sp(void *ucv)
{
	ucontext_t *uc = ucv;
#if defined(__x86_64__)
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
	return (uintptr_t)uc->uc_mcontext.sp;
#else
	(void)uc;
	return 0;
#endif
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	struct line l = {.n = 0};
	uintptr_t addr = (uintptr_t)si->si_addr;
	size_t usable;
	add(&l, "morgana: ");
	/* A call past the guard faults with the stack pointer inside it. */
	if (mg__unix_guard_lookup(addr, &usable) ||
	    mg__unix_guard_lookup(fault_sp(ucv), &usable)) {
		const char *name =
		    mg__fiber_current_name ? mg__fiber_current_name() : "?";
		add(&l, "fiber '");
		add(&l, name ? name : "?");
		add(&l, "' overflowed its stack (");
		add_num(&l, usable, 10);
		add(&l, " bytes)\n");
	} else {
		add(&l, sig == SIGBUS ? "bus error at 0x"
		                      : "segmentation fault at 0x");
		add_num(&l, addr, 16);
		add(&l, "\n");
	}
	mg__unix_write_all(1, l.buf, l.n);
	struct sigaction *prev = sig == SIGBUS ? &previous_bus : &previous_segv;
	if (!(prev->sa_flags & SA_SIGINFO) &&
	    (prev->sa_handler == SIG_DFL || prev->sa_handler == SIG_IGN))
		mg__unix_die();
	/* Returning runs the access again, into the previous handler: under
	 * ASan that adds its report and backtrace to our line. */
	sigaction(sig, prev, NULL);
}

void mg__unix_fault_install(void)
{
	static int installed;
	if (installed)
		return;
	installed = 1;
	void *alt = mmap(NULL, ALT_STACK_SIZE, PROT_READ | PROT_WRITE,
	                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (alt != MAP_FAILED) {
		stack_t ss = {.ss_sp = alt, .ss_size = ALT_STACK_SIZE};
		sigaltstack(&ss, NULL);
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	/* A fault inside the handler ends the process the default way. */
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &previous_segv);
	sigaction(SIGBUS, &sa, &previous_bus);
}
