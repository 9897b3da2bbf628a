/* The hvt image's entry point: from the tender, or refused under Linux. */
#include <mg/hvt_abi.h>

#include "../x86_64/canary_x86_64.h"

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

	/* The canary, before any C code runs. */
	MG_X86_SET_CANARY(MG_HVT_BOOT_SEED_OFFSET(%r12))

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
	leaq .Ltarget(%rip), %rdi
	jmp mg__x86_not_linux
	.size _start, . - _start

	.section .rodata
.Ltarget:
	.asciz "hvt"

	.section .note.GNU-stack, "", @progbits
