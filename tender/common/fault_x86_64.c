/* Words of x86-64 fault reports that both tenders print alike. */
#include <stdbool.h>

#include "tender.h"

const char *mg__tender_vector_name(uint64_t v)
{
	static const char *const names[] = {
	    [0] = "#DE divide error",
	    [1] = "#DB debug",
	    [2] = "NMI",
	    [3] = "#BP breakpoint",
	    [4] = "#OF overflow",
	    [5] = "#BR bound range exceeded",
	    [6] = "#UD invalid opcode",
	    [7] = "#NM device not available (FPU/SSE use?)",
	    [8] = "#DF double fault",
	    [10] = "#TS invalid TSS",
	    [11] = "#NP segment not present",
	    [12] = "#SS stack-segment fault",
	    [13] = "#GP general protection",
	    [14] = "#PF page fault",
	    [16] = "#MF x87 floating-point error",
	    [17] = "#AC alignment check",
	    [18] = "#MC machine check",
	    [19] = "#XM SIMD floating-point error",
	    [20] = "#VE virtualization exception",
	    [21] = "#CP control protection",
	};
	if (v < sizeof names / sizeof names[0] && names[v])
		return names[v];
	return "reserved exception";
}

const char *mg__tender_page_fault_kind(uint64_t error)
{
	bool present = error & 1, write = error & 2, fetch = error & 16;
	if (fetch)
		return present ? "instruction fetch from a non-executable page"
		               : "instruction fetch from a not-present page";
	if (write)
		return present ? "write to a read-only page"
		               : "write to a not-present page";
	return present ? "read violating page protection"
	               : "read of a not-present page";
}

void mg__tender_print_gprs(const uint64_t r[MG_HVT_NREGS])
{
	mg__tender_msg("  rax %016llx rbx %016llx rcx %016llx rdx %016llx",
	               (unsigned long long)r[MG_HVT_RAX],
	               (unsigned long long)r[MG_HVT_RBX],
	               (unsigned long long)r[MG_HVT_RCX],
	               (unsigned long long)r[MG_HVT_RDX]);
	mg__tender_msg("  rsi %016llx rdi %016llx rbp %016llx r8  %016llx",
	               (unsigned long long)r[MG_HVT_RSI],
	               (unsigned long long)r[MG_HVT_RDI],
	               (unsigned long long)r[MG_HVT_RBP],
	               (unsigned long long)r[MG_HVT_R8]);
	mg__tender_msg("  r9  %016llx r10 %016llx r11 %016llx r12 %016llx",
	               (unsigned long long)r[MG_HVT_R9],
	               (unsigned long long)r[MG_HVT_R10],
	               (unsigned long long)r[MG_HVT_R11],
	               (unsigned long long)r[MG_HVT_R12]);
	mg__tender_msg("  r13 %016llx r14 %016llx r15 %016llx",
	               (unsigned long long)r[MG_HVT_R13],
	               (unsigned long long)r[MG_HVT_R14],
	               (unsigned long long)r[MG_HVT_R15]);
}
