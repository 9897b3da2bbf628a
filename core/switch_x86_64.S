/* Fiber context switch for x86-64 System V: callee-saved registers only. */
#ifdef __x86_64__

/*
 * void mg__switch(void **save, void *to)
 *
 * Only what the ABI makes callee-saved is kept: rbx, rbp, r12-r15 and the
 * stack pointer; the caller of this function has already spilled the rest.
 * The MXCSR and x87 control words are callee-saved too but are left alone:
 * nothing in Morgana changes them, and saving them costs more than the rest
 * of the switch. No signal mask is touched (swapcontext's system call is
 * what makes it slow).
 */
	.text
	.globl	mg__switch
	.hidden	mg__switch
	.type	mg__switch, @function
	.p2align 4
mg__switch:
	.cfi_startproc
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.cfi_endproc
	.size	mg__switch, .-mg__switch

/*
 * The first return of a new fiber lands here (mg__ctx_init builds the
 * frame), with the fiber in r12 and a 16-byte aligned stack. The return
 * address is marked undefined so that debuggers end the backtrace here.
 */
	.globl	mg__fiber_trampoline
	.hidden	mg__fiber_trampoline
	.type	mg__fiber_trampoline, @function
	.p2align 4
mg__fiber_trampoline:
	.cfi_startproc
	.cfi_undefined rip
	movq	%r12, %rdi
	call	mg__fiber_main
	ud2
	.cfi_endproc
	.size	mg__fiber_trampoline, .-mg__fiber_trampoline

#endif

	.section .note.GNU-stack,"",@progbits
