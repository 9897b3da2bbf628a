/* The spt image's entry point: from the tender, or refused under Linux. */
#include <mg/spt_abi.h>

#include "../x86_64/canary_x86_64.h"

	.section .text.boot, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	/*
	 * The tender jumps here with RDI = the boot information and RSP = the
	 * top of the boot stack. Linux starts an ELF executable with RDI = 0
	 * and argc, argv on the stack.
	 */
	testq %rdi, %rdi
	jz .Llinux
	movabsq $MG_SPT_BOOT_MAGIC, %rax
	cmpq %rax, (%rdi)
	jne .Lbad_boot
	movq %rdi, %r12

	/* The canary, before any C code runs. */
	MG_X86_SET_CANARY(MG_SPT_BOOT_SEED_OFFSET(%r12))

	/* BSS and heap are zero: the tender mapped them anonymous. */
	movq %r12, %rdi
	xorl %ebp, %ebp
	call mg__spt_start
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
	.asciz "spt"

	.section .note.GNU-stack, "", @progbits
