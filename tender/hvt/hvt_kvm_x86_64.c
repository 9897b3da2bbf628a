/* KVM on x86-64: create the VM and its vCPU in long mode, run it. */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "hvt.h"

#define X86_CR0_PE         (1ull << 0)
#define X86_CR0_MP         (1ull << 1)
#define X86_CR0_ET         (1ull << 4)
#define X86_CR0_NE         (1ull << 5)
#define X86_CR0_WP         (1ull << 16)
#define X86_CR0_PG         (1ull << 31)
#define X86_CR4_PAE        (1ull << 5)
#define X86_CR4_OSFXSR     (1ull << 9)  /* SSE on; FXSAVE saves XMM */
#define X86_CR4_OSXMMEXCPT (1ull << 10) /* SIMD FP exceptions are #XM */
#define X86_EFER_LME       (1ull << 8)
#define X86_EFER_LMA       (1ull << 10)
#define X86_EFER_NXE       (1ull << 11)
#define MSR_IA32_TSC       0x10

static _Noreturn void host_fail(const char *what)
{
	mg__tender_die(MG_HVT_EXIT_HOST, "KVM: %s: %s", what, strerror(errno));
}

#ifdef MG__HVT_PROFILE
/*
 * The profiling build (bench/hvt_profile.py, `make hvt-profile`), never
 * installed: the vCPU single-steps and the address of every instruction
 * the guest executes goes to the file named by $MG_HVT_PROFILE, one per
 * line. Where KVM emulates the guest, its time is its instruction count.
 * A `rep` instruction counts once per step KVM makes of it.
 */
static FILE *profile;

static void profile_start(mg__hvt *h)
{
	const char *path = getenv("MG_HVT_PROFILE");
	if (!path || !(profile = fopen(path, "w")))
		mg__tender_die(MG_HVT_EXIT_HOST, "MG_HVT_PROFILE: no file");
	/* Unbuffered: the guest's exit ends the tender with _exit(). */
	setvbuf(profile, NULL, _IONBF, 0);
	struct kvm_guest_debug dbg = {.control = KVM_GUESTDBG_ENABLE |
	                                         KVM_GUESTDBG_SINGLESTEP};
	if (ioctl(h->vcpu_fd, KVM_SET_GUEST_DEBUG, &dbg) < 0)
		host_fail("KVM_SET_GUEST_DEBUG");
}
#endif

void mg__hvt_kvm_open(mg__hvt *h)
{
	h->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (h->kvm_fd < 0)
		mg__tender_die(MG_HVT_EXIT_HOST,
		               "cannot open /dev/kvm: %s (is KVM available and "
		               "may this user use it?)",
		               strerror(errno));
	if (ioctl(h->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		mg__tender_die(MG_HVT_EXIT_HOST,
		               "KVM: unsupported API version");
	h->vm_fd = ioctl(h->kvm_fd, KVM_CREATE_VM, 0);
	if (h->vm_fd < 0)
		host_fail("KVM_CREATE_VM");

	h->mem = mmap(NULL, h->mem_size, PROT_READ | PROT_WRITE,
	              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (h->mem == MAP_FAILED)
		mg__tender_die(
		    MG_HVT_EXIT_HOST, "cannot map %llu MiB of guest memory: %s",
		    (unsigned long long)(h->mem_size >> 20), strerror(errno));
	struct kvm_userspace_memory_region region = {
	    .slot = 0,
	    .guest_phys_addr = 0,
	    .memory_size = h->mem_size,
	    .userspace_addr = (uint64_t)(uintptr_t)h->mem,
	};
	if (ioctl(h->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		host_fail("KVM_SET_USER_MEMORY_REGION");

	h->vcpu_fd = ioctl(h->vm_fd, KVM_CREATE_VCPU, 0);
	if (h->vcpu_fd < 0)
		host_fail("KVM_CREATE_VCPU");
	int run_size = ioctl(h->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (int)sizeof(struct kvm_run))
		host_fail("KVM_GET_VCPU_MMAP_SIZE");
	h->run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE,
	              MAP_SHARED, h->vcpu_fd, 0);
	if (h->run == MAP_FAILED)
		host_fail("mmap of the vCPU");
}

/*
 * A minimal CPUID: long mode, NX, the TSC and SSE/SSE2 (enabled, see
 * setup_fpu), plus RDRAND when the host has it, which is all the guest
 * looks for. Asking KVM for every feature
 * it supports (KVM_GET_SUPPORTED_CPUID) costs more than the rest of the
 * vCPU set-up together, and an image has no use for the rest.
 */
static void setup_cpuid(mg__hvt *h)
{
	struct {
		struct kvm_cpuid2 hdr;
		struct kvm_cpuid_entry2 e[4];
	} c = {.hdr.nent = 4};
	uint32_t a, b, cx, d;

	__cpuid(0, a, b, cx, d);
	c.e[0] = (struct kvm_cpuid_entry2){
	    .function = 0, .eax = 1, .ebx = b, .ecx = cx, .edx = d};
	__cpuid(1, a, b, cx, d);
	c.e[1] = (struct kvm_cpuid_entry2){
	    .function = 1,
	    .eax = a, /* family, model, stepping */
	    .ecx = cx & bit_RDRND,
	    /* FPU, TSC, MSR, PAE, CX8, CMOV, FXSR, SSE, SSE2: what any
	     * x86-64 CPU has. */
	    .edx =
	        d & ((1u << 0) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 8) |
	             (1u << 15) | (1u << 24) | (1u << 25) | (1u << 26)),
	};
	c.e[2] = (struct kvm_cpuid_entry2){.function = 0x80000000,
	                                   .eax = 0x80000001};
	c.e[3] = (struct kvm_cpuid_entry2){
	    .function = 0x80000001,
	    .edx = (1u << 20) /* NX */ | (1u << 29) /* long mode */,
	};
	if (ioctl(h->vcpu_fd, KVM_SET_CPUID2, &c) < 0)
		host_fail("KVM_SET_CPUID2");
}

/*
 * The x87 and SSE state the guest starts with, as after FNINIT and a
 * reset: every exception masked, round to nearest. MXCSR is set here
 * rather than by a guest LDMXCSR: where KVM emulates the guest, SSE
 * instructions may not run at all, and the guest's own code uses general
 * registers only. With CR4.OSFXSR and CR0.MP set and CR0.EM and CR0.TS
 * clear (mg__hvt_kvm_vcpu), SSE needs nothing more; XCR0 only matters for
 * AVX, which the guest is not offered.
 */
static void setup_fpu(mg__hvt *h)
{
	struct kvm_fpu fpu = {.fcw = 0x37f, .mxcsr = 0x1f80};
	if (ioctl(h->vcpu_fd, KVM_SET_FPU, &fpu) < 0)
		host_fail("KVM_SET_FPU");
}

static struct kvm_segment segment(uint16_t sel, uint8_t type, bool code)
{
	return (struct kvm_segment){
	    .base = 0,
	    .limit = 0xffffffff,
	    .selector = sel,
	    .type = type,
	    .present = 1,
	    .s = 1,
	    .l = code,
	    .db = !code,
	    .g = 1,
	};
}

void mg__hvt_kvm_vcpu(mg__hvt *h, uint64_t entry, uint64_t cr3)
{
	setup_cpuid(h);

	struct kvm_sregs s;
	if (ioctl(h->vcpu_fd, KVM_GET_SREGS, &s) < 0)
		host_fail("KVM_GET_SREGS");
	s.cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP |
	        X86_CR0_PG;
	s.cr3 = cr3;
	s.cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	s.efer = X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE;
	s.cs = segment(MG_HVT_SEL_CODE, 0xb, true);
	s.ds = s.es = s.fs = s.gs = s.ss = segment(MG_HVT_SEL_DATA, 0x3, false);
	s.gdt.base = MG_HVT_GDT_BASE;
	s.gdt.limit = MG_HVT_SEL_TSS + 16 - 1;
	s.idt.base = 0;
	s.idt.limit = 0; /* the guest installs its own */
	s.tr = (struct kvm_segment){
	    .base = MG_HVT_TSS_BASE,
	    .limit = sizeof(struct mg_hvt_tss) - 1,
	    .selector = MG_HVT_SEL_TSS,
	    .type = 0xb, /* busy 64-bit TSS */
	    .present = 1,
	};
	s.ldt = (struct kvm_segment){.unusable = 1};
	if (ioctl(h->vcpu_fd, KVM_SET_SREGS, &s) < 0)
		host_fail("KVM_SET_SREGS");
	setup_fpu(h);

	struct kvm_regs r = {
	    .rip = entry,
	    .rflags = 0x2, /* interrupts off: the guest never takes any */
	    .rsp = MG_HVT_STACK_TOP,
	    .rdi = MG_HVT_BOOT_INFO_BASE,
	};
	if (ioctl(h->vcpu_fd, KVM_SET_REGS, &r) < 0)
		host_fail("KVM_SET_REGS");

	int khz = ioctl(h->vcpu_fd, KVM_GET_TSC_KHZ, 0);
	if (khz <= 0)
		mg__tender_die(
		    MG_HVT_EXIT_HOST,
		    "KVM: cannot read the TSC frequency (KVM_GET_TSC_"
		    "KHZ): %s",
		    strerror(errno));
	h->tsc_hz = (uint64_t)khz * 1000;
#ifdef MG__HVT_PROFILE
	profile_start(h);
#endif
}

void mg__hvt_kvm_boot_clock(mg__hvt *h)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} m = {.hdr.nmsrs = 1, .e.index = MSR_IA32_TSC};
	struct timespec t;

	/* Read both together so that wall = wall_ns + TSC delta in the guest.
	 */
	clock_gettime(CLOCK_REALTIME, &t);
	if (ioctl(h->vcpu_fd, KVM_GET_MSRS, &m) == 1)
		h->boot->tsc_at_boot = m.e.data;
	h->boot->wall_ns =
	    (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
	h->boot->tsc_hz = h->tsc_hz;
}

/*
 * "SSE" or "x87" if (c) (n bytes) starts with such an instruction, else
 * NULL: KVM's instruction emulator implements few of them, so on a host
 * whose KVM emulates every guest instruction they end the guest.
 */
static const char *fp_kind(const uint8_t *c, size_t n)
{
	size_t i = 0;
	while (i < n && (c[i] == 0x66 || c[i] == 0xf2 || c[i] == 0xf3 ||
	                 (c[i] & 0xf0) == 0x40))
		i++; /* operand-size, rep and REX prefixes */
	if (i < n && c[i] >= 0xd8 && c[i] <= 0xdf)
		return "x87";
	if (i + 1 >= n || c[i] != 0x0f)
		return NULL;
	uint8_t op = c[i + 1];
	if ((op >= 0x10 && op <= 0x17) || (op >= 0x28 && op <= 0x2f) ||
	    (op >= 0x50 && op <= 0x7f) || op == 0x38 || op == 0x3a ||
	    op == 0xc2 || (op >= 0xc4 && op <= 0xc6) || op >= 0xd0)
		return "SSE";
	/* 0f ae /0-/3 with a memory operand: fxsave, fxrstor, ldmxcsr,
	 * stmxcsr (the register forms are fences). */
	if (op == 0xae && i + 2 < n && (c[i + 2] >> 6) != 3 &&
	    ((c[i + 2] >> 3) & 7) <= 3)
		return "SSE";
	return NULL;
}

/* After an emulation failure: say so if the instruction is SSE or x87. */
static void explain_emulation_failure(mg__hvt *h)
{
	struct kvm_regs r;
	if (ioctl(h->vcpu_fd, KVM_GET_REGS, &r) < 0)
		return;
	struct kvm_translation t = {.linear_address = r.rip};
	uint64_t gpa = r.rip;
	if (ioctl(h->vcpu_fd, KVM_TRANSLATE, &t) == 0 && t.valid)
		gpa = t.physical_address;
	if (gpa >= h->mem_size)
		return;
	size_t n = h->mem_size - gpa < 16 ? (size_t)(h->mem_size - gpa) : 16;
	const char *kind = fp_kind(h->mem + gpa, n);
	if (kind)
		mg__tender_msg(
		    "guest fault: the instruction at rip is %s, which "
		    "KVM's instruction emulator cannot run: this host's "
		    "KVM emulates the guest's instructions (nested or "
		    "PVM virtualization); where the guest runs natively "
		    "it works",
		    kind);
}

static _Noreturn void guest_fault(mg__hvt *h, const char *what)
{
	mg__tender_msg("guest fault: %s", what);
	mg__hvt_kvm_dump(h);
	_exit(MG_HVT_EXIT_FAULT);
}

void mg__hvt_kvm_run(mg__hvt *h)
{
	struct kvm_run *run = h->run;

	for (;;) {
		if (ioctl(h->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == EFAULT)
				guest_fault(h, "host/guest translation fault");
			host_fail("KVM_RUN");
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO: {
			if (run->io.direction != KVM_EXIT_IO_OUT ||
			    run->io.size != 4 || run->io.count != 1)
				mg__tender_die(
				    MG_HVT_EXIT_ABI,
				    "guest made a bad I/O port access "
				    "(port 0x%x, %s, size %u)",
				    run->io.port,
				    run->io.direction == KVM_EXIT_IO_OUT ? "out"
				                                         : "in",
				    run->io.size);
			uint32_t arg;
			memcpy(&arg, (uint8_t *)run + run->io.data_offset,
			       sizeof arg);
			mg__hvt_hypercall(h, run->io.port, arg);
			break;
		}
#ifdef MG__HVT_PROFILE
		case KVM_EXIT_DEBUG:
			fprintf(profile, "%llx\n",
			        (unsigned long long)run->debug.arch.pc);
			break;
#endif
		case KVM_EXIT_SHUTDOWN:
			guest_fault(h, "triple fault (an exception while "
			               "handling an exception, or no IDT)");
		case KVM_EXIT_HLT:
			guest_fault(h, "the guest halted with interrupts off");
		case KVM_EXIT_MMIO:
			mg__tender_msg("guest fault: access to guest-physical "
			               "0x%llx, outside guest memory",
			               (unsigned long long)run->mmio.phys_addr);
			mg__hvt_kvm_dump(h);
			_exit(MG_HVT_EXIT_FAULT);
		case KVM_EXIT_INTERNAL_ERROR:
			mg__tender_msg(
			    "guest fault: KVM internal error, suberror "
			    "%u%s",
			    run->internal.suberror,
			    run->internal.suberror ==
			            KVM_INTERNAL_ERROR_EMULATION
			        ? " (emulation failure: an "
			          "instruction KVM cannot run, "
			          "e.g. SSE; see the code at rip)"
			        : "");
			if (run->internal.suberror ==
			    KVM_INTERNAL_ERROR_EMULATION)
				explain_emulation_failure(h);
			mg__hvt_kvm_dump(h);
			_exit(MG_HVT_EXIT_FAULT);
		case KVM_EXIT_FAIL_ENTRY:
			mg__tender_die(MG_HVT_EXIT_HOST,
			               "KVM: entry failure, hardware reason "
			               "0x%llx",
			               (unsigned long long)run->fail_entry
			                   .hardware_entry_failure_reason);
		default:
			mg__tender_msg("KVM: unexpected exit reason %u",
			               run->exit_reason);
			mg__hvt_kvm_dump(h);
			_exit(MG_HVT_EXIT_HOST);
		}
	}
}
