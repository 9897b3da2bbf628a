/* Exception entry stubs: one per vector, 16 bytes apart, into C. */

/* image.ld.in computes the IDT from mg__hvt_trap_stubs + 16 * vector. */

/*
 * The CPU pushes SS, RSP, RFLAGS, CS, RIP and, for some vectors, an error
 * code; each stub makes the frame uniform (error code 0 where the CPU
 * pushes none) and adds the vector. trap_common saves the general
 * registers in the order of struct mg__hvt_trap_frame (traps.c) and hands
 * it to mg__hvt_trap(), which reports to the tender and never returns.
 */
.macro STUB vector, has_error
	.balign 16
	.if \has_error == 0
	pushq $0
	.endif
	pushq $\vector
	jmp trap_common
.endm

	.text
	.balign 16
	.globl mg__hvt_trap_stubs
mg__hvt_trap_stubs:
	STUB 0, 0
	STUB 1, 0
	STUB 2, 0
	STUB 3, 0
	STUB 4, 0
	STUB 5, 0
	STUB 6, 0
	STUB 7, 0
	STUB 8, 1
	STUB 9, 0
	STUB 10, 1
	STUB 11, 1
	STUB 12, 1
	STUB 13, 1
	STUB 14, 1
	STUB 15, 0
	STUB 16, 0
	STUB 17, 1
	STUB 18, 0
	STUB 19, 0
	STUB 20, 0
	STUB 21, 1
	STUB 22, 0
	STUB 23, 0
	STUB 24, 0
	STUB 25, 0
	STUB 26, 0
	STUB 27, 0
	STUB 28, 0
	STUB 29, 1
	STUB 30, 1
	STUB 31, 0

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	cld
	call mg__hvt_trap
	ud2

	.section .note.GNU-stack, "", @progbits
