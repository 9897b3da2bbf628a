/*
 * The stack protector's canary, set by the entry code of hvt and spt before
 * any C code runs (no frame can then hold the old value): RDRAND if the
 * CPU has it, else the TSC, mixed either way with the tender's seed.
 *   MG_X86_SET_CANARY(SEED): SEED is a memory operand of 8 bytes of the
 *   tender's seed. Clobbers RAX, RBX, RCX, RDX.
 */
#define MG_X86_SET_CANARY(seed)                                                \
	movl $1, %eax;                                                         \
	xorl %ecx, %ecx;                                                       \
	cpuid;                                                                 \
	btl $30, %ecx;                                                         \
	jnc 8f;                                                                \
	movl $1, mg__x86_has_rdrand(%rip);                                     \
	movl $10, %ecx;                                                        \
7:	rdrand %rax;                                                           \
	jc 9f;                                                                 \
	decl %ecx;                                                             \
	jnz 7b;                                                                \
8:	rdtsc;                                                                 \
	shlq $32, %rdx;                                                        \
	orq %rdx, %rax;                                                        \
	movabsq $0x9e3779b97f4a7c15, %rdx;                                     \
	imulq %rdx, %rax;                                                      \
9:	xorq seed, %rax;                                                       \
	/* A zero low byte stops string functions from leaking it. */          \
	xorb %al, %al;                                                         \
	movq %rax, __stack_chk_guard(%rip)
