/* CPU exceptions: the IDT, and reporting a fault to the tender. */
#include <string.h>

#include "hvt_internal.h"

/* Laid out by traps_x86_64.S: the registers it pushes, then the CPU's. */
struct mg__hvt_trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

_Noreturn void mg__hvt_trap(struct mg__hvt_trap_frame *f);

/* The IDT: 32 gates built by the linker script (image.ld.in), read-only. */
extern const char mg__hvt_idt[], mg__hvt_idt_end[];

/*
 * Every exception runs on this stack (IST1): a fiber that overflows into
 * its guard page cannot take a page fault on its own stack.
 */
static uint8_t trap_stack[8192] __attribute__((aligned(16)));

void mg__hvt_traps_init(void)
{
	struct mg_hvt_tss *tss = (struct mg_hvt_tss *)MG_HVT_TSS_BASE;
	uint64_t top = (uint64_t)(uintptr_t)(trap_stack + sizeof trap_stack);
	tss->ist[0] = (uint32_t)top;
	tss->ist[1] = (uint32_t)(top >> 32);

	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} idtr = {(uint16_t)(mg__hvt_idt_end - mg__hvt_idt - 1),
	          (uint64_t)(uintptr_t)mg__hvt_idt};
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

/* Append (s) to (buf) at (*n), keeping room for nothing else: no libc. */
static void append(char *buf, size_t size, size_t *n, const char *s)
{
	while (*s && *n + 1 < size)
		buf[(*n)++] = *s++;
	buf[*n] = '\0';
}

void mg__hvt_trap(struct mg__hvt_trap_frame *f)
{
	static char msg[160];
	struct mg_hvt_fault r;
	uint64_t cr2;

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	memset(&r, 0, sizeof r);
	r.vector = f->vector;
	r.error_code = f->error_code;
	r.rip = f->rip;
	r.rsp = f->rsp;
	r.rflags = f->rflags;
	r.cr2 = cr2;
	r.regs[MG_HVT_RAX] = f->rax;
	r.regs[MG_HVT_RBX] = f->rbx;
	r.regs[MG_HVT_RCX] = f->rcx;
	r.regs[MG_HVT_RDX] = f->rdx;
	r.regs[MG_HVT_RSI] = f->rsi;
	r.regs[MG_HVT_RDI] = f->rdi;
	r.regs[MG_HVT_RBP] = f->rbp;
	r.regs[MG_HVT_R8] = f->r8;
	r.regs[MG_HVT_R9] = f->r9;
	r.regs[MG_HVT_R10] = f->r10;
	r.regs[MG_HVT_R11] = f->r11;
	r.regs[MG_HVT_R12] = f->r12;
	r.regs[MG_HVT_R13] = f->r13;
	r.regs[MG_HVT_R14] = f->r14;
	r.regs[MG_HVT_R15] = f->r15;

	/* A page fault on a stack guard page is a fiber's stack overflow. */
	if (f->vector == 14) {
		const uint64_t *pte = mg__hvt_pte(cr2, 0);
		if (pte && !(*pte & MG_HVT_PTE_P) &&
		    (*pte & MG_HVT_PTE_GUARD)) {
			size_t n = 0;
			const char *name = mg__fiber_current_name();
			append(msg, sizeof msg, &n,
			       "stack overflow in fiber '");
			append(msg, sizeof msg, &n, name ? name : "?");
			append(msg, sizeof msg, &n, "'");
			r.msg = msg;
			r.msg_len = n;
		}
	}
	mg__hvt_call(MG_HVT_CALL_FAULT, &r);
	for (;;)
		__asm__ volatile("hlt");
}
