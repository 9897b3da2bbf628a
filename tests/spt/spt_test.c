/* The spt tests of the guest test unikernel: what the seccomp filter stops. */
#include <stdint.h>
#include <string.h>

#include <mg/spt_abi.h>

#include "../guest/guest_test.h"

MG_HVT_MANIFEST(2, {"net0", MG_HVT_DEVICE_NET}, {"disk", MG_HVT_DEVICE_BLOCK});

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	long r;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
	                 : "=a"(r)
	                 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
	                   "r"(r9)
	                 : "rcx", "r11", "memory");
	return r;
}

static char data_page[4096] __attribute__((aligned(4096)));

/*
 * Each of these must end the process with MG_SPT_EXIT_SYSCALL and a
 * report naming the call; returning from one is a failure. Numbers are
 * x86-64's.
 */
void mg_test_target(const char *t, const mg_boot_info *bi)
{
	static const char path[] = "/etc/passwd";
	static const char *const argv[] = {"/bin/sh", NULL};
	long r = 0;
	(void)bi;
	if (strcmp(t, "open") == 0)
		r = sys6(2, (long)path, 0, 0, 0, 0, 0);
	else if (strcmp(t, "openat") == 0)
		r = sys6(257, -100, (long)path, 0, 0, 0, 0);
	else if (strcmp(t, "socket") == 0)
		r = sys6(41, 2, 1, 0, 0, 0, 0);
	else if (strcmp(t, "execve") == 0)
		r = sys6(59, (long)argv[0], (long)argv, 0, 0, 0, 0);
	else if (strcmp(t, "ptrace") == 0)
		r = sys6(101, 0, 0, 0, 0, 0, 0);
	else if (strcmp(t, "fork") == 0)
		r = sys6(57, 0, 0, 0, 0, 0, 0);
	else if (strcmp(t, "mmapexec") == 0)
		r = sys6(9, 0, 4096, 5 /* PROT_READ | PROT_EXEC */,
		         0x22 /* MAP_PRIVATE | MAP_ANONYMOUS */, -1, 0);
	else if (strcmp(t, "mprotectexec") == 0)
		r = sys6(10, (long)data_page, 4096, 7, 0, 0, 0);
	else if (strcmp(t, "writefd") == 0)
		r = sys6(1, 9, (long)path, 4, 0, 0, 0);
	else if (strcmp(t, "readvfd") == 0)
		r = sys6(19, 0, (long)path, 1, 0, 0, 0);
	else if (strcmp(t, "int80") == 0)
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
	else
		return;
	say("spt_test: system call %s returned %ld\n", t, r);
	mg_platform_exit(99);
}
