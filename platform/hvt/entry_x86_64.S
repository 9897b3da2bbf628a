/* The hvt image's entry point: from the tender, or refused under Linux. */
#include <mg/hvt_abi.h>

	.section .text.boot, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	/*
	 * The tender enters in long mode with RDI = the boot information,
	 * RSP = MG_HVT_STACK_TOP and interrupts off. Linux starts an ELF
	 * executable with RDI = 0 and argc, argv on the stack.
	 */
	cmpq $MG_HVT_BOOT_INFO_BASE, %rdi
	jne .Llinux
	movabsq $MG_HVT_BOOT_MAGIC, %rax
	cmpq %rax, (%rdi)
	jne .Lbad_boot
	movq %rdi, %r12

	/*
	 * The stack protector's canary, before any C code runs: no frame can
	 * then hold the old value. RDRAND if the CPU has it, else the TSC;
	 * mixed with the tender's seed either way.
	 */
	movl $1, %eax
	xorl %ecx, %ecx
	cpuid
	btl $30, %ecx
	jnc .Lno_rdrand
	movl $1, mg__hvt_has_rdrand(%rip)
	movl $10, %ecx
1:	rdrand %rax
	jc .Lhave_random
	decl %ecx
	jnz 1b
.Lno_rdrand:
	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
	movabsq $0x9e3779b97f4a7c15, %rdx
	imulq %rdx, %rax
.Lhave_random:
	xorq MG_HVT_BOOT_SEED_OFFSET(%r12), %rax
	/* A zero low byte stops string functions from leaking it. */
	xorb %al, %al
	movq %rax, __stack_chk_guard(%rip)

	/*
	 * BSS is not cleared here: the tender hands over memory that is zero
	 * wherever the image has no data (mg/hvt_abi.h), and every
	 * instruction counts when the CPU is emulated.
	 */
	movq %r12, %rdi
	xorl %ebp, %ebp
	call mg__hvt_start
	ud2

.Lbad_boot:
	/* The boot information is not ours: stop (the tender reports it). */
	ud2

.Llinux:
	/* write(2, argv[0], strlen(argv[0])) then the explanation. */
	movq 8(%rsp), %rsi
	testq %rsi, %rsi
	jnz 2f
	leaq .Lunnamed(%rip), %rsi
2:	movq %rsi, %rdx
3:	cmpb $0, (%rdx)
	je 4f
	incq %rdx
	jmp 3b
4:	subq %rsi, %rdx
	movl $1, %eax /* SYS_write */
	movl $2, %edi
	syscall
	movl $1, %eax
	movl $2, %edi
	leaq .Lnot_linux(%rip), %rsi
	movl $.Lnot_linux_end - .Lnot_linux, %edx
	syscall
	movl $231, %eax /* SYS_exit_group */
	movl $126, %edi
	syscall
	hlt
	.size _start, . - _start

	.section .rodata
.Lunnamed:
	.asciz "image"
.Lnot_linux:
	.ascii ": this is a Morgana hvt image; run it with morgana-hvt "
	.ascii "or 'morgana run'\n"
.Lnot_linux_end:

	.section .note.GNU-stack, "", @progbits
