/* Reports of x86-64 guest faults: vector names, registers, code bytes. */
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hvt.h"

/* "code at rip: 0f 0b ..." from guest-physical (gpa), if in memory. */
static void print_code(mg__hvt *h, uint64_t gpa)
{
	char line[128];
	size_t n = (size_t)snprintf(line, sizeof line, "  code at rip:");
	if (gpa >= h->mem_size) {
		mg__tender_msg("  code at rip: outside guest memory");
		return;
	}
	for (uint64_t i = 0; i < 16 && gpa + i < h->mem_size; i++)
		n += (size_t)snprintf(line + n, sizeof line - n, " %02x",
		                      h->mem[gpa + i]);
	mg__tender_msg("%s", line);
}

void mg__hvt_fault(mg__hvt *h, const struct mg_hvt_fault *f)
{
	if (f->msg_len > 0) {
		const char *msg =
		    mg__hvt_guest(h, f->msg, f->msg_len, MG_HVT_CALL_FAULT);
		int len = f->msg_len > 512 ? 512 : (int)f->msg_len;
		mg__tender_msg("guest fault: %.*s", len, msg);
	}
	if (f->vector == 14) {
		const char *null = f->cr2 < MG_HVT_PAGE_SIZE
		                       ? " (a NULL pointer dereference)"
		                       : "";
		mg__tender_msg("guest fault: %s: %s at 0x%llx%s",
		               mg__tender_vector_name(f->vector),
		               mg__tender_page_fault_kind(f->error_code),
		               (unsigned long long)f->cr2, null);
	} else {
		mg__tender_msg("guest fault: %s",
		               mg__tender_vector_name(f->vector));
	}
	mg__tender_msg(
	    "  vector %llu error %#llx rip %016llx rsp %016llx "
	    "rflags %#llx cr2 %#llx",
	    (unsigned long long)f->vector, (unsigned long long)f->error_code,
	    (unsigned long long)f->rip, (unsigned long long)f->rsp,
	    (unsigned long long)f->rflags, (unsigned long long)f->cr2);
	mg__tender_print_gprs(f->regs);
	print_code(h, f->rip);
	_exit(MG_HVT_EXIT_FAULT);
}

void mg__hvt_kvm_dump(mg__hvt *h)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(h->vcpu_fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(h->vcpu_fd, KVM_GET_SREGS, &s) < 0) {
		mg__tender_msg("  (cannot read the vCPU registers)");
		return;
	}
	mg__tender_msg("  rip %016llx rsp %016llx rflags %#llx", r.rip, r.rsp,
	               r.rflags);
	mg__tender_msg("  cr0 %#llx cr2 %#llx cr3 %#llx cr4 %#llx efer %#llx",
	               s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
	uint64_t g[MG_HVT_NREGS] = {
	    [MG_HVT_RAX] = r.rax, [MG_HVT_RBX] = r.rbx, [MG_HVT_RCX] = r.rcx,
	    [MG_HVT_RDX] = r.rdx, [MG_HVT_RSI] = r.rsi, [MG_HVT_RDI] = r.rdi,
	    [MG_HVT_RBP] = r.rbp, [MG_HVT_R8] = r.r8,   [MG_HVT_R9] = r.r9,
	    [MG_HVT_R10] = r.r10, [MG_HVT_R11] = r.r11, [MG_HVT_R12] = r.r12,
	    [MG_HVT_R13] = r.r13, [MG_HVT_R14] = r.r14, [MG_HVT_R15] = r.r15,
	};
	mg__tender_print_gprs(g);
	/* The guest's mappings are identity unless it changed them. */
	struct kvm_translation t = {.linear_address = r.rip};
	uint64_t gpa = r.rip;
	if (ioctl(h->vcpu_fd, KVM_TRANSLATE, &t) == 0 && t.valid)
		gpa = t.physical_address;
	print_code(h, gpa);
}
